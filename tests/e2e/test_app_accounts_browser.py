"""openmtd.app's account pages in a real Chromium, each checked with axe-core (WCAG 2.1 A and
AA and axe's best practices) as the person sees it, error states included: create an account,
set up the authenticator, save the recovery codes, the account page, sign out, sign in with a
wrong then a right password and code.

The app is served alone on 127.0.0.1 with the real clock (the account pages never call HMRC).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from cryptography.fernet import Fernet
from playwright.sync_api import Page, expect

from openmtd.app.settings import AppSettings
from openmtd.app.web.app import create_app
from openmtd.sdk import Environment
from support.app import FAST_HASHING
from support.axe import WCAG_21_AA, assert_no_axe_violations
from support.live_server import serve_in_thread

CHECKS = (*WCAG_21_AA, "best-practice")
PASSWORD = "correct horse battery staple"


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[str]:
    settings = AppSettings(
        database_url=f"sqlite:///{tmp_path / 'app.sqlite3'}",
        hmrc=Environment.emulator("http://127.0.0.1:9"),  # never called by these pages
        token_keys=(Fernet.generate_key().decode(),),
        password_hashing=FAST_HASHING,
        log_requests=False,
    )
    app = create_app(settings)
    try:
        with serve_in_thread(app) as url:
            yield url
    finally:
        app.state.services.store.close()


def _checked(page: Page, heading: str, *, error: bool = False) -> None:
    """The page is the one meant (its heading, the error summary for an error state), and
    axe finds nothing wrong with it."""
    expect(page.locator("h1")).to_have_text(heading)
    if error:
        expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations(page, CHECKS)


def _submit(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def test_the_account_pages_pass_axe(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/create-account")
    _checked(page, "Create an account")
    page.get_by_label("Your name").fill("Sam Trader")
    page.get_by_label("Email address").fill("sam@example.com")
    page.get_by_label("Password", exact=True).fill("too short")
    _submit(page, "Create account")
    _checked(page, "Create an account", error=True)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    _submit(page, "Create account")

    _checked(page, "Set up your authenticator app")
    secret = re.sub(r"\s", "", page.locator("#secret").inner_text())
    page.get_by_label("Code from the app").fill("１２３４５６")
    _submit(page, "Check the code")
    _checked(page, "Set up your authenticator app", error=True)
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    _submit(page, "Check the code")

    _checked(page, "Save your recovery codes")
    _submit(page, "I have saved these")
    page.goto(f"{app_url}/account")
    _checked(page, "Your account")
    _submit(page, "Sign out")
    _checked(page, "You have signed out")

    page.goto(f"{app_url}/sign-in")
    _checked(page, "Sign in")
    page.get_by_label("Email address").fill("sam@example.com")
    page.get_by_label("Password").fill("not the password")
    _submit(page, "Continue")
    _checked(page, "Sign in", error=True)
    page.get_by_label("Password").fill(PASSWORD)
    _submit(page, "Continue")
    _checked(page, "Enter your code")
    page.get_by_label("Code").fill("nope")
    _submit(page, "Sign in")
    _checked(page, "Enter your code", error=True)
    # The next step's code: now's may have just set the app up, and a code works once.
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(time.time() + 30))
    _submit(page, "Sign in")
    page.goto(f"{app_url}/account")
    expect(page.locator("h1")).to_have_text("Your account")
