"""Tests for openmtd.rules.obligations (wire facts §5; business rules §1.7, §3.2)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmtd.rules.deadlines import quarterly_periods, year_end_deadline
from openmtd.rules.itsa_status import (
    ItsaStatus,
    ObligationKind,
    StatusHistory,
    StatusReason,
    StatusRecord,
    YearHistory,
)
from openmtd.rules.obligations import (
    LatencyIndicator,
    ObligationPeriod,
    Submission,
    covers,
    final_declaration,
    quarterly_obligations,
    received_on,
    reports_quarterly,
    trades_in,
    years_with,
)
from openmtd.rules.tax_year import TaxYear

Y2025, Y2026, Y2027, Y2028 = TaxYear(2025), TaxYear(2026), TaxYear(2027), TaxYear(2028)
QUARTERLY = ObligationKind.QUARTERLY_UPDATES
FINAL = ObligationKind.FINAL_DECLARATION
tax_years = st.integers(min_value=2000, max_value=2098).map(TaxYear)


def history(**statuses: ItsaStatus) -> StatusHistory:
    """A history with one record per year, named like ``y2026``."""
    at = datetime(2026, 5, 1, tzinfo=UTC)
    return StatusHistory.of(
        YearHistory(
            TaxYear(int(name[1:])),
            (StatusRecord(at, status, StatusReason.SIGN_UP_NO_RETURN_AVAILABLE),),
        )
        for name, status in statuses.items()
    )


class TestPeriods:
    @given(tax_years)
    def test_quarterly_obligations_are_the_deadlines_periods(self, year: TaxYear) -> None:
        assert [(p.tax_year, p.start, p.end, p.due) for p in quarterly_obligations(year)] == [
            (year, p.start, p.end, p.due) for p in quarterly_periods(year)
        ]

    @given(tax_years)
    def test_the_final_declaration_is_the_whole_year_due_31_january_after(
        self, year: TaxYear
    ) -> None:
        assert final_declaration(year) == ObligationPeriod(
            year, year.start, year.end, year_end_deadline(year)
        )

    def test_2026_27(self) -> None:
        assert final_declaration(Y2026) == ObligationPeriod(
            Y2026, date(2026, 4, 6), date(2027, 4, 5), date(2028, 1, 31)
        )


class TestYearsWith:
    @pytest.mark.parametrize(
        ("status", "expected"),
        [
            (ItsaStatus.MANDATED, (Y2026,)),
            (ItsaStatus.VOLUNTARY, (Y2026,)),
            (ItsaStatus.ANNUAL, ()),
            (ItsaStatus.EXEMPT, ()),
            (ItsaStatus.DIGITALLY_EXEMPT, ()),
            (ItsaStatus.DORMANT, ()),
            (ItsaStatus.NO_STATUS, ()),
        ],
    )
    @pytest.mark.parametrize("kind", [QUARTERLY, FINAL])
    def test_only_mandated_and_voluntary_years(
        self, status: ItsaStatus, expected: tuple[TaxYear, ...], kind: ObligationKind
    ) -> None:
        assert years_with(kind, history(y2026=status), first=None, current=Y2026) == expected

    def test_no_status_held_means_no_years(self) -> None:
        assert years_with(QUARTERLY, StatusHistory.of([]), first=None, current=Y2026) == ()

    def test_a_gap_up_to_the_current_year_inherits_the_year_before(self) -> None:
        held = history(y2025=ItsaStatus.VOLUNTARY)

        assert years_with(QUARTERLY, held, first=None, current=Y2027) == (Y2025, Y2026, Y2027)

    def test_years_held_after_the_current_year_count(self) -> None:
        held = history(y2026=ItsaStatus.MANDATED, y2027=ItsaStatus.VOLUNTARY)

        assert years_with(FINAL, held, first=None, current=Y2026) == (Y2026, Y2027)

    def test_an_opted_out_year_has_none_and_is_carried_on(self) -> None:
        held = history(y2025=ItsaStatus.VOLUNTARY, y2026=ItsaStatus.ANNUAL)

        assert years_with(QUARTERLY, held, first=None, current=Y2027) == (Y2025,)

    def test_years_before_the_first_signed_up_year_are_left_out(self) -> None:
        held = history(y2025=ItsaStatus.MANDATED, y2026=ItsaStatus.MANDATED)

        assert years_with(QUARTERLY, held, first=Y2026, current=Y2026) == (Y2026,)

    def test_the_last_tax_year_ends_the_search(self) -> None:
        held = history(y2098=ItsaStatus.VOLUNTARY)

        assert years_with(QUARTERLY, held, first=None, current=TaxYear(2098)) == (TaxYear(2098),)


class TestTradesIn:
    @pytest.mark.parametrize(
        ("commenced", "ceased", "expected"),
        [
            (None, None, True),
            (date(2027, 4, 5), None, True),
            (date(2027, 4, 6), None, False),
            (None, date(2026, 4, 6), True),
            (None, date(2026, 4, 5), False),
            (date(2020, 1, 1), date(2030, 1, 1), True),
        ],
    )
    def test_the_year_must_hold_a_trading_day(
        self, commenced: date | None, ceased: date | None, expected: bool
    ) -> None:
        assert trades_in(Y2026, commenced=commenced, ceased=ceased) is expected


class TestLatency:
    def test_annual_in_a_latency_year_means_no_quarterly_updates(self) -> None:
        latency = {Y2026: LatencyIndicator.ANNUAL, Y2027: LatencyIndicator.QUARTERLY}

        assert not reports_quarterly(Y2026, latency)
        assert reports_quarterly(Y2027, latency)
        assert reports_quarterly(Y2028, latency)

    def test_letters(self) -> None:
        assert LatencyIndicator("A") is LatencyIndicator.ANNUAL
        assert LatencyIndicator("Q") is LatencyIndicator.QUARTERLY


class TestFulfilment:
    Q1, Q2, Q3, Q4 = quarterly_obligations(Y2026)

    def _update(self, period: ObligationPeriod, received: date) -> Submission:
        return Submission(period.start, period.end, received)

    def test_an_update_covers_its_own_period_and_the_earlier_ones_of_its_year(self) -> None:
        q3 = self._update(self.Q3, date(2027, 2, 1))

        assert [covers(q3, p) for p in (self.Q1, self.Q2, self.Q3, self.Q4)] == [
            True,
            True,
            True,
            False,
        ]

    def test_another_years_update_covers_nothing(self) -> None:
        other = quarterly_obligations(Y2025)[3]

        assert not covers(self._update(other, date(2026, 5, 1)), self.Q1)

    def test_received_on_is_the_first_covering_submission(self) -> None:
        submissions = [
            self._update(self.Q3, date(2027, 2, 1)),
            self._update(self.Q1, date(2026, 8, 1)),
        ]

        assert received_on(self.Q1, submissions) == date(2026, 8, 1)
        assert received_on(self.Q2, submissions) == date(2027, 2, 1)
        assert received_on(self.Q4, submissions) is None
        assert received_on(self.Q1, []) is None
