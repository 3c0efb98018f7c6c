"""HMRC connections and the audit log on SQLAlchemy."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from openmtd.app.adapters.db import tables as t
from openmtd.app.adapters.db.convert import utc, utc_or_none
from openmtd.app.storage.audit import AuditEntry
from openmtd.app.storage.connections import Connection


def _connection(row: t.ConnectionRow) -> Connection:
    return Connection(
        user_id=row.user_id,
        nino=row.nino,
        connected_at=utc(row.connected_at),
        authority_ends_at=utc_or_none(row.authority_ends_at),
        scopes=tuple(row.scopes.split()),
        token_key=row.token_key,
    )


class SqlConnections:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, user_id: int) -> Connection | None:
        row = self._session.get(t.ConnectionRow, user_id)
        return None if row is None else _connection(row)

    def page(self, *, after: int = 0, limit: int = 100) -> list[Connection]:
        rows = self._session.scalars(
            select(t.ConnectionRow)
            .where(t.ConnectionRow.user_id > after)
            .order_by(t.ConnectionRow.user_id)
            .limit(limit)
        )
        return [_connection(row) for row in rows]

    def save(self, connection: Connection) -> None:
        self._session.merge(
            t.ConnectionRow(
                user_id=connection.user_id,
                nino=connection.nino,
                connected_at=connection.connected_at,
                authority_ends_at=connection.authority_ends_at,
                scopes=" ".join(connection.scopes),
                token_key=connection.token_key,
            )
        )
        self._session.flush()

    def delete(self, user_id: int) -> None:
        self._session.execute(delete(t.ConnectionRow).where(t.ConnectionRow.user_id == user_id))


class SqlAudit:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, entry: AuditEntry) -> None:
        self._session.add(
            t.AuditRow(
                at=entry.at,
                user_id=entry.user_id,
                nino=entry.nino,
                method=entry.method,
                path=entry.path[:500],
                status=entry.status,
                correlation_id=entry.correlation_id,
                outcome=entry.outcome[:200],
            )
        )
        self._session.flush()

    def for_user(self, user_id: int, *, limit: int = 100) -> list[AuditEntry]:
        rows = self._session.scalars(
            select(t.AuditRow)
            .where(t.AuditRow.user_id == user_id)
            .order_by(t.AuditRow.at.desc(), t.AuditRow.id.desc())
            .limit(limit)
        )
        return [
            AuditEntry(
                at=utc(row.at),
                user_id=row.user_id,
                nino=row.nino,
                method=row.method,
                path=row.path,
                status=row.status,
                correlation_id=row.correlation_id,
                outcome=row.outcome,
            )
            for row in rows
        ]
