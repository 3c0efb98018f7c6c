"""Every typed method of the SDK's Client and AsyncClient against the emulator app in process
(no sockets): real answers read into the models, the errors typed, the NotAuthorised hint, the
Accept versions and the User-Agent sent. Each test runs with both clients."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from openmtd.rules.agents import AgentType, InvitationStatus
from openmtd.rules.itsa_status import ItsaStatus, StatusReason
from openmtd.sdk._caller import Caller
from openmtd.sdk._errors import (
    HmrcApiError,
    InsufficientScope,
    InvalidCredentials,
    InvalidRequest,
    NotAuthorised,
    NotFound,
    NotSignedUp,
)
from openmtd.sdk._models.business_details import TypeOfBusiness
from openmtd.sdk._models.fraud_headers import ValidationCode
from openmtd.sdk._models.itsa_status import SandboxItsaStatus, SandboxItsaStatusDetail
from openmtd.sdk._models.test_support import SandboxBusiness
from openmtd.sdk._versions import Api
from support.agent_api import AGENT_SCOPES, ARN, CLIENT_NINO, AgentWorld, make_agent_world
from support.agents import CLIENT_POSTCODE
from support.emulator import EmulatorHarness
from support.mtd_api import NINO, READ, World, make_world
from support.sdk_client import Clients, application_token
from support.sdk_oauth import PortalTransport

WRITE = ("write:self-assessment",)
YEAR = "2026-27"


@pytest.fixture
def transport(emulator: EmulatorHarness) -> Iterator[PortalTransport]:
    made = PortalTransport(emulator.app)
    yield made
    made.shutdown()


@pytest.fixture(params=["sync", "async"])
def clients(
    request: pytest.FixtureRequest, emulator: EmulatorHarness, transport: PortalTransport
) -> Clients:
    return Clients(emulator, transport, request.param)


@pytest.fixture
def world(emulator: EmulatorHarness) -> World:
    made = make_world(emulator)
    made.status(YEAR)
    return made


@pytest.fixture
def agents(emulator: EmulatorHarness) -> AgentWorld:
    return make_agent_world(emulator)


# --- Retrieve ITSA Status ----------------------------------------------------------------------
def test_retrieve_itsa_status(clients: Clients, world: World) -> None:
    answer = clients.call(
        lambda c: c.itsa_status.retrieve(NINO, YEAR, future_years=True), token=world.token()
    )
    year = answer.year(YEAR)
    assert year is not None
    assert year.latest is not None
    assert year.latest.status is ItsaStatus.VOLUNTARY
    assert year.latest.status_reason is StatusReason.SIGN_UP_NO_RETURN_AVAILABLE


def test_the_request_carries_the_version_and_user_agent(
    world: World, transport: PortalTransport, emulator: EmulatorHarness
) -> None:
    Clients(emulator, transport, "sync").call(
        lambda c: c.itsa_status.retrieve(NINO, YEAR, history=True),
        token=world.token(),
        user_agent="MyApp/1.0",
    )
    sent = transport.sent[-1]
    assert sent.headers["accept"] == "application/vnd.hmrc.2.0+json"
    assert sent.headers["user-agent"].startswith("MyApp/1.0 openmtd/")
    assert sent.url.params["history"] == "true"
    assert "futureYears" not in sent.url.params


def test_itsa_status_errors_are_typed(
    clients: Clients, world: World, emulator: EmulatorHarness
) -> None:
    token = world.token()
    with pytest.raises(InvalidRequest) as bad:
        clients.call(lambda c: c.itsa_status.retrieve(NINO, "2026-28"), token=token)
    assert bad.value.code == "RULE_TAX_YEAR_RANGE_INVALID"
    assert bad.value.status == 400
    assert bad.value.correlation_id
    with pytest.raises(InvalidCredentials):
        clients.call(lambda c: c.itsa_status.retrieve(NINO, YEAR), token="not-a-token")
    with pytest.raises(NotFound):
        clients.call(
            lambda c: c.itsa_status.retrieve(NINO, YEAR, scenario="NOT_FOUND"), token=token
        )
    with pytest.raises(InsufficientScope):
        clients.call(lambda c: c.itsa_status.retrieve(NINO, YEAR), token=world.token(scopes=WRITE))


def test_not_signed_up_is_told_apart(
    clients: Clients, world: World, emulator: EmulatorHarness
) -> None:
    person = emulator.account(nino="AB123456C", email="sam@example.com")
    with pytest.raises(NotSignedUp) as error:
        clients.call(lambda c: c.itsa_status.retrieve("AB123456C", YEAR), token=world.token(person))
    assert error.value.code == "CLIENT_NOT_MTD_ENROLLED"


def test_not_authorised_hints_whose_token_it_is(clients: Clients, world: World) -> None:
    other = "AB123456C"
    token = world.token()
    with pytest.raises(NotAuthorised) as unknown:
        clients.call(lambda c: c.itsa_status.retrieve(other, YEAR), token=token)
    assert unknown.value.hint is not None
    assert "Pass caller=" in unknown.value.hint
    with pytest.raises(NotAuthorised) as told:
        clients.call(
            lambda c: c.itsa_status.retrieve(other, YEAR),
            token=token,
            caller=Caller.individual(NINO),
        )
    assert told.value.hint == (
        f"the token is an individual's, signed in as NINO {NINO}, not {other}: a customer can "
        "only read their own records"
    )
    assert told.value.hint in str(told.value)


# --- Agent Authorisation and its test support ------------------------------------------------
def test_an_agents_requests_from_creation_to_acceptance(
    clients: Clients, agents: AgentWorld
) -> None:
    token = agents.token

    created = clients.call(
        lambda c: c.agents.create_request(ARN, CLIENT_NINO, CLIENT_POSTCODE), token=token
    )
    assert created.location == f"/agents/{ARN}/invitations/{created.invitation_id}"
    got = clients.call(lambda c: c.agents.get_request(ARN, created.invitation_id), token=token)
    assert got.status is InvitationStatus.PENDING
    assert got.agent_type is AgentType.MAIN
    assert got.invitation_id == created.invitation_id
    listed = clients.call(lambda c: c.agents.list_requests(ARN), token=token)
    assert [item.invitation_id for item in listed] == [created.invitation_id]
    postcode = clients.call(lambda c: c.agent_test_support.known_fact(CLIENT_NINO)).known_fact
    assert postcode == CLIENT_POSTCODE
    held = lambda c: c.agents.check_relationship(ARN, CLIENT_NINO, postcode)  # noqa: E731
    assert clients.call(held, token=token) is False
    clients.call(lambda c: c.agent_test_support.accept(created.invitation_id))
    assert clients.call(held, token=token) is True
    accepted = clients.call(lambda c: c.agents.get_request(ARN, created.invitation_id), token=token)
    assert accepted.status is InvitationStatus.ACCEPTED
    clients.call(lambda c: c.agents.deauthorise(ARN, CLIENT_NINO), token=token)
    assert clients.call(held, token=token) is False


def test_an_agent_cancels_and_a_client_rejects(clients: Clients, agents: AgentWorld) -> None:
    token = agents.token
    first = clients.call(
        lambda c: c.agents.create_request(ARN, CLIENT_NINO, CLIENT_POSTCODE), token=token
    )
    clients.call(lambda c: c.agents.cancel_request(ARN, first.invitation_id), token=token)
    cancelled = clients.call(lambda c: c.agents.get_request(ARN, first.invitation_id), token=token)
    assert cancelled.status is InvitationStatus.CANCELLED
    second = clients.call(
        lambda c: c.agents.create_request(ARN, CLIENT_NINO, CLIENT_POSTCODE, AgentType.SUPPORTING),
        token=token,
    )
    clients.call(lambda c: c.agent_test_support.reject(second.invitation_id))
    rejected = clients.call(lambda c: c.agents.get_request(ARN, second.invitation_id), token=token)
    assert rejected.status is InvitationStatus.REJECTED
    assert rejected.agent_type is AgentType.SUPPORTING
    with pytest.raises(HmrcApiError) as again:
        clients.call(lambda c: c.agent_test_support.accept(second.invitation_id))
    assert again.value.status == 409


def test_an_agents_hint_uses_what_the_client_learned(clients: Clients, agents: AgentWorld) -> None:
    """A relationship check teaches the client it is an agent's token with no relationship, so
    a 403 on the client's status says so."""
    both = (*AGENT_SCOPES, *READ)
    token = agents.world.token(agents.agency, both)

    def check_then_read(client: object) -> object:
        c = client  # the same client learns, then reads
        if hasattr(c, "aclose"):

            async def go() -> object:
                assert await c.agents.check_relationship(ARN, CLIENT_NINO, CLIENT_POSTCODE) is False  # type: ignore[attr-defined]
                return await c.itsa_status.retrieve(CLIENT_NINO, YEAR)  # type: ignore[attr-defined]

            return go()
        assert c.agents.check_relationship(ARN, CLIENT_NINO, CLIENT_POSTCODE) is False  # type: ignore[attr-defined]
        return c.itsa_status.retrieve(CLIENT_NINO, YEAR)  # type: ignore[attr-defined]

    with pytest.raises(NotAuthorised) as error:
        clients.call(check_then_read, token=token)
    assert error.value.hint == (
        f"the token is agent {ARN}'s and NINO {CLIENT_NINO} has not authorised it (a "
        "relationship check found none): send an authorisation request and have the client "
        "accept it, or check the NINO"
    )


def test_the_agent_api_refuses_a_non_agent(clients: Clients, agents: AgentWorld) -> None:
    from openmtd.sdk._errors import AgentNotPermitted

    token = agents.world.token(agents.world.customer, AGENT_SCOPES)
    with pytest.raises(AgentNotPermitted) as error:
        clients.call(lambda c: c.agents.list_requests(ARN), token=token)
    assert error.value.code == "NOT_AN_AGENT"


# --- Create Test User ----------------------------------------------------------------------------
def test_create_test_users(clients: Clients, world: World) -> None:
    token = application_token(world)
    person = clients.call(lambda c: c.test_users.create_individual(), token=token)
    assert person.nino
    assert person.mtd_it_id
    assert person.sa_utr
    assert person.password not in repr(person)
    agent = clients.call(lambda c: c.test_users.create_agent(), token=token)
    assert agent.agent_services_account_number
    organisation = clients.call(lambda c: c.test_users.create_organisation(), token=token)
    assert organisation.organisation_details.name
    services = clients.call(lambda c: c.test_users.services(), token=token)
    assert "mtd-income-tax" in {service.key for service in services}


# --- SA Test Support, Business Details, Obligations -------------------------------------------
def test_test_support_statuses_businesses_and_checkpoints(clients: Clients, world: World) -> None:
    write = world.token(scopes=(*WRITE, *READ))
    statuses = SandboxItsaStatus(
        itsa_status_details=(
            SandboxItsaStatusDetail(
                submitted_on="2026-05-01T10:00:00.000Z",
                status="MTD Mandated",
                status_reason="Sign up - return available",
                business_income_2_years_prior=60000.5,
            ),
        )
    )
    clients.call(lambda c: c.test_support.set_itsa_status(NINO, "2027-28", statuses), token=write)
    read = clients.call(
        lambda c: c.itsa_status.retrieve(NINO, "2027-28", scenario="STATEFUL"), token=write
    )
    latest = read.itsa_statuses[0].latest
    assert latest.status is ItsaStatus.MANDATED
    assert str(latest.business_income_2_years_prior) == "60000.5"

    checkpoint = clients.call(lambda c: c.test_support.create_checkpoint(NINO), token=write)
    business = SandboxBusiness(
        type_of_business="self-employment",
        trading_name="Ida's Plumbing",
        first_accounting_period_start_date="2026-04-06",
        first_accounting_period_end_date="2027-04-05",
        commencement_date="2026-04-06",
        accounting_type="CASH",
        business_address_line_one="1 Pipe Street",
        business_address_postcode="TS1 1PA",
        business_address_country_code="GB",
    )
    business_id = clients.call(
        lambda c: c.test_support.create_business(NINO, business), token=write
    )
    listed = clients.call(lambda c: c.business_details.list(NINO), token=write)
    assert [(b.business_id, b.type_of_business) for b in listed.list_of_businesses] == [
        (business_id, TypeOfBusiness.SELF_EMPLOYMENT)
    ]
    details = clients.call(lambda c: c.business_details.retrieve(NINO, business_id), token=write)
    assert details.trading_name == "Ida's Plumbing"
    checkpoints = clients.call(lambda c: c.test_support.list_checkpoints(NINO), token=write)
    assert [item.checkpoint_id for item in checkpoints.checkpoints] == [checkpoint]
    clients.call(lambda c: c.test_support.restore_checkpoint(checkpoint), token=write)
    with pytest.raises(NotFound):
        clients.call(lambda c: c.business_details.list(NINO), token=write)
    business_id = clients.call(
        lambda c: c.test_support.create_business(NINO, business), token=write
    )
    clients.call(lambda c: c.test_support.delete_business(NINO, business_id), token=write)
    clients.call(lambda c: c.test_support.delete_checkpoint(checkpoint), token=write)
    assert (
        clients.call(lambda c: c.test_support.list_checkpoints(NINO), token=write).checkpoints == ()
    )
    clients.call(lambda c: c.test_support.delete_vendor_state(NINO), token=write)


def test_business_details_scenarios(clients: Clients, world: World) -> None:
    token = world.token()
    both = clients.call(
        lambda c: c.business_details.list(NINO, scenario="BUSINESS_AND_PROPERTY"), token=token
    )
    assert [b.type_of_business for b in both.list_of_businesses] == [
        TypeOfBusiness.SELF_EMPLOYMENT,
        TypeOfBusiness.UK_PROPERTY,
    ]
    with pytest.raises(InvalidRequest) as error:
        clients.call(lambda c: c.business_details.retrieve(NINO, "nope"), token=token)
    assert error.value.code == "FORMAT_BUSINESS_ID"


def test_obligations(clients: Clients, world: World) -> None:
    world.subscription("2026-27")
    world.signed_up_business("XAIS00000000001")
    token = world.token()
    quarterly = clients.call(
        lambda c: c.obligations.income_and_expenditure(
            NINO, from_date=date(2026, 4, 6), to_date=date(2027, 4, 5)
        ),
        token=token,
    )
    (source,) = quarterly.obligations
    assert source.business_id == "XAIS00000000001"
    assert source.obligation_details[0].period_start_date == date(2026, 4, 6)
    final = clients.call(
        lambda c: c.obligations.final_declaration(NINO, tax_year="2026-27"), token=token
    )
    assert final.obligations[0].due_date == date(2028, 1, 31)
    with pytest.raises(InvalidRequest) as error:
        clients.call(
            lambda c: c.obligations.income_and_expenditure(NINO, status="closed"), token=token
        )
    assert error.value.code == "FORMAT_STATUS"


# --- Test Fraud Prevention Headers ---------------------------------------------------------------
def test_fraud_header_feedback(clients: Clients, world: World) -> None:
    token = application_token(world)
    verdict = clients.call(lambda c: c.test_fraud_headers.validate(), token=token)
    assert verdict.code is ValidationCode.INVALID_HEADERS
    assert not verdict.valid
    assert verdict.errors
    feedback = clients.call(lambda c: c.test_fraud_headers.feedback(Api.ITSA_STATUS), token=token)
    assert feedback.requests == ()
