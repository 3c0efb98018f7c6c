"""Faults, as an operator meets them: the emulator killed with SIGKILL in the middle of parallel
writes, its PostgreSQL restarted under traffic, and one refresh token spent by 20 requests at
once on 4 worker processes (issue 8, "Faults").

Each test starts ``openmtd emulator serve`` as a user would, in its own process group, and
talks to it over loopback only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from openmtd.emulator.adapters.db.store import SqlStore
from openmtd.emulator.settings import sqlite_url
from support.emulator_process import Emulator
from support.postgres import PostgresServer, start_postgres

pytestmark = [pytest.mark.e2e, pytest.mark.faults]

REDIRECT_URI = "http://localhost:9999/callback"
ACCEPT = "application/vnd.hmrc.1.0+json"
VALIDATE = "/test/fraud-prevention-headers/validate"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "faults.sqlite3")
    url = request.getfixturevalue("postgres_database")
    assert isinstance(url, str)
    return url


def register(client: httpx.Client, name: str, rate_limit: int = 1000) -> dict[str, Any]:
    created = client.post(
        "/emulator/applications",
        json={"name": name, "redirectUris": [REDIRECT_URI], "rateLimitPerSecond": rate_limit},
    )
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


# --- SIGKILL during parallel writes ------------------------------------------------------------


def test_sigkill_during_parallel_writes_keeps_every_acknowledged_write(database: str) -> None:
    emulator = Emulator(database)
    acknowledged: list[tuple[str, str]] = []
    lock = threading.Lock()
    killed = threading.Event()

    def writer(number: int) -> int:
        sent = 0
        with emulator.client() as client:
            while not killed.is_set():
                name = f"w{number}-{sent}"
                sent += 1
                try:
                    answer = client.post(
                        "/emulator/applications",
                        json={"name": name, "redirectUris": [REDIRECT_URI]},
                    )
                except httpx.TransportError:
                    break  # the server died under this request: it was never acknowledged
                if answer.status_code == 201:
                    with lock:
                        acknowledged.append((answer.json()["clientId"], name))
                else:
                    pytest.fail(f"{answer.status_code} {answer.text}")
        return sent

    try:
        with ThreadPoolExecutor(max_workers=6) as pool:
            futures = [pool.submit(writer, number) for number in range(6)]
            deadline = time.monotonic() + 30
            while len(acknowledged) < 60 and time.monotonic() < deadline:
                time.sleep(0.05)
            emulator.kill()  # in the middle of the writes
            killed.set()
            sent = sum(future.result(timeout=60) for future in futures)
    finally:
        emulator.kill()
    assert len(acknowledged) >= 60, emulator.log
    assert sent > len(acknowledged) - 1

    # Every acknowledged write is there after the crash, and the emulator starts again on it.
    store = SqlStore.open(database)
    try:
        with store.transaction() as tx:
            for client_id, name in acknowledged:
                kept = tx.applications.get_by_client_id(client_id)
                assert kept is not None, f"{name} was acknowledged and then lost"
                assert kept.name == name
    finally:
        store.close()
    again = Emulator(database)
    try:
        with again.client() as client:
            register(client, "after the crash")
    finally:
        again.stop()
    assert "Traceback" not in again.log, again.log


# --- one refresh token, 20 requests, 4 workers ------------------------------------------------


def _grant(client: httpx.Client) -> tuple[dict[str, Any], dict[str, Any]]:
    """An application and a user's first tokens (headless grant, then the code exchange)."""
    application = register(client, "refresher")
    app_token = client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": application["clientId"],
            "client_secret": application["clientSecret"],
        },
    ).json()["access_token"]
    user = client.post(
        "/create-test-user/individuals",
        headers={"Accept": ACCEPT, "Authorization": f"Bearer {app_token}"},
        json={"serviceNames": ["national-insurance", "mtd-income-tax"]},
    )
    assert user.status_code == 201, user.text
    grant = client.post(
        "/emulator/oauth/grant",
        json={
            "clientId": application["clientId"],
            "redirectUri": REDIRECT_URI,
            "scope": "read:self-assessment",
            "userId": user.json()["userId"],
            "password": user.json()["password"],
        },
    )
    assert grant.status_code == 200, grant.text
    code = parse_qs(urlsplit(grant.json()["location"]).query)["code"][0]
    tokens = client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "redirect_uri": REDIRECT_URI,
            "code": code,
            "client_id": application["clientId"],
            "client_secret": application["clientSecret"],
        },
    )
    assert tokens.status_code == 200, tokens.text
    return application, tokens.json()


def test_one_refresh_token_spent_20_times_at_once_on_4_workers(postgres_database: str) -> None:
    emulator = Emulator(postgres_database, workers=4)
    try:
        with emulator.client() as client:
            application, tokens = _grant(client)
        credentials = {
            "client_id": application["clientId"],
            "client_secret": application["clientSecret"],
        }
        start = threading.Barrier(20)

        def refresh(_: int) -> httpx.Response:
            # A new connection each, so every worker takes some.
            with emulator.client() as client:
                start.wait(timeout=30)
                return client.post(
                    "/oauth/token",
                    data={
                        "grant_type": "refresh_token",
                        "refresh_token": tokens["refresh_token"],
                        **credentials,
                    },
                )

        with ThreadPoolExecutor(max_workers=20) as pool:
            answers = list(pool.map(refresh, range(20)))
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [200] + [400] * 19, [answer.text for answer in answers]
        for answer in answers:
            if answer.status_code == 400:
                assert answer.json()["error"] == "invalid_grant", answer.text
        (winner,) = [answer.json() for answer in answers if answer.status_code == 200]

        # The grant survives: the new access token works and the new refresh token refreshes.
        with emulator.client() as client:
            bearer = {"Accept": ACCEPT, "Authorization": f"Bearer {winner['access_token']}"}
            assert client.get(VALIDATE, headers=bearer).status_code == 200
            again = client.post(
                "/oauth/token",
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": winner["refresh_token"],
                    **credentials,
                },
            )
            assert again.status_code == 200, again.text
    finally:
        emulator.stop()
    assert "Traceback" not in emulator.log, emulator.log


# --- PostgreSQL restarted under traffic ----------------------------------------------------------


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A cluster for this test alone: it is stopped and started again."""
    with start_postgres() as server:
        yield server


SERVICE_UNAVAILABLE = 503


def test_a_database_restart_gives_503_then_recovers(own_postgres: PostgresServer) -> None:
    url = own_postgres.url(own_postgres.create_database("restart"))
    emulator = Emulator(url)
    try:
        with emulator.client() as client:
            _, tokens = _grant(client)
        bearer = {"Accept": ACCEPT, "Authorization": f"Bearer {tokens['access_token']}"}
        seen: list[tuple[str, int, Any]] = []
        stop = threading.Event()

        def traffic() -> None:
            with emulator.client(timeout=15) as client:
                while not stop.is_set():
                    started = time.monotonic()
                    answer = client.get(VALIDATE, headers=bearer)
                    took = time.monotonic() - started
                    assert took < 12, f"a request hung for {took:.1f}s during the outage"
                    body = (
                        answer.json()
                        if answer.headers.get("content-type", "").startswith("application/json")
                        else answer.text
                    )
                    seen.append(("phase", answer.status_code, body))
                    time.sleep(0.02)

        with ThreadPoolExecutor(max_workers=2) as pool:
            runners = [pool.submit(traffic) for _ in range(2)]
            time.sleep(0.5)
            own_postgres.stop()
            time.sleep(2.0)
            during = len(seen)
            time.sleep(1.0)
            outage = seen[during:]
            own_postgres.start()
            time.sleep(3.0)
            stop.set()
            for runner in runners:
                runner.result(timeout=60)
        assert outage, "no request was answered during the outage"
        for _, status, body in outage:
            assert status == SERVICE_UNAVAILABLE, body
            assert isinstance(body, dict), body
            assert body["code"] == "SERVER_ERROR", body
        # It recovered by itself: the last answers are successes again.
        assert [status for _, status, _ in seen[-5:]] == [200] * 5, seen[-10:]
    finally:
        emulator.stop()
    assert "Traceback" not in emulator.log, emulator.log
