"""Reminders before penalty-bearing deadlines: the nearest interval, once met never."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from openmtd.rules.reminders import Due, due_reminders

DEADLINE = date(2027, 2, 7)
UPDATE = Due("2026-27/q3/XAIS", "Quarterly update (self-employment)", DEADLINE, True)


def _on(days_left: int, *dues: Due, intervals: tuple[int, ...] = (14, 3)) -> list[tuple[str, int]]:
    today = DEADLINE - timedelta(days=days_left)
    return [(r.due.key, r.days_before) for r in due_reminders(dues or (UPDATE,), today, intervals)]


def test_each_interval_gives_its_reminder_and_only_the_nearest() -> None:
    assert _on(20) == []
    assert _on(14) == [(UPDATE.key, 14)]
    assert _on(10) == [(UPDATE.key, 14)]
    assert _on(3) == [(UPDATE.key, 3)]
    assert _on(0) == [(UPDATE.key, 3)]


def test_nothing_after_the_deadline_or_once_met_or_without_penalty() -> None:
    assert _on(-1) == []
    met = Due("k1", "Final declaration", DEADLINE, True, met=True)
    free = Due("k2", "Quarterly update (UK property)", DEADLINE, False)
    assert _on(2, met, free) == []


def test_the_messages_say_when() -> None:
    (today,) = due_reminders([UPDATE], DEADLINE, (3,))
    assert today.message == (
        "Quarterly update (self-employment) is due by 7 February 2027. Sent late, it can bring "
        "a penalty."
    )
    assert today.when == "today"
    (tomorrow,) = due_reminders([UPDATE], DEADLINE - timedelta(days=1), (3,))
    assert tomorrow.when == "tomorrow"
    (later,) = due_reminders([UPDATE], DEADLINE - timedelta(days=9), (14,))
    assert later.when == "in 9 days"
    unseen = Due("sa", "Self Assessment tax return", DEADLINE, True, may_be_met=True)
    (maybe,) = due_reminders([unseen], DEADLINE, (3,))
    assert maybe.message == (
        "Self Assessment tax return is due by 7 February 2027, if you have not sent it yet. "
        "Sent late, it can bring a penalty."
    )


def test_soonest_first_and_negative_intervals_ignored() -> None:
    final = Due("final", "Final declaration", date(2027, 1, 31), True)
    found = due_reminders([UPDATE, final], date(2027, 1, 30), (30, -5))
    assert [r.due.key for r in found] == ["final", UPDATE.key]


@given(st.integers(-40, 40), st.sets(st.integers(0, 40), max_size=5))
def test_a_reminder_is_within_its_interval(days_left: int, intervals: set[int]) -> None:
    today = DEADLINE - timedelta(days=days_left)
    for reminder in due_reminders([UPDATE], today, intervals):
        assert 0 <= reminder.days_left <= reminder.days_before
        assert reminder.days_before == min(d for d in intervals if d >= days_left)
