"""Tests for openmtd.rules.thresholds against HMRC's rules (hmrc-business-rules.md §1.7)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmtd.rules.tax_year import TaxYear
from openmtd.rules.thresholds import (
    FIRST_MANDATED_YEAR,
    IncomeReturn,
    PropertyIncome,
    basis_year,
    is_over_threshold,
    qualifying_income,
    threshold_for,
)

#: Every tax year the type can hold.
tax_years = st.integers(min_value=2000, max_value=2098).map(TaxYear)
#: Tax years that have a threshold (2026-27 onwards).
mandated_years = st.integers(min_value=2026, max_value=2098).map(TaxYear)
#: Money in pounds and pence, as a return states it.
amounts = st.decimals(min_value=0, max_value=10_000_000, places=2)
#: A share of a jointly owned property: 0 to 1 inclusive.
shares = st.decimals(min_value=0, max_value=1, places=4)
properties = st.builds(PropertyIncome, gross=amounts, share=shares)
returns = st.builds(
    IncomeReturn,
    self_employment_turnover=st.lists(amounts, max_size=3).map(tuple),
    uk_property=st.lists(properties, max_size=3).map(tuple),
    foreign_property=st.lists(properties, max_size=3).map(tuple),
    employment=amounts,
    partnership=amounts,
    dividends=amounts,
    pensions=amounts,
    savings=amounts,
)
EXCLUDED_FIELDS = ("employment", "partnership", "dividends", "pensions", "savings")


class TestThresholdFor:
    @pytest.mark.parametrize(
        ("start_year", "threshold"),
        [
            (2000, None),
            (2024, None),
            (2025, None),  # 2025-26: nobody is mandated yet
            (2026, Decimal(50_000)),
            (2027, Decimal(30_000)),
            (2028, Decimal(20_000)),
            (2029, Decimal(20_000)),
            (2035, Decimal(20_000)),
            (2098, Decimal(20_000)),
        ],
    )
    def test_threshold_per_year(self, start_year: int, threshold: Decimal | None) -> None:
        assert threshold_for(TaxYear(start_year)) == threshold

    def test_first_mandated_year_is_the_first_with_a_threshold(self) -> None:
        assert TaxYear(2026) == FIRST_MANDATED_YEAR
        assert threshold_for(FIRST_MANDATED_YEAR) is not None
        assert threshold_for(FIRST_MANDATED_YEAR.previous) is None

    @given(st.integers(min_value=2026, max_value=2097).map(TaxYear))
    def test_thresholds_never_rise(self, year: TaxYear) -> None:
        current = threshold_for(year)
        later = threshold_for(year.next)

        assert current is not None
        assert later is not None
        assert later <= current


class TestBasisYear:
    @pytest.mark.parametrize(
        ("start_year", "basis"),
        [(2026, 2024), (2027, 2025), (2028, 2026), (2035, 2033)],
    )
    def test_is_two_years_before(self, start_year: int, basis: int) -> None:
        # The 2024-25 return (due 31 January 2026) sets 2026-27.
        assert basis_year(TaxYear(start_year)) == TaxYear(basis)

    @given(st.integers(min_value=2002, max_value=2098))
    def test_is_always_n_minus_2(self, start_year: int) -> None:
        assert basis_year(TaxYear(start_year)).start_year == start_year - 2


class TestIsOverThreshold:
    @pytest.mark.parametrize(
        ("start_year", "threshold"),
        [(2026, "50000"), (2027, "30000"), (2028, "20000"), (2035, "20000")],
    )
    def test_over_is_strict(self, start_year: int, threshold: str) -> None:
        year = TaxYear(start_year)
        at = Decimal(threshold)

        assert is_over_threshold(at - Decimal("0.01"), year) is False
        assert is_over_threshold(at, year) is False
        assert is_over_threshold(Decimal(f"{threshold}.00"), year) is False
        assert is_over_threshold(Decimal(f"{threshold}.01"), year) is True

    def test_the_same_income_mandates_later_years_but_not_earlier_ones(self) -> None:
        # £40,000 is under 2026-27's £50,000 but over 2027-28's £30,000.
        income = Decimal(40_000)

        assert is_over_threshold(income, TaxYear(2026)) is False
        assert is_over_threshold(income, TaxYear(2027)) is True
        assert is_over_threshold(income, TaxYear(2028)) is True

    @pytest.mark.parametrize("start_year", [2000, 2024, 2025])
    def test_nobody_is_over_before_2026_27(self, start_year: int) -> None:
        assert is_over_threshold(Decimal("99999999999.99"), TaxYear(start_year)) is False

    @given(amounts, amounts, tax_years)
    def test_is_monotonic_in_income(self, first: Decimal, second: Decimal, year: TaxYear) -> None:
        low, high = sorted((first, second))

        if is_over_threshold(low, year):
            assert is_over_threshold(high, year)

    @given(amounts, mandated_years)
    def test_agrees_with_the_threshold(self, income: Decimal, year: TaxYear) -> None:
        threshold = threshold_for(year)
        assert threshold is not None
        assert is_over_threshold(income, year) is (income > threshold)


class TestPropertyIncome:
    def test_whole_property_by_default(self) -> None:
        item = PropertyIncome(Decimal(12_000))

        assert item.share == 1
        assert item.persons_share == Decimal(12_000)

    def test_persons_share_of_a_jointly_owned_property(self) -> None:
        assert PropertyIncome(Decimal(40_000), Decimal("0.5")).persons_share == Decimal(20_000)
        assert PropertyIncome(Decimal(30_000), Decimal("0.25")).persons_share == Decimal(7_500)

    @pytest.mark.parametrize("share", ["0", "0.5", "1"])
    def test_accepts_shares_from_0_to_1(self, share: str) -> None:
        assert PropertyIncome(Decimal(100), Decimal(share)).share == Decimal(share)

    def test_accepts_zero_gross(self) -> None:
        assert PropertyIncome(Decimal(0)).persons_share == 0

    def test_refuses_negative_gross(self) -> None:
        with pytest.raises(ValueError, match="gross property income cannot be negative"):
            PropertyIncome(Decimal("-0.01"))

    @pytest.mark.parametrize("share", ["-0.01", "1.01", "2", "-1"])
    def test_refuses_share_outside_0_to_1(self, share: str) -> None:
        with pytest.raises(ValueError, match="share of a property must be between 0 and 1"):
            PropertyIncome(Decimal(100), Decimal(share))

    def test_is_immutable(self) -> None:
        item = PropertyIncome(Decimal(100))

        with pytest.raises(dataclasses.FrozenInstanceError):
            item.gross = Decimal(200)  # type: ignore[misc]


class TestIncomeReturn:
    def test_empty_return_is_valid_and_zero(self) -> None:
        assert qualifying_income(IncomeReturn()) == 0

    def test_accepts_zero_turnover(self) -> None:
        assert IncomeReturn(self_employment_turnover=(Decimal(0),)).self_employment_turnover == (
            Decimal(0),
        )

    @pytest.mark.parametrize("turnovers", [(Decimal("-0.01"),), (Decimal(1_000), Decimal(-5))])
    def test_refuses_negative_turnover(self, turnovers: tuple[Decimal, ...]) -> None:
        with pytest.raises(ValueError, match="self-employment turnover cannot be negative"):
            IncomeReturn(self_employment_turnover=turnovers)

    def test_is_immutable(self) -> None:
        income = IncomeReturn()

        with pytest.raises(dataclasses.FrozenInstanceError):
            income.employment = Decimal(1)  # type: ignore[misc]


class TestQualifyingIncome:
    def test_sums_gross_turnover_of_every_self_employment(self) -> None:
        income = IncomeReturn(self_employment_turnover=(Decimal(30_000), Decimal("12500.50")))

        assert qualifying_income(income) == Decimal("42500.50")

    def test_adds_uk_and_foreign_property(self) -> None:
        income = IncomeReturn(
            self_employment_turnover=(Decimal(10_000),),
            uk_property=(PropertyIncome(Decimal(8_000)), PropertyIncome(Decimal(2_000))),
            foreign_property=(PropertyIncome(Decimal(5_000)),),
        )

        assert qualifying_income(income) == Decimal(25_000)

    def test_counts_only_the_persons_share_of_joint_property(self) -> None:
        income = IncomeReturn(
            uk_property=(PropertyIncome(Decimal(40_000), Decimal("0.5")),),
            foreign_property=(PropertyIncome(Decimal(10_000), Decimal("0.3")),),
        )

        assert qualifying_income(income) == Decimal(23_000)

    def test_ignores_employment_partnership_dividends_pensions_and_savings(self) -> None:
        income = IncomeReturn(
            self_employment_turnover=(Decimal(30_000),),
            uk_property=(PropertyIncome(Decimal(40_000), Decimal("0.5")),),
            employment=Decimal(60_000),
            partnership=Decimal(70_000),
            dividends=Decimal(80_000),
            pensions=Decimal(90_000),
            savings=Decimal(100_000),
        )

        assert qualifying_income(income) == Decimal(50_000)

    def test_large_excluded_income_alone_is_zero(self) -> None:
        income = IncomeReturn(
            employment=Decimal(1_000_000),
            partnership=Decimal(1_000_000),
            dividends=Decimal(1_000_000),
            pensions=Decimal(1_000_000),
            savings=Decimal(1_000_000),
        )

        assert qualifying_income(income) == 0
        assert is_over_threshold(qualifying_income(income), TaxYear(2028)) is False

    def test_is_gross_so_a_loss_making_business_can_be_mandated(self) -> None:
        # Turnover, not profit: expenses are not on the return at all.
        income = IncomeReturn(self_employment_turnover=(Decimal("50000.01"),))

        assert is_over_threshold(qualifying_income(income), TaxYear(2026)) is True

    @given(returns, st.sampled_from(EXCLUDED_FIELDS), amounts)
    def test_excluded_fields_never_change_it(
        self, income: IncomeReturn, name: str, amount: Decimal
    ) -> None:
        changed = dataclasses.replace(income, **{name: amount})  # type: ignore[arg-type]

        assert qualifying_income(changed) == qualifying_income(income)

    @given(returns, amounts, amounts, amounts, amounts, amounts)
    def test_all_excluded_fields_together_never_change_it(
        self,
        income: IncomeReturn,
        employment: Decimal,
        partnership: Decimal,
        dividends: Decimal,
        pensions: Decimal,
        savings: Decimal,
    ) -> None:
        changed = dataclasses.replace(
            income,
            employment=employment,
            partnership=partnership,
            dividends=dividends,
            pensions=pensions,
            savings=savings,
        )

        assert qualifying_income(changed) == qualifying_income(income)

    @given(returns, amounts, properties, properties)
    def test_adding_income_never_lowers_it(
        self,
        income: IncomeReturn,
        turnover: Decimal,
        uk: PropertyIncome,
        foreign: PropertyIncome,
    ) -> None:
        before = qualifying_income(income)
        additions = [
            dataclasses.replace(
                income,
                self_employment_turnover=(*income.self_employment_turnover, turnover),
            ),
            dataclasses.replace(income, uk_property=(*income.uk_property, uk)),
            dataclasses.replace(income, foreign_property=(*income.foreign_property, foreign)),
        ]

        assert [qualifying_income(added) >= before for added in additions] == [True] * 3
        assert qualifying_income(additions[0]) == before + turnover
        assert qualifying_income(additions[1]) == before + uk.persons_share
        assert qualifying_income(additions[2]) == before + foreign.persons_share

    @given(returns)
    def test_equals_the_sum_of_its_parts(self, income: IncomeReturn) -> None:
        expected = sum(income.self_employment_turnover, Decimal(0)) + sum(
            (p.gross * p.share for p in (*income.uk_property, *income.foreign_property)),
            Decimal(0),
        )

        assert qualifying_income(income) == expected
        assert qualifying_income(income) >= 0
