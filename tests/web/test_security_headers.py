"""Headers on every response (issue 8, item 4): every HTML page cannot be framed and carries a
Content-Security-Policy the pages satisfy; every response has X-CorrelationId and nosniff, an
unexpected fault included; every 405 says Allow; and the request's head is bounded at the edge
(a path, query or header with a control character is refused before any route)."""

from __future__ import annotations

import importlib
import pkgutil
import re
import uuid
from importlib import resources
from typing import Any

import pytest
from fastapi.routing import APIRoute

from openmtd.emulator.web import routes
from openmtd.emulator.web.edge import CONTENT_SECURITY_POLICY
from support.emulator import PASSWORD, EmulatorHarness, csrf_token

HTML = {"Accept": "text/html"}
PAGES = [
    "/",
    "/gg/sign-in",
    "/gg/create-account",
    "/gg/sign-out",
    "/gg/phone",
    "/gg/phone?number=07700900982",
    "/developer/applications",
    "/developer/applications/new",
    "/developer/applications/unknown",
    "/oauth/start",
    "/no/such/page",
]


def _assert_api_headers(response: Any) -> None:
    assert uuid.UUID(response.headers["x-correlationid"])
    assert response.headers["x-content-type-options"] == "nosniff"


def _assert_page_headers(response: Any) -> None:
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["x-frame-options"] == "DENY"
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy
    _assert_api_headers(response)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_cannot_be_framed_and_has_a_policy(emulator: EmulatorHarness, path: str) -> None:
    response = emulator.client.get(path, headers=HTML)
    _assert_page_headers(response)


def test_pages_for_a_signed_in_person_and_error_pages_too(emulator: EmulatorHarness) -> None:
    account = emulator.account()
    client = emulator.client
    token = csrf_token(client.get("/gg/sign-in").text)
    wrong = client.post(
        "/gg/sign-in", data={"csrf_token": token, "user_id": account.user_id, "password": "x"}
    )
    _assert_page_headers(wrong)
    expired = client.post("/gg/sign-in", data={"csrf_token": "old"})
    assert expired.status_code == 403
    _assert_page_headers(expired)
    client.post(
        "/gg/sign-in", data={"csrf_token": token, "user_id": account.user_id, "password": PASSWORD}
    )
    _assert_page_headers(client.get("/applications/manage"))


def test_the_pages_satisfy_the_policy() -> None:
    """No inline script, style or event handler in any template: the policy allows only the
    emulator's own stylesheet and images."""
    assert "script-src" not in CONTENT_SECURITY_POLICY
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY
    templates = resources.files("openmtd.emulator.web") / "templates"
    for template in templates.iterdir():
        text = template.read_text()
        assert "<script" not in text, template.name
        assert "<style" not in text, template.name
        assert not re.search(r"\sstyle=", text), template.name
        assert not re.search(r"\son[a-z]+=", text), template.name
        for url in re.findall(r'(?:href|src|action)="([^"]*)"', text):
            assert not url.startswith(("http:", "https:", "//", "javascript:")), url


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/emulator/clock"),
        ("POST", "/emulator/applications"),
        ("GET", "/oauth/authorize"),
        ("POST", "/oauth/token"),
        ("GET", "/create-test-user/services"),
        ("GET", "/individuals/person/itsa-status/AA123456A/2026-27"),
        ("GET", "/emulator/nothing-here"),
        ("DELETE", "/emulator/clock"),
    ],
)
def test_every_api_response_has_a_correlation_id_and_nosniff(
    emulator: EmulatorHarness, method: str, path: str
) -> None:
    response = emulator.client.request(method, path)
    assert response.status_code < 500
    _assert_api_headers(response)
    assert "x-frame-options" not in response.headers


def test_an_unexpected_fault_is_hmrcs_500_with_the_platforms_headers(
    emulator: EmulatorHarness, caplog: pytest.LogCaptureFixture
) -> None:
    def boom() -> None:
        raise RuntimeError("a bug")

    emulator.app.add_api_route("/test-only/boom", boom)
    response = emulator.client.get("/test-only/boom")
    assert response.status_code == 500
    assert response.json() == {
        "code": "INTERNAL_SERVER_ERROR",
        "message": "An internal server error occurred",
    }
    _assert_api_headers(response)
    assert "connection" not in response.headers
    assert "unexpected error: RuntimeError" in caplog.text


# --- Allow on every 405 --------------------------------------------------------------------------
def _served() -> list[APIRoute]:
    """Every route of every route module."""
    found: list[APIRoute] = []
    for module_info in pkgutil.iter_modules(routes.__path__):
        module = importlib.import_module(f"{routes.__name__}.{module_info.name}")
        found += [route for route in module.router.routes if isinstance(route, APIRoute)]
    return found


def test_every_405_says_every_method_the_path_is_served_with(emulator: EmulatorHarness) -> None:
    served = _served()
    assert len(served) > 30
    for route in served:
        concrete = re.sub(r"\{[^}]+\}", "x", route.path)
        # Every route that takes this path (/developer/applications/new is also a client ID).
        methods = set().union(*(r.methods for r in served if r.path_regex.fullmatch(concrete)))
        unserved = next(m for m in ("PATCH", "PUT", "DELETE", "POST", "GET") if m not in methods)
        response = emulator.client.request(unserved, concrete)
        assert response.status_code == 405, (unserved, route.path)
        assert set(response.headers["allow"].split(", ")) == methods, route.path
        _assert_api_headers(response)


def test_a_405_on_the_token_endpoint_is_rfc_6749s(emulator: EmulatorHarness) -> None:
    response = emulator.client.get("/oauth/token")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "method not allowed",
    }
    clock = emulator.client.put("/emulator/clock")
    assert clock.headers["allow"] == "GET, POST"
    assert clock.json() == {"code": "METHOD_NOT_ALLOWED", "message": "Method not allowed"}


# --- the request's head ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        (
            "/oauth/authorize?client_id=a%00b&response_type=code",
            400,
            {"error": "invalid_request", "error_description": "client_id is invalid"},
        ),
        (
            "/oauth/authorize?state=" + "x" * 9000,
            400,
            {"error": "invalid_request", "error_description": "query string is invalid"},
        ),
        (
            "/emulator/clock?x=%01",
            400,
            {"code": "INVALID_REQUEST", "message": "The query string is not valid"},
        ),
        (
            "/developer/applications/a%00b",
            404,
            {
                "code": "MATCHING_RESOURCE_NOT_FOUND",
                "message": "A resource with the name in the request can not be found in the API",
            },
        ),
        (
            "/developer/applications/" + "x" * 3000,
            404,
            {
                "code": "MATCHING_RESOURCE_NOT_FOUND",
                "message": "A resource with the name in the request can not be found in the API",
            },
        ),
    ],
)
def test_a_head_with_control_characters_is_refused_in_the_callers_shape(
    emulator: EmulatorHarness, path: str, status: int, body: dict[str, str]
) -> None:
    response = emulator.client.get(path)
    assert (response.status_code, response.json()) == (status, body)
    _assert_api_headers(response)


def test_a_page_with_control_characters_in_its_address_is_a_page(
    emulator: EmulatorHarness,
) -> None:
    phone = emulator.client.get("/gg/phone?number=07700%00900982", headers=HTML)
    assert phone.status_code == 400
    assert "There is a problem with the web address" in phone.text
    _assert_page_headers(phone)
    devhub = emulator.client.get("/developer/applications/%7F", headers=HTML)
    assert devhub.status_code == 404
    assert "Page not found" in devhub.text
    _assert_page_headers(devhub)


def test_hmrcs_apis_judge_their_own_parameters(emulator: EmulatorHarness) -> None:
    # No token: the gateway answers first, in HMRC's order, whatever the NINO holds.
    response = emulator.client.get(
        "/individuals/person/itsa-status/AA%00/2026-27",
        headers={"Accept": "application/vnd.hmrc.2.0+json"},
    )
    assert response.json()["code"] == "MISSING_CREDENTIALS"


def test_a_header_with_a_control_character_is_400(emulator: EmulatorHarness) -> None:
    response = emulator.client.get("/emulator/clock", headers={"X-Anything": "a\x01b"})
    assert response.status_code == 400
    assert response.json() == {
        "code": "INVALID_REQUEST",
        "message": "The request header is not valid",
    }
