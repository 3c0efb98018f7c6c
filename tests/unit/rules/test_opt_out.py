"""Tests for openmtd.rules.opt_out against HMRC's rules (hmrc-business-rules.md §3.4-§3.6)."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmtd.rules.errors import RuleError
from openmtd.rules.itsa_status import ItsaStatus, StatusReason
from openmtd.rules.opt_out import (
    ReportingYears,
    StatusChange,
    opt_in,
    opt_in_years,
    opt_out,
    opt_out_years,
)
from openmtd.rules.tax_year import TaxYear

CY = TaxYear(2026)
CY_1 = TaxYear(2025)
CY1 = TaxYear(2027)

MANDATED = ItsaStatus.MANDATED
VOLUNTARY = ItsaStatus.VOLUNTARY
ANNUAL = ItsaStatus.ANNUAL
NO_STATUS = ItsaStatus.NO_STATUS
DORMANT = ItsaStatus.DORMANT
EXEMPT = ItsaStatus.EXEMPT
DIGITALLY_EXEMPT = ItsaStatus.DIGITALLY_EXEMPT

NEVER_OPTED_INTO = (MANDATED, DORMANT, EXEMPT, DIGITALLY_EXEMPT)
ALL_COMBINATIONS = [
    ReportingYears(CY, previous, current, following, crystallised)
    for previous, current, following in itertools.product(ItsaStatus, repeat=3)
    for crystallised in (False, True)
]


def years(
    previous: ItsaStatus,
    current: ItsaStatus,
    following: ItsaStatus,
    *,
    crystallised: bool = False,
) -> ReportingYears:
    return ReportingYears(CY, previous, current, following, crystallised)


def out(*tax_years: TaxYear) -> tuple[StatusChange, ...]:
    return tuple(StatusChange(year, ANNUAL, StatusReason.OPT_OUT) for year in tax_years)


def opt_in_change(tax_year: TaxYear) -> tuple[StatusChange, ...]:
    return (StatusChange(tax_year, VOLUNTARY, StatusReason.OPT_IN),)


class TestReportingYears:
    def test_previous_and_next_years_surround_the_current_one(self) -> None:
        reporting = years(VOLUNTARY, VOLUNTARY, VOLUNTARY)

        assert reporting.previous_year == CY_1
        assert reporting.next_year == CY1

    def test_not_crystallised_by_default(self) -> None:
        assert ReportingYears(CY, VOLUNTARY, VOLUNTARY, VOLUNTARY).previous_crystallised is False

    @pytest.mark.parametrize("current", list(ItsaStatus))
    def test_no_status_next_year_inherits_the_current_year(self, current: ItsaStatus) -> None:
        assert years(ANNUAL, current, NO_STATUS).effective_next is current

    @pytest.mark.parametrize("following", [s for s in ItsaStatus if s is not NO_STATUS])
    def test_a_next_year_status_of_its_own_stands(self, following: ItsaStatus) -> None:
        assert years(ANNUAL, VOLUNTARY, following).effective_next is following

    def test_is_immutable(self) -> None:
        reporting = years(VOLUNTARY, VOLUNTARY, VOLUNTARY)

        with pytest.raises(dataclasses.FrozenInstanceError):
            reporting.current = ANNUAL  # type: ignore[misc]


class TestOptOutYears:
    def test_all_three_voluntary_years(self) -> None:
        assert opt_out_years(years(VOLUNTARY, VOLUNTARY, VOLUNTARY)) == (CY_1, CY, CY1)

    def test_crystallised_previous_year_is_excluded(self) -> None:
        reporting = years(VOLUNTARY, VOLUNTARY, VOLUNTARY, crystallised=True)

        assert opt_out_years(reporting) == (CY, CY1)

    def test_previous_year_alone(self) -> None:
        assert opt_out_years(years(VOLUNTARY, MANDATED, MANDATED)) == (CY_1,)

    def test_current_year_alone(self) -> None:
        assert opt_out_years(years(ANNUAL, VOLUNTARY, MANDATED)) == (CY,)

    def test_next_year_no_status_inherits_a_voluntary_current_year(self) -> None:
        assert opt_out_years(years(ANNUAL, VOLUNTARY, NO_STATUS)) == (CY, CY1)

    @pytest.mark.parametrize("current", [s for s in ItsaStatus if s is not VOLUNTARY])
    def test_next_year_no_status_is_not_offered_after_another_current_status(
        self, current: ItsaStatus
    ) -> None:
        assert CY1 not in opt_out_years(years(VOLUNTARY, current, NO_STATUS))

    def test_next_year_voluntary_after_a_mandated_current_year(self) -> None:
        assert opt_out_years(years(MANDATED, MANDATED, VOLUNTARY)) == (CY1,)

    @pytest.mark.parametrize("status", [s for s in ItsaStatus if s is not VOLUNTARY])
    def test_no_year_that_is_not_voluntary_is_offered(self, status: ItsaStatus) -> None:
        assert opt_out_years(years(status, status, status)) == ()

    @pytest.mark.parametrize("status", [MANDATED, DORMANT])
    def test_mandated_and_dormant_years_are_never_offered(self, status: ItsaStatus) -> None:
        assert opt_out_years(years(status, VOLUNTARY, VOLUNTARY)) == (CY, CY1)
        assert opt_out_years(years(VOLUNTARY, status, VOLUNTARY)) == (CY_1, CY1)
        assert opt_out_years(years(VOLUNTARY, VOLUNTARY, status)) == (CY_1, CY)


class TestOptOutPropagation:
    def test_previous_year_with_voluntary_later_years_opts_out_all_three(self) -> None:
        assert opt_out(years(VOLUNTARY, VOLUNTARY, VOLUNTARY), CY_1) == out(CY_1, CY, CY1)

    def test_previous_year_blocked_by_a_mandated_current_year(self) -> None:
        assert opt_out(years(VOLUNTARY, MANDATED, VOLUNTARY), CY_1) == out(CY_1)

    @pytest.mark.parametrize("current", [ANNUAL, DORMANT, EXEMPT, NO_STATUS])
    def test_previous_year_blocked_by_any_current_year_not_voluntary(
        self, current: ItsaStatus
    ) -> None:
        assert opt_out(years(VOLUNTARY, current, VOLUNTARY), CY_1) == out(CY_1)

    def test_previous_year_stops_before_a_mandated_next_year(self) -> None:
        assert opt_out(years(VOLUNTARY, VOLUNTARY, MANDATED), CY_1) == out(CY_1, CY)

    def test_previous_year_does_not_write_a_no_status_next_year(self) -> None:
        # CY+1 inherits CY's new Annual status; writing it would be a second update.
        assert opt_out(years(VOLUNTARY, VOLUNTARY, NO_STATUS), CY_1) == out(CY_1, CY)

    def test_current_year_takes_a_voluntary_next_year_with_it(self) -> None:
        assert opt_out(years(ANNUAL, VOLUNTARY, VOLUNTARY), CY) == out(CY, CY1)

    def test_current_year_does_not_write_a_no_status_next_year(self) -> None:
        assert opt_out(years(ANNUAL, VOLUNTARY, NO_STATUS), CY) == out(CY)

    def test_current_year_does_not_reach_back_to_the_previous_year(self) -> None:
        assert opt_out(years(VOLUNTARY, VOLUNTARY, VOLUNTARY), CY) == out(CY, CY1)

    def test_current_year_stops_before_a_mandated_next_year(self) -> None:
        assert opt_out(years(ANNUAL, VOLUNTARY, MANDATED), CY) == out(CY)

    @pytest.mark.parametrize("following", [VOLUNTARY, NO_STATUS])
    def test_next_year_only(self, following: ItsaStatus) -> None:
        assert opt_out(years(VOLUNTARY, VOLUNTARY, following), CY1) == out(CY1)


class TestOptOutRefused:
    @pytest.mark.parametrize(
        ("reporting", "chosen"),
        [
            (years(MANDATED, MANDATED, MANDATED), CY),
            (years(VOLUNTARY, VOLUNTARY, VOLUNTARY, crystallised=True), CY_1),
            (years(ANNUAL, MANDATED, NO_STATUS), CY1),
            (years(VOLUNTARY, VOLUNTARY, DORMANT), CY1),
            (years(VOLUNTARY, VOLUNTARY, VOLUNTARY), TaxYear(2028)),
            (years(VOLUNTARY, VOLUNTARY, VOLUNTARY), TaxYear(2024)),
        ],
    )
    def test_raises_opt_out_not_allowed(self, reporting: ReportingYears, chosen: TaxYear) -> None:
        with pytest.raises(RuleError) as caught:
            opt_out(reporting, chosen)

        error = caught.value
        assert error.code == "RULE_OPT_OUT_NOT_ALLOWED"
        assert str(chosen) in error.message
        assert "only a voluntary year" in error.message
        assert error.wire_message == error.message


class TestOptIn:
    def test_current_annual_year(self) -> None:
        reporting = years(VOLUNTARY, ANNUAL, MANDATED)

        assert opt_in_years(reporting) == (CY,)
        assert opt_in(reporting, CY) == opt_in_change(CY)

    def test_next_annual_year(self) -> None:
        reporting = years(ANNUAL, MANDATED, ANNUAL)

        assert opt_in_years(reporting) == (CY1,)
        assert opt_in(reporting, CY1) == opt_in_change(CY1)

    def test_next_no_status_year_with_an_annual_current_year(self) -> None:
        reporting = years(ANNUAL, ANNUAL, NO_STATUS)

        assert opt_in_years(reporting) == (CY, CY1)
        assert opt_in(reporting, CY1) == opt_in_change(CY1)

    def test_choosing_the_current_year_changes_only_that_year(self) -> None:
        # The No Status next year inherits the new Voluntary status; a set Annual one stays.
        assert opt_in(years(ANNUAL, ANNUAL, NO_STATUS), CY) == opt_in_change(CY)
        assert opt_in(years(ANNUAL, ANNUAL, ANNUAL), CY) == opt_in_change(CY)

    @pytest.mark.parametrize("current", [s for s in ItsaStatus if s is not ANNUAL])
    def test_next_no_status_year_not_offered_after_another_current_status(
        self, current: ItsaStatus
    ) -> None:
        assert CY1 not in opt_in_years(years(ANNUAL, current, NO_STATUS))

    def test_previous_year_is_never_offered(self) -> None:
        assert opt_in_years(years(ANNUAL, ANNUAL, ANNUAL)) == (CY, CY1)

    @pytest.mark.parametrize("status", [*NEVER_OPTED_INTO, VOLUNTARY, NO_STATUS])
    def test_years_that_are_not_annual_are_never_offered(self, status: ItsaStatus) -> None:
        assert opt_in_years(years(ANNUAL, status, status)) == ()

    @pytest.mark.parametrize(
        ("reporting", "chosen"),
        [
            (years(ANNUAL, MANDATED, MANDATED), CY),
            (years(ANNUAL, EXEMPT, NO_STATUS), CY1),
            (years(ANNUAL, DIGITALLY_EXEMPT, ANNUAL), CY),
            (years(ANNUAL, ANNUAL, DORMANT), CY1),
            (years(ANNUAL, VOLUNTARY, VOLUNTARY), CY),
            (years(ANNUAL, ANNUAL, ANNUAL), CY_1),
        ],
    )
    def test_raises_opt_in_not_allowed(self, reporting: ReportingYears, chosen: TaxYear) -> None:
        with pytest.raises(RuleError) as caught:
            opt_in(reporting, chosen)

        error = caught.value
        assert error.code == "RULE_OPT_IN_NOT_ALLOWED"
        assert str(chosen) in error.message
        assert error.wire_message == error.message


def expected_opt_out(reporting: ReportingYears, chosen: TaxYear) -> tuple[TaxYear, ...]:
    """§3.5 restated: from the chosen year, later years with a voluntary status of their own
    follow until one that is not voluntary; choosing CY+1 affects CY+1 alone."""
    chain = [
        (reporting.previous_year, reporting.previous),
        (reporting.current_year, reporting.current),
        (reporting.next_year, reporting.next),
    ]
    start = [year for year, _ in chain].index(chosen)
    affected = [chosen]
    for year, status in chain[start + 1 :]:
        if status is not VOLUNTARY:
            break
        affected.append(year)
    return tuple(affected)


def check_opt_out(reporting: ReportingYears) -> None:
    held = {
        reporting.previous_year: reporting.previous,
        reporting.current_year: reporting.current,
        reporting.next_year: reporting.next,
    }
    effective = {
        reporting.previous_year: reporting.previous,
        reporting.current_year: reporting.current,
        reporting.next_year: reporting.effective_next,
    }
    offered = opt_out_years(reporting)

    assert list(offered) == sorted(set(offered))
    for year in offered:
        assert effective[year] is VOLUNTARY
    assert (reporting.previous_year in offered) is (
        reporting.previous is VOLUNTARY and not reporting.previous_crystallised
    )
    assert (reporting.current_year in offered) is (reporting.current is VOLUNTARY)
    assert (reporting.next_year in offered) is (reporting.effective_next is VOLUNTARY)

    for chosen in effective:
        if chosen not in offered:
            with pytest.raises(RuleError, match="cannot opt out") as caught:
                opt_out(reporting, chosen)
            assert caught.value.code == "RULE_OPT_OUT_NOT_ALLOWED"
            continue
        changes = opt_out(reporting, chosen)
        assert changes[0].tax_year == chosen
        assert tuple(change.tax_year for change in changes) == expected_opt_out(reporting, chosen)
        for change in changes:
            assert change.status is ANNUAL
            assert change.reason is StatusReason.OPT_OUT
            assert effective[change.tax_year] is VOLUNTARY
            assert held[change.tax_year] is not MANDATED
            # A No Status year is written only when the customer chose it (CY+1).
            assert held[change.tax_year] is VOLUNTARY or change.tax_year == chosen


def check_opt_in(reporting: ReportingYears) -> None:
    effective = {
        reporting.previous_year: reporting.previous,
        reporting.current_year: reporting.current,
        reporting.next_year: reporting.effective_next,
    }
    offered = opt_in_years(reporting)

    assert reporting.previous_year not in offered
    for year in offered:
        assert effective[year] is ANNUAL
        assert effective[year] not in NEVER_OPTED_INTO
        assert opt_in(reporting, year) == opt_in_change(year)
    assert (reporting.current_year in offered) is (reporting.current is ANNUAL)
    assert (reporting.next_year in offered) is (reporting.effective_next is ANNUAL)

    for year in effective:
        if year not in offered:
            with pytest.raises(RuleError, match="cannot sign up again") as caught:
                opt_in(reporting, year)
            assert caught.value.code == "RULE_OPT_IN_NOT_ALLOWED"


class TestEveryCombination:
    """All 7^3 status combinations × crystallised, exhaustively and with hypothesis."""

    def test_there_are_686_combinations(self) -> None:
        assert len(set(ALL_COMBINATIONS)) == 7**3 * 2

    def test_opt_out_rules_hold_for_every_combination(self) -> None:
        for reporting in ALL_COMBINATIONS:
            check_opt_out(reporting)

    def test_opt_in_rules_hold_for_every_combination(self) -> None:
        for reporting in ALL_COMBINATIONS:
            check_opt_in(reporting)

    @given(
        st.integers(min_value=2001, max_value=2097).map(TaxYear),
        st.sampled_from(list(ItsaStatus)),
        st.sampled_from(list(ItsaStatus)),
        st.sampled_from(list(ItsaStatus)),
        st.booleans(),
    )
    def test_rules_hold_in_any_current_year(
        self,
        current_year: TaxYear,
        previous: ItsaStatus,
        current: ItsaStatus,
        following: ItsaStatus,
        crystallised: bool,
    ) -> None:
        reporting = ReportingYears(current_year, previous, current, following, crystallised)

        check_opt_out(reporting)
        check_opt_in(reporting)

    @given(st.sampled_from([r for r in ALL_COMBINATIONS if r.current is VOLUNTARY]))
    def test_opting_out_then_in_offers_the_current_year_back(
        self, reporting: ReportingYears
    ) -> None:
        changed = {change.tax_year: change.status for change in opt_out(reporting, CY)}
        after = dataclasses.replace(
            reporting, current=changed[CY], next=changed.get(CY1, reporting.next)
        )

        assert CY in opt_in_years(after)
        assert CY not in opt_out_years(after)
