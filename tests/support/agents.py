"""Shortcuts for the agent services tests: agents, agencies, clients, and signing in and
posting forms the way the pages do (with the session's CSRF token)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from starlette.testclient import TestClient

from openmtd.emulator.storage import Account, Address, AffinityGroup, Enrolment
from openmtd.rules.identifiers import MtdItId, SaUtr
from support.emulator import PASSWORD, EmulatorHarness, csrf_token

CLIENT_NINO = "AA123456A"
OTHER_NINO = "AB123456C"
CLIENT_POSTCODE = "SW1A 2AA"
CLIENT_BORN = date(1980, 2, 29)
AGENCY_UTR = "1000057161"
OTHER_AGENCY_UTR = str(SaUtr.generate("000057162"))
_LINK = re.compile(r'id="client-link" class="path">([^<]+)<')
_ARN = re.compile(r'id="arn">([A-Z0-9]+)<')


def sign_in(client: TestClient, account: Account) -> Any:
    """Sign ``account`` in (no 2SV) in ``client``; the sign-in's response (a redirect)."""
    token = csrf_token(client.get("/gg/sign-in").text)
    return client.post(
        "/gg/sign-in",
        data={"csrf_token": token, "user_id": account.user_id, "password": PASSWORD},
    )


def post_form(client: TestClient, page: str, action: str, data: dict[str, str]) -> Any:
    """Post ``data`` to ``action`` with the CSRF token of the form on ``page``."""
    token = csrf_token(client.get(page).text)
    return client.post(action, data={"csrf_token": token, **data})


def agent(
    emulator: EmulatorHarness, *, legacy_reference: str | None = None, **details: Any
) -> Account:
    """An Agent account without an agent services account."""
    enrolments = (
        (Enrolment("IR-SA-AGENT", "IRAgentReference", legacy_reference),)
        if legacy_reference
        else ()
    )
    return emulator.account(
        affinity_group=AffinityGroup.AGENT,
        confidence_level=50,
        first_name=details.pop("first_name", "Alex"),
        last_name=details.pop("last_name", "Morgan"),
        email=details.pop("email", "alex@morgan.test"),
        enrolments=enrolments,
        **details,
    )


def create_agency(
    client: TestClient,
    *,
    name: str = "Morgan Accountants",
    utr: str = AGENCY_UTR,
) -> str:
    """Create the signed-in agent's agent services account through the page; its ARN."""
    response = post_form(
        client,
        "/agent-services-account/create",
        "/agent-services-account/create",
        {"utr": utr, "postcode": "LS1 4AP", "agency_name": name, "email": "desk@morgan.test"},
    )
    assert response.status_code == 303, response.text
    match = _ARN.search(client.get("/agent-services-account/created").text)
    assert match
    return match.group(1)


def agency(
    emulator: EmulatorHarness,
    client: TestClient,
    *,
    name: str = "Morgan Accountants",
    **details: Any,
) -> tuple[Account, str]:
    """An agent signed in in ``client`` with a new agent services account: (account, ARN)."""
    utr = details.pop("utr", AGENCY_UTR)
    account = agent(emulator, **details)
    sign_in(client, account)
    return account, create_agency(client, name=name, utr=utr)


def client_link(client: TestClient) -> str:
    """The signed-in agency's client link, as its home page shows it (a path)."""
    match = _LINK.search(client.get("/agent-services-account").text)
    assert match
    return match.group(1).removeprefix("http://testserver")


def person(
    emulator: EmulatorHarness,
    nino: str = CLIENT_NINO,
    *,
    signed_up: bool = False,
    sa: bool = True,
    number: int = 1,
    postcode: str = CLIENT_POSTCODE,
    **details: Any,
) -> Account:
    """An individual HMRC knows: a NINO, a postcode, a UTR unless ``sa=False``, and the
    ``HMRC-MTD-IT`` enrolment when ``signed_up``."""
    enrolments: list[Enrolment] = []
    if sa:
        enrolments.append(Enrolment("IR-SA", "UTR", str(SaUtr.generate(f"{number:09d}"))))
    if signed_up:
        enrolments.append(
            Enrolment("HMRC-MTD-IT", "MTDITID", str(MtdItId.generate(f"{number:011d}")))
        )
    return emulator.account(
        first_name=details.pop("first_name", "Sam"),
        last_name=details.pop("last_name", "Patel"),
        email=details.pop("email", f"person{number}@example.test"),
        nino=nino,
        date_of_birth=details.pop("date_of_birth", CLIENT_BORN),
        address=Address("2 Albert Terrace", postcode=postcode),
        enrolments=tuple(enrolments),
        **details,
    )


def request_authorisation(
    client: TestClient,
    nino: str = CLIENT_NINO,
    postcode: str = CLIENT_POSTCODE,
    agent_type: str = "main",
) -> Any:
    """Send an authorisation request from the signed-in agency's page."""
    return post_form(
        client,
        "/agent-services-account/authorisation-request",
        "/agent-services-account/authorisation-request",
        {"client_nino": nino, "postcode": postcode, "agent_type": agent_type},
    )


def sent_invitation_id(response: Any) -> str:
    """The invitation id in the redirect after sending a request."""
    location: str = response.headers["location"]
    return location.split("/")[-2]


CONSENT = "/agent-client-relationships/appoint-someone-to-deal-with-HMRC-for-you/consent"


def answer(client: TestClient, invitation_id: str, decision: str) -> Any:
    """The signed-in client's answer to one request on the consent page."""
    return post_form(
        client, CONSENT, CONSENT, {"invitation_id": invitation_id, "decision": decision}
    )
