"""What the repositories share: UTC times, space-separated scopes, Core reads in a session."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection
from sqlalchemy.orm import Session

SCOPE_SEPARATOR = " "


def utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else utc(value)


def scopes_of(text: str) -> tuple[str, ...]:
    return tuple(text.split(SCOPE_SEPARATOR)) if text else ()


def core(session: Session) -> Connection:
    """The session's connection for a Core statement, after writing the session's pending ORM
    changes (Core statements bypass autoflush, and a read must see what was added)."""
    session.flush()
    return session.connection()
