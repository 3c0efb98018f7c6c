"""The injected clock.

No rule reads the system time by itself: a caller passes a :class:`Clock` (or a ``date``), so
the emulator can move time and tests can pin it. UK dates are local to Europe/London, which is
how HMRC's 6 April and deadline boundaries are drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

UK_TIMEZONE = ZoneInfo("Europe/London")


class Clock(Protocol):
    """Anything that can say what time it is now, as an aware UTC datetime."""

    def now(self) -> datetime:
        """Return the current instant (timezone-aware)."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that stands still until moved; for tests and the emulator's control API.

    >>> clock = FixedClock(datetime(2026, 4, 5, 23, 30, tzinfo=UTC))
    >>> clock.advance(timedelta(hours=1)).isoformat()
    '2026-04-06T00:30:00+00:00'
    """

    instant: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        self.instant = _aware(self.instant)

    def now(self) -> datetime:
        return self.instant

    def set(self, instant: datetime) -> datetime:
        self.instant = _aware(instant)
        return self.instant

    def advance(self, delta: timedelta) -> datetime:
        self.instant = self.instant + delta
        return self.instant


def _aware(instant: datetime) -> datetime:
    if instant.utcoffset() is None:
        raise ValueError("the clock needs a timezone-aware datetime (use UTC)")
    return instant.astimezone(UTC)


def uk_date(instant: datetime) -> date:
    """The calendar date in the UK at ``instant`` (Europe/London, so BST counts).

    >>> uk_date(datetime(2026, 4, 5, 23, 30, tzinfo=UTC))
    datetime.date(2026, 4, 6)
    """
    if instant.utcoffset() is None:
        raise ValueError("uk_date needs a timezone-aware datetime")
    return instant.astimezone(UK_TIMEZONE).date()


def uk_today(clock: Clock) -> date:
    """Today's date in the UK, by ``clock``."""
    return uk_date(clock.now())
