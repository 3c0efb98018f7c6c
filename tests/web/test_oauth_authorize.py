"""GET /oauth/authorize in process: HMRC's exact errors (wire facts §2.2), openmtd's order.

Every refusal is a 400 with HMRC's JSON body and never a redirect: until the client and its
redirect URI are known good nothing may be sent anywhere, and HMRC shows every /oauth/authorize
error to the browser. A valid request starts the journey (303 to /oauth/start) and keeps the
request in the browser session.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

import pytest
from httpx2 import Response
from starlette.testclient import TestClient

from openmtd.emulator.oauth import journey
from openmtd.emulator.oauth.pkce import s256_challenge
from openmtd.emulator.security import token_hash
from openmtd.emulator.web.context import SESSION_COOKIE
from support.emulator import REDIRECT_URI, EmulatorHarness

VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
CHALLENGE = s256_challenge(VERIFIER)
CLIENT = "<client_id>"
"""Stands for the test application's client_id in the tables below."""

Pairs = Sequence[tuple[str, str]]


def good(client_id: str = CLIENT) -> list[tuple[str, str]]:
    return [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT_URI),
        ("scope", "read:self-assessment write:self-assessment"),
        ("state", "s-1"),
    ]


def vary(
    *extra: tuple[str, str], without: Sequence[str] = (), replace: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """The good request, less ``without``, with ``replace``'s values, plus ``extra``."""
    replace = replace or {}
    pairs = [(k, replace.get(k, v)) for k, v in good() if k not in without]
    return pairs + list(extra)


def authorize(emulator: EmulatorHarness, params: Pairs | str, client_id: str) -> Response:
    """GET /oauth/authorize with ``params`` (pairs, or a raw query string sent as is)."""
    if isinstance(params, str):
        query = params.replace(CLIENT, client_id)
    else:
        query = urlencode([(k, v.replace(CLIENT, client_id)) for k, v in params])
    return emulator.client.get(f"/oauth/authorize?{query}")


def assert_refused(response: Response, error: str, description: str) -> None:
    assert response.status_code == 400, response.text
    assert response.json() == {"error": error, "error_description": description}
    assert response.headers["content-type"].startswith("application/json")
    assert "location" not in response.headers


@pytest.fixture
def client_id(emulator: EmulatorHarness) -> str:
    created = emulator.application(
        redirect_uris=[REDIRECT_URI, "https://app.example.com/callback?tenant=1"]
    )
    return created.application.client_id


# --- every row of HMRC's table ----------------------------------------------------------

HMRC_TABLE = [
    pytest.param(
        vary(without=["client_id"]),
        "invalid_request",
        "client_id is required",
        id="missing client_id",
    ),
    pytest.param(
        vary(replace={"client_id": "NoSuchApplication0000000000"}),
        "invalid_request",
        "client_id is invalid",
        id="unknown client_id",
    ),
    pytest.param(
        vary(without=["redirect_uri"]),
        "invalid_request",
        "redirect_uri is required",
        id="missing redirect_uri",
    ),
    pytest.param(
        vary(replace={"redirect_uri": "http://localhost:9999/other"}),
        "invalid_request",
        "redirect_uri is invalid",
        id="unregistered redirect_uri",
    ),
    pytest.param(
        vary(without=["response_type"]),
        "invalid_request",
        "response_type is required",
        id="missing response_type",
    ),
    pytest.param(
        vary(replace={"response_type": "token"}),
        "unsupported_response_type",
        "response_type must be 'code'",
        id="response_type token",
    ),
    pytest.param(
        vary(replace={"response_type": "CODE"}),
        "unsupported_response_type",
        "response_type must be 'code'",
        id="response_type CODE",
    ),
    pytest.param(
        vary(replace={"response_type": "code id_token"}),
        "unsupported_response_type",
        "response_type must be 'code'",
        id="response_type code id_token",
    ),
    pytest.param(
        vary(without=["scope"]), "invalid_request", "scope is required", id="missing scope"
    ),
    pytest.param(
        vary(replace={"scope": "read:vat"}),
        "invalid_scope",
        "scope is invalid",
        id="unknown scope",
    ),
    pytest.param(
        vary(replace={"scope": "read:self-assessment write:nonsense"}),
        "invalid_scope",
        "scope is invalid",
        id="one unknown scope among good ones",
    ),
    pytest.param(
        vary(replace={"scope": "   "}), "invalid_scope", "scope is invalid", id="only spaces"
    ),
    pytest.param(
        vary(replace={"scope": "read:self-assessment,write:self-assessment"}),
        "invalid_scope",
        "scope is invalid",
        id="comma between scopes",
    ),
    pytest.param(
        vary(("client_secret", "s3cret")),
        "invalid_request",
        "client_secret should NOT be present",
        id="client_secret sent",
    ),
    pytest.param(
        vary(("client_secret", "")),
        "invalid_request",
        "client_secret should NOT be present",
        id="empty client_secret sent",
    ),
    pytest.param(
        vary(("code_challenge", ""), ("code_challenge_method", "S256")),
        "invalid_request",
        "code_challenge if present, cannot be empty",
        id="empty code_challenge",
    ),
    pytest.param(
        vary(("code_challenge", CHALLENGE), ("code_challenge_method", "plain")),
        "invalid_request",
        "code_challenge_method, if present, must be S256",
        id="method plain",
    ),
    pytest.param(
        vary(("code_challenge", CHALLENGE), ("code_challenge_method", "s256")),
        "invalid_request",
        "code_challenge_method, if present, must be S256",
        id="method s256 lower case",
    ),
    pytest.param(
        vary(("code_challenge", CHALLENGE), ("code_challenge_method", "")),
        "invalid_request",
        "code_challenge_method, if present, must be S256",
        id="method empty",
    ),
    pytest.param(
        vary(("code_challenge", CHALLENGE)),
        "invalid_request",
        "code_challenge_method should be present when code_challenge is present",
        id="challenge without method",
    ),
    pytest.param(
        vary(("code_challenge_method", "S256")),
        "invalid_request",
        "code_challenge should be present when code_challenge_method is present",
        id="method without challenge",
    ),
]


@pytest.mark.parametrize(("params", "error", "description"), HMRC_TABLE)
def test_each_fault_is_hmrcs_exact_400_and_never_a_redirect(
    emulator: EmulatorHarness, client_id: str, params: Pairs, error: str, description: str
) -> None:
    assert_refused(authorize(emulator, params, client_id), error, description)


def test_a_client_id_registered_elsewhere_does_not_lend_its_redirect_uris(
    emulator: EmulatorHarness, client_id: str
) -> None:
    other = emulator.application(redirect_uris=["https://other.example.com/cb"])
    params = vary(replace={"redirect_uri": "https://other.example.com/cb"})
    assert_refused(
        authorize(emulator, params, client_id), "invalid_request", "redirect_uri is invalid"
    )
    params = vary(replace={"client_id": other.application.client_id})
    assert_refused(
        authorize(emulator, params, client_id), "invalid_request", "redirect_uri is invalid"
    )


# --- scope encoding (vat-api#1020) ------------------------------------------------------


def _raw(scope_query: str) -> str:
    return (
        f"response_type=code&client_id={CLIENT}&redirect_uri="
        f"{REDIRECT_URI.replace(':', '%3A').replace('/', '%2F')}&{scope_query}&state=x"
    )


def test_percent_2b_between_scopes_is_refused(emulator: EmulatorHarness, client_id: str) -> None:
    # The decoded value holds a literal "+", which HMRC has refused since August 2024.
    response = authorize(
        emulator, _raw("scope=read:self-assessment%2Bwrite:self-assessment"), client_id
    )
    assert_refused(response, "invalid_scope", "scope is invalid")


@pytest.mark.parametrize(
    "scope_query",
    [
        "scope=read:self-assessment+write:self-assessment",
        "scope=read:self-assessment%20write:self-assessment",
        "scope=read%3Aself-assessment%20%20write%3Aself-assessment",
    ],
    ids=["plus", "percent-20", "two spaces, encoded colons"],
)
def test_a_space_between_scopes_however_encoded_is_accepted(
    emulator: EmulatorHarness, client_id: str, scope_query: str
) -> None:
    response = authorize(emulator, _raw(scope_query), client_id)
    assert response.status_code == 303
    assert journey_in_session(emulator)["scopes"] == [
        "read:self-assessment",
        "write:self-assessment",
    ]


# --- openmtd's order: several faults give the earliest ---------------------------------

ORDER = [
    pytest.param(
        [("response_type", "token"), ("client_secret", "x"), ("redirect_uri", "https://e.x/")],
        "invalid_request",
        "client_id is required",
        id="1 client_id before everything",
    ),
    pytest.param(
        [("client_id", "nope"), ("response_type", "token"), ("client_secret", "x")],
        "invalid_request",
        "client_id is invalid",
        id="1 unknown client_id before missing redirect_uri",
    ),
    pytest.param(
        [("client_id", CLIENT), ("client_secret", "x"), ("scope", "bad")],
        "invalid_request",
        "redirect_uri is required",
        id="2 redirect_uri before client_secret",
    ),
    pytest.param(
        [
            ("client_id", CLIENT),
            ("redirect_uri", "https://evil.example.com/"),
            ("client_secret", "x"),
            ("response_type", "token"),
        ],
        "invalid_request",
        "redirect_uri is invalid",
        id="2 bad redirect_uri before client_secret",
    ),
    pytest.param(
        [("client_id", CLIENT), ("redirect_uri", REDIRECT_URI), ("client_secret", "x")],
        "invalid_request",
        "client_secret should NOT be present",
        id="3 client_secret before missing response_type",
    ),
    pytest.param(
        [("client_id", CLIENT), ("redirect_uri", REDIRECT_URI), ("scope", "bad")],
        "invalid_request",
        "response_type is required",
        id="4 response_type before scope",
    ),
    pytest.param(
        [
            ("client_id", CLIENT),
            ("redirect_uri", REDIRECT_URI),
            ("response_type", "token"),
            ("code_challenge_method", "plain"),
        ],
        "unsupported_response_type",
        "response_type must be 'code'",
        id="4 unsupported response_type before missing scope",
    ),
    pytest.param(
        [
            ("client_id", CLIENT),
            ("redirect_uri", REDIRECT_URI),
            ("response_type", "code"),
            ("code_challenge", ""),
        ],
        "invalid_request",
        "scope is required",
        id="5 scope before PKCE",
    ),
    pytest.param(
        vary(("code_challenge_method", "plain"), replace={"scope": "nope"}),
        "invalid_scope",
        "scope is invalid",
        id="5 bad scope before bad method",
    ),
    pytest.param(
        vary(("code_challenge", ""), ("code_challenge_method", "plain")),
        "invalid_request",
        "code_challenge if present, cannot be empty",
        id="6 empty challenge before bad method",
    ),
    pytest.param(
        vary(("code_challenge_method", "plain")),
        "invalid_request",
        "code_challenge_method, if present, must be S256",
        id="6 bad method before missing challenge",
    ),
    pytest.param(
        vary(("code_challenge", CHALLENGE), ("state", "second")),
        "invalid_request",
        "code_challenge_method should be present when code_challenge is present",
        id="6 PKCE before repeated state",
    ),
]


@pytest.mark.parametrize(("params", "error", "description"), ORDER)
def test_several_faults_give_the_earliest_in_openmtds_order(
    emulator: EmulatorHarness, client_id: str, params: Pairs, error: str, description: str
) -> None:
    assert_refused(authorize(emulator, params, client_id), error, description)


# --- a parameter given twice is invalid (RFC 6749 §3.1) ---------------------------------

REPEATS = [
    pytest.param("client_id", CLIENT, "invalid_request", "client_id is invalid", id="client_id"),
    pytest.param(
        "redirect_uri", REDIRECT_URI, "invalid_request", "redirect_uri is invalid", id="redirect"
    ),
    pytest.param(
        "response_type",
        "code",
        "unsupported_response_type",
        "response_type must be 'code'",
        id="response_type",
    ),
    pytest.param("scope", "read:self-assessment", "invalid_scope", "scope is invalid", id="scope"),
    pytest.param("state", "another", "invalid_request", "state is invalid", id="state"),
]


@pytest.mark.parametrize(("name", "value", "error", "description"), REPEATS)
def test_a_repeated_parameter_is_refused(
    emulator: EmulatorHarness,
    client_id: str,
    name: str,
    value: str,
    error: str,
    description: str,
) -> None:
    assert_refused(authorize(emulator, vary((name, value)), client_id), error, description)


def test_a_repeated_code_challenge_is_refused(emulator: EmulatorHarness, client_id: str) -> None:
    params = vary(
        ("code_challenge", CHALLENGE),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    )
    assert_refused(
        authorize(emulator, params, client_id), "invalid_request", "code_challenge is invalid"
    )


# --- a valid request ---------------------------------------------------------------------


def journey_in_session(emulator: EmulatorHarness) -> dict[str, object]:
    cookie = emulator.client.cookies.get(SESSION_COOKIE)
    assert cookie, "no session cookie was set"
    with emulator.services.store.transaction() as tx:
        session = tx.sessions.get(token_hash(cookie))
    assert session is not None
    journey = session.data["oauth_journey"]
    assert isinstance(journey, dict)
    assert session.data["after_sign_in"] == "/oauth/continue"
    return journey


def test_a_valid_request_starts_the_journey_and_keeps_the_request(
    emulator: EmulatorHarness, client_id: str
) -> None:
    response = authorize(emulator, good(), client_id)
    assert response.status_code == 303
    assert response.headers["location"] == "/oauth/start"
    assert journey_in_session(emulator) == {
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "scopes": ["read:self-assessment", "write:self-assessment"],
        "state": "s-1",
        "code_challenge": None,
        "code_challenge_method": None,
    }
    start = emulator.client.get("/oauth/start")
    assert start.status_code == 200
    assert "Test software" in start.text


def test_a_valid_pkce_request_keeps_the_challenge(
    emulator: EmulatorHarness, client_id: str
) -> None:
    params = vary(
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
        replace={"redirect_uri": "https://app.example.com/callback?tenant=1"},
        without=["state"],
    )
    response = authorize(emulator, params, client_id)
    assert response.status_code == 303
    stored = journey_in_session(emulator)
    assert stored["code_challenge"] == CHALLENGE
    assert stored["code_challenge_method"] == "S256"
    assert stored["redirect_uri"] == "https://app.example.com/callback?tenant=1"
    assert stored["state"] is None


def test_repeated_scopes_are_kept_once_in_order(emulator: EmulatorHarness, client_id: str) -> None:
    params = vary(
        replace={"scope": "write:self-assessment read:self-assessment write:self-assessment"}
    )
    assert authorize(emulator, params, client_id).status_code == 303
    assert journey_in_session(emulator)["scopes"] == [
        "write:self-assessment",
        "read:self-assessment",
    ]


def test_a_refused_request_after_a_good_one_leaves_the_good_one_alone(
    emulator: EmulatorHarness, client_id: str
) -> None:
    assert authorize(emulator, good(), client_id).status_code == 303
    refused = authorize(
        emulator, vary(replace={"redirect_uri": "https://evil.example/"}), client_id
    )
    assert_refused(refused, "invalid_request", "redirect_uri is invalid")
    assert journey_in_session(emulator)["redirect_uri"] == REDIRECT_URI


# --- the last row: an unexpected fault -----------------------------------------------------


def test_an_unexpected_fault_is_hmrcs_server_error_not_a_redirect(
    emulator: EmulatorHarness, client_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(journey, "validate", broken)
    client = TestClient(emulator.app, follow_redirects=False, raise_server_exceptions=False)
    response = client.get(f"/oauth/authorize?{urlencode(vary(replace={'client_id': client_id}))}")
    assert response.status_code == 500
    assert "location" not in response.headers
    assert response.json()["error"] == "server_error"
