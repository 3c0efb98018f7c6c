"""The agent services account: creating it (an ARN with its check letter, HMRC-AS-AGENT), its
home page and client link, and copying existing Self Assessment authorisations."""

from __future__ import annotations

import html

import pytest

from openmtd.emulator.storage import AffinityGroup, Enrolment
from openmtd.rules.agent_services import CLIENT_LINK_PREFIX
from openmtd.rules.identifiers import Arn
from support.agents import (
    AGENCY_UTR,
    CLIENT_NINO,
    agency,
    agent,
    client_link,
    create_agency,
    person,
    post_form,
    sign_in,
)
from support.emulator import PASSWORD, EmulatorHarness, csrf_token

HOME = "/agent-services-account"
CREATE = "/agent-services-account/create"
COPY = "/agent-services-account/copy-self-assessment-authorisations"
FORM = {
    "utr": AGENCY_UTR,
    "postcode": "ls14ap",
    "agency_name": "Morgan Accountants",
    "email": "a@b.test",
}


def test_agent_pages_ask_for_sign_in_and_come_back_home(emulator: EmulatorHarness) -> None:
    client = emulator.client
    for path in (HOME, CREATE, COPY, "/agent-services-account/authorisation-requests"):
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == "/gg/sign-in"
    account = agent(emulator)
    assert sign_in(client, account).headers["location"] == HOME
    # Without an agent services account, home sends the agent to create one.
    assert client.get(HOME).headers["location"] == CREATE


def test_an_individual_is_told_the_service_is_for_agents(emulator: EmulatorHarness) -> None:
    sign_in(emulator.client, person(emulator))
    for path in (HOME, CREATE, COPY):
        response = emulator.client.get(path)
        assert response.status_code == 403
        assert "This service is for agents" in response.text
    response = post_form(emulator.client, "/", CREATE, FORM)
    assert response.status_code == 403


def test_an_agent_creates_an_agent_services_account(emulator: EmulatorHarness) -> None:
    client = emulator.client
    account = agent(emulator)
    sign_in(client, account)
    page = client.get(CREATE)
    assert page.status_code == 200
    assert "Create an agent services account" in page.text
    response = client.post(CREATE, data={"csrf_token": csrf_token(page.text), **FORM})
    assert response.status_code == 303
    assert response.headers["location"] == "/agent-services-account/created"
    created = client.get("/agent-services-account/created")
    assert "You have created an agent services account" in created.text
    with emulator.services.store.transaction() as tx:
        stored = tx.accounts.get(account.id)
        assert stored is not None
        enrolment = stored.enrolment("HMRC-AS-AGENT")
        assert enrolment is not None
        assert enrolment.identifier_name == "AgentReferenceNumber"
        arn = enrolment.identifier_value
        record = tx.agent_records.get(arn)
    # A valid ARN: check letter, ARN, 7 digits (business rules §2.1).
    assert Arn.is_valid(arn)
    assert arn in created.text
    assert record is not None
    assert (record.agency_name, record.utr, record.postcode) == (
        "Morgan Accountants",
        AGENCY_UTR,
        "LS1 4AP",
    )
    home = client.get(HOME)
    assert home.status_code == 200
    assert arn in home.text
    link = client_link(client)
    assert link == f"{CLIENT_LINK_PREFIX}/{record.client_link_uid}/morgan-accountants/income-tax"
    # Created once: the form now goes home.
    assert client.get(CREATE).headers["location"] == HOME
    again = client.post(CREATE, data={"csrf_token": csrf_token(home.text), **FORM})
    assert again.headers["location"] == HOME


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("utr", "", "Enter"),
        ("utr", "1234567890", "check"),
        ("postcode", "not a postcode", "real UK postcode"),
        ("agency_name", "   ", "Enter your agency's name"),
        ("agency_name", "x" * 101, "100 characters or fewer"),
        ("agency_name", "***", "at least one letter or number"),
        ("email", "no-at-sign", "Enter an email address"),
        ("email", "a b@c.test", "Enter an email address"),
        ("email", "a@" + "b" * 300, "Enter an email address"),
    ],
)
def test_each_detail_is_checked_on_the_page(
    emulator: EmulatorHarness, field: str, value: str, error: str
) -> None:
    sign_in(emulator.client, agent(emulator))
    response = post_form(emulator.client, CREATE, CREATE, {**FORM, field: value})
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.text
    assert error.lower() in html.unescape(response.text).lower()


def test_a_refused_value_is_named_against_its_field(emulator: EmulatorHarness) -> None:
    sign_in(emulator.client, agent(emulator))
    response = post_form(emulator.client, CREATE, CREATE, {**FORM, "agency_name": "bad\x00name"})
    assert response.status_code == 400
    assert 'id="agency_name-error"' in response.text


def test_one_utr_makes_one_agent_services_account(emulator: EmulatorHarness) -> None:
    agency(emulator, emulator.client)
    other = emulator.new_client()
    sign_in(other, agent(emulator, email="other@x.test"))
    response = post_form(other, CREATE, CREATE, FORM)
    assert response.status_code == 400
    assert "already exists for this Unique Taxpayer Reference" in response.text


def test_the_form_needs_its_csrf_token(emulator: EmulatorHarness) -> None:
    sign_in(emulator.client, agent(emulator))
    response = emulator.client.post(CREATE, data={**FORM, "csrf_token": "wrong"})
    assert response.status_code == 403
    assert "This form has expired" in response.text


def test_an_arn_given_directly_gets_details_and_a_link_on_first_use(
    emulator: EmulatorHarness,
) -> None:
    account = emulator.account(
        affinity_group=AffinityGroup.AGENT,
        confidence_level=50,
        first_name="Jo",
        last_name="Bloggs",
        enrolments=(Enrolment("HMRC-AS-AGENT", "AgentReferenceNumber", "TARN0000001"),),
    )
    sign_in(emulator.client, account)
    home = emulator.client.get(HOME)
    assert home.status_code == 200
    assert "TARN0000001" in home.text
    assert "/jo-bloggs/income-tax" in client_link(emulator.client)


# --- copy existing Self Assessment authorisations (business rules §2.3) -----------------------


def _signed_up_client_with_legacy_agent(emulator: EmulatorHarness, reference: str) -> None:
    person(emulator, signed_up=True)
    response = emulator.client.post(
        f"/emulator/people/{CLIENT_NINO}/legacy-sa-agents", json={"saAgentReference": reference}
    )
    assert response.status_code == 201, response.text


def test_an_agent_copies_the_reference_its_own_account_holds(emulator: EmulatorHarness) -> None:
    _signed_up_client_with_legacy_agent(emulator, "SA0001")
    _, arn = agency(emulator, emulator.client, legacy_reference="SA0001")
    page = emulator.client.get(COPY)
    assert "Copy authorisations from SA0001" in page.text
    response = emulator.client.post(
        COPY, data={"csrf_token": csrf_token(page.text), "source": "own"}
    )
    assert response.status_code == 200
    assert "Self Assessment authorisations copied" in response.text
    assert "1 client" in response.text
    with emulator.services.store.transaction() as tx:
        (relationship,) = tx.relationships.active(arn=arn)
    assert (relationship.client_nino, relationship.agent_type) == (CLIENT_NINO, "main")
    assert relationship.sa_agent_reference == "SA0001"
    assert relationship.client_mtditid is not None
    # Linking it again says so and copies nothing more.
    again = post_form(emulator.client, COPY, COPY, {"source": "own"})
    assert "already linked" in again.text
    assert "0 clients" in again.text
    assert "SA0001" in emulator.client.get(HOME).text


def test_without_its_own_reference_the_agent_signs_in_with_the_old_account(
    emulator: EmulatorHarness,
) -> None:
    _signed_up_client_with_legacy_agent(emulator, "SA0002")
    old = agent(emulator, legacy_reference="SA0002", email="old@x.test")
    _, arn = agency(emulator, emulator.client)
    page = emulator.client.get(COPY)
    assert "Copy authorisations from" not in page.text
    own = post_form(emulator.client, COPY, COPY, {"source": "own"})
    assert own.status_code == 400
    assert "no Self Assessment agent reference" in own.text
    wrong = post_form(
        emulator.client, COPY, COPY, {"source": "account", "user_id": old.user_id, "password": "x"}
    )
    assert wrong.status_code == 401
    assert "Enter a correct user ID and password" in wrong.text
    right = post_form(
        emulator.client,
        COPY,
        COPY,
        {"source": "account", "user_id": old.user_id, "password": PASSWORD},
    )
    assert right.status_code == 200
    assert "SA0002" in right.text
    with emulator.services.store.transaction() as tx:
        assert [r.client_nino for r in tx.relationships.active(arn=arn)] == [CLIENT_NINO]


def test_an_account_without_a_legacy_reference_cannot_be_copied_from(
    emulator: EmulatorHarness,
) -> None:
    plain = person(emulator, "AB123456C", number=2)
    agency(emulator, emulator.client)
    response = post_form(
        emulator.client,
        COPY,
        COPY,
        {"source": "account", "user_id": plain.user_id, "password": PASSWORD},
    )
    assert response.status_code == 400
    assert "IR-SA-AGENT" in response.text


def test_the_old_account_locks_after_wrong_passwords(emulator: EmulatorHarness) -> None:
    old = agent(emulator, legacy_reference="SA0003", email="old@x.test")
    agency(emulator, emulator.client)
    for _ in range(5):
        response = post_form(
            emulator.client,
            COPY,
            COPY,
            {"source": "account", "user_id": old.user_id, "password": "wrong"},
        )
    assert response.status_code == 401
    assert "Too many wrong passwords" in response.text


def test_a_refused_user_id_is_named(emulator: EmulatorHarness) -> None:
    agency(emulator, emulator.client)
    response = post_form(
        emulator.client, COPY, COPY, {"source": "account", "user_id": "1\x002", "password": "x"}
    )
    assert response.status_code == 400
    assert 'id="user_id-error"' in response.text


def test_copy_needs_an_agent_services_account_and_csrf(emulator: EmulatorHarness) -> None:
    sign_in(emulator.client, agent(emulator))
    assert emulator.client.get(COPY).headers["location"] == CREATE
    create_agency(emulator.client)
    response = emulator.client.post(COPY, data={"csrf_token": "nope", "source": "own"})
    assert response.status_code == 403
