"""Users and recovery codes on SQLAlchemy. The TOTP secret is encrypted at rest with the
app's token keys (MultiFernet: the first key encrypts, every key decrypts)."""

from __future__ import annotations

from datetime import datetime

from cryptography.fernet import MultiFernet
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from openmtd.app.adapters.db import tables as t
from openmtd.app.adapters.db.convert import utc, utc_or_none
from openmtd.app.storage.accounts import AccountKind, EmailTakenError, RecoveryCode, User


class SqlUsers:
    def __init__(self, session: Session, fernet: MultiFernet) -> None:
        self._session = session
        self._fernet = fernet

    def _user(self, row: t.UserRow) -> User:
        secret = (
            self._fernet.decrypt(row.totp_secret.encode()).decode() if row.totp_secret else None
        )
        return User(
            id=row.id,
            email=row.email,
            name=row.name,
            password_hash=row.password_hash,
            kind=AccountKind(row.kind),
            created_at=utc(row.created_at),
            totp_secret=secret,
            totp_confirmed_at=utc_or_none(row.totp_confirmed_at),
            failed_sign_ins=row.failed_sign_ins,
            locked_until=utc_or_none(row.locked_until),
            totp_last_step=row.totp_last_step,
        )

    def add(
        self, *, email: str, name: str, password_hash: str, kind: AccountKind, now: datetime
    ) -> User:
        row = t.UserRow(
            email=email,
            email_key=email.casefold(),
            name=name,
            password_hash=password_hash,
            kind=kind.value,
            created_at=now,
            failed_sign_ins=0,
        )
        try:
            with self._session.begin_nested():
                self._session.add(row)
                self._session.flush()
        except IntegrityError:
            raise EmailTakenError(email) from None
        return self._user(row)

    def get(self, user_id: int) -> User | None:
        row = self._session.get(t.UserRow, user_id)
        return self._user(row) if row else None

    def by_email(self, email: str) -> User | None:
        row = self._session.scalar(select(t.UserRow).where(t.UserRow.email_key == email.casefold()))
        return self._user(row) if row else None

    def save(self, user: User) -> None:
        secret = (
            self._fernet.encrypt(user.totp_secret.encode()).decode() if user.totp_secret else None
        )
        self._session.execute(
            update(t.UserRow)
            .where(t.UserRow.id == user.id)
            .values(
                email=user.email,
                email_key=user.email_key,
                name=user.name,
                password_hash=user.password_hash,
                kind=user.kind.value,
                totp_secret=secret,
                totp_confirmed_at=user.totp_confirmed_at,
                failed_sign_ins=user.failed_sign_ins,
                locked_until=user.locked_until,
                totp_last_step=user.totp_last_step,
            )
        )


class SqlRecoveryCodes:
    def __init__(self, session: Session) -> None:
        self._session = session

    def replace(self, user_id: int, code_hashes: list[str]) -> None:
        self._session.execute(delete(t.RecoveryCodeRow).where(t.RecoveryCodeRow.user_id == user_id))
        self._session.add_all(
            t.RecoveryCodeRow(user_id=user_id, code_hash=code_hash) for code_hash in code_hashes
        )
        self._session.flush()

    def unused(self, user_id: int) -> list[RecoveryCode]:
        rows = self._session.scalars(
            select(t.RecoveryCodeRow)
            .where(t.RecoveryCodeRow.user_id == user_id, t.RecoveryCodeRow.used_at.is_(None))
            .order_by(t.RecoveryCodeRow.id)
        )
        return [RecoveryCode(row.id, row.user_id, row.code_hash, None) for row in rows]

    def use(self, code_id: int, now: datetime) -> bool:
        result = self._session.execute(
            update(t.RecoveryCodeRow)
            .where(t.RecoveryCodeRow.id == code_id, t.RecoveryCodeRow.used_at.is_(None))
            .values(used_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
