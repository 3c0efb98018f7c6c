"""Bulk reads and writes: many rows in one statement's worth of round trips.

Reads: :func:`plain_rows` runs a Core statement on the driver's own cursor and hands back its
plain tuples (no SQLAlchemy row or result processing per row: the caller converts the few
values that need it).

Writes:

SQLite: one prepared ``INSERT`` run by the driver's ``executemany`` (in process, so no round
trips to save, only Python per row). PostgreSQL: ``COPY ... FROM STDIN`` on the session's own
connection (psycopg streams the rows; the fastest way in). Either way in the caller's
transaction, with the values converted as SQLAlchemy would convert them for that database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.sql.expression import ClauseElement

_Processor = Callable[[Any], Any] | None


def _processors(connection: Connection, table: Table, columns: Sequence[str]) -> list[_Processor]:
    dialect = connection.dialect
    return [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]


def _converted(
    rows: Iterable[Sequence[Any]], processors: list[_Processor]
) -> list[tuple[Any, ...]]:
    """Rows with each value as the driver takes it. A value that is the very object the
    previous row held (a batch's one timestamp) is converted once."""
    active = [(index, process) for index, process in enumerate(processors) if process]
    last: dict[int, tuple[Any, Any]] = {}
    converted = []
    for row in rows:
        values = list(row)
        for index, process in active:
            value = values[index]
            if value is None:
                continue
            seen = last.get(index)
            if seen is not None and seen[0] is value:
                values[index] = seen[1]
            else:
                values[index] = out = process(value)
                last[index] = (value, out)
        converted.append(tuple(values))
    return converted


def plain_rows(connection: Connection, statement: ClauseElement) -> list[tuple[Any, ...]]:
    """The rows of ``statement`` as the driver returns them, in the connection's transaction."""
    compiled: Any = statement.compile(dialect=connection.dialect)
    params = compiled.construct_params()
    arguments: Any = (
        tuple(params[name] for name in compiled.positiontup or ())
        if compiled.positional
        else params
    )
    driver: Any = connection.connection.dbapi_connection
    cursor = driver.cursor()
    try:
        cursor.execute(str(compiled), arguments)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    finally:
        cursor.close()
    return rows


def driver_value(connection: Connection, table: Table, column: str) -> Callable[[Any], Any]:
    """A column's values as the driver takes them, each distinct value converted once (for
    columns with few values: a batch's dates and its one timestamp)."""
    processors = _processors(connection, table, [column])
    process = processors[0] or (lambda value: value)
    seen: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            converted = seen[value] = process(value)
            return converted

    return convert


def insert_rows(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    ready: bool = False,
) -> None:
    """Insert ``rows`` (values in the order of ``columns``) into ``table``; ``ready``: the
    values are already as the driver takes them (see :func:`driver_value`)."""
    if not rows:
        return
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        # SQLAlchemy's own connection, so COPY joins its transaction; psycopg adapts Decimal,
        # date and aware datetime values itself.
        driver: Any = connection.connection.dbapi_connection
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    connection.exec_driver_sql(
        f"INSERT INTO {table.name} ({names}) VALUES ({marks})",
        rows if ready else _converted(rows, _processors(connection, table, columns)),
    )
