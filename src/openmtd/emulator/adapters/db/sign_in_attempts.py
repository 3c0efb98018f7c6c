"""Wrong-password counts and sign-in locks per typed user ID (:class:`SignInAttemptRepository`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, case, delete, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import tables as t
from openmtd.emulator.adapters.db.convert import utc, utc_or_none
from openmtd.emulator.storage import SignInAttemptRepository, SignInAttempts


class SqlSignInAttempts(SignInAttemptRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, key_hash: str, now: datetime) -> SignInAttempts | None:
        row = self._session.get(t.SignInAttemptRow, key_hash)
        if row is None or utc(row.expires_at) <= now:
            return None
        return SignInAttempts(
            key_hash=row.key_hash,
            failures=row.failures,
            expires_at=utc(row.expires_at),
            locked_until=utc_or_none(row.locked_until),
        )

    def count_failure(self, key_hash: str, now: datetime, expires_at: datetime) -> int:
        # One atomic upsert, so two workers counting the same user ID at once both count.
        table = t.SignInAttemptRow.__table__
        assert isinstance(table, Table)
        dialect = self._session.get_bind().dialect.name
        insert_ = postgresql_insert if dialect == "postgresql" else sqlite_insert
        expired = table.c.expires_at <= now
        statement = (
            insert_(table)
            .values(key_hash=key_hash, failures=1, locked_until=None, expires_at=expires_at)
            .on_conflict_do_update(
                index_elements=["key_hash"],
                set_={
                    "failures": case((expired, 1), else_=table.c.failures + 1),
                    "locked_until": case((expired, None), else_=table.c.locked_until),
                    "expires_at": expires_at,
                },
            )
            .returning(table.c.failures)
        )
        return int(self._session.execute(statement).scalar_one())

    def lock(self, key_hash: str, until: datetime) -> None:
        self._session.execute(
            update(t.SignInAttemptRow)
            .where(t.SignInAttemptRow.key_hash == key_hash)
            .values(failures=0, locked_until=until, expires_at=until)
        )

    def clear(self, key_hash: str) -> None:
        self._session.execute(
            delete(t.SignInAttemptRow).where(t.SignInAttemptRow.key_hash == key_hash)
        )

    def forget_expired(self, now: datetime) -> int:
        result = self._session.execute(
            delete(t.SignInAttemptRow).where(t.SignInAttemptRow.expires_at <= now)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
