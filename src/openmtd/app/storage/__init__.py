"""What the app keeps, and the protocols its services take (SQLAlchemy lives in
``adapters/db``; a test may plug in anything that keeps these promises).

A :class:`Store` opens one :class:`UnitOfWork` per request or job: every repository in it
shares one transaction, committed when the block ends without an error and rolled back
otherwise, so a failed request never leaves half its writes behind.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from openmtd.app.storage.accounts import RecoveryCodeRepository, User, UserRepository
from openmtd.app.storage.audit import AuditEntry, AuditRepository
from openmtd.app.storage.connections import Connection, ConnectionRepository
from openmtd.app.storage.reminders import (
    Notice,
    NoticeRepository,
    OutboxMessage,
    OutboxRepository,
    ReminderPreferences,
    ReminderRepository,
)
from openmtd.app.storage.sessions import SessionRepository, WebSession

__all__ = [
    "AuditEntry",
    "AuditRepository",
    "Connection",
    "ConnectionRepository",
    "Notice",
    "NoticeRepository",
    "OutboxMessage",
    "OutboxRepository",
    "RecoveryCodeRepository",
    "ReminderPreferences",
    "ReminderRepository",
    "SessionRepository",
    "Store",
    "UnitOfWork",
    "User",
    "UserRepository",
    "WebSession",
]


class UnitOfWork(Protocol):
    """The repositories of one transaction."""

    @property
    def users(self) -> UserRepository: ...
    @property
    def recovery_codes(self) -> RecoveryCodeRepository: ...
    @property
    def sessions(self) -> SessionRepository: ...
    @property
    def connections(self) -> ConnectionRepository: ...
    @property
    def audit(self) -> AuditRepository: ...
    @property
    def reminders(self) -> ReminderRepository: ...
    @property
    def notices(self) -> NoticeRepository: ...
    @property
    def outbox(self) -> OutboxRepository: ...


class Store(Protocol):
    """Where the app's records live."""

    def transaction(self) -> AbstractContextManager[UnitOfWork]: ...

    def close(self) -> None: ...
