"""'Do I need MTD?': one year's figures against the thresholds, with what counted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmtd.rules.errors import RuleError
from openmtd.rules.income_check import (
    Verdict,
    check_income,
    default_return_year,
    return_years,
    threshold_years,
)
from openmtd.rules.tax_year import TaxYear
from openmtd.rules.thresholds import IncomeReturn, PropertyIncome, is_over_threshold

Y2024, Y2025, Y2026 = TaxYear(2024), TaxYear(2025), TaxYear(2026)


def sole_trader(turnover: int, **others: Decimal) -> IncomeReturn:
    return IncomeReturn(self_employment_turnover=(Decimal(turnover),), **others)


def test_the_years_offered_run_from_2024_25_to_this_year() -> None:
    assert return_years(date(2026, 12, 4)) == (Y2024, Y2025, Y2026)
    assert return_years(date(2025, 4, 5)) == (Y2024,)
    assert default_return_year(date(2026, 12, 4)) == Y2025  # the last one ended
    assert default_return_year(date(2025, 4, 5)) == Y2024  # the only one there is


def test_over_the_threshold_must_use_mtd_from_the_year_it_decides() -> None:
    result = check_income(Y2024, sole_trader(50_001))
    assert result.verdict is Verdict.MUST_USE
    assert result.decides == result.from_year == TaxYear(2026)
    assert result.headline == "You must use Making Tax Digital for Income Tax from 6 April 2026"
    assert (
        "£50,001, is over the £50,000 threshold for 6 April 2026 to 5 April 2027"
        in (result.explanations[0])
    )
    assert any("apply to HMRC to be exempt" in line for line in result.explanations)
    assert result.can_sign_up


def test_exactly_at_the_threshold_is_not_over_it() -> None:
    assert check_income(Y2024, sole_trader(50_000)).verdict is not Verdict.MUST_USE


def test_income_over_a_later_lower_threshold_is_told_when_it_would_apply() -> None:
    result = check_income(Y2024, sole_trader(35_000))
    assert result.verdict is Verdict.MUST_USE_LATER
    assert result.decides == TaxYear(2026)
    assert result.from_year == TaxYear(2027)
    assert "probably will from 6 April 2027" in result.headline
    said = " ".join(result.explanations)
    assert "The threshold falls to £30,000" in said
    assert "your return for 6 April 2025 to 5 April 2026 will bring you into" in said
    lower = check_income(Y2024, sole_trader(25_000))
    assert lower.from_year == TaxYear(2028)


def test_under_every_threshold_may_choose() -> None:
    result = check_income(Y2025, sole_trader(20_000))
    assert result.verdict is Verdict.MAY_CHOOSE
    assert result.from_year is None
    assert "the lowest is £20,000" in " ".join(result.explanations)
    assert result.can_sign_up


def test_no_self_employment_or_property_income_means_it_does_not_apply() -> None:
    result = check_income(
        Y2025,
        IncomeReturn(employment=Decimal(80_000), partnership=Decimal(60_000)),
    )
    assert result.verdict is Verdict.DOES_NOT_APPLY
    assert not result.can_sign_up
    said = " ".join(result.explanations)
    assert "£140,000 you entered does not count" in said
    assert "Partnership income is never sent through" in said


def test_only_the_persons_share_of_joint_property_counts() -> None:
    income = IncomeReturn(
        self_employment_turnover=(Decimal(20_000),),
        uk_property=(PropertyIncome(Decimal(40_000), Decimal("0.5")),),
        foreign_property=(PropertyIncome(Decimal(12_000)),),
        dividends=Decimal(5_000),
    )
    result = check_income(Y2024, income)
    assert result.qualifying == Decimal(52_000)
    assert result.not_counted == Decimal(5_000)
    assert result.verdict is Verdict.MUST_USE
    said = " ".join(result.explanations)
    assert "only your share counts: £20,000 of £40,000" in said
    assert "£5,000 you entered does not count" in said
    body = result.to_dict()
    assert body["qualifyingIncome"] == "52000.00"
    assert body["verdict"] == "must-use"
    assert body["fromTaxYear"] == "2026-27"


def test_pence_are_shown_when_there_are_any() -> None:
    result = check_income(Y2026, IncomeReturn(self_employment_turnover=(Decimal("20000.50"),)))
    assert "£20,000.50, is over the £20,000 threshold" in result.explanations[0]
    assert result.to_dict()["fromTaxYear"] == "2028-29"


def test_a_year_before_2024_25_decides_nothing() -> None:
    with pytest.raises(RuleError) as raised:
        check_income(TaxYear(2023), sole_trader(60_000))
    assert raised.value.code == "RULE_TAX_YEAR_NOT_SUPPORTED"
    assert "the first year that does is 6 April 2024 to 5 April 2025" in raised.value.message


@given(
    st.sampled_from([Y2024, Y2025, Y2026]),
    st.decimals(min_value=0, max_value=200_000, places=2),
)
def test_the_verdict_agrees_with_the_threshold_rule(year: TaxYear, amount: Decimal) -> None:
    result = check_income(year, IncomeReturn(self_employment_turnover=(amount,)))
    must = result.verdict is Verdict.MUST_USE
    assert must == is_over_threshold(amount, year.shift(2))
    assert (result.verdict is Verdict.DOES_NOT_APPLY) == (amount == 0)


def test_each_years_threshold_and_the_return_that_decides_it() -> None:
    assert [year.text for year in threshold_years()] == [
        "From 6 April 2026: qualifying income over £50,000 on the return for 6 April 2024 to "
        "5 April 2025.",
        "From 6 April 2027: qualifying income over £30,000 on the return for 6 April 2025 to "
        "5 April 2026.",
        "From 6 April 2028: qualifying income over £20,000 on the return for 6 April 2026 to "
        "5 April 2027.",
    ]


def test_a_share_of_an_odd_penny_is_never_rounded_onto_the_threshold() -> None:
    half = IncomeReturn(uk_property=(PropertyIncome(Decimal("100000.01"), Decimal("0.5")),))
    result = check_income(Y2024, half)
    assert result.verdict is Verdict.MUST_USE
    assert "£50,000.005, is over the £50,000 threshold" in result.explanations[0]
    assert result.to_dict()["qualifyingIncome"] == "50000.005"


def test_those_not_brought_in_hear_that_the_mandated_stay_in() -> None:
    for amount in (35_000, 15_000):
        said = " ".join(check_income(Y2024, sole_trader(amount)).explanations)
        assert "you stay in until your qualifying income has not been over the threshold" in said
