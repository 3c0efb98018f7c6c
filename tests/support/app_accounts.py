"""Accounts for the app's tests, made through the real pages (create an account, set up the
authenticator, save the recovery codes), so a test starts with a signed-in browser.

``create_signed_in_user(world)`` signs in ``world.client`` by default; pass
``client=world.new_client()`` for a second person in the same test.

A code works once (the app remembers the last time-step it accepted), and the world's clock is
pinned: the set-up here uses the previous step's code, so ``totp_now`` is good for one sign-in
at the same instant and ``totp_next`` for one more; after that, move the clock.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Final

import pyotp
from starlette.testclient import TestClient

from openmtd.app.storage import User
from support.app import AppWorld, csrf_token

DEFAULT_PASSWORD: Final = "correct horse battery staple"
_SECRET = re.compile(r'<code id="secret"[^>]*>([A-Z2-7 ]+)</code>')
_RECOVERY = re.compile(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>")


def totp_now(world: AppWorld, secret: str) -> str:
    """The authenticator's code at the world's (pinned) clock."""
    return pyotp.TOTP(secret).at(world.emulator.clock.now())


def totp_next(world: AppWorld, secret: str) -> str:
    """The next step's code (30 seconds on), which the app still accepts: for a second sign-in
    at the same pinned instant, since a code works once."""
    return pyotp.TOTP(secret).at(world.emulator.clock.now() + timedelta(seconds=30))


def totp_previous(world: AppWorld, secret: str) -> str:
    """The previous step's code (30 seconds before), which the app still accepts."""
    return pyotp.TOTP(secret).at(world.emulator.clock.now() - timedelta(seconds=30))


def setup_secret(html: str) -> str:
    """The authenticator secret shown on the set-up page (for typing into an app)."""
    match = _SECRET.search(html)
    assert match, "the set-up page shows no secret"
    return match.group(1).replace(" ", "")


def recovery_codes(html: str) -> list[str]:
    """The recovery codes shown on their page."""
    return _RECOVERY.findall(html)


def create_account(
    world: AppWorld,
    *,
    email: str,
    name: str,
    password: str = DEFAULT_PASSWORD,
    client: TestClient | None = None,
) -> tuple[TestClient, str]:
    """Create an account through the page; returns the browser (now at the authenticator set-up
    step) and the secret the set-up page shows."""
    browser = client or world.client
    form = browser.get("/create-account")
    response = browser.post(
        "/create-account",
        data={
            "csrf_token": csrf_token(form.text),
            "name": name,
            "email": email,
            "password": password,
            "password_confirm": password,
        },
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/two-step/setup"
    setup = browser.get("/two-step/setup")
    assert setup.status_code == 200, setup.text
    return browser, setup_secret(setup.text)


def create_signed_in_user(
    world: AppWorld,
    *,
    email: str = "sam@example.com",
    name: str = "Sam Trader",
    password: str = DEFAULT_PASSWORD,
    client: TestClient | None = None,
) -> tuple[TestClient, User, str]:
    """A new individual's account, its authenticator set up and its recovery codes saved:
    returns ``(client, user, totp_secret)`` with ``client`` signed in."""
    browser, secret = create_account(
        world, email=email, name=name, password=password, client=client
    )
    setup = browser.get("/two-step/setup")
    confirmed = browser.post(
        "/two-step/setup",
        # The previous step's code: now's and the next one stay unused for the test's sign-ins.
        data={"csrf_token": csrf_token(setup.text), "code": totp_previous(world, secret)},
    )
    assert confirmed.status_code == 303, confirmed.text
    codes_page = browser.get(confirmed.headers["location"])
    assert codes_page.status_code == 200, codes_page.text
    saved = browser.post(
        "/two-step/recovery-codes", data={"csrf_token": csrf_token(codes_page.text)}
    )
    assert saved.status_code == 303, saved.text
    with world.store.transaction() as tx:
        user = tx.users.by_email(email)
    assert user is not None
    return browser, user, secret
