"""The PostgreSQL harness works on this machine: a real server, fresh isolated databases.

If these fail, every storage contract test on PostgreSQL would: fix the harness
(tests/support/postgres.py) or the machine (scripts/install) first.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, inspect, text

from support.postgres import PostgresServer

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine(postgres_database: str) -> Iterator[Engine]:
    engine = create_engine(postgres_database)
    yield engine
    engine.dispose()


def test_url_uses_psycopg_on_loopback(postgres_database: str) -> None:
    assert postgres_database.startswith("postgresql+psycopg://postgres@127.0.0.1:")


def test_create_insert_select(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)"))
        conn.execute(text("INSERT INTO notes (body) VALUES (:a), (:b)"), [{"a": "x", "b": "y"}])
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, body FROM notes ORDER BY id")).all()
        version = conn.execute(text("SHOW server_version")).scalar_one()
    assert [tuple(r) for r in rows] == [(1, "x"), (2, "y")]
    assert int(str(version).split(".")[0]) >= 14


def test_each_test_database_is_fresh_and_isolated(engine: Engine, postgres_url: str) -> None:
    # This test's database starts empty, even though the test above made a table.
    assert inspect(engine).get_table_names() == []
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE only_here (n int)"))
    other = create_engine(postgres_url)
    try:
        assert other.url.database != engine.url.database
        assert inspect(other).get_table_names() == []
    finally:
        other.dispose()
    assert inspect(engine).get_table_names() == ["only_here"]


def test_databases_are_created_empty_and_dropped(postgres_server: PostgresServer) -> None:
    def names() -> set[str]:
        with postgres_server.connect_admin() as conn:
            return {row[0] for row in conn.execute("SELECT datname FROM pg_database")}

    name = postgres_server.create_database()
    assert name in names()
    postgres_server.drop_database(name)
    assert name not in names()
