"""The SQLAlchemy implementation of :mod:`openmtd.emulator.storage` (SQLite and PostgreSQL).

One repository per module (``accounts``, ``applications``, ``oauth``, ``sessions``, ``phone``,
``clock``, ``itsa_statuses``, ``relationships``, ``sandbox``, ``platform``, ``agent_records``,
``invitations``, ``legacy_sa``, ``subscriptions``, ``business_details``, ``eligibility``,
``returns_on_file``, ``fulfilled_updates``, ``annual_review``, ``population``); this
module holds the unit of work over them and the store.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from openmtd.emulator.adapters.db import tables as t
from openmtd.emulator.adapters.db.accounts import SqlAccounts
from openmtd.emulator.adapters.db.agent_records import SqlAgentRecords
from openmtd.emulator.adapters.db.annual_review import SqlAnnualReview
from openmtd.emulator.adapters.db.applications import SqlApplications
from openmtd.emulator.adapters.db.business_details import SqlBusinessDetails
from openmtd.emulator.adapters.db.clock import SqlClock
from openmtd.emulator.adapters.db.eligibility import SqlEligibility
from openmtd.emulator.adapters.db.engine import create_database_engine, migrate
from openmtd.emulator.adapters.db.fulfilled_updates import SqlFulfilledUpdates
from openmtd.emulator.adapters.db.invitations import SqlInvitations
from openmtd.emulator.adapters.db.itsa_statuses import SqlItsaStatuses
from openmtd.emulator.adapters.db.legacy_sa import SqlLegacySa
from openmtd.emulator.adapters.db.oauth import SqlOAuth
from openmtd.emulator.adapters.db.phone import SqlPhone
from openmtd.emulator.adapters.db.platform import SqlPlatform
from openmtd.emulator.adapters.db.population import SqlPopulation
from openmtd.emulator.adapters.db.relationships import SqlRelationships
from openmtd.emulator.adapters.db.returns_on_file import SqlReturns
from openmtd.emulator.adapters.db.sandbox import SqlSandboxData
from openmtd.emulator.adapters.db.sessions import SqlSessions
from openmtd.emulator.adapters.db.sign_in_attempts import SqlSignInAttempts
from openmtd.emulator.adapters.db.subscriptions import SqlSubscriptions


class SqlTransaction:
    """Every repository over one SQLAlchemy session (one database transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.accounts = SqlAccounts(session)
        self.applications = SqlApplications(session)
        self.oauth = SqlOAuth(session)
        self.sessions = SqlSessions(session)
        self.phone = SqlPhone(session)
        self.sign_in_attempts = SqlSignInAttempts(session)
        self.clock = SqlClock(session)
        self.itsa_statuses = SqlItsaStatuses(session)
        self.relationships = SqlRelationships(session)
        self.sandbox = SqlSandboxData(session)
        self.platform = SqlPlatform(session)
        self.subscriptions = SqlSubscriptions(session)
        self.business_details = SqlBusinessDetails(session)
        self.eligibility = SqlEligibility(session)
        self.returns = SqlReturns(session)
        self.agent_records = SqlAgentRecords(session)
        self.invitations = SqlInvitations(session)
        self.legacy_sa = SqlLegacySa(session)
        self.annual_review = SqlAnnualReview(session)
        self.population = SqlPopulation(session)
        self.fulfilled_updates = SqlFulfilledUpdates(session)


class SqlStore:
    """The emulator's world in a SQL database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str, *, run_migrations: bool = True) -> SqlStore:
        """Connect to ``url`` and, by default, migrate its schema to the latest revision."""
        engine = create_database_engine(url)
        if run_migrations:
            migrate(engine)
        return cls(engine)

    @contextmanager
    def transaction(self) -> Iterator[SqlTransaction]:
        with self._sessions() as session, session.begin():
            yield SqlTransaction(session)

    def reset(self) -> None:
        with self._sessions() as session, session.begin():
            # Children before parents, so foreign keys never object.
            for table in reversed(t.Base.metadata.sorted_tables):
                session.execute(table.delete())

    def close(self) -> None:
        self.engine.dispose()


__all__ = ["SqlStore", "SqlTransaction"]
