"""HMRC's OAuth 2.0 for user-restricted APIs: the authorization URL (``state`` and PKCE S256),
the redirect's answer, the code exchange and the refresh (wire facts §2).

The URL and the callback are pure functions; the token endpoint is spoken through an
``httpx.Request`` built here and a response read here, so the same code serves the sync and async
calls and the refreshing ``httpx.Auth`` flows (which send the request through the caller's own
client and transport).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

import httpx

from openmtd.rules.clock import Clock, SystemClock
from openmtd.sdk._environment import Environment
from openmtd.sdk._errors import (
    OAuthError,
    ReauthorisationReason,
    ReauthorisationRequired,
    TransportError,
)
from openmtd.sdk._tokens import DEFAULT_GRANT_LENGTH, TokenSet

__all__ = [
    "ApplicationToken",
    "AuthorizationDenied",
    "AuthorizationRequest",
    "OAuthClient",
    "StateMismatch",
    "code_challenge",
    "new_code_verifier",
    "parse_callback",
]

# RFC 7636 §4.1: 43 to 128 characters of [A-Za-z0-9-._~]. 64 random bytes in base64url give 86
# characters of that alphabet (``token_urlsafe`` uses only A-Z a-z 0-9 - _).
_VERIFIER_BYTES = 64
_STATE_BYTES = 32
_VERIFIER_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


class AuthorizationDenied(OAuthError):  # noqa: N818 (named for users, as in _errors)
    """The redirect came back with ``error`` (``access_denied``: the person did not grant).

    ``error_code`` is HMRC's extra hint (e.g. ``USER_DENIED_AUTHORIZATION``); HMRC says not to
    rely on its values.
    """

    def __init__(
        self, *, error: str, description: str | None = None, error_code: str | None = None
    ) -> None:
        self.error_code = error_code
        super().__init__(status=0, error=error, description=description)


class StateMismatch(OAuthError):  # noqa: N818 (named for users, as in _errors)
    """The redirect's ``state`` is missing or not the one sent: it did not come from this
    sign-in (a forged or stale link), so its code must not be used."""

    def __init__(self) -> None:
        super().__init__(
            status=0, error="state_mismatch", description="the redirect's state was not ours"
        )


def new_code_verifier() -> str:
    """A fresh PKCE code verifier (86 characters of RFC 7636's unreserved alphabet)."""
    return secrets.token_urlsafe(_VERIFIER_BYTES)


def code_challenge(verifier: str) -> str:
    """The S256 challenge: BASE64URL(SHA-256(verifier)) without ``=`` padding."""
    if not 43 <= len(verifier) <= 128 or not _VERIFIER_ALPHABET.issuperset(verifier):
        raise ValueError("a code verifier is 43 to 128 characters of A-Z a-z 0-9 - . _ ~")
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    """One sign-in in progress: send the person's browser to ``url``; keep this object until the
    redirect comes back (``state`` and ``code_verifier`` are needed then).

    A web server keeps it in the person's session (server side: the verifier is a secret).
    """

    url: str
    state: str
    code_verifier: str = field(repr=False)
    redirect_uri: str
    scopes: tuple[str, ...]


def parse_callback(request: AuthorizationRequest, query: str | Mapping[str, str]) -> str:
    """The authorization code from the redirect's query (a string or a mapping).

    Raises :class:`StateMismatch` when ``state`` is not the request's (checked first, in constant
    time: an answer for another sign-in is never believed), :class:`AuthorizationDenied` for an
    ``error`` answer, :class:`OAuthError` (``invalid_callback``) when there is neither.
    """
    params = _single_values(query)
    state = params.get("state")
    if state is None or not hmac.compare_digest(state.encode(), request.state.encode()):
        raise StateMismatch()
    if "error" in params:
        raise AuthorizationDenied(
            error=params["error"] or "access_denied",
            description=params.get("error_description"),
            error_code=params.get("error_code"),
        )
    code = params.get("code")
    if not code:
        raise OAuthError(
            status=0, error="invalid_callback", description="the redirect has no code or error"
        )
    return code


def _single_values(query: str | Mapping[str, str]) -> dict[str, str]:
    if isinstance(query, str):
        parsed = parse_qs(query.lstrip("?"), keep_blank_values=True)
        return {name: values[0] for name, values in parsed.items()}
    return {str(name): str(value) for name, value in query.items()}


@dataclass(frozen=True, slots=True)
class ApplicationToken:
    """An application-restricted access token (``client_credentials``; no refresh token)."""

    access_token: str = field(repr=False)
    expires_at: datetime
    scopes: tuple[str, ...]


class OAuthClient:
    """One HMRC application's OAuth credentials and the calls made with them.

    ``grant_length`` is the application's grant length at HMRC (18 months unless HMRC set
    another): it dates the end of the authority given by each new grant. ``redirect_uri`` is the
    default for :meth:`authorization_url` (a desktop app passes its loopback receiver's instead).
    """

    def __init__(
        self,
        environment: Environment,
        client_id: str,
        client_secret: str,
        *,
        redirect_uri: str | None = None,
        grant_length: timedelta = DEFAULT_GRANT_LENGTH,
        clock: Clock | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.environment = environment
        self.client_id = client_id
        self._client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.grant_length = grant_length
        self.clock: Clock = clock or SystemClock()
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"OAuthClient({self.environment.name!r}, client_id={self.client_id!r})"

    @property
    def token_url(self) -> str:
        return self.environment.api_url("/oauth/token")

    # --- the browser's half -------------------------------------------------------------------
    def authorization_url(
        self, scopes: Sequence[str], *, redirect_uri: str | None = None
    ) -> AuthorizationRequest:
        """Where to send the person to grant ``scopes``, with a new ``state`` and PKCE pair."""
        redirect = redirect_uri or self.redirect_uri
        if not redirect:
            raise ValueError("a redirect_uri is needed (here or on the OAuthClient)")
        if not scopes:
            raise ValueError("at least one scope is needed")
        state = secrets.token_urlsafe(_STATE_BYTES)
        verifier = new_code_verifier()
        # quote_via=quote gives %20 between scopes: HMRC asks for a space, and refuses a literal
        # + sent as %2B (wire facts §2.2).
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "scope": " ".join(scopes),
                "redirect_uri": redirect,
                "state": state,
                "code_challenge": code_challenge(verifier),
                "code_challenge_method": "S256",
            },
            quote_via=quote,
        )
        url = f"{self.environment.auth_url('/oauth/authorize')}?{query}"
        return AuthorizationRequest(url, state, verifier, redirect, tuple(scopes))

    # --- the token endpoint: requests ---------------------------------------------------------
    def _form(self, **values: str) -> dict[str, str]:
        return {"client_id": self.client_id, "client_secret": self._client_secret, **values}

    def _post(self, form: dict[str, str]) -> httpx.Request:
        # The form goes in the body, never the query (wire facts §2.3).
        return httpx.Request(
            "POST", self.token_url, data=form, headers={"Accept": "application/json"}
        )

    def code_request(self, code: str, request: AuthorizationRequest) -> httpx.Request:
        """The ``authorization_code`` request for ``code`` (with the request's verifier)."""
        return self._post(
            self._form(
                grant_type="authorization_code",
                code=code,
                redirect_uri=request.redirect_uri,
                code_verifier=request.code_verifier,
            )
        )

    def refresh_request(self, tokens: TokenSet) -> httpx.Request:
        """The ``refresh_token`` request that spends ``tokens``' single-use refresh token."""
        if not tokens.refresh_token:
            raise ReauthorisationRequired(
                ReauthorisationReason.REFRESH_REFUSED, description="no refresh token is held"
            )
        return self._post(
            self._form(grant_type="refresh_token", refresh_token=tokens.refresh_token)
        )

    def client_credentials_request(self, scopes: Sequence[str] = ()) -> httpx.Request:
        """The ``client_credentials`` request for an application-restricted token."""
        extra = {"scope": " ".join(scopes)} if scopes else {}
        return self._post(self._form(grant_type="client_credentials", **extra))

    # --- the token endpoint: answers ----------------------------------------------------------
    def read_grant(self, response: httpx.Response, request: AuthorizationRequest) -> TokenSet:
        """The token set of a new grant from the code exchange's answer."""
        body = _token_body(response)
        now = self.clock.now()
        return TokenSet(
            access_token=_text(body, "access_token"),
            refresh_token=_optional_text(body, "refresh_token"),
            expires_at=now + _expires_in(body),
            scopes=_scopes(body, request.scopes),
            granted_at=now,
            authority_ends_at=now + self.grant_length,
        )

    def read_refresh(self, response: httpx.Response, tokens: TokenSet) -> TokenSet:
        """The rotated token set from a refresh's answer; ``invalid_grant`` means the grant is
        over (:class:`ReauthorisationRequired`, ``AUTHORITY_ENDED`` when its end date passed)."""
        try:
            body = _token_body(response)
        except OAuthError as error:
            if error.error == "invalid_grant":
                reason = (
                    ReauthorisationReason.AUTHORITY_ENDED
                    if tokens.authority_ended(self.clock.now())
                    else ReauthorisationReason.REFRESH_REFUSED
                )
                raise ReauthorisationRequired(
                    reason, status=error.status, error=error.error, description=error.description
                ) from None
            raise
        return tokens.rotated(
            access_token=_text(body, "access_token"),
            refresh_token=_optional_text(body, "refresh_token"),
            expires_at=self.clock.now() + _expires_in(body),
            scopes=_scopes(body, tokens.scopes),
        )

    def read_application_token(
        self, response: httpx.Response, scopes: Sequence[str] = ()
    ) -> ApplicationToken:
        body = _token_body(response)
        return ApplicationToken(
            access_token=_text(body, "access_token"),
            expires_at=self.clock.now() + _expires_in(body),
            scopes=_scopes(body, tuple(scopes)),
        )

    # --- whole calls --------------------------------------------------------------------------
    def exchange_code(
        self, code: str, request: AuthorizationRequest, *, http: httpx.Client | None = None
    ) -> TokenSet:
        """Exchange the redirect's code for the grant's first tokens."""
        return self.read_grant(self._send(self.code_request(code, request), http), request)

    async def exchange_code_async(
        self, code: str, request: AuthorizationRequest, *, http: httpx.AsyncClient | None = None
    ) -> TokenSet:
        answer = await self._send_async(self.code_request(code, request), http)
        return self.read_grant(answer, request)

    def refresh(self, tokens: TokenSet, *, http: httpx.Client | None = None) -> TokenSet:
        """Refresh ``tokens`` now (no lock: :class:`UserAuth` does this under the store's lock).

        Raises :class:`ReauthorisationRequired` without calling HMRC when the authority ended.
        """
        self._check_authority(tokens)
        return self.read_refresh(self._send(self.refresh_request(tokens), http), tokens)

    async def refresh_async(
        self, tokens: TokenSet, *, http: httpx.AsyncClient | None = None
    ) -> TokenSet:
        self._check_authority(tokens)
        return self.read_refresh(await self._send_async(self.refresh_request(tokens), http), tokens)

    def application_token(
        self, scopes: Sequence[str] = (), *, http: httpx.Client | None = None
    ) -> ApplicationToken:
        """A ``client_credentials`` token for application-restricted endpoints."""
        answer = self._send(self.client_credentials_request(scopes), http)
        return self.read_application_token(answer, scopes)

    def _check_authority(self, tokens: TokenSet) -> None:
        if tokens.authority_ended(self.clock.now()):
            raise ReauthorisationRequired(ReauthorisationReason.AUTHORITY_ENDED)

    def _send(self, request: httpx.Request, http: httpx.Client | None) -> httpx.Response:
        try:
            if http is not None:
                return http.send(request)
            with httpx.Client(timeout=self.timeout) as own:
                return own.send(request)
        except httpx.TransportError as error:
            raise TransportError(
                f"no answer from {self.token_url}: {type(error).__name__}"
            ) from error

    async def _send_async(
        self, request: httpx.Request, http: httpx.AsyncClient | None
    ) -> httpx.Response:
        try:
            if http is not None:
                return await http.send(request)
            async with httpx.AsyncClient(timeout=self.timeout) as own:
                return await own.send(request)
        except httpx.TransportError as error:
            raise TransportError(
                f"no answer from {self.token_url}: {type(error).__name__}"
            ) from error


def _token_body(response: httpx.Response) -> Mapping[str, Any]:
    """A success body, or :class:`OAuthError` with RFC 6749's ``error`` and description."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code == 200 and isinstance(body, Mapping):
        return body
    if isinstance(body, Mapping) and isinstance(body.get("error"), str):
        description = body.get("error_description")
        raise OAuthError(
            status=response.status_code,
            error=body["error"],
            description=description if isinstance(description, str) else None,
        )
    raise OAuthError(
        status=response.status_code,
        error="unexpected_response",
        description=f"HTTP {response.status_code} without an OAuth body",
    )


def _text(body: Mapping[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise OAuthError(status=200, error="unexpected_response", description=f"no {name}")
    return value


def _optional_text(body: Mapping[str, Any], name: str) -> str | None:
    value = body.get(name)
    return value if isinstance(value, str) and value else None


def _expires_in(body: Mapping[str, Any]) -> timedelta:
    value = body.get("expires_in")
    # HMRC always sends 14400; a missing or odd value is read as "expires now", which makes the
    # next call refresh rather than trust a token of unknown life.
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return timedelta(seconds=value)
    return timedelta(0)


def _scopes(body: Mapping[str, Any], asked: tuple[str, ...]) -> tuple[str, ...]:
    value = body.get("scope")
    if isinstance(value, str) and value.strip():
        return tuple(value.split())
    return asked
