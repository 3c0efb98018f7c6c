"""The control API in process: applications, the headless grant, the clock and reset.

Every refusal is checked for its exact status and body: a control client relies on them as
much as on the happy path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from starlette.testclient import TestClient

from openmtd.emulator.devhub.applications import EMULATED_APIS, authenticate_client
from openmtd.emulator.gateway.accounts import MAX_PASSWORD_ATTEMPTS
from openmtd.emulator.gateway.two_step import MAX_TWO_STEP_ATTEMPTS
from openmtd.emulator.oauth.pkce import s256_challenge
from openmtd.emulator.settings import EmulatorSettings, sqlite_url
from openmtd.emulator.storage import AffinityGroup, Enrolment, TwoStepMethod
from openmtd.emulator.web.app import create_app
from support.emulator import (
    FAST_HASHING,
    PASSWORD,
    REDIRECT_URI,
    EmulatorHarness,
    query_of,
)

NOT_FOUND = {
    "code": "MATCHING_RESOURCE_NOT_FOUND",
    "message": "A resource with the name in the request can not be found in the API",
}
VERIFIER = "a" * 43
ASA = Enrolment("HMRC-AS-AGENT", "AgentReferenceNumber", "XARN1234567")


def invalid(*errors: dict[str, str]) -> dict[str, Any]:
    return {"code": "INVALID_REQUEST", "message": "Invalid request", "errors": list(errors)}


def post_raw(emulator: EmulatorHarness, path: str, content: bytes) -> Any:
    return emulator.client.post(path, content=content, headers={"Content-Type": "application/json"})


# --- POST /emulator/applications --------------------------------------------------------
def test_create_application_with_defaults(emulator: EmulatorHarness) -> None:
    response = emulator.client.post(
        "/emulator/applications", json={"name": "My software", "redirectUris": [REDIRECT_URI]}
    )
    assert response.status_code == 201
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {
        "clientId",
        "clientSecret",
        "name",
        "redirectUris",
        "apis",
        "rateLimitPerSecond",
        "grantLengthDays",
    }
    assert body["name"] == "My software"
    assert body["redirectUris"] == [REDIRECT_URI]
    assert body["apis"] == list(EMULATED_APIS)
    assert body["rateLimitPerSecond"] == 3
    assert body["grantLengthDays"] == 547
    assert len(body["clientId"]) == 28
    with emulator.services.store.transaction() as tx:
        application = authenticate_client(tx, body["clientId"], body["clientSecret"])
        assert application is not None
        assert application.name == "My software"


def test_create_application_with_every_setting(emulator: EmulatorHarness) -> None:
    response = emulator.client.post(
        "/emulator/applications",
        json={
            "name": "Agent tool",
            "redirectUris": ["https://example.com/cb", "urn:ietf:wg:oauth:2.0:oob"],
            "apis": ["agent-authorisation", "create-test-user"],
            "rateLimitPerSecond": 10,
            "grantLengthDays": 90,
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["redirectUris"] == ["https://example.com/cb", "urn:ietf:wg:oauth:2.0:oob"]
    assert body["apis"] == ["create-test-user", "agent-authorisation"]
    assert (body["rateLimitPerSecond"], body["grantLengthDays"]) == (10, 90)


def test_empty_api_list_subscribes_to_nothing(emulator: EmulatorHarness) -> None:
    response = emulator.client.post(
        "/emulator/applications", json={"name": "N", "redirectUris": [REDIRECT_URI], "apis": []}
    )
    assert response.status_code == 201
    assert response.json()["apis"] == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The request body is empty: send a JSON object"),
        (b"   ", "The request body is empty: send a JSON object"),
        (
            b'{"name": "x",',
            "The request body is not valid JSON: Expecting property name enclosed in double "
            "quotes at line 1 column 14",
        ),
        (b"name=x", "The request body is not valid JSON: Expecting value at line 1 column 1"),
        (b"\xff\xfe\xfa", "The request body is not valid JSON: it is not UTF-8"),
        (b"[" * 100_000, "The request body is nested more than 32 deep"),
    ],
)
def test_malformed_json_is_400(emulator: EmulatorHarness, content: bytes, message: str) -> None:
    response = post_raw(emulator, "/emulator/applications", content)
    assert response.status_code == 400
    assert response.json() == {"code": "INVALID_REQUEST", "message": message}


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            [],
            [
                {
                    "code": "FORMAT_FIELD_TYPE",
                    "message": "The request body must be a JSON object",
                    "path": "",
                }
            ],
        ),
        (
            {"redirectUris": [REDIRECT_URI]},
            [{"code": "FORMAT_FIELD_MISSING", "message": "name is required", "path": "/name"}],
        ),
        (
            {"name": 5, "redirectUris": REDIRECT_URI},
            [
                {"code": "FORMAT_FIELD_TYPE", "message": "name must be a string", "path": "/name"},
                {
                    "code": "FORMAT_FIELD_TYPE",
                    "message": "redirectUris must be an array",
                    "path": "/redirectUris",
                },
            ],
        ),
        (
            {"name": "x", "redirectUris": [REDIRECT_URI, 7]},
            [
                {
                    "code": "FORMAT_FIELD_TYPE",
                    "message": "redirectUris[1] must be a string",
                    "path": "/redirectUris/1",
                }
            ],
        ),
        (
            {"name": "x", "redirectUris": [REDIRECT_URI], "rateLimitPerSecond": "3"},
            [
                {
                    "code": "FORMAT_FIELD_TYPE",
                    "message": "rateLimitPerSecond must be a whole number",
                    "path": "/rateLimitPerSecond",
                }
            ],
        ),
        (
            {"name": "x", "redirectUris": [REDIRECT_URI], "grantLengthDays": True},
            [
                {
                    "code": "FORMAT_FIELD_TYPE",
                    "message": "grantLengthDays must be a whole number",
                    "path": "/grantLengthDays",
                }
            ],
        ),
        (
            {"name": "x", "redirectUris": [REDIRECT_URI], "apis": "create-test-user"},
            [{"code": "FORMAT_FIELD_TYPE", "message": "apis must be an array", "path": "/apis"}],
        ),
        (
            {"name": "x", "redirect_uris": [REDIRECT_URI]},
            [
                {
                    "code": "FORMAT_FIELD_MISSING",
                    "message": "redirectUris is required",
                    "path": "/redirectUris",
                },
                {
                    "code": "FORMAT_FIELD_UNKNOWN",
                    "message": "redirect_uris is not a field of this request",
                    "path": "/redirect_uris",
                },
            ],
        ),
    ],
)
def test_wrong_shapes_and_types_are_400(
    emulator: EmulatorHarness, body: Any, errors: list[dict[str, str]]
) -> None:
    response = emulator.client.post("/emulator/applications", json=body)
    assert response.status_code == 400
    assert response.json() == invalid(*errors)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        (
            {"name": "  "},
            {"code": "FORMAT_NAME", "message": "Enter an application name", "path": "/name"},
        ),
        (
            {"redirectUris": []},
            {
                "code": "FORMAT_REDIRECT_URIS",
                "message": "Add at least one redirect URI.",
                "path": "/redirectUris",
            },
        ),
        (
            {"redirectUris": [f"https://example.com/{n}" for n in range(6)]},
            {
                "code": "FORMAT_REDIRECT_URIS",
                "message": "An application can have at most 5 redirect URIs; remove 1.",
                "path": "/redirectUris",
            },
        ),
        (
            {"redirectUris": [REDIRECT_URI, "http://example.com/cb"]},
            {
                "code": "FORMAT_REDIRECT_URI",
                "message": "Plain http:// is allowed only for localhost (http://localhost or "
                "http://localhost:PORT); use https:// for any other host.",
                "path": "/redirectUris/1",
            },
        ),
        (
            {"redirectUris": ["https://example.com/cb#frag"]},
            {
                "code": "FORMAT_REDIRECT_URI",
                "message": "A redirect URI cannot contain a fragment: remove the # and what "
                "follows it.",
                "path": "/redirectUris/0",
            },
        ),
        (
            {"redirectUris": ["https://a.example/", "https://b.example/", "https://a.example/"]},
            {
                "code": "FORMAT_REDIRECT_URI",
                "message": "This redirect URI is listed twice: remove one.",
                "path": "/redirectUris/2",
            },
        ),
        (
            {"apis": ["create-test-user", "vat-api"]},
            {
                "code": "FORMAT_API",
                "message": "Unknown API vat-api; choose from " + ", ".join(EMULATED_APIS),
                "path": "/apis/1",
            },
        ),
        (
            {"rateLimitPerSecond": 0},
            {
                "code": "FORMAT_RATE_LIMIT",
                "message": "The rate limit must be between 1 and 10000",
                "path": "/rateLimitPerSecond",
            },
        ),
        (
            {"grantLengthDays": 2},
            {
                "code": "FORMAT_GRANT_LENGTH",
                "message": "The grant length must be one of HMRC's: 0, 1, 30, 90, 180, 365, 547, "
                "1095, 1825, 3650, 36500 days",
                "path": "/grantLengthDays",
            },
        ),
    ],
)
def test_settings_the_developer_hub_refuses_are_400(
    emulator: EmulatorHarness, changes: dict[str, Any], error: dict[str, str]
) -> None:
    body = {"name": "Software", "redirectUris": [REDIRECT_URI], **changes}
    response = emulator.client.post("/emulator/applications", json=body)
    assert response.status_code == 400
    assert response.json() == invalid(error)
    with emulator.services.store.transaction() as tx:
        assert tx.applications.list() == []


def test_wrong_method_is_hmrcs_405(emulator: EmulatorHarness) -> None:
    response = emulator.client.get("/emulator/applications")
    assert response.status_code == 405
    assert response.json() == {"code": "METHOD_NOT_ALLOWED", "message": "Method not allowed"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/emulator/applications"),
        ("POST", "/emulator/oauth/grant"),
        ("GET", "/emulator/clock"),
        ("POST", "/emulator/clock"),
        ("POST", "/emulator/reset"),
    ],
)
def test_control_api_off_is_hmrcs_404(tmp_path: Path, method: str, path: str) -> None:
    settings = EmulatorSettings(
        database_url=sqlite_url(tmp_path / "off.sqlite3"),
        control_enabled=False,
        password_hashing=FAST_HASHING,
    )
    app = create_app(settings)
    try:
        with TestClient(app) as client:
            response = client.request(method, path, json={})
            assert response.status_code == 404
            assert response.json() == NOT_FOUND
            assert client.get("/emulator/openapi.json").status_code == 404
    finally:
        app.state.services.store.close()


def test_openapi_describes_the_control_api(emulator: EmulatorHarness) -> None:
    spec = emulator.client.get("/emulator/openapi.json").json()
    body = spec["paths"]["/emulator/applications"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert set(schema["required"]) == {"name", "redirectUris"}


# --- POST /emulator/oauth/grant ---------------------------------------------------------
class Grant:
    """Shortcuts for the headless grant in one test."""

    def __init__(self, emulator: EmulatorHarness, **options: Any) -> None:
        self.emulator = emulator
        self.created = emulator.application(**options)
        self.client_id = self.created.application.client_id

    def params(self, **overrides: Any) -> dict[str, Any]:
        params = {
            "clientId": self.client_id,
            "redirectUri": REDIRECT_URI,
            "scope": "read:self-assessment",
            "state": "s t&8",
        }
        params.update(overrides)
        return {name: value for name, value in params.items() if value is not None}

    def post(self, user_id: str, password: str = PASSWORD, **fields: Any) -> Any:
        body = self.params(**fields)
        body.update({"userId": user_id, "password": password})
        return self.emulator.client.post("/emulator/oauth/grant", json=body)

    def exchange(self, location: str, **extra: str) -> Any:
        return self.emulator.client.post(
            "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "client_id": self.client_id,
                "client_secret": self.created.client_secret,
                "redirect_uri": REDIRECT_URI,
                "code": query_of(location)["code"][0],
                **extra,
            },
        )


def test_grant_gives_a_code_that_exchanges_for_tokens(emulator: EmulatorHarness) -> None:
    grant = Grant(emulator)
    account = emulator.account()
    response = grant.post(account.user_id)
    assert response.status_code == 200
    location = response.json()["location"]
    assert location.startswith(REDIRECT_URI + "?code=")
    query = query_of(location)
    assert list(query) == ["code", "state"]
    assert query["state"] == ["s t&8"]
    assert len(query["code"][0]) == 32
    tokens = grant.exchange(location)
    assert tokens.status_code == 200
    assert tokens.json()["scope"] == "read:self-assessment"


def test_grant_with_pkce_and_without_state(emulator: EmulatorHarness) -> None:
    grant = Grant(emulator)
    account = emulator.account()
    response = grant.post(
        account.user_id,
        state=None,
        codeChallenge=s256_challenge(VERIFIER),
        codeChallengeMethod="S256",
    )
    location = response.json()["location"]
    assert list(query_of(location)) == ["code"]
    assert grant.exchange(location).json() == {
        "error": "invalid_request",
        "error_description": "code_verifier is expected when code_challenge was supplied",
    }
    # The refused exchange did not use the code up.
    assert grant.exchange(location, code_verifier=VERIFIER).status_code == 200


def test_grant_to_an_out_of_band_uri(emulator: EmulatorHarness) -> None:
    oob = "urn:ietf:wg:oauth:2.0:oob"
    grant = Grant(emulator, redirect_uris=[oob])
    account = emulator.account()
    response = grant.post(account.user_id, redirectUri=oob)
    assert response.json()["location"].startswith(oob + "?code=")


def test_deny_sends_hmrcs_refusal(emulator: EmulatorHarness) -> None:
    grant = Grant(emulator)
    account = emulator.account()
    response = grant.post(account.user_id, decision="deny", state="xyz")
    assert response.status_code == 200
    assert response.json() == {
        "location": REDIRECT_URI + "?error=access_denied&error_description=user+denied+the+"
        "authorization&error_code=USER_DENIED_AUTHORIZATION&state=xyz"
    }


@pytest.mark.parametrize(
    "overrides",
    [
        {"clientId": None},
        {"clientId": ""},
        {"clientId": "unknown"},
        {"redirectUri": None},
        {"redirectUri": "http://localhost:9999/other"},
        {"scope": None},
        {"scope": "read:self-assessment+write:self-assessment"},
        {"scope": "read:nothing"},
        {"codeChallenge": ""},
        {"codeChallenge": "abc"},
        {"codeChallengeMethod": "S256"},
        {"codeChallenge": "abc", "codeChallengeMethod": "plain"},
    ],
)
def test_bad_authorize_params_get_the_same_400_as_oauth_authorize(
    emulator: EmulatorHarness, overrides: dict[str, Any]
) -> None:
    grant = Grant(emulator)
    account = emulator.account()
    params = grant.params(**overrides)
    names = {
        "clientId": "client_id",
        "redirectUri": "redirect_uri",
        "scope": "scope",
        "state": "state",
        "codeChallenge": "code_challenge",
        "codeChallengeMethod": "code_challenge_method",
    }
    query = {"response_type": "code"} | {names[k]: v for k, v in params.items()}
    browser = emulator.new_client().get("/oauth/authorize?" + urlencode(query))
    assert browser.status_code == 400
    headless = grant.post(account.user_id, **overrides)
    assert headless.status_code == 400
    assert headless.json() == browser.json()


def test_bad_grant_bodies_are_400(emulator: EmulatorHarness) -> None:
    client = emulator.client
    response = client.post("/emulator/oauth/grant", json={"clientId": "x"})
    assert response.json() == invalid(
        {"code": "FORMAT_FIELD_MISSING", "message": "userId is required", "path": "/userId"},
        {"code": "FORMAT_FIELD_MISSING", "message": "password is required", "path": "/password"},
    )
    response = client.post(
        "/emulator/oauth/grant", json={"userId": 1, "password": "p", "decision": "maybe"}
    )
    assert response.status_code == 400
    assert response.json() == invalid(
        {"code": "FORMAT_FIELD_TYPE", "message": "userId must be a string", "path": "/userId"},
        {
            "code": "FORMAT_VALUE",
            "message": "decision must be 'grant' or 'deny'",
            "path": "/decision",
        },
    )
    response = client.post(
        "/emulator/oauth/grant",
        json={"userId": "1", "password": "p", "identityVerification": "Maybe"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "/identityVerification"
    assert response.json()["errors"][0]["message"].startswith(
        "identityVerification must be one of Success, FailedMatching"
    )
    response = post_raw(emulator, "/emulator/oauth/grant", b"{nope")
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_REQUEST"


def test_wrong_password_or_unknown_user_is_401(emulator: EmulatorHarness) -> None:
    grant = Grant(emulator)
    account = emulator.account()
    expected = {"code": "INVALID_CREDENTIALS", "message": "Invalid user ID or password"}
    wrong = grant.post(account.user_id, password="not the password")
    assert (wrong.status_code, wrong.json()) == (401, expected)
    unknown = grant.post("000000000000")
    assert (unknown.status_code, unknown.json()) == (401, expected)


def test_five_wrong_passwords_lock_the_account(emulator: EmulatorHarness) -> None:
    grant = Grant(emulator)
    account = emulator.account()
    for _ in range(MAX_PASSWORD_ATTEMPTS - 1):
        assert grant.post(account.user_id, password="wrong").json()["code"] == (
            "INVALID_CREDENTIALS"
        )
    locked = grant.post(account.user_id, password="wrong")
    assert locked.status_code == 401
    assert locked.json() == {
        "code": "ACCOUNT_LOCKED",
        "message": "Too many wrong passwords: this account cannot sign in until "
        "2026-11-26T10:15:00.000Z",
    }
    # Even the right password is refused while locked (the failures were committed).
    assert grant.post(account.user_id).json()["code"] == "ACCOUNT_LOCKED"
    emulator.advance(15 * 60)
    assert grant.post(account.user_id).status_code == 200


def test_authenticator_app_two_step(emulator: EmulatorHarness) -> None:
    grant = Grant(emulator)
    account = emulator.account(two_step_method=TwoStepMethod.AUTHENTICATOR_APP)
    missing = grant.post(account.user_id)
    assert missing.status_code == 401
    assert missing.json() == {
        "code": "TWO_STEP_REQUIRED",
        "message": "This account uses 2-step verification: send the code its authenticator "
        "app shows as twoStepCode",
    }
    wrong = grant.post(account.user_id, twoStepCode="000000")
    if emulator.totp(account) == "000000":  # one chance in a million
        wrong = grant.post(account.user_id, twoStepCode="000001")
    assert wrong.status_code == 401
    assert wrong.json() == {
        "code": "INVALID_TWO_STEP_CODE",
        "message": "The security code is not correct",
    }
    code = emulator.totp(account)
    right = grant.post(account.user_id, twoStepCode=code)
    assert right.status_code == 200
    assert "code=" in right.json()["location"]
    # A code cannot be used twice.
    assert grant.post(account.user_id, twoStepCode=code).json()["code"] == ("INVALID_TWO_STEP_CODE")


def test_wrong_two_step_codes_lock(emulator: EmulatorHarness) -> None:
    grant = Grant(emulator)
    account = emulator.account(two_step_method=TwoStepMethod.AUTHENTICATOR_APP)
    bad = "999999" if emulator.totp(account) != "999999" else "999998"
    for _ in range(MAX_TWO_STEP_ATTEMPTS - 1):
        assert grant.post(account.user_id, twoStepCode=bad).json()["code"] == (
            "INVALID_TWO_STEP_CODE"
        )
    locked = grant.post(account.user_id, twoStepCode=bad)
    assert locked.status_code == 401
    assert locked.json() == {
        "code": "ACCOUNT_LOCKED",
        "message": "Too many wrong security codes: this account cannot sign in until "
        "2026-11-26T10:15:00.000Z",
    }
    assert grant.post(account.user_id, twoStepCode=emulator.totp(account)).json()["code"] == (
        "ACCOUNT_LOCKED"
    )


def _texts(emulator: EmulatorHarness, phone: str) -> list[str]:
    with emulator.services.store.transaction() as tx:
        return [message.body for message in tx.phone.messages(phone)]


def test_text_message_two_step(emulator: EmulatorHarness) -> None:
    phone = "07700900123"
    grant = Grant(emulator)
    account = emulator.account(two_step_method=TwoStepMethod.TEXT_MESSAGE, phone_number=phone)
    # A code given before one was sent is refused without counting.
    early = grant.post(account.user_id, twoStepCode="123456")
    assert early.status_code == 401
    assert early.json()["code"] == "INVALID_TWO_STEP_CODE"
    assert _texts(emulator, phone) == []
    missing = grant.post(account.user_id)
    assert missing.status_code == 401
    assert missing.json() == {
        "code": "TWO_STEP_REQUIRED",
        "message": "This account uses 2-step verification: a security code was sent by text "
        "message to the phone number ending 123; send it as twoStepCode",
    }
    texts = _texts(emulator, phone)
    assert len(texts) == 1
    code = texts[0].split("code is ")[1][:6]
    wrong_code = "000000" if code != "000000" else "111111"
    assert grant.post(account.user_id, twoStepCode=wrong_code).json() == {
        "code": "INVALID_TWO_STEP_CODE",
        "message": "The security code is not correct",
    }
    right = grant.post(account.user_id, twoStepCode=code)
    assert right.status_code == 200
    assert "code=" in right.json()["location"]


def test_text_message_code_expires(emulator: EmulatorHarness) -> None:
    phone = "07700900456"
    grant = Grant(emulator)
    account = emulator.account(two_step_method=TwoStepMethod.TEXT_MESSAGE, phone_number=phone)
    grant.post(account.user_id)
    code = _texts(emulator, phone)[0].split("code is ")[1][:6]
    emulator.advance(10 * 60)
    expired = grant.post(account.user_id, twoStepCode=code)
    assert expired.json() == {
        "code": "INVALID_TWO_STEP_CODE",
        "message": "The security code has expired: send the request without twoStepCode to "
        "get a new one",
    }


def test_agent_without_agent_services_account_is_refused(emulator: EmulatorHarness) -> None:
    grant = Grant(emulator)
    agent = emulator.account(affinity_group=AffinityGroup.AGENT, confidence_level=50)
    response = grant.post(agent.user_id, scope="write:sent-invitations")
    assert response.status_code == 403
    assert response.json()["code"] == "AGENT_SERVICES_ACCOUNT_REQUIRED"
    assert response.json()["message"].startswith("You need to sign in with the user ID for your")


def test_agent_scopes_need_an_agent(emulator: EmulatorHarness) -> None:
    grant = Grant(emulator)
    individual = emulator.account()
    response = grant.post(individual.user_id, scope="write:sent-invitations")
    assert response.status_code == 403
    assert response.json() == {
        "code": "AGENT_SCOPES_NEED_AN_AGENT",
        "message": "This software asked for authority that only an agent can give. Sign in "
        "with an agent services account.",
    }


def test_agent_with_agent_services_account_is_granted_without_iv(
    emulator: EmulatorHarness,
) -> None:
    grant = Grant(emulator)
    agent = emulator.account(
        affinity_group=AffinityGroup.AGENT, confidence_level=50, enrolments=(ASA,)
    )
    response = grant.post(agent.user_id, scope="read:self-assessment write:sent-invitations")
    assert response.status_code == 200
    assert grant.exchange(response.json()["location"]).status_code == 200


def test_identity_verification_is_required_below_250(emulator: EmulatorHarness) -> None:
    grant = Grant(emulator)
    account = emulator.account(confidence_level=50)
    response = grant.post(account.user_id)
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "IDENTITY_VERIFICATION_REQUIRED"
    assert "send identityVerification" in body["message"]
    # A scope that needs no confidence level needs no check.
    assert grant.post(account.user_id, scope="hello").status_code == 200


def test_identity_verification_success_raises_the_account(emulator: EmulatorHarness) -> None:
    grant = Grant(emulator)
    account = emulator.account(confidence_level=50)
    response = grant.post(account.user_id, identityVerification="Success")
    assert response.status_code == 200
    assert grant.exchange(response.json()["location"]).status_code == 200
    with emulator.services.store.transaction() as tx:
        stored = tx.accounts.get(account.id)
        assert stored is not None
        assert stored.confidence_level == 250
    # Checked once: the next grant needs no outcome.
    assert grant.post(account.user_id).status_code == 200


@pytest.mark.parametrize("outcome", ["FailedMatching", "LockedOut", "UserAborted"])
def test_identity_verification_failure_is_sent_to_the_software(
    emulator: EmulatorHarness, outcome: str
) -> None:
    grant = Grant(emulator)
    account = emulator.account(confidence_level=50)
    response = grant.post(account.user_id, identityVerification=outcome, state="st")
    assert response.status_code == 200
    assert response.json() == {
        "location": REDIRECT_URI + "?error=access_denied&error_description=identity+"
        f"verification+failed&error_code={outcome}&state=st"
    }
    with emulator.services.store.transaction() as tx:
        stored = tx.accounts.get(account.id)
        assert stored is not None
        assert stored.confidence_level == 50


def test_identity_outcome_is_ignored_when_no_check_is_needed(emulator: EmulatorHarness) -> None:
    grant = Grant(emulator)
    account = emulator.account(confidence_level=250)
    response = grant.post(account.user_id, identityVerification="FailedMatching")
    assert "code=" in response.json()["location"]


def test_failures_are_checked_in_the_browser_journeys_order(emulator: EmulatorHarness) -> None:
    grant = Grant(emulator)
    account = emulator.account(confidence_level=50, two_step_method=TwoStepMethod.AUTHENTICATOR_APP)
    # Bad parameters come first, even with a wrong password.
    assert grant.post(account.user_id, password="wrong", scope="bad:scope").status_code == 400
    # Then the password, then 2SV, then identity.
    assert grant.post(account.user_id, password="wrong").json()["code"] == "INVALID_CREDENTIALS"
    assert grant.post(account.user_id).json()["code"] == "TWO_STEP_REQUIRED"
    response = grant.post(account.user_id, twoStepCode=emulator.totp(account))
    assert response.json()["code"] == "IDENTITY_VERIFICATION_REQUIRED"


# --- the clock ------------------------------------------------------------------------------
def test_clock_reads_the_emulators_time(emulator: EmulatorHarness) -> None:
    response = emulator.client.get("/emulator/clock")
    assert response.status_code == 200
    assert response.json() == {"now": "2026-11-26T10:00:00.000Z"}


def test_clock_can_be_set_with_any_offset(emulator: EmulatorHarness) -> None:
    response = emulator.client.post("/emulator/clock", json={"now": "2027-04-06T09:30:00+01:00"})
    assert response.status_code == 200
    assert response.json() == {"now": "2027-04-06T08:30:00.000Z"}
    assert emulator.client.get("/emulator/clock").json() == {"now": "2027-04-06T08:30:00.000Z"}
    # The base clock keeps running underneath the offset.
    emulator.advance(1.5)
    assert emulator.client.get("/emulator/clock").json() == {"now": "2027-04-06T08:30:01.500Z"}
    response = emulator.client.post("/emulator/clock", json={"now": "2026-01-01T00:00:00Z"})
    assert response.json() == {"now": "2026-01-01T00:00:00.000Z"}


def test_clock_can_be_advanced_and_moved_back(emulator: EmulatorHarness) -> None:
    client = emulator.client
    assert client.post("/emulator/clock", json={"advanceSeconds": 90}).json() == {
        "now": "2026-11-26T10:01:30.000Z"
    }
    assert client.post("/emulator/clock", json={"advanceSeconds": 0.25}).json() == {
        "now": "2026-11-26T10:01:30.250Z"
    }
    assert client.post("/emulator/clock", json={"advanceSeconds": -3600}).json() == {
        "now": "2026-11-26T09:01:30.250Z"
    }


@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        ({}, "", "Send exactly one of now and advanceSeconds"),
        (
            {"now": "2026-11-26T10:00:00Z", "advanceSeconds": 1},
            "",
            "Send exactly one of now and advanceSeconds",
        ),
        (
            {"now": "2026-11-26T10:00:00"},
            "/now",
            "now must be an ISO-8601 date and time with a UTC offset, like "
            "2026-11-26T10:00:00Z or 2026-11-26T10:00:00+00:00",
        ),
        (
            {"now": "tomorrow"},
            "/now",
            "now must be an ISO-8601 date and time with a UTC offset, like "
            "2026-11-26T10:00:00Z or 2026-11-26T10:00:00+00:00",
        ),
        (
            {"now": "3000-01-01T00:00:00Z"},
            "/now",
            "The emulator's clock must stay between 1970-01-01T00:00:00.000Z and "
            "3000-01-01T00:00:00.000Z",
        ),
        (
            {"advanceSeconds": 1e300},
            "/advanceSeconds",
            "The emulator's clock must stay between 1970-01-01T00:00:00.000Z and "
            "3000-01-01T00:00:00.000Z",
        ),
        (
            {"advanceSeconds": -1e10},
            "/advanceSeconds",
            "The emulator's clock must stay between 1970-01-01T00:00:00.000Z and "
            "3000-01-01T00:00:00.000Z",
        ),
    ],
)
def test_bad_clock_changes_are_400(
    emulator: EmulatorHarness, body: dict[str, Any], path: str, message: str
) -> None:
    response = emulator.client.post("/emulator/clock", json=body)
    assert response.status_code == 400
    assert response.json() == invalid({"code": "FORMAT_VALUE", "message": message, "path": path})
    assert emulator.client.get("/emulator/clock").json() == {"now": "2026-11-26T10:00:00.000Z"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"advanceSeconds": "60"}', "advanceSeconds must be a number"),
        (b'{"advanceSeconds": true}', "advanceSeconds must be a number"),
        (b'{"advanceSeconds": NaN}', "advanceSeconds must be a finite number"),
        (b'{"now": 1764151200}', "now must be a string"),
    ],
)
def test_clock_values_of_the_wrong_type_are_400(
    emulator: EmulatorHarness, content: bytes, message: str
) -> None:
    response = post_raw(emulator, "/emulator/clock", content)
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == message


def test_codes_expire_after_ten_minutes_of_emulator_time(emulator: EmulatorHarness) -> None:
    grant = Grant(emulator)
    account = emulator.account()
    first = grant.post(account.user_id).json()["location"]
    second = grant.post(account.user_id).json()["location"]
    emulator.client.post("/emulator/clock", json={"advanceSeconds": 599})
    assert grant.exchange(first).status_code == 200
    emulator.client.post("/emulator/clock", json={"advanceSeconds": 1})
    expired = grant.exchange(second)
    assert expired.status_code == 400
    assert expired.json() == {"error": "invalid_request", "error_description": "code is invalid"}


# --- reset ----------------------------------------------------------------------------------
def test_reset_empties_the_world(emulator: EmulatorHarness) -> None:
    grant = Grant(emulator)
    account = emulator.account()
    location = grant.post(account.user_id).json()["location"]
    emulator.client.post("/emulator/clock", json={"advanceSeconds": 3600})
    response = emulator.client.post("/emulator/reset")
    assert response.status_code == 204
    assert response.content == b""
    with emulator.services.store.transaction() as tx:
        assert tx.applications.list() == []
        assert tx.accounts.get(account.id) is None
    assert emulator.client.get("/emulator/clock").json() == {"now": "2026-11-26T10:00:00.000Z"}
    assert grant.exchange(location).status_code == 401  # the application is gone
    assert grant.post(account.user_id).json() == {
        "error": "invalid_request",
        "error_description": "client_id is invalid",
    }
    # The schema stays: the emulator carries on.
    again = emulator.client.post(
        "/emulator/applications", json={"name": "After", "redirectUris": [REDIRECT_URI]}
    )
    assert again.status_code == 201
