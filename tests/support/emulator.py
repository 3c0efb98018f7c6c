"""An in-process emulator for tests: the app, a client, a pinned clock and shortcuts.

`emulator` (function-scoped fixture) gives an :class:`EmulatorHarness` over a fresh SQLite
database in the test's tmp_path, with cheap argon2 costs (tests hash many passwords) and a
clock pinned at 2026-11-26T10:00:00Z that tests move with `harness.advance(seconds)` (or the
control API). `harness.client` is a Starlette TestClient that does not follow redirects, so
tests see every hop of a journey.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from openmtd.emulator.devhub.applications import CreatedApplication, create_application
from openmtd.emulator.gateway import two_step
from openmtd.emulator.gateway.accounts import AccountDetails, create_account
from openmtd.emulator.settings import EmulatorSettings, PasswordHashing, sqlite_url
from openmtd.emulator.storage import Account, AffinityGroup, Enrolment, TwoStepMethod
from openmtd.emulator.web.app import create_app
from openmtd.rules.clock import FixedClock

START = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
FAST_HASHING = PasswordHashing(time_cost=1, memory_cost_kib=1024, parallelism=1)
PASSWORD = "correct horse battery"
REDIRECT_URI = "http://localhost:9999/callback"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class EmulatorHarness:
    app: FastAPI
    client: TestClient
    clock: FixedClock
    settings: EmulatorSettings
    totp_secrets: dict[str, str] = field(default_factory=dict)

    @property
    def services(self) -> Any:
        return self.app.state.services

    def now(self) -> datetime:
        return self.services.clock.now()

    def advance(self, seconds: float) -> None:
        self.clock.advance(timedelta(seconds=seconds))

    def new_client(self) -> TestClient:
        """Another browser (no cookies shared with `client`)."""
        return TestClient(self.app, follow_redirects=False)

    def application(
        self, *, redirect_uris: list[str] | None = None, **options: Any
    ) -> CreatedApplication:
        with self.services.store.transaction() as tx:
            return create_application(
                tx,
                self.services.clock.now_in(tx),
                name=options.pop("name", "Test software"),
                redirect_uris=redirect_uris or [REDIRECT_URI],
                **options,
            )

    def account(
        self,
        *,
        affinity_group: AffinityGroup = AffinityGroup.INDIVIDUAL,
        confidence_level: int = 250,
        two_step_method: TwoStepMethod | None = None,
        phone_number: str | None = None,
        enrolments: tuple[Enrolment, ...] = (),
        password: str = PASSWORD,
        **details: Any,
    ) -> Account:
        """An account; with `two_step_method=AUTHENTICATOR_APP` its secret is remembered."""
        secret = two_step.new_totp_secret() if two_step_method else None
        with self.services.store.transaction() as tx:
            account = create_account(
                tx,
                self.services.hasher,
                self.services.clock.now_in(tx),
                AccountDetails(
                    password=password,
                    first_name=details.pop("first_name", "Ida"),
                    last_name=details.pop("last_name", "Newton"),
                    email=details.pop("email", "ida@example.com"),
                    affinity_group=affinity_group,
                    confidence_level=confidence_level,
                    two_step_method=two_step_method,
                    totp_secret=secret
                    if two_step_method is TwoStepMethod.AUTHENTICATOR_APP
                    else None,
                    phone_number=phone_number,
                    enrolments=enrolments,
                    **details,
                ),
            )
        if secret:
            self.totp_secrets[account.user_id] = secret
        return account

    def totp(self, account: Account, *, offset_steps: int = 0) -> str:
        at = self.now() + timedelta(seconds=30 * offset_steps)
        return two_step.totp_code(self.totp_secrets[account.user_id], at)


def csrf_token(html: str) -> str:
    """The CSRF token in a page's form."""
    match = _CSRF.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def sign_out(client: TestClient) -> Any:
    """Sign the browser out as the page's button does: a POST with the session's CSRF token."""
    token = csrf_token(client.get("/gg/sign-out").text)
    return client.post("/gg/sign-out", data={"csrf_token": token})


def query_of(location: str) -> dict[str, list[str]]:
    """The query parameters of a redirect's Location."""
    return parse_qs(urlsplit(location).query, keep_blank_values=True)


@contextmanager
def harness(folder: Path) -> Iterator[EmulatorHarness]:
    """An in-process emulator over a fresh SQLite database in ``folder``, for any scope (a
    module-scoped world passes ``tmp_path_factory.mktemp(...)``)."""
    clock = FixedClock(START)
    settings = EmulatorSettings(
        database_url=sqlite_url(folder / "emulator.sqlite3"), password_hashing=FAST_HASHING
    )
    app = create_app(settings, clock=clock)
    with TestClient(app, follow_redirects=False) as client:
        yield EmulatorHarness(app=app, client=client, clock=clock, settings=settings)
    app.state.services.store.close()


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[EmulatorHarness]:
    with harness(tmp_path) as made:
        yield made
