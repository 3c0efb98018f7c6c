"""Guidance: what software tells a customer or agent, never the raw status."""

from __future__ import annotations

import itertools
import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmtd.rules.guidance import (
    AGENT_SERVICES_ACCOUNT,
    HMRC_ONLINE_SERVICES,
    Audience,
    Guidance,
    Situation,
    guidance,
)
from openmtd.rules.itsa_status import ItsaStatus, StatusReason
from openmtd.rules.tax_year import TaxYear

M, V, A = ItsaStatus.MANDATED, ItsaStatus.VOLUNTARY, ItsaStatus.ANNUAL
X, D, Z, N = (
    ItsaStatus.EXEMPT,
    ItsaStatus.DIGITALLY_EXEMPT,
    ItsaStatus.DORMANT,
    ItsaStatus.NO_STATUS,
)

TODAY = date(2026, 11, 26)  # in 2026-27
STATUSES: list[ItsaStatus | None] = [None, *ItsaStatus]
# Raw values software must never show: every status and reason string HMRC sends, plus the
# legacy spelling. Checked case-insensitively, so "annual" may not appear at all.
BANNED = sorted(
    {status.value.lower() for status in ItsaStatus}
    | {reason.value.lower() for reason in StatusReason if reason is not StatusReason.COMPLEX}
    | {"non digital"}
)
DATES = [
    date(2026, 4, 5),
    date(2026, 4, 6),
    date(2026, 8, 7),
    date(2026, 8, 8),
    TODAY,
    date(2027, 1, 31),
    date(2027, 2, 1),
    date(2028, 2, 29),
]


def _texts_lower(result: Guidance) -> list[str]:
    return [text.lower() for text in result.texts()]


def _all_combinations() -> itertools.product[tuple[object, ...]]:
    return itertools.product(
        STATUSES, STATUSES, STATUSES, [False, True], [False, True], list(Audience), DATES
    )


@pytest.mark.slow
def test_every_combination_is_defined_safe_and_has_a_next_step() -> None:
    """The generated table: 8^3 statuses x crystallised x signed up x audience x dates."""
    count = 0
    for (
        previous,
        current,
        following,
        crystallised,
        signed_up,
        audience,
        today,
    ) in _all_combinations():
        result = guidance(
            today=today,
            previous=previous,
            current=current,
            next_year=following,
            previous_crystallised=crystallised,
            signed_up=signed_up,
            audience=audience,
        )
        for text in _texts_lower(result):
            for banned in BANNED:
                assert banned not in text, (banned, text)
        assert result.next_step.strip()
        assert result.headline.strip()
        this_year = TaxYear.containing(today)
        years = {this_year.previous: previous, this_year: current, this_year.next: following}
        if following in (None, N):
            years[this_year.next] = current
        for year in result.can_opt_out:
            assert years[year] is not M, (year, years)
            assert years[year] is V
        for deadline in result.deadlines:
            assert deadline.due >= today
        assert list(result.deadlines) == sorted(result.deadlines, key=lambda d: (d.due, d.what))
        json.dumps(result.to_dict())
        count += 1
    assert count == 8**3 * 2 * 2 * 2 * len(DATES)


@given(
    previous=st.sampled_from(STATUSES),
    current=st.sampled_from(STATUSES),
    following=st.sampled_from(STATUSES),
    crystallised=st.booleans(),
    signed_up=st.booleans(),
    audience=st.sampled_from(list(Audience)),
    today=st.dates(min_value=date(2024, 4, 6), max_value=date(2040, 4, 5)),
)
def test_property_any_date(
    previous: ItsaStatus | None,
    current: ItsaStatus | None,
    following: ItsaStatus | None,
    crystallised: bool,
    signed_up: bool,
    audience: Audience,
    today: date,
) -> None:
    result = guidance(
        today=today,
        previous=previous,
        current=current,
        next_year=following,
        previous_crystallised=crystallised,
        signed_up=signed_up,
        audience=audience,
    )
    assert result.next_step
    assert all(banned not in text for text in _texts_lower(result) for banned in BANNED)
    if current is M:
        assert TaxYear.containing(today) not in result.can_opt_out
    if not signed_up:
        assert result.can_opt_out == ()
    assert result.penalties_apply == any(d.penalty_points for d in result.deadlines)
    expected_where = AGENT_SERVICES_ACCOUNT if audience is Audience.AGENT else HMRC_ONLINE_SERVICES
    assert result.where_to_act == expected_where


def test_mandated_customer_in_the_easement_year() -> None:
    result = guidance(today=TODAY, previous=A, current=M, next_year=M)
    assert result.situation is Situation.MUST_USE_MTD
    assert result.headline == (
        "You must use Making Tax Digital for Income Tax for 6 April 2026 to 5 April 2027."
    )
    assert result.can_opt_out == ()
    assert result.can_sign_up == ()
    quarterly_2026 = [d for d in result.deadlines if d.tax_year == TaxYear(2026)]
    assert [d.due for d in quarterly_2026] == [
        date(2027, 2, 7),
        date(2027, 5, 7),
        date(2028, 1, 31),
    ]
    # The first-year easement: no points for late quarterly updates in 2026-27 ...
    assert [d.penalty_points for d in quarterly_2026] == [False, False, True]
    # ... but from 2027-28 they bring points.
    assert all(d.penalty_points for d in result.deadlines if d.tax_year == TaxYear(2027))
    assert result.penalty_warning is not None
    assert "do not bring penalty points" in result.penalty_warning
    assert "£200" in result.penalty_warning
    # The previous year's return is still due by 31 January 2027.
    assert result.next_step == (
        "Next deadline: Self Assessment tax return and payment for 6 April 2025 to "
        "5 April 2026, due by 31 January 2027."
    )


def test_mandated_after_the_easement_year_warns_plainly() -> None:
    result = guidance(today=date(2027, 6, 1), previous=M, current=M, next_year=M)
    assert result.penalty_warning is not None
    assert result.penalty_warning.startswith("Each late submission can bring a penalty point")
    assert result.deadlines[0].due == date(2027, 8, 7)
    assert result.deadlines[0].penalty_points


def test_voluntary_customer_can_opt_out_in_hmrc_online_services() -> None:
    result = guidance(today=TODAY, previous=A, current=V, next_year=N)
    assert result.situation is Situation.USING_MTD_BY_CHOICE
    assert result.can_opt_out == (TaxYear(2026), TaxYear(2027))
    assert any("stop using" in line and HMRC_ONLINE_SERVICES in line for line in result.what_to_do)
    assert result.penalty_warning is not None
    assert "while using MTD by choice" in result.penalty_warning
    assert [d.penalty_points for d in result.deadlines if d.tax_year == TaxYear(2026)] == [
        False,
        False,
        True,
    ]


def test_voluntary_now_mandated_next_year_cannot_opt_out_of_next_year() -> None:
    result = guidance(today=TODAY, previous=V, current=V, next_year=M)
    assert TaxYear(2027) not in result.can_opt_out
    assert result.can_opt_out == (TaxYear(2025), TaxYear(2026))
    assert any("From 6 April 2027 you must use" in line for line in result.what_to_do)


def test_crystallised_previous_year_is_not_offered_and_its_deadline_is_gone() -> None:
    result = guidance(today=TODAY, previous=V, current=V, next_year=V, previous_crystallised=True)
    assert result.can_opt_out == (TaxYear(2026), TaxYear(2027))
    assert all(d.tax_year != TaxYear(2025) for d in result.deadlines)


def test_annual_customer_can_sign_up_voluntarily() -> None:
    result = guidance(today=TODAY, previous=A, current=A, next_year=N)
    assert result.situation is Situation.TAX_RETURN_ONLY
    assert result.can_sign_up == (TaxYear(2026), TaxYear(2027))
    assert result.can_opt_out == ()
    assert result.headline.startswith("You do not need to use Making Tax Digital")


def test_annual_now_mandated_next_year_and_not_signed_up_must_sign_up() -> None:
    result = guidance(today=TODAY, previous=A, current=A, next_year=M, signed_up=False)
    assert result.situation is Situation.MUST_SIGN_UP
    assert result.next_step == (
        f"Sign up for Making Tax Digital for Income Tax in {HMRC_ONLINE_SERVICES}."
    )
    assert result.can_sign_up == (TaxYear(2026), TaxYear(2027))
    assert any("Get software" in line for line in result.what_to_do)


def test_mandated_but_not_signed_up_is_forced_to_the_current_year() -> None:
    result = guidance(today=TODAY, previous=A, current=M, next_year=M, signed_up=False)
    assert result.situation is Situation.MUST_SIGN_UP
    assert result.can_sign_up == (TaxYear(2026),)


def test_agent_wording() -> None:
    result = guidance(
        today=TODAY, previous=A, current=M, next_year=M, signed_up=False, audience=Audience.AGENT
    )
    assert result.headline == "Your client must sign up for Making Tax Digital for Income Tax."
    assert result.next_step.startswith("Sign your client up")
    assert AGENT_SERVICES_ACCOUNT in result.next_step
    assert result.where_to_act == AGENT_SERVICES_ACCOUNT
    voluntary = guidance(today=TODAY, previous=A, current=V, next_year=V, audience=Audience.AGENT)
    assert voluntary.headline.startswith("Your client is using")
    assert any("for your client in your agent services account" in t for t in voluntary.what_to_do)
    assert "your client reaches" in (voluntary.penalty_warning or "")


@pytest.mark.parametrize("status", [X, D])
def test_exempt_customers_send_a_tax_return(status: ItsaStatus) -> None:
    result = guidance(today=TODAY, previous=status, current=status, next_year=status)
    assert result.situation is Situation.EXEMPT
    assert result.can_opt_out == ()
    assert result.can_sign_up == ()
    assert "exempt from Making Tax Digital" in result.headline
    assert [d.what.split(" for ")[0] for d in result.deadlines] == [
        "Self Assessment tax return and payment",
        "Self Assessment tax return and payment",
        "Self Assessment tax return and payment",
    ]


def test_exempt_customer_not_signed_up_is_offered_nothing() -> None:
    result = guidance(today=TODAY, previous=A, current=X, next_year=X, signed_up=False)
    assert result.can_sign_up == ()
    exempt_next = guidance(today=TODAY, previous=A, current=A, next_year=D, signed_up=False)
    assert exempt_next.can_sign_up == (TaxYear(2026),)


def test_nothing_to_send_for_a_customer_with_no_obligations() -> None:
    result = guidance(today=TODAY, previous=Z, current=Z, next_year=Z)
    assert result.situation is Situation.NOTHING_TO_SEND
    assert result.deadlines == ()
    assert result.penalty_warning is None
    assert result.next_step == "Nothing is due now. Check again after 6 April 2027."
    agent = guidance(today=TODAY, previous=Z, current=Z, next_year=Z, audience=Audience.AGENT)
    assert "your client starts" in agent.what_to_do[0]


def test_not_yet_decided() -> None:
    result = guidance(today=TODAY, previous=None, current=None, next_year=None, signed_up=True)
    assert result.situation is Situation.NOT_YET_DECIDED
    assert result.deadlines == ()
    assert result.penalty_warning is None
    assert result.next_step.startswith("Nothing is due now. Check again after HMRC's next review")
    not_signed = guidance(today=TODAY, previous=None, current=None, next_year=None, signed_up=False)
    assert not_signed.can_sign_up == (TaxYear(2026), TaxYear(2027))
    assert not_signed.next_step == (
        "You can sign up for Making Tax Digital for Income Tax from 6 April 2026 or 6 April 2027."
    )


def test_not_yet_decided_but_mandated_next_year_must_sign_up() -> None:
    result = guidance(today=TODAY, previous=None, current=N, next_year=M, signed_up=False)
    assert result.situation is Situation.MUST_SIGN_UP


def test_other_years_deadlines_still_warned_when_current_year_has_none() -> None:
    result = guidance(today=TODAY, previous=A, current=Z, next_year=Z)
    assert result.penalty_warning is not None
    assert result.penalty_warning.startswith("Deadlines for other tax years still apply")
    assert result.deadlines[0].due == date(2027, 1, 31)


def test_leaving_mandation_next_year_is_explained() -> None:
    result = guidance(today=TODAY, previous=M, current=M, next_year=V)
    assert any("From 6 April 2027 you do not have to use" in t for t in result.what_to_do)
    assert result.can_opt_out == (TaxYear(2027),)


def test_year_summaries_and_json() -> None:
    result = guidance(today=TODAY, previous=A, current=V, next_year=N)
    assert [year.tax_year for year in result.years] == [
        TaxYear(2025),
        TaxYear(2026),
        TaxYear(2027),
    ]
    assert [year.uses_mtd for year in result.years] == [False, True, True]
    data = result.to_dict()
    assert data["situation"] == "using-mtd-by-choice"
    assert data["canOptOut"] == ["2026-27", "2027-28"]
    assert data["deadlines"][0] == {
        "due": "2027-01-31",
        "taxYear": "2025-26",
        "what": "Self Assessment tax return and payment for 6 April 2025 to 5 April 2026",
        "penaltyPoints": True,
    }
    assert data["years"][1]["summary"].endswith("by choice.")
    assert json.loads(json.dumps(data)) == data


def test_deadline_on_the_day_itself_is_still_shown() -> None:
    result = guidance(today=date(2026, 8, 7), previous=A, current=M, next_year=M)
    assert result.deadlines[0].due == date(2026, 8, 7)
    after = guidance(today=date(2026, 8, 8), previous=A, current=M, next_year=M)
    assert after.deadlines[0].due == date(2026, 11, 7)
