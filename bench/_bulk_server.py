"""The emulator with one agent and COUNT signed-up clients authorised to it, served by uvicorn:
the server half of bench/bulk_status.py.

Why the world is made here, through the emulator's own services, rather than through HTTP:
``POST /emulator/population`` makes bare customers with no Government Gateway account, and
Retrieve ITSA Status finds a client through the account holding the NINO (the MTDITID lookup),
so every read of them is 403; making each client through the Create Test User API and an
authorisation request answered through Agent Authorisation Test Support is three calls and an
argon2 hash per client, minutes for 10,000. Here each client is what those calls leave: an
account holding an activated ``HMRC-MTD-IT`` enrolment, a status for the current tax year and
an active main relationship with the agent, written in a few transactions; passwords are hashed
with the cheapest argon2 costs (nobody but the agent signs in). The agent's application, its
rate limit and its token still go through the control API and ``/oauth/token``, as a vendor's
would.

Usage: python bench/_bulk_server.py PORT DATABASE_URL COUNT
"""

from __future__ import annotations

import sys
from datetime import datetime

import uvicorn
from fastapi import FastAPI

from openmtd.emulator.gateway.accounts import AccountDetails, create_account
from openmtd.emulator.settings import EmulatorSettings, PasswordHashing
from openmtd.emulator.storage import AffinityGroup, Enrolment, StoredStatus
from openmtd.emulator.web.app import create_app
from openmtd.rules.clock import uk_date
from openmtd.rules.tax_year import TaxYear

AGENT_USER_ID = "900000000007"
PASSWORD = "bench password 123"
ARN = "TARN0000007"
#: Clients are written in transactions of this many (one commit each).
BATCH = 1000


def nino(index: int) -> str:
    """The bench's clients' NINOs: AA000000A, AA000001A, ... (HMRC's rule accepts them)."""
    return f"AA{index:06d}A"


def mtditid(index: int) -> str:
    return f"XAIT{index:011d}"


def build(database_url: str, count: int) -> FastAPI:
    cheapest = PasswordHashing(time_cost=1, memory_cost_kib=8, parallelism=1)
    settings = EmulatorSettings(
        database_url=database_url, log_requests=False, password_hashing=cheapest
    )
    app = create_app(settings)
    services = app.state.services
    with services.store.transaction() as tx:
        now: datetime = services.clock.now_in(tx)
        create_account(
            tx,
            services.hasher,
            now,
            AccountDetails(
                password=PASSWORD,
                first_name="Bench",
                last_name="Agent",
                email="agent@example.com",
                affinity_group=AffinityGroup.AGENT,
                enrolments=(Enrolment("HMRC-AS-AGENT", "AgentReferenceNumber", ARN),),
                user_id=AGENT_USER_ID,
            ),
        )
    year = str(TaxYear.containing(uk_date(now)))
    for start in range(0, count, BATCH):
        with services.store.transaction() as tx:
            for index in range(start, min(count, start + BATCH)):
                create_account(
                    tx,
                    services.hasher,
                    now,
                    AccountDetails(
                        password=PASSWORD,
                        first_name="Client",
                        last_name=f"Number {index}",
                        email=f"client{index}@example.com",
                        confidence_level=250,
                        nino=nino(index),
                        enrolments=(Enrolment("HMRC-MTD-IT", "MTDITID", mtditid(index)),),
                    ),
                )
                tx.itsa_statuses.add(
                    StoredStatus(
                        nino(index), year, now, "MTD Voluntary", "Sign up - no return available"
                    )
                )
                tx.relationships.add(ARN, nino(index), "main", now, mtditid(index))
    return app


if __name__ == "__main__":
    port, database_url, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    uvicorn.run(
        build(database_url, count),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
    )
