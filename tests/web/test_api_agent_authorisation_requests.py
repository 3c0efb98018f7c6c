"""The Agent Authorisation API's authorisation requests (v1.0 and v2.0): create, list, get,
cancel, every error in HMRC's order, and the one store the web journeys share."""

from __future__ import annotations

from typing import Any

import pytest

from openmtd.emulator.apis.agent_authorisation import errors as e
from openmtd.emulator.storage import AffinityGroup
from openmtd.rules.identifiers import InvitationId
from support.agent_api import (
    ARN,
    CLIENT_NINO,
    OTHER_ARN,
    AgentWorld,
    itsa_body,
    make_agent_world,
    other_agency,
)
from support.agents import person, sign_in
from support.emulator import EmulatorHarness
from support.mtd_api import assert_error, assert_platform_headers

VERSIONS = ("1.0", "2.0")
LIST = f"/agents/{ARN}/invitations"


@pytest.fixture
def w(emulator: EmulatorHarness) -> AgentWorld:
    return make_agent_world(emulator)


# --- create ----------------------------------------------------------------------------------
@pytest.mark.parametrize("version", VERSIONS)
def test_create_is_204_with_location_and_hmrcs_invitation_id(w: AgentWorld, version: str) -> None:
    response = w.create(version=version)
    assert response.status_code == 204
    assert response.content == b""
    invitation_id = response.headers["location"].rsplit("/", 1)[1]
    assert response.headers["location"] == f"{LIST}/{invitation_id}"
    parsed = InvitationId.parse(invitation_id)
    assert parsed.prefix == "A"  # main: HMRC-MTD-IT
    assert response.headers["x-content-type-options"] == "nosniff"


def test_agent_type_defaults_to_main_and_supporting_is_prefix_l(w: AgentWorld) -> None:
    main = w.created_id(itsa_body(agentType=None))
    supporting = w.created_id(itsa_body(agentType="supporting"))
    assert main[0] == "A"
    assert supporting[0] == "L"
    assert w.call("GET", f"{LIST}/{main}").json()["agentType"] == "main"
    assert w.call("GET", f"{LIST}/{supporting}").json()["agentType"] == "supporting"


def test_null_agent_type_is_main_and_the_legacy_service_array_is_taken(w: AgentWorld) -> None:
    invitation_id = w.created_id(
        itsa_body(service=["MTD-IT"], agentType=None) | {"agentType": None}
    )
    assert invitation_id[0] == "A"


BODY_ERRORS: list[tuple[str, dict[str, Any], tuple[int, str, str]]] = [
    ("not an object", {"_raw": b"[1]"}, e.BAD_REQUEST),
    ("not JSON", {"_raw": b"{"}, e.BAD_REQUEST),
    ("service missing", {"service": None}, e.BAD_REQUEST),
    ("clientId a number", {"clientId": 123}, e.BAD_REQUEST),
    ("knownFact missing", {"knownFact": None}, e.BAD_REQUEST),
    ("agentType a number", {"agentType": 1}, e.BAD_REQUEST),
    ("an empty service array", {"service": []}, e.BAD_REQUEST),
    ("service", {"service": "MTD-CT"}, e.SERVICE_NOT_SUPPORTED),
    ("service before agentType", {"service": "X", "agentType": "x"}, e.SERVICE_NOT_SUPPORTED),
    ("agentType", {"agentType": "partner"}, e.AGENT_TYPE_NOT_SUPPORTED),
    (
        "agentType before clientType",
        {"agentType": "x", "clientType": "b"},
        e.AGENT_TYPE_NOT_SUPPORTED,
    ),
    ("clientType", {"clientType": "business"}, e.CLIENT_TYPE_NOT_SUPPORTED),
    (
        "clientType before clientId",
        {"clientType": "b", "clientId": "x"},
        e.CLIENT_TYPE_NOT_SUPPORTED,
    ),
    ("clientId", {"clientId": "AA12"}, e.CLIENT_ID_FORMAT_INVALID),
    ("a VRN for MTD-IT", {"clientId": "101747696"}, e.CLIENT_ID_DOES_NOT_MATCH_SERVICE),
    ("clientId before knownFact", {"clientId": "X", "knownFact": "x"}, e.CLIENT_ID_FORMAT_INVALID),
    ("postcode", {"knownFact": "NOT A POSTCODE"}, e.POSTCODE_FORMAT_INVALID),
    ("lower-case postcode", {"knownFact": "sw1a 2aa"}, e.POSTCODE_FORMAT_INVALID),
    ("VAT with agentType", {"service": "MTD-VAT", "agentType": "main"}, e.BAD_REQUEST),
    ("VAT client type", {"service": "MTD-VAT", "clientType": "x"}, e.CLIENT_TYPE_NOT_SUPPORTED),
    ("a NINO for MTD-VAT", {"service": "MTD-VAT"}, e.CLIENT_ID_DOES_NOT_MATCH_SERVICE),
    ("VRN", {"service": "MTD-VAT", "clientId": "ABC"}, e.CLIENT_ID_FORMAT_INVALID),
    (
        "VAT date",
        {"service": "MTD-VAT", "clientId": "101747696", "knownFact": "2007-13-18"},
        e.VAT_REG_DATE_FORMAT_INVALID,
    ),
    (
        "no VAT customers",
        {
            "service": "MTD-VAT",
            "clientType": "business",
            "clientId": "101747696",
            "knownFact": "2007-05-18",
        },
        e.CLIENT_REGISTRATION_NOT_FOUND,
    ),
]


@pytest.mark.parametrize(
    ("changes", "spec"), [c[1:] for c in BODY_ERRORS], ids=[c[0] for c in BODY_ERRORS]
)
def test_create_body_errors_in_hmrcs_order(
    w: AgentWorld, changes: dict[str, Any], spec: tuple[int, str, str]
) -> None:
    raw = changes.pop("_raw", None)
    if raw is not None:
        response = w.call("POST", LIST, content=raw, headers={"Content-Type": "application/json"})
    else:
        response = w.create(
            itsa_body(**changes) | {k: v for k, v in changes.items() if v is not None}
        )
    assert_error(response, spec)
    assert w.call("GET", LIST).status_code == 204


def test_a_body_that_is_not_json_by_content_type_is_bad_request(w: AgentWorld) -> None:
    response = w.call(
        "POST", LIST, content=b"service=MTD-IT", headers={"Content-Type": "text/plain"}
    )
    assert_error(response, e.BAD_REQUEST)


def test_create_record_checks_in_the_rules_order(w: AgentWorld, emulator: EmulatorHarness) -> None:
    assert_error(w.create(itsa_body(clientId="JK123456A")), e.CLIENT_REGISTRATION_NOT_FOUND)
    person(emulator, "CE123456D", sa=False, number=8, email="nosa@example.test")
    assert_error(w.create(itsa_body(clientId="CE123456D")), e.CLIENT_REGISTRATION_NOT_FOUND)
    assert_error(w.create(itsa_body(knownFact="LS1 4AP")), e.POSTCODE_DOES_NOT_MATCH)
    first = w.created_id()
    duplicate = w.create()
    assert_error(duplicate, e.DUPLICATE_AUTHORISATION_REQUEST)
    assert duplicate.headers["location"] == f"{LIST}/{first}"
    assert w.accept(first).status_code == 204
    assert_error(w.create(), e.ALREADY_AUTHORISED)
    # The other role is a new request (it would replace this one when accepted).
    assert w.created_id(itsa_body(agentType="supporting"))[0] == "L"


def test_a_postcode_without_its_space_matches(w: AgentWorld) -> None:
    assert w.create(itsa_body(knownFact="SW1A2AA")).status_code == 204


# --- who may call ----------------------------------------------------------------------------
ENDPOINTS = [
    ("POST", LIST),
    ("GET", LIST),
    ("GET", f"{LIST}/ABERULMHCKKW3"),
    ("DELETE", f"{LIST}/ABERULMHCKKW3"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_an_individual_is_not_an_agent(
    w: AgentWorld, emulator: EmulatorHarness, method: str, path: str
) -> None:
    individual = w.agency_token(w.client)
    assert_error(w.call(method, path, token=individual, json={}), e.NOT_AN_AGENT)


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_an_agent_without_an_agent_services_account_is_not_subscribed(
    w: AgentWorld, emulator: EmulatorHarness, method: str, path: str
) -> None:
    bare = emulator.account(affinity_group=AffinityGroup.AGENT, email="bare@example.test")
    token = w.agency_token(bare)
    assert_error(w.call(method, path, token=token, json={}), e.AGENT_NOT_SUBSCRIBED)


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_another_agencys_arn_in_the_path_has_no_permission(
    w: AgentWorld, method: str, path: str
) -> None:
    # Checked before the body: an empty body is not looked at.
    response = w.call(method, path.replace(ARN, OTHER_ARN), json={})
    assert_error(response, e.NO_PERMISSION_ON_AGENCY)


def test_the_platform_checks_come_first(w: AgentWorld) -> None:
    response = w.emulator.client.get(LIST, headers={"Accept": "application/vnd.hmrc.2.0+json"})
    assert response.status_code == 401
    assert response.json()["code"] == "MISSING_CREDENTIALS"
    narrow = w.agency_token(w.agency, ("read:sent-invitations",))
    assert w.create(token=narrow).json()["code"] == "INVALID_SCOPE"
    assert w.call("GET", LIST, token=narrow).status_code == 204


ACCEPTS = [
    (None, e.ACCEPT_MISSING),
    ("application/json", e.ACCEPT_INVALID),
    ("application/vnd.hmrc.3.0+json", e.UNSUPPORTED_VERSION),
    ("application/vnd.hmrc.1.0+xml", e.UNSUPPORTED_CONTENT_TYPE),
]


@pytest.mark.parametrize(("accept", "spec"), ACCEPTS)
def test_accept_is_checked_by_the_service_before_the_token(
    emulator: EmulatorHarness, accept: str | None, spec: tuple[int, str, str]
) -> None:
    client = emulator.new_client()
    # The test client sends Accept: */* unless told otherwise.
    client.headers.pop("accept", None)
    headers = {"Accept": accept} if accept is not None else {}
    assert_error(client.get(LIST, headers=headers), spec)


# --- list and get ----------------------------------------------------------------------------
@pytest.mark.parametrize("version", VERSIONS)
def test_list_is_204_when_none_then_the_last_30_days_newest_first(
    w: AgentWorld, emulator: EmulatorHarness, version: str
) -> None:
    empty = w.call("GET", LIST, version=version)
    assert empty.status_code == 204
    assert empty.content == b""
    old = w.created_id()
    emulator.advance(25 * 86400)
    w.token = w.agency_token(w.agency)  # access tokens last 4 hours
    newer = w.created_id(itsa_body(agentType="supporting"))
    listed = w.call("GET", LIST, version=version)
    assert listed.status_code == 200
    assert_platform_headers(listed)
    assert [item["_links"]["self"]["href"] for item in listed.json()] == [
        f"{LIST}/{newer}",
        f"{LIST}/{old}",
    ]
    # The old one lapsed unanswered after 21 days.
    assert [item["status"] for item in listed.json()] == ["Pending", "Expired"]
    emulator.advance(6 * 86400)
    w.token = w.agency_token(w.agency)
    assert [i["_links"]["self"]["href"] for i in w.call("GET", LIST).json()] == [f"{LIST}/{newer}"]


def test_get_pending_and_answered_shapes(w: AgentWorld, emulator: EmulatorHarness) -> None:
    invitation_id = w.created_id()
    pending = w.call("GET", f"{LIST}/{invitation_id}", version="1.0")
    assert pending.status_code == 200
    body = pending.json()
    link = body.pop("clientActionUrl")
    assert link.startswith("http://testserver/agent-client-relationships/")
    assert link.endswith("/morgan-accountants/income-tax")
    assert body == {
        "_links": {"self": {"href": f"{LIST}/{invitation_id}"}},
        "created": "2026-11-26T10:00:00.000Z",
        "expiresOn": "2026-12-17T00:00:00.000",
        "arn": ARN,
        "service": ["MTD-IT"],
        "status": "Pending",
        "agentType": "main",
    }
    emulator.advance(60)
    assert w.aats("DELETE", f"/invitations/{invitation_id}").status_code == 204
    assert w.call("GET", f"{LIST}/{invitation_id}").json() == {
        "_links": {"self": {"href": f"{LIST}/{invitation_id}"}},
        "created": "2026-11-26T10:00:00.000Z",
        "updated": "2026-11-26T10:01:00.000Z",
        "arn": ARN,
        "service": ["MTD-IT"],
        "status": "Rejected",
        "agentType": "main",
    }


def test_get_errors(w: AgentWorld, emulator: EmulatorHarness) -> None:
    assert_error(w.call("GET", f"{LIST}/NOT-AN-ID"), e.BAD_REQUEST)
    # A well-formed ID nobody sent.
    assert_error(w.call("GET", f"{LIST}/ABERULMHCKKW3"), e.INVITATION_NOT_FOUND)
    other = other_agency(emulator)
    theirs = w.agency_token(other)
    response = w.call("POST", f"/agents/{OTHER_ARN}/invitations", token=theirs, json=itsa_body())
    assert response.status_code == 204, response.text
    their_id = response.headers["location"].rsplit("/", 1)[1]
    assert_error(w.call("GET", f"{LIST}/{their_id}"), e.NO_PERMISSION_ON_AGENCY)
    assert_error(w.call("DELETE", f"{LIST}/{their_id}"), e.NO_PERMISSION_ON_AGENCY)


# --- cancel ----------------------------------------------------------------------------------
@pytest.mark.parametrize("version", VERSIONS)
def test_cancel_then_cancel_again(w: AgentWorld, version: str) -> None:
    invitation_id = w.created_id()
    response = w.call("DELETE", f"{LIST}/{invitation_id}", version=version)
    assert response.status_code == 204
    assert response.content == b""
    assert w.call("GET", f"{LIST}/{invitation_id}").json()["status"] == "Cancelled"
    assert_error(w.call("DELETE", f"{LIST}/{invitation_id}"), e.INVALID_INVITATION_STATUS)
    assert_error(w.call("DELETE", f"{LIST}/NOT-AN-ID"), e.BAD_REQUEST)
    assert_error(w.call("DELETE", f"{LIST}/ABERULMHCKKW3"), e.INVITATION_NOT_FOUND)
    # Cancelled, the agency may ask again.
    assert w.create().status_code == 204


def test_an_expired_request_cannot_be_cancelled(w: AgentWorld, emulator: EmulatorHarness) -> None:
    invitation_id = w.created_id()
    emulator.advance(21 * 86400)
    w.token = w.agency_token(w.agency)
    assert_error(w.call("DELETE", f"{LIST}/{invitation_id}"), e.INVALID_INVITATION_STATUS)


# --- one store with the web journeys ---------------------------------------------------------
def test_a_request_sent_by_the_api_is_on_the_agency_and_client_pages(
    w: AgentWorld, emulator: EmulatorHarness
) -> None:
    invitation_id = w.created_id()
    browser = emulator.new_client()
    sign_in(browser, w.agency)
    page = browser.get("/agent-services-account/authorisation-requests")
    assert page.status_code == 200
    assert invitation_id in page.text
    client_browser = emulator.new_client()
    sign_in(client_browser, w.client)
    link = w.call("GET", f"{LIST}/{invitation_id}").json()["clientActionUrl"]
    followed = client_browser.get(link.removeprefix("http://testserver"))
    assert followed.status_code == 303
    consent = client_browser.get(followed.headers["location"])
    assert consent.status_code == 200
    assert invitation_id in consent.text


def test_a_request_sent_on_the_pages_is_listed_by_the_api(
    w: AgentWorld, emulator: EmulatorHarness
) -> None:
    from support.agents import request_authorisation, sent_invitation_id

    browser = emulator.new_client()
    sign_in(browser, w.agency)
    sent = request_authorisation(browser, nino=CLIENT_NINO)
    assert sent.status_code == 303, sent.text
    invitation_id = sent_invitation_id(sent)
    listed = w.call("GET", LIST).json()
    assert [item["_links"]["self"]["href"] for item in listed] == [f"{LIST}/{invitation_id}"]
