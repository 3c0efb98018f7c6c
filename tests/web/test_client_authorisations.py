"""The client's side: following the agency's link, signing in, the identity check, reading
what a main or supporting agent may do, accepting or rejecting, partial authorisation before
sign-up, and "manage who can deal with HMRC for you"; then the agent reads the client's ITSA
status with a token from the grant journey."""

from __future__ import annotations

import html
from typing import Any

import pytest
from starlette.testclient import TestClient

from openmtd.emulator.agents.relationships import relationships_after_sign_up
from openmtd.emulator.storage import Account, AffinityGroup, Enrolment, StoredStatus
from openmtd.rules.agents import EndedBy, InvitationStatus
from openmtd.rules.identifiers import MtdItId
from support.agents import (
    CLIENT_NINO,
    CONSENT,
    OTHER_AGENCY_UTR,
    agency,
    answer,
    client_link,
    person,
    post_form,
    request_authorisation,
    sent_invitation_id,
    sign_in,
)
from support.emulator import PASSWORD, REDIRECT_URI, EmulatorHarness, csrf_token, query_of

IDENTITY = "/agent-client-relationships/appoint-someone-to-deal-with-HMRC-for-you/confirm-identity"
MANAGE = "/agent-client-relationships/manage-who-can-deal-with-HMRC-for-you"


def _text(response: Any) -> str:
    return html.unescape(response.text)


def _invite(
    emulator: EmulatorHarness, agent_type: str = "main", **agency_details: Any
) -> tuple[TestClient, str, str, str]:
    """An agency in a browser of its own that asked the client: (browser, ARN, link, id)."""
    browser = emulator.new_client()
    _, arn = agency(emulator, browser, **agency_details)
    invitation_id = sent_invitation_id(request_authorisation(browser, agent_type=agent_type))
    return browser, arn, client_link(browser), invitation_id


def _client_browser(emulator: EmulatorHarness, account: Account, link: str) -> TestClient:
    browser = emulator.new_client()
    sign_in(browser, account)
    assert browser.get(link).headers["location"] == CONSENT
    return browser


def _status(emulator: EmulatorHarness, invitation_id: str) -> tuple[InvitationStatus, Any]:
    with emulator.services.store.transaction() as tx:
        stored = tx.invitations.get(invitation_id)
    assert stored is not None
    return stored.invitation.status, stored.invitation.relationship_ended_by


def test_the_link_sends_a_client_to_sign_in_and_back(emulator: EmulatorHarness) -> None:
    client_account = person(emulator)
    _, _, link, _ = _invite(emulator)
    browser = emulator.client
    response = browser.get(link)
    assert response.headers["location"] == "/gg/sign-in"
    assert sign_in(browser, client_account).headers["location"] == CONSENT
    page = browser.get(CONSENT)
    assert page.status_code == 200
    text = _text(page)
    assert "Morgan Accountants wants to be your main agent" in text
    assert "make your final declaration and send your tax return" in text
    assert "You can have only one main agent." in text
    assert "You have not signed up for Making Tax Digital for Income Tax yet" in text


@pytest.mark.parametrize(
    "link",
    [
        "/agent-client-relationships/appoint-someone-to-deal-with-HMRC-for-you/ABCD/x/income-tax",
        "/agent-client-relationships/appoint-someone-to-deal-with-HMRC-for-you/ZZZZ9999/x/income-tax",
    ],
)
def test_a_wrong_link_is_not_valid(emulator: EmulatorHarness, link: str) -> None:
    response = emulator.client.get(link)
    assert response.status_code == 404
    assert "This link is not valid" in response.text


def test_a_link_with_another_agency_name_is_not_valid(emulator: EmulatorHarness) -> None:
    person(emulator)
    _, _, link, _ = _invite(emulator)
    wrong = link.replace("morgan-accountants", "someone-else")
    assert emulator.client.get(wrong).status_code == 404


def test_the_consent_pages_need_the_link_first(emulator: EmulatorHarness) -> None:
    sign_in(emulator.client, person(emulator))
    for path in (CONSENT, IDENTITY):
        assert emulator.client.get(path).status_code == 404
    response = post_form(emulator.client, MANAGE, CONSENT, {"decision": "accept"})
    assert response.status_code == 404
    assert post_form(emulator.client, MANAGE, IDENTITY, {"outcome": "Success"}).status_code == 404


def test_consent_asks_for_sign_in_when_signed_out(emulator: EmulatorHarness) -> None:
    person(emulator)
    _, _, link, _ = _invite(emulator)
    emulator.client.get(link)
    response = emulator.client.get(CONSENT)
    assert response.headers["location"] == "/gg/sign-in"


def test_agents_and_people_without_a_nino_cannot_answer(emulator: EmulatorHarness) -> None:
    person(emulator)
    _, _, link, _ = _invite(emulator)
    organisation = emulator.account(
        affinity_group=AffinityGroup.ORGANISATION, confidence_level=50, email="org@x.test"
    )
    browser = _client_browser(emulator, organisation, link)
    response = browser.get(CONSENT)
    assert response.status_code == 403
    assert "no National Insurance number" in response.text
    agent_browser = emulator.new_client()
    agency(emulator, agent_browser, name="Other", utr=OTHER_AGENCY_UTR, email="o@x.test")
    agent_browser.get(link)
    response = agent_browser.get(CONSENT)
    assert response.status_code == 403
    assert "agent&#39;s account" in response.text


def test_a_client_below_250_confirms_their_identity_first(emulator: EmulatorHarness) -> None:
    client_account = person(emulator, confidence_level=200)
    _, _, link, invitation_id = _invite(emulator)
    browser = _client_browser(emulator, client_account, link)
    assert browser.get(CONSENT).headers["location"] == IDENTITY
    # Answering before the check is sent to it too.
    early = post_form(
        browser, IDENTITY, CONSENT, {"invitation_id": invitation_id, "decision": "accept"}
    )
    assert early.headers["location"] == IDENTITY
    page = browser.get(IDENTITY)
    assert page.status_code == 200
    token = csrf_token(page.text)
    assert browser.post(IDENTITY, data={"csrf_token": token, "outcome": "x"}).status_code == 400
    failed = browser.post(IDENTITY, data={"csrf_token": token, "outcome": "FailedMatching"})
    assert failed.status_code == 403
    assert "We could not confirm your identity" in failed.text
    assert browser.post(IDENTITY, data={"csrf_token": "x", "outcome": "Success"}).status_code == 403
    passed = browser.post(IDENTITY, data={"csrf_token": token, "outcome": "Success"})
    assert passed.headers["location"] == CONSENT
    assert browser.get(CONSENT).status_code == 200
    with emulator.services.store.transaction() as tx:
        raised = tx.accounts.get(client_account.id)
    assert raised is not None
    assert raised.confidence_level == 250


def test_accepting_a_main_agent_replaces_the_old_one(emulator: EmulatorHarness) -> None:
    client_account = person(emulator, signed_up=True)
    _, first_arn, first_link, first_id = _invite(emulator)
    browser = _client_browser(emulator, client_account, first_link)
    accepted = answer(browser, first_id, "accept")
    assert accepted.status_code == 200
    assert "You have authorised Morgan Accountants" in _text(accepted)
    assert _status(emulator, first_id) == (InvitationStatus.ACCEPTED, None)
    _, second_arn, second_link, second_id = _invite(
        emulator, name="Second Agency", utr=OTHER_AGENCY_UTR, email="s@x.test"
    )
    assert browser.get(second_link).headers["location"] == CONSENT
    page = _text(browser.get(CONSENT))
    assert "we will remove Morgan Accountants as your existing main agent" in page
    answer(browser, second_id, "accept")
    assert _status(emulator, first_id) == (InvitationStatus.DEAUTHORISED, EndedBy.CLIENT)
    with emulator.services.store.transaction() as tx:
        active = tx.relationships.active(client_nino=CLIENT_NINO)
        ended = tx.relationships.every(arn=first_arn)
    assert [(r.arn, r.agent_type) for r in active] == [(second_arn, "main")]
    assert active[0].invitation_id == second_id
    assert ended[0].ended_by == "Client"


def test_supporting_agents_are_many_and_leave_the_main_agent(emulator: EmulatorHarness) -> None:
    client_account = person(emulator, signed_up=True)
    _, main_arn, main_link, main_id = _invite(emulator)
    browser = _client_browser(emulator, client_account, main_link)
    answer(browser, main_id, "accept")
    _, support_arn, support_link, support_id = _invite(
        emulator, "supporting", name="Helper", utr=OTHER_AGENCY_UTR, email="h@x.test"
    )
    browser.get(support_link)
    page = _text(browser.get(CONSENT))
    assert "Helper wants to be your supporting agent" in page
    assert "A supporting agent cannot:" in page
    assert "existing main agent" not in page
    answer(browser, support_id, "accept")
    with emulator.services.store.transaction() as tx:
        active = {(r.arn, r.agent_type) for r in tx.relationships.active(client_nino=CLIENT_NINO)}
    assert active == {(main_arn, "main"), (support_arn, "supporting")}


def test_an_agency_switching_role_loses_the_other(emulator: EmulatorHarness) -> None:
    client_account = person(emulator, signed_up=True)
    agency_browser, arn, link, support_id = _invite(emulator, "supporting")
    browser = _client_browser(emulator, client_account, link)
    answer(browser, support_id, "accept")
    main_id = sent_invitation_id(request_authorisation(agency_browser, agent_type="main"))
    page = _text(browser.get(CONSENT))
    assert "is your supporting agent now" in page
    answer(browser, main_id, "accept")
    with emulator.services.store.transaction() as tx:
        active = [(r.arn, r.agent_type) for r in tx.relationships.active(client_nino=CLIENT_NINO)]
    assert active == [(arn, "main")]
    assert _status(emulator, support_id) == (InvitationStatus.DEAUTHORISED, EndedBy.CLIENT)


def test_a_client_rejects_a_request(emulator: EmulatorHarness) -> None:
    client_account = person(emulator)
    _, _, link, invitation_id = _invite(emulator)
    browser = _client_browser(emulator, client_account, link)
    rejected = answer(browser, invitation_id, "reject")
    assert rejected.status_code == 200
    assert "You have rejected this request" in rejected.text
    assert _status(emulator, invitation_id) == (InvitationStatus.REJECTED, None)
    assert answer(browser, invitation_id, "accept").status_code == 404


def test_a_bad_answer_shows_the_requests_again(emulator: EmulatorHarness) -> None:
    client_account = person(emulator)
    _, _, link, invitation_id = _invite(emulator)
    browser = _client_browser(emulator, client_account, link)
    assert answer(browser, invitation_id, "maybe").status_code == 400
    assert answer(browser, "AAAAAAAAAAAAA", "accept").status_code == 400
    response = browser.post(
        CONSENT, data={"csrf_token": "x", "invitation_id": invitation_id, "decision": "accept"}
    )
    assert response.status_code == 403
    assert _status(emulator, invitation_id) == (InvitationStatus.PENDING, None)


def test_another_persons_request_is_not_theirs_to_answer(emulator: EmulatorHarness) -> None:
    person(emulator)
    other = person(emulator, "AB123456C", number=2, email="other@x.test")
    _, _, link, invitation_id = _invite(emulator)
    browser = _client_browser(emulator, other, link)
    assert browser.get(CONSENT).status_code == 404
    assert answer(browser, invitation_id, "accept").status_code == 404
    assert _status(emulator, invitation_id) == (InvitationStatus.PENDING, None)


def test_accepting_before_sign_up_is_partial_until_sign_up(emulator: EmulatorHarness) -> None:
    client_account = person(emulator)
    _, arn, link, invitation_id = _invite(emulator)
    browser = _client_browser(emulator, client_account, link)
    accepted = answer(browser, invitation_id, "accept")
    assert "Their authorisation starts when you sign up" in _text(accepted)
    assert _status(emulator, invitation_id) == (InvitationStatus.PARTIALAUTH, None)
    with emulator.services.store.transaction() as tx:
        assert tx.relationships.active(client_nino=CLIENT_NINO) == []
    manage = browser.get(MANAGE)
    assert "Starts when you sign up" in manage.text
    # Sign-up completes: the enrolment, then the one call the sign-up journeys make.
    mtditid = str(MtdItId.generate("00000000001"))
    with emulator.services.store.transaction() as tx:
        tx.accounts.add_enrolment(
            client_account.group.id, Enrolment("HMRC-MTD-IT", "MTDITID", mtditid)
        )
        made = relationships_after_sign_up(tx, CLIENT_NINO, emulator.now())
        assert relationships_after_sign_up(tx, CLIENT_NINO, emulator.now()) == []
    assert [(r.arn, r.agent_type, r.client_mtditid, r.invitation_id) for r in made] == [
        (arn, "main", mtditid, invitation_id)
    ]
    assert _status(emulator, invitation_id) == (InvitationStatus.ACCEPTED, None)


def test_sign_up_completion_for_someone_unknown_or_not_signed_up_makes_nothing(
    emulator: EmulatorHarness,
) -> None:
    person(emulator)
    with emulator.services.store.transaction() as tx:
        assert relationships_after_sign_up(tx, CLIENT_NINO, emulator.now()) == []
        assert relationships_after_sign_up(tx, "ZZ999999", emulator.now()) == []


def test_a_new_main_partial_authorisation_replaces_the_old(emulator: EmulatorHarness) -> None:
    client_account = person(emulator)
    _, _, first_link, first_id = _invite(emulator)
    browser = _client_browser(emulator, client_account, first_link)
    answer(browser, first_id, "accept")
    _, _, second_link, second_id = _invite(
        emulator, name="Second", utr=OTHER_AGENCY_UTR, email="s@x.test"
    )
    browser.get(second_link)
    answer(browser, second_id, "accept")
    assert _status(emulator, first_id) == (InvitationStatus.DEAUTHORISED, EndedBy.CLIENT)
    assert _status(emulator, second_id) == (InvitationStatus.PARTIALAUTH, None)


def test_the_client_manages_who_can_deal_with_hmrc(emulator: EmulatorHarness) -> None:
    client_account = person(emulator, signed_up=True)
    browser = emulator.client
    assert browser.get(MANAGE).headers["location"] == "/gg/sign-in"
    assert sign_in(browser, client_account).headers["location"] == MANAGE
    assert "You have not authorised any agents" in browser.get(MANAGE).text
    _, arn, link, invitation_id = _invite(emulator)
    browser.get(link)
    answer(browser, invitation_id, "accept")
    page = browser.get(MANAGE)
    assert f'id="agent-{arn}-main"' in page.text
    assert "Morgan Accountants" in page.text
    removed = post_form(browser, MANAGE, MANAGE + "/remove", {"arn": arn, "agent_type": "main"})
    assert removed.status_code == 200
    assert "You have removed Morgan Accountants" in removed.text
    assert _status(emulator, invitation_id) == (InvitationStatus.DEAUTHORISED, EndedBy.CLIENT)
    with emulator.services.store.transaction() as tx:
        (ended,) = tx.relationships.every(client_nino=CLIENT_NINO)
    assert ended.ended_by == "Client"
    again = post_form(browser, MANAGE, MANAGE + "/remove", {"arn": arn, "agent_type": "main"})
    assert again.status_code == 404
    bad = post_form(browser, MANAGE, MANAGE + "/remove", {"arn": arn, "agent_type": "boss"})
    assert bad.status_code == 404
    refused = browser.post(MANAGE + "/remove", data={"csrf_token": "x", "arn": arn})
    assert refused.status_code == 403


def test_an_agent_cannot_manage_a_clients_agents(emulator: EmulatorHarness) -> None:
    agency(emulator, emulator.client)
    assert emulator.client.get(MANAGE).status_code == 403


def _user_token(emulator: EmulatorHarness, user_id: str, scope: str) -> str:
    created = emulator.application(rate_limit_per_second=1000)
    grant = emulator.client.post(
        "/emulator/oauth/grant",
        json={
            "clientId": created.application.client_id,
            "redirectUri": REDIRECT_URI,
            "scope": scope,
            "userId": user_id,
            "password": PASSWORD,
        },
    )
    assert grant.status_code == 200, grant.text
    tokens = emulator.client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": created.application.client_id,
            "client_secret": created.client_secret,
            "redirect_uri": REDIRECT_URI,
            "code": query_of(grant.json()["location"])["code"][0],
        },
    )
    return str(tokens.json()["access_token"])


@pytest.mark.parametrize("agent_type", ["main", "supporting"])
def test_an_accepted_agent_reads_the_clients_itsa_status(
    emulator: EmulatorHarness, agent_type: str
) -> None:
    client_account = person(emulator, signed_up=True)
    with emulator.services.store.transaction() as tx:
        tx.itsa_statuses.add(
            StoredStatus(CLIENT_NINO, "2026-27", emulator.now(), "MTD Voluntary", "Rollover")
        )
    agency_browser = emulator.new_client()
    agent_account, _ = agency(emulator, agency_browser)
    invitation_id = sent_invitation_id(request_authorisation(agency_browser, agent_type=agent_type))
    token = _user_token(emulator, agent_account.user_id, "read:self-assessment")
    headers = {"Accept": "application/vnd.hmrc.2.0+json", "Authorization": f"Bearer {token}"}
    path = f"/individuals/person/itsa-status/{CLIENT_NINO}/2026-27"
    before = emulator.client.get(path, headers=headers)
    assert before.status_code == 403
    assert before.json()["code"] == "CLIENT_OR_AGENT_NOT_AUTHORISED"
    browser = _client_browser(emulator, client_account, client_link(agency_browser))
    answer(browser, invitation_id, "accept")
    after = emulator.client.get(path, headers=headers)
    assert after.status_code == 200, after.text
    assert after.json()["itsaStatuses"][0]["taxYear"] == "2026-27"
