"""The app's one way to HMRC, through :mod:`openmtd.sdk`: the OAuth client for the web flow,
the encrypted token store, and a :class:`openmtd.sdk.Client` per signed-in user whose every
call is written to the audit log.

Tokens live in the SDK's :class:`~openmtd.sdk.SqlTokenStore` (table ``hmrc_tokens`` in the
app's database, encrypted with ``AppSettings.token_keys``), one key per user
(:func:`token_key`), so refreshes are coordinated across the app's workers by the store's lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import httpx
from sqlalchemy import Engine

from openmtd import __version__
from openmtd.app.adapters.db.tables import TOKENS_TABLE
from openmtd.app.settings import AppSettings
from openmtd.rules.clock import Clock
from openmtd.sdk import (
    ApplicationRateLimiter,
    Client,
    FraudHeaderSource,
    OAuthClient,
    RateLimit,
    SqlTokenStore,
    UserAuth,
)

#: The scopes an individual's connection asks for (the ITSA status, Business Details and
#: Obligations APIs read with read:self-assessment; write for what comes later).
INDIVIDUAL_SCOPES: tuple[str, ...] = ("read:self-assessment", "write:self-assessment")


def token_key(user_id: int) -> str:
    """The token store's key for a user's grant."""
    return f"user:{user_id}"


@dataclass(frozen=True, slots=True)
class CallRecord:
    """What the audit log keeps of one HTTP call to HMRC (never a token or a body)."""

    at: datetime
    method: str
    path: str
    status: int | None
    correlation_id: str | None
    outcome: str


class AuditingTransport(httpx.BaseTransport):
    """Passes each request to ``inner`` and reports it to ``record``: method, path (no query),
    status and HMRC's ``X-CorrelationId``, or the transport error's name."""

    def __init__(
        self, inner: httpx.BaseTransport, record: Callable[[CallRecord], None], clock: Clock
    ) -> None:
        self._inner = inner
        self._record = record
        self._clock = clock

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        at = self._clock.now()
        try:
            response = self._inner.handle_request(request)
        except httpx.TransportError as error:
            self._record(
                CallRecord(at, request.method, request.url.path, None, None, type(error).__name__)
            )
            raise
        self._record(
            CallRecord(
                at,
                request.method,
                request.url.path,
                response.status_code,
                response.headers.get("x-correlationid"),
                "ok" if response.status_code < 400 else "refused",
            )
        )
        return response

    def close(self) -> None:
        self._inner.close()


class Hmrc:
    """HMRC as the app sees it (real or emulated, by ``settings.hmrc``)."""

    def __init__(
        self,
        settings: AppSettings,
        engine: Engine,
        clock: Clock,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.transport = transport
        self.oauth = OAuthClient(
            settings.hmrc,
            settings.client_id,
            settings.client_secret,
            redirect_uri=settings.redirect_uri,
            clock=clock,
        )
        self.tokens = SqlTokenStore(engine, settings.token_keys, table_name=TOKENS_TABLE)
        # One limiter for every user of this process: HMRC's limit is the application's, not
        # each user's (a page reading four APIs must not be throttled by the fourth).
        self.rate_limiter = ApplicationRateLimiter.in_memory(
            RateLimit(requests_per_second=settings.rate_limit_per_second),
            application=settings.client_id or "openmtd-app",
        )

    def client(
        self,
        user_id: int,
        *,
        record: Callable[[CallRecord], None],
        fraud_headers: FraudHeaderSource | None = None,
    ) -> Client:
        """An SDK client acting for ``user_id`` with their stored grant; every call (token
        refreshes included) is reported to ``record``. Use it as a context manager."""
        inner = self.transport or httpx.HTTPTransport()
        auth = UserAuth(self.tokens, token_key(user_id), self.oauth, clock=self.clock)
        return Client(
            self.settings.hmrc,
            auth=auth,
            fraud_headers=fraud_headers,
            rate_limiter=self.rate_limiter,
            transport=AuditingTransport(inner, record, self.clock),
            user_agent=f"openmtd-app/{__version__}",
        )

    def http(self, *, record: Callable[[CallRecord], None]) -> httpx.Client:
        """A plain httpx client to HMRC with the audit log, for the OAuth calls made outside a
        :class:`Client` (``oauth.exchange_code(code, request, http=...)``)."""
        inner = self.transport or httpx.HTTPTransport()
        return httpx.Client(transport=AuditingTransport(inner, record, self.clock), timeout=30.0)
