"""The `store` fixture: one storage contract, run on SQLite and on a real PostgreSQL.

`database_url` is a fresh SQLite file in the test's tmp_path, or a fresh PostgreSQL database
from tests/support/postgres.py. `store` opens it with `SqlStore.open` (which runs the Alembic
migration) and closes it afterwards, before the PostgreSQL database is dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from openmtd.emulator.adapters.db.store import SqlStore
from openmtd.emulator.settings import sqlite_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "contract.sqlite3")
    url = request.getfixturevalue("postgres_database")
    assert isinstance(url, str)
    return url


@pytest.fixture
def store(database_url: str) -> Iterator[SqlStore]:
    opened = SqlStore.open(database_url)
    try:
        yield opened
    finally:
        opened.close()
