"""``httpx.Auth`` flows for HMRC's APIs: user tokens kept in a :class:`TokenStore` and refreshed
under its lock, and application tokens by ``client_credentials``.

HMRC's refresh tokens are single-use and a refresh ends the previous access token at once
(wire facts §2.4), so two callers refreshing the same grant at once would lose it. The rule here:
a refresh happens only while holding ``store.lock(key)``, after reloading the stored tokens (a
caller in another thread or process may have refreshed meanwhile), and only if they still need
it; the new tokens are saved before the lock is released.

The token endpoint is called by yielding its request from the flow, so it goes through the
caller's own client and transport (the same HMRC host, proxies, test transports).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Sequence
from contextlib import AbstractContextManager, asynccontextmanager
from datetime import datetime, timedelta

import anyio
import anyio.to_thread
import httpx

from openmtd.rules.clock import Clock
from openmtd.sdk._errors import ReauthorisationReason, ReauthorisationRequired
from openmtd.sdk._oauth import ApplicationToken, OAuthClient
from openmtd.sdk._seams import TokenStore
from openmtd.sdk._tokens import TokenSet

__all__ = ["ApplicationAuth", "UserAuth"]

# An application token is replaced this long before it expires.
_APPLICATION_MARGIN = timedelta(seconds=60)

_Flow = Generator[httpx.Request, httpx.Response, None]
_AsyncFlow = AsyncGenerator[httpx.Request, httpx.Response]


@asynccontextmanager
async def _held_in_thread(lock: AbstractContextManager[None]) -> AsyncIterator[None]:
    """Hold a blocking (cross-process) lock without blocking the event loop.

    The lock is entered and left by one dedicated thread: file locks are per thread and a
    database lock lives on one connection, so entering in one worker thread and leaving in
    another would be wrong. The event loop only waits for that thread's signals.
    """
    acquired = threading.Event()
    release = threading.Event()
    failure: list[BaseException] = []

    def hold() -> None:
        try:
            with lock:
                acquired.set()
                release.wait()
        except BaseException as error:  # reported to the waiting task, not lost in the thread
            failure.append(error)
            acquired.set()

    thread = threading.Thread(target=hold, name="openmtd-token-lock", daemon=True)
    thread.start()
    try:
        # abandon_on_cancel: a cancelled task stops waiting; `release` (below) lets the thread
        # leave the lock as soon as it gets it.
        await anyio.to_thread.run_sync(acquired.wait, abandon_on_cancel=True)
        if failure:
            raise failure[0]
        yield
    finally:
        release.set()
        if acquired.is_set():  # held (or failed): wait for the release itself
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(thread.join)
        # else cancelled while waiting: the thread lets go as soon as it gets the lock


def _bearer(request: httpx.Request, token: str) -> httpx.Request:
    request.headers["Authorization"] = f"Bearer {token}"
    return request


class UserAuth(httpx.Auth):
    """User-restricted calls for the grant stored under ``key`` in ``store``.

    Raises :class:`~openmtd.sdk.ReauthorisationRequired` (from the request) when the person must
    sign in again: ``NO_TOKENS`` (nothing stored), ``AUTHORITY_ENDED`` (the grant's end date has
    passed; HMRC is not called), ``REFRESH_REFUSED`` (HMRC refused the refresh token) or
    ``ACCESS_REVOKED`` (HMRC refused the newest access token and its refresh token).

    A 401 answer is retried once: if another process rotated the tokens meanwhile, with the
    stored ones; if the refused token was the newest, after a refresh under the lock.
    """

    # Only the token endpoint's answers are read here (each flow reads them itself, since both
    # flows are written out); an API's answer is left to the caller, whatever its status.

    def __init__(
        self, store: TokenStore, key: str, oauth: OAuthClient, *, clock: Clock | None = None
    ) -> None:
        self.store = store
        self.key = key
        self.oauth = oauth
        self.clock: Clock = clock or oauth.clock

    def __repr__(self) -> str:
        return f"UserAuth(key={self.key!r}, store={self.store!r}, oauth={self.oauth!r})"

    # --- what software can ask -------------------------------------------------------------
    def authority_ends_at(self) -> datetime | None:
        """When the stored grant's authority ends (None when nothing is stored): warn before."""
        tokens = self.store.load(self.key)
        return tokens.authority_ends_at if tokens else None

    def authority_ends_within(self, period: timedelta) -> bool:
        """True when the stored grant ends within ``period`` (or nothing is stored)."""
        ends = self.authority_ends_at()
        return ends is None or self.clock.now() + period >= ends

    # --- decisions (the same for both flows) -----------------------------------------------
    def _loaded(self, tokens: TokenSet | None) -> TokenSet:
        if tokens is None:
            raise ReauthorisationRequired(ReauthorisationReason.NO_TOKENS)
        if tokens.authority_ended(self.clock.now()):
            raise ReauthorisationRequired(ReauthorisationReason.AUTHORITY_ENDED)
        return tokens

    def _needs_refresh(self, tokens: TokenSet, refused: str | None) -> bool:
        return tokens.needs_refresh(self.clock.now()) or tokens.access_token == refused

    def _refreshed(
        self, response: httpx.Response, tokens: TokenSet, refused: str | None
    ) -> TokenSet:
        try:
            return self.oauth.read_refresh(response, tokens)
        except ReauthorisationRequired as error:
            if refused is not None and error.reason is ReauthorisationReason.REFRESH_REFUSED:
                # The newest access token was refused and so is its refresh token: the person
                # (or HMRC) removed this software's access.
                raise ReauthorisationRequired(
                    ReauthorisationReason.ACCESS_REVOKED,
                    status=error.status,
                    error=error.error,
                    description=error.description,
                ) from None
            raise

    # --- the flows: at most two sends, the second only after a 401 ------------------------
    def sync_auth_flow(self, request: httpx.Request) -> _Flow:
        refused: str | None = None
        for _ in range(2):
            tokens = self._loaded(self.store.load(self.key))
            if self._needs_refresh(tokens, refused):
                with self.store.lock(self.key):
                    # Reload: another thread or process may have refreshed while this waited.
                    tokens = self._loaded(self.store.load(self.key))
                    if self._needs_refresh(tokens, refused):
                        response = yield self.oauth.refresh_request(tokens)
                        response.read()
                        tokens = self._refreshed(response, tokens, refused)
                        self.store.save(self.key, tokens)
            response = yield _bearer(request, tokens.access_token)
            if response.status_code != 401:
                return
            refused = tokens.access_token

    async def async_auth_flow(self, request: httpx.Request) -> _AsyncFlow:
        # The same steps; the store's blocking calls run in worker threads and its lock is held
        # by a thread of its own, so the event loop never waits on another process.
        refused: str | None = None
        for _ in range(2):
            tokens = self._loaded(await anyio.to_thread.run_sync(self.store.load, self.key))
            if self._needs_refresh(tokens, refused):
                async with _held_in_thread(self.store.lock(self.key)):
                    tokens = self._loaded(await anyio.to_thread.run_sync(self.store.load, self.key))
                    if self._needs_refresh(tokens, refused):
                        response = yield self.oauth.refresh_request(tokens)
                        await response.aread()
                        tokens = self._refreshed(response, tokens, refused)
                        await anyio.to_thread.run_sync(self.store.save, self.key, tokens)
            response = yield _bearer(request, tokens.access_token)
            if response.status_code != 401:
                return
            refused = tokens.access_token


class ApplicationAuth(httpx.Auth):
    """Application-restricted calls: a ``client_credentials`` token, kept in memory until a
    minute before it expires (and fetched again once if HMRC answers 401)."""

    def __init__(self, oauth: OAuthClient, scopes: Sequence[str] = ()) -> None:
        self.oauth = oauth
        self.scopes = tuple(scopes)
        self._token: ApplicationToken | None = None
        self._lock = threading.Lock()
        self._alock: anyio.Lock | None = None

    def __repr__(self) -> str:
        return f"ApplicationAuth(oauth={self.oauth!r}, scopes={self.scopes!r})"

    def _usable(self, refused: str | None) -> ApplicationToken | None:
        token = self._token
        if token is None or token.access_token == refused:
            return None
        if self.oauth.clock.now() + _APPLICATION_MARGIN >= token.expires_at:
            return None
        return token

    def sync_auth_flow(self, request: httpx.Request) -> _Flow:
        refused: str | None = None
        for _ in range(2):
            with self._lock:
                token = self._usable(refused)
                if token is None:
                    response = yield self.oauth.client_credentials_request(self.scopes)
                    response.read()
                    token = self._token = self.oauth.read_application_token(response, self.scopes)
            response = yield _bearer(request, token.access_token)
            if response.status_code != 401:
                return
            refused = token.access_token

    async def async_auth_flow(self, request: httpx.Request) -> _AsyncFlow:
        refused: str | None = None
        for _ in range(2):
            async with self._async_lock():
                token = self._usable(refused)
                if token is None:
                    response = yield self.oauth.client_credentials_request(self.scopes)
                    await response.aread()
                    token = self._token = self.oauth.read_application_token(response, self.scopes)
            response = yield _bearer(request, token.access_token)
            if response.status_code != 401:
                return
            refused = token.access_token

    def _async_lock(self) -> anyio.Lock:
        # Made on first async use: one lock per auth object, for the tasks of one event loop.
        if self._alock is None:
            self._alock = anyio.Lock()
        return self._alock
