"""The emulator's pretend phone network (:class:`PhoneRepository`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import tables as t
from openmtd.emulator.adapters.db.convert import utc
from openmtd.emulator.storage import PhoneRepository, TextMessage


class SqlPhone(PhoneRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def send(self, message: TextMessage) -> None:
        self._session.add(
            t.TextMessageRow(
                phone_number=message.phone_number, body=message.body, sent_at=message.sent_at
            )
        )

    def messages(self, phone_number: str) -> list[TextMessage]:
        rows = self._session.scalars(
            select(t.TextMessageRow)
            .where(t.TextMessageRow.phone_number == phone_number)
            .order_by(t.TextMessageRow.id.desc())
        )
        return [TextMessage(row.phone_number, row.body, utc(row.sent_at)) for row in rows]

    def count_since(self, phone_number: str, since: datetime) -> int:
        return int(
            self._session.scalar(
                select(func.count())
                .select_from(t.TextMessageRow)
                .where(
                    t.TextMessageRow.phone_number == phone_number,
                    t.TextMessageRow.sent_at > since,
                )
            )
            or 0
        )
