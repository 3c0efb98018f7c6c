"""The emulator's shared clock and the world, through the control API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final

from openmtd.emulator.clock import EmulatorClock
from openmtd.emulator.control.errors import (
    FORMAT_VALUE,
    ControlError,
    FieldError,
)
from openmtd.emulator.control.requests import ClockChange
from openmtd.emulator.storage import Store

#: The clock can be set anywhere in this range (UTC; the end is excluded), so that every
#: expiry the emulator computes from it (up to HMRC's 100-year grant length) stays a valid
#: date.
CLOCK_EARLIEST: Final = datetime(1970, 1, 1, tzinfo=UTC)
CLOCK_LATEST: Final = datetime(3000, 1, 1, tzinfo=UTC)


# --- the clock and the world ------------------------------------------------------------
def format_instant(instant: datetime) -> str:
    """ISO-8601 in UTC with milliseconds and ``Z``, e.g. ``2026-11-26T10:00:00.000Z``."""
    utc = instant.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def read_clock(clock: EmulatorClock) -> dict[str, str]:
    return {"now": format_instant(clock.now())}


def change_clock(clock: EmulatorClock, change: ClockChange) -> dict[str, str]:
    """Set or move the emulator's clock (for every worker); refuses times out of range."""
    if change.instant is not None:
        target: datetime | None = change.instant
        path = "/now"
    else:
        assert change.seconds is not None
        path = "/advanceSeconds"
        try:
            target = clock.now() + timedelta(seconds=change.seconds)
        except OverflowError:
            target = None
    if target is None or not CLOCK_EARLIEST <= target < CLOCK_LATEST:
        raise ControlError.invalid(
            FieldError(
                FORMAT_VALUE,
                "The emulator's clock must stay between "
                f"{format_instant(CLOCK_EARLIEST)} and {format_instant(CLOCK_LATEST)}",
                path,
            )
        )
    if change.instant is not None:
        return {"now": format_instant(clock.set(change.instant))}
    assert change.seconds is not None
    return {"now": format_instant(clock.advance(change.seconds))}


def reset(store: Store) -> None:
    """Empty the world: every account, application, grant, token, session, text message and
    the clock's offset (the schema stays)."""
    store.reset()
