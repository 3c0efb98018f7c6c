"""Tests for openmtd.rules.itsa_status against HMRC's tables (hmrc-wire-facts.md §1.5)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmtd.rules.errors import RuleError
from openmtd.rules.itsa_status import (
    LEGACY_NON_DIGITAL,
    MAX_BUSINESS_INCOME,
    QUARTERLY_POINTS_EASEMENT_YEARS,
    ItsaStatus,
    Obligation,
    ObligationKind,
    StatusHistory,
    StatusReason,
    StatusRecord,
    YearHistory,
    inherit_no_status,
    obligations_for,
)
from openmtd.rules.tax_year import TaxYear

# HMRC's tables, copied from hmrc-wire-facts.md §1.5 (value, downstream code).
STATUS_TABLE = [
    ("No Status", "00"),
    ("MTD Mandated", "01"),
    ("MTD Voluntary", "02"),
    ("Annual", "03"),
    ("Digitally Exempt", "04"),
    ("Dormant", "05"),
    ("MTD Exempt", "99"),
]
REASON_TABLE = [
    ("Sign up - return available", "00"),
    ("Sign up - no return available", "01"),
    ("ITSA final declaration", "02"),
    ("ITSA Q4 declaration", "03"),
    ("CESA SA return", "04"),
    ("Complex", "05"),
    ("Ceased income source", "06"),
    ("Reinstated income source", "07"),
    ("Rollover", "08"),
    ("Income Source Latency Changes", "09"),
    ("MTD ITSA Opt-Out", "10"),
    ("MTD ITSA Opt-In", "11"),
    ("Digitally Exempt", "12"),
    ("Capacitor", "13"),
    ("Residence and remittance", "14"),
    ("Ministers of religion", "15"),
    ("Lloyds underwriters", "16"),
    ("Blind persons allowance", "17"),
    ("Married couples allowance", "18"),
    ("Return not considered", "19"),
]

NOON = datetime(2026, 5, 23, 12, 29, 27, 566000, tzinfo=UTC)

M = ItsaStatus.MANDATED
V = ItsaStatus.VOLUNTARY
A = ItsaStatus.ANNUAL
NS = ItsaStatus.NO_STATUS


def record(
    status: ItsaStatus = M,
    *,
    submitted_on: datetime = NOON,
    reason: StatusReason = StatusReason.SIGN_UP_RETURN_AVAILABLE,
    income: Decimal | None = None,
) -> StatusRecord:
    return StatusRecord(submitted_on, status, reason, income)


def year(start_year: int, *statuses: ItsaStatus) -> YearHistory:
    """A year's history whose records were submitted a day apart, in the order given."""
    return YearHistory(
        TaxYear(start_year),
        tuple(
            record(status, submitted_on=NOON + timedelta(days=index))
            for index, status in enumerate(statuses)
        ),
    )


class TestItsaStatus:
    def test_members_are_exactly_hmrcs_table(self) -> None:
        assert [(status.value, status.downstream_code) for status in ItsaStatus] == STATUS_TABLE

    @pytest.mark.parametrize(("value", "code"), STATUS_TABLE)
    def test_round_trips_through_code_and_api_string(self, value: str, code: str) -> None:
        status = ItsaStatus.parse(value)

        assert status.value == value
        assert str(status) == value
        assert status.downstream_code == code
        assert ItsaStatus.from_downstream(code) is status
        assert ItsaStatus.parse(str(ItsaStatus.from_downstream(code))) is status

    def test_non_digital_is_read_as_digitally_exempt(self) -> None:
        assert LEGACY_NON_DIGITAL == "Non Digital"
        assert ItsaStatus.parse("Non Digital") is ItsaStatus.DIGITALLY_EXEMPT
        assert ItsaStatus.from_downstream("04") is ItsaStatus.DIGITALLY_EXEMPT
        # Digitally Exempt is written back in today's spelling, never the legacy one.
        assert ItsaStatus.DIGITALLY_EXEMPT.value == "Digitally Exempt"

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "no status",
            "MTD mandated",
            "Mandated",
            "Digitally exempt",
            "Non digital",
            " Annual",
            "Annual ",
            "Exempt",
            "01",
        ],
    )
    def test_unknown_strings_raise_format_status(self, text: str) -> None:
        with pytest.raises(RuleError) as caught:
            ItsaStatus.parse(text)

        assert caught.value.code == "FORMAT_STATUS"
        assert repr(text) in caught.value.message

    @pytest.mark.parametrize(
        "code", ["", "0", "1", "4", "06", "98", "100", "001", "AA", "No Status"]
    )
    def test_unknown_codes_raise_format_status(self, code: str) -> None:
        with pytest.raises(RuleError) as caught:
            ItsaStatus.from_downstream(code)

        assert caught.value.code == "FORMAT_STATUS"
        assert repr(code) in caught.value.message

    @pytest.mark.parametrize(
        ("status", "exempt", "in_mtd"),
        [
            (ItsaStatus.NO_STATUS, False, False),
            (ItsaStatus.MANDATED, False, True),
            (ItsaStatus.VOLUNTARY, False, True),
            (ItsaStatus.ANNUAL, False, False),
            (ItsaStatus.DIGITALLY_EXEMPT, True, False),
            (ItsaStatus.DORMANT, False, False),
            (ItsaStatus.EXEMPT, True, False),
        ],
    )
    def test_exempt_and_in_mtd(self, status: ItsaStatus, exempt: bool, in_mtd: bool) -> None:
        assert status.is_exempt is exempt
        assert status.is_in_mtd is in_mtd


class TestStatusReason:
    def test_members_are_exactly_hmrcs_table_in_code_order(self) -> None:
        assert [(reason.value, reason.downstream_code) for reason in StatusReason] == REASON_TABLE

    @pytest.mark.parametrize(("value", "code"), REASON_TABLE)
    def test_round_trips_through_code_and_api_string(self, value: str, code: str) -> None:
        reason = StatusReason.parse(value)

        assert reason.value == value
        assert str(reason) == value
        assert reason.downstream_code == code
        assert StatusReason.from_downstream(code) is reason

    @pytest.mark.parametrize(
        "code",
        [
            "",
            "1",
            "20",
            "99",
            "000",
            "-1",
            "+1",
            " 1",
            "1 ",
            "ab",
            # Non-ASCII digits pass str.isdigit() but are not downstream codes.
            "0²",
            "١٢",
            "٠٠",
        ],
    )
    def test_unknown_codes_raise_format_status_reason(self, code: str) -> None:
        with pytest.raises(RuleError) as caught:
            StatusReason.from_downstream(code)

        assert caught.value.code == "FORMAT_STATUS_REASON"
        assert repr(code) in caught.value.message

    @pytest.mark.parametrize(
        "text", ["", "rollover", "Residence and remittance (SA109)", "Opt-Out", "08", "Complex "]
    )
    def test_unknown_strings_raise_format_status_reason(self, text: str) -> None:
        with pytest.raises(RuleError) as caught:
            StatusReason.parse(text)

        assert caught.value.code == "FORMAT_STATUS_REASON"
        assert repr(text) in caught.value.message


@pytest.mark.parametrize(
    ("refuse", "wire_message"),
    [
        (lambda: ItsaStatus.parse("Mandated"), "The provided status is invalid"),
        (lambda: StatusReason.parse("rollover"), "The provided status reason is invalid"),
        (
            lambda: record(income=Decimal("-0.01")),
            "The provided business Income 2 Years Prior is invalid",
        ),
    ],
    ids=["FORMAT_STATUS", "FORMAT_STATUS_REASON", "FORMAT_BUSINESS_INCOME_2_YEARS_PRIOR"],
)
def test_errors_carry_hmrcs_wire_messages(refuse: Callable[[], object], wire_message: str) -> None:
    # HMRC's texts for these codes:
    # hmrc-oas/self-assessment-test-support-1.0/1.0/common/errors.yaml.
    with pytest.raises(RuleError) as caught:
        refuse()

    assert caught.value.wire_message == wire_message


class TestStatusRecord:
    @pytest.mark.parametrize(
        "income",
        [None, Decimal(0), Decimal("0.00"), Decimal("0.01"), Decimal("23600.99"), Decimal("1.000")],
    )
    def test_accepts_business_income_in_range(self, income: Decimal | None) -> None:
        assert record(income=income).business_income_2_years_prior == income

    def test_accepts_the_maximum(self) -> None:
        assert Decimal("99999999999.99") == MAX_BUSINESS_INCOME
        assert record(income=Decimal("99999999999.99")).business_income_2_years_prior == (
            MAX_BUSINESS_INCOME
        )

    @pytest.mark.parametrize(
        "income",
        [
            Decimal("-0.01"),
            Decimal(-1),
            Decimal("100000000000.00"),
            Decimal("99999999999.991"),
            Decimal("1.001"),
            Decimal("0.005"),
            Decimal("Infinity"),
            Decimal("-Infinity"),
            Decimal("NaN"),
        ],
    )
    def test_refuses_business_income_out_of_range_or_too_precise(self, income: Decimal) -> None:
        with pytest.raises(RuleError) as caught:
            record(income=income)

        assert caught.value.code == "FORMAT_BUSINESS_INCOME_2_YEARS_PRIOR"
        assert "99999999999.99" in caught.value.message
        assert "two decimal places" in caught.value.message

    @given(st.decimals(min_value=0, max_value=MAX_BUSINESS_INCOME, places=2))
    def test_any_amount_in_pence_within_the_schema_is_accepted(self, income: Decimal) -> None:
        assert record(income=income).business_income_2_years_prior == income

    @given(st.integers(min_value=0, max_value=9999999999999), st.integers(1, 9))
    def test_a_fraction_of_a_penny_is_refused(self, pence: int, thousandth: int) -> None:
        income = Decimal(pence).scaleb(-2) + Decimal(thousandth).scaleb(-3)

        with pytest.raises(RuleError, match="two decimal places"):
            record(income=income)

    def test_refuses_a_naive_submitted_on(self) -> None:
        with pytest.raises(ValueError, match="timezone-aware") as caught:
            StatusRecord(datetime(2026, 5, 23, 12, 0), M, StatusReason.ROLLOVER)

        assert not isinstance(caught.value, RuleError)

    def test_holds_its_fields_and_is_immutable(self) -> None:
        held = record(V, reason=StatusReason.OPT_IN, income=Decimal("4500.23"))

        assert (held.submitted_on, held.status, held.reason) == (NOON, V, StatusReason.OPT_IN)
        assert held.business_income_2_years_prior == Decimal("4500.23")
        with pytest.raises(dataclasses.FrozenInstanceError):
            held.status = A  # type: ignore[misc]


class TestYearHistory:
    def test_orders_records_oldest_first_and_picks_the_latest(self) -> None:
        first = record(A, submitted_on=datetime(2026, 1, 1, tzinfo=UTC))
        second = record(V, submitted_on=datetime(2026, 6, 1, tzinfo=UTC))
        third = record(M, submitted_on=datetime(2026, 9, 1, tzinfo=UTC))

        history = YearHistory(TaxYear(2026), (second, third, first))

        assert history.records == (first, second, third)
        assert history.latest is third
        assert history.status is M

    def test_orders_by_instant_not_by_wall_clock(self) -> None:
        # 12:30 in UTC+2 is 10:30 UTC: earlier than 11:00 UTC.
        early = record(
            A, submitted_on=datetime(2026, 6, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))
        )
        late = record(V, submitted_on=datetime(2026, 6, 1, 11, 0, tzinfo=UTC))

        assert YearHistory(TaxYear(2026), (late, early)).latest is late

    def test_a_single_record_is_the_latest(self) -> None:
        only = record(ItsaStatus.DORMANT)

        history = YearHistory(TaxYear(2026), (only,))

        assert history.records == (only,)
        assert history.status is ItsaStatus.DORMANT

    def test_refuses_an_empty_history(self) -> None:
        with pytest.raises(ValueError, match="at least one record"):
            YearHistory(TaxYear(2026), ())

    @given(st.permutations([A, V, M, ItsaStatus.DORMANT, NS]))
    def test_latest_is_the_last_submitted_whatever_the_input_order(
        self, statuses: list[ItsaStatus]
    ) -> None:
        records = tuple(
            record(status, submitted_on=NOON + timedelta(hours=index))
            for index, status in enumerate([A, V, M, ItsaStatus.DORMANT, NS])
        )
        by_status = {held.status: held for held in records}

        history = YearHistory(TaxYear(2026), tuple(by_status[status] for status in statuses))

        assert history.records == records
        assert history.status is NS


class TestStatusHistory:
    def test_status_for_returns_the_latest_held_or_none(self) -> None:
        history = StatusHistory.of([year(2025, A, V), year(2026, M)])

        assert history.status_for(TaxYear(2025)) is V
        assert history.status_for(TaxYear(2026)) is M
        assert history.status_for(TaxYear(2027)) is None
        assert history.status_for(TaxYear(2024)) is None

    def test_of_keys_histories_by_tax_year(self) -> None:
        first, second = year(2025, A), year(2026, V)

        history = StatusHistory.of([first, second])

        assert history.years == {TaxYear(2025): first, TaxYear(2026): second}

    def test_an_explicit_status_governs_its_year(self) -> None:
        history = StatusHistory.of([year(2025, V), year(2026, A)])

        assert history.effective_status(TaxYear(2026)) is A
        assert history.effective_status(TaxYear(2025)) is V

    def test_no_status_inherits_the_year_before(self) -> None:
        history = StatusHistory.of([year(2026, V), year(2027, NS)])

        assert history.status_for(TaxYear(2027)) is NS
        assert history.effective_status(TaxYear(2027)) is V

    def test_a_missing_year_inherits_the_year_before(self) -> None:
        history = StatusHistory.of([year(2026, A)])

        assert history.effective_status(TaxYear(2027)) is A

    def test_inheritance_crosses_gaps_and_no_status_years(self) -> None:
        history = StatusHistory.of([year(2024, M), year(2026, NS)])

        assert history.effective_status(TaxYear(2025)) is M
        assert history.effective_status(TaxYear(2026)) is M
        assert history.effective_status(TaxYear(2027)) is M
        assert history.effective_status(TaxYear(2030)) is M

    def test_the_nearest_earlier_status_wins(self) -> None:
        history = StatusHistory.of([year(2024, M), year(2025, V), year(2026, NS)])

        assert history.effective_status(TaxYear(2026)) is V

    def test_a_later_no_status_record_overrides_an_earlier_record_of_the_same_year(self) -> None:
        history = StatusHistory.of([year(2025, A), year(2026, V, NS)])

        assert history.effective_status(TaxYear(2026)) is A

    @pytest.mark.parametrize(
        "histories",
        [
            [],
            [year(2026, NS)],
            [year(2027, M)],
            [year(2025, NS), year(2026, NS)],
        ],
        ids=["empty", "only-no-status", "only-later-years", "no-status-all-the-way"],
    )
    def test_nothing_before_is_no_status(self, histories: list[YearHistory]) -> None:
        assert StatusHistory.of(histories).effective_status(TaxYear(2026)) is NS

    def test_a_later_status_never_reaches_back(self) -> None:
        history = StatusHistory.of([year(2025, NS), year(2027, M)])

        assert history.effective_status(TaxYear(2025)) is NS
        assert history.effective_status(TaxYear(2026)) is NS
        assert history.effective_status(TaxYear(2027)) is M


@pytest.mark.parametrize("current", list(ItsaStatus))
@pytest.mark.parametrize("following", list(ItsaStatus))
def test_inherit_no_status(current: ItsaStatus, following: ItsaStatus) -> None:
    expected = current if following is NS else following

    assert inherit_no_status(current, following) is expected


QUARTERLY = ObligationKind.QUARTERLY_UPDATES
FINAL = ObligationKind.FINAL_DECLARATION
RETURN = ObligationKind.TAX_RETURN


class TestObligations:
    def test_easement_covers_2026_27_only(self) -> None:
        assert frozenset({TaxYear(2026)}) == QUARTERLY_POINTS_EASEMENT_YEARS

    @pytest.mark.parametrize(
        ("status", "start_year", "expected"),
        [
            # 2026-27 easement: late quarterly updates bring no points; the final declaration does.
            (M, 2026, ((QUARTERLY, False), (FINAL, True))),
            (M, 2025, ((QUARTERLY, True), (FINAL, True))),
            (M, 2027, ((QUARTERLY, True), (FINAL, True))),
            (M, 2028, ((QUARTERLY, True), (FINAL, True))),
            (V, 2026, ((QUARTERLY, False), (FINAL, True))),
            (V, 2027, ((QUARTERLY, False), (FINAL, True))),
            (A, 2026, ((RETURN, True),)),
            (ItsaStatus.EXEMPT, 2027, ((RETURN, True),)),
            (ItsaStatus.DIGITALLY_EXEMPT, 2026, ((RETURN, True),)),
            (ItsaStatus.DORMANT, 2026, ()),
            (NS, 2026, ()),
        ],
    )
    def test_obligations_per_status(
        self,
        status: ItsaStatus,
        start_year: int,
        expected: tuple[tuple[ObligationKind, bool], ...],
    ) -> None:
        assert obligations_for(status, TaxYear(start_year)) == tuple(
            Obligation(kind, penalty_bearing=penalty) for kind, penalty in expected
        )

    @given(st.sampled_from(list(ItsaStatus)), st.integers(2000, 2098))
    def test_obligations_follow_the_status_every_year(
        self, status: ItsaStatus, start_year: int
    ) -> None:
        obligations = obligations_for(status, TaxYear(start_year))
        kinds = [obligation.kind for obligation in obligations]

        if status.is_in_mtd:
            assert kinds == [QUARTERLY, FINAL]
            # The final declaration always carries points; quarterly updates only when mandated
            # outside the easement year.
            assert obligations[1].penalty_bearing
            assert obligations[0].penalty_bearing is (status is M and start_year != 2026)
        elif status in (A, ItsaStatus.EXEMPT, ItsaStatus.DIGITALLY_EXEMPT):
            assert obligations == (Obligation(RETURN, penalty_bearing=True),)
        else:
            assert obligations == ()

    def test_obligations_are_immutable_values(self) -> None:
        obligation = Obligation(FINAL, penalty_bearing=True)

        assert obligation == Obligation(FINAL, penalty_bearing=True)
        assert hash(obligation) == hash(Obligation(FINAL, penalty_bearing=True))
        assert [kind.value for kind in ObligationKind] == [
            "quarterly updates",
            "final declaration",
            "Self Assessment tax return",
        ]
        with pytest.raises(dataclasses.FrozenInstanceError):
            obligation.penalty_bearing = False  # type: ignore[misc]
