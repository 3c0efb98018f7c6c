"""Reminders before penalty-bearing deadlines: the user's preferences, the notices shown in
the app, and the outbox of emails (sent through SMTP when configured)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

#: Days before a deadline a reminder is given, unless the user chooses otherwise.
DEFAULT_DAYS_BEFORE: tuple[int, ...] = (14, 3)


@dataclass(frozen=True, slots=True)
class ReminderPreferences:
    user_id: int
    days_before: tuple[int, ...] = DEFAULT_DAYS_BEFORE
    email: bool = True


class ReminderRepository(Protocol):
    def get(self, user_id: int) -> ReminderPreferences:
        """The user's preferences (the defaults when never set)."""
        ...

    def save(self, preferences: ReminderPreferences) -> None: ...


@dataclass(frozen=True, slots=True)
class Notice:
    """A reminder given once per obligation, deadline and interval (``key`` names the
    obligation, e.g. ``"2026-27/quarterly/XAIS12345678901/2026-04-06"``)."""

    id: int
    user_id: int
    key: str
    deadline: date
    days_before: int
    message: str
    created_at: datetime
    read_at: datetime | None = None


class NoticeRepository(Protocol):
    def add_once(
        self,
        *,
        user_id: int,
        key: str,
        deadline: date,
        days_before: int,
        message: str,
        now: datetime,
    ) -> Notice | None:
        """Add the notice unless one for (user, key, days_before) exists; None if it did."""
        ...

    def for_user(self, user_id: int, *, unread_only: bool = False) -> list[Notice]: ...

    def mark_read(self, user_id: int, notice_id: int, now: datetime) -> None: ...


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    to: str
    subject: str
    body: str
    created_at: datetime
    sent_at: datetime | None = None
    error: str | None = None


class OutboxRepository(Protocol):
    def add(self, *, to: str, subject: str, body: str, now: datetime) -> OutboxMessage: ...

    def unsent(self, *, limit: int = 100) -> list[OutboxMessage]: ...

    def mark_sent(self, message_id: int, now: datetime) -> None: ...

    def mark_failed(self, message_id: int, error: str) -> None: ...

    def recent(self, *, to: str | None = None, limit: int = 100) -> list[OutboxMessage]:
        """The newest messages first; only those to ``to`` when given."""
        ...
