""" "Do I need MTD?": a person's figures from one tax year, checked against the thresholds.

No HMRC connection is needed: this is the rule HMRC applies (business rules §1.7), worked
from what the person types. HMRC decides tax year N from the return for N-2 and requires MTD
when the qualifying income on it is strictly over N's threshold (:mod:`.thresholds`). The
check says:

- whether the return for the year entered brings the person into MTD for Income Tax, and
  from when (the year it decides);
- if not, whether the same income would, in a later year, once the threshold falls (a
  projection: "if your income stays at this level");
- otherwise that they need not, but may choose to;
- or that MTD for Income Tax does not apply without self-employment or property income;

with what counted and what did not (employment, partnership income, pensions, dividends,
savings; for jointly owned property only the person's share), and the exemptions HMRC grants.
Sign-up itself is only ever in HMRC's online service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from openmtd.rules.errors import RuleError
from openmtd.rules.guidance import MTD
from openmtd.rules.tax_year import TaxYear
from openmtd.rules.thresholds import (
    FINAL_THRESHOLD_YEAR,
    FIRST_MANDATED_YEAR,
    IncomeReturn,
    basis_year,
    qualifying_income,
    threshold_amounts,
    threshold_for,
)

__all__ = [
    "EXEMPTIONS",
    "IncomeCheck",
    "Verdict",
    "check_income",
    "default_return_year",
    "return_years",
    "threshold_years",
]

_PENNY: Final = Decimal("0.01")
#: Said with every answer where the person is not (or not yet) brought in: the exit rule
#: (business rules §1.7; how HMRC measures the three years is UNCONFIRMED).
STAY_IN: Final = (
    "If HMRC already requires you to use it, you stay in until your qualifying income has not "
    "been over the threshold for 3 tax years in a row."
)
#: The first return that decides anyone's MTD (2024-25 decides 2026-27).
FIRST_RETURN_YEAR: Final = basis_year(FIRST_MANDATED_YEAR)

#: Who HMRC exempts, in plain words (GOV.UK "Find out if you can get an exemption", business
#: rules §1.7). Said as HMRC's categories; openmtd decides none of them.
EXEMPTIONS: Final = (
    "Some people never need to use it: trustees and personal representatives, people filing "
    "for a non-resident company, Lloyd's members, and people who cannot use it for reasons of "
    "capacity (with a power of attorney). Others are exempt for now, such as foster carers.",
    "If you cannot use software because of your age, a disability, where you live or your "
    "religion, you can apply to HMRC to be exempt.",
)


class Verdict(StrEnum):
    """The check's answer, as a stable key for pages and JSON."""

    MUST_USE = "must-use"
    MUST_USE_LATER = "must-use-later"
    MAY_CHOOSE = "may-choose"
    DOES_NOT_APPLY = "does-not-apply"


@dataclass(frozen=True, slots=True)
class IncomeCheck:
    """What the figures for :attr:`return_year` mean, in words."""

    return_year: TaxYear
    decides: TaxYear
    qualifying: Decimal
    not_counted: Decimal
    threshold: Decimal
    verdict: Verdict
    from_year: TaxYear | None
    headline: str
    explanations: tuple[str, ...]

    @property
    def can_sign_up(self) -> bool:
        """Whether HMRC's sign-up service is the next step (it decides eligibility)."""
        return self.verdict is not Verdict.DOES_NOT_APPLY

    def to_dict(self) -> dict[str, Any]:
        return {
            "returnYear": str(self.return_year),
            "decides": str(self.decides),
            "qualifyingIncome": _exact(self.qualifying),
            "notCounted": _exact(self.not_counted),
            "threshold": f"{self.threshold:.2f}",
            "verdict": self.verdict.value,
            "fromTaxYear": str(self.from_year) if self.from_year else None,
            "headline": self.headline,
            "explanations": list(self.explanations),
        }


@dataclass(frozen=True, slots=True)
class ThresholdYear:
    """One year's threshold, and the return that decides it."""

    tax_year: TaxYear
    decided_by: TaxYear
    threshold: Decimal

    @property
    def text(self) -> str:
        return (
            f"From 6 April {self.tax_year.start_year}: qualifying income over "
            f"{_money(self.threshold)} on the return for {self.decided_by.label()}."
        )


def threshold_years() -> tuple[ThresholdYear, ...]:
    """Each threshold from the first mandated year to the last (it then stays)."""
    years: list[ThresholdYear] = []
    year = FIRST_MANDATED_YEAR
    while year <= FINAL_THRESHOLD_YEAR:
        years.append(ThresholdYear(year, basis_year(year), threshold_for(year) or Decimal(0)))
        year = year.next
    return tuple(years)


def return_years(today: date) -> tuple[TaxYear, ...]:
    """The years whose figures the check takes: from the first return that decides anyone's
    MTD to the tax year containing ``today`` (its figures so far, or an estimate)."""
    current = TaxYear.containing(today)
    years: list[TaxYear] = []
    year = FIRST_RETURN_YEAR
    while year <= current:
        years.append(year)
        year = year.next
    return tuple(years)


def default_return_year(today: date) -> TaxYear:
    """The year a check starts on: the last one ended (its return is the next due), or the
    first year there is when only one has begun."""
    years = return_years(today)
    return years[-2] if len(years) > 1 else years[-1]


def _money(amount: Decimal) -> str:
    """Pounds, with pence when there are any, and every digit when there is a fraction of a
    penny (a share of an odd amount), so a figure is never rounded onto a threshold."""
    if amount != amount.quantize(_PENNY):
        return f"£{amount.normalize():,f}"
    return f"£{amount:,.2f}".removesuffix(".00")


def _exact(amount: Decimal) -> str:
    return f"{amount:.2f}" if amount == amount.quantize(_PENNY) else f"{amount.normalize():f}"


def _start(year: TaxYear) -> str:
    return f"6 April {year.start_year}"


def _later_year(qualifying: Decimal, decides: TaxYear) -> TaxYear | None:
    """The first year after ``decides`` whose threshold this income is over (thresholds only
    fall, and the last one applies from its year on)."""
    year = decides.next
    while year <= FINAL_THRESHOLD_YEAR:
        if qualifying > (threshold_for(year) or Decimal(0)):
            return year
        year = year.next
    return None


def _what_counted(income: IncomeReturn, qualifying: Decimal, not_counted: Decimal) -> list[str]:
    said = [
        f"Qualifying income is the gross income (before expenses) from self-employment and "
        f"from UK and foreign property: {_money(qualifying)} from your figures."
    ]
    joint = [item for item in (*income.uk_property, *income.foreign_property) if item.share < 1]
    if joint:
        gross = sum((item.gross for item in joint), Decimal(0))
        share = sum((item.persons_share for item in joint), Decimal(0))
        said.append(
            f"For property you own with others only your share counts: {_money(share)} of "
            f"{_money(gross)}."
        )
    if not_counted > 0:
        said.append(
            f"{_money(not_counted)} you entered does not count: employment, partnership "
            "income, pensions, dividends and savings are left out."
        )
    if income.partnership > 0:
        said.append(
            f"Partnership income is never sent through {MTD}: it stays on your Self "
            "Assessment tax return."
        )
    return said


def check_income(return_year: TaxYear, income: IncomeReturn) -> IncomeCheck:
    """What ``income``, the figures for ``return_year``, means for the person's MTD.

    Raises:
        RuleError: ``RULE_TAX_YEAR_NOT_SUPPORTED`` for a year before 2024-25, whose return
            decides no year of MTD.
    """
    if return_year < FIRST_RETURN_YEAR:
        raise RuleError(
            "RULE_TAX_YEAR_NOT_SUPPORTED",
            f"Figures for {return_year.label()} do not decide anyone's {MTD}: the first year "
            f"that does is {FIRST_RETURN_YEAR.label()}.",
        )
    decides = return_year.shift(2)
    threshold = threshold_for(decides)
    assert threshold is not None, "every year from 2026-27 has a threshold"
    qualifying = qualifying_income(income)
    not_counted = (
        income.employment + income.partnership + income.dividends + income.pensions
        + income.savings
    )  # fmt: skip
    counted = _what_counted(income, qualifying, not_counted)
    decided_by = (
        f"HMRC works this out from your tax return for {return_year.label()}, which decides "
        f"{decides.label()}."
    )
    if qualifying == 0:
        return IncomeCheck(
            return_year, decides, qualifying, not_counted, threshold, Verdict.DOES_NOT_APPLY,
            None,
            f"{MTD} does not apply to this income",
            (
                f"{MTD} is for self-employment and property income. With none, you do not "
                "need it: send a Self Assessment tax return if you need to send one.",
                *counted[1:],
            ),
        )  # fmt: skip
    if qualifying > threshold:
        return IncomeCheck(
            return_year, decides, qualifying, not_counted, threshold, Verdict.MUST_USE,
            decides,
            f"You must use {MTD} from {_start(decides)}",
            (
                f"Your qualifying income for {return_year.label()}, {_money(qualifying)}, is "
                f"over the {_money(threshold)} threshold for {decides.label()}.",
                decided_by,
                *counted,
                *EXEMPTIONS,
            ),
        )  # fmt: skip
    later = _later_year(qualifying, decides)
    not_over = (
        f"Your qualifying income for {return_year.label()}, {_money(qualifying)}, is not over "
        f"the {_money(threshold)} threshold for {decides.label()}."
    )
    if later is not None:
        later_threshold = threshold_for(later)
        return IncomeCheck(
            return_year, decides, qualifying, not_counted, threshold, Verdict.MUST_USE_LATER,
            later,
            f"You do not have to use {MTD} for {decides.label()}, but probably will from "
            f"{_start(later)}",
            (
                not_over,
                f"The threshold falls to {_money(later_threshold or Decimal(0))} for "
                f"{later.label()}. If your qualifying income stays at this level, your return "
                f"for {basis_year(later).label()} will bring you into {MTD} from "
                f"{_start(later)}.",
                "You can choose to use it sooner, by signing up with HMRC.",
                STAY_IN,
                *counted,
                *EXEMPTIONS,
            ),
        )  # fmt: skip
    return IncomeCheck(
        return_year, decides, qualifying, not_counted, threshold, Verdict.MAY_CHOOSE, None,
        f"You do not have to use {MTD}, but you can choose to",
        (
            not_over,
            f"At this level it is not over any later year's threshold either (the lowest is "
            f"{_money(min(threshold_amounts()))}).",
            f"You can still choose to use {MTD}, by signing up with HMRC.",
            STAY_IN,
            *counted,
        ),
    )  # fmt: skip
