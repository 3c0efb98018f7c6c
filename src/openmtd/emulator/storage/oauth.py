"""Developer Hub applications and OAuth records (codes, grants, tokens) and their repositories."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ClientSecret:
    id: int
    secret_hash: str
    hint: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NewApplication:
    client_id: str
    name: str
    redirect_uris: tuple[str, ...]
    apis: frozenset[str]
    rate_limit_per_second: int
    grant_length_days: int
    created_at: datetime
    secret_hash: str
    secret_hint: str


@dataclass(frozen=True, slots=True)
class Application:
    """A Developer Hub application."""

    id: int
    client_id: str
    name: str
    redirect_uris: tuple[str, ...]
    apis: frozenset[str]
    rate_limit_per_second: int
    grant_length_days: int
    created_at: datetime
    secrets: tuple[ClientSecret, ...] = ()


@dataclass(frozen=True, slots=True)
class AuthorizationCode:
    """An authorisation code (stored by hash), single-use, ten minutes."""

    code_hash: str
    application_id: int
    account_id: int
    redirect_uri: str
    scopes: tuple[str, ...]
    code_challenge: str | None
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    grant_id: int | None = None


@dataclass(frozen=True, slots=True)
class Grant:
    """Authority a user gave an application, until it expires or is revoked."""

    id: int
    application_id: int
    account_id: int
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class GrantView:
    """A grant with the application's name, for "Manage authorised applications"."""

    grant: Grant
    application_name: str


@dataclass(frozen=True, slots=True)
class AccessToken:
    """An access token (stored by hash). ``grant_id`` is None for client_credentials."""

    token_hash: str
    application_id: int
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime
    grant_id: int | None = None
    account_id: int | None = None
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RefreshToken:
    token_hash: str
    grant_id: int
    access_token_hash: str
    created_at: datetime
    used_at: datetime | None = None


class ApplicationRepository(Protocol):
    """Developer Hub applications. Used by ``devhub`` and ``oauth``."""

    def add(self, application: NewApplication) -> Application: ...

    def get_by_client_id(self, client_id: str) -> Application | None: ...

    def get(self, application_id: int) -> Application | None: ...

    def list(self) -> list[Application]: ...

    def update(self, application: Application) -> None:
        """Write back name, redirect URIs, subscriptions, rate limit and grant length."""
        ...

    def add_secret(
        self, application_id: int, secret_hash: str, hint: str, at: datetime
    ) -> None: ...

    def delete_secret(self, application_id: int, secret_id: int) -> bool: ...


class OAuthRepository(Protocol):
    """Codes, grants and tokens. Used by ``oauth`` (grants, token checks, revocation)."""

    def add_code(self, code: AuthorizationCode) -> None: ...

    def get_code(self, code_hash: str) -> AuthorizationCode | None: ...

    def use_code(self, code_hash: str, at: datetime) -> bool:
        """Mark a code used, atomically: False when it was already used."""
        ...

    def link_code_to_grant(self, code_hash: str, grant_id: int) -> None: ...

    def add_grant(
        self,
        application_id: int,
        account_id: int,
        scopes: tuple[str, ...],
        created_at: datetime,
        expires_at: datetime,
    ) -> Grant: ...

    def get_grant(self, grant_id: int) -> Grant | None: ...

    def revoke_grant(self, grant_id: int, at: datetime) -> None:
        """Revoke a grant and every token issued under it."""
        ...

    def grants_for_account(self, account_id: int) -> list[GrantView]:
        """The account's grants that are not revoked, newest first."""
        ...

    def add_access_token(self, token: AccessToken) -> None: ...

    def get_access_token(self, token_hash: str) -> AccessToken | None: ...

    def revoke_access_token(self, token_hash: str, at: datetime) -> None: ...

    def add_refresh_token(self, token: RefreshToken) -> None: ...

    def get_refresh_token(self, token_hash: str) -> RefreshToken | None: ...

    def use_refresh_token(self, token_hash: str, at: datetime) -> bool:
        """Mark a refresh token used, atomically: False when it was already used."""
        ...
