"""The server half of bench/api_throughput.py: the emulator, the floor, or a bare endpoint.

All three are served the same way: uvicorn, one worker (this process), 127.0.0.1, log level
warning, no access log. The caller pins this process to one CPU.

- ``emulator PORT DATABASE_URL TOKEN_FILE``: the full emulator (``create_app``) on a database
  seeded here before serving: one application subscribed to every emulated API with the
  highest rate limit the Developer Hub allows (so the platform's per-application limit never
  throttles the benchmark), an Individual at confidence level 250 with a NINO and an
  ``HMRC-MTD-IT`` enrolment, three ITSA status records (last, this and next tax year), and an
  access token for them (``read:self-assessment``) minted in-process with the OAuth journey's
  ``grant`` and the token endpoint. The token, the NINO and the tax year are written to
  TOKEN_FILE as JSON (the caller keeps it in a private temporary directory); nothing is logged.
- ``floor PORT DATABASE_URL TOKEN_FILE``: the floor for that work, on the same database once the
  emulator has seeded it (TOKEN_FILE is the emulator's): a Starlette app with one async route,
  ``GET /individuals/person/itsa-status/{nino}/{taxYear}``, doing by hand the database work
  Retrieve ITSA Status cannot do without, in one transaction: the token by its hash (with its
  application's rate limit), one rate-limit upsert, and the NINO's status rows, answered as
  JSON. SQLAlchemy Core with statements built once, on an engine from
  ``create_database_engine`` (the emulator's driver, pool and pragmas), run in Starlette's
  thread pool as FastAPI runs the emulator's sync routes; no ORM, no FastAPI, no gateway, no
  fraud-header check, no client lookup.
- ``bare PORT``: a Starlette app with one async route, ``GET /bare``, answering a small JSON
  body; no middleware, no database.

Usage: python bench/_api_server.py emulator PORT DATABASE_URL TOKEN_FILE
       python bench/_api_server.py floor PORT DATABASE_URL TOKEN_FILE
       python bench/_api_server.py bare PORT
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from openmtd.emulator.adapters.db import tables as t
from openmtd.emulator.adapters.db.engine import create_database_engine
from openmtd.emulator.devhub.applications import MAX_RATE_LIMIT, create_application
from openmtd.emulator.gateway.accounts import AccountDetails, create_account
from openmtd.emulator.oauth import journey
from openmtd.emulator.oauth.authorize import AuthorizeRequest
from openmtd.emulator.oauth.tokens import token_endpoint
from openmtd.emulator.security import token_hash
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


_TOKENS = t.Base.metadata.tables["oauth_access_tokens"]
_APPLICATIONS = t.Base.metadata.tables["devhub_applications"]
_WINDOWS = t.Base.metadata.tables["platform_rate_windows"]
_STATUSES = t.Base.metadata.tables["itsa_statuses"]
_FLOOR_TOKEN = (
    select(
        _TOKENS.c.application_pk,
        _TOKENS.c.expires_at,
        _TOKENS.c.revoked_at,
        _APPLICATIONS.c.rate_limit_per_second,
    )
    .join(_APPLICATIONS, _APPLICATIONS.c.id == _TOKENS.c.application_pk)
    .where(_TOKENS.c.token_hash == bindparam("token_hash"))
)
_FLOOR_STATUSES = (
    select(_STATUSES)
    .where(_STATUSES.c.nino == bindparam("nino"))
    .order_by(_STATUSES.c.tax_year, _STATUSES.c.submitted_on, _STATUSES.c.id)
)


def _floor_count(insert: Any) -> Any:
    return (
        insert(_WINDOWS)
        .values(application_pk=bindparam("application_pk"), window=bindparam("window"), count=1)
        .on_conflict_do_update(
            index_elements=["application_pk", "window"], set_={"count": _WINDOWS.c.count + 1}
        )
        .returning(_WINDOWS.c.count)
    )


def floor(database_url: str) -> Starlette:
    engine = create_database_engine(database_url)
    count = _floor_count(
        postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    )

    def work(presented: str, nino: str, tax_year: str) -> tuple[int, dict[str, Any]]:
        with engine.begin() as connection:
            token = connection.execute(_FLOOR_TOKEN, {"token_hash": token_hash(presented)}).first()
            if token is None or token.revoked_at is not None:
                return 401, {"code": "INVALID_CREDENTIALS"}
            if token.expires_at <= datetime.now(UTC):
                return 401, {"code": "INVALID_CREDENTIALS"}
            params = {"application_pk": token.application_pk, "window": int(time.time())}
            if connection.execute(count, params).scalar_one() > token.rate_limit_per_second:
                return 429, {"code": "MESSAGE_THROTTLED_OUT"}
            rows = connection.execute(_FLOOR_STATUSES, {"nino": nino}).all()
        details = [
            {
                "submittedOn": row.submitted_on.isoformat(timespec="milliseconds"),
                "status": row.status,
                "statusReason": row.status_reason,
                "businessIncome2YearsPrior": float(row.business_income),
            }
            for row in rows
            if row.tax_year == tax_year
        ]
        if not details:
            return 404, {"code": "MATCHING_RESOURCE_NOT_FOUND"}
        return 200, {"itsaStatuses": [{"taxYear": tax_year, "itsaStatusDetails": details[-1:]}]}

    async def endpoint(request: Request) -> JSONResponse:
        presented = request.headers.get("authorization", "").removeprefix("Bearer ")
        nino, tax_year = request.path_params["nino"], request.path_params["tax_year"]
        status, body = await run_in_threadpool(work, presented, nino, tax_year)
        return JSONResponse(body, status_code=status)

    return Starlette(routes=[Route("/individuals/person/itsa-status/{nino}/{tax_year}", endpoint)])


async def bare_endpoint(_request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok", "taxYear": "2026-27"})


def bare() -> Starlette:
    return Starlette(routes=[Route("/bare", bare_endpoint)])


def main(argv: list[str]) -> None:
    kind, port = argv[0], int(argv[1])
    if kind == "emulator":
        app = emulator(argv[2], Path(argv[3]))
    elif kind == "floor":
        app = floor(argv[2])
    else:
        app = bare()
    uvicorn.run(app, host=HOST, port=port, workers=1, log_level="warning", access_log=False)


if __name__ == "__main__":
    main(sys.argv[1:])
