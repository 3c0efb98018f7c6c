"""Sign-up eligibility reason keys per NINO and tax year (:class:`EligibilityRepository`)."""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import Insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import sign_up_tables as s
from openmtd.emulator.adapters.db.convert import core, utc
from openmtd.emulator.storage.sign_up import EligibilityRepository, StoredEligibility

_TABLE: Final = s.EligibilityRow.__table__


def _put(insert: Any) -> Insert:
    # One atomic upsert: two testers setting the same person's keys at once leave one row.
    statement = insert(_TABLE)
    upsert: Insert = statement.on_conflict_do_update(
        index_elements=["nino", "tax_year"],
        set_={name: statement.excluded[name] for name in ("reason_keys", "updated_at")},
    )
    return upsert


_PUT: Final = {"sqlite": _put(sqlite.insert), "postgresql": _put(postgresql.insert)}


class SqlEligibility(EligibilityRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def put(self, record: StoredEligibility) -> None:
        connection = core(self._session)
        connection.execute(
            _PUT[connection.dialect.name],
            {
                "nino": record.nino,
                "tax_year": record.tax_year,
                "reason_keys": list(record.reason_keys),
                "updated_at": record.updated_at,
            },
        )

    def for_nino(self, nino: str) -> list[StoredEligibility]:
        rows = self._session.scalars(
            select(s.EligibilityRow)
            .where(s.EligibilityRow.nino == nino)
            .order_by(s.EligibilityRow.tax_year)
            .execution_options(populate_existing=True)
        )
        return [
            StoredEligibility(
                nino=row.nino,
                tax_year=row.tax_year,
                reason_keys=tuple(row.reason_keys or ()),
                updated_at=utc(row.updated_at),
            )
            for row in rows
        ]
