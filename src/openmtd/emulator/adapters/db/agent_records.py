"""Agent services accounts' details (:class:`AgentRecordRepository`)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import agent_tables as t
from openmtd.emulator.adapters.db.convert import utc
from openmtd.emulator.storage import AgentRecord, AgentRecordRepository


def _record(row: t.AgentRecordRow) -> AgentRecord:
    return AgentRecord(
        arn=row.arn,
        agency_name=row.agency_name,
        email=row.email,
        client_link_uid=row.client_link_uid,
        created_at=utc(row.created_at),
        utr=row.utr,
        postcode=row.postcode,
    )


class SqlAgentRecords(AgentRecordRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, record: AgentRecord) -> None:
        self._session.add(
            t.AgentRecordRow(
                arn=record.arn,
                agency_name=record.agency_name,
                email=record.email,
                client_link_uid=record.client_link_uid,
                created_at=record.created_at,
                utr=record.utr,
                postcode=record.postcode,
            )
        )
        self._session.flush()

    def get(self, arn: str) -> AgentRecord | None:
        row = self._session.get(t.AgentRecordRow, arn)
        return _record(row) if row is not None else None

    def _one(self, where: ColumnElement[bool]) -> AgentRecord | None:
        row = self._session.scalars(select(t.AgentRecordRow).where(where).limit(1)).first()
        return _record(row) if row is not None else None

    def by_client_link_uid(self, uid: str) -> AgentRecord | None:
        return self._one(t.AgentRecordRow.client_link_uid == uid)

    def by_utr(self, utr: str) -> AgentRecord | None:
        return self._one(t.AgentRecordRow.utr == utr)
