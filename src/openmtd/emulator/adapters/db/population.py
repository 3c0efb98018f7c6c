"""A synthetic population's bulk writes (:class:`PopulationRepository`): one bulk insert per
table per batch (:mod:`~openmtd.emulator.adapters.db.bulk`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

import psycopg
from sqlalchemy import exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import agent_tables as _agent_tables  # noqa: F401 (registers the table)
from openmtd.emulator.adapters.db import sign_up_tables as _sign_up_tables  # noqa: F401 (registers the tables)
from openmtd.emulator.adapters.db import tables as t
from openmtd.emulator.adapters.db.bulk import driver_value, insert_rows
from openmtd.emulator.adapters.db.convert import core
from openmtd.emulator.storage.population import (
    PopulationBatch,
    PopulationClashError,
    PopulationRepository,
)

_STATUSES: Final = t.Base.metadata.tables["itsa_statuses"]
_RELATIONSHIPS: Final = t.Base.metadata.tables["agent_relationships"]
_SUBSCRIPTIONS: Final = t.Base.metadata.tables["itsa_subscriptions"]
_RETURNS: Final = t.Base.metadata.tables["sa_returns_on_file"]
_AGENTS: Final = t.Base.metadata.tables["agent_records"]
#: Enough ARNs in one IN list for every database.
_ARN_CHUNK: Final = 500


def _pounds_for(dialect: str) -> Callable[[int], Any]:
    """Pence as the database's numeric takes them: a float for SQLite (exact to the penny at
    these sizes, as SQLAlchemy stores a Decimal there), text for PostgreSQL's COPY."""
    if dialect == "postgresql":
        return lambda pence: f"{pence // 100}.{pence % 100:02d}"
    return lambda pence: pence / 100


class SqlPopulation(PopulationRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def holds_customers(self, first_nino: str, last_nino: str) -> bool:
        tables = (_STATUSES.c.nino, _SUBSCRIPTIONS.c.nino, _RETURNS.c.nino)
        checks = [exists().where(nino.between(first_nino, last_nino)) for nino in tables]
        checks.append(exists().where(_RELATIONSHIPS.c.client_nino.between(first_nino, last_nino)))
        return bool(core(self._session).execute(select(or_(*checks))).scalar())

    def holds_agents(self, arns: Sequence[str]) -> bool:
        connection = core(self._session)
        for start in range(0, len(arns), _ARN_CHUNK):
            chunk = arns[start : start + _ARN_CHUNK]
            found = connection.execute(
                select(
                    or_(
                        exists().where(_RELATIONSHIPS.c.arn.in_(chunk)),
                        exists().where(_AGENTS.c.arn.in_(chunk)),
                    )
                )
            ).scalar()
            if found:
                return True
        return False

    def add(self, batch: PopulationBatch) -> None:
        connection = core(self._session)
        pounds = _pounds_for(connection.dialect.name)
        # Every row's values as the driver takes them, converted here once per distinct value
        # (the batch's one time, a few hundred filing dates), not once per row.
        at = driver_value(connection, _STATUSES, "submitted_on")(batch.at)
        day = driver_value(connection, _RETURNS, "filed_on")
        insert_rows(
            connection,
            _RETURNS,
            (
                "nino",
                "tax_year",
                "filed_on",
                "recorded_at",
                "self_employment_turnover",
                "uk_property_income",
                "foreign_property_income",
                "qualifying_income",
            ),
            [
                (nino, year, day(filed), at, pounds(se), pounds(uk), pounds(fp), pounds(total))
                for nino, year, filed, se, uk, fp, total in batch.returns
            ],
            ready=True,
        )
        insert_rows(
            connection,
            _STATUSES,
            ("nino", "tax_year", "submitted_on", "status", "status_reason", "business_income"),
            [
                (nino, year, at, status, reason, None if income is None else pounds(income))
                for nino, year, status, reason, income in batch.statuses
            ],
            ready=True,
        )
        try:
            insert_rows(
                connection,
                _SUBSCRIPTIONS,
                ("nino", "mtditid", "utr", "tax_year", "signed_up_at", "channel", "arn"),
                [
                    (nino, mtditid, utr, year, at, "1", arn)
                    for nino, mtditid, utr, year, arn in batch.subscriptions
                ],
                ready=True,
            )
        except (IntegrityError, psycopg.errors.UniqueViolation) as clash:
            raise PopulationClashError(str(clash)) from clash
        insert_rows(
            connection,
            _RELATIONSHIPS,
            ("arn", "client_nino", "client_mtditid", "agent_type", "created_at"),
            [
                (arn, nino, mtditid, agent_type, at)
                for arn, nino, mtditid, agent_type in batch.relationships
            ],
            ready=True,
        )
