"""The control API cannot be driven from another site (issue 8, item 2): JSON writes only, no
cross-site Origin or Sec-Fetch-Site, an optional control token; and sign-out is a POST with
the session's CSRF token, never a GET."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from openmtd.emulator.settings import EmulatorSettings, sqlite_url
from openmtd.emulator.web.app import create_app
from openmtd.rules.clock import FixedClock
from support.emulator import (
    FAST_HASHING,
    PASSWORD,
    REDIRECT_URI,
    START,
    EmulatorHarness,
    csrf_token,
)

APPLICATION = {"name": "Evil software", "redirectUris": [REDIRECT_URI]}
CROSS_SITE = {
    "code": "CROSS_SITE_REQUEST",
    "message": "The control API does not accept requests from other sites: call it from your "
    "tests, not from a web page",
}
UNSUPPORTED = {
    "code": "UNSUPPORTED_MEDIA_TYPE",
    "message": "Send the request body as JSON, with Content-Type: application/json",
}
TOKEN = "a control token 0123456789"


def _applications(emulator: EmulatorHarness) -> int:
    with emulator.services.store.transaction() as tx:
        return len(tx.applications.list())


def _assert_platform_headers(response: Any) -> None:
    assert len(response.headers["x-correlationid"]) == 36
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_cross_site_text_plain_reset_is_403_and_the_world_stays(
    emulator: EmulatorHarness,
) -> None:
    emulator.application()
    response = emulator.client.post(
        "/emulator/reset",
        content=b"",
        headers={"Origin": "https://evil.example", "Content-Type": "text/plain"},
    )
    assert (response.status_code, response.json()) == (403, CROSS_SITE)
    _assert_platform_headers(response)
    assert _applications(emulator) == 1


def test_a_text_plain_json_body_registers_nothing(emulator: EmulatorHarness) -> None:
    response = emulator.client.post(
        "/emulator/applications",
        content=b'{"name": "Evil software", "redirectUris": ["http://localhost:9999/cb"]}',
        headers={"Content-Type": "text/plain"},
    )
    assert (response.status_code, response.json()) == (415, UNSUPPORTED)
    _assert_platform_headers(response)
    assert _applications(emulator) == 0


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain;charset=UTF-8",
        "application/json; charset=latin-1",
        "application/jsonp",
        "",
    ],
)
def test_a_write_that_is_not_json_is_415(emulator: EmulatorHarness, content_type: str) -> None:
    for path in ("/emulator/applications", "/emulator/reset", "/emulator/clock"):
        response = emulator.client.post(path, content=b"{}", headers={"Content-Type": content_type})
        assert (response.status_code, response.json()) == (415, UNSUPPORTED), (path, content_type)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://testserver:8080"},
        {"Origin": "https://testserver"},
        {"Origin": "not an origin"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "http://testserver", "Sec-Fetch-Site": "cross-site"},
    ],
)
def test_a_request_from_another_site_is_403(
    emulator: EmulatorHarness, headers: dict[str, str]
) -> None:
    for method, path in (
        ("POST", "/emulator/applications"),
        ("POST", "/emulator/oauth/grant"),
        ("POST", "/emulator/clock"),
        ("GET", "/emulator/clock"),
        ("POST", "/emulator/reset"),
    ):
        response = emulator.client.request(method, path, json=APPLICATION, headers=headers)
        assert (response.status_code, response.json()) == (403, CROSS_SITE), (method, path)
    assert _applications(emulator) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "http://testserver"},
        {"Origin": "HTTP://TESTSERVER:80"},
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
        {"Content-Type": "application/json; charset=utf-8"},
    ],
)
def test_the_emulators_own_origin_and_tests_are_served(
    emulator: EmulatorHarness, headers: dict[str, str]
) -> None:
    response = emulator.client.post(
        "/emulator/applications",
        content=b'{"name": "Mine", "redirectUris": ["http://localhost:9999/cb"]}',
        headers={"Content-Type": "application/json", **headers},
    )
    assert response.status_code == 201, response.text


def test_a_body_without_a_content_type_is_read_as_json(emulator: EmulatorHarness) -> None:
    # As curl -X POST sends a reset, and the end-to-end tests a malformed body.
    assert emulator.client.post("/emulator/reset").status_code == 204
    response = emulator.client.post("/emulator/applications", content=b"{")
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_REQUEST"


# --- the control token -------------------------------------------------------------------------
@pytest.fixture
def locked(tmp_path: Path) -> Iterator[TestClient]:
    settings = EmulatorSettings(
        database_url=sqlite_url(tmp_path / "emulator.sqlite3"),
        password_hashing=FAST_HASHING,
        control_token=TOKEN,
    )
    app = create_app(settings, clock=FixedClock(START))
    with TestClient(app) as client:
        yield client
    app.state.services.store.close()


@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        (None, "MISSING_CONTROL_TOKEN"),
        ("Bearer", "MISSING_CONTROL_TOKEN"),
        ("Basic " + TOKEN, "MISSING_CONTROL_TOKEN"),
        ("Bearer wrong", "INVALID_CONTROL_TOKEN"),
        ("Bearer " + TOKEN + "x", "INVALID_CONTROL_TOKEN"),
        ("Bearer é".encode("latin-1"), "INVALID_CONTROL_TOKEN"),
    ],
)
def test_with_a_token_set_every_control_call_needs_it(
    locked: TestClient, authorization: str | bytes | None, code: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    for method, path in (
        ("POST", "/emulator/applications"),
        ("POST", "/emulator/oauth/grant"),
        ("GET", "/emulator/clock"),
        ("POST", "/emulator/clock"),
        ("POST", "/emulator/reset"),
    ):
        response = locked.request(method, path, json=APPLICATION, headers=headers)
        assert response.status_code == 401, (method, path)
        assert response.json()["code"] == code
        assert response.headers["www-authenticate"] == 'Bearer realm="openmtd emulator control"'


def test_with_the_token_the_control_api_answers(locked: TestClient) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    created = locked.post("/emulator/applications", json=APPLICATION, headers=headers)
    assert created.status_code == 201
    assert locked.get("/emulator/clock", headers=headers).status_code == 200
    assert locked.post("/emulator/reset", headers=headers).status_code == 204
    # The document describes the API and changes nothing: readable without the token.
    assert locked.get("/emulator/openapi.json").status_code == 200
    # The token does not open the door to another site.
    cross = locked.post("/emulator/reset", headers={**headers, "Origin": "https://evil.example"})
    assert cross.status_code == 403


def test_the_token_comes_from_the_environment() -> None:
    assert EmulatorSettings.from_environment({}).control_token is None
    empty = {"OPENMTD_EMULATOR_CONTROL_TOKEN": ""}
    assert EmulatorSettings.from_environment(empty).control_token is None
    assert (
        EmulatorSettings.from_environment({"OPENMTD_EMULATOR_CONTROL_TOKEN": TOKEN}).control_token
        == TOKEN
    )


# --- sign-out is a POST --------------------------------------------------------------------------
def _signed_in(emulator: EmulatorHarness) -> TestClient:
    account = emulator.account()
    client = emulator.client
    token = csrf_token(client.get("/gg/sign-in").text)
    signed = client.post(
        "/gg/sign-in", data={"csrf_token": token, "user_id": account.user_id, "password": PASSWORD}
    )
    assert signed.status_code == 303
    return client


def test_a_get_to_sign_out_shows_the_button_and_signs_nobody_out(
    emulator: EmulatorHarness,
) -> None:
    client = _signed_in(emulator)
    page = client.get("/gg/sign-out")
    assert page.status_code == 200
    assert '<form method="post" action="/gg/sign-out">' in page.text
    # Still signed in: the banner's own sign-out button is there, on every page.
    home = client.get("/")
    assert "Signed in as Ida Newton" in home.text
    assert '<form class="sign-out" method="post" action="/gg/sign-out">' in home.text


def test_sign_out_needs_the_sessions_csrf_token(emulator: EmulatorHarness) -> None:
    client = _signed_in(emulator)
    forged = client.post("/gg/sign-out", data={"csrf_token": "forged"})
    assert forged.status_code == 403
    assert "Signed in as Ida Newton" in client.get("/").text
    token = csrf_token(client.get("/").text)
    done = client.post("/gg/sign-out", data={"csrf_token": token})
    assert done.status_code == 200
    assert "You have signed out" in done.text
    assert "Signed in as" not in client.get("/").text


def test_sign_out_when_signed_out_says_so(emulator: EmulatorHarness) -> None:
    page = emulator.client.get("/gg/sign-out")
    assert page.status_code == 200
    assert "You are not signed in" in page.text
