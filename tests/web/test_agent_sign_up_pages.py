"""An agent signs a client up (business rules §1.6): client matching with its lockout, the
authorisation check, the individual's journey pages for the rest, the confirmation and the
relationship made at once; and the agent acting on a client's reporting obligations."""

from __future__ import annotations

import html
from typing import Any

import pytest
from starlette.testclient import TestClient

from openmtd.emulator.storage import StoredStatus
from openmtd.rules.agents import InvitationStatus
from support.agents import (
    CLIENT_NINO,
    agency,
    answer,
    client_link,
    person,
    post_form,
    request_authorisation,
    sent_invitation_id,
    sign_in,
)
from support.emulator import EmulatorHarness
from support.sign_up import submit

START = "/agent-services-account/sign-up-client"
BEGIN = START + "/begin"
CONFIRMATION = START + "/confirmation"
DETAILS = {
    "first_name": "sam",
    "last_name": "PATEL",
    "nino": "aa 12 34 56 a",
    "dob_day": "29",
    "dob_month": "2",
    "dob_year": "1980",
}


def _text(response: Any) -> str:
    return html.unescape(response.text)


def _match(client: TestClient, **changes: str) -> Any:
    return post_form(client, START, START, {**DETAILS, **changes})


def _legacy_agency(emulator: EmulatorHarness) -> str:
    """The client has a legacy SA agent whose reference the signed-in agency linked."""
    emulator.client.post(
        f"/emulator/people/{CLIENT_NINO}/legacy-sa-agents", json={"saAgentReference": "SA0001"}
    )
    _, arn = agency(emulator, emulator.client, legacy_reference="SA0001")
    copy = "/agent-services-account/copy-self-assessment-authorisations"
    assert post_form(emulator.client, copy, copy, {"source": "own"}).status_code == 200
    return arn


def _finish(client: TestClient) -> Any:
    """The individual's pages, as the agent: the current year, a UK property, confirm."""
    page = client.get("/signup/tax-year")
    assert page.status_code == 200, page.text
    if 'name="tax_year"' in page.text:
        submit(client, "/signup/tax-year", {"tax_year": "current"})
    else:
        submit(client, "/signup/tax-year")
    submit(client, "/signup/property/uk", {"start_choice": "before"})
    # The agent confirmed paperless for the client at the start: straight to the summary.
    assert client.get("/signup/income-sources").status_code == 200
    return submit(client, "/signup/check-your-answers")


def test_an_agent_with_a_legacy_link_signs_a_client_up(emulator: EmulatorHarness) -> None:
    client_account = person(emulator)
    arn = _legacy_agency(emulator)
    assert "Sign up a client" in emulator.client.get("/agent-services-account").text
    assert emulator.client.get(START).status_code == 200
    matched = _match(emulator.client)
    assert matched.headers["location"] == BEGIN
    assert emulator.client.get(BEGIN).headers["location"] == "/signup/tax-year"
    done = _finish(emulator.client)
    assert done.headers["location"] == CONFIRMATION
    confirmation = emulator.client.get(CONFIRMATION)
    assert confirmation.status_code == 200
    assert (
        "Your client is signed up for Making Tax Digital for Income Tax from 6 April 2026 to "
        "5 April 2027 onwards" in _text(confirmation)
    )
    with emulator.services.store.transaction() as tx:
        subscription = tx.subscriptions.for_nino(CLIENT_NINO)
        (relationship,) = tx.relationships.active(client_nino=CLIENT_NINO)
        client = tx.accounts.get(client_account.id)
    assert subscription is not None
    assert subscription.arn == arn
    assert subscription.mtditid in confirmation.text
    assert (relationship.arn, relationship.agent_type) == (arn, "main")
    assert relationship.sa_agent_reference == "SA0001"
    # HMRC-MTD-IT went to the client's own group (the one holding their IR-SA).
    assert client is not None
    enrolment = client.enrolment("HMRC-MTD-IT")
    assert enrolment is not None
    assert enrolment.identifier_value == subscription.mtditid
    # Signed up now: the same agent is told so.
    _match(emulator.client)
    already = emulator.client.get(BEGIN)
    assert "Your client is already signed up" in already.text


def test_an_agent_with_a_partial_authorisation_signs_a_client_up(
    emulator: EmulatorHarness,
) -> None:
    client_account = person(emulator)
    _, arn = agency(emulator, emulator.client)
    invitation_id = sent_invitation_id(
        request_authorisation(emulator.client, agent_type="supporting")
    )
    browser = emulator.new_client()
    sign_in(browser, client_account)
    browser.get(client_link(emulator.client))
    answer(browser, invitation_id, "accept")
    _match(emulator.client)
    assert emulator.client.get(BEGIN).headers["location"] == "/signup/tax-year"
    assert _finish(emulator.client).headers["location"] == CONFIRMATION
    with emulator.services.store.transaction() as tx:
        (relationship,) = tx.relationships.active(client_nino=CLIENT_NINO)
        stored = tx.invitations.get(invitation_id)
    assert (relationship.arn, relationship.agent_type) == (arn, "supporting")
    assert stored is not None
    assert stored.invitation.status is InvitationStatus.ACCEPTED


def test_an_agent_the_client_has_not_authorised_is_told_to_ask(emulator: EmulatorHarness) -> None:
    person(emulator)
    agency(emulator, emulator.client)
    _match(emulator.client)
    response = emulator.client.get(BEGIN)
    assert response.status_code == 403
    assert "You are not authorised by your client" in response.text
    assert 'href="/agent-services-account/authorisation-request"' in response.text
    # The journey's pages send the agent back to this page, not to the individual's gate.
    assert emulator.client.get("/signup/tax-year").headers["location"] == "/signup/begin"


def test_a_signed_up_client_of_another_agent_is_not_authorised(emulator: EmulatorHarness) -> None:
    person(emulator, signed_up=True)
    agency(emulator, emulator.client)
    _match(emulator.client)
    assert "You are not authorised by your client" in emulator.client.get(BEGIN).text


def test_a_client_without_self_assessment_cannot_be_signed_up(emulator: EmulatorHarness) -> None:
    person(emulator, sa=False)
    _legacy_agency(emulator)
    _match(emulator.client)
    response = emulator.client.get(BEGIN)
    assert "Your client needs to register for Self Assessment" in response.text


def test_an_ineligible_client_is_told_why(emulator: EmulatorHarness) -> None:
    person(emulator)
    _legacy_agency(emulator)
    emulator.client.put(
        f"/emulator/people/{CLIENT_NINO}/eligibility",
        json={"currentYear": ["Digitally Exempt"], "nextYear": ["Digitally Exempt"]},
    )
    _match(emulator.client)
    response = emulator.client.get(BEGIN)
    assert "Your client cannot sign up for Making Tax Digital for Income Tax" in _text(response)


def test_a_change_mid_journey_sends_the_agent_back_to_its_start(emulator: EmulatorHarness) -> None:
    person(emulator)
    _legacy_agency(emulator)
    _match(emulator.client)
    emulator.client.get(BEGIN)
    submit(emulator.client, "/signup/tax-year", {"tax_year": "current"})
    submit(emulator.client, "/signup/property/uk", {"start_choice": "before"})
    emulator.client.put(
        f"/emulator/people/{CLIENT_NINO}/eligibility",
        json={"currentYear": ["Digitally Exempt"], "nextYear": ["Digitally Exempt"]},
    )
    refused = submit(emulator.client, "/signup/check-your-answers")
    assert refused.headers["location"] == BEGIN
    with emulator.services.store.transaction() as tx:
        assert tx.subscriptions.for_nino(CLIENT_NINO) is None


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"first_name": " "}, "first_name", "Enter your client's first name"),
        ({"last_name": ""}, "last_name", "Enter your client's last name"),
        ({"nino": "nope"}, "nino", "National Insurance number"),
        ({"dob_day": "x"}, "date_of_birth", "Enter your client's date of birth"),
        ({"dob_month": "13"}, "date_of_birth", "must be a real date"),
        ({"dob_day": "1", "dob_year": "2099"}, "date_of_birth", "must be in the past"),
        ({"first_name": "a\x00"}, "first_name", "control characters"),
    ],
)
def test_the_details_are_checked_before_matching(
    emulator: EmulatorHarness, changes: dict[str, str], field: str, words: str
) -> None:
    person(emulator)
    agency(emulator, emulator.client)
    response = _match(emulator.client, **changes)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.text
    assert words in _text(response)


def test_three_failed_matches_lock_the_agency_out_for_a_minute(
    emulator: EmulatorHarness,
) -> None:
    person(emulator)
    agent_account, _ = agency(emulator, emulator.client)
    for attempt in range(2):
        response = _match(emulator.client, last_name="Smith")
        assert response.status_code == 400, attempt
        assert "We could not find your client with these details" in response.text
    locked = _match(emulator.client, dob_day="28")
    assert locked.status_code == 429
    assert "You have been locked out" in locked.text
    assert "10:01am on 26 November 2026" in locked.text
    # Locked: even the right details wait.
    emulator.advance(59)
    assert _match(emulator.client).status_code == 429
    emulator.advance(2)
    assert _match(emulator.client).headers["location"] == BEGIN
    # The count started again after the lockout, and a match clears it.
    _match(emulator.client, last_name="Smith")
    _match(emulator.client)
    assert _match(emulator.client, last_name="Smith").status_code == 400
    assert agent_account.user_id


def test_the_lockout_is_per_agency(emulator: EmulatorHarness) -> None:
    person(emulator)
    agency(emulator, emulator.client)
    for _ in range(3):
        _match(emulator.client, last_name="Smith")
    other = emulator.new_client()
    agency(emulator, other, name="Other", utr="1000057162", email="o@x.test")
    assert _match(other).headers["location"] == BEGIN


def test_someone_unknown_or_without_a_date_of_birth_does_not_match(
    emulator: EmulatorHarness,
) -> None:
    person(emulator, date_of_birth=None)
    agency(emulator, emulator.client)
    assert _match(emulator.client).status_code == 400
    assert _match(emulator.client, nino="AB123456C").status_code == 400


def test_the_pages_need_an_agent_a_match_and_csrf(emulator: EmulatorHarness) -> None:
    assert emulator.client.get(START).headers["location"] == "/gg/sign-in"
    agency(emulator, emulator.client)
    assert emulator.client.get(BEGIN).headers["location"] == START
    assert emulator.client.get(CONFIRMATION).headers["location"] == START
    refused = emulator.client.post(START, data={**DETAILS, "csrf_token": "x"})
    assert refused.status_code == 403


# --- the client's reporting obligations ------------------------------------------------------


def _authorised_agency(emulator: EmulatorHarness, agent_type: str) -> TestClient:
    client_account = person(emulator, signed_up=True)
    agency(emulator, emulator.client)
    invitation_id = sent_invitation_id(
        request_authorisation(emulator.client, agent_type=agent_type)
    )
    browser = emulator.new_client()
    sign_in(browser, client_account)
    browser.get(client_link(emulator.client))
    answer(browser, invitation_id, "accept")
    return emulator.client


def test_a_main_agent_opts_a_client_out(emulator: EmulatorHarness) -> None:
    client = _authorised_agency(emulator, "main")
    with emulator.services.store.transaction() as tx:
        tx.itsa_statuses.add(
            StoredStatus(
                CLIENT_NINO,
                "2026-27",
                emulator.now(),
                "MTD Voluntary",
                "Sign up - no return available",
            )
        )
    clients = client.get("/agent-services-account/clients")
    link = f"/agent-services-account/clients/{CLIENT_NINO}/reporting-obligations"
    assert link in clients.text
    chosen = client.get(link)
    assert chosen.headers["location"] == "/agent-services-account/client-reporting-obligations"
    overview = client.get(chosen.headers["location"])
    assert overview.status_code == 200
    assert "Your client&#39;s reporting obligations" in overview.text
    prefix = "/agent-services-account/client-reporting-obligations"
    response = submit(client, f"{prefix}/opt-out", {"tax_year": "2026-27"})
    assert response.headers["location"] == f"{prefix}/opt-out/check"
    done = submit(client, f"{prefix}/opt-out/check")
    assert done.status_code == 200
    with emulator.services.store.transaction() as tx:
        latest = tx.itsa_statuses.for_nino(CLIENT_NINO)[-1]
    assert (latest.status, latest.status_reason) == ("Annual", "MTD ITSA Opt-Out")


def test_a_supporting_agent_cannot_manage_reporting_obligations(emulator: EmulatorHarness) -> None:
    client = _authorised_agency(emulator, "supporting")
    link = f"/agent-services-account/clients/{CLIENT_NINO}/reporting-obligations"
    assert link not in client.get("/agent-services-account/clients").text
    assert client.get(link).status_code == 403
    assert client.get("/agent-services-account/client-reporting-obligations").status_code == 403
    assert (
        client.get(f"/agent-services-account/clients/{'A' * 40}/reporting-obligations").status_code
        == 403
    )
