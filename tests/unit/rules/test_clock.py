"""Tests for openmtd.rules.clock: the injected clock and UK calendar dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmtd.rules.clock import UK_TIMEZONE, Clock, FixedClock, SystemClock, uk_date, uk_today

NEW_YORK = timezone(timedelta(hours=-5))


class TestFixedClock:
    def test_stands_still_until_moved(self) -> None:
        clock = FixedClock(datetime(2026, 4, 5, 23, 30, tzinfo=UTC))

        assert clock.now() == datetime(2026, 4, 5, 23, 30, tzinfo=UTC)
        assert clock.now() == clock.now()

    def test_normalises_an_aware_instant_to_utc(self) -> None:
        clock = FixedClock(datetime(2026, 4, 5, 18, 30, tzinfo=NEW_YORK))

        assert clock.now() == datetime(2026, 4, 5, 23, 30, tzinfo=UTC)
        assert clock.now().tzinfo is UTC

    def test_default_instant_is_aware_utc(self) -> None:
        assert FixedClock().now().tzinfo is UTC

    def test_refuses_a_naive_instant(self) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            FixedClock(datetime(2026, 4, 6))

    def test_set_moves_the_clock_and_returns_the_new_instant(self) -> None:
        clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))

        moved = clock.set(datetime(2027, 4, 6, 1, 0, tzinfo=UK_TIMEZONE))

        assert moved == datetime(2027, 4, 6, 0, 0, tzinfo=UTC)
        assert moved.tzinfo is UTC
        assert clock.now() == moved

    def test_set_refuses_a_naive_instant_and_keeps_the_old_time(self) -> None:
        clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))

        with pytest.raises(ValueError, match="timezone-aware"):
            clock.set(datetime(2027, 4, 6))

        assert clock.now() == datetime(2026, 1, 1, tzinfo=UTC)

    def test_advance_moves_forward_and_back(self) -> None:
        clock = FixedClock(datetime(2026, 4, 5, 23, 30, tzinfo=UTC))

        assert clock.advance(timedelta(hours=1)) == datetime(2026, 4, 6, 0, 30, tzinfo=UTC)
        assert clock.now() == datetime(2026, 4, 6, 0, 30, tzinfo=UTC)
        assert clock.advance(timedelta(days=-1)) == datetime(2026, 4, 5, 0, 30, tzinfo=UTC)
        assert clock.now().tzinfo is UTC

    def test_satisfies_the_clock_protocol(self) -> None:
        clock: Clock = FixedClock(datetime(2026, 4, 6, tzinfo=UTC))

        assert uk_today(clock) == date(2026, 4, 6)


class TestSystemClock:
    def test_returns_an_aware_utc_instant_close_to_now(self) -> None:
        before = datetime.now(UTC)
        now = SystemClock().now()
        after = datetime.now(UTC)

        assert now.tzinfo is UTC
        assert before <= now <= after


# UK clocks go forward at 01:00 UTC on 29 March 2026 and back at 01:00 UTC on 25 October 2026;
# in 2026 6 April is in BST, so the UK date runs an hour ahead of UTC's.
@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # Winter (GMT): the UK date is the UTC date.
        (datetime(2026, 1, 15, 23, 59, 59, tzinfo=UTC), date(2026, 1, 15)),
        (datetime(2026, 1, 16, 0, 0, tzinfo=UTC), date(2026, 1, 16)),
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 28)),
        # The night BST starts: 00:30 UTC is still 00:30 GMT.
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), date(2026, 3, 29)),
        # First BST night: 23:30 UTC is 00:30 BST the next day.
        (datetime(2026, 3, 29, 23, 30, tzinfo=UTC), date(2026, 3, 30)),
        # The tax-year boundary during BST.
        (datetime(2026, 4, 5, 22, 59, 59, tzinfo=UTC), date(2026, 4, 5)),
        (datetime(2026, 4, 5, 23, 0, tzinfo=UTC), date(2026, 4, 6)),
        (datetime(2026, 4, 5, 23, 30, tzinfo=UTC), date(2026, 4, 6)),
        # Last BST night, then GMT again.
        (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), date(2026, 10, 25)),
        (datetime(2026, 10, 25, 23, 30, tzinfo=UTC), date(2026, 10, 25)),
        # Another zone's offset is converted, not read as UK time.
        (datetime(2026, 4, 5, 19, 0, tzinfo=NEW_YORK), date(2026, 4, 6)),
        (datetime(2026, 4, 5, 17, 59, tzinfo=NEW_YORK), date(2026, 4, 5)),
    ],
)
def test_uk_date_follows_europe_london(instant: datetime, expected: date) -> None:
    assert uk_date(instant) == expected


def test_uk_date_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        uk_date(datetime(2026, 4, 5, 23, 30))


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (datetime(2026, 4, 5, 23, 30, tzinfo=UTC), date(2026, 4, 6)),
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), date(2026, 12, 31)),
    ],
)
def test_uk_today_reads_the_injected_clock(instant: datetime, expected: date) -> None:
    assert uk_today(FixedClock(instant)) == expected


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2098, 12, 31),
        timezones=st.just(UTC),
    )
)
def test_uk_date_is_the_utc_date_or_the_day_after(instant: datetime) -> None:
    # The UK is on GMT (UTC) or BST (UTC+1): never behind UTC, at most an hour ahead.
    assert uk_date(instant) in {instant.date(), (instant + timedelta(hours=1)).date()}


@given(st.integers(2000, 2098), st.integers(1, 31), st.integers(0, 86399))
def test_uk_date_is_utc_in_january_and_utc_plus_one_in_july(
    year: int, day: int, second: int
) -> None:
    offset = timedelta(seconds=second)
    january = datetime(year, 1, day, tzinfo=UTC) + offset
    july = datetime(year, 7, day, tzinfo=UTC) + offset

    assert uk_date(january) == january.date()
    assert uk_date(july) == (july + timedelta(hours=1)).date()
