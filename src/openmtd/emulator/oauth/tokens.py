"""``POST /oauth/token`` exactly as HMRC answers (wire facts §2.3, §2.4).

Checks, in openmtd's order (HMRC publishes the errors, not their order; the client is
authenticated before anything about a code or token is revealed):

1. ``client_id`` missing → ``client_id is required``; ``client_secret`` missing →
   ``client_secret is required``; ``grant_type`` missing → ``grant_type is required``.
2. client_id and secret → 401 ``invalid_client`` ``invalid client id or secret``.
3. ``grant_type`` not one of ``authorization_code``, ``refresh_token``,
   ``client_credentials`` → ``invalid_request`` ``unsupported grant_type`` (HMRC's quirk: not
   ``unsupported_grant_type``).
4. The grant's own checks (below).

Lifetimes: access tokens 4 hours (``expires_in: 14400``) for every grant; codes are
single-use; refresh tokens are single-use and rotate, and a refresh revokes the previous access
token at once; the grant ends after the application's grant length, from when authority was
given (refreshing does not extend it), and then refresh answers ``invalid_grant``.

A code presented a second time is refused (``code is invalid``) and every token issued from
it is revoked (RFC 6749 §4.1.2). A refresh token presented a second time is refused
(``invalid_grant``) without ending the grant: HMRC warns that concurrent refreshes race, and
does not say it revokes anything, so openmtd does not (documented in docs/emulator.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from openmtd.emulator.devhub.applications import authenticate_client
from openmtd.emulator.oauth import errors
from openmtd.emulator.oauth.errors import (
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
    OAuthError,
)
from openmtd.emulator.oauth.pkce import verifier_is_well_formed, verifier_matches
from openmtd.emulator.oauth.scopes import parse_scope_param, scope_string
from openmtd.emulator.security import new_token, token_hash
from openmtd.emulator.storage import (
    AccessToken,
    Application,
    Grant,
    RefreshToken,
    Transaction,
)

ACCESS_TOKEN_LIFETIME: Final = timedelta(hours=4)
TOKEN_TYPE: Final = "bearer"
GRANT_TYPES: Final = ("authorization_code", "refresh_token", "client_credentials")


@dataclass(frozen=True, slots=True)
class TokenResponse:
    """A neutral response for the web edge to render."""

    status_code: int
    body: dict[str, Any]
    headers: dict[str, str]


def grant_expiry(application: Application, granted_at: datetime) -> datetime:
    """When authority given now ends: the grant length, or four hours for a length of 0."""
    if application.grant_length_days == 0:
        return granted_at + timedelta(hours=4)
    return granted_at + timedelta(days=application.grant_length_days)


def token_endpoint(
    tx: Transaction, form: Mapping[str, Sequence[str]], now: datetime
) -> TokenResponse:
    """Answer a token request; every refusal is HMRC's exact body."""
    try:
        body = _token(tx, form, now)
    except OAuthError as error:
        status, error_body, headers = error.response()
        return TokenResponse(status, dict(error_body), headers)
    return TokenResponse(200, body, dict(errors.NO_STORE_HEADERS))


def _param(form: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = form.get(name) or ()
    return values[0] if values and values[0] != "" else None


def _token(tx: Transaction, form: Mapping[str, Sequence[str]], now: datetime) -> dict[str, Any]:
    client_id = _param(form, "client_id")
    if client_id is None:
        raise InvalidRequestError(errors.CLIENT_ID_REQUIRED)
    client_secret = _param(form, "client_secret")
    if client_secret is None:
        raise InvalidRequestError(errors.CLIENT_SECRET_REQUIRED)
    grant_type = _param(form, "grant_type")
    if grant_type is None:
        raise InvalidRequestError(errors.GRANT_TYPE_REQUIRED)
    application = authenticate_client(tx, client_id, client_secret)
    if application is None:
        raise InvalidClientError()
    if grant_type == "authorization_code":
        return _authorization_code(tx, application, form, now)
    if grant_type == "refresh_token":
        return _refresh_token(tx, application, form, now)
    if grant_type == "client_credentials":
        return _client_credentials(tx, application, form, now)
    raise InvalidRequestError(errors.UNSUPPORTED_GRANT_TYPE)


def _authorization_code(
    tx: Transaction, application: Application, form: Mapping[str, Sequence[str]], now: datetime
) -> dict[str, Any]:
    redirect_uri = _param(form, "redirect_uri")
    if redirect_uri is None:
        raise InvalidRequestError(errors.REDIRECT_URI_REQUIRED)
    code = _param(form, "code")
    if code is None:
        raise InvalidRequestError(errors.CODE_REQUIRED)
    code_hash = token_hash(code)
    record = tx.oauth.get_code(code_hash)
    if record is None or record.application_id != application.id:
        raise InvalidRequestError(errors.CODE_INVALID)
    if record.used_at is not None:
        # A replay revokes what the first exchange issued, even after the code's ten minutes.
        _revoke_replayed(tx, record.grant_id, now)
        raise InvalidRequestError(errors.CODE_INVALID)
    if record.expires_at <= now:
        raise InvalidRequestError(errors.CODE_INVALID)
    if redirect_uri != record.redirect_uri:
        raise InvalidRequestError(errors.REDIRECT_URI_INVALID)
    verifier = _param(form, "code_verifier")
    if record.code_challenge is None:
        if verifier is not None:
            raise InvalidRequestError(errors.CODE_VERIFIER_NOT_EXPECTED)
    else:
        if verifier is None:
            raise InvalidRequestError(errors.CODE_VERIFIER_REQUIRED)
        if not verifier_is_well_formed(verifier):
            raise InvalidRequestError(errors.CODE_VERIFIER_MALFORMED)
        if not verifier_matches(verifier, record.code_challenge):
            raise InvalidGrantError(errors.CODE_VERIFIER_INVALID)
    if not tx.oauth.use_code(code_hash, now):
        # Another exchange of the same code won the race: treat it as a replay, revoking the
        # grant the winner linked (``record`` was read before it committed).
        winner = tx.oauth.get_code(code_hash)
        _revoke_replayed(tx, winner.grant_id if winner else None, now)
        raise InvalidRequestError(errors.CODE_INVALID)
    grant = tx.oauth.add_grant(
        application.id, record.account_id, record.scopes, now, grant_expiry(application, now)
    )
    tx.oauth.link_code_to_grant(code_hash, grant.id)
    return _issue_user_tokens(tx, grant, now)


def _revoke_replayed(tx: Transaction, grant_id: int | None, now: datetime) -> None:
    if grant_id is not None:
        tx.oauth.revoke_grant(grant_id, now)


def _refresh_token(
    tx: Transaction, application: Application, form: Mapping[str, Sequence[str]], now: datetime
) -> dict[str, Any]:
    presented = _param(form, "refresh_token")
    if presented is None:
        raise InvalidRequestError(errors.REFRESH_TOKEN_REQUIRED)
    refresh_hash = token_hash(presented)
    record = tx.oauth.get_refresh_token(refresh_hash)
    grant = tx.oauth.get_grant(record.grant_id) if record else None
    if (
        record is None
        or grant is None
        or grant.application_id != application.id
        or record.used_at is not None
        or grant.revoked_at is not None
        or grant.expires_at <= now
        or not tx.oauth.use_refresh_token(refresh_hash, now)
    ):
        raise InvalidGrantError(errors.REFRESH_TOKEN_INVALID)
    # Rotation: the access token issued with this refresh token stops working at once.
    tx.oauth.revoke_access_token(record.access_token_hash, now)
    return _issue_user_tokens(tx, grant, now)


def _client_credentials(
    tx: Transaction, application: Application, form: Mapping[str, Sequence[str]], now: datetime
) -> dict[str, Any]:
    raw_scope = _param(form, "scope")
    scopes = parse_scope_param(raw_scope) if raw_scope is not None else ()
    access_token = new_token()
    tx.oauth.add_access_token(
        AccessToken(
            token_hash=token_hash(access_token),
            application_id=application.id,
            scopes=scopes,
            created_at=now,
            expires_at=now + ACCESS_TOKEN_LIFETIME,
        )
    )
    body: dict[str, Any] = {
        "access_token": access_token,
        "token_type": TOKEN_TYPE,
        "expires_in": int(ACCESS_TOKEN_LIFETIME.total_seconds()),
    }
    if scopes:
        body["scope"] = scope_string(scopes)
    return body


def _issue_user_tokens(tx: Transaction, grant: Grant, now: datetime) -> dict[str, Any]:
    access_token = new_token()
    refresh_token = new_token()
    tx.oauth.add_access_token(
        AccessToken(
            token_hash=token_hash(access_token),
            application_id=grant.application_id,
            scopes=grant.scopes,
            created_at=now,
            expires_at=now + ACCESS_TOKEN_LIFETIME,
            grant_id=grant.id,
            account_id=grant.account_id,
        )
    )
    tx.oauth.add_refresh_token(
        RefreshToken(
            token_hash=token_hash(refresh_token),
            grant_id=grant.id,
            access_token_hash=token_hash(access_token),
            created_at=now,
        )
    )
    return {
        "access_token": access_token,
        "token_type": TOKEN_TYPE,
        "expires_in": int(ACCESS_TOKEN_LIFETIME.total_seconds()),
        "refresh_token": refresh_token,
        "scope": scope_string(grant.scopes),
    }
