"""What one API call costs the database: statements counted with SQLAlchemy's
``before_cursor_execute`` event (a count, never a timing), and the reads that replaced separate
ones (the clock offset rides on the caller's token read) still see every change at once.

The budget for Retrieve ITSA Status (docs/emulator.md, "Performance"): the caller (token,
application, account and clock offset in one read), the rate-limit upsert, the fraud-header
feedback upsert, the client's MTD enrolment (with an agent's relationships with the client),
the client's statuses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from httpx2 import Response
from sqlalchemy import event

from openmtd.emulator.adapters.db.store import SqlStore
from openmtd.emulator.clock import EmulatorClock
from openmtd.emulator.oauth import journey
from openmtd.emulator.oauth.authorize import AuthorizeRequest
from openmtd.emulator.storage import Account, AffinityGroup, Enrolment, StoredStatus
from openmtd.rules.clock import FixedClock
from support.emulator import REDIRECT_URI, START, EmulatorHarness

NINO = "AA123456A"
MTDITID = "XAIT00000000001"
ARN = "TARN0000001"
YEAR = "2026-27"
PATH = f"/individuals/person/itsa-status/{NINO}/{YEAR}"
ACCEPT = "application/vnd.hmrc.2.0+json"
#: Retrieve ITSA Status for its own client: caller, rate limit, feedback, client, statuses.
ITSA_STATEMENTS = Counter({"SELECT": 3, "INSERT": 2})


@dataclass
class World:
    emulator: EmulatorHarness
    client_id: str
    client_secret: str

    def token(self, account: Account) -> str:
        request = AuthorizeRequest(
            client_id=self.client_id,
            redirect_uri=REDIRECT_URI,
            scopes=("read:self-assessment",),
            state=None,
            code_challenge=None,
            code_challenge_method=None,
        )
        services = self.emulator.services
        with services.store.transaction() as tx:
            code = journey.grant(tx, request, account, services.clock.now_in(tx)).code
        response = self.emulator.client.post(
            "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "redirect_uri": REDIRECT_URI,
                "code": code,
            },
        )
        assert response.status_code == 200, response.text
        token = response.json()["access_token"]
        assert isinstance(token, str)
        return token

    def get(self, token: str, path: str = PATH) -> Response:
        headers = {"Accept": ACCEPT, "Authorization": f"Bearer {token}"}
        return self.emulator.client.get(path, headers=headers)

    @contextmanager
    def statements(self) -> Iterator[Counter[str]]:
        """Count the SQL statements sent to the database inside the block, by first word."""
        counted: Counter[str] = Counter()

        def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            counted[statement.split(None, 1)[0].upper()] += 1

        engine = self.emulator.services.store.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            yield counted
        finally:
            event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def world(emulator: EmulatorHarness) -> World:
    created = emulator.application(rate_limit_per_second=1000)
    with emulator.services.store.transaction() as tx:
        for tax_year in ("2025-26", YEAR):
            tx.itsa_statuses.add(
                StoredStatus(
                    NINO,
                    tax_year,
                    datetime(2026, 4, 6, 9, 0, tzinfo=UTC),
                    "MTD Mandated",
                    "Sign up - return available",
                    Decimal("23600.99"),
                )
            )
    return World(emulator, created.application.client_id, created.client_secret)


def _client(emulator: EmulatorHarness) -> Account:
    return emulator.account(nino=NINO, enrolments=(Enrolment("HMRC-MTD-IT", "MTDITID", MTDITID),))


def test_retrieve_itsa_status_costs_five_statements(world: World) -> None:
    token = world.token(_client(world.emulator))
    world.get(token).raise_for_status()  # the first call of a process compiles the statements
    with world.statements() as counted:
        response = world.get(token)
    assert response.status_code == 200, response.text
    assert counted == ITSA_STATEMENTS


def test_an_agents_relationships_ride_on_the_client_lookup(world: World) -> None:
    _client(world.emulator)
    agent = world.emulator.account(
        affinity_group=AffinityGroup.AGENT,
        enrolments=(Enrolment("HMRC-AS-AGENT", "AgentReferenceNumber", ARN),),
        email="agent@example.com",
    )
    with world.emulator.services.store.transaction() as tx:
        tx.relationships.add(ARN, NINO, "main", START, MTDITID)
    token = world.token(agent)
    world.get(token).raise_for_status()
    with world.statements() as counted:
        response = world.get(token)
    assert response.status_code == 200, response.text
    assert counted == ITSA_STATEMENTS


def test_an_unknown_token_costs_one_read(world: World) -> None:
    with world.statements() as counted:
        response = world.get("not-a-token")
    assert response.status_code == 401
    assert response.json()["code"] == "INVALID_CREDENTIALS"
    assert counted == Counter({"SELECT": 1})


def test_a_clock_moved_by_another_worker_is_seen_on_the_next_call(
    world: World, emulator: EmulatorHarness
) -> None:
    token = world.token(_client(emulator))
    assert world.get(token).status_code == 200
    # Another worker process: its own connection pool on the same database file.
    other = SqlStore.open(emulator.settings.database_url, run_migrations=False)
    try:
        EmulatorClock(other, FixedClock(START)).advance(4 * 3600)  # the token's lifetime
    finally:
        other.close()
    response = world.get(token)
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "INVALID_CREDENTIALS"
    EmulatorClock(emulator.services.store, FixedClock(START)).advance(-1)
    assert world.get(token).status_code == 200


def test_a_subscription_removed_by_another_worker_is_seen_on_the_next_call(
    world: World, emulator: EmulatorHarness
) -> None:
    token = world.token(_client(emulator))
    assert world.get(token).status_code == 200
    other = SqlStore.open(emulator.settings.database_url, run_migrations=False)
    try:
        with other.transaction() as tx:
            application = tx.applications.get_by_client_id(world.client_id)
            assert application is not None
            kept = application.apis - {"self-assessment-individual-details"}
            tx.applications.update(replace(application, apis=kept))
    finally:
        other.close()
    response = world.get(token)
    assert response.status_code == 403
    assert response.json()["code"] == "RESOURCE_FORBIDDEN"
