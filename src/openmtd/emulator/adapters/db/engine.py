"""Engines and migrations: SQLite (WAL) by default, PostgreSQL by URL."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool


def create_database_engine(url: str) -> Engine:
    """An engine for ``url``, configured for the emulator's workload.

    SQLite: WAL journal (readers never block the writer, so several server workers can share
    one file), foreign keys on, and a busy timeout so a worker waits for a lock instead of
    failing. An in-memory SQLite database shares one connection so every thread sees it.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    database = parsed.database or ""
    if database in ("", ":memory:"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, poolclass=StaticPool)
    else:
        # The folder is the caller's to make (the CLI makes only its own ./data): a missing
        # one is a mistake to report, not a path to invent.
        folder = Path(database).parent
        if parsed.query.get("uri") is None and not folder.is_dir():
            raise FileNotFoundError(f"the folder for the SQLite database does not exist: {folder}")
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if database not in ("", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def alembic_config(engine: Engine) -> Config:
    """Alembic's configuration for the emulator's migrations, bound to ``engine``."""
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("openmtd.emulator") / "migrations")
    )
    config.attributes["connection_engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the database's schema up to ``revision`` (idempotent)."""
    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None before the first migration)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
