"""The annual review's reads and writes over every customer (:class:`AnnualReviewRepository`).

Customers are read in NINO order by key ranges. A batch's upper bound is the lowest of the
NINOs ``size`` rows on in each of the three tables (ITSA statuses, subscriptions, returns on
file), so no batch reads more than ``size`` rows from any table, however the customers are
spread between them, and every NINO falls in exactly one batch. Each batch is then four
queries (the bound, the statuses, the subscriptions, the returns pivoted to one row per NINO,
each an index range scan) and the records written are one bulk insert.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import ColumnElement, Numeric, Select, and_, case, func, select, type_coerce
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import sign_up_tables as _sign_up_tables  # noqa: F401 (registers the tables)
from openmtd.emulator.adapters.db import tables as t
from openmtd.emulator.adapters.db.bulk import insert_rows
from openmtd.emulator.adapters.db.convert import core
from openmtd.emulator.storage.annual_review import (
    AnnualReviewRepository,
    HeldStatus,
    ReviewBatch,
    ReviewedStatus,
)

_STATUSES: Final = t.Base.metadata.tables["itsa_statuses"]
_SUBSCRIPTIONS: Final = t.Base.metadata.tables["itsa_subscriptions"]
_RETURNS: Final = t.Base.metadata.tables["sa_returns_on_file"]
_CUSTOMER_TABLES: Final = (_STATUSES, _SUBSCRIPTIONS, _RETURNS)
_WRITTEN: Final = (
    "nino",
    "tax_year",
    "submitted_on",
    "status",
    "status_reason",
    "business_income",
    "application_pk",
)


def _in_range(nino: Any, low: str, high: str | None) -> ColumnElement[bool]:
    after = nino > low
    return after if high is None else and_(after, nino <= high)


def _bound(table: Any, low: str, size: int) -> Select[Any]:
    """The NINO ``size`` rows on from ``low`` in ``table`` (by its NINO index)."""
    return (
        select(table.c.nino)
        .where(table.c.nino > low)
        .order_by(table.c.nino)
        .limit(1)
        .offset(size - 1)
    )


class SqlAnnualReview(AnnualReviewRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def batches(
        self, up_to_year: str, income_years: Sequence[str], size: int
    ) -> Iterator[ReviewBatch]:
        connection = core(self._session)
        low = ""
        while True:
            bounds = [
                connection.execute(_bound(table, low, size)).scalar() for table in _CUSTOMER_TABLES
            ]
            held = [bound for bound in bounds if bound is not None]
            high = min(held) if held else None
            batch = self._batch(connection, low, high, up_to_year, income_years)
            if batch.ninos:
                yield batch
            if high is None:
                return
            low = high

    def _batch(
        self,
        connection: Any,
        low: str,
        high: str | None,
        up_to_year: str,
        income_years: Sequence[str],
    ) -> ReviewBatch:
        statuses: dict[str, list[HeldStatus]] = {}
        rows = connection.execute(
            select(
                _STATUSES.c.nino,
                _STATUSES.c.tax_year,
                _STATUSES.c.status,
                _STATUSES.c.status_reason,
                _STATUSES.c.business_income,
            )
            .where(_in_range(_STATUSES.c.nino, low, high), _STATUSES.c.tax_year <= up_to_year)
            .order_by(
                _STATUSES.c.nino,
                _STATUSES.c.tax_year,
                _STATUSES.c.submitted_on,
                _STATUSES.c.id,
            )
        )
        for nino, tax_year, status, reason, income in rows:
            held = statuses.get(nino)
            if held is None:
                held = statuses[nino] = []
            held.append((tax_year, status, reason, income))
        subscribed = set(
            connection.execute(
                select(_SUBSCRIPTIONS.c.nino).where(_in_range(_SUBSCRIPTIONS.c.nino, low, high))
            ).scalars()
        )
        incomes: dict[str, tuple[Decimal | None, ...]] = {}
        pivot = [
            type_coerce(
                func.max(
                    case(
                        (_RETURNS.c.tax_year == year, _RETURNS.c.qualifying_income),
                        else_=None,
                    )
                ),
                Numeric(13, 2),
            )
            for year in income_years
        ]
        for nino, *figures in connection.execute(
            select(_RETURNS.c.nino, *pivot)
            .where(_in_range(_RETURNS.c.nino, low, high))
            .group_by(_RETURNS.c.nino)
        ):
            incomes[nino] = tuple(figures)
        ninos = sorted(statuses.keys() | subscribed | incomes.keys())
        return ReviewBatch(ninos, statuses, subscribed, incomes)

    def add_statuses(
        self, tax_year: str, submitted_on: datetime, records: Sequence[ReviewedStatus]
    ) -> None:
        insert_rows(
            core(self._session),
            _STATUSES,
            _WRITTEN,
            [
                (nino, tax_year, submitted_on, status, reason, income, None)
                for nino, status, reason, income in records
            ],
        )
