"""The dates by which MTD and Self Assessment obligations fall due.

Quarterly updates are cumulative from 2025-26: every period starts on 6 April and ends on
5 July, 5 October, 5 January or 5 April; each is due on the 7th of the following month
(7 August, 7 November, 7 February, 7 May). Periods are computed this way for any year;
before 2025-26 HMRC's periods were not cumulative, and no one was mandated then. The final
declaration, the online tax return and the balancing payment are due by 31 January after
the tax year ends (hmrc-wire-facts.md §5; business rules §1.5, §3.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from openmtd.rules.tax_year import TaxYear

# (month the period ends on the 5th, month the update is due on the 7th, year offset of each
# from the tax year's start year)
_QUARTERS = (
    (7, 8, 0, 0),
    (10, 11, 0, 0),
    (1, 2, 1, 1),
    (4, 5, 1, 1),
)
_PERIOD_END_DAY = 5
_QUARTERLY_DUE_DAY = 7


@dataclass(frozen=True, slots=True)
class QuarterlyPeriod:
    """One cumulative quarterly update period and its deadline."""

    tax_year: TaxYear
    number: int
    start: date
    end: date
    due: date


def quarterly_periods(tax_year: TaxYear) -> tuple[QuarterlyPeriod, ...]:
    """The four cumulative update periods of ``tax_year``, in order.

    >>> [p.due.isoformat() for p in quarterly_periods(TaxYear(2026))]
    ['2026-08-07', '2026-11-07', '2027-02-07', '2027-05-07']
    """
    return tuple(
        QuarterlyPeriod(
            tax_year=tax_year,
            number=number,
            start=tax_year.start,
            end=date(tax_year.start_year + end_offset, end_month, _PERIOD_END_DAY),
            due=date(tax_year.start_year + due_offset, due_month, _QUARTERLY_DUE_DAY),
        )
        for number, (end_month, due_month, end_offset, due_offset) in enumerate(_QUARTERS, 1)
    )


def year_end_deadline(tax_year: TaxYear) -> date:
    """31 January after ``tax_year`` ends: final declaration, online return and payment."""
    return date(tax_year.end_year + 1, 1, 31)
