"""Legacy Self Assessment links and mappings (:class:`LegacySaRepository`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import agent_tables as t
from openmtd.emulator.adapters.db.convert import utc
from openmtd.emulator.storage import LegacySaClientLink, LegacySaRepository


def _link(row: t.LegacySaLinkRow) -> LegacySaClientLink:
    return LegacySaClientLink(
        nino=row.nino,
        sa_agent_reference=row.sa_agent_reference,
        ended=row.ended,
        created_at=utc(row.created_at),
    )


class SqlLegacySa(LegacySaRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_client_link(self, link: LegacySaClientLink) -> None:
        row = self._session.get(t.LegacySaLinkRow, (link.nino, link.sa_agent_reference))
        if row is not None:
            row.ended = link.ended
        else:
            self._session.add(
                t.LegacySaLinkRow(
                    nino=link.nino,
                    sa_agent_reference=link.sa_agent_reference,
                    ended=link.ended,
                    created_at=link.created_at,
                )
            )
        self._session.flush()

    def client_links(
        self, *, nino: str | None = None, sa_agent_reference: str | None = None
    ) -> list[LegacySaClientLink]:
        statement = select(t.LegacySaLinkRow)
        if nino is not None:
            statement = statement.where(t.LegacySaLinkRow.nino == nino)
        if sa_agent_reference is not None:
            statement = statement.where(t.LegacySaLinkRow.sa_agent_reference == sa_agent_reference)
        rows = self._session.scalars(
            statement.order_by(t.LegacySaLinkRow.nino, t.LegacySaLinkRow.sa_agent_reference)
        )
        return [_link(row) for row in rows]

    def map_reference(self, arn: str, sa_agent_reference: str, at: datetime) -> bool:
        existing = self._session.scalar(
            select(t.SaMappingRow.id).where(
                t.SaMappingRow.arn == arn, t.SaMappingRow.sa_agent_reference == sa_agent_reference
            )
        )
        if existing is not None:
            return False
        self._session.add(
            t.SaMappingRow(arn=arn, sa_agent_reference=sa_agent_reference, created_at=at)
        )
        self._session.flush()
        return True

    def mapped_references(self, arn: str) -> list[str]:
        return list(
            self._session.scalars(
                select(t.SaMappingRow.sa_agent_reference)
                .where(t.SaMappingRow.arn == arn)
                .order_by(t.SaMappingRow.id)
            )
        )

    def arns_mapping(self, sa_agent_reference: str) -> list[str]:
        return list(
            self._session.scalars(
                select(t.SaMappingRow.arn)
                .where(t.SaMappingRow.sa_agent_reference == sa_agent_reference)
                .order_by(t.SaMappingRow.id)
            )
        )
