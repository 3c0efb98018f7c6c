"""Property-based posts to every form of agent services (issue 9): the agent services account,
copying Self Assessment authorisations, authorisation requests (send, cancel), removing an
authorisation, the client's identity check, answer and "manage who can deal with HMRC for
you", and client matching for an agent's sign-up. The hostile input classes of issue 8
(unpaired surrogates, other scripts' digits, NUL and control characters, very long strings,
huge numbers) and arbitrary text go into any field of each form, with the form's own CSRF
token and where the form is live.

For every post: never a 5xx, and a refusal (4xx) writes nothing (row counts unchanged, browser
sessions and the attempt counters aside, written by design). Bounded for CI: ``MAX_EXAMPLES``
each, derandomised, no deadline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from support.agents import (
    CLIENT_NINO,
    CONSENT,
    agency,
    agent,
    client_link,
    person,
    request_authorisation,
    sent_invitation_id,
    sign_in,
)
from support.emulator import EmulatorHarness, csrf_token
from support.forms import fuzz_settings, post_hostile, row_counts

MAX_EXAMPLES = 15
FUZZ = fuzz_settings(MAX_EXAMPLES)
IDENTITY = "/agent-client-relationships/appoint-someone-to-deal-with-HMRC-for-you/confirm-identity"
MANAGE = "/agent-client-relationships/manage-who-can-deal-with-HMRC-for-you"


#: Where a form is live: (the browser, the path posted to, the page with its token, fields).
Live = tuple[TestClient, str, str, dict[str, str]]


def _create(emulator: EmulatorHarness) -> Live:
    client = emulator.new_client()
    sign_in(client, agent(emulator))
    fields = {"utr": "1000057161", "postcode": "LS1 4AP", "agency_name": "A", "email": "a@b.c"}
    path = "/agent-services-account/create"
    return client, path, path, fields


def _copy(emulator: EmulatorHarness) -> Live:
    client = emulator.new_client()
    agency(emulator, client, legacy_reference="SA0001")
    path = "/agent-services-account/copy-self-assessment-authorisations"
    return client, path, path, {"source": "own", "user_id": "1", "password": "x"}


def _request(emulator: EmulatorHarness) -> Live:
    person(emulator)
    client = emulator.new_client()
    agency(emulator, client)
    path = "/agent-services-account/authorisation-request"
    fields = {"client_nino": CLIENT_NINO, "postcode": "SW1A 2AA", "agent_type": "main"}
    return client, path, path, fields


def _sent(emulator: EmulatorHarness, *, signed_up: bool = False) -> tuple[TestClient, Any, str]:
    """An agency that asked a client, and the client's account and the request's id."""
    account = person(emulator, signed_up=signed_up)
    client = emulator.new_client()
    agency(emulator, client)
    return client, account, sent_invitation_id(request_authorisation(client))


def _cancel(emulator: EmulatorHarness) -> Live:
    client, _, invitation_id = _sent(emulator)
    requests = "/agent-services-account/authorisation-requests"
    return client, f"{requests}/{invitation_id}/cancel", requests, {}


def _client_browser(
    emulator: EmulatorHarness, account: Any, agency_browser: TestClient
) -> TestClient:
    browser = emulator.new_client()
    sign_in(browser, account)
    browser.get(client_link(agency_browser))
    return browser


def _consent(emulator: EmulatorHarness) -> Live:
    client, account, invitation_id = _sent(emulator)
    browser = _client_browser(emulator, account, client)
    return browser, CONSENT, CONSENT, {"invitation_id": invitation_id, "decision": "accept"}


def _identity(emulator: EmulatorHarness) -> Live:
    account = person(emulator, confidence_level=200)
    client = emulator.new_client()
    agency(emulator, client)
    request_authorisation(client)
    browser = _client_browser(emulator, account, client)
    return browser, IDENTITY, IDENTITY, {"outcome": "Success"}


def _accepted(emulator: EmulatorHarness) -> tuple[TestClient, TestClient]:
    client, account, invitation_id = _sent(emulator, signed_up=True)
    browser = _client_browser(emulator, account, client)
    token = csrf_token(browser.get(CONSENT).text)
    browser.post(
        CONSENT, data={"csrf_token": token, "invitation_id": invitation_id, "decision": "accept"}
    )
    return client, browser


def _agent_remove(emulator: EmulatorHarness) -> Live:
    client, _ = _accepted(emulator)
    clients = "/agent-services-account/clients"
    return client, f"{clients}/remove", clients, {"nino": CLIENT_NINO, "agent_type": "main"}


def _client_remove(emulator: EmulatorHarness) -> Live:
    _, browser = _accepted(emulator)
    return browser, f"{MANAGE}/remove", MANAGE, {"arn": "TARN0000001", "agent_type": "main"}


def _matching(emulator: EmulatorHarness) -> Live:
    person(emulator)
    client = emulator.new_client()
    agency(emulator, client)
    fields = {
        "first_name": "Sam",
        "last_name": "Patel",
        "nino": CLIENT_NINO,
        "dob_day": "29",
        "dob_month": "2",
        "dob_year": "1980",
    }
    path = "/agent-services-account/sign-up-client"
    return client, path, path, fields


FORMS: dict[str, Callable[[EmulatorHarness], Live]] = {
    "create an agent services account": _create,
    "copy Self Assessment authorisations": _copy,
    "request authorisation": _request,
    "cancel a request": _cancel,
    "the client's answer": _consent,
    "the client's identity check": _identity,
    "remove authorisation (agent)": _agent_remove,
    "remove an agent (client)": _client_remove,
    "client matching": _matching,
}


@pytest.mark.parametrize("form", sorted(FORMS))
@FUZZ
@given(data=st.data())
def test_agent_forms_never_fail_on_hostile_fields(
    emulator: EmulatorHarness, form: str, data: st.DataObject
) -> None:
    emulator.services.store.reset()
    client, path, page, fields = FORMS[form](emulator)
    token = csrf_token(client.get(page).text)
    post_hostile(
        client, path, token, fields, data, lambda: row_counts(emulator.services.store.engine)
    )
