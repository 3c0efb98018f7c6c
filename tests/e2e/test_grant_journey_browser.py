"""A person in a real browser: create an account, set up an authenticator app, authorise a
tiny test client through the whole journey (sign-in with a TOTP code, identity check, grant),
and the client exchanges the code for tokens. And the "do not grant" path.

Two real servers on 127.0.0.1: the emulator, and a tiny OAuth client (Starlette) that starts
the journey with `state` and PKCE and exchanges the code at the emulator's /oauth/token.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pyotp
import pytest
from playwright.sync_api import Page, expect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from openmtd.emulator.settings import EmulatorSettings, sqlite_url
from openmtd.emulator.web.app import create_app
from support.browser import PASSWORD, sign_in
from support.emulator import FAST_HASHING
from support.live_server import free_port, serve_in_thread


@dataclass
class TinyClient:
    """What the test client remembers between /start and /callback."""

    emulator: str
    base: str
    client_id: str = ""
    client_secret: str = ""
    state: str = ""
    verifier: str = ""
    tokens: dict[str, object] = field(default_factory=dict)

    @property
    def redirect_uri(self) -> str:
        return f"{self.base}/callback"

    def app(self) -> Starlette:
        async def start(_request: Request) -> Response:
            self.state = secrets.token_urlsafe(16)
            self.verifier = secrets.token_urlsafe(48)
            challenge = (
                base64.urlsafe_b64encode(hashlib.sha256(self.verifier.encode()).digest())
                .rstrip(b"=")
                .decode()
            )
            query = urlencode(
                {
                    "response_type": "code",
                    "client_id": self.client_id,
                    "redirect_uri": self.redirect_uri,
                    "scope": "read:self-assessment",
                    "state": self.state,
                    "code_challenge": challenge,
                    "code_challenge_method": "S256",
                }
            )
            return RedirectResponse(f"{self.emulator}/oauth/authorize?{query}", status_code=302)

        async def callback(request: Request) -> Response:
            if request.query_params.get("state") != self.state:
                return HTMLResponse("<h1>State mismatch</h1>", status_code=400)
            if "error" in request.query_params:
                error = request.query_params["error"]
                code = request.query_params.get("error_code", "")
                return HTMLResponse(f"<h1>Not authorised</h1><p id='error'>{error} {code}</p>")
            async with httpx.AsyncClient() as client:
                answer = await client.post(
                    f"{self.emulator}/oauth/token",
                    data={
                        "grant_type": "authorization_code",
                        "client_id": self.client_id,
                        "client_secret": self.client_secret,
                        "redirect_uri": self.redirect_uri,
                        "code": request.query_params["code"],
                        "code_verifier": self.verifier,
                    },
                )
            self.tokens = answer.json()
            return HTMLResponse(f"<h1>Tokens received</h1><p id='status'>{answer.status_code}</p>")

        return Starlette(routes=[Route("/start", start), Route("/callback", callback)])


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[TinyClient]:
    settings = EmulatorSettings(
        database_url=sqlite_url(tmp_path / "emulator.sqlite3"), password_hashing=FAST_HASHING
    )
    emulator_app = create_app(settings)
    with serve_in_thread(emulator_app) as emulator:
        # HMRC allows plain http only for localhost (never an IP address), so the client's
        # redirect URI names localhost; it is served on 127.0.0.1.
        port = free_port()
        client = TinyClient(emulator=emulator, base=f"http://localhost:{port}")
        registered = httpx.post(
            f"{emulator}/emulator/applications",
            json={"name": "Tiny test client", "redirectUris": [client.redirect_uri]},
        ).json()
        client.client_id = registered["clientId"]
        client.client_secret = registered["clientSecret"]
        with serve_in_thread(client.app(), port=port):
            yield client
    emulator_app.state.services.store.close()


def create_account_with_authenticator_app(page: Page, emulator: str) -> tuple[str, str]:
    """Create sign-in details in the browser; returns (user ID, TOTP secret)."""
    page.goto(f"{emulator}/gg/create-account")
    page.check("#affinity_group")  # an individual
    page.fill("#first_name", "Ida")
    page.fill("#last_name", "Newton")
    page.fill("#email", "ida.newton@example.com")
    page.fill("#date_of_birth", "1")
    page.fill("#date_of_birth-month", "6")
    page.fill("#date_of_birth-year", "1960")
    page.fill("#address_line1", "45 Springfield Rise")
    page.fill("#postcode", "TS1 1PA")
    page.fill("#password", PASSWORD)
    page.fill("#confirm_password", PASSWORD)
    page.click("#continue")
    errors = page.locator(".error-summary")
    assert errors.count() == 0, errors.inner_text()
    page.check("#method")  # an authenticator app
    page.click("button[type=submit]")
    secret = re.sub(r"\s", "", page.inner_text("#secret"))
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("button[type=submit]")
    user_id = page.inner_text("#user-id").strip()
    assert re.fullmatch(r"\d{12}", user_id)
    # Sign-out is a POST: the button in the banner, never a link.
    page.click("form.sign-out button")
    expect(page.locator("h1")).to_have_text("You have signed out")
    return user_id, secret


def test_a_person_authorises_software_in_a_browser(
    page: Page, servers: TinyClient, tmp_path: Path
) -> None:
    user_id, secret = create_account_with_authenticator_app(page, servers.emulator)

    page.goto(f"{servers.base}/start")
    expect(page.locator("h1")).to_have_text("Authorise software to use HMRC's services")
    expect(page.locator("main")).to_contain_text("Tiny test client")
    page.click("#continue")
    sign_in(page, user_id, totp_secret=secret)

    expect(page.locator("h1")).to_have_text("We need to confirm your identity")
    page.check("#outcome-Success")
    page.click("button[type=submit]")

    expect(page.locator("h1")).to_have_text("Grant authority")
    expect(page.locator("main")).to_contain_text("View your Self Assessment information")
    page.screenshot(path=str(tmp_path / "grant.png"))
    page.click("#grant")

    expect(page.locator("h1")).to_have_text("Tokens received")
    expect(page.locator("#status")).to_have_text("200")
    assert servers.tokens["token_type"] == "bearer"
    assert servers.tokens["expires_in"] == 14400
    assert servers.tokens["scope"] == "read:self-assessment"
    assert (tmp_path / "grant.png").read_bytes().startswith(b"\x89PNG")


def test_a_person_does_not_grant_authority(page: Page, servers: TinyClient) -> None:
    user_id, secret = create_account_with_authenticator_app(page, servers.emulator)

    page.goto(f"{servers.base}/start")
    page.click("#continue")
    sign_in(page, user_id, totp_secret=secret)
    page.check("#outcome-Success")
    page.click("button[type=submit]")
    page.click("#deny")

    expect(page.locator("h1")).to_have_text("Not authorised")
    expect(page.locator("#error")).to_have_text("access_denied USER_DENIED_AUTHORIZATION")
    assert servers.tokens == {}
