"""A desktop app's sign-in, end to end: the SDK's loopback receiver on 127.0.0.1, a real
headless Chromium sent to the SDK's authorization URL, the emulator's sign-in and grant pages,
the redirect back to the receiver (state checked, a page saying the window can be closed), the
code exchanged with PKCE, the tokens stored encrypted, and a status read with them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from openmtd.emulator.settings import EmulatorSettings, sqlite_url
from openmtd.emulator.web.app import create_app
from openmtd.sdk._auth import UserAuth
from openmtd.sdk._errors import OpenMtdError
from openmtd.sdk._loopback import LoopbackReceiver
from openmtd.sdk._oauth import AuthorizationDenied
from openmtd.sdk._stores import EncryptedFileStore
from support.emulator import FAST_HASHING
from support.live_server import serve_in_thread
from support.sdk_live import READ, STATUS_ACCEPT, register, signed_up_user, status_path


@pytest.fixture
def emulator_url(tmp_path: Path) -> Iterator[str]:
    settings = EmulatorSettings(
        database_url=sqlite_url(tmp_path / "emulator.sqlite3"), password_hashing=FAST_HASHING
    )
    app = create_app(settings)
    with serve_in_thread(app) as url:
        yield url
    app.state.services.store.close()


class Waiting:
    """``receiver.wait`` in a thread, since the browser is driven from this one."""

    def __init__(self, receiver: LoopbackReceiver, request: object) -> None:
        self.code: str | None = None
        self.error: OpenMtdError | None = None
        self._thread = threading.Thread(target=self._run, args=(receiver, request))
        self._thread.start()

    def _run(self, receiver: LoopbackReceiver, request: object) -> None:
        try:
            self.code = receiver.wait(request, timeout=60)  # type: ignore[arg-type]
        except OpenMtdError as error:
            self.error = error

    def join(self) -> None:
        self._thread.join(90)
        assert not self._thread.is_alive()


def sign_in(page: Page, user: dict[str, str]) -> None:
    expect(page.locator("h1")).to_have_text("Authorise software to use HMRC's services")
    page.click("#continue")
    page.fill("#user_id", user["userId"])
    page.fill("#password", user["password"])
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Grant authority")


def test_a_desktop_sign_in_through_the_loopback_receiver(
    page: Page, emulator_url: str, tmp_path: Path
) -> None:
    with LoopbackReceiver() as receiver, httpx.Client(base_url=emulator_url) as http:
        app = register(http, receiver.redirect_uri)
        user = signed_up_user(app)
        oauth = app.oauth()
        request = oauth.authorization_url(READ, redirect_uri=receiver.redirect_uri)
        waiting = Waiting(receiver, request)

        page.goto(request.url)
        sign_in(page, user)
        page.click("#grant")
        expect(page.locator("h1")).to_have_text("You have signed in")
        expect(page.locator("main")).to_contain_text("You can close this window")
        assert page.url.startswith(receiver.redirect_uri + "?code=")
        waiting.join()
        assert waiting.error is None
        assert waiting.code is not None

        tokens = oauth.exchange_code(waiting.code, request)
        store = EncryptedFileStore(tmp_path / "tokens.json", use_keyring=False)
        store.save("default", tokens)
        path = status_path(http, user["nino"])

    with httpx.Client(
        base_url=emulator_url, auth=UserAuth(store, "default", oauth), trust_env=False
    ) as api:
        answer = api.get(path, headers={"Accept": STATUS_ACCEPT})
    assert answer.status_code == 200, answer.text
    assert answer.json()["itsaStatuses"][0]["itsaStatusDetails"][0]["status"] == "MTD Voluntary"


def test_not_granting_reaches_the_desktop_app_as_authorization_denied(
    page: Page, emulator_url: str
) -> None:
    with (
        LoopbackReceiver(path="/signed-in") as receiver,
        httpx.Client(base_url=emulator_url) as http,
    ):
        app = register(http, receiver.redirect_uri)
        user = signed_up_user(app)
        request = app.oauth().authorization_url(READ, redirect_uri=receiver.redirect_uri)
        waiting = Waiting(receiver, request)

        page.goto(request.url)
        sign_in(page, user)
        page.click("#deny")
        expect(page.locator("h1")).to_have_text("Authority not granted")
        waiting.join()
    assert isinstance(waiting.error, AuthorizationDenied)
    assert waiting.error.error == "access_denied"
