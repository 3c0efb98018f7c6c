"""Reminder preferences, notices and the outbox on SQLAlchemy."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from openmtd.app.adapters.db import tables as t
from openmtd.app.adapters.db.convert import utc, utc_or_none
from openmtd.app.storage.reminders import Notice, OutboxMessage, ReminderPreferences


class SqlReminders:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, user_id: int) -> ReminderPreferences:
        row = self._session.get(t.ReminderPreferencesRow, user_id)
        if row is None:
            return ReminderPreferences(user_id)
        return ReminderPreferences(user_id, tuple(row.days_before), row.email)

    def save(self, preferences: ReminderPreferences) -> None:
        self._session.merge(
            t.ReminderPreferencesRow(
                user_id=preferences.user_id,
                days_before=list(preferences.days_before),
                email=preferences.email,
            )
        )
        self._session.flush()


def _notice(row: t.NoticeRow) -> Notice:
    return Notice(
        id=row.id,
        user_id=row.user_id,
        key=row.key,
        deadline=row.deadline,
        days_before=row.days_before,
        message=row.message,
        created_at=utc(row.created_at),
        read_at=utc_or_none(row.read_at),
    )


class SqlNotices:
    def __init__(self, session: Session) -> None:
        self._session = session

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
        row = t.NoticeRow(
            user_id=user_id,
            key=key,
            deadline=deadline,
            days_before=days_before,
            message=message,
            created_at=now,
        )
        try:
            with self._session.begin_nested():
                self._session.add(row)
                self._session.flush()
        except IntegrityError:  # given before: (user, key, days_before) is unique
            return None
        return _notice(row)

    def for_user(self, user_id: int, *, unread_only: bool = False) -> list[Notice]:
        query = select(t.NoticeRow).where(t.NoticeRow.user_id == user_id)
        if unread_only:
            query = query.where(t.NoticeRow.read_at.is_(None))
        rows = self._session.scalars(query.order_by(t.NoticeRow.deadline, t.NoticeRow.id))
        return [_notice(row) for row in rows]

    def mark_read(self, user_id: int, notice_id: int, now: datetime) -> None:
        self._session.execute(
            update(t.NoticeRow)
            .where(t.NoticeRow.id == notice_id, t.NoticeRow.user_id == user_id)
            .values(read_at=now)
        )


def _message(row: t.OutboxRow) -> OutboxMessage:
    return OutboxMessage(
        id=row.id,
        to=row.to,
        subject=row.subject,
        body=row.body,
        created_at=utc(row.created_at),
        sent_at=utc_or_none(row.sent_at),
        error=row.error,
    )


class SqlOutbox:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, *, to: str, subject: str, body: str, now: datetime) -> OutboxMessage:
        row = t.OutboxRow(to=to, subject=subject, body=body, created_at=now)
        self._session.add(row)
        self._session.flush()
        return _message(row)

    def unsent(self, *, limit: int = 100) -> list[OutboxMessage]:
        rows = self._session.scalars(
            select(t.OutboxRow)
            .where(t.OutboxRow.sent_at.is_(None), t.OutboxRow.error.is_(None))
            .order_by(t.OutboxRow.id)
            .limit(limit)
        )
        return [_message(row) for row in rows]

    def mark_sent(self, message_id: int, now: datetime) -> None:
        self._session.execute(
            update(t.OutboxRow).where(t.OutboxRow.id == message_id).values(sent_at=now)
        )

    def mark_failed(self, message_id: int, error: str) -> None:
        self._session.execute(
            update(t.OutboxRow).where(t.OutboxRow.id == message_id).values(error=error[:2000])
        )

    def recent(self, *, to: str | None = None, limit: int = 100) -> list[OutboxMessage]:
        query = select(t.OutboxRow).order_by(t.OutboxRow.id.desc()).limit(limit)
        if to is not None:
            query = query.where(t.OutboxRow.to == to)
        return [_message(row) for row in self._session.scalars(query)]
