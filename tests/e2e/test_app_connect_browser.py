"""Connect to HMRC in a real Chromium: two real servers on 127.0.0.1 (the emulator and the
app, the app's redirect URI on ``localhost`` as HMRC requires), a person with an openmtd
account connects through the emulator's own sign-in, 2-step and grant pages, and the app's
pages on the way (the connect form, its error state, the connected page, a refusal, the
disconnected page) pass axe-core. The app's script reports the browser's screen, window, time
zone and user agent, which the emulator then judges valid in the app's fraud headers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest
from cryptography.fernet import Fernet
from playwright.sync_api import Page, expect

from openmtd.app.settings import AppSettings
from openmtd.app.web.app import create_app as create_web_app
from openmtd.emulator.gateway import two_step
from openmtd.emulator.gateway.accounts import AccountDetails, create_account
from openmtd.emulator.settings import EmulatorSettings, sqlite_url
from openmtd.emulator.storage import (
    AffinityGroup,
    Enrolment,
    StoredStatus,
    TwoStepMethod,
)
from openmtd.emulator.web.app import create_app as create_emulator_app
from openmtd.sdk import Api, Environment
from support.app import FAST_HASHING as APP_HASHING
from support.axe import WCAG_21_AA, assert_no_axe_violations
from support.browser import PASSWORD as HMRC_PASSWORD
from support.browser import sign_in
from support.emulator import FAST_HASHING as EMULATOR_HASHING
from support.live_server import free_port, serve_in_thread

CHECKS = (*WCAG_21_AA, "best-practice")
APP_PASSWORD = "correct horse battery staple"
NINO = "AA123456A"


@dataclass
class Servers:
    emulator: str
    app: str
    app_services: Any
    hmrc_user_id: str
    hmrc_totp: str


def _hmrc_customer(emulator_app: Any) -> tuple[str, str]:
    """Ida, signed up for MTD with an authenticator app and a status for this year."""
    services = emulator_app.state.services
    secret = two_step.new_totp_secret()
    with services.store.transaction() as tx:
        account = create_account(
            tx,
            services.hasher,
            services.clock.now_in(tx),
            AccountDetails(
                password=HMRC_PASSWORD,
                first_name="Ida",
                last_name="Newton",
                email="ida@example.com",
                affinity_group=AffinityGroup.INDIVIDUAL,
                confidence_level=250,
                two_step_method=TwoStepMethod.AUTHENTICATOR_APP,
                totp_secret=secret,
                nino=NINO,
                enrolments=(Enrolment("HMRC-MTD-IT", "MTDITID", "XAIT00000000001"),),
            ),
        )
        tx.itsa_statuses.add(
            StoredStatus(
                NINO,
                "2026-27",
                datetime(2026, 5, 1, tzinfo=UTC),
                "MTD Mandated",
                "Sign up - no return available",
                None,
            )
        )
    return account.user_id, secret


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Servers]:
    emulator_app = create_emulator_app(
        EmulatorSettings(
            database_url=sqlite_url(tmp_path / "emulator.sqlite3"),
            password_hashing=EMULATOR_HASHING,
        )
    )
    with serve_in_thread(emulator_app) as emulator:
        port = free_port()
        public = f"http://localhost:{port}"  # HMRC allows plain http for localhost only
        registered = httpx.post(
            f"{emulator}/emulator/applications",
            json={"name": "openmtd", "redirectUris": [f"{public}/connect/callback"]},
            trust_env=False,
        ).json()
        user_id, secret = _hmrc_customer(emulator_app)
        settings = AppSettings(
            database_url=f"sqlite:///{tmp_path / 'app.sqlite3'}",
            hmrc=Environment.emulator(emulator),
            client_id=registered["clientId"],
            client_secret=registered["clientSecret"],
            public_url=public,
            token_keys=(Fernet.generate_key().decode(),),
            password_hashing=APP_HASHING,
            log_requests=False,
        )
        web_app = create_web_app(settings)
        try:
            with serve_in_thread(web_app, port=port):
                yield Servers(emulator, public, web_app.state.services, user_id, secret)
        finally:
            web_app.state.services.store.close()
    emulator_app.state.services.store.close()


def _checked(page: Page, heading: str, *, error: bool = False) -> None:
    expect(page.locator("h1")).to_have_text(heading)
    if error:
        expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations(page, CHECKS)


def _submit(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def _openmtd_account(page: Page, app: str) -> None:
    page.goto(f"{app}/create-account")
    page.get_by_label("Your name").fill("Ida Newton")
    page.get_by_label("Email address").fill("ida@example.com")
    page.get_by_label("Password", exact=True).fill(APP_PASSWORD)
    page.get_by_label("Type the password again").fill(APP_PASSWORD)
    _submit(page, "Create account")
    secret = re.sub(r"\s", "", page.locator("#secret").inner_text())
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    _submit(page, "Check the code")
    _submit(page, "I have saved these")


def _to_hmrc(page: Page, servers: Servers) -> None:
    """From the connect form to HMRC's grant page."""
    page.get_by_label("National Insurance number").fill("aa 12 34 56 a")
    _submit(page, "Continue to HMRC")
    expect(page.locator("h1")).to_have_text("Authorise software to use HMRC's services")
    page.click("#continue")
    sign_in(page, servers.hmrc_user_id, totp_secret=servers.hmrc_totp)
    expect(page.locator("h1")).to_have_text("Grant authority")


def test_a_person_connects_to_hmrc_in_a_browser(
    page: Page, servers: Servers, tmp_path: Path
) -> None:
    _openmtd_account(page, servers.app)
    page.goto(f"{servers.app}/connect")
    _checked(page, "Connect to HMRC")
    page.get_by_label("National Insurance number").fill("QQ1")
    _submit(page, "Continue to HMRC")
    _checked(page, "Connect to HMRC", error=True)

    _to_hmrc(page, servers)
    with page.expect_navigation(url=re.compile(r"/dashboard$")):
        page.click("#grant")
    page.screenshot(path=str(tmp_path / "connected.png"))

    page.goto(f"{servers.app}/connect")
    _checked(page, "Connect to HMRC")
    expect(page.locator(".notice.good")).to_contain_text(NINO)

    with servers.app_services.store.transaction() as tx:
        user = tx.users.by_email("ida@example.com")
    assert user is not None
    with servers.app_services.hmrc.client(user.id, record=lambda _call: None) as client:
        feedback = client.test_fraud_headers.feedback(Api.ITSA_STATUS)
    (judged,) = feedback.requests
    verdicts = {h.header: h.code for h in judged.headers}
    # What only the page's script can read, from a real Chromium.
    for header in (
        "gov-client-browser-js-user-agent",
        "gov-client-screens",
        "gov-client-window-size",
        "gov-client-timezone",
        "gov-client-device-id",
        "gov-client-multi-factor",
    ):
        assert verdicts[header] == "VALID_HEADER", (header, judged.headers)

    _submit(page, "Disconnect from HMRC")
    _checked(page, "Disconnected from HMRC")


def test_a_person_who_does_not_grant_is_told_so(page: Page, servers: Servers) -> None:
    _openmtd_account(page, servers.app)
    page.goto(f"{servers.app}/connect")
    _to_hmrc(page, servers)
    with page.expect_navigation(url=re.compile(r"/connect/callback")):
        page.click("#deny")
    _checked(page, "You chose not to give access")
