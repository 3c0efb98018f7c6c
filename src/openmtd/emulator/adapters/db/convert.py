"""Conversions shared by the repositories: UTC times and space-separated scopes."""

from __future__ import annotations

from datetime import UTC, datetime

SCOPE_SEPARATOR = " "


def utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else utc(value)


def scopes_of(text: str) -> tuple[str, ...]:
    return tuple(text.split(SCOPE_SEPARATOR)) if text else ()
