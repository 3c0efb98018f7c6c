"""Run one SDK call through the sync :class:`Client` or the :class:`AsyncClient` against the
in-process emulator app (no sockets), so each test is written once for both.

``Clients.call(lambda client: client.itsa_status.retrieve(...), token=...)`` returns the result
for a sync client, or awaits the coroutine the same lambda gives an async one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import httpx

from openmtd.sdk._async_client import AsyncClient
from openmtd.sdk._caller import Caller
from openmtd.sdk._client import Client
from openmtd.sdk._environment import Environment
from support.emulator import EmulatorHarness
from support.mtd_api import World
from support.sdk_oauth import BASE_URL, PortalTransport

ENVIRONMENT = Environment.emulator(BASE_URL)


class Bearer(httpx.Auth):
    """A fixed access token (the SDK's refreshing flows are tested on their own)."""

    def __init__(self, token: str) -> None:
        self.token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.token}"
        yield request


def application_token(world: World) -> str:
    """A client_credentials token for the world's application."""
    created = world.created
    response = world.emulator.client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": created.application.client_id,
            "client_secret": created.client_secret,
        },
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


@dataclass
class Clients:
    """Makes a client of one kind (``sync`` or ``async``) for each call."""

    emulator: EmulatorHarness
    transport: PortalTransport
    mode: str

    def call(
        self,
        action: Callable[[Any], Any],
        *,
        token: str | None = None,
        caller: Caller | None = None,
        **options: Any,
    ) -> Any:
        auth = Bearer(token) if token else None
        if self.mode == "sync":
            with Client(
                ENVIRONMENT, auth=auth, transport=self.transport, caller=caller, **options
            ) as client:
                return action(client)

        async def run() -> Any:
            transport = httpx.ASGITransport(app=self.emulator.app)
            async with AsyncClient(
                ENVIRONMENT, auth=auth, transport=transport, caller=caller, **options
            ) as client:
                return await action(client)

        return asyncio.run(run())
