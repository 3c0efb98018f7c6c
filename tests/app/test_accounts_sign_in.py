"""Signing in with a password and a second factor, through the pages: a new session at each
step, the lock after five wrong answers and its equal answer for an address without an
account, recovery codes that work once, a safe ``next`` only, sign-out and the idle timeout."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from openmtd.app.web.context import SESSION_COOKIE
from support.app import AppWorld, csrf_token
from support.app_accounts import (
    DEFAULT_PASSWORD,
    create_account,
    create_signed_in_user,
    recovery_codes,
    totp_next,
    totp_now,
)

EMAIL = "sam@example.com"


def _signed_up(world: AppWorld) -> str:
    """An account with its authenticator (on another browser); returns the secret."""
    _, _, secret = create_signed_in_user(world, email=EMAIL, client=world.new_client())
    return secret


def _password(
    client: TestClient, email: str = EMAIL, password: str = DEFAULT_PASSWORD, next_path: str = ""
) -> Any:
    form = client.get("/sign-in")
    data = {"csrf_token": csrf_token(form.text), "email": email, "password": password}
    if next_path:
        data["next"] = next_path
    return client.post("/sign-in", data=data)


def _code(client: TestClient, code: str) -> Any:
    form = client.get("/two-step")
    return client.post("/two-step", data={"csrf_token": csrf_token(form.text), "code": code})


def _summary(html: str) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', html, re.DOTALL)
    assert match
    return match.group(0)


def test_password_then_code_signs_in_with_a_new_session_each_step(app_world: AppWorld) -> None:
    secret = _signed_up(app_world)
    client = app_world.client
    client.get("/sign-in")
    first = client.cookies.get(SESSION_COOKIE)
    response = _password(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/two-step"
    second = client.cookies.get(SESSION_COOKIE)
    assert second != first
    assert client.get("/account").status_code == 303  # not signed in on the password alone
    done = _code(client, totp_now(app_world, secret))
    assert done.status_code == 303
    assert done.headers["location"] == "/dashboard"
    assert client.cookies.get(SESSION_COOKIE) not in (first, second)
    assert client.get("/account").status_code == 200


def test_a_code_may_have_spaces(app_world: AppWorld) -> None:
    secret = _signed_up(app_world)
    _password(app_world.client)
    code = totp_now(app_world, secret)
    assert _code(app_world.client, f"{code[:3]} {code[3:]}").status_code == 303


def test_an_unknown_address_is_answered_like_a_wrong_password(app_world: AppWorld) -> None:
    _signed_up(app_world)
    wrong = _password(app_world.client, password="not the password at all")
    unknown = _password(app_world.client, email="nobody@example.com")
    assert wrong.status_code == unknown.status_code == 400
    assert _summary(wrong.text) == _summary(unknown.text)
    assert "The email address or password is not right" in wrong.text


def test_five_wrong_passwords_lock_and_an_unknown_address_locks_alike(
    app_world: AppWorld,
) -> None:
    _signed_up(app_world)
    known = [_password(app_world.client, password=f"wrong password {n}") for n in range(5)] + [
        _password(app_world.client)
    ]
    unknown = [
        _password(app_world.client, email="nobody@example.com", password=f"wrong {n}")
        for n in range(6)
    ]
    assert [r.status_code for r in known] == [400, 400, 400, 400, 429, 429]
    assert [r.status_code for r in unknown] == [400, 400, 400, 400, 429, 429]
    assert _summary(known[-1].text) == _summary(unknown[-1].text)
    assert "wait 15 minutes" in known[-1].text


def test_the_lock_ends_after_15_minutes(app_world: AppWorld) -> None:
    _signed_up(app_world)
    for n in range(5):
        _password(app_world.client, password=f"wrong password {n}")
    app_world.emulator.advance(14 * 60)
    assert _password(app_world.client).status_code == 429
    app_world.emulator.advance(61)
    assert _password(app_world.client).status_code == 303


def test_five_wrong_codes_lock_the_account(app_world: AppWorld) -> None:
    secret = _signed_up(app_world)
    _password(app_world.client)
    statuses = [_code(app_world.client, "000000x").status_code for _ in range(4)]
    form = app_world.client.get("/two-step")
    fifth = app_world.client.post(
        "/two-step", data={"csrf_token": csrf_token(form.text), "code": "nope"}
    )
    assert statuses == [400, 400, 400, 400]
    assert fifth.status_code == 429
    right = app_world.client.post(
        "/two-step", data={"csrf_token": csrf_token(form.text), "code": totp_now(app_world, secret)}
    )
    assert right.status_code == 429


def test_full_width_digits_are_refused_and_counted_at_sign_in(app_world: AppWorld) -> None:
    secret = _signed_up(app_world)
    _password(app_world.client)
    full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in totp_now(app_world, secret))
    response = _code(app_world.client, full_width)
    assert response.status_code == 400
    assert "the digits 0 to 9" in response.text
    with app_world.store.transaction() as tx:
        user = tx.users.by_email(EMAIL)
    assert user is not None
    assert user.failed_sign_ins == 1


def test_a_recovery_code_works_once(app_world: AppWorld) -> None:
    browser = app_world.new_client()
    code = _create_with_codes(app_world, browser)[0]
    _password(app_world.client)
    assert _code(app_world.client, code.upper()).status_code == 303
    assert "9 of 10" in app_world.client.get("/account").text
    other = app_world.new_client()
    _password(other)
    again = _code(other, code)
    assert again.status_code == 400


def _create_with_codes(world: AppWorld, browser: TestClient) -> list[str]:
    """An account made through the pages, keeping the recovery codes it was shown."""
    _, secret = create_account(world, email=EMAIL, name="Sam", client=browser)
    page = browser.get("/two-step/setup")
    browser.post(
        "/two-step/setup",
        data={"csrf_token": csrf_token(page.text), "code": totp_now(world, secret)},
    )
    return recovery_codes(browser.get("/two-step/recovery-codes").text)


def test_sign_in_returns_to_the_page_first_asked_for(app_world: AppWorld) -> None:
    secret = _signed_up(app_world)
    asked = app_world.client.get("/account")
    assert asked.status_code == 303
    assert asked.headers["location"] == "/sign-in?next=%2Faccount"
    page = app_world.client.get(asked.headers["location"])
    assert 'name="next" value="/account"' in page.text
    _password(app_world.client, next_path="/account")
    done = _code(app_world.client, totp_now(app_world, secret))
    assert done.headers["location"] == "/account"


@pytest.mark.parametrize(
    "next_path",
    ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"],
)
def test_next_never_leaves_the_site(app_world: AppWorld, next_path: str) -> None:
    secret = _signed_up(app_world)
    page = app_world.client.get("/sign-in", params={"next": next_path})
    assert "evil.example" not in page.text
    assert 'name="next"' not in page.text
    _password(app_world.client, next_path=next_path)
    done = _code(app_world.client, totp_now(app_world, secret))
    assert done.headers["location"] == "/dashboard"


def test_signing_out_ends_the_session(app_world: AppWorld) -> None:
    client, _, _ = create_signed_in_user(app_world)
    account = client.get("/account")
    old = client.cookies.get(SESSION_COOKIE)
    response = client.post("/sign-out", data={"csrf_token": csrf_token(account.text)})
    assert response.status_code == 200
    assert "<h1>You have signed out</h1>" in response.text
    assert client.cookies.get(SESSION_COOKIE) != old
    assert client.get("/account").status_code == 303
    assert "inactive" not in client.get("/sign-in").text


def test_an_idle_session_ends_and_sign_in_says_why(app_world: AppWorld) -> None:
    client, _, _ = create_signed_in_user(app_world)
    app_world.emulator.advance(app_world.settings.session_idle_seconds + 1)
    assert client.get("/account").status_code == 303
    page = client.get("/sign-in")
    assert "You were signed out because you were inactive" in page.text


@pytest.mark.parametrize(
    "path",
    [
        "/sign-in",
        "/sign-out",
        "/two-step",
        "/two-step/setup",
        "/two-step/recovery-codes",
        "/account/recovery-codes",
        "/account/password",
    ],
)
def test_every_account_form_needs_its_csrf_token(app_world: AppWorld, path: str) -> None:
    client, _, _ = create_signed_in_user(app_world)
    response = client.post(path, data={"code": "123456", "email": EMAIL})
    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert client.get("/account").status_code == 200


def test_the_code_page_without_a_password_step_goes_to_sign_in(app_world: AppWorld) -> None:
    response = app_world.client.get("/two-step")
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in"


def test_an_authenticator_code_works_once(app_world: AppWorld) -> None:
    secret = _signed_up(app_world)
    code = totp_now(app_world, secret)
    _password(app_world.client)
    assert _code(app_world.client, code).status_code == 303
    other = app_world.new_client()
    _password(other)
    again = _code(other, code)
    assert again.status_code == 400
    assert _code(other, totp_next(app_world, secret)).status_code == 303


def test_the_set_up_code_cannot_sign_in_again(app_world: AppWorld) -> None:
    browser, secret = create_account(
        app_world, email=EMAIL, name="Sam", client=app_world.new_client()
    )
    code = totp_now(app_world, secret)
    page = browser.get("/two-step/setup")
    browser.post("/two-step/setup", data={"csrf_token": csrf_token(page.text), "code": code})
    _password(app_world.client)
    assert _code(app_world.client, code).status_code == 400
