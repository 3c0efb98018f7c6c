"""Browser sessions for the web journeys (:class:`SessionRepository`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import tables as t
from openmtd.emulator.adapters.db.convert import utc
from openmtd.emulator.storage import BrowserSession, SessionRepository


def _browser_session(row: t.BrowserSessionRow) -> BrowserSession:
    return BrowserSession(
        id_hash=row.id_hash,
        csrf_token=row.csrf_token,
        created_at=utc(row.created_at),
        last_seen_at=utc(row.last_seen_at),
        account_id=row.account_pk,
        data=dict(row.data or {}),
    )


class SqlSessions(SessionRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, session: BrowserSession) -> None:
        self._session.add(
            t.BrowserSessionRow(
                id_hash=session.id_hash,
                csrf_token=session.csrf_token,
                account_pk=session.account_id,
                data=dict(session.data),
                created_at=session.created_at,
                last_seen_at=session.last_seen_at,
            )
        )
        self._session.flush()

    def get(self, id_hash: str) -> BrowserSession | None:
        row = self._session.get(t.BrowserSessionRow, id_hash)
        return _browser_session(row) if row else None

    def save(self, session: BrowserSession) -> None:
        self._session.execute(
            update(t.BrowserSessionRow)
            .where(t.BrowserSessionRow.id_hash == session.id_hash)
            .values(
                csrf_token=session.csrf_token,
                account_pk=session.account_id,
                data=dict(session.data),
                last_seen_at=session.last_seen_at,
            )
        )

    def delete(self, id_hash: str) -> None:
        self._session.execute(
            delete(t.BrowserSessionRow).where(t.BrowserSessionRow.id_hash == id_hash)
        )

    def delete_idle(self, before: datetime) -> int:
        result = self._session.execute(
            delete(t.BrowserSessionRow).where(t.BrowserSessionRow.last_seen_at < before)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
