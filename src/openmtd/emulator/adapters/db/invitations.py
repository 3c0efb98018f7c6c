"""Authorisation requests (:class:`InvitationRepository`)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import agent_tables as t
from openmtd.emulator.adapters.db.convert import utc
from openmtd.emulator.storage import InvitationRepository, StoredInvitation
from openmtd.rules.agents import AgentType, EndedBy, Invitation, InvitationStatus


def _stored(row: t.InvitationRow) -> StoredInvitation:
    ended_by = row.relationship_ended_by
    return StoredInvitation(
        invitation_id=row.invitation_id,
        invitation=Invitation(
            arn=row.arn,
            client_id=row.client_id,
            agent_type=AgentType(row.agent_type),
            status=InvitationStatus(row.status),
            created=utc(row.created_at),
            expires_on=row.expires_on,
            updated=utc(row.updated_at),
            relationship_ended_by=EndedBy(ended_by) if ended_by else None,
        ),
        client_name=row.client_name,
    )


def _moves(invitation: Invitation) -> dict[str, object]:
    ended_by = invitation.relationship_ended_by
    return {
        "status": invitation.status.value,
        "updated_at": invitation.updated,
        "relationship_ended_by": ended_by.value if ended_by else None,
    }


class SqlInvitations(InvitationRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, stored: StoredInvitation) -> None:
        invitation = stored.invitation
        self._session.add(
            t.InvitationRow(
                invitation_id=stored.invitation_id,
                arn=invitation.arn,
                client_id=invitation.client_id,
                agent_type=invitation.agent_type.value,
                client_name=stored.client_name,
                created_at=invitation.created,
                expires_on=invitation.expires_on,
                **_moves(invitation),
            )
        )
        self._session.flush()

    def get(self, invitation_id: str) -> StoredInvitation | None:
        row = self._session.get(t.InvitationRow, invitation_id)
        return _stored(row) if row is not None else None

    def save(self, invitation_id: str, invitation: Invitation) -> None:
        self._session.execute(
            update(t.InvitationRow)
            .where(t.InvitationRow.invitation_id == invitation_id)
            .values(**_moves(invitation))
        )

    def _newest_first(self, where: ColumnElement[bool]) -> list[StoredInvitation]:
        rows = self._session.scalars(
            select(t.InvitationRow)
            .where(where)
            .order_by(t.InvitationRow.created_at.desc(), t.InvitationRow.invitation_id)
        )
        return [_stored(row) for row in rows]

    def for_agent(self, arn: str) -> list[StoredInvitation]:
        return self._newest_first(t.InvitationRow.arn == arn)

    def for_client(self, client_id: str) -> list[StoredInvitation]:
        return self._newest_first(t.InvitationRow.client_id == client_id)
