"""Authorisation codes, grants, access and refresh tokens (:class:`OAuthRepository`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import tables as t
from openmtd.emulator.adapters.db.convert import SCOPE_SEPARATOR, scopes_of, utc, utc_or_none
from openmtd.emulator.storage import (
    AccessToken,
    AuthorizationCode,
    Grant,
    GrantView,
    OAuthRepository,
    RefreshToken,
)


def _code(row: t.AuthorizationCodeRow) -> AuthorizationCode:
    return AuthorizationCode(
        code_hash=row.code_hash,
        application_id=row.application_pk,
        account_id=row.account_pk,
        redirect_uri=row.redirect_uri,
        scopes=scopes_of(row.scopes),
        code_challenge=row.code_challenge,
        created_at=utc(row.created_at),
        expires_at=utc(row.expires_at),
        used_at=utc_or_none(row.used_at),
        grant_id=row.grant_pk,
    )


def _grant(row: t.GrantRow) -> Grant:
    return Grant(
        id=row.id,
        application_id=row.application_pk,
        account_id=row.account_pk,
        scopes=scopes_of(row.scopes),
        created_at=utc(row.created_at),
        expires_at=utc(row.expires_at),
        revoked_at=utc_or_none(row.revoked_at),
    )


def _access_token(row: t.AccessTokenRow) -> AccessToken:
    return AccessToken(
        token_hash=row.token_hash,
        application_id=row.application_pk,
        scopes=scopes_of(row.scopes),
        created_at=utc(row.created_at),
        expires_at=utc(row.expires_at),
        grant_id=row.grant_pk,
        account_id=row.account_pk,
        revoked_at=utc_or_none(row.revoked_at),
    )


class SqlOAuth(OAuthRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_code(self, code: AuthorizationCode) -> None:
        self._session.add(
            t.AuthorizationCodeRow(
                code_hash=code.code_hash,
                application_pk=code.application_id,
                account_pk=code.account_id,
                redirect_uri=code.redirect_uri,
                scopes=SCOPE_SEPARATOR.join(code.scopes),
                code_challenge=code.code_challenge,
                created_at=code.created_at,
                expires_at=code.expires_at,
            )
        )

    def get_code(self, code_hash: str) -> AuthorizationCode | None:
        row = self._session.get(t.AuthorizationCodeRow, code_hash, populate_existing=True)
        return _code(row) if row else None

    def use_code(self, code_hash: str, at: datetime) -> bool:
        # A conditional UPDATE is the atomic compare-and-set: two concurrent exchanges of one
        # code cannot both see it unused.
        result = self._session.execute(
            update(t.AuthorizationCodeRow)
            .where(
                t.AuthorizationCodeRow.code_hash == code_hash,
                t.AuthorizationCodeRow.used_at.is_(None),
            )
            .values(used_at=at)
        )
        return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]

    def link_code_to_grant(self, code_hash: str, grant_id: int) -> None:
        self._session.execute(
            update(t.AuthorizationCodeRow)
            .where(t.AuthorizationCodeRow.code_hash == code_hash)
            .values(grant_pk=grant_id)
        )

    def add_grant(
        self,
        application_id: int,
        account_id: int,
        scopes: tuple[str, ...],
        created_at: datetime,
        expires_at: datetime,
    ) -> Grant:
        row = t.GrantRow(
            application_pk=application_id,
            account_pk=account_id,
            scopes=SCOPE_SEPARATOR.join(scopes),
            created_at=created_at,
            expires_at=expires_at,
        )
        self._session.add(row)
        self._session.flush()
        return _grant(row)

    def get_grant(self, grant_id: int) -> Grant | None:
        row = self._session.get(t.GrantRow, grant_id)
        return _grant(row) if row else None

    def revoke_grant(self, grant_id: int, at: datetime) -> None:
        self._session.execute(
            update(t.GrantRow)
            .where(t.GrantRow.id == grant_id, t.GrantRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        self._session.execute(
            update(t.AccessTokenRow)
            .where(t.AccessTokenRow.grant_pk == grant_id, t.AccessTokenRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        self._session.execute(
            update(t.RefreshTokenRow)
            .where(t.RefreshTokenRow.grant_pk == grant_id, t.RefreshTokenRow.used_at.is_(None))
            .values(used_at=at)
        )

    def grants_for_account(self, account_id: int) -> list[GrantView]:
        rows = self._session.execute(
            select(t.GrantRow, t.ApplicationRow.name)
            .join(t.ApplicationRow, t.ApplicationRow.id == t.GrantRow.application_pk)
            .where(t.GrantRow.account_pk == account_id, t.GrantRow.revoked_at.is_(None))
            .order_by(t.GrantRow.created_at.desc(), t.GrantRow.id.desc())
        )
        return [GrantView(_grant(row), name) for row, name in rows]

    def add_access_token(self, token: AccessToken) -> None:
        self._session.add(
            t.AccessTokenRow(
                token_hash=token.token_hash,
                application_pk=token.application_id,
                grant_pk=token.grant_id,
                account_pk=token.account_id,
                scopes=SCOPE_SEPARATOR.join(token.scopes),
                created_at=token.created_at,
                expires_at=token.expires_at,
            )
        )

    def get_access_token(self, token_hash: str) -> AccessToken | None:
        row = self._session.get(t.AccessTokenRow, token_hash)
        return _access_token(row) if row else None

    def revoke_access_token(self, token_hash: str, at: datetime) -> None:
        self._session.execute(
            update(t.AccessTokenRow)
            .where(t.AccessTokenRow.token_hash == token_hash, t.AccessTokenRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    def add_refresh_token(self, token: RefreshToken) -> None:
        self._session.add(
            t.RefreshTokenRow(
                token_hash=token.token_hash,
                grant_pk=token.grant_id,
                access_token_hash=token.access_token_hash,
                created_at=token.created_at,
            )
        )

    def get_refresh_token(self, token_hash: str) -> RefreshToken | None:
        row = self._session.get(t.RefreshTokenRow, token_hash)
        if row is None:
            return None
        return RefreshToken(
            row.token_hash,
            row.grant_pk,
            row.access_token_hash,
            utc(row.created_at),
            utc_or_none(row.used_at),
        )

    def use_refresh_token(self, token_hash: str, at: datetime) -> bool:
        result = self._session.execute(
            update(t.RefreshTokenRow)
            .where(t.RefreshTokenRow.token_hash == token_hash, t.RefreshTokenRow.used_at.is_(None))
            .values(used_at=at)
        )
        return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]
