"""Agents' relationships with clients (:class:`RelationshipRepository`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import tables as t
from openmtd.emulator.adapters.db.convert import core, utc, utc_or_none
from openmtd.emulator.storage import Relationship, RelationshipRepository

_RELATIONSHIPS: Final = t.Base.metadata.tables["agent_relationships"]


def _relationship(row: Any) -> Relationship:
    return Relationship(
        id=row.id,
        arn=row.arn,
        client_nino=row.client_nino,
        agent_type=row.agent_type,
        created_at=utc(row.created_at),
        client_mtditid=row.client_mtditid,
        ended_at=utc_or_none(row.ended_at),
        ended_by=row.ended_by,
        invitation_id=row.invitation_id,
        sa_agent_reference=row.sa_agent_reference,
    )


class SqlRelationships(RelationshipRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        arn: str,
        client_nino: str,
        agent_type: str,
        at: datetime,
        client_mtditid: str | None = None,
        *,
        invitation_id: str | None = None,
        sa_agent_reference: str | None = None,
    ) -> Relationship:
        row = t.RelationshipRow(
            arn=arn,
            client_nino=client_nino,
            client_mtditid=client_mtditid,
            agent_type=agent_type,
            created_at=at,
            invitation_id=invitation_id,
            sa_agent_reference=sa_agent_reference,
        )
        self._session.add(row)
        self._session.flush()
        return _relationship(row)

    def active(
        self, *, arn: str | None = None, client_nino: str | None = None
    ) -> list[Relationship]:
        # Core, not the ORM: an agent's Retrieve ITSA Status reads this on every call.
        table = _RELATIONSHIPS
        statement = select(table).where(table.c.ended_at.is_(None))
        if arn is not None:
            statement = statement.where(table.c.arn == arn)
        if client_nino is not None:
            statement = statement.where(table.c.client_nino == client_nino)
        rows = core(self._session).execute(statement.order_by(table.c.id))
        return [_relationship(row) for row in rows]

    def every(
        self, *, arn: str | None = None, client_nino: str | None = None
    ) -> list[Relationship]:
        table = _RELATIONSHIPS
        statement = select(table)
        if arn is not None:
            statement = statement.where(table.c.arn == arn)
        if client_nino is not None:
            statement = statement.where(table.c.client_nino == client_nino)
        rows = core(self._session).execute(statement.order_by(table.c.id))
        return [_relationship(row) for row in rows]

    def end(self, relationship_id: int, at: datetime, ended_by: str | None = None) -> None:
        self._session.execute(
            update(t.RelationshipRow)
            .where(t.RelationshipRow.id == relationship_id, t.RelationshipRow.ended_at.is_(None))
            .values(ended_at=at, ended_by=ended_by)
        )
