"""openmtd.rules.sign_up against HMRC's sign-up service (business rules §1.2, §1.4, §1.5)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from openmtd.rules.eligibility import EligibilityReasonKey, ExemptionReason, IncomeSource
from openmtd.rules.eligibility import SignUpOutcome as Outcome
from openmtd.rules.itsa_status import (
    ItsaStatus,
    StatusHistory,
    StatusReason,
    StatusRecord,
    YearHistory,
)
from openmtd.rules.opt_out import StatusChange
from openmtd.rules.sign_up import (
    AlreadySignedUp,
    StartDateProblem,
    TextProblem,
    business_name_problem,
    contextual_tax_year,
    gate_decision,
    income_sources_problem,
    latest_start_date,
    resolve_already_signed_up,
    sign_up_mandation,
    sign_up_reason,
    sign_up_statuses,
    signed_up_years,
    start_date_limit,
    start_date_problem,
    trade_problem,
)
from openmtd.rules.tax_year import TaxYear

Key = EligibilityReasonKey
CY, NY, PY = TaxYear(2026), TaxYear(2027), TaxYear(2025)
MANDATED, VOLUNTARY, ANNUAL = ItsaStatus.MANDATED, ItsaStatus.VOLUNTARY, ItsaStatus.ANNUAL
AT = datetime(2026, 5, 1, tzinfo=UTC)
RETURN = StatusReason.SIGN_UP_RETURN_AVAILABLE
NO_RETURN = StatusReason.SIGN_UP_NO_RETURN_AVAILABLE


def history(**statuses: ItsaStatus) -> StatusHistory:
    """A history from keyword years: ``y2026=MANDATED``."""
    return StatusHistory.of(
        YearHistory(
            TaxYear(int(name[1:])), (StatusRecord(AT, status, StatusReason.CESA_SA_RETURN),)
        )
        for name, status in statuses.items()
    )


# --- already signed up ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("allocated", "status", "route"),
    [
        (False, VOLUNTARY, AlreadySignedUp.CLAIM_ENROLMENT),
        (False, ANNUAL, AlreadySignedUp.CLAIM_ENROLMENT),
        (True, ANNUAL, AlreadySignedUp.OPTED_OUT),
        (True, VOLUNTARY, AlreadySignedUp.SIGNED_UP),
        (True, MANDATED, AlreadySignedUp.SIGNED_UP),
        (True, ItsaStatus.NO_STATUS, AlreadySignedUp.SIGNED_UP),
    ],
)
def test_already_signed_up_follows_hmrcs_order(
    allocated: bool, status: ItsaStatus, route: AlreadySignedUp
) -> None:
    assert resolve_already_signed_up(enrolment_allocated=allocated, current_status=status) is route


# --- mandation at sign-up ------------------------------------------------------------------
def test_mandation_is_mandated_only_for_a_mandated_year() -> None:
    held = history(y2026=MANDATED, y2027=ANNUAL)
    assert sign_up_mandation(held, CY) is MANDATED
    assert sign_up_mandation(held, NY) is VOLUNTARY
    assert sign_up_mandation(history(), CY) is VOLUNTARY


def test_a_year_with_no_record_takes_the_mandation_it_rolls_over_from() -> None:
    assert sign_up_mandation(history(y2026=MANDATED), NY) is MANDATED


# --- the gate's routing: HMRC's table (§1.2 step 7), one row each ---------------------------
BLOCK = (Key.DEBT_MANAGEMENT,)


@pytest.mark.parametrize(
    ("keys_cy", "keys_ny", "statuses", "outcome", "years"),
    [
        ((), (), {}, Outcome.CHOOSE_YEAR, (CY, NY)),
        ((), (), {"y2027": MANDATED}, Outcome.NEXT_YEAR_MANDATORY, (CY, NY)),
        ((), (), {"y2026": MANDATED}, Outcome.MANDATORY_CURRENT_YEAR, (CY,)),
        ((), BLOCK, {"y2026": MANDATED}, Outcome.MANDATORY_CURRENT_YEAR, (CY,)),
        ((), BLOCK, {}, Outcome.CURRENT_YEAR_ONLY_VOLUNTARY, (CY,)),
        (BLOCK, (), {}, Outcome.NEXT_YEAR_ONLY_VOLUNTARY, (NY,)),
        (BLOCK, (), {"y2027": MANDATED}, Outcome.NEXT_YEAR_ONLY_MANDATORY, (NY,)),
        (BLOCK, (), {"y2026": MANDATED, "y2027": ANNUAL}, Outcome.NEXT_YEAR_ONLY_VOLUNTARY, (NY,)),
        (BLOCK, BLOCK, {}, Outcome.CANNOT_SIGN_UP, ()),
    ],
)
def test_the_gate_routes_as_hmrcs_table(
    keys_cy: tuple[Key, ...],
    keys_ny: tuple[Key, ...],
    statuses: dict[str, ItsaStatus],
    outcome: Outcome,
    years: tuple[TaxYear, ...],
) -> None:
    decision = gate_decision(CY, keys_cy, keys_ny, history(**statuses))
    assert decision.outcome is outcome
    assert decision.years == years


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        (Key.DIGITALLY_EXEMPT, ExemptionReason.DIGITALLY_EXEMPT),
        (Key.MTD_EXEMPT_ENDURING, ExemptionReason.MTD_EXEMPT_ENDURING),
        (Key.MINISTER_OF_RELIGION, ExemptionReason.MTD_EXEMPT_ENDURING),
        (Key.MTD_EXEMPT_26_27, ExemptionReason.MTD_EXEMPT_26_27),
        (Key.FOSTER_CARERS, ExemptionReason.MTD_EXEMPT_26_27),
        (Key.NO_DATA_FOUND, ExemptionReason.NO_DATA),
        (Key.BANKRUPT_INSOLVENT, ExemptionReason.NO_DATA),
        (Key.DEBT_MANAGEMENT, None),
    ],
)
def test_every_ineligible_outcome_names_its_reason(key: Key, reason: ExemptionReason) -> None:
    decision = gate_decision(CY, (key,), (key,), history())
    assert decision.outcome is Outcome.CANNOT_SIGN_UP
    assert decision.exemption_reason is reason
    assert not decision.can_sign_up


def test_at_least_one_qualifying_source_is_needed_to_confirm() -> None:
    assert income_sources_problem([]) is not None
    assert income_sources_problem([IncomeSource.PARTNERSHIP]) is not None
    assert income_sources_problem([IncomeSource.UK_PROPERTY]) is None


# --- names and trades ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", TextProblem.MISSING),
        ("   ", TextProblem.MISSING),
        ("A", TextProblem.TOO_SHORT),
        ("AB", None),
        (" AB ", None),
        ("A" * 105, None),
        ("A" * 106, TextProblem.TOO_LONG),
        ("Ida's Plumbing & Heating, Ltd. 1/2 \\ -", None),
        ("Café", TextProblem.CHARACTERS),
        ("Plumbing!", TextProblem.CHARACTERS),
        ("<script>", TextProblem.CHARACTERS),
    ],
)
def test_business_names_follow_hmrcs_lengths_and_characters(
    text: str, problem: TextProblem | None
) -> None:
    assert business_name_problem(text) is problem


@pytest.mark.parametrize(
    ("text", "problem"),
    [("Plumber", None), ("P", TextProblem.TOO_SHORT), ("P" * 35, None), ("P" * 36, "too-long")],
)
def test_trades_are_2_to_35_characters(text: str, problem: str | None) -> None:
    assert trade_problem(text) == problem


# --- start dates ---------------------------------------------------------------------------
def test_the_start_date_limit_is_6_april_two_years_before_the_current_year() -> None:
    assert start_date_limit(CY) == date(2024, 4, 6)
    assert contextual_tax_year(CY) == TaxYear(2024)
    assert contextual_tax_year(CY).end_year == 2025


@pytest.mark.parametrize(
    ("day", "problem"),
    [
        (date(2024, 4, 5), StartDateProblem.BEFORE_LIMIT),
        (date(2024, 4, 6), None),
        (date(2026, 11, 26), None),
        (date(2026, 12, 2), None),
        (date(2026, 12, 3), StartDateProblem.TOO_FAR_AHEAD),
    ],
)
def test_start_dates_run_from_the_limit_to_six_days_ahead(
    day: date, problem: StartDateProblem | None
) -> None:
    today = date(2026, 11, 26)
    assert latest_start_date(today) == date(2026, 12, 2)
    assert start_date_problem(day, today) is problem


def test_the_limit_moves_with_the_tax_year() -> None:
    assert start_date_problem(date(2024, 4, 6), date(2027, 4, 6)) is StartDateProblem.BEFORE_LIMIT
    assert start_date_problem(date(2024, 4, 6), date(2027, 4, 5)) is None


# --- what sign-up writes -------------------------------------------------------------------
def test_signed_up_years_run_from_the_chosen_year_to_next_year() -> None:
    assert signed_up_years(CY, CY) == (CY, NY)
    assert signed_up_years(NY, CY) == (NY,)
    with pytest.raises(ValueError, match="sign-up is for"):
        signed_up_years(PY, CY)
    with pytest.raises(ValueError, match="sign-up is for"):
        signed_up_years(TaxYear(2028), CY)


def test_the_reason_says_whether_the_return_hmrc_reads_is_on_file() -> None:
    assert sign_up_reason(CY, {TaxYear(2024)}) is RETURN
    assert sign_up_reason(CY, {PY}) is NO_RETURN
    assert sign_up_reason(NY, {PY}) is RETURN
    assert sign_up_reason(NY, set()) is NO_RETURN


def test_sign_up_statuses_carry_each_years_mandation_and_reason() -> None:
    held = history(y2027=MANDATED)
    assert sign_up_statuses(CY, CY, held, {PY}) == (
        StatusChange(CY, VOLUNTARY, NO_RETURN),
        StatusChange(NY, MANDATED, RETURN),
    )
    assert sign_up_statuses(NY, CY, history(), ()) == (StatusChange(NY, VOLUNTARY, NO_RETURN),)
