"""The server half of bench/api_throughput.py: the emulator, or a bare Starlette endpoint.

Both are served the same way: uvicorn, one worker (this process), 127.0.0.1, log level
warning, no access log. The caller pins this process to one CPU.

- ``emulator PORT DATABASE_URL TOKEN_FILE``: the full emulator (``create_app``) on a database
  seeded here before serving: one application subscribed to every emulated API with the
  highest rate limit the Developer Hub allows (so the platform's per-application limit never
  throttles the benchmark), an Individual at confidence level 250 with a NINO and an
  ``HMRC-MTD-IT`` enrolment, three ITSA status records (last, this and next tax year), and an
  access token for them (``read:self-assessment``) minted in-process with the OAuth journey's
  ``grant`` and the token endpoint. The token, the NINO and the tax year are written to
  TOKEN_FILE as JSON (the caller keeps it in a private temporary directory); nothing is logged.
- ``bare PORT``: a Starlette app with one async route, ``GET /bare``, answering a small JSON
  body; no middleware, no database.

Usage: python bench/_api_server.py emulator PORT DATABASE_URL TOKEN_FILE
       python bench/_api_server.py bare PORT
"""

from __future__ import annotations

import json
import os
import sys
from decimal import Decimal
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from openmtd.emulator.devhub.applications import MAX_RATE_LIMIT, create_application
from openmtd.emulator.gateway.accounts import AccountDetails, create_account
from openmtd.emulator.oauth import journey
from openmtd.emulator.oauth.authorize import AuthorizeRequest
from openmtd.emulator.oauth.tokens import token_endpoint
from openmtd.emulator.settings import EmulatorSettings
from openmtd.emulator.storage import Enrolment, StoredStatus
from openmtd.emulator.web.app import create_app
from openmtd.rules.identifiers import MtdItId, Nino
from openmtd.rules.tax_year import TaxYear

HOST = "127.0.0.1"
REDIRECT_URI = "http://localhost:9999/callback"
NINO = str(Nino.parse("AA123456A"))
MTDITID = str(MtdItId.generate("00000000901"))
PASSWORD = "bench password 123"
#: Highest rate limit an application may have (requests per second, per application).
RATE_LIMIT = MAX_RATE_LIMIT


def emulator(database_url: str, token_file: Path) -> Starlette:
    app = create_app(EmulatorSettings(database_url=database_url, log_requests=False))
    services = app.state.services
    with services.store.transaction() as tx:
        now = services.clock.now_in(tx)
        account = create_account(
            tx,
            services.hasher,
            now,
            AccountDetails(
                password=PASSWORD,
                first_name="Bench",
                last_name="Person",
                email="bench@example.com",
                confidence_level=250,
                nino=NINO,
                enrolments=(Enrolment("HMRC-MTD-IT", "MTDITID", MTDITID),),
            ),
        )
        created = create_application(
            tx, now, name="bench", redirect_uris=[REDIRECT_URI], rate_limit_per_second=RATE_LIMIT
        )
        year = TaxYear.at(now)
        for tax_year, status, income in (
            (year.previous, "Annual", Decimal("41250.00")),
            (year, "MTD Mandated", Decimal("62400.00")),
            (year.next, "MTD Mandated", Decimal("58900.00")),
        ):
            tx.itsa_statuses.add(
                StoredStatus(NINO, str(tax_year), now, status, "CESA SA return", income)
            )
        client_id = created.application.client_id
        code = journey.grant(
            tx,
            AuthorizeRequest(
                client_id=client_id,
                redirect_uri=REDIRECT_URI,
                scopes=("read:self-assessment",),
                state=None,
                code_challenge=None,
                code_challenge_method=None,
            ),
            account,
            now,
        ).code
        assert code is not None
        answer = token_endpoint(
            tx,
            {
                "grant_type": ["authorization_code"],
                "client_id": [client_id],
                "client_secret": [created.client_secret],
                "redirect_uri": [REDIRECT_URI],
                "code": [code],
            },
            now,
        )
    seed = {
        "access_token": str(answer.body["access_token"]),
        "nino": NINO,
        "tax_year": str(year),
        "rate_limit_per_second": RATE_LIMIT,
    }
    descriptor = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        json.dump(seed, out)
    return app


async def bare_endpoint(_request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok", "taxYear": "2026-27"})


def bare() -> Starlette:
    return Starlette(routes=[Route("/bare", bare_endpoint)])


def main(argv: list[str]) -> None:
    kind, port = argv[0], int(argv[1])
    app = emulator(argv[2], Path(argv[3])) if kind == "emulator" else bare()
    uvicorn.run(app, host=HOST, port=port, workers=1, log_level="warning", access_log=False)


if __name__ == "__main__":
    main(sys.argv[1:])
