"""The emulator's web edge, attacked: CSRF, cookies, session fixation and idling, escaping,
brute force on passwords and 2-step codes, and secrets kept out of the logs."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from openmtd.emulator.devhub.applications import CreatedApplication
from openmtd.emulator.gateway import two_step
from openmtd.emulator.gateway.accounts import attempts_key
from openmtd.emulator.security import token_hash
from openmtd.emulator.settings import EmulatorSettings, sqlite_url
from openmtd.emulator.storage import Account, TwoStepMethod
from openmtd.emulator.web.app import create_app
from openmtd.emulator.web.context import SESSION_COOKIE
from openmtd.rules.clock import FixedClock
from support.emulator import (
    FAST_HASHING,
    PASSWORD,
    REDIRECT_URI,
    START,
    EmulatorHarness,
    csrf_token,
    query_of,
    sign_out,
)

MOBILE = "+447700900982"
NEW_PASSWORD = "a long enough secret"
XSS = "<script>alert(1)</script>"
_TEXT_CODE = re.compile(r"security code is (\d{6})")
_SECRET = re.compile(r'<code id="secret">([A-Z2-7 ]+)</code>')
_USER_ID = re.compile(r'id="user-id">(\d{12})<')


# --- helpers ----------------------------------------------------------------------------------


def _authorize(client: TestClient, client_id: str, scope: str = "hello") -> None:
    response = client.get(
        "/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": scope,
        },
    )
    assert response.headers["location"] == "/oauth/start"


def _password(client: TestClient, user_id: str, password: str = PASSWORD) -> Any:
    token = csrf_token(client.get("/gg/sign-in").text)
    return client.post(
        "/gg/sign-in", data={"csrf_token": token, "user_id": user_id, "password": password}
    )


def _code(client: TestClient, code: str) -> Any:
    token = csrf_token(client.get("/gg/two-step").text)
    return client.post("/gg/two-step", data={"csrf_token": token, "code": code})


def _exchange(client: TestClient, created: CreatedApplication, location: str) -> Any:
    """The software's side: swap the code in ``location`` for tokens (the grant is made)."""
    response = client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": created.application.client_id,
            "client_secret": created.client_secret,
            "redirect_uri": REDIRECT_URI,
            "code": query_of(location)["code"][0],
        },
    )
    assert response.status_code == 200
    return response.json()


def _last_text(emulator: EmulatorHarness, number: str = MOBILE) -> str:
    with emulator.services.store.transaction() as tx:
        texts = tx.phone.messages(number)
    match = _TEXT_CODE.search(texts[0].body)
    assert match
    return match.group(1)


def _text_count(emulator: EmulatorHarness, number: str = MOBILE) -> int:
    with emulator.services.store.transaction() as tx:
        return len(tx.phone.messages(number))


def _account(emulator: EmulatorHarness, account_id: int) -> Account | None:
    with emulator.services.store.transaction() as tx:
        return tx.accounts.get(account_id)


def _details(**overrides: str) -> dict[str, str]:
    return {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
        "affinity_group": "Individual",
        "dob_day": "10",
        "dob_month": "12",
        "dob_year": "1985",
        "address_line1": "1 Analytical Row",
        "postcode": "SW1A 2AA",
    } | overrides


def _start_registration(client: TestClient, **overrides: str) -> None:
    token = csrf_token(client.get("/gg/create-account").text)
    response = client.post(
        "/gg/create-account", data={"csrf_token": token, **_details(**overrides)}
    )
    assert response.headers["location"] == "/gg/two-step/setup"


def _post_forms(page: str) -> list[str]:
    return [
        part.split("</form>", 1)[0]
        for part in page.split("<form")[1:]
        if 'method="post"' in part.split(">", 1)[0]
    ]


def _cookie_header(response: Any) -> str:
    headers = [v for k, v in response.headers.multi_items() if k.lower() == "set-cookie"]
    assert len(headers) == 1
    return str(headers[0])


# --- CSRF -------------------------------------------------------------------------------------


def test_every_form_page_carries_the_sessions_csrf_token(emulator: EmulatorHarness) -> None:
    created = emulator.application()
    account = emulator.account(
        confidence_level=50, two_step_method=TwoStepMethod.TEXT_MESSAGE, phone_number=MOBILE
    )
    client = emulator.client
    pages: dict[str, str] = {}
    _authorize(client, created.application.client_id, "read:self-assessment")
    pages["sign-in"] = client.get("/gg/sign-in").text
    _password(client, account.user_id)
    pages["two-step"] = client.get("/gg/two-step").text
    _code(client, _last_text(emulator))
    pages["iv"] = client.get("/iv/journey").text
    client.post("/iv/journey", data={"csrf_token": csrf_token(pages["iv"]), "outcome": "Success"})
    pages["grantscope"] = client.get("/oauth/grantscope").text
    response = client.post(
        "/oauth/grantscope",
        data={"csrf_token": csrf_token(pages["grantscope"]), "decision": "grant"},
    )
    _exchange(client, created, response.headers["location"])
    pages["manage"] = client.get("/applications/manage").text
    other = emulator.new_client()
    pages["create-account"] = other.get("/gg/create-account").text
    _start_registration(other)
    pages["setup"] = other.get("/gg/two-step/setup").text
    pages["setup-app"] = other.get("/gg/two-step/setup/app").text
    pages["setup-text"] = other.get("/gg/two-step/setup/text").text
    other.post(
        "/gg/two-step/setup/text",
        data={"csrf_token": csrf_token(pages["setup-text"]), "phone_number": "07700900111"},
    )
    pages["setup-code"] = other.get("/gg/two-step/setup/text/code").text
    tokens = {name: csrf_token(page) for name, page in pages.items()}
    for name, page in pages.items():
        forms = _post_forms(page)
        assert forms, name
        for form in forms:
            assert f'name="csrf_token" value="{tokens[name]}"' in form, name
    # A session's token is its own: the two browsers' tokens differ.
    assert tokens["manage"] != tokens["setup"]


@dataclass
class Scenario:
    """A POST brought to the point where it would succeed, and how to see it did nothing."""

    path: str
    fields: dict[str, str]
    unchanged: Callable[[], None]
    succeeded: Callable[[Any], None]


def _sign_in_scenario(emulator: EmulatorHarness, client: TestClient) -> Scenario:
    account = emulator.account()
    client.get("/gg/sign-in")

    def unchanged() -> None:
        assert client.get("/applications/manage").headers["location"] == "/gg/sign-in"
        with emulator.services.store.transaction() as tx:
            counted = tx.sign_in_attempts.get(attempts_key(account.user_id), emulator.now())
        assert counted is None

    return Scenario(
        "/gg/sign-in",
        {"user_id": account.user_id, "password": PASSWORD},
        unchanged,
        # unchanged() visited the manage page, which asked to come back after sign-in.
        lambda response: assert_location(response, "/applications/manage"),
    )


def assert_location(response: Any, location: str) -> None:
    assert response.status_code == 303, response.text
    assert response.headers["location"] == location


def _two_step_scenario(emulator: EmulatorHarness, client: TestClient) -> Scenario:
    account = emulator.account(two_step_method=TwoStepMethod.AUTHENTICATOR_APP)
    _password(client, account.user_id)
    client.get("/gg/two-step")

    def unchanged() -> None:
        after = _account(emulator, account.id)
        assert after is not None
        assert after.totp_last_step is None
        assert after.failed_two_step_attempts == 0

    return Scenario(
        "/gg/two-step",
        {"code": emulator.totp(account)},
        unchanged,
        lambda response: assert_location(response, "/"),
    )


def _gateway_resend_scenario(emulator: EmulatorHarness, client: TestClient) -> Scenario:
    account = emulator.account(two_step_method=TwoStepMethod.TEXT_MESSAGE, phone_number=MOBILE)
    _password(client, account.user_id)
    client.get("/gg/two-step")

    def unchanged() -> None:
        assert _text_count(emulator) == 1

    return Scenario(
        "/gg/two-step/resend",
        {},
        unchanged,
        lambda response: assert_location(response, "/gg/two-step"),
    )


def _signed_in_at_iv(emulator: EmulatorHarness, client: TestClient) -> Account:
    created = emulator.application()
    account = emulator.account(confidence_level=50)
    _authorize(client, created.application.client_id, "read:self-assessment")
    _password(client, account.user_id)
    assert client.get("/oauth/continue").headers["location"] == "/iv/journey"
    return account


def _iv_scenario(emulator: EmulatorHarness, client: TestClient) -> Scenario:
    account = _signed_in_at_iv(emulator, client)
    client.get("/iv/journey")

    def unchanged() -> None:
        after = _account(emulator, account.id)
        assert after is not None
        assert after.confidence_level == 50

    return Scenario(
        "/iv/journey",
        {"outcome": "Success"},
        unchanged,
        lambda response: assert_location(response, "/oauth/continue"),
    )


def _grantscope_scenario(emulator: EmulatorHarness, client: TestClient) -> Scenario:
    created = emulator.application()
    account = emulator.account()
    _authorize(client, created.application.client_id)
    _password(client, account.user_id)
    client.get("/oauth/grantscope")

    def unchanged() -> None:
        with emulator.services.store.transaction() as tx:
            assert tx.oauth.grants_for_account(account.id) == []

    def succeeded(response: Any) -> None:
        assert response.headers["location"].startswith(REDIRECT_URI + "?code=")

    return Scenario("/oauth/grantscope", {"decision": "grant"}, unchanged, succeeded)


def _create_account_scenario(emulator: EmulatorHarness, client: TestClient) -> Scenario:
    client.get("/gg/create-account")

    def unchanged() -> None:
        assert client.get("/gg/two-step/setup").status_code == 400

    return Scenario(
        "/gg/create-account",
        _details(),
        unchanged,
        lambda response: assert_location(response, "/gg/two-step/setup"),
    )


def _setup_choice_scenario(emulator: EmulatorHarness, client: TestClient) -> Scenario:
    _start_registration(client)
    return Scenario(
        "/gg/two-step/setup",
        {"method": "app"},
        lambda: None,
        lambda response: assert_location(response, "/gg/two-step/setup/app"),
    )


def _setup_app_scenario(emulator: EmulatorHarness, client: TestClient) -> Scenario:
    _start_registration(client)
    page = client.get("/gg/two-step/setup/app").text
    match = _SECRET.search(page)
    assert match
    code = two_step.totp_code(match.group(1).replace(" ", ""), emulator.now())

    def unchanged() -> None:
        assert _account(emulator, 1) is None

    return Scenario(
        "/gg/two-step/setup/app",
        {"code": code},
        unchanged,
        lambda response: assert_location(response, "/gg/create-account/done"),
    )


def _setup_text_scenario(emulator: EmulatorHarness, client: TestClient) -> Scenario:
    _start_registration(client)
    client.get("/gg/two-step/setup/text")

    def unchanged() -> None:
        assert _text_count(emulator) == 0

    return Scenario(
        "/gg/two-step/setup/text",
        {"phone_number": "07700 900982"},
        unchanged,
        lambda response: assert_location(response, "/gg/two-step/setup/text/code"),
    )


def _text_sent(emulator: EmulatorHarness, client: TestClient) -> None:
    _start_registration(client)
    token = csrf_token(client.get("/gg/two-step/setup/text").text)
    client.post("/gg/two-step/setup/text", data={"csrf_token": token, "phone_number": MOBILE})


def _setup_code_scenario(emulator: EmulatorHarness, client: TestClient) -> Scenario:
    _text_sent(emulator, client)

    def unchanged() -> None:
        assert _account(emulator, 1) is None

    return Scenario(
        "/gg/two-step/setup/text/code",
        {"code": _last_text(emulator)},
        unchanged,
        lambda response: assert_location(response, "/gg/create-account/done"),
    )


def _setup_resend_scenario(emulator: EmulatorHarness, client: TestClient) -> Scenario:
    _text_sent(emulator, client)

    def unchanged() -> None:
        assert _text_count(emulator) == 1

    return Scenario(
        "/gg/two-step/setup/text/resend",
        {},
        unchanged,
        lambda response: assert_location(response, "/gg/two-step/setup/text/code"),
    )


def _revoke_scenario(emulator: EmulatorHarness, client: TestClient) -> Scenario:
    created = emulator.application()
    account = emulator.account()
    _authorize(client, created.application.client_id)
    _password(client, account.user_id)
    token = csrf_token(client.get("/oauth/grantscope").text)
    response = client.post("/oauth/grantscope", data={"csrf_token": token, "decision": "grant"})
    _exchange(client, created, response.headers["location"])
    with emulator.services.store.transaction() as tx:
        (view,) = tx.oauth.grants_for_account(account.id)

    def unchanged() -> None:
        with emulator.services.store.transaction() as tx:
            grant = tx.oauth.get_grant(view.grant.id)
        assert grant is not None
        assert grant.revoked_at is None

    return Scenario(
        f"/applications/manage/{view.grant.id}/revoke",
        {},
        unchanged,
        lambda response: assert_location(response, f"/applications/manage/{view.grant.id}/removed"),
    )


SCENARIOS: dict[str, Callable[[EmulatorHarness, TestClient], Scenario]] = {
    "sign-in": _sign_in_scenario,
    "two-step": _two_step_scenario,
    "two-step-resend": _gateway_resend_scenario,
    "iv": _iv_scenario,
    "grantscope": _grantscope_scenario,
    "create-account": _create_account_scenario,
    "setup-choice": _setup_choice_scenario,
    "setup-app": _setup_app_scenario,
    "setup-text": _setup_text_scenario,
    "setup-code": _setup_code_scenario,
    "setup-resend": _setup_resend_scenario,
    "revoke": _revoke_scenario,
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_a_post_without_its_sessions_token_is_refused_and_changes_nothing(
    emulator: EmulatorHarness, name: str
) -> None:
    client = emulator.client
    scenario = SCENARIOS[name](emulator, client)
    own_token = csrf_token(client.get("/gg/sign-in").text)
    stranger = emulator.new_client()
    strangers_token = csrf_token(stranger.get("/gg/sign-in").text)
    for token in (None, "", strangers_token, own_token + "x"):
        fields = dict(scenario.fields)
        if token is not None:
            fields["csrf_token"] = token
        response = client.post(scenario.path, data=fields)
        assert response.status_code == 403, (name, token)
        assert "This form has expired" in response.text
        scenario.unchanged()
    # The same POST with the session's own token works: the refusals were the token's doing.
    scenario.succeeded(
        client.post(scenario.path, data={**scenario.fields, "csrf_token": own_token})
    )


def test_a_post_with_no_session_at_all_is_refused(emulator: EmulatorHarness) -> None:
    account = emulator.account()
    token = csrf_token(emulator.new_client().get("/gg/sign-in").text)
    response = emulator.new_client().post(
        "/gg/sign-in", data={"csrf_token": token, "user_id": account.user_id, "password": PASSWORD}
    )
    assert response.status_code == 403


# --- cookies and sessions ---------------------------------------------------------------------


def test_the_session_cookie_is_httponly_lax_and_not_secure_over_http(
    emulator: EmulatorHarness,
) -> None:
    header = _cookie_header(emulator.client.get("/gg/sign-in"))
    assert header.startswith(f"{SESSION_COOKIE}=")
    lowered = header.lower()
    assert "httponly" in lowered
    assert "samesite=lax" in lowered
    assert "path=/" in lowered
    assert "secure" not in lowered.replace("samesite", "")


def test_the_session_cookie_is_secure_when_served_over_https(tmp_path: Path) -> None:
    settings = EmulatorSettings(
        database_url=sqlite_url(tmp_path / "secure.sqlite3"),
        password_hashing=FAST_HASHING,
        secure_cookies=True,
    )
    app = create_app(settings, clock=FixedClock(START))
    try:
        with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
            header = _cookie_header(client.get("/gg/sign-in")).lower()
    finally:
        app.state.services.store.close()
    assert "; secure" in header
    assert "httponly" in header
    assert "samesite=lax" in header


def test_signing_in_replaces_the_session_id(emulator: EmulatorHarness) -> None:
    account = emulator.account()
    client = emulator.client
    client.get("/gg/sign-in")
    before = client.cookies[SESSION_COOKIE]
    response = _password(client, account.user_id)
    assert response.headers["location"] == "/"
    after = client.cookies[SESSION_COOKIE]
    assert after != before
    assert "httponly" in _cookie_header(response).lower()
    assert client.get("/applications/manage").status_code == 200
    # Someone holding the old id (a planted or stolen cookie) is not signed in.
    planted = emulator.new_client()
    planted.cookies.set(SESSION_COOKIE, before)
    assert planted.get("/applications/manage").headers["location"] == "/gg/sign-in"
    with emulator.services.store.transaction() as tx:
        assert tx.sessions.get(token_hash(before)) is None


def test_a_session_idle_for_15_minutes_is_over(emulator: EmulatorHarness) -> None:
    created = emulator.application()
    client = emulator.client
    _authorize(client, created.application.client_id)
    emulator.advance(899)
    assert client.get("/oauth/start").status_code == 200
    emulator.advance(901)
    response = client.get("/oauth/start")
    assert response.status_code == 400
    assert "Your session has ended" in response.text


def test_a_signed_in_session_idle_for_15_minutes_is_signed_out(emulator: EmulatorHarness) -> None:
    account = emulator.account()
    client = emulator.client
    _password(client, account.user_id)
    emulator.advance(901)
    assert client.get("/applications/manage").headers["location"] == "/gg/sign-in"


# --- escaping ---------------------------------------------------------------------------------


def _assert_escaped(page: str) -> None:
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_application_and_person_names_are_escaped_everywhere(emulator: EmulatorHarness) -> None:
    created = emulator.application(name=XSS)
    account = emulator.account(first_name=XSS)
    client = emulator.client
    _authorize(client, created.application.client_id)
    _assert_escaped(client.get("/oauth/start").text)
    _password(client, account.user_id)
    grant_page = client.get("/oauth/grantscope").text
    _assert_escaped(grant_page)
    response = client.post(
        "/oauth/grantscope", data={"csrf_token": csrf_token(grant_page), "decision": "grant"}
    )
    _exchange(client, created, response.headers["location"])
    manage = client.get("/applications/manage").text
    _assert_escaped(manage)
    assert 'aria-label="Remove authority from &lt;script&gt;' in manage
    with emulator.services.store.transaction() as tx:
        (view,) = tx.oauth.grants_for_account(account.id)
    client.post(
        f"/applications/manage/{view.grant.id}/revoke", data={"csrf_token": csrf_token(manage)}
    )
    _assert_escaped(client.get(f"/applications/manage/{view.grant.id}/removed").text)


def test_a_new_accounts_name_is_escaped_on_its_pages(emulator: EmulatorHarness) -> None:
    client = emulator.client
    token = csrf_token(client.get("/gg/create-account").text)
    refused = client.post(
        "/gg/create-account",
        data={"csrf_token": token, **_details(first_name=XSS, email=XSS)},
    )
    assert refused.status_code == 400
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in refused.text
    assert "<script>" not in refused.text
    _start_registration(client, first_name=XSS)
    page = client.get("/gg/two-step/setup/app").text
    assert "<script>" not in page
    match = _SECRET.search(page)
    assert match
    code = two_step.totp_code(match.group(1).replace(" ", ""), emulator.now())
    client.post("/gg/two-step/setup/app", data={"csrf_token": csrf_token(page), "code": code})
    _assert_escaped(client.get("/gg/create-account/done").text)


# --- brute force ------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_sign_in_for_15_minutes(emulator: EmulatorHarness) -> None:
    account = emulator.account()
    client = emulator.client
    for attempt in range(1, 6):
        response = _password(client, account.user_id, "wrong password")
        assert response.status_code == (429 if attempt == 5 else 401), attempt
    response = _password(client, account.user_id)
    assert response.status_code == 429
    assert "You have been locked out" in response.text
    emulator.advance(14 * 60)
    assert _password(client, account.user_id).status_code == 429
    emulator.advance(61)
    assert_location(_password(client, account.user_id), "/")


def test_five_wrong_two_step_codes_lock_two_step(emulator: EmulatorHarness) -> None:
    account = emulator.account(two_step_method=TwoStepMethod.AUTHENTICATOR_APP)
    client = emulator.client
    right = emulator.totp(account)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    _password(client, account.user_id)
    for attempt in range(1, 6):
        response = _code(client, wrong)
        assert response.status_code == (429 if attempt == 5 else 401), attempt
    assert "You have been locked out" in response.text
    assert_location(_password(client, account.user_id), "/gg/two-step")
    refused = _code(client, emulator.totp(account))
    assert refused.status_code == 429
    emulator.advance(901)
    assert_location(_password(client, account.user_id), "/gg/two-step")
    assert_location(_code(client, emulator.totp(account)), "/")


def test_a_replayed_authenticator_code_is_refused(emulator: EmulatorHarness) -> None:
    account = emulator.account(two_step_method=TwoStepMethod.AUTHENTICATOR_APP)
    client = emulator.client
    code = emulator.totp(account)
    _password(client, account.user_id)
    assert_location(_code(client, code), "/")
    sign_out(client)
    emulator.advance(10)
    _password(client, account.user_id)
    replayed = _code(client, code)
    assert replayed.status_code == 401
    assert "The code you entered is not correct" in replayed.text


def test_an_expired_text_code_is_refused(emulator: EmulatorHarness) -> None:
    account = emulator.account(two_step_method=TwoStepMethod.TEXT_MESSAGE, phone_number=MOBILE)
    client = emulator.client
    _password(client, account.user_id)
    code = _last_text(emulator)
    emulator.advance(601)
    response = _code(client, code)
    assert response.status_code == 401
    assert "The code has expired" in response.text


# --- logs -------------------------------------------------------------------------------------


def test_no_secret_reaches_the_logs(
    emulator: EmulatorHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="openmtd.emulator")
    created = emulator.application()
    client = emulator.client
    secrets: list[str] = [created.client_secret, NEW_PASSWORD]
    # A person creates an account with an authenticator app, on the way to granting authority.
    _authorize(client, created.application.client_id, "read:self-assessment")
    secrets.append(client.cookies[SESSION_COOKIE])
    _start_registration(client)
    page = client.get("/gg/two-step/setup/app").text
    secrets.append(csrf_token(page))
    match = _SECRET.search(page)
    assert match
    secret = match.group(1).replace(" ", "")
    secrets += [secret, match.group(1)]
    code = two_step.totp_code(secret, emulator.now())
    secrets.append(code)
    client.post("/gg/two-step/setup/app", data={"csrf_token": csrf_token(page), "code": code})
    done = client.get("/gg/create-account/done").text
    secrets.append(client.cookies[SESSION_COOKIE])
    user_id = _USER_ID.search(done)
    assert user_id
    # Signs out and in again, with a new code from the app.
    sign_out(client)
    emulator.advance(30)
    _password(client, user_id.group(1), NEW_PASSWORD)
    code = two_step.totp_code(secret, emulator.now())
    secrets.append(code)
    _code(client, code)
    secrets.append(client.cookies[SESSION_COOKIE])
    # Passes IV and grants authority; the software exchanges and refreshes its tokens.
    _authorize(client, created.application.client_id, "read:self-assessment")
    assert client.get("/oauth/continue").headers["location"] == "/iv/journey"
    iv = client.get("/iv/journey").text
    client.post("/iv/journey", data={"csrf_token": csrf_token(iv), "outcome": "Success"})
    grant = client.get("/oauth/grantscope").text
    response = client.post(
        "/oauth/grantscope", data={"csrf_token": csrf_token(grant), "decision": "grant"}
    )
    auth_code = query_of(response.headers["location"])["code"][0]
    secrets.append(auth_code)
    tokens = client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": created.application.client_id,
            "client_secret": created.client_secret,
            "redirect_uri": REDIRECT_URI,
            "code": auth_code,
        },
    ).json()
    refreshed = client.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "client_id": created.application.client_id,
            "client_secret": created.client_secret,
            "refresh_token": tokens["refresh_token"],
        },
    ).json()
    secrets += [tokens["access_token"], tokens["refresh_token"]]
    secrets += [refreshed["access_token"], refreshed["refresh_token"]]
    # Someone else sets up text messages and gets a code wrong, then right.
    other = emulator.new_client()
    _text_sent(emulator, other)
    text_code = _last_text(emulator)
    secrets.append(text_code)
    token = csrf_token(other.get("/gg/two-step/setup/text/code").text)
    other.post("/gg/two-step/setup/text/code", data={"csrf_token": token, "code": "000000"})
    other.post("/gg/two-step/setup/text/code", data={"csrf_token": token, "code": text_code})
    # And a wrong password is tried.
    _password(emulator.new_client(), user_id.group(1), "wrong password guess")
    secrets.append("wrong password guess")

    logged = caplog.text
    assert "POST /oauth/token 200" in logged
    assert "POST /gg/two-step/setup/app 303" in logged
    for secret_value in secrets:
        assert secret_value not in logged, "a secret was logged"
