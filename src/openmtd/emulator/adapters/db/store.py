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
from functools import cached_property

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
    """Every repository over one SQLAlchemy session (one database transaction at a time).

    The repositories are made when first used: an API call uses three or four of them.
    """

    def __init__(self, session: Session) -> None:
        self.session = session

    def commit(self) -> None:
        """Commit what was done so far; what follows runs in a new transaction."""
        self.session.commit()

    @cached_property
    def accounts(self) -> SqlAccounts:
        return SqlAccounts(self.session)

    @cached_property
    def applications(self) -> SqlApplications:
        return SqlApplications(self.session)

    @cached_property
    def oauth(self) -> SqlOAuth:
        return SqlOAuth(self.session)

    @cached_property
    def sessions(self) -> SqlSessions:
        return SqlSessions(self.session)

    @cached_property
    def phone(self) -> SqlPhone:
        return SqlPhone(self.session)

    @cached_property
    def sign_in_attempts(self) -> SqlSignInAttempts:
        return SqlSignInAttempts(self.session)

    @cached_property
    def clock(self) -> SqlClock:
        return SqlClock(self.session)

    @cached_property
    def itsa_statuses(self) -> SqlItsaStatuses:
        return SqlItsaStatuses(self.session)

    @cached_property
    def relationships(self) -> SqlRelationships:
        return SqlRelationships(self.session)

    @cached_property
    def sandbox(self) -> SqlSandboxData:
        return SqlSandboxData(self.session)

    @cached_property
    def platform(self) -> SqlPlatform:
        return SqlPlatform(self.session)

    @cached_property
    def subscriptions(self) -> SqlSubscriptions:
        return SqlSubscriptions(self.session)

    @cached_property
    def business_details(self) -> SqlBusinessDetails:
        return SqlBusinessDetails(self.session)

    @cached_property
    def eligibility(self) -> SqlEligibility:
        return SqlEligibility(self.session)

    @cached_property
    def returns(self) -> SqlReturns:
        return SqlReturns(self.session)

    @cached_property
    def agent_records(self) -> SqlAgentRecords:
        return SqlAgentRecords(self.session)

    @cached_property
    def invitations(self) -> SqlInvitations:
        return SqlInvitations(self.session)

    @cached_property
    def legacy_sa(self) -> SqlLegacySa:
        return SqlLegacySa(self.session)

    @cached_property
    def annual_review(self) -> SqlAnnualReview:
        return SqlAnnualReview(self.session)

    @cached_property
    def population(self) -> SqlPopulation:
        return SqlPopulation(self.session)

    @cached_property
    def fulfilled_updates(self) -> SqlFulfilledUpdates:
        return SqlFulfilledUpdates(self.session)


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
        # Not ``session.begin()``'s block: that refuses work after a ``commit()`` inside it, and
        # the API edge commits the rate-limit window before the handler runs, on one session.
        # The session is bound to one connection, taken from the pool once for the whole unit
        # (once pinged, on PostgreSQL), not once per transaction.
        with self.engine.connect() as connection, self._sessions(bind=connection) as session:
            try:
                yield SqlTransaction(session)
            except BaseException:
                session.rollback()
                raise
            session.commit()

    def reset(self) -> None:
        with self._sessions() as session, session.begin():
            # Children before parents, so foreign keys never object.
            for table in reversed(t.Base.metadata.sorted_tables):
                session.execute(table.delete())

    def close(self) -> None:
        self.engine.dispose()


__all__ = ["SqlStore", "SqlTransaction"]
