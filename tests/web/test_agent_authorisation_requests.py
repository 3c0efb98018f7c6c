"""Authorisation requests in the agent services account: sending one (each refusal as a
page), the list with every state as of the emulator's clock (21-day expiry), cancelling, the
agency's clients and "remove authorisation"."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest

from openmtd.rules.agents import EndedBy, InvitationStatus
from openmtd.rules.identifiers import InvitationId
from support.agents import (
    CLIENT_NINO,
    OTHER_AGENCY_UTR,
    OTHER_NINO,
    agency,
    answer,
    client_link,
    person,
    post_form,
    request_authorisation,
    sent_invitation_id,
    sign_in,
)
from support.emulator import EmulatorHarness, csrf_token

NEW = "/agent-services-account/authorisation-request"
REQUESTS = "/agent-services-account/authorisation-requests"
CLIENTS = "/agent-services-account/clients"


def _text(response: object) -> str:
    return html.unescape(response.text)  # type: ignore[attr-defined]


def test_an_agent_requests_authorisation_and_gets_the_link(emulator: EmulatorHarness) -> None:
    person(emulator)
    _, arn = agency(emulator, emulator.client)
    page = emulator.client.get(NEW)
    assert page.status_code == 200
    response = request_authorisation(emulator.client, nino="aa 12 34 56 a", postcode="sw1a2aa")
    assert response.status_code == 303
    invitation_id = sent_invitation_id(response)
    # HMRC's id: prefix A for a main agent, 13 characters, its checksum right (§2.4).
    assert InvitationId.is_valid(invitation_id)
    assert invitation_id.startswith("A")
    sent = emulator.client.get(response.headers["location"])
    assert sent.status_code == 200
    assert "Sam Patel" in sent.text
    assert "main agent" in sent.text
    assert "17 December 2026" in sent.text  # 26 November 2026 + 21 days
    assert client_link(emulator.client) in sent.text
    with emulator.services.store.transaction() as tx:
        stored = tx.invitations.get(invitation_id)
    assert stored is not None
    assert stored.invitation.arn == arn
    assert stored.invitation.client_id == CLIENT_NINO
    assert stored.invitation.status is InvitationStatus.PENDING


def test_a_supporting_request_has_the_supporting_prefix(emulator: EmulatorHarness) -> None:
    person(emulator)
    agency(emulator, emulator.client)
    response = request_authorisation(emulator.client, agent_type="supporting")
    assert sent_invitation_id(response).startswith("L")


def test_a_nino_without_its_suffix_finds_the_client(emulator: EmulatorHarness) -> None:
    person(emulator)
    agency(emulator, emulator.client)
    assert request_authorisation(emulator.client, nino="AA123456").status_code == 303


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"client_nino": "not a nino"}, "client_nino", "National Insurance number"),
        ({"postcode": "nope"}, "postcode", "postcode"),
        ({"agent_type": "other"}, "agent_type", "not an agent type"),
        ({"agent_type": ""}, "agent_type", "Choose main agent or supporting agent"),
        ({"client_nino": "\x00"}, "client_nino", "control characters"),
    ],
)
def test_form_faults_are_shown_against_their_field(
    emulator: EmulatorHarness, fields: dict[str, str], field: str, words: str
) -> None:
    person(emulator)
    agency(emulator, emulator.client)
    data = {"client_nino": CLIENT_NINO, "postcode": "SW1A 2AA", "agent_type": "main", **fields}
    response = post_form(emulator.client, NEW, NEW, data)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.text
    assert words in _text(response)


@pytest.mark.parametrize(
    ("setup", "heading", "status"),
    [
        ("nobody", "We could not find your client", 403),
        ("no-sa", "We could not find your client", 403),
        ("other-postcode", "The postcode does not match", 403),
    ],
)
def test_client_faults_are_pages(
    emulator: EmulatorHarness, setup: str, heading: str, status: int
) -> None:
    if setup == "no-sa":
        person(emulator, sa=False)
    if setup == "other-postcode":
        person(emulator, postcode="LS1 4AP")
    agency(emulator, emulator.client)
    response = request_authorisation(emulator.client)
    assert response.status_code == status
    assert heading in _text(response)


def test_a_duplicate_request_and_an_authorised_agent_are_refused(
    emulator: EmulatorHarness,
) -> None:
    client_account = person(emulator, signed_up=True)
    agency(emulator, emulator.client)
    invitation_id = sent_invitation_id(request_authorisation(emulator.client))
    duplicate = request_authorisation(emulator.client)
    assert duplicate.status_code == 409
    assert "You have already sent this request" in _text(duplicate)
    # Another role is another request.
    assert request_authorisation(emulator.client, agent_type="supporting").status_code == 303
    browser = emulator.new_client()
    sign_in(browser, client_account)
    browser.get(client_link(emulator.client))
    assert answer(browser, invitation_id, "accept").status_code == 200
    already = request_authorisation(emulator.client)
    assert already.status_code == 409
    assert "This client has already authorised you" in _text(already)


def test_the_list_shows_every_request_and_its_state(emulator: EmulatorHarness) -> None:
    person(emulator)
    person(emulator, OTHER_NINO, number=2, first_name="Ida", last_name="Newton")
    agency(emulator, emulator.client)
    first = sent_invitation_id(request_authorisation(emulator.client))
    emulator.advance(60)
    second = sent_invitation_id(request_authorisation(emulator.client, nino=OTHER_NINO))
    page = emulator.client.get(REQUESTS)
    assert page.status_code == 200
    text = _text(page)
    assert text.index(second) < text.index(first)  # newest first
    assert 'data-status="Pending"' in page.text
    assert "Ida Newton" in text
    assert "Cancel request" in text


def test_requests_expire_21_days_after_they_were_sent(emulator: EmulatorHarness) -> None:
    client_account = person(emulator)
    agent_account, _ = agency(emulator, emulator.client)
    invitation_id = sent_invitation_id(request_authorisation(emulator.client))
    # 17 December 2026 is the expiry date: the day before, it still waits.
    emulator.advance(timedelta(days=20, hours=13).total_seconds())
    sign_in(emulator.client, agent_account)  # the session ended while the clock moved
    assert (
        f'id="request-{invitation_id}" data-status="Pending"' in emulator.client.get(REQUESTS).text
    )
    emulator.advance(timedelta(hours=1).total_seconds())
    sign_in(emulator.client, agent_account)
    page = emulator.client.get(REQUESTS)
    assert f'id="request-{invitation_id}" data-status="Expired"' in page.text
    assert "Cancel request" not in page.text
    # Expired for the client too, and a new request can be sent.
    browser = emulator.new_client()
    sign_in(browser, client_account)
    browser.get(client_link(emulator.client))
    consent = browser.get(
        "/agent-client-relationships/appoint-someone-to-deal-with-HMRC-for-you/consent"
    )
    assert consent.status_code == 404
    assert "There are no authorisation requests" in consent.text
    assert request_authorisation(emulator.client).status_code == 303


def test_an_agent_cancels_a_pending_request(emulator: EmulatorHarness) -> None:
    client_account = person(emulator)
    agency(emulator, emulator.client)
    invitation_id = sent_invitation_id(request_authorisation(emulator.client))
    cancel = f"{REQUESTS}/{invitation_id}/cancel"
    response = post_form(emulator.client, REQUESTS, cancel, {})
    assert response.status_code == 303
    assert response.headers["location"] == f"{REQUESTS}/{invitation_id}/cancelled"
    done = emulator.client.get(response.headers["location"])
    assert "You have cancelled this authorisation request" in done.text
    assert 'data-status="Cancelled"' in emulator.client.get(REQUESTS).text
    again = post_form(emulator.client, REQUESTS, cancel, {})
    assert again.status_code == 409
    assert "cannot be cancelled" in _text(again)
    browser = emulator.new_client()
    sign_in(browser, client_account)
    browser.get(client_link(emulator.client))
    assert answer(browser, invitation_id, "accept").status_code == 404


def test_another_agencys_request_is_not_found(emulator: EmulatorHarness) -> None:
    person(emulator)
    agency(emulator, emulator.client)
    invitation_id = sent_invitation_id(request_authorisation(emulator.client))
    other = emulator.new_client()
    agency(emulator, other, name="Other Agency", utr=OTHER_AGENCY_UTR, email="o@x.test")
    for path in (f"{NEW}/{invitation_id}/sent", f"{REQUESTS}/{invitation_id}/cancelled"):
        assert other.get(path).status_code == 404
    refused = post_form(other, REQUESTS, f"{REQUESTS}/{invitation_id}/cancel", {})
    assert refused.status_code == 404
    assert emulator.client.get(f"{REQUESTS}/{invitation_id}/cancelled").status_code == 404
    for made_up in ("x", "A" * 13, "A" * 200):
        assert emulator.client.get(f"{NEW}/{made_up}/sent").status_code == 404


def test_request_forms_need_their_csrf_token(emulator: EmulatorHarness) -> None:
    person(emulator)
    agency(emulator, emulator.client)
    data = {"client_nino": CLIENT_NINO, "postcode": "SW1A 2AA", "agent_type": "main"}
    assert emulator.client.post(NEW, data={**data, "csrf_token": "x"}).status_code == 403
    invitation_id = sent_invitation_id(request_authorisation(emulator.client))
    cancel = emulator.client.post(f"{REQUESTS}/{invitation_id}/cancel", data={"csrf_token": "x"})
    assert cancel.status_code == 403
    remove = emulator.client.post(f"{CLIENTS}/remove", data={"csrf_token": "x"})
    assert remove.status_code == 403


def test_the_agent_removes_an_authorisation(emulator: EmulatorHarness) -> None:
    client_account = person(emulator, signed_up=True)
    _, arn = agency(emulator, emulator.client)
    assert "No client has authorised you yet" in emulator.client.get(CLIENTS).text
    invitation_id = sent_invitation_id(request_authorisation(emulator.client))
    browser = emulator.new_client()
    sign_in(browser, client_account)
    browser.get(client_link(emulator.client))
    answer(browser, invitation_id, "accept")
    page = emulator.client.get(CLIENTS)
    assert f'id="client-{CLIENT_NINO}-main"' in page.text
    response = post_form(
        emulator.client, CLIENTS, f"{CLIENTS}/remove", {"nino": CLIENT_NINO, "agent_type": "main"}
    )
    assert response.status_code == 200
    assert "You have removed this authorisation" in response.text
    with emulator.services.store.transaction() as tx:
        assert tx.relationships.active(arn=arn) == []
        (ended,) = tx.relationships.every(arn=arn)
        stored = tx.invitations.get(invitation_id)
    assert ended.ended_by == "Agent"
    assert stored is not None
    assert stored.invitation.status is InvitationStatus.DEAUTHORISED
    assert stored.invitation.relationship_ended_by is EndedBy.AGENT
    assert 'data-status="Deauthorised"' in emulator.client.get(REQUESTS).text
    again = post_form(
        emulator.client, CLIENTS, f"{CLIENTS}/remove", {"nino": CLIENT_NINO, "agent_type": "main"}
    )
    assert again.status_code == 404


@pytest.mark.parametrize(
    "fields",
    [
        {"nino": CLIENT_NINO, "agent_type": "supporting"},
        {"nino": CLIENT_NINO, "agent_type": "other"},
        {"nino": "ZZ", "agent_type": "main"},
        {"nino": "ÀA123456A", "agent_type": "main"},
        {},
    ],
)
def test_removing_what_is_not_held_is_not_found(
    emulator: EmulatorHarness, fields: dict[str, str]
) -> None:
    person(emulator, signed_up=True)
    agency(emulator, emulator.client)
    response = post_form(emulator.client, CLIENTS, f"{CLIENTS}/remove", fields)
    assert response.status_code == 404


def test_partial_authorisations_are_listed_and_can_be_removed(emulator: EmulatorHarness) -> None:
    client_account = person(emulator)
    agency(emulator, emulator.client)
    invitation_id = sent_invitation_id(
        request_authorisation(emulator.client, agent_type="supporting")
    )
    browser = emulator.new_client()
    sign_in(browser, client_account)
    browser.get(client_link(emulator.client))
    answer(browser, invitation_id, "accept")
    page = emulator.client.get(CLIENTS)
    assert "have not signed up for Making Tax Digital for Income Tax yet" in page.text
    assert 'data-status="Partialauth"' in emulator.client.get(REQUESTS).text
    response = post_form(
        emulator.client,
        CLIENTS,
        f"{CLIENTS}/remove",
        {"nino": CLIENT_NINO, "agent_type": "supporting"},
    )
    assert response.status_code == 200
    with emulator.services.store.transaction() as tx:
        stored = tx.invitations.get(invitation_id)
    assert stored is not None
    assert stored.invitation.status is InvitationStatus.DEAUTHORISED
    assert csrf_token(emulator.client.get(CLIENTS).text)
