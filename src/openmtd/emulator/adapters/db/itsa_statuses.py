"""ITSA statuses by NINO and tax year (:class:`ItsaStatusRepository`)."""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import tables as t
from openmtd.emulator.adapters.db.convert import core, utc
from openmtd.emulator.storage import ItsaStatusRepository, StoredStatus

_STATUSES: Final = t.Base.metadata.tables["itsa_statuses"]
# Built once, read with Core (Retrieve ITSA Status reads it on every call).
_FOR_NINO: Final = (
    select(_STATUSES)
    .where(_STATUSES.c.nino == bindparam("nino"))
    .order_by(_STATUSES.c.tax_year, _STATUSES.c.submitted_on, _STATUSES.c.id)
)


def _stored_status(row: Any) -> StoredStatus:
    return StoredStatus(
        nino=row.nino,
        tax_year=row.tax_year,
        submitted_on=utc(row.submitted_on),
        status=row.status,
        status_reason=row.status_reason,
        business_income_2_years_prior=row.business_income,
        application_id=row.application_pk,
    )


class SqlItsaStatuses(ItsaStatusRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def _row(self, record: StoredStatus) -> t.ItsaStatusRow:
        return t.ItsaStatusRow(
            nino=record.nino,
            tax_year=record.tax_year,
            submitted_on=record.submitted_on,
            status=record.status,
            status_reason=record.status_reason,
            business_income=record.business_income_2_years_prior,
            application_pk=record.application_id,
        )

    def replace_year(self, nino: str, tax_year: str, records: list[StoredStatus]) -> None:
        self._session.execute(
            delete(t.ItsaStatusRow).where(
                t.ItsaStatusRow.nino == nino, t.ItsaStatusRow.tax_year == tax_year
            )
        )
        self._session.add_all(self._row(record) for record in records)

    def add(self, record: StoredStatus) -> None:
        self._session.add(self._row(record))

    def for_nino(self, nino: str) -> list[StoredStatus]:
        rows = core(self._session).execute(_FOR_NINO, {"nino": nino})
        return [_stored_status(row) for row in rows]

    def delete(self, *, application_id: int | None = None, nino: str | None = None) -> int:
        statement = delete(t.ItsaStatusRow)
        if application_id is not None:
            statement = statement.where(t.ItsaStatusRow.application_pk == application_id)
        if nino is not None:
            statement = statement.where(t.ItsaStatusRow.nino == nino)
        return int(self._session.execute(statement).rowcount)  # type: ignore[attr-defined]
