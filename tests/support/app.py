"""An in-process app wired to an in-process emulator, for the app's tests (no sockets).

`app_world` (function-scoped fixture) gives an :class:`AppWorld`: the emulator harness (its
clock pinned at 2026-11-26T10:00Z), an application registered at it whose redirect URI is the
app's callback, and the app built with the same clock, cheap argon2 costs and an
``hmrc_transport`` that carries the SDK's calls into the emulator's ASGI app. ``world.client``
is the browser (a TestClient that does not follow redirects); ``world.new_client()`` another.

Only tests may join the two: the app itself never imports the emulator.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from fastapi import FastAPI
from starlette.testclient import TestClient

from openmtd.app.adapters.db.store import SqlStore
from openmtd.app.settings import AppSettings, PasswordHashing
from openmtd.app.web.app import create_app
from openmtd.emulator.devhub.applications import CreatedApplication
from support.emulator import EmulatorHarness
from support.sdk_oauth import BASE_URL, PortalTransport

#: The test application's HMRC rate limit, at the emulator and in the app's settings.
TEST_RATE_LIMIT = 50
APP_URL = "http://localhost:8700"  # HMRC allows plain http for localhost only
FAST_HASHING = PasswordHashing(time_cost=1, memory_cost_kib=1024, parallelism=1)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class AppWorld:
    emulator: EmulatorHarness
    application: CreatedApplication
    settings: AppSettings
    app: FastAPI
    client: TestClient
    transport: PortalTransport

    @property
    def services(self) -> Any:
        return self.app.state.services

    @property
    def store(self) -> SqlStore:
        store = self.services.store
        assert isinstance(store, SqlStore)
        return store

    def new_client(self) -> TestClient:
        """Another browser (no cookies shared with ``client``)."""
        return TestClient(self.app, base_url=APP_URL, follow_redirects=False)


def csrf_token(html: str) -> str:
    """The CSRF token in a page's form."""
    match = _CSRF.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def app_settings(folder: Path, application: CreatedApplication, **overrides: Any) -> AppSettings:
    from openmtd.sdk import Environment

    values: dict[str, Any] = {
        "database_url": f"sqlite:///{folder / 'app.sqlite3'}",
        "hmrc": Environment.emulator(BASE_URL),
        "client_id": application.application.client_id,
        "client_secret": application.client_secret,
        "public_url": APP_URL,
        "token_keys": (Fernet.generate_key().decode(),),
        "password_hashing": FAST_HASHING,
        "log_requests": False,
        # Above a page's handful of calls: the pinned clock does not move while the limiter
        # waits (test_dashboard.py checks the pacing at HMRC's default of 3).
        "rate_limit_per_second": TEST_RATE_LIMIT,
    }
    values.update(overrides)
    return AppSettings(**values)


@pytest.fixture
def app_world(emulator: EmulatorHarness, tmp_path: Path) -> Iterator[AppWorld]:
    application = emulator.application(
        redirect_uris=[f"{APP_URL}/connect/callback"], rate_limit_per_second=TEST_RATE_LIMIT
    )
    settings = app_settings(tmp_path, application)
    transport = PortalTransport(emulator.app)
    app = create_app(settings, clock=emulator.clock, hmrc_transport=transport)
    with TestClient(app, base_url=APP_URL, follow_redirects=False) as client:
        yield AppWorld(emulator, application, settings, app, client, transport)
    transport.shutdown()
    app.state.services.store.close()
