"""Self Assessment returns on file per NINO and tax year (:class:`ReturnRepository`)."""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import Insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import sign_up_tables as s
from openmtd.emulator.adapters.db.convert import core, utc
from openmtd.emulator.storage.sign_up import ReturnOnFile, ReturnRepository

_TABLE: Final = s.ReturnOnFileRow.__table__
_REPLACED: Final = (
    "filed_on",
    "recorded_at",
    "self_employment_turnover",
    "uk_property_income",
    "foreign_property_income",
    "qualifying_income",
)


def _put(insert: Any) -> Insert:
    statement = insert(_TABLE)
    upsert: Insert = statement.on_conflict_do_update(
        index_elements=["nino", "tax_year"],
        set_={name: statement.excluded[name] for name in _REPLACED},
    )
    return upsert


_PUT: Final = {"sqlite": _put(sqlite.insert), "postgresql": _put(postgresql.insert)}


class SqlReturns(ReturnRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def put(self, record: ReturnOnFile) -> None:
        connection = core(self._session)
        connection.execute(
            _PUT[connection.dialect.name],
            {
                "nino": record.nino,
                "tax_year": record.tax_year,
                **{name: getattr(record, name) for name in _REPLACED},
            },
        )

    def for_nino(self, nino: str) -> list[ReturnOnFile]:
        rows = self._session.scalars(
            select(s.ReturnOnFileRow)
            .where(s.ReturnOnFileRow.nino == nino)
            .order_by(s.ReturnOnFileRow.tax_year)
            .execution_options(populate_existing=True)
        )
        return [
            ReturnOnFile(
                nino=row.nino,
                tax_year=row.tax_year,
                filed_on=row.filed_on,
                recorded_at=utc(row.recorded_at),
                self_employment_turnover=row.self_employment_turnover,
                uk_property_income=row.uk_property_income,
                foreign_property_income=row.foreign_property_income,
                qualifying_income=row.qualifying_income,
            )
            for row in rows
        ]
