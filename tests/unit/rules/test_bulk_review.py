"""Tests for openmtd.rules.bulk_review: BulkReview decides exactly what review() decides, for
any state, and decides each shape once. Also the two helpers it leans on,
itsa_status.status_in_force and thresholds.threshold_amounts."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openmtd.rules.annual_review import (
    CustomerState,
    FiledReturn,
    ReturnKind,
    ReviewDecision,
    review,
)
from openmtd.rules.bulk_review import BulkReview, income_years
from openmtd.rules.itsa_status import (
    ItsaStatus,
    StatusHistory,
    StatusReason,
    StatusRecord,
    YearHistory,
    status_in_force,
)
from openmtd.rules.tax_year import TaxYear
from openmtd.rules.thresholds import threshold_amounts, threshold_for

#: Incomes on, a penny either side of, and far from every threshold, and any amount at all.
AMOUNTS = st.one_of(
    st.sampled_from(
        [
            amount + offset
            for amount in threshold_amounts()
            for offset in (Decimal(0), Decimal("0.01"), Decimal("-0.01"), Decimal(-5000))
        ]
        + [Decimal(0), Decimal("99999999999.99")]
    ),
    st.decimals(min_value=0, max_value=200_000, places=2),
)
YEARS = st.integers(min_value=2022, max_value=2031).map(TaxYear)


@st.composite
def states(draw: st.DrawFn, tax_year: TaxYear) -> CustomerState:
    kind = draw(st.sampled_from(ReturnKind))
    returns = {
        year: FiledReturn(draw(AMOUNTS), kind)
        for year in (*income_years(tax_year), tax_year.shift(-4), tax_year)
        if draw(st.booleans())
    }
    return CustomerState(
        previous=draw(st.sampled_from(ItsaStatus)),
        signed_up=draw(st.booleans()),
        dormant=draw(st.integers(0, 9)) == 0,
        returns=returns,
    )


def _bulk_decide(bulk: BulkReview, state: CustomerState) -> ReviewDecision | None:
    kinds = {filed.kind for filed in state.returns.values()}
    held = [state.returns.get(year) for year in bulk.income_years]
    return bulk.decide(
        state.previous,
        state.signed_up,
        [filed.qualifying_income if filed else None for filed in held],
        dormant=state.dormant,
        kind=kinds.pop() if kinds else ReturnKind.CESA_RETURN,
    )


@settings(max_examples=600)
@given(data=st.data(), tax_year=YEARS)
def test_bulk_review_decides_what_review_decides(data: st.DataObject, tax_year: TaxYear) -> None:
    bulk = BulkReview(tax_year)
    # Several customers through one BulkReview: a shape decided once is reused correctly.
    for _ in range(5):
        state = data.draw(states(tax_year))
        assert _bulk_decide(bulk, state) == review(tax_year, state)


def test_the_income_years_are_the_window_latest_first() -> None:
    assert income_years(TaxYear(2028)) == (TaxYear(2027), TaxYear(2026), TaxYear(2025))
    assert BulkReview(TaxYear(2028)).income_years == income_years(TaxYear(2028))


def test_each_shape_is_decided_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[TaxYear] = []

    def counted(tax_year: TaxYear, state: CustomerState) -> ReviewDecision | None:
        calls.append(tax_year)
        return review(tax_year, state)

    monkeypatch.setattr("openmtd.rules.bulk_review.review", counted)
    bulk = BulkReview(TaxYear(2027))
    first = bulk.decide(ItsaStatus.ANNUAL, False, (None, Decimal("30000.01"), None))
    second = bulk.decide(ItsaStatus.ANNUAL, False, (None, Decimal("45000"), None))

    assert len(calls) == 1
    assert first == ReviewDecision(
        TaxYear(2027), ItsaStatus.MANDATED, StatusReason.CESA_SA_RETURN, Decimal("30000.01")
    )
    assert second is not None
    assert second.business_income_2_years_prior == Decimal(45000)


def test_nothing_to_decide_is_none() -> None:
    assert BulkReview(TaxYear(2027)).decide(ItsaStatus.NO_STATUS, True, (None, None, None)) is None


def test_a_rollover_without_a_return_carries_no_income() -> None:
    decision = BulkReview(TaxYear(2027)).decide(
        ItsaStatus.VOLUNTARY, True, (Decimal(1), None, Decimal(2))
    )

    assert decision == ReviewDecision(
        TaxYear(2027), ItsaStatus.VOLUNTARY, StatusReason.ROLLOVER, None
    )


def test_threshold_amounts_are_every_years_ascending() -> None:
    amounts = threshold_amounts()

    assert amounts == tuple(sorted(amounts))
    for start in range(2020, 2040):
        assert threshold_for(TaxYear(start)) in (None, *amounts)


STATUSES = st.sampled_from(ItsaStatus)


def _effective(statuses: dict[TaxYear, ItsaStatus], tax_year: TaxYear) -> ItsaStatus:
    """StatusHistory.effective_status as it was first written (recursively), for reference."""
    status = statuses.get(tax_year)
    if status not in (None, ItsaStatus.NO_STATUS):
        return status  # type: ignore[return-value]
    if not any(year < tax_year for year in statuses):
        return ItsaStatus.NO_STATUS
    return _effective(statuses, tax_year.previous)


@given(statuses=st.dictionaries(YEARS, STATUSES, max_size=6), tax_year=YEARS)
def test_status_in_force_reads_as_effective_status(
    statuses: dict[TaxYear, ItsaStatus], tax_year: TaxYear
) -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    history = StatusHistory.of(
        YearHistory(year, (StatusRecord(at, status, StatusReason.ROLLOVER),))
        for year, status in statuses.items()
    )

    assert status_in_force(statuses, tax_year) is _effective(statuses, tax_year)
    assert history.effective_status(tax_year) is _effective(statuses, tax_year)
