"""Debian's headless Chromium driven by Playwright (sync API) for end-to-end tests.

Playwright's own browser builds are downloaded from the internet, which CI cannot reach, so we
never run `playwright install`: scripts/install puts Debian's `chromium` at /usr/bin/chromium
and we launch that. The flags keep Chromium working as root (no sandbox) and stop it from
phoning home (background networking, component updates, sync, QUIC): on a closed network
those connections are refused and only slow it down or log noise.

Fixtures:
- `browser` (session): one Chromium for the whole run.
- `page` (function): a page in a fresh browser context (own cookies and storage) per test.
Tests that use either are marked `e2e` automatically and run after all other tests (see
`pytest_collection_modifyitems` for why).

Steps: `sign_in`, Government Gateway's sign-in as a person does it (user ID, password and, for
an account with an authenticator app, the 2-step code).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from support.axe import assert_no_axe_violations

#: Set to another Chromium (or Chrome) binary to use it instead of Debian's.
CHROMIUM_ENV = "OPENMTD_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-proxy-server",  # loopback only; never a proxy from the environment
]
#: Per action (click, fill, wait_for_*): long enough for a loaded 2-core CI machine.
DEFAULT_TIMEOUT_MS = 15_000
_FIXTURES = frozenset({"browser", "page"})
#: The password the browser tests give their accounts (long enough for the create-account page).
PASSWORD = "a long enough password"
SIGN_IN_HEADING = "Sign in to HMRC online services"
TWO_STEP_HEADING = "Enter your security code"


def chromium_path() -> Path:
    """The Chromium to launch; fails the test with what to do if it is not installed."""
    path = Path(os.environ.get(CHROMIUM_ENV, DEFAULT_CHROMIUM))
    if not os.access(path, os.X_OK):
        pytest.fail(
            f"Chromium not found at {path}: run scripts/install (it installs Debian's "
            f"`chromium` package), or set {CHROMIUM_ENV}",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    try:
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        yield context.new_page()
    finally:
        context.close()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark browser tests `e2e` and run them after all other tests.

    While sync Playwright is open, its event loop counts as running in the main thread, so
    `asyncio.run()` there fails ("cannot be called from a running event loop"). The browser is
    session-scoped (starting Chromium costs about a second), so it stays open from the first
    browser test to the end of the run: putting those tests last keeps every other test free to
    use asyncio. A browser test itself must run async code in another thread (as
    `serve_in_thread` does), never with `asyncio.run()` in the test.
    """
    uses_browser = {
        item: bool(_FIXTURES.intersection(getattr(item, "fixturenames", ()))) for item in items
    }
    for item, yes in uses_browser.items():
        if yes:
            item.add_marker(pytest.mark.e2e)
    items.sort(key=uses_browser.__getitem__)  # stable: keeps the order within each group


def _submit(page: Page) -> None:
    """Send the page's main form and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def sign_in(
    page: Page,
    user_id: str,
    password: str = PASSWORD,
    *,
    totp_secret: str | None = None,
    axe: bool = False,
) -> None:
    """On Government Gateway's sign-in page: enter the user ID and password and, with
    ``totp_secret`` (an authenticator app's), the 2-step code; ``axe`` checks each page first.

    The code entered is the next step's (the emulator, as HMRC, accepts one step either side):
    the current one may have just set the app up, and a step used once is refused.
    """
    expect(page.locator("h1")).to_have_text(SIGN_IN_HEADING)
    if axe:
        assert_no_axe_violations(page)
    page.fill("#user_id", user_id)
    page.fill("#password", password)
    _submit(page)
    if totp_secret is None:
        return
    expect(page.locator("h1")).to_have_text(TWO_STEP_HEADING)
    if axe:
        assert_no_axe_violations(page)
    page.fill("#code", pyotp.TOTP(totp_secret).at(int(time.time()) + 30))
    _submit(page)
