"""Quarterly updates received per NINO, business and period (:class:`FulfilledUpdateRepository`)."""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import Insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import obligation_tables as o
from openmtd.emulator.adapters.db.convert import core, utc
from openmtd.emulator.storage.obligations import FulfilledUpdate, FulfilledUpdateRepository

_TABLE: Final = o.FulfilledUpdateRow.__table__
_KEY: Final = ("nino", "business_id", "period_start", "period_end")
#: The business ID kept for a final declaration (the customer's, no business's).
_NO_BUSINESS: Final = ""


def _put(insert: Any) -> Insert:
    statement = insert(_TABLE)
    upsert: Insert = statement.on_conflict_do_update(
        index_elements=list(_KEY),
        set_={name: statement.excluded[name] for name in ("received_on", "recorded_at")},
    )
    return upsert


_PUT: Final = {"sqlite": _put(sqlite.insert), "postgresql": _put(postgresql.insert)}


class SqlFulfilledUpdates(FulfilledUpdateRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def put(self, record: FulfilledUpdate) -> None:
        connection = core(self._session)
        connection.execute(
            _PUT[connection.dialect.name],
            {
                "nino": record.nino,
                "business_id": record.business_id or _NO_BUSINESS,
                "period_start": record.period_start,
                "period_end": record.period_end,
                "received_on": record.received_on,
                "recorded_at": record.recorded_at,
            },
        )

    def for_nino(self, nino: str) -> list[FulfilledUpdate]:
        row = o.FulfilledUpdateRow
        rows = self._session.scalars(
            select(row)
            .where(row.nino == nino)
            .order_by(row.business_id, row.period_start, row.period_end)
            .execution_options(populate_existing=True)
        )
        return [
            FulfilledUpdate(
                nino=found.nino,
                business_id=found.business_id or None,
                period_start=found.period_start,
                period_end=found.period_end,
                received_on=found.received_on,
                recorded_at=utc(found.recorded_at),
            )
            for found in rows
        ]
