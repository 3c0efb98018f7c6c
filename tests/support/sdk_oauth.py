"""In-process shortcuts for the SDK's OAuth tests: a sync httpx transport over the emulator
app, the person's half of a grant (the emulator's own journey checks the SDK's authorization
URL),

- :class:`PortalTransport`: ``httpx.ASGITransport`` is async only; this runs it on a blocking
  portal so a plain ``httpx.Client(auth=...)`` reaches the app without a socket.
- :func:`grant`: what the browser journey does once the person grants: the authorization URL's
  own parameters validated by the emulator's /oauth/authorize rules, then the redirect.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import anyio.from_thread
import httpx

from openmtd.emulator.oauth import journey
from openmtd.emulator.storage import Account
from openmtd.sdk._environment import Environment
from openmtd.sdk._oauth import AuthorizationRequest, OAuthClient
from support.emulator import REDIRECT_URI, EmulatorHarness

BASE_URL = "http://emulator.test"
STATUS_ACCEPT = "application/vnd.hmrc.2.0+json"
READ = ("read:self-assessment",)


class PortalTransport(httpx.BaseTransport):
    """A sync transport that sends each request through ``httpx.ASGITransport(app)``."""

    def __init__(self, app: Any) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self._portal_cm = anyio.from_thread.start_blocking_portal()
        self._portal = self._portal_cm.__enter__()
        self.sent: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        body = request.read()
        copy = httpx.Request(request.method, request.url, headers=request.headers, content=body)

        async def send() -> httpx.Response:
            response = await self._inner.handle_async_request(copy)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        return self._portal.call(send)

    def close(self) -> None:
        """Left open: each ``httpx.Client`` closes its transport, and tests make several."""

    def shutdown(self) -> None:
        self._portal_cm.__exit__(None, None, None)

    def paths(self) -> list[str]:
        return [request.url.path for request in self.sent]


def oauth_client(emulator: EmulatorHarness, **options: Any) -> OAuthClient:
    """An SDK OAuth client for a new application, on the emulator's pinned clock."""
    created = emulator.application(rate_limit_per_second=1000, **options)
    return OAuthClient(
        Environment.emulator(BASE_URL),
        created.application.client_id,
        created.client_secret,
        redirect_uri=REDIRECT_URI,
        clock=emulator.clock,
    )


def grant(emulator: EmulatorHarness, request: AuthorizationRequest, account: Account) -> str:
    """The redirect's query after ``account`` grants the authority ``request`` asks for."""
    params = parse_qs(urlsplit(request.url).query, keep_blank_values=True)
    with emulator.services.store.transaction() as tx:
        authorize = journey.validate(tx, params)
        redirect = journey.grant(tx, authorize, account, emulator.services.clock.now_in(tx))
    return urlsplit(redirect.location).query
