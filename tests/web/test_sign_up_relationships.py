"""What a completed sign-up brings an agent: a partial authorisation becomes a relationship,
and a legacy Self Assessment link is copied as the main agent (business rules §2.2, §2.3)."""

from __future__ import annotations

from openmtd.emulator.agents.services_account import link_legacy_reference
from openmtd.emulator.sign_up.complete import SignUpRequest, complete_sign_up
from openmtd.emulator.sign_up.facts import current_year
from openmtd.emulator.sign_up.journey import StartDate
from openmtd.rules.agents import InvitationStatus
from support.agents import (
    CLIENT_NINO,
    agency,
    answer,
    client_link,
    person,
    request_authorisation,
    sent_invitation_id,
    sign_in,
)
from support.emulator import EmulatorHarness


def _sign_up(emulator: EmulatorHarness, group_id: int, utr: str, arn: str | None = None) -> str:
    with emulator.services.store.transaction() as tx:
        subscription = complete_sign_up(
            tx,
            emulator.now(),
            SignUpRequest(
                nino=CLIENT_NINO,
                utr=utr,
                tax_year=current_year(emulator.now()),
                uk_property=StartDate(),
                group_id=group_id,
                arn=arn,
            ),
        )
    return subscription.mtditid


def test_a_partial_authorisation_becomes_a_relationship_at_sign_up(
    emulator: EmulatorHarness,
) -> None:
    client_account = person(emulator)
    _, arn = agency(emulator, emulator.client)
    invitation_id = sent_invitation_id(request_authorisation(emulator.client))
    browser = emulator.new_client()
    sign_in(browser, client_account)
    browser.get(client_link(emulator.client))
    answer(browser, invitation_id, "accept")
    utr = client_account.enrolment("IR-SA")
    assert utr is not None
    mtditid = _sign_up(emulator, client_account.group.id, utr.identifier_value)
    with emulator.services.store.transaction() as tx:
        (relationship,) = tx.relationships.active(client_nino=CLIENT_NINO)
        stored = tx.invitations.get(invitation_id)
    assert (relationship.arn, relationship.agent_type) == (arn, "main")
    assert relationship.client_mtditid == mtditid
    assert stored is not None
    assert stored.invitation.status is InvitationStatus.ACCEPTED


def test_a_legacy_link_is_copied_at_sign_up(emulator: EmulatorHarness) -> None:
    client_account = person(emulator)
    emulator.client.post(
        f"/emulator/people/{CLIENT_NINO}/legacy-sa-agents", json={"saAgentReference": "SA0001"}
    )
    with emulator.services.store.transaction() as tx:
        link_legacy_reference(tx, "TARN0000001", "SA0001", emulator.now())
    utr = client_account.enrolment("IR-SA")
    assert utr is not None
    _sign_up(emulator, client_account.group.id, utr.identifier_value)
    with emulator.services.store.transaction() as tx:
        (relationship,) = tx.relationships.active(client_nino=CLIENT_NINO)
    assert (relationship.arn, relationship.sa_agent_reference) == ("TARN0000001", "SA0001")
