"""Issue 11's concurrency test: 8 processes share one token store (each kind: the encrypted
file, SQLite, PostgreSQL), all start with an expired access token and read an ITSA status at
once from ONE real emulator server on 127.0.0.1. The grant survives, exactly one refresh
reaches the emulator, and every call succeeds.

"Exactly one refresh" is read from the emulator's own database: every refresh spends one
refresh token (``used_at`` set) and issues one; the first grant issued one.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from openmtd.emulator.settings import sqlite_url
from support.emulator_process import Emulator
from support.sdk_live import (
    STATUS_ACCEPT,
    first_tokens,
    read_status_in_a_process,
    register,
    signed_up_user,
    status_path,
)
from support.token_stores import close, spec_for

pytestmark = [pytest.mark.e2e, pytest.mark.faults]

PROCESSES = 8
KEY = "the-practice"


def refresh_tokens(database: Path) -> tuple[int, int]:
    """(refresh tokens issued, refresh tokens spent) in the emulator's database."""
    with sqlite3.connect(database) as connection:
        issued, spent = connection.execute(
            "SELECT count(*), count(used_at) FROM oauth_refresh_tokens"
        ).fetchone()
    connection.close()
    return int(issued), int(spent)


@pytest.mark.parametrize(
    "kind", ["file", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_eight_processes_with_an_expired_token_refresh_once(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    postgres = request.getfixturevalue("postgres_database") if kind == "postgres" else None
    spec = spec_for(kind, tmp_path, postgres)
    database = tmp_path / "emulator.sqlite3"
    emulator = Emulator(sqlite_url(database))
    try:
        with emulator.client() as http:
            app = register(http, "http://localhost:9999/callback")
            user = signed_up_user(app)
            tokens = first_tokens(http, app, user)
            path = status_path(http, user["nino"])
            # Expired for the SDK and, four hours on, for the emulator too.
            moved = http.post("/emulator/clock", json={"advanceSeconds": 4 * 3600 + 60})
            assert moved.status_code == 200, moved.text
        store = spec.open()
        expired = dataclasses.replace(tokens, expires_at=datetime.now(UTC) - timedelta(hours=1))
        store.save(KEY, expired)
        assert refresh_tokens(database) == (1, 0)

        context = multiprocessing.get_context("spawn")
        start = context.Barrier(PROCESSES)
        results = context.Queue()
        processes = [
            context.Process(
                target=read_status_in_a_process, args=(spec, KEY, app, path, start, results)
            )
            for _ in range(PROCESSES)
        ]
        for process in processes:
            process.start()
        answers = [results.get(timeout=120) for _ in processes]
        for process in processes:
            process.join(60)
        assert [process.exitcode for process in processes] == [0] * PROCESSES

        # Every call succeeded, and exactly one refresh reached the emulator.
        assert [status for status, _ in answers] == [200] * PROCESSES, answers
        assert refresh_tokens(database) == (2, 1)

        # The grant survives: the stored tokens are the new ones, they work, and they refresh.
        saved = store.load(KEY)
        assert saved is not None
        assert saved.refresh_token != tokens.refresh_token
        assert saved.access_token != tokens.access_token
        assert saved.authority_ends_at == tokens.authority_ends_at
        with httpx.Client(base_url=app.base_url, trust_env=False) as plain:
            bearer = {"Accept": STATUS_ACCEPT, "Authorization": f"Bearer {saved.access_token}"}
            assert plain.get(path, headers=bearer).status_code == 200
            again = app.oauth().refresh(saved, http=plain)
        assert again.refresh_token != saved.refresh_token
        close(store)
    finally:
        emulator.stop()
    assert "Traceback" not in emulator.log, emulator.log
