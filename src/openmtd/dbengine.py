"""SQL engines for the parts of openmtd that keep state (the emulator and the app): SQLite
(WAL) on the embedded default, PostgreSQL by URL. No part-specific code: each part brings its
own tables and migrations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool


def create_database_engine(url: str) -> Engine:
    """An engine for ``url``.

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
