"""The emulator's clock offset, shared by every worker (:class:`ClockRepository`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import tables as t
from openmtd.emulator.storage import ClockRepository


class SqlClock(ClockRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def offset_seconds(self) -> float:
        value = self._session.scalar(
            select(t.EmulatorStateRow.clock_offset_seconds).where(t.EmulatorStateRow.id == 1)
        )
        return float(value or 0.0)

    def set_offset_seconds(self, offset: float) -> None:
        row = self._session.get(t.EmulatorStateRow, 1)
        if row is None:
            self._session.add(t.EmulatorStateRow(id=1, clock_offset_seconds=offset))
        else:
            row.clock_offset_seconds = offset
        self._session.flush()
