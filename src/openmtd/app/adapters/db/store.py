"""The app's store on SQLAlchemy: one session (one transaction) per unit of work."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources

from alembic import command
from alembic.config import Config
from cryptography.fernet import Fernet, MultiFernet
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from openmtd.app.adapters.db.accounts import SqlRecoveryCodes, SqlUsers
from openmtd.app.adapters.db.connections import SqlAudit, SqlConnections
from openmtd.app.adapters.db.reminders import SqlNotices, SqlOutbox, SqlReminders
from openmtd.app.adapters.db.sessions import SqlSessions
from openmtd.dbengine import create_database_engine


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("openmtd.app") / "migrations"))
    config.set_main_option("version_table", "app_alembic_version")
    config.attributes["connection_engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the app's schema up to ``revision`` (idempotent)."""
    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the app's schema is at (None before the first migration)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"version_table": "app_alembic_version"}
        )
        return context.get_current_revision()


class SqlUnitOfWork:
    """Every repository of one transaction (see :class:`openmtd.app.storage.UnitOfWork`)."""

    def __init__(self, session: Session, fernet: MultiFernet) -> None:
        self.session = session
        self.users = SqlUsers(session, fernet)
        self.recovery_codes = SqlRecoveryCodes(session)
        self.sessions = SqlSessions(session)
        self.connections = SqlConnections(session)
        self.audit = SqlAudit(session)
        self.reminders = SqlReminders(session)
        self.notices = SqlNotices(session)
        self.outbox = SqlOutbox(session)


class SqlStore:
    """The app's records in SQLite or PostgreSQL. ``keys`` are the Fernet keys that encrypt
    secrets at rest (the first encrypts; all decrypt)."""

    def __init__(self, engine: Engine, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("at least one Fernet key is needed to keep secrets at rest")
        self.engine = engine
        self.keys = tuple(keys)
        self._fernet = MultiFernet([Fernet(key) for key in keys])
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str, keys: Sequence[str], *, run_migrations: bool = True) -> SqlStore:
        engine = create_database_engine(url)
        if run_migrations:
            migrate(engine)
        return cls(engine, keys)

    @contextmanager
    def transaction(self) -> Iterator[SqlUnitOfWork]:
        with self._sessions.begin() as session:
            yield SqlUnitOfWork(session, self._fernet)

    def close(self) -> None:
        self.engine.dispose()
