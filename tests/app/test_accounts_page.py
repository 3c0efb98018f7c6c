"""The account page: what it shows, new recovery codes (the old ones end) and a new password
(the current one needed; every other session ends)."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from support.app import AppWorld, csrf_token
from support.app_accounts import (
    DEFAULT_PASSWORD,
    create_signed_in_user,
    recovery_codes,
    totp_next,
    totp_now,
)

NEW_PASSWORD = "a different long passphrase"


def _sign_in(
    world: AppWorld, client: TestClient, secret: str, password: str, code: str | None = None
) -> Any:
    form = client.get("/sign-in")
    first = client.post(
        "/sign-in",
        data={
            "csrf_token": csrf_token(form.text),
            "email": "sam@example.com",
            "password": password,
        },
    )
    if first.status_code != 303:
        return first
    code_form = client.get("/two-step")
    return client.post(
        "/two-step",
        data={"csrf_token": csrf_token(code_form.text), "code": code or totp_now(world, secret)},
    )


def _change(client: TestClient, current: str, new: str, confirm: str | None = None) -> Any:
    page = client.get("/account")
    return client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(page.text),
            "current_password": current,
            "new_password": new,
            "new_password_confirm": new if confirm is None else confirm,
        },
    )


def test_the_account_page_shows_who_and_the_second_factor(app_world: AppWorld) -> None:
    client, _, _ = create_signed_in_user(app_world, name="Sam Trader")
    page = client.get("/account")
    assert page.status_code == 200
    assert "<h1>Your account</h1>" in page.text
    assert "Sam Trader" in page.text
    assert "sam@example.com" in page.text
    assert "Set up on 26 November 2026" in page.text
    assert "10 of 10" in page.text


def test_the_account_page_needs_a_sign_in(app_world: AppWorld) -> None:
    response = app_world.client.get("/account")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in")


def test_new_recovery_codes_replace_the_old_ones(app_world: AppWorld) -> None:
    client, user, _ = create_signed_in_user(app_world)
    with app_world.store.transaction() as tx:
        old = {code.code_hash for code in tx.recovery_codes.unused(user.id)}
    page = client.get("/account")
    made = client.post("/account/recovery-codes", data={"csrf_token": csrf_token(page.text)})
    assert made.headers["location"] == "/two-step/recovery-codes"
    shown = client.get("/two-step/recovery-codes")
    assert len(recovery_codes(shown.text)) == 10
    with app_world.store.transaction() as tx:
        new = {code.code_hash for code in tx.recovery_codes.unused(user.id)}
    assert len(new) == 10
    assert not old & new
    saved = client.post("/two-step/recovery-codes", data={"csrf_token": csrf_token(shown.text)})
    assert saved.headers["location"] == "/account"


def test_changing_the_password_needs_the_current_one(app_world: AppWorld) -> None:
    client, _, _ = create_signed_in_user(app_world)
    response = _change(client, "not my password", NEW_PASSWORD)
    assert response.status_code == 400
    assert '<a href="#current_password">Your current password is not right</a>' in response.text


def test_a_new_password_must_be_long_enough_and_typed_twice(app_world: AppWorld) -> None:
    client, _, _ = create_signed_in_user(app_world)
    short = _change(client, DEFAULT_PASSWORD, "short")
    assert '<a href="#new_password">Enter a password of at least 12' in short.text
    mismatch = _change(client, DEFAULT_PASSWORD, NEW_PASSWORD, "something else here")
    assert '<a href="#new_password_confirm">The passwords do not match' in mismatch.text


def test_a_new_password_ends_every_other_session(app_world: AppWorld) -> None:
    client, _, secret = create_signed_in_user(app_world)
    other = app_world.new_client()
    assert _sign_in(app_world, other, secret, DEFAULT_PASSWORD).status_code == 303
    assert other.get("/account").status_code == 200
    changed = _change(client, DEFAULT_PASSWORD, NEW_PASSWORD)
    assert changed.status_code == 303
    page = client.get("/account")
    assert page.status_code == 200
    assert "Your password has been changed" in page.text
    assert other.get("/account").status_code == 303
    third = app_world.new_client()
    assert _sign_in(app_world, third, secret, DEFAULT_PASSWORD).status_code == 400
    again = _sign_in(app_world, third, secret, NEW_PASSWORD, totp_next(app_world, secret))
    assert again.status_code == 303


def test_wrong_current_passwords_count_towards_the_lock(app_world: AppWorld) -> None:
    client, _, _ = create_signed_in_user(app_world)
    statuses = [_change(client, f"wrong guess {n}", NEW_PASSWORD).status_code for n in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    right = _change(client, DEFAULT_PASSWORD, NEW_PASSWORD)
    assert right.status_code == 429
    assert "wait 15 minutes" in right.text
