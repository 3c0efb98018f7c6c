"""The Agent Authorisation API's relationship check and (v2.0) de-authorise, and the Agent
Authorisation Test Support API (accept, reject, the known fact): a request made by the API,
accepted through test support, then checked and ended through the API."""

from __future__ import annotations

import pytest

from openmtd.emulator.apis.agent_authorisation import errors as e
from openmtd.emulator.apis.test_support import agent_authorisation as aats
from openmtd.emulator.storage import Enrolment
from support.agent_api import (
    ARN,
    CLIENT_NINO,
    OTHER_ARN,
    AgentWorld,
    itsa_body,
    make_agent_world,
)
from support.agents import CLIENT_POSTCODE, sign_in
from support.emulator import EmulatorHarness
from support.mtd_api import assert_error

VERSIONS = ("1.0", "2.0")


@pytest.fixture
def w(emulator: EmulatorHarness) -> AgentWorld:
    return make_agent_world(emulator)


def _created_and_accepted(w: AgentWorld, agent_type: str = "main") -> str:
    invitation_id = w.created_id(itsa_body(agentType=agent_type))
    response = w.accept(invitation_id)
    assert response.status_code == 204
    assert response.content == b""
    return invitation_id


@pytest.mark.parametrize("version", VERSIONS)
def test_request_accept_check_end_to_end(w: AgentWorld, version: str) -> None:
    assert_error(w.check(version=version), e.RELATIONSHIP_NOT_FOUND)
    invitation_id = _created_and_accepted(w)
    ok = w.check(version=version)
    assert ok.status_code == 204
    assert ok.content == b""
    assert_error(
        w.check(itsa_body(clientType=None, agentType="supporting")), e.RELATIONSHIP_NOT_FOUND
    )
    answer = w.call("GET", f"/agents/{ARN}/invitations/{invitation_id}").json()
    assert answer["status"] == "Accepted"


def test_the_relationship_is_on_the_agency_and_client_pages(
    w: AgentWorld, emulator: EmulatorHarness
) -> None:
    _created_and_accepted(w, "supporting")
    browser = emulator.new_client()
    sign_in(browser, w.agency)
    clients = browser.get("/agent-services-account/clients").text
    assert CLIENT_NINO in clients
    assert "Supporting agent" in clients
    client_browser = emulator.new_client()
    sign_in(client_browser, w.client)
    manage = client_browser.get("/agent-client-relationships/manage-who-can-deal-with-HMRC-for-you")
    assert manage.status_code == 200
    assert "Morgan Accountants" in manage.text


def test_check_body_and_record_errors(w: AgentWorld) -> None:
    assert_error(w.check(itsa_body(clientType=None, service="MTD-CT")), e.SERVICE_NOT_SUPPORTED)
    assert_error(w.check(itsa_body(clientType=None, agentType="x")), e.AGENT_TYPE_NOT_SUPPORTED)
    assert_error(
        w.check(itsa_body(clientType=None, clientId="12")), e.CLIENT_ID_DOES_NOT_MATCH_SERVICE
    )
    assert_error(w.check(itsa_body(clientType=None, clientId="A")), e.CLIENT_ID_FORMAT_INVALID)
    assert_error(w.check(itsa_body(clientType=None, knownFact="x")), e.POSTCODE_FORMAT_INVALID)
    assert_error(w.check(itsa_body(clientType=None, knownFact=None)), e.BAD_REQUEST)
    assert_error(
        w.check(itsa_body(clientType=None, clientId="JK123456A")), e.CLIENT_REGISTRATION_NOT_FOUND
    )
    assert_error(
        w.check(itsa_body(clientType=None, knownFact="LS1 4AP")), e.POSTCODE_DOES_NOT_MATCH
    )
    vat = {"service": "MTD-VAT", "clientIdType": "vrn", "clientId": "101747696"}
    assert_error(w.check(vat | {"knownFact": "2007-05-18"}), e.CLIENT_REGISTRATION_NOT_FOUND)
    assert_error(w.check(vat | {"knownFact": "18/05/2007"}), e.VAT_REG_DATE_FORMAT_INVALID)


def test_check_and_deauthorise_refuse_other_callers(w: AgentWorld) -> None:
    individual = w.agency_token(w.client)
    assert_error(w.check(token=individual), e.NOT_AN_AGENT)
    assert_error(w.deauthorise(token=individual), e.NOT_AN_AGENT)
    wrong = f"/agents/{OTHER_ARN}/relationships"
    assert_error(w.call("POST", wrong, json={}), e.NO_PERMISSION_ON_AGENCY)
    wrong = f"/agents/{OTHER_ARN}/deauthorise-client"
    assert_error(w.call("PUT", wrong, json={}), e.NO_PERMISSION_ON_AGENCY)


def test_a_partial_authorisation_counts(emulator: EmulatorHarness) -> None:
    w = make_agent_world(emulator, signed_up=False)
    invitation_id = _created_and_accepted(w)
    assert w.call("GET", f"/agents/{ARN}/invitations/{invitation_id}").json()["status"] == (
        "Partialauth"
    )
    assert w.check().status_code == 204


def test_a_main_check_copies_a_due_legacy_sa_authorisation(
    w: AgentWorld, emulator: EmulatorHarness
) -> None:
    from openmtd.emulator.storage import LegacySaClientLink

    with emulator.services.store.transaction() as tx:
        now = emulator.services.clock.now_in(tx)
        tx.legacy_sa.map_reference(ARN, "SA1234", now)
        tx.legacy_sa.add_client_link(LegacySaClientLink(CLIENT_NINO, "SA1234", False, now))
    assert w.check().status_code == 204
    assert_error(
        w.check(itsa_body(clientType=None, agentType="supporting")), e.RELATIONSHIP_NOT_FOUND
    )


# --- de-authorise (v2.0) ----------------------------------------------------------------------
def test_deauthorise_ends_the_relationship(w: AgentWorld) -> None:
    invitation_id = _created_and_accepted(w)
    response = w.deauthorise()
    assert response.status_code == 204
    assert response.content == b""
    assert_error(w.check(), e.RELATIONSHIP_NOT_FOUND)
    answer = w.call("GET", f"/agents/{ARN}/invitations/{invitation_id}").json()
    assert answer["status"] == "Deauthorised"
    assert_error(w.deauthorise(), e.NO_RELATIONSHIP)
    # Ended, the agency may ask again.
    assert w.create().status_code == 204


def test_deauthorise_errors(w: AgentWorld) -> None:
    _created_and_accepted(w)
    assert_error(
        w.deauthorise(itsa_body(knownFact=None, agentType="supporting")), e.NO_RELATIONSHIP
    )
    assert_error(w.deauthorise(itsa_body(knownFact=None, clientId="JK123456A")), e.NO_RELATIONSHIP)
    assert_error(
        w.deauthorise(itsa_body(knownFact=None, clientType="business")), e.CLIENT_TYPE_NOT_SUPPORTED
    )
    assert_error(w.deauthorise(itsa_body(knownFact=None, clientType=None)), e.BAD_REQUEST)
    assert_error(
        w.deauthorise(itsa_body(knownFact=None, agentType="boss")), e.AGENT_TYPE_NOT_SUPPORTED
    )
    vat = {"service": "MTD-VAT", "clientType": "business", "clientIdType": "vrn", "clientId": "1"}
    assert_error(w.deauthorise(vat), e.NO_RELATIONSHIP)
    assert w.check().status_code == 204


def test_deauthorise_is_not_in_v1(w: AgentWorld) -> None:
    _created_and_accepted(w)
    response = w.deauthorise(version="1.0")
    assert response.status_code == 404
    assert response.json()["code"] == "MATCHING_RESOURCE_NOT_FOUND"
    assert w.check().status_code == 204


# --- Agent Authorisation Test Support -----------------------------------------------------------
def test_reject_then_answer_again_is_409(w: AgentWorld) -> None:
    invitation_id = w.created_id()
    assert w.aats("DELETE", f"/invitations/{invitation_id}").status_code == 204
    assert_error(w.accept(invitation_id), aats.INVITATION_NOT_PENDING)
    assert_error(w.aats("DELETE", f"/invitations/{invitation_id}"), aats.INVITATION_NOT_PENDING)
    assert_error(w.check(), e.RELATIONSHIP_NOT_FOUND)


def test_accepting_twice_or_an_expired_or_cancelled_request_is_409(
    w: AgentWorld, emulator: EmulatorHarness
) -> None:
    accepted = _created_and_accepted(w)
    assert_error(w.accept(accepted), aats.INVITATION_NOT_PENDING)
    supporting = w.created_id(itsa_body(agentType="supporting"))
    assert w.call("DELETE", f"/agents/{ARN}/invitations/{supporting}").status_code == 204
    assert_error(w.accept(supporting), aats.INVITATION_NOT_PENDING)
    lapsing = w.created_id(itsa_body(agentType="supporting"))
    emulator.advance(21 * 86400)
    assert_error(w.accept(lapsing), aats.INVITATION_NOT_PENDING)


def test_unknown_requests_are_404(w: AgentWorld) -> None:
    assert_error(w.accept("ABERULMHCKKW3"), aats.INVITATION_NOT_FOUND)
    assert_error(w.aats("DELETE", "/invitations/nope"), aats.INVITATION_NOT_FOUND)


def test_accepting_a_main_request_replaces_the_old_main_agent(
    w: AgentWorld, emulator: EmulatorHarness
) -> None:
    _created_and_accepted(w)
    other = emulator.account(
        affinity_group=w.agency.affinity_group,
        enrolments=(Enrolment("HMRC-AS-AGENT", "AgentReferenceNumber", OTHER_ARN),),
        email="other@agency.test",
    )
    token = w.agency_token(other)
    response = w.call("POST", f"/agents/{OTHER_ARN}/invitations", token=token, json=itsa_body())
    assert w.accept(response.headers["location"].rsplit("/", 1)[1]).status_code == 204
    assert_error(w.check(), e.RELATIONSHIP_NOT_FOUND)
    other_check = w.call(
        "POST", f"/agents/{OTHER_ARN}/relationships", token=token, json=itsa_body(clientType=None)
    )
    assert other_check.status_code == 204


def test_known_fact_helper(w: AgentWorld) -> None:
    response = w.aats("GET", f"/known-facts/mtd-it/nino/{CLIENT_NINO}")
    assert response.status_code == 200
    assert response.json() == {
        "service": ["MTD-IT"],
        "clientType": "personal",
        "clientIdType": "ni",
        "clientId": CLIENT_NINO,
        "knownFact": CLIENT_POSTCODE,
    }
    # What it gives is what a request takes.
    fact = response.json()
    assert w.create(itsa_body(knownFact=fact["knownFact"])).status_code == 204
    assert_error(w.aats("GET", "/known-facts/mtd-it/nino/NOPE"), aats.CLIENT_ID_FORMAT_INVALID)
    assert_error(w.aats("GET", "/known-facts/mtd-it/nino/JK123456A"), aats.CLIENT_NOT_FOUND)


def test_test_support_needs_no_token_but_its_accept(
    w: AgentWorld, emulator: EmulatorHarness
) -> None:
    invitation_id = w.created_id()
    bare = emulator.new_client()
    assert_error(
        bare.put(
            f"{aats.PREFIX}/invitations/{invitation_id}", headers={"Accept": "application/json"}
        ),
        e.ACCEPT_INVALID,
    )
    assert_error(
        bare.put(
            f"{aats.PREFIX}/invitations/{invitation_id}",
            headers={"Accept": "application/vnd.hmrc.2.0+json"},
        ),
        e.UNSUPPORTED_VERSION,
    )
    accepted = bare.put(
        f"{aats.PREFIX}/invitations/{invitation_id}",
        headers={"Accept": "application/vnd.hmrc.1.0+json"},
    )
    assert accepted.status_code == 204
