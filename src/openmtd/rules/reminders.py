"""Which reminders are due: before each penalty-bearing deadline, at the intervals a person
chose, never once the obligation is met and never after its deadline.

With intervals of 14 and 3 days, a deadline 10 days away gives the 14-day reminder and one 2
days away the 3-day reminder; a person who first looks 2 days before gets only the 3-day one
(the nearest interval that applies), never a burst of every interval they missed. Each
reminder has a stable key (the obligation's key and the interval), so whoever records them
can give each once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final

__all__ = [
    "DAYS_BEFORE_CHOICES",
    "Due",
    "Reminder",
    "due_reminders",
]

#: The intervals a person may choose from, in days before a deadline.
DAYS_BEFORE_CHOICES: Final = (30, 14, 7, 3, 1)


@dataclass(frozen=True, slots=True)
class Due:
    """Something the person must send by ``deadline``: ``key`` names it stably."""

    key: str
    what: str
    deadline: date
    penalty_bearing: bool
    met: bool = False
    #: Whether it may already have been sent without the reminder's giver knowing (a Self
    #: Assessment return HMRC's MTD APIs do not show): then the words say "if not sent yet".
    may_be_met: bool = False


@dataclass(frozen=True, slots=True)
class Reminder:
    """One reminder to give: for ``due``, ``days_before`` its deadline."""

    due: Due
    days_before: int
    days_left: int

    @property
    def when(self) -> str:
        """How far off the deadline is on the day the reminder is given."""
        if self.days_left == 0:
            return "today"
        return "tomorrow" if self.days_left == 1 else f"in {self.days_left} days"

    @property
    def message(self) -> str:
        """The reminder in words that stay true while it is shown (no "in N days")."""
        deadline = f"{self.due.deadline.day} {self.due.deadline:%B %Y}"
        unless = ", if you have not sent it yet" if self.due.may_be_met else ""
        return f"{self.due.what} is due by {deadline}{unless}. Sent late, it can bring a penalty."


def due_reminders(dues: Iterable[Due], today: date, days_before: Iterable[int]) -> list[Reminder]:
    """The reminders to give ``today``: one per open, penalty-bearing deadline that is within
    one of the ``days_before`` intervals (the nearest), soonest deadline first."""
    intervals = sorted({days for days in days_before if days >= 0})
    found: list[Reminder] = []
    for due in dues:
        if due.met or not due.penalty_bearing:
            continue
        left = (due.deadline - today).days
        if left < 0:
            continue
        nearest = next((days for days in intervals if left <= days), None)
        if nearest is not None:
            found.append(Reminder(due, nearest, left))
    return sorted(found, key=lambda reminder: (reminder.due.deadline, reminder.due.key))
