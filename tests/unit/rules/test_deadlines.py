"""Tests for openmtd.rules.deadlines (hmrc-wire-facts.md §5; hmrc-business-rules.md §3.2)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmtd.rules.deadlines import QuarterlyPeriod, quarterly_periods, year_end_deadline
from openmtd.rules.tax_year import TaxYear

#: Every tax year the type can hold.
tax_years = st.integers(min_value=2000, max_value=2098).map(TaxYear)


class TestQuarterlyPeriods:
    def test_2026_27(self) -> None:
        year = TaxYear(2026)
        start = date(2026, 4, 6)

        assert quarterly_periods(year) == (
            QuarterlyPeriod(year, 1, start, date(2026, 7, 5), date(2026, 8, 7)),
            QuarterlyPeriod(year, 2, start, date(2026, 10, 5), date(2026, 11, 7)),
            QuarterlyPeriod(year, 3, start, date(2027, 1, 5), date(2027, 2, 7)),
            QuarterlyPeriod(year, 4, start, date(2027, 4, 5), date(2027, 5, 7)),
        )

    def test_2025_26_the_first_cumulative_year(self) -> None:
        periods = quarterly_periods(TaxYear(2025))

        assert [p.end for p in periods] == [
            date(2025, 7, 5),
            date(2025, 10, 5),
            date(2026, 1, 5),
            date(2026, 4, 5),
        ]
        assert [p.due for p in periods] == [
            date(2025, 8, 7),
            date(2025, 11, 7),
            date(2026, 2, 7),
            date(2026, 5, 7),
        ]

    def test_is_immutable(self) -> None:
        period = quarterly_periods(TaxYear(2026))[0]

        with pytest.raises(dataclasses.FrozenInstanceError):
            period.due = date(2026, 9, 7)  # type: ignore[misc]

    @given(tax_years)
    def test_four_cumulative_periods_in_order(self, year: TaxYear) -> None:
        periods = quarterly_periods(year)

        assert [p.number for p in periods] == [1, 2, 3, 4]
        assert all(p.tax_year == year for p in periods)
        assert all(p.start == year.start for p in periods)
        ends = [p.end for p in periods]
        assert ends == sorted(ends)
        assert len(set(ends)) == 4
        assert periods[-1].end == year.end
        assert all(year.contains(end) for end in ends)

    @given(tax_years)
    def test_every_update_is_due_on_the_7th_of_the_month_after_its_period(
        self, year: TaxYear
    ) -> None:
        for period in quarterly_periods(year):
            assert period.end.day == 5
            assert period.due.day == 7
            assert period.due > period.end
            months_later = (period.due.year - period.end.year) * 12 + (
                period.due.month - period.end.month
            )
            assert months_later == 1

    @given(tax_years)
    def test_dues_are_in_order_and_before_the_year_end_deadline(self, year: TaxYear) -> None:
        dues = [p.due for p in quarterly_periods(year)]

        assert dues == sorted(dues)
        assert dues[-1] < year_end_deadline(year)


class TestYearEndDeadline:
    @pytest.mark.parametrize(
        ("start_year", "deadline"),
        [
            (2024, date(2026, 1, 31)),  # the 2024-25 return that sets 2026-27
            (2025, date(2027, 1, 31)),
            (2026, date(2028, 1, 31)),
            (2098, date(2100, 1, 31)),
        ],
    )
    def test_31_january_after_the_year_ends(self, start_year: int, deadline: date) -> None:
        assert year_end_deadline(TaxYear(start_year)) == deadline

    @given(tax_years)
    def test_falls_in_the_next_tax_year(self, year: TaxYear) -> None:
        deadline = year_end_deadline(year)

        assert deadline > year.end
        assert (deadline.month, deadline.day) == (1, 31)
        if year.start_year < 2098:
            assert year.next.contains(deadline)
