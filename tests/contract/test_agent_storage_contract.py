"""Agent services' storage contract, on SQLite and PostgreSQL: agent records, authorisation
requests, legacy Self Assessment links and mappings, relationships with who ended them, and
enrolments added to an existing group."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from openmtd.emulator.adapters.db.store import SqlStore
from openmtd.emulator.storage import (
    AffinityGroup,
    AgentRecord,
    CredentialRole,
    Enrolment,
    LegacySaClientLink,
    NewAccount,
    StoredInvitation,
)
from openmtd.rules.agents import AgentType, EndedBy, Invitation, InvitationStatus

T0 = datetime(2026, 11, 26, 10, 0, 0, 123000, tzinfo=UTC)
ARN = "TARN0000001"
OTHER_ARN = "NARN0396245"
NINO = "AA123456A"


def _record(arn: str = ARN, uid: str = "ABCD1234", utr: str | None = "1000057161") -> AgentRecord:
    return AgentRecord(arn, "Morgan & Co", "desk@morgan.test", uid, T0, utr, "SW1A 2AA")


def test_agent_records_round_trip_and_are_found_by_link_id_and_utr(store: SqlStore) -> None:
    with store.transaction() as tx:
        tx.agent_records.add(_record())
        tx.agent_records.add(AgentRecord(OTHER_ARN, "Alex", "a@x.test", "ZZZZ9999", T0))
    with store.transaction() as tx:
        assert tx.agent_records.get(ARN) == _record()
        assert tx.agent_records.get("BARN1234567") is None
        assert tx.agent_records.by_client_link_uid("ZZZZ9999") == AgentRecord(
            OTHER_ARN, "Alex", "a@x.test", "ZZZZ9999", T0
        )
        assert tx.agent_records.by_client_link_uid("YYYY9999") is None
        assert tx.agent_records.by_utr("1000057161") == _record()
        assert tx.agent_records.by_utr("2000057161") is None


def test_a_link_id_belongs_to_one_agency(store: SqlStore) -> None:
    with store.transaction() as tx:
        tx.agent_records.add(_record())
    with pytest.raises(IntegrityError), store.transaction() as tx:
        tx.agent_records.add(_record(OTHER_ARN))


def _invitation(
    invitation_id: str, at: datetime, arn: str = ARN, nino: str = NINO
) -> StoredInvitation:
    return StoredInvitation(
        invitation_id, Invitation.create(arn, nino, AgentType.MAIN, at), "Sam Patel"
    )


def test_invitations_round_trip_move_and_list_newest_first(store: SqlStore) -> None:
    first = _invitation("AAAAAAAAAAA11", T0)
    second = _invitation("LBBBBBBBBBB22", T0 + timedelta(hours=1), nino="AB123456C")
    third = _invitation("ACCCCCCCCCC33", T0 + timedelta(hours=2), arn=OTHER_ARN)
    with store.transaction() as tx:
        for stored in (first, second, third):
            tx.invitations.add(stored)
    with store.transaction() as tx:
        assert tx.invitations.get("AAAAAAAAAAA11") == first
        assert tx.invitations.get("AZZZZZZZZZZ99") is None
        assert [s.invitation_id for s in tx.invitations.for_agent(ARN)] == [
            "LBBBBBBBBBB22",
            "AAAAAAAAAAA11",
        ]
        assert [s.invitation_id for s in tx.invitations.for_client(NINO)] == [
            "ACCCCCCCCCC33",
            "AAAAAAAAAAA11",
        ]
    later = T0 + timedelta(days=2)
    moved = first.invitation.accept(later, client_signed_up=True).deauthorise(later, EndedBy.CLIENT)
    with store.transaction() as tx:
        tx.invitations.save("AAAAAAAAAAA11", moved)
    with store.transaction() as tx:
        found = tx.invitations.get("AAAAAAAAAAA11")
        assert found is not None
        assert found.invitation == moved
        assert found.invitation.status is InvitationStatus.DEAUTHORISED
        assert found.invitation.relationship_ended_by is EndedBy.CLIENT
        assert found.invitation.expires_on == date(2026, 12, 17)


def test_legacy_client_links_are_one_per_client_and_reference(store: SqlStore) -> None:
    with store.transaction() as tx:
        tx.legacy_sa.add_client_link(LegacySaClientLink(NINO, "SA0001", False, T0))
        tx.legacy_sa.add_client_link(LegacySaClientLink(NINO, "SA0002", False, T0))
        tx.legacy_sa.add_client_link(LegacySaClientLink("AB123456C", "SA0001", True, T0))
    with store.transaction() as tx:
        # Adding it again changes whether it ended, nothing else.
        tx.legacy_sa.add_client_link(
            LegacySaClientLink(NINO, "SA0002", True, T0 + timedelta(days=1))
        )
    with store.transaction() as tx:
        assert tx.legacy_sa.client_links(nino=NINO) == [
            LegacySaClientLink(NINO, "SA0001", False, T0),
            LegacySaClientLink(NINO, "SA0002", True, T0),
        ]
        assert tx.legacy_sa.client_links(sa_agent_reference="SA0001") == [
            LegacySaClientLink(NINO, "SA0001", False, T0),
            LegacySaClientLink("AB123456C", "SA0001", True, T0),
        ]
        assert tx.legacy_sa.client_links(nino="AB123456C", sa_agent_reference="SA0002") == []
        assert len(tx.legacy_sa.client_links()) == 3


def test_legacy_references_map_to_arns_once(store: SqlStore) -> None:
    with store.transaction() as tx:
        assert tx.legacy_sa.map_reference(ARN, "SA0002", T0)
        assert tx.legacy_sa.map_reference(ARN, "SA0001", T0)
        assert not tx.legacy_sa.map_reference(ARN, "SA0002", T0)
        assert tx.legacy_sa.map_reference(OTHER_ARN, "SA0001", T0)
    with store.transaction() as tx:
        assert tx.legacy_sa.mapped_references(ARN) == ["SA0002", "SA0001"]
        assert tx.legacy_sa.mapped_references("BARN1234567") == []
        assert tx.legacy_sa.arns_mapping("SA0001") == [ARN, OTHER_ARN]
        assert tx.legacy_sa.arns_mapping("SA0009") == []


def test_relationships_keep_their_source_and_who_ended_them(store: SqlStore) -> None:
    with store.transaction() as tx:
        invited = tx.relationships.add(
            ARN, NINO, "main", T0, "XJIT00000328268", invitation_id="AAAAAAAAAAA11"
        )
        copied = tx.relationships.add(OTHER_ARN, NINO, "supporting", T0, sa_agent_reference="SA01")
    assert invited.invitation_id == "AAAAAAAAAAA11"
    assert invited.sa_agent_reference is None
    assert copied.sa_agent_reference == "SA01"
    with store.transaction() as tx:
        tx.relationships.end(invited.id, T0 + timedelta(hours=1), "Agent")
        # Ending it again changes nothing.
        tx.relationships.end(invited.id, T0 + timedelta(hours=2), "Client")
    with store.transaction() as tx:
        assert [r.id for r in tx.relationships.active(client_nino=NINO)] == [copied.id]
        every = tx.relationships.every(client_nino=NINO)
        assert [r.id for r in every] == [invited.id, copied.id]
        assert every[0].ended_at == T0 + timedelta(hours=1)
        assert every[0].ended_by == "Agent"
        assert every[1].ended_by is None
        assert [r.id for r in tx.relationships.every(arn=OTHER_ARN)] == [copied.id]
        assert tx.relationships.every(arn=ARN, client_nino="AB123456C") == []


def test_an_enrolment_is_added_to_an_existing_group(store: SqlStore) -> None:
    with store.transaction() as tx:
        account = tx.accounts.add(
            NewAccount(
                user_id="123456789012",
                password_hash="x",
                affinity_group=AffinityGroup.AGENT,
                credential_role=CredentialRole.USER,
                confidence_level=50,
                first_name="Alex",
                last_name="Morgan",
                email="alex@example.test",
                created_at=T0,
                enrolments=(Enrolment("IR-SA-AGENT", "IRAgentReference", "SA0001"),),
            )
        )
        tx.accounts.add_enrolment(
            account.group.id, Enrolment("HMRC-AS-AGENT", "AgentReferenceNumber", ARN)
        )
    with store.transaction() as tx:
        found = tx.accounts.get(account.id)
        assert found is not None
        assert [e.key for e in found.group.enrolments] == ["IR-SA-AGENT", "HMRC-AS-AGENT"]
        owner = tx.accounts.enrolment_owner("HMRC-AS-AGENT", ARN)
        assert owner is not None
        assert owner.id == account.id
