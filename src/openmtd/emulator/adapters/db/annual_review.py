"""The annual review's reads and writes over every customer (:class:`AnnualReviewRepository`).

Customers are read in NINO order by key ranges. A batch's upper bound is the lowest of the
NINOs ``size`` rows on in each of the three tables (ITSA statuses, subscriptions, returns on
file), so no batch reads more than ``size`` rows from any table, however the customers are
spread between them, and every NINO falls in exactly one batch. Each batch is then six index
range scans (three for the bound; the statuses; the subscriptions; the returns, pivoted to one
row per NINO), read as the driver's plain rows, and the records written are one bulk insert.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import Any, Final

from sqlalchemy import ColumnElement, Connection, Numeric, Select, and_, case, func, select
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import sign_up_tables as _sign_up_tables  # noqa: F401 (registers the tables)
from openmtd.emulator.adapters.db import tables as t
from openmtd.emulator.adapters.db.bulk import insert_rows, plain_rows
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

_ToDecimal = Callable[[Any], Decimal]


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


def _statuses(low: str, high: str | None, up_to_year: str) -> Select[Any]:
    c = _STATUSES.c
    return (
        select(c.nino, c.tax_year, c.status, c.status_reason, c.business_income)
        .where(_in_range(c.nino, low, high), c.tax_year <= up_to_year)
        .order_by(c.nino, c.tax_year, c.submitted_on, c.id)
    )


def _incomes(low: str, high: str | None, income_years: Sequence[str]) -> Select[Any]:
    """One row per NINO with a return (for any year): the qualifying income of each year
    asked for (NULL when none is on file)."""
    c = _RETURNS.c
    pivot = [
        func.max(case((c.tax_year == year, c.qualifying_income), else_=None))
        for year in income_years
    ]
    return select(c.nino, *pivot).where(_in_range(c.nino, low, high)).group_by(c.nino)


def _decimals(connection: Connection) -> _ToDecimal | None:
    """How a plain numeric value becomes a Decimal: SQLite hands back floats (converted as
    SQLAlchemy converts them, to the column's two places); psycopg hands back Decimals."""
    dialect = connection.dialect
    if dialect.name == "postgresql":
        return None
    numeric: Any = Numeric(13, 2)
    processor: _ToDecimal = numeric.result_processor(dialect, None)
    return processor


def _batch(
    connection: Connection,
    to_decimal: _ToDecimal | None,
    low: str,
    high: str | None,
    up_to_year: str,
    income_years: Sequence[str],
) -> ReviewBatch:
    rows = plain_rows(connection, _statuses(low, high, up_to_year))
    statuses: dict[str, list[HeldStatus]]
    if to_decimal is None:
        statuses = {
            nino: [row[1:] for row in group] for nino, group in groupby(rows, key=itemgetter(0))
        }
    else:
        statuses = {
            nino: [
                (year, status, reason, None if income is None else to_decimal(income))
                for _, year, status, reason, income in group
            ]
            for nino, group in groupby(rows, key=itemgetter(0))
        }
    subscribed = {
        nino
        for (nino,) in plain_rows(
            connection,
            select(_SUBSCRIPTIONS.c.nino).where(_in_range(_SUBSCRIPTIONS.c.nino, low, high)),
        )
    }
    rows = plain_rows(connection, _incomes(low, high, income_years))
    if to_decimal is None:
        incomes = {row[0]: row[1:] for row in rows}
    else:
        incomes = {
            row[0]: tuple([None if value is None else to_decimal(value) for value in row[1:]])
            for row in rows
        }
    ninos = sorted(statuses.keys() | subscribed | incomes.keys())
    return ReviewBatch(ninos, statuses, subscribed, incomes)


class SqlAnnualReview(AnnualReviewRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def batches(
        self, up_to_year: str, income_years: Sequence[str], size: int
    ) -> Iterator[ReviewBatch]:
        connection = core(self._session)
        to_decimal = _decimals(connection)
        low = ""
        while True:
            bounds = [
                connection.execute(_bound(table, low, size)).scalar() for table in _CUSTOMER_TABLES
            ]
            held = [bound for bound in bounds if bound is not None]
            high = min(held) if held else None
            batch = _batch(connection, to_decimal, low, high, up_to_year, income_years)
            if batch.ninos:
                yield batch
            if high is None:
                return
            low = high

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
