"""The API platform's shared state: rate-limit windows and fraud-header feedback
(:class:`PlatformRepository`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from sqlalchemy import Insert, bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import tables as t
from openmtd.emulator.adapters.db.accounts import ACCOUNT_COLUMNS, account_of, join_account
from openmtd.emulator.adapters.db.convert import core, scopes_of, utc, utc_or_none
from openmtd.emulator.storage import (
    AccessToken,
    Application,
    Caller,
    HeaderFeedback,
    PlatformRepository,
)

# Every statement of an API call is built once, here, and run with SQLAlchemy Core: building
# a statement costs more than running it, and the ORM's loading more again (docs/emulator.md,
# "Performance").

_TOKENS: Final = t.Base.metadata.tables["oauth_access_tokens"]
_APPLICATIONS: Final = t.Base.metadata.tables["devhub_applications"]
_STATE: Final = t.Base.metadata.tables["emulator_state"]
_WINDOWS: Final = t.Base.metadata.tables["platform_rate_windows"]
_FEEDBACK: Final = t.Base.metadata.tables["platform_header_feedback"]

#: The token (``t_``), its application (``p_``), its account (:data:`ACCOUNT_COLUMNS`, one row
#: per enrolment) and the clock offset, by the token's hash: one indexed read per API call.
_CALLER: Final = (
    select(
        select(_STATE.c.clock_offset_seconds)
        .where(_STATE.c.id == 1)
        .scalar_subquery()
        .label("clock_offset"),
        *(column.label(f"t_{column.key}") for column in _TOKENS.c),
        *(column.label(f"p_{column.key}") for column in _APPLICATIONS.c),
        *ACCOUNT_COLUMNS,
    )
    .select_from(
        join_account(
            _TOKENS.join(_APPLICATIONS, _APPLICATIONS.c.id == _TOKENS.c.application_pk),
            _TOKENS.c.account_pk,
        )
    )
    .where(_TOKENS.c.token_hash == bindparam("token_hash"))
    .order_by(t.Base.metadata.tables["gg_enrolments"].c.id)
)


def _upserts(
    build: Callable[[Any], Any],
) -> dict[str, Insert]:
    """One statement per dialect (SQLite's and PostgreSQL's ON CONFLICT are spelled alike
    but compiled by their own dialect's insert)."""
    return {"sqlite": build(sqlite.insert), "postgresql": build(postgresql.insert)}


def _count(insert: Any) -> Insert:
    # One atomic upsert: every worker sharing the database counts into the same row.
    statement = insert(_WINDOWS).values(
        application_pk=bindparam("application_pk"), window=bindparam("window"), count=1
    )
    return statement.on_conflict_do_update(  # type: ignore[no-any-return]
        index_elements=["application_pk", "window"], set_={"count": _WINDOWS.c.count + 1}
    ).returning(_WINDOWS.c.count)


def _record(insert: Any) -> Insert:
    # One atomic upsert per endpoint, so the table holds one row per endpoint however many
    # calls are made, and two workers recording at once cannot leave two rows.
    statement = insert(_FEEDBACK).values(
        {name: bindparam(name, type_=_FEEDBACK.c[name].type) for name in _FEEDBACK_FIELDS}
    )
    replaced = ("requested_at", "connection_method", "result")
    return statement.on_conflict_do_update(  # type: ignore[no-any-return]
        index_elements=["application_pk", "api", "method", "path"],
        set_={name: statement.excluded[name] for name in replaced},
    )


_FEEDBACK_FIELDS: Final = (
    "application_pk",
    "api",
    "method",
    "path",
    "requested_at",
    "connection_method",
    "result",
)
_COUNT: Final = _upserts(_count)
_RECORD: Final = _upserts(_record)


def _caller(rows: list[Any]) -> Caller:
    first = rows[0]
    token = AccessToken(
        token_hash=first.t_token_hash,
        application_id=first.t_application_pk,
        scopes=scopes_of(first.t_scopes),
        created_at=utc(first.t_created_at),
        expires_at=utc(first.t_expires_at),
        grant_id=first.t_grant_pk,
        account_id=first.t_account_pk,
        revoked_at=utc_or_none(first.t_revoked_at),
    )
    application = Application(
        id=first.p_id,
        client_id=first.p_client_id,
        name=first.p_name,
        redirect_uris=tuple(first.p_redirect_uris),
        apis=frozenset(first.p_apis),
        rate_limit_per_second=first.p_rate_limit_per_second,
        grant_length_days=first.p_grant_length_days,
        created_at=utc(first.p_created_at),
    )
    return Caller(token, application, account_of(rows), float(first.clock_offset or 0.0))


class SqlPlatform(PlatformRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def caller(self, token_hash: str) -> Caller | None:
        rows = list(core(self._session).execute(_CALLER, {"token_hash": token_hash}))
        return _caller(rows) if rows else None

    def count_request(self, application_id: int, window: int) -> int:
        connection = core(self._session)
        statement = _COUNT[connection.dialect.name]
        params = {"application_pk": application_id, "window": window}
        return int(connection.execute(statement, params).scalar_one())

    def forget_windows_before(self, window: int) -> None:
        self._session.execute(delete(_WINDOWS).where(_WINDOWS.c.window < window))

    def record_feedback(self, feedback: HeaderFeedback) -> None:
        connection = core(self._session)
        connection.execute(
            _RECORD[connection.dialect.name],
            {
                "application_pk": feedback.application_id,
                "api": feedback.api,
                "method": feedback.method,
                "path": feedback.path,
                "requested_at": feedback.requested_at,
                "connection_method": feedback.connection_method,
                "result": dict(feedback.result),
            },
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
