"""Manage your reporting obligations: opting out of MTD and back in, as HMRC online services
allow (business rules §3.5, §3.6), for a NINO, whoever acts: the individual, or their agent
(who reuses :func:`position`, :func:`opt_out_changes` / :func:`opt_in_changes` and
:func:`record` with their client's NINO).

The years offered and the statuses written are :mod:`openmtd.rules.opt_out`'s. A previous
year is crystallised when a return is on file for it (``POST /emulator/returns``). Each
change is one ITSA status record, ``Annual`` with ``MTD ITSA Opt-Out`` or ``MTD Voluntary``
with ``MTD ITSA Opt-In``, submitted now, so Retrieve ITSA Status shows it at once. Quarterly
updates sent for an opted-out year are deleted by HMRC; the emulator keeps none yet, so there
is nothing to delete (the pages still say so).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from openmtd.emulator.sign_up.answers import date_text
from openmtd.emulator.sign_up.facts import current_year, returns_on_file, status_history
from openmtd.emulator.storage import StoredStatus, Transaction
from openmtd.rules.deadlines import year_end_deadline
from openmtd.rules.itsa_status import ItsaStatus
from openmtd.rules.opt_out import (
    ReportingYears,
    StatusChange,
    opt_in,
    opt_in_years,
    opt_out,
    opt_out_years,
    reporting_years_from,
)
from openmtd.rules.tax_year import TaxYear


@dataclass(frozen=True, slots=True)
class Position:
    """A customer's three years and what they may change."""

    nino: str
    years: ReportingYears
    opt_out_years: tuple[TaxYear, ...]
    opt_in_years: tuple[TaxYear, ...]

    def status(self, tax_year: TaxYear) -> ItsaStatus:
        """The status a year is read as (a No Status next year inherits this year's)."""
        if tax_year == self.years.previous_year:
            return self.years.previous
        if tax_year == self.years.current_year:
            return self.years.current
        return self.years.effective_next


def position(tx: Transaction, nino: str, now: datetime) -> Position:
    """The customer's previous, current and next years as HMRC reads them now."""
    year = current_year(now)
    years = reporting_years_from(
        status_history(tx, nino),
        year,
        previous_crystallised=year.previous in returns_on_file(tx, nino),
    )
    return Position(nino, years, opt_out_years(years), opt_in_years(years))


def opt_out_changes(held: Position, chosen: TaxYear) -> tuple[StatusChange, ...]:
    """What opting out from ``chosen`` changes (raises ``RULE_OPT_OUT_NOT_ALLOWED``)."""
    return opt_out(held.years, chosen)


def opt_in_changes(held: Position, chosen: TaxYear) -> tuple[StatusChange, ...]:
    """What opting in from ``chosen`` changes (raises ``RULE_OPT_IN_NOT_ALLOWED``)."""
    return opt_in(held.years, chosen)


def record(tx: Transaction, nino: str, changes: Iterable[StatusChange], now: datetime) -> None:
    """Write each change as the year's newest ITSA status record."""
    for change in changes:
        tx.itsa_statuses.add(
            StoredStatus(
                nino=nino,
                tax_year=str(change.tax_year),
                submitted_on=now,
                status=change.status.value,
                status_reason=change.reason.value,
            )
        )


# --- words (openmtd's; HMRC's own are not in the reference) ---------------------------------
_MTD: Final = "Making Tax Digital for Income Tax"


def describe(status: ItsaStatus, *, agent: bool = False) -> str:
    """How a year is reported, in words (never the raw status)."""
    who = "Your client reports" if agent else "You report"
    if status.is_in_mtd:
        return f"{who} quarterly, using software that works with {_MTD}."
    if status is ItsaStatus.ANNUAL or status.is_exempt:
        return f"{who} annually, with a Self Assessment tax return."
    if status is ItsaStatus.DORMANT:
        return "Nothing needs to be sent to HMRC."
    return "HMRC has not yet decided how this year is reported."


def opt_out_consequences(tax_year: TaxYear, *, agent: bool = False) -> tuple[str, ...]:
    """What opting out of a year means (business rules §3.5)."""
    you_have, your = ("your client has", "your client's") if agent else ("you have", "your")
    return (
        f"Any quarterly updates {you_have} already sent for the {tax_year.label()} tax year "
        "will be deleted.",
        f"The income must go on {your} Self Assessment tax return instead, due by "
        f"{date_text(year_end_deadline(tax_year))}.",
        "Penalty points still apply to a tax return sent late.",
    )


def opt_in_consequences(tax_year: TaxYear, current: TaxYear, *, agent: bool = False) -> str:
    """What opting in to a year means (business rules §3.6)."""
    you = "your client" if agent else "you"
    if tax_year == current:
        return (
            f"From {tax_year.label()} {you} will use {_MTD}. Any quarterly updates missed for "
            "the year so far will need to be sent, with no penalty for them."
        )
    return f"From {tax_year.label()} {you} will use {_MTD}."
