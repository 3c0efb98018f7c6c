"""Agents' relationships with clients (:class:`RelationshipRepository`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import tables as t
from openmtd.emulator.adapters.db.accounts import ACCOUNTS, ENROLMENTS
from openmtd.emulator.adapters.db.convert import core, utc, utc_or_none
from openmtd.emulator.storage import (
    ClientLookup,
    Enrolment,
    Relationship,
    RelationshipRepository,
)

_RELATIONSHIPS: Final = t.Base.metadata.tables["agent_relationships"]

# The MTD APIs' authorisation in one statement, built once (it runs on every such call): the
# first account holding the NINO, LEFT JOINed to its group's enrolments of one key and to one
# ARN's active relationships with the NINO (a NULL ARN matches none). One row per enrolment and
# relationship pair, or one with NULLs.
_FIRST_HOLDER: Final = (
    select(func.min(ACCOUNTS.c.id)).where(ACCOUNTS.c.nino == bindparam("nino")).scalar_subquery()
)
_CLIENT_LOOKUP: Final = (
    select(
        ACCOUNTS.c.nino,
        ENROLMENTS.c.id.label("e_id"),
        ENROLMENTS.c.key.label("e_key"),
        ENROLMENTS.c.identifier_name.label("e_identifier_name"),
        ENROLMENTS.c.identifier_value.label("e_identifier_value"),
        ENROLMENTS.c.state.label("e_state"),
        *(column.label(f"r_{column.name}") for column in _RELATIONSHIPS.c),
    )
    .select_from(
        ACCOUNTS.outerjoin(
            ENROLMENTS,
            (ENROLMENTS.c.group_pk == ACCOUNTS.c.group_pk)
            & (ENROLMENTS.c.key == bindparam("enrolment_key")),
        ).outerjoin(
            _RELATIONSHIPS,
            (_RELATIONSHIPS.c.client_nino == ACCOUNTS.c.nino)
            & (_RELATIONSHIPS.c.arn == bindparam("arn"))
            & _RELATIONSHIPS.c.ended_at.is_(None),
        )
    )
    .where(ACCOUNTS.c.id == _FIRST_HOLDER)
    .order_by(ENROLMENTS.c.id, _RELATIONSHIPS.c.id)
)


def _relationship(row: Any, prefix: str = "") -> Relationship:
    """A relationship from a row of the table's columns, each name after ``prefix``."""

    def value(name: str) -> Any:
        return getattr(row, prefix + name)

    return Relationship(
        id=value("id"),
        arn=value("arn"),
        client_nino=value("client_nino"),
        agent_type=value("agent_type"),
        created_at=utc(value("created_at")),
        client_mtditid=value("client_mtditid"),
        ended_at=utc_or_none(value("ended_at")),
        ended_by=value("ended_by"),
        invitation_id=value("invitation_id"),
        sa_agent_reference=value("sa_agent_reference"),
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

    def client_lookup(self, nino: str, enrolment_key: str, arn: str | None) -> ClientLookup | None:
        params = {"nino": nino, "enrolment_key": enrolment_key, "arn": arn}
        rows = list(core(self._session).execute(_CLIENT_LOOKUP, params))
        if not rows:
            return None
        first = rows[0]
        enrolment = None
        if first.e_id is not None:
            enrolment = Enrolment(
                first.e_key, first.e_identifier_name, first.e_identifier_value, first.e_state
            )
        # Rows repeat each relationship once per enrolment of the key: keep the first of each.
        relationships: dict[int, Relationship] = {}
        for row in rows:
            if row.r_id is not None and row.r_id not in relationships:
                relationships[row.r_id] = _relationship(row, "r_")
        return ClientLookup(first.nino, enrolment, tuple(relationships.values()))
