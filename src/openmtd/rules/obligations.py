"""Which MTD obligations a customer has for which years and income sources, and when a
submission fulfils them.

A tax year brings MTD obligations when the status that governs it (HMRC's rollover reading,
:meth:`~openmtd.rules.itsa_status.StatusHistory.effective_status`) creates them
(:func:`~openmtd.rules.itsa_status.obligations_for`): ``MTD Mandated`` and ``MTD Voluntary``
years have quarterly updates for each income source and a final declaration; ``Annual``,
``MTD Exempt``, ``Digitally Exempt``, ``Dormant`` and ``No Status`` years have none
(business rules §3.2). The dates are :mod:`openmtd.rules.deadlines`'.

Updates are cumulative (wire facts §5): a later update of a year covers the earlier periods of
the same year, so it fulfils an earlier one that was missed (business rules §3.2; a penalty
point may still be due for the missed deadline). :func:`received_on` applies that.

Choices (the reference does not say; docs/rules.md):

- The years considered run from the first signed-up year (or, with none known, the earliest
  year a status is held for) to the later of the current year and the last year held.
- An income source has obligations in a year it trades in: it commenced on or before the
  year's last day and did not cease before its first day.
- A latency indicator ``A`` for a year (a new business reporting annually, business rules
  §1.7, where the letters are UNCONFIRMED) means no quarterly updates for that source that
  year; its final declaration is the customer's and stands.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from openmtd.rules.deadlines import quarterly_periods, year_end_deadline
from openmtd.rules.itsa_status import ObligationKind, StatusHistory, obligations_for
from openmtd.rules.tax_year import TaxYear


@dataclass(frozen=True, slots=True)
class ObligationPeriod:
    """One obligation's period and the date it is due by."""

    tax_year: TaxYear
    start: date
    end: date
    due: date


@dataclass(frozen=True, slots=True)
class Submission:
    """A submission HMRC received for a period (a cumulative update, or a final declaration)."""

    start: date
    end: date
    received: date


class LatencyIndicator(StrEnum):
    """How a new income source reports in a latency year (business rules §1.7)."""

    ANNUAL = "A"
    QUARTERLY = "Q"


def quarterly_obligations(tax_year: TaxYear) -> tuple[ObligationPeriod, ...]:
    """The four cumulative update periods of ``tax_year``, as obligations.

    >>> [(p.end.isoformat(), p.due.isoformat()) for p in quarterly_obligations(TaxYear(2026))][0]
    ('2026-07-05', '2026-08-07')
    """
    return tuple(
        ObligationPeriod(tax_year, period.start, period.end, period.due)
        for period in quarterly_periods(tax_year)
    )


def final_declaration(tax_year: TaxYear) -> ObligationPeriod:
    """The final declaration of ``tax_year``: the whole year, due 31 January after it.

    >>> final_declaration(TaxYear(2026)).due.isoformat()
    '2028-01-31'
    """
    return ObligationPeriod(tax_year, tax_year.start, tax_year.end, year_end_deadline(tax_year))


def years_with(
    kind: ObligationKind,
    history: StatusHistory,
    *,
    first: TaxYear | None,
    current: TaxYear,
) -> tuple[TaxYear, ...]:
    """The tax years whose governing status creates an obligation of ``kind``, ascending.

    Args:
        kind: quarterly updates or the final declaration.
        history: every status held for the customer.
        first: the first signed-up year, if one is known (earlier years are not considered).
        current: the current tax year (years up to it are considered even with no record).
    """
    if not history.years:
        return ()
    start = first if first is not None else min(history.years)
    last = max(current, *history.years)
    candidates = (TaxYear(year) for year in range(start.start_year, last.start_year + 1))
    return tuple(
        year
        for year in candidates
        if kind in {o.kind for o in obligations_for(history.effective_status(year), year)}
    )


def trades_in(tax_year: TaxYear, *, commenced: date | None, ceased: date | None) -> bool:
    """Whether an income source trades at some time in ``tax_year``."""
    started = commenced is None or commenced <= tax_year.end
    still = ceased is None or ceased >= tax_year.start
    return started and still


def reports_quarterly(tax_year: TaxYear, latency: Mapping[TaxYear, LatencyIndicator]) -> bool:
    """Whether an income source sends quarterly updates in ``tax_year`` (not annual latency)."""
    return latency.get(tax_year, LatencyIndicator.QUARTERLY) is LatencyIndicator.QUARTERLY


def covers(submission: Submission, period: ObligationPeriod) -> bool:
    """Whether a submission fulfils ``period``: the same start (the same tax year, as updates
    are cumulative from 6 April) and an end on or after the period's."""
    return submission.start == period.start and submission.end >= period.end


def received_on(period: ObligationPeriod, submissions: Iterable[Submission]) -> date | None:
    """When ``period`` was first fulfilled (by its own submission or a later cumulative one),
    or None while it is open."""
    dates = [s.received for s in submissions if covers(s, period)]
    return min(dates) if dates else None
