"""Opting out of MTD, and opting back in, as HMRC online services allow.

Opt-out and opt-in happen only in HMRC online services (or the agent services account), never
through an API. Only the previous, current and next tax years are considered (business rules
§3.5, §3.6; HMRC's view-and-change service, ``OptOutProposition``, ``SignUpTaxYear``):

Opt out (voluntary years only; a mandated year never):
- previous year (CY-1): voluntary and not crystallised (no final declaration yet);
- current year: voluntary;
- next year (CY+1): voluntary, or ``No Status`` while the current year is voluntary.
Choosing CY-1 also opts out the later voluntary years until a year that is not voluntary
blocks the chain; choosing CY opts out CY and a voluntary CY+1; choosing CY+1 opts out CY+1
only. Each year opted out becomes ``Annual`` (reason ``MTD ITSA Opt-Out``); quarterly updates
already sent for it are deleted and its income goes on the tax return.

Opt in (re-join after opting out):
- current year: ``Annual``;
- next year: ``Annual``, or ``No Status`` while the current year is ``Annual``.
The chosen year becomes ``MTD Voluntary`` (reason ``MTD ITSA Opt-In``). *Choice*: only the
chosen year is updated; a ``No Status`` next year inherits it. Exempt, dormant and mandated
years cannot be opted into.
"""

from __future__ import annotations

from dataclasses import dataclass

from openmtd.rules.errors import RuleError
from openmtd.rules.itsa_status import ItsaStatus, StatusHistory, StatusReason, inherit_no_status
from openmtd.rules.tax_year import TaxYear


@dataclass(frozen=True, slots=True)
class ReportingYears:
    """The three years opt-out and opt-in look at, with their latest statuses."""

    current_year: TaxYear
    previous: ItsaStatus
    current: ItsaStatus
    next: ItsaStatus
    previous_crystallised: bool = False

    @property
    def previous_year(self) -> TaxYear:
        return self.current_year.previous

    @property
    def next_year(self) -> TaxYear:
        return self.current_year.next

    @property
    def effective_next(self) -> ItsaStatus:
        """The next year's status as HMRC reads it: No Status inherits the current year."""
        return inherit_no_status(self.current, self.next)


def reporting_years_from(
    history: StatusHistory, current_year: TaxYear, *, previous_crystallised: bool = False
) -> ReportingYears:
    """The three years as HMRC reads them from a customer's status history.

    The previous and next years are their latest status, or ``No Status`` when none is held
    (a ``No Status`` next year then inherits the current year's, :attr:`ReportingYears.
    effective_next`); the current year follows the rollover reading of
    :meth:`StatusHistory.effective_status`, so a current year with no record yet carries the
    year before's status.
    """
    return ReportingYears(
        current_year=current_year,
        previous=history.status_for(current_year.previous) or ItsaStatus.NO_STATUS,
        current=history.effective_status(current_year),
        next=history.status_for(current_year.next) or ItsaStatus.NO_STATUS,
        previous_crystallised=previous_crystallised,
    )


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A year whose status an opt-out or opt-in changes."""

    tax_year: TaxYear
    status: ItsaStatus
    reason: StatusReason


def opt_out_years(years: ReportingYears) -> tuple[TaxYear, ...]:
    """The tax years the customer may choose to opt out from, earliest first."""
    options: list[TaxYear] = []
    if years.previous is ItsaStatus.VOLUNTARY and not years.previous_crystallised:
        options.append(years.previous_year)
    if years.current is ItsaStatus.VOLUNTARY:
        options.append(years.current_year)
    if years.effective_next is ItsaStatus.VOLUNTARY:
        options.append(years.next_year)
    return tuple(options)


def opt_out(years: ReportingYears, chosen: TaxYear) -> tuple[StatusChange, ...]:
    """The status changes opting out from ``chosen`` makes.

    Raises:
        RuleError: ``RULE_OPT_OUT_NOT_ALLOWED`` when ``chosen`` is not an opt-out option.
    """
    if chosen not in opt_out_years(years):
        raise RuleError(
            "RULE_OPT_OUT_NOT_ALLOWED",
            f"You cannot opt out of Making Tax Digital for Income Tax for {chosen}: only a "
            "voluntary year that has no final declaration yet can be opted out.",
        )
    affected = [chosen]
    if chosen == years.previous_year and years.current is ItsaStatus.VOLUNTARY:
        affected.append(years.current_year)
    # The chain reaches CY+1 only through a voluntary CY, and writes CY+1 only when it holds
    # a voluntary status of its own; a No Status CY+1 inherits the change.
    if affected[-1] == years.current_year and years.next is ItsaStatus.VOLUNTARY:
        affected.append(years.next_year)
    return tuple(StatusChange(year, ItsaStatus.ANNUAL, StatusReason.OPT_OUT) for year in affected)


def opt_in_years(years: ReportingYears) -> tuple[TaxYear, ...]:
    """The tax years a customer who is out of MTD may choose to re-join from."""
    options: list[TaxYear] = []
    if years.current is ItsaStatus.ANNUAL:
        options.append(years.current_year)
    if years.effective_next is ItsaStatus.ANNUAL:
        options.append(years.next_year)
    return tuple(options)


def opt_in(years: ReportingYears, chosen: TaxYear) -> tuple[StatusChange, ...]:
    """The status change re-joining from ``chosen`` makes.

    Raises:
        RuleError: ``RULE_OPT_IN_NOT_ALLOWED`` when ``chosen`` is not an opt-in option.
    """
    if chosen not in opt_in_years(years):
        raise RuleError(
            "RULE_OPT_IN_NOT_ALLOWED",
            f"You cannot sign up again for {chosen}: only a year in which you send a tax "
            "return instead of using Making Tax Digital can be opted back in.",
        )
    return (StatusChange(chosen, ItsaStatus.VOLUNTARY, StatusReason.OPT_IN),)
