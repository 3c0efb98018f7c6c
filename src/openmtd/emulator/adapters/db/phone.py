"""The emulator's pretend phone network (:class:`PhoneRepository`)."""

from __future__ import annotations

from sqlalchemy import select
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
