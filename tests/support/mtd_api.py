"""A world for the in-process tests of the MTD APIs (Retrieve ITSA Status, Business Details,
Obligations): an application, a customer holding ``HMRC-MTD-IT``, user tokens through
``/oauth/token``, ITSA statuses, a subscription and income sources seeded through storage, test
businesses made through Self Assessment Test Support, and agents with relationships."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from httpx2 import Response

from openmtd.emulator.agents import invitations, relationships, services_account
from openmtd.emulator.agents.clients import find_client
from openmtd.emulator.agents.services_account import ServicesAccountDetails
from openmtd.emulator.devhub.applications import CreatedApplication
from openmtd.emulator.oauth import journey
from openmtd.emulator.oauth.authorize import AuthorizeRequest
from openmtd.emulator.sign_up.complete import SignUpRequest, complete_sign_up
from openmtd.emulator.storage import (
    Account,
    Address,
    AffinityGroup,
    BusinessDetails,
    Enrolment,
    StoredStatus,
    Subscription,
)
from openmtd.rules.agents import AgentType, EndedBy
from openmtd.rules.clock import uk_date
from openmtd.rules.identifiers import SaUtr
from openmtd.rules.tax_year import TaxYear
from support.emulator import REDIRECT_URI, EmulatorHarness

NINO = "AA123456A"
MTDITID = "XAIT00000000001"
ARN = "TARN0000001"
READ = ("read:self-assessment",)
SATS = "/individuals/self-assessment-test-support"
AT = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)

NOT_AUTHORISED = (403, "CLIENT_OR_AGENT_NOT_AUTHORISED", "The client or agent is not authorised")
NOT_ENROLLED = (403, "CLIENT_NOT_MTD_ENROLLED", "The client does not have an active MTD enrolment")
NOT_FOUND = (404, "MATCHING_RESOURCE_NOT_FOUND", "Matching resource not found")
FORMAT_NINO = (400, "FORMAT_NINO", "The NINO format is invalid")
BAD_SCENARIO = (400, "RULE_INCORRECT_GOV_TEST_SCENARIO", "The Gov-Test-Scenario was not found")


def mtd_it(mtditid: str = MTDITID) -> Enrolment:
    return Enrolment("HMRC-MTD-IT", "MTDITID", mtditid)


def agent_services(arn: str = ARN) -> Enrolment:
    return Enrolment("HMRC-AS-AGENT", "AgentReferenceNumber", arn)


@dataclass
class World:
    emulator: EmulatorHarness
    created: CreatedApplication
    customer: Account

    def token(
        self,
        account: Account | None = None,
        scopes: tuple[str, ...] = READ,
        created: CreatedApplication | None = None,
    ) -> str:
        """A user-restricted access token for ``account`` (the customer), via /oauth/token."""
        created = created or self.created
        request = AuthorizeRequest(
            client_id=created.application.client_id,
            redirect_uri=REDIRECT_URI,
            scopes=scopes,
            state=None,
            code_challenge=None,
            code_challenge_method=None,
        )
        with self.emulator.services.store.transaction() as tx:
            redirect = journey.grant(
                tx, request, account or self.customer, self.emulator.services.clock.now_in(tx)
            )
        assert redirect.code is not None
        response = self.emulator.client.post(
            "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "client_id": created.application.client_id,
                "client_secret": created.client_secret,
                "redirect_uri": REDIRECT_URI,
                "code": redirect.code,
            },
        )
        assert response.status_code == 200, response.text
        token = response.json()["access_token"]
        assert isinstance(token, str)
        return token

    def get(
        self,
        url: str,
        version: str,
        *,
        token: str | None = None,
        as_account: Account | None = None,
        scenario: str | None = None,
        params: Mapping[str, str] | None = None,
    ) -> Response:
        """GET ``url`` with the API's version, as the customer unless told."""
        return self.request(
            url,
            accept=f"application/vnd.hmrc.{version}+json",
            token=token,
            as_account=as_account,
            scenario=scenario,
            params=params,
        )

    def request(
        self,
        url: str,
        *,
        accept: str | None,
        token: str | None = None,
        as_account: Account | None = None,
        scenario: str | None = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """GET ``url`` with exactly this Accept (none when None) and a bearer token: ``token``,
        else a new one for ``as_account`` (by default the customer)."""
        sent = {"Authorization": f"Bearer {token or self.token(as_account)}"}
        if scenario is not None:
            sent["Gov-Test-Scenario"] = scenario
        sent.update(headers or {})
        return send(self.emulator, url, accept=accept, headers=sent, params=params)

    # --- state -------------------------------------------------------------------------------
    def seed(self, *records: StoredStatus) -> None:
        """ITSA statuses, stored as they are."""
        with self.emulator.services.store.transaction() as tx:
            for stored in records:
                tx.itsa_statuses.add(stored)

    def status(self, tax_year: str, status: str = "MTD Voluntary", *, nino: str = NINO) -> None:
        with self.emulator.services.store.transaction() as tx:
            tx.itsa_statuses.add(
                StoredStatus(nino, tax_year, AT, status, "Sign up - no return available", None)
            )

    def subscription(self, tax_year: str) -> None:
        with self.emulator.services.store.transaction() as tx:
            assert tx.subscriptions.add(
                Subscription(NINO, MTDITID, "1000057161", tax_year, signed_up_at=AT)
            )

    def signed_up_business(
        self, business_id: str, kind: str = "self-employment", **extra: Any
    ) -> None:
        """An income source as sign-up keeps it (HMRC's own record)."""
        details: dict[str, Any] = {}
        if kind == "self-employment":
            details = {
                "trading_name": "Ida's Plumbing",
                "trading_type": "Plumber",
                "address": Address(line1="1 Pipe Street", line2="Leeds", postcode="TS1 1PA"),
                "trading_start_date": date(2025, 5, 1),
            }
        details.update(extra)
        with self.emulator.services.store.transaction() as tx:
            tx.business_details.add(
                BusinessDetails(
                    business_id=business_id,
                    nino=NINO,
                    mtditid=MTDITID,
                    type_of_business=kind,
                    accounting_period_start=date(2026, 4, 6),
                    accounting_period_end=date(2027, 4, 5),
                    created_at=AT,
                    **details,
                )
            )

    def test_business(
        self, body: Mapping[str, Any], *, created: CreatedApplication | None = None
    ) -> str:
        """A test business made through Self Assessment Test Support; its business ID."""
        token = self.token(scopes=("write:self-assessment",), created=created)
        response = self.emulator.client.post(
            f"{SATS}/business/{NINO}",
            headers={"Accept": "application/vnd.hmrc.1.0+json", "Authorization": f"Bearer {token}"},
            json=dict(body),
        )
        assert response.status_code == 201, response.text
        business_id = response.json()["businessId"]
        assert isinstance(business_id, str)
        return business_id

    # --- who calls ---------------------------------------------------------------------------
    def agent(self, arn: str = ARN) -> Account:
        return self.emulator.account(
            affinity_group=AffinityGroup.AGENT,
            enrolments=(agent_services(arn),),
            email=f"{arn.lower()}@example.com",
        )

    def relationship(
        self, agent_type: str, *, arn: str = ARN, mtditid: str | None = MTDITID, ended: bool = False
    ) -> None:
        """A relationship stored as it is (``mtditid`` None: one that names no MTDITID)."""
        with self.emulator.services.store.transaction() as tx:
            now = self.emulator.services.clock.now_in(tx)
            made = tx.relationships.add(arn, NINO, agent_type, now, mtditid)
            if ended:
                tx.relationships.end(made.id, now)


# --- agents and clients through the emulator's own services -----------------------------------
# The agent services account, authorisation requests, their answers and sign-up run the code
# the pages run (agents/services_account.py, agents/invitations.py, agents/relationships.py,
# sign_up/complete.py), each in one store transaction, so a world holds what a journey leaves.


def agency(emulator: EmulatorHarness, number: int) -> tuple[Account, str]:
    """An agent with an agent services account of their own: (account, ARN)."""
    account = emulator.account(
        affinity_group=AffinityGroup.AGENT,
        confidence_level=50,
        email=f"agency{number}@example.test",
    )
    details = ServicesAccountDetails(
        utr=str(SaUtr.generate(f"{800000000 + number:09d}")),
        postcode="LS1 4AP",
        agency_name=f"Agency {number}",
        email=f"desk{number}@example.test",
    )
    with emulator.services.store.transaction() as tx:
        record = services_account.create(tx, account, emulator.services.clock.now_in(tx), details)
    return account, record.arn


def send_request(
    emulator: EmulatorHarness,
    arn: str,
    client: Account,
    agent_type: str = "main",
    *,
    sent_at: datetime | None = None,
) -> str:
    """The agency asks ``client`` (with their postcode) to authorise it; the request's id."""
    assert client.nino is not None
    with emulator.services.store.transaction() as tx:
        now = sent_at or emulator.services.clock.now_in(tx)
        stored = invitations.create(tx, arn, client.nino, client.address.postcode, agent_type, now)
    return stored.invitation_id


def answer_request(
    emulator: EmulatorHarness, invitation_id: str, client: Account, *, yes: bool
) -> None:
    """The client accepts (a relationship, or a partial authorisation before sign-up) or
    rejects the request."""
    assert client.nino is not None
    with emulator.services.store.transaction() as tx:
        found = find_client(tx, client.nino)
        assert found is not None
        now = emulator.services.clock.now_in(tx)
        answer = invitations.accept if yes else invitations.reject
        answer(tx, invitation_id, found, now)


def cancel_request(emulator: EmulatorHarness, arn: str, invitation_id: str) -> None:
    """The agency withdraws its Pending request."""
    with emulator.services.store.transaction() as tx:
        invitations.cancel(tx, arn, invitation_id, emulator.services.clock.now_in(tx))


def remove_authorisation(
    emulator: EmulatorHarness, arn: str, client: Account, agent_type: str = "main"
) -> None:
    """The agency ends its relationship with the client ("remove authorisation")."""
    assert client.nino is not None
    with emulator.services.store.transaction() as tx:
        now = emulator.services.clock.now_in(tx)
        relationships.deauthorise(tx, client.nino, arn, AgentType(agent_type), EndedBy.AGENT, now)


def sign_up(emulator: EmulatorHarness, person: Account) -> str:
    """Sign ``person`` (who holds ``IR-SA``) up from the current tax year, with no income
    source, as confirming the sign-up journey does; their MTDITID."""
    assert person.nino is not None
    utr = person.enrolment("IR-SA")
    assert utr is not None
    with emulator.services.store.transaction() as tx:
        now = emulator.services.clock.now_in(tx)
        request = SignUpRequest(
            nino=person.nino,
            utr=utr.identifier_value,
            tax_year=TaxYear.containing(uk_date(now)),
            group_id=person.group.id,
        )
        return complete_sign_up(tx, now, request).mtditid


def make_world(emulator: EmulatorHarness) -> World:
    """The world each test module's ``world`` fixture gives."""
    created = emulator.application(rate_limit_per_second=1000)
    customer = emulator.account(nino=NINO, enrolments=(mtd_it(),))
    return World(emulator, created, customer)


def send(
    emulator: EmulatorHarness,
    url: str,
    *,
    accept: str | None,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
) -> Response:
    """A GET with exactly these headers (no Accept at all when ``accept`` is None)."""
    request = emulator.client.build_request("GET", url, params=params, headers=dict(headers or {}))
    if accept is None:
        del request.headers["accept"]
    else:
        request.headers["accept"] = accept
    return emulator.client.send(request)


def assert_platform_headers(response: Response) -> None:
    correlation_id = response.headers["x-correlationid"]
    assert str(uuid.UUID(correlation_id)) == correlation_id
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-type"] == "application/json"


def assert_error(response: Response, spec: tuple[int, str, str]) -> None:
    status, code, message = spec
    assert response.status_code == status, response.text
    assert response.json() == {"code": code, "message": message}
    assert_platform_headers(response)


def assert_invalid_request(response: Response, *specs: tuple[int, str, str]) -> None:
    """400 INVALID_REQUEST with exactly these errors, sorted by code."""
    assert response.status_code == 400, response.text
    assert response.json() == {
        "code": "INVALID_REQUEST",
        "message": "Invalid request",
        "errors": [
            {"code": code, "message": message}
            for _, code, message in sorted(specs, key=lambda s: s[1])
        ],
    }
