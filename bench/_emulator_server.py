"""The emulator plus one bare endpoint, served by uvicorn: the server half of the benchmarks.

`GET /bench/baseline` does what the benchmarks compare against: one indexed read (an
application by client_id) and one write (a row in the same database), through the same
storage layer and the same server.

Usage: python bench/_emulator_server.py PORT DATABASE_URL
"""

from __future__ import annotations

import sys

import uvicorn
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from openmtd.emulator.gateway.accounts import AccountDetails, create_account
from openmtd.emulator.settings import EmulatorSettings
from openmtd.emulator.storage import TextMessage
from openmtd.emulator.web.app import create_app

BENCH_USER_ID = "900000000001"
PASSWORD = "bench password 123"


def build(database_url: str) -> FastAPI:
    app = create_app(EmulatorSettings(database_url=database_url, log_requests=False))
    services = app.state.services
    with services.store.transaction() as tx:
        if not tx.accounts.user_id_taken(BENCH_USER_ID):
            create_account(
                tx,
                services.hasher,
                services.clock.now_in(tx),
                AccountDetails(
                    password=PASSWORD,
                    first_name="Bench",
                    last_name="User",
                    email="bench@example.com",
                    confidence_level=250,
                    user_id=BENCH_USER_ID,
                ),
            )

    def baseline(client_id: str) -> dict[str, bool]:
        with services.store.transaction() as tx:
            found = tx.applications.get_by_client_id(client_id) is not None
            tx.phone.send(TextMessage("07700900000", "baseline", services.clock.now_in(tx)))
        return {"found": found}

    @app.get("/bench/baseline")
    async def baseline_route(client_id: str) -> Response:
        return JSONResponse(await run_in_threadpool(baseline, client_id))

    return app


if __name__ == "__main__":
    port, database_url = int(sys.argv[1]), sys.argv[2]
    uvicorn.run(
        build(database_url), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
