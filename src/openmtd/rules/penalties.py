"""How HMRC's points-based late-submission penalties work, in words software can show.

The facts are HMRC's (business rules §3.7): each late submission earns one point; reaching
the threshold brings a £200 penalty, and each further late submission at the threshold
another £200; points usually expire after 24 months, but not while at the threshold until a
period of compliance is met; a penalty is paid within 30 days of its notice.

The thresholds (4 points when reporting quarterly, 2 for an annual return) are data HMRC's
systems supply; HMRC's own pages name these values but the code does not fix them, so they
are UNCONFIRMED and kept here, in one place (docs/app.md, "Penalty points").
"""

from __future__ import annotations

from typing import Final

from openmtd.rules.guidance import LATE_SUBMISSION_PENALTY

#: Points at which the £200 penalties start (UNCONFIRMED: HMRC's systems supply the value).
QUARTERLY_POINTS_THRESHOLD: Final = 4
ANNUAL_POINTS_THRESHOLD: Final = 2
#: How long a point usually lasts.
POINTS_EXPIRY_MONTHS: Final = 24
#: Days to pay a penalty after its notice.
PAYMENT_DAYS: Final = 30


def how_points_work(*, quarterly: bool) -> tuple[str, ...]:
    """The sentences that explain penalty points, for someone who reports quarterly (MTD) or
    sends one return a year."""
    threshold = QUARTERLY_POINTS_THRESHOLD if quarterly else ANNUAL_POINTS_THRESHOLD
    how_often = "sending quarterly updates" if quarterly else "sending one return a year"
    return (
        "Where penalty points apply, each submission sent late earns one point. A point is "
        "not a charge.",
        f"When the points reach {threshold} (the threshold for {how_often}), HMRC charges a "
        f"{LATE_SUBMISSION_PENALTY} penalty, and another {LATE_SUBMISSION_PENALTY} for each "
        "further late submission.",
        f"Points usually expire after {POINTS_EXPIRY_MONTHS} months. Once at the threshold, "
        "they stay until every submission has been on time for a period HMRC sets.",
        f"A penalty must be paid within {PAYMENT_DAYS} days of HMRC's notice. Paying tax late "
        "brings separate late-payment penalties.",
    )


__all__ = [
    "ANNUAL_POINTS_THRESHOLD",
    "PAYMENT_DAYS",
    "POINTS_EXPIRY_MONTHS",
    "QUARTERLY_POINTS_THRESHOLD",
    "how_points_work",
]
