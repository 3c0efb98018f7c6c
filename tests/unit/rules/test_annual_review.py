"""Tests for openmtd.rules.annual_review (hmrc-business-rules.md §1.7, §3.2-§3.4).

Each class follows one numbered rule of the module docstring; the timelines at the end feed
each year's decision into the next year's ``CustomerState.previous``, as HMRC's yearly review
does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmtd.rules.annual_review import (
    YEARS_BELOW_TO_LEAVE_MANDATION,
    CustomerState,
    FiledReturn,
    ReturnKind,
    ReviewDecision,
    review,
)
from openmtd.rules.itsa_status import ItsaStatus, StatusReason
from openmtd.rules.tax_year import TaxYear
from openmtd.rules.thresholds import threshold_for

EXEMPT_STATUSES = (ItsaStatus.EXEMPT, ItsaStatus.DIGITALLY_EXEMPT)
#: Every status a previous year can hold that is not exempt.
NON_EXEMPT_STATUSES = tuple(status for status in ItsaStatus if not status.is_exempt)
PENNY = Decimal("0.01")


def filed(amount: str | int, kind: ReturnKind = ReturnKind.CESA_RETURN) -> FiledReturn:
    return FiledReturn(Decimal(amount), kind)


def decide(tax_year: int, **state: object) -> ReviewDecision:
    """Review ``tax_year`` and insist there was something to decide."""
    decision = review(TaxYear(tax_year), CustomerState(**state))  # type: ignore[arg-type]
    assert decision is not None
    return decision


def returns_of(**amounts: int) -> Mapping[TaxYear, FiledReturn]:
    """Returns keyed by start year: ``returns_of(y2024=60_000)``."""
    return {TaxYear(int(key[1:])): filed(value) for key, value in amounts.items()}


class TestModel:
    def test_return_kinds_name_hmrcs_reasons(self) -> None:
        assert ReturnKind.FINAL_DECLARATION.reason is StatusReason.ITSA_FINAL_DECLARATION
        assert ReturnKind.Q4_DECLARATION.reason is StatusReason.ITSA_Q4_DECLARATION
        assert ReturnKind.CESA_RETURN.reason is StatusReason.CESA_SA_RETURN
        assert len(ReturnKind) == 3

    def test_a_filed_return_is_a_cesa_return_by_default(self) -> None:
        assert FiledReturn(Decimal(1)).kind is ReturnKind.CESA_RETURN

    def test_customer_state_defaults(self) -> None:
        state = CustomerState()

        assert state.previous is ItsaStatus.NO_STATUS
        assert state.signed_up is False
        assert state.dormant is False
        assert state.returns == {}

    def test_three_years_below_release_a_mandated_customer(self) -> None:
        assert YEARS_BELOW_TO_LEAVE_MANDATION == 3

    def test_decisions_are_immutable(self) -> None:
        decision = decide(2026, returns=returns_of(y2024=60_000))

        with pytest.raises(dataclasses.FrozenInstanceError):
            decision.status = ItsaStatus.ANNUAL  # type: ignore[misc]


class TestDormant:
    """Rule 1: dormant comes first, whatever else is known."""

    def test_dormant_with_a_return(self) -> None:
        decision = decide(2026, dormant=True, returns=returns_of(y2024=60_000))

        assert decision == ReviewDecision(
            TaxYear(2026), ItsaStatus.DORMANT, StatusReason.CEASED_INCOME_SOURCE, Decimal(60_000)
        )

    def test_dormant_without_any_history(self) -> None:
        decision = decide(2027, dormant=True)

        assert decision == ReviewDecision(
            TaxYear(2027), ItsaStatus.DORMANT, StatusReason.CEASED_INCOME_SOURCE, None
        )

    @pytest.mark.parametrize("previous", list(ItsaStatus))
    def test_dormant_beats_every_previous_status(self, previous: ItsaStatus) -> None:
        decision = decide(
            2028, dormant=True, signed_up=True, previous=previous, returns=returns_of(y2026=99_999)
        )

        assert decision.status is ItsaStatus.DORMANT
        assert decision.reason is StatusReason.CEASED_INCOME_SOURCE


class TestExemptPersists:
    """Rule 2: MTD Exempt and Digitally Exempt roll over, even with a big return."""

    @pytest.mark.parametrize("previous", EXEMPT_STATUSES)
    def test_persists_with_a_return_over_the_threshold(self, previous: ItsaStatus) -> None:
        decision = decide(2026, previous=previous, returns=returns_of(y2024=1_000_000))

        assert decision == ReviewDecision(
            TaxYear(2026), previous, StatusReason.ROLLOVER, Decimal(1_000_000)
        )

    @pytest.mark.parametrize("previous", EXEMPT_STATUSES)
    def test_persists_without_a_return(self, previous: ItsaStatus) -> None:
        decision = decide(2027, previous=previous, signed_up=True)

        assert decision == ReviewDecision(TaxYear(2027), previous, StatusReason.ROLLOVER, None)

    @pytest.mark.parametrize("previous", EXEMPT_STATUSES)
    def test_dormant_still_comes_first(self, previous: ItsaStatus) -> None:
        assert decide(2027, previous=previous, dormant=True).status is ItsaStatus.DORMANT


class TestNoReturn:
    """Rule 3: with no N-2 return the previous status rolls over."""

    @pytest.mark.parametrize(
        "previous",
        [ItsaStatus.MANDATED, ItsaStatus.VOLUNTARY, ItsaStatus.ANNUAL, ItsaStatus.DORMANT],
    )
    def test_previous_status_rolls_over(self, previous: ItsaStatus) -> None:
        decision = decide(2027, previous=previous)

        assert decision == ReviewDecision(TaxYear(2027), previous, StatusReason.ROLLOVER, None)

    def test_a_return_for_another_year_is_not_the_basis(self) -> None:
        # 2027-28 is decided by the 2025-26 return; a 2026-27 return over £30,000 is not it.
        decision = decide(
            2027, previous=ItsaStatus.ANNUAL, returns=returns_of(y2026=90_000, y2024=90_000)
        )

        assert decision.status is ItsaStatus.ANNUAL
        assert decision.reason is StatusReason.ROLLOVER
        assert decision.business_income_2_years_prior is None

    @pytest.mark.parametrize("signed_up", [False, True])
    def test_nothing_to_decide_when_nothing_is_known(self, signed_up: bool) -> None:
        assert review(TaxYear(2026), CustomerState(signed_up=signed_up)) is None

    def test_nothing_to_decide_even_with_returns_for_other_years(self) -> None:
        state = CustomerState(returns=returns_of(y2023=60_000, y2025=60_000))

        assert review(TaxYear(2026), state) is None


class TestBefore2026:
    """Rule 4: before 2026-27 nobody is mandated."""

    @pytest.mark.parametrize("tax_year", [2023, 2024, 2025])
    def test_signed_up_customers_are_voluntary(self, tax_year: int) -> None:
        decision = decide(
            tax_year,
            signed_up=True,
            returns={TaxYear(tax_year - 2): filed(500_000, ReturnKind.FINAL_DECLARATION)},
        )

        assert decision == ReviewDecision(
            TaxYear(tax_year),
            ItsaStatus.VOLUNTARY,
            StatusReason.ITSA_FINAL_DECLARATION,
            Decimal(500_000),
        )

    @pytest.mark.parametrize("tax_year", [2023, 2024, 2025])
    def test_other_customers_are_annual(self, tax_year: int) -> None:
        decision = decide(tax_year, returns={TaxYear(tax_year - 2): filed(500_000)})

        assert decision.status is ItsaStatus.ANNUAL
        assert decision.reason is StatusReason.CESA_SA_RETURN

    def test_a_voluntary_customer_stays_voluntary(self) -> None:
        returns = returns_of(y2023=500_000)

        decision = decide(2025, previous=ItsaStatus.VOLUNTARY, returns=returns)

        assert decision.status is ItsaStatus.VOLUNTARY

    @pytest.mark.parametrize("previous", [ItsaStatus.NO_STATUS, ItsaStatus.ANNUAL])
    def test_signing_up_decides_for_customers_out_of_mtd(self, previous: ItsaStatus) -> None:
        returns = returns_of(y2023=500_000)

        assert decide(2025, previous=previous, returns=returns).status is ItsaStatus.ANNUAL
        assert (
            decide(2025, previous=previous, signed_up=True, returns=returns).status
            is ItsaStatus.VOLUNTARY
        )


class TestOverThreshold:
    """Rule 5: qualifying income strictly over N's threshold mandates N."""

    @pytest.mark.parametrize(
        ("tax_year", "threshold"), [(2026, 50_000), (2027, 30_000), (2028, 20_000), (2035, 20_000)]
    )
    def test_boundary_at_each_threshold(self, tax_year: int, threshold: int) -> None:
        def status_for(amount: Decimal) -> ItsaStatus:
            basis = {TaxYear(tax_year - 2): FiledReturn(amount)}
            return decide(tax_year, returns=basis).status

        assert status_for(Decimal(threshold) - PENNY) is ItsaStatus.ANNUAL
        assert status_for(Decimal(threshold)) is ItsaStatus.ANNUAL
        assert status_for(Decimal(threshold) + PENNY) is ItsaStatus.MANDATED

    @pytest.mark.parametrize(
        ("tax_year", "threshold"), [(2026, 50_000), (2027, 30_000), (2028, 20_000)]
    )
    def test_signed_up_boundary_at_each_threshold(self, tax_year: int, threshold: int) -> None:
        def status_for(amount: Decimal) -> ItsaStatus:
            basis = {TaxYear(tax_year - 2): FiledReturn(amount)}
            return decide(tax_year, signed_up=True, returns=basis).status

        assert status_for(Decimal(threshold)) is ItsaStatus.VOLUNTARY
        assert status_for(Decimal(threshold) + PENNY) is ItsaStatus.MANDATED

    def test_the_2024_25_return_sets_2026_27(self) -> None:
        decision = decide(2026, returns=returns_of(y2024=60_000))

        assert decision == ReviewDecision(
            TaxYear(2026), ItsaStatus.MANDATED, StatusReason.CESA_SA_RETURN, Decimal(60_000)
        )

    @pytest.mark.parametrize("kind", list(ReturnKind))
    def test_reason_names_the_return(self, kind: ReturnKind) -> None:
        over = decide(2027, returns={TaxYear(2025): filed(40_000, kind)})
        under = decide(2027, returns={TaxYear(2025): filed(10_000, kind)})

        assert over.reason is kind.reason
        assert under.reason is kind.reason

    @pytest.mark.parametrize("previous", [ItsaStatus.ANNUAL, ItsaStatus.VOLUNTARY])
    def test_mandates_customers_who_opted_out_or_volunteered(self, previous: ItsaStatus) -> None:
        decision = decide(2028, previous=previous, returns=returns_of(y2026=20_001))

        assert decision.status is ItsaStatus.MANDATED


class TestAtOrBelowThreshold:
    """Rule 6: at or below the threshold."""

    @pytest.mark.parametrize("previous", [ItsaStatus.NO_STATUS, ItsaStatus.VOLUNTARY])
    def test_signed_up_customers_are_voluntary(self, previous: ItsaStatus) -> None:
        decision = decide(2027, previous=previous, signed_up=True, returns=returns_of(y2025=30_000))

        assert decision == ReviewDecision(
            TaxYear(2027), ItsaStatus.VOLUNTARY, StatusReason.CESA_SA_RETURN, Decimal(30_000)
        )

    @pytest.mark.parametrize(
        "previous", [ItsaStatus.NO_STATUS, ItsaStatus.ANNUAL, ItsaStatus.DORMANT]
    )
    def test_others_are_annual(self, previous: ItsaStatus) -> None:
        decision = decide(2027, previous=previous, returns=returns_of(y2025=30_000))

        assert decision.status is ItsaStatus.ANNUAL

    def test_a_voluntary_customer_at_or_below_stays_voluntary_until_opting_out(self) -> None:
        decision = decide(2027, previous=ItsaStatus.VOLUNTARY, returns=returns_of(y2025=30_000))

        assert decision.status is ItsaStatus.VOLUNTARY

    @pytest.mark.parametrize("signed_up", [False, True])
    def test_mandated_customer_stays_mandated_after_one_year_below(self, signed_up: bool) -> None:
        decision = decide(
            2027,
            previous=ItsaStatus.MANDATED,
            signed_up=signed_up,
            returns=returns_of(y2024=60_000, y2025=1_000),
        )

        assert decision == ReviewDecision(
            TaxYear(2027), ItsaStatus.MANDATED, StatusReason.CESA_SA_RETURN, Decimal(1_000)
        )

    @pytest.mark.parametrize("signed_up", [False, True])
    def test_released_customers_become_voluntary(self, signed_up: bool) -> None:
        # Income for 2027-28, 2028-29 and 2029-30 is at or below £20,000 each year.
        decision = decide(
            2030,
            previous=ItsaStatus.MANDATED,
            signed_up=signed_up,
            returns=returns_of(y2027=20_000, y2028=20_000, y2029=20_000),
        )

        assert decision == ReviewDecision(
            TaxYear(2030), ItsaStatus.VOLUNTARY, StatusReason.CESA_SA_RETURN, Decimal(20_000)
        )

    def test_release_reads_below_as_at_or_below_each_years_own_threshold(self) -> None:
        # 2025-26's income decides 2027-28, so it is measured against £30,000, not £20,000.
        returns = returns_of(y2025=30_000, y2026=20_000, y2027=20_000)

        assert decide(2028, previous=ItsaStatus.MANDATED, returns=returns).status is (
            ItsaStatus.VOLUNTARY
        )

    @pytest.mark.parametrize(
        "window",
        [
            {"y2027": 20_000, "y2028": 20_000, "y2029": 20_001},  # over in N-1
            {"y2027": 20_000, "y2028": 20_001, "y2029": 20_000},  # over in N-2 (itself mandates)
            {"y2027": 20_001, "y2028": 20_000, "y2029": 20_000},  # over in N-3
        ],
    )
    def test_one_year_over_in_the_window_keeps_mandation(self, window: dict[str, int]) -> None:
        decision = decide(2030, previous=ItsaStatus.MANDATED, returns=returns_of(**window))

        assert decision.status is ItsaStatus.MANDATED

    @pytest.mark.parametrize("missing", ["y2027", "y2029"])
    def test_a_missing_return_in_the_window_keeps_mandation(self, missing: str) -> None:
        window = {"y2027": 10_000, "y2028": 10_000, "y2029": 10_000}
        del window[missing]

        decision = decide(2030, previous=ItsaStatus.MANDATED, returns=returns_of(**window))

        assert decision.status is ItsaStatus.MANDATED
        assert decision.reason is StatusReason.CESA_SA_RETURN

    def test_a_window_reaching_before_2026_27_keeps_mandation(self) -> None:
        # 2026-27's window includes 2023-24, whose income decided 2025-26, a year with no
        # threshold: never a release.
        returns = returns_of(y2023=0, y2024=0, y2025=0)

        assert decide(2026, previous=ItsaStatus.MANDATED, returns=returns).status is (
            ItsaStatus.MANDATED
        )

    def test_pre_2026_27_mandated_previous_is_not_released(self) -> None:
        # Nobody is mandated before 2026-27, but a Mandated previous status is kept, not dropped.
        returns = returns_of(y2021=0, y2022=0, y2023=0)

        assert decide(2025, previous=ItsaStatus.MANDATED, returns=returns).status is (
            ItsaStatus.MANDATED
        )


def run_reviews(
    first_mandated: int,
    last: int,
    returns: Mapping[TaxYear, FiledReturn],
    *,
    signed_up: bool,
) -> dict[int, ReviewDecision]:
    """Review each year after ``first_mandated`` in turn, carrying each status forward."""
    decisions: dict[int, ReviewDecision] = {}
    previous = ItsaStatus.MANDATED
    for year in range(first_mandated + 1, last + 1):
        decision = review(
            TaxYear(year), CustomerState(previous=previous, signed_up=signed_up, returns=returns)
        )
        assert decision is not None
        decisions[year] = decision
        previous = decision.status
    return decisions


@pytest.mark.parametrize("signed_up", [False, True])
class TestThreeYearExitTimelines:
    """The exit rule (§1.7) over realistic timelines, year by year."""

    def test_three_years_at_or_below_release_from_the_year_after_the_third(
        self, signed_up: bool
    ) -> None:
        returns = returns_of(y2024=60_000, y2025=25_000, y2026=15_000, y2027=15_000)
        first = review(TaxYear(2026), CustomerState(signed_up=signed_up, returns=returns))
        assert first is not None
        assert first.status is ItsaStatus.MANDATED

        decisions = run_reviews(2026, 2029, returns, signed_up=signed_up)

        # 2027-28: £25,000 (2025-26) is under £30,000, but 2024-25's £60,000 is in the window.
        assert decisions[2027] == ReviewDecision(
            TaxYear(2027), ItsaStatus.MANDATED, StatusReason.CESA_SA_RETURN, Decimal(25_000)
        )
        # 2028-29: income for 2025-26, 2026-27 and 2027-28 all at or below: released.
        assert decisions[2028] == ReviewDecision(
            TaxYear(2028), ItsaStatus.VOLUNTARY, StatusReason.CESA_SA_RETURN, Decimal(15_000)
        )
        # 2029-30: still in MTD by choice until they opt out.
        assert decisions[2029] == ReviewDecision(
            TaxYear(2029), ItsaStatus.VOLUNTARY, StatusReason.CESA_SA_RETURN, Decimal(15_000)
        )

    def test_a_year_over_in_the_middle_resets_the_count(self, signed_up: bool) -> None:
        returns = returns_of(
            y2024=60_000, y2025=25_000, y2026=25_000, y2027=15_000, y2028=15_000, y2029=15_000
        )

        decisions = run_reviews(2026, 2031, returns, signed_up=signed_up)

        assert {year: d.status for year, d in decisions.items()} == {
            2027: ItsaStatus.MANDATED,  # £25,000 ≤ £30,000, but 2026-27's income is over
            2028: ItsaStatus.MANDATED,  # 2026-27's £25,000 > £20,000: over again
            2029: ItsaStatus.MANDATED,  # 2026-27 is still in the window
            2030: ItsaStatus.VOLUNTARY,  # 2027-28, 2028-29, 2029-30 all at or below
            2031: ItsaStatus.VOLUNTARY,
        }

    def test_a_missing_return_in_the_window_stays_mandated(self, signed_up: bool) -> None:
        returns = returns_of(y2024=60_000, y2025=25_000, y2027=15_000, y2028=15_000, y2029=15_000)

        decisions = run_reviews(2026, 2031, returns, signed_up=signed_up)

        assert {year: (d.status, d.reason) for year, d in decisions.items()} == {
            2027: (ItsaStatus.MANDATED, StatusReason.CESA_SA_RETURN),
            # No 2026-27 return: Mandated rolls over.
            2028: (ItsaStatus.MANDATED, StatusReason.ROLLOVER),
            2029: (ItsaStatus.MANDATED, StatusReason.CESA_SA_RETURN),
            # Only once the missing year has left the window.
            2030: (ItsaStatus.VOLUNTARY, StatusReason.CESA_SA_RETURN),
            2031: (ItsaStatus.VOLUNTARY, StatusReason.CESA_SA_RETURN),
        }


class TestProperties:
    statuses = st.sampled_from(list(ItsaStatus))
    amounts = st.decimals(min_value=0, max_value=10_000_000, places=2)
    #: From 2002-03: earlier years have no N-2 tax year that TaxYear can hold.
    years = st.integers(min_value=2002, max_value=2098)
    other_returns = st.dictionaries(
        st.integers(min_value=2000, max_value=2098).map(TaxYear),
        st.builds(FiledReturn, amounts, st.sampled_from(list(ReturnKind))),
        max_size=6,
    )

    @given(
        # 2097 at most: releasing a customer looks at the threshold of N+1.
        st.integers(min_value=2026, max_value=2097),
        st.sampled_from(NON_EXEMPT_STATUSES),
        st.booleans(),
        st.sampled_from(list(ReturnKind)),
        other_returns,
        st.decimals(min_value=PENNY, max_value=10_000_000, places=2),
    )
    def test_income_over_the_threshold_is_always_mandated(
        self,
        year: int,
        previous: ItsaStatus,
        signed_up: bool,
        kind: ReturnKind,
        others: dict[TaxYear, FiledReturn],
        excess: Decimal,
    ) -> None:
        tax_year = TaxYear(year)
        threshold = threshold_for(tax_year)
        assert threshold is not None
        returns = {**others, tax_year.shift(-2): FiledReturn(threshold + excess, kind)}

        decision = review(tax_year, CustomerState(previous, signed_up, False, returns))

        assert decision == ReviewDecision(
            tax_year, ItsaStatus.MANDATED, kind.reason, threshold + excess
        )

    @given(
        st.integers(min_value=2002, max_value=2025),
        statuses,
        st.booleans(),
        st.booleans(),
        other_returns,
    )
    def test_never_mandated_before_2026_27_unless_previously_mandated(
        self,
        year: int,
        previous: ItsaStatus,
        signed_up: bool,
        dormant: bool,
        returns: dict[TaxYear, FiledReturn],
    ) -> None:
        decision = review(TaxYear(year), CustomerState(previous, signed_up, dormant, returns))

        if previous is not ItsaStatus.MANDATED:
            assert decision is None or decision.status is not ItsaStatus.MANDATED

    @given(years, statuses, st.booleans(), st.booleans(), other_returns)
    def test_decision_is_for_the_year_and_carries_the_basis_income(
        self,
        year: int,
        previous: ItsaStatus,
        signed_up: bool,
        dormant: bool,
        returns: dict[TaxYear, FiledReturn],
    ) -> None:
        tax_year = TaxYear(year)
        basis = returns.get(tax_year.shift(-2))

        decision = review(tax_year, CustomerState(previous, signed_up, dormant, returns))

        if decision is None:
            assert not dormant
            assert basis is None
            assert previous is ItsaStatus.NO_STATUS
        else:
            assert decision.tax_year == tax_year
            assert decision.status is not ItsaStatus.NO_STATUS
            expected = basis.qualifying_income if basis else None
            assert decision.business_income_2_years_prior == expected
