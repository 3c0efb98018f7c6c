"""The API platform's shared state: rate-limit windows and fraud-header feedback
(:class:`PlatformRepository`)."""

from __future__ import annotations

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import tables as t
from openmtd.emulator.adapters.db.convert import utc
from openmtd.emulator.storage import HeaderFeedback, PlatformRepository


class SqlPlatform(PlatformRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def count_request(self, application_id: int, window: int) -> int:
        # One atomic upsert: every worker sharing the database counts into the same row.
        table = t.RateLimitWindowRow.__table__
        assert isinstance(table, Table)
        dialect = self._session.get_bind().dialect.name
        insert_ = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = (
            insert_(table)
            .values(application_pk=application_id, window=window, count=1)
            .on_conflict_do_update(
                index_elements=["application_pk", "window"],
                set_={"count": table.c.count + 1},
            )
            .returning(table.c.count)
        )
        return int(self._session.execute(statement).scalar_one())

    def forget_windows_before(self, window: int) -> None:
        self._session.execute(
            delete(t.RateLimitWindowRow).where(t.RateLimitWindowRow.window < window)
        )

    def record_feedback(self, feedback: HeaderFeedback) -> None:
        # One atomic upsert per endpoint, so the table holds one row per endpoint however
        # many calls are made, and two workers recording at once cannot leave two rows.
        table = t.HeaderFeedbackRow.__table__
        assert isinstance(table, Table)
        dialect = self._session.get_bind().dialect.name
        insert_ = postgresql_insert if dialect == "postgresql" else sqlite_insert
        values = {
            "requested_at": feedback.requested_at,
            "connection_method": feedback.connection_method,
            "result": dict(feedback.result),
        }
        self._session.execute(
            insert_(table)
            .values(
                application_pk=feedback.application_id,
                api=feedback.api,
                method=feedback.method,
                path=feedback.path,
                **values,
            )
            .on_conflict_do_update(
                index_elements=["application_pk", "api", "method", "path"], set_=values
            )
        )

    def feedback(self, application_id: int, api: str) -> list[HeaderFeedback]:
        rows = self._session.scalars(
            select(t.HeaderFeedbackRow)
            .where(
                t.HeaderFeedbackRow.application_pk == application_id, t.HeaderFeedbackRow.api == api
            )
            .order_by(t.HeaderFeedbackRow.requested_at.desc(), t.HeaderFeedbackRow.id.desc())
        )
        return [
            HeaderFeedback(
                application_id=row.application_pk,
                api=row.api,
                method=row.method,
                path=row.path,
                requested_at=utc(row.requested_at),
                connection_method=row.connection_method,
                result=dict(row.result or {}),
            )
            for row in rows
        ]
