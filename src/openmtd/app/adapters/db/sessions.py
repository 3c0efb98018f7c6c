"""Browser sessions on SQLAlchemy."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from openmtd.app.adapters.db import tables as t
from openmtd.app.adapters.db.convert import utc, utc_or_none
from openmtd.app.storage.sessions import WebSession


class SqlSessions:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, session: WebSession) -> None:
        self._session.add(
            t.SessionRow(
                id_hash=session.id_hash,
                csrf_token=session.csrf_token,
                user_id=session.user_id,
                second_factor_at=session.second_factor_at,
                second_factor_reference=session.second_factor_reference,
                data=dict(session.data),
                created_at=session.created_at,
                last_seen_at=session.last_seen_at,
            )
        )
        self._session.flush()

    def get(self, id_hash: str) -> WebSession | None:
        row = self._session.get(t.SessionRow, id_hash)
        if row is None:
            return None
        return WebSession(
            id_hash=row.id_hash,
            csrf_token=row.csrf_token,
            created_at=utc(row.created_at),
            last_seen_at=utc(row.last_seen_at),
            user_id=row.user_id,
            second_factor_at=utc_or_none(row.second_factor_at),
            second_factor_reference=row.second_factor_reference,
            data=dict(row.data or {}),
        )

    def save(self, session: WebSession) -> None:
        self._session.execute(
            update(t.SessionRow)
            .where(t.SessionRow.id_hash == session.id_hash)
            .values(
                csrf_token=session.csrf_token,
                user_id=session.user_id,
                second_factor_at=session.second_factor_at,
                second_factor_reference=session.second_factor_reference,
                data=dict(session.data),
                last_seen_at=session.last_seen_at,
            )
        )

    def delete(self, id_hash: str) -> None:
        self._session.execute(delete(t.SessionRow).where(t.SessionRow.id_hash == id_hash))

    def delete_idle(self, last_seen_before: datetime) -> None:
        self._session.execute(
            delete(t.SessionRow).where(t.SessionRow.last_seen_at < last_seen_before)
        )

    def delete_for_user(self, user_id: int) -> None:
        self._session.execute(delete(t.SessionRow).where(t.SessionRow.user_id == user_id))
