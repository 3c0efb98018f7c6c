"""Creating an account and setting up its second factor, through the pages: every field's
error, the address already used, CSRF, argon2id at rest, the authenticator secret encrypted at
rest, strict codes (full-width digits refused and counted) and recovery codes shown once."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import select

from openmtd.app.adapters.db import tables as t
from openmtd.app.web.context import SESSION_COOKIE
from support.app import AppWorld, csrf_token
from support.app_accounts import (
    DEFAULT_PASSWORD,
    create_account,
    create_signed_in_user,
    recovery_codes,
    totp_now,
)


def _post_create(world: AppWorld, **fields: str) -> Any:
    form = world.client.get("/create-account")
    values = {
        "name": "Sam Trader",
        "email": "sam@example.com",
        "password": DEFAULT_PASSWORD,
        "password_confirm": DEFAULT_PASSWORD,
    }
    values.update(fields)
    return world.client.post(
        "/create-account", data={"csrf_token": csrf_token(form.text), **values}
    )


def _raw_user(world: AppWorld, email: str) -> Any:
    with world.store.engine.connect() as connection:
        return connection.execute(select(t.UserRow).where(t.UserRow.email_key == email)).one()


def test_the_create_account_page_has_a_labelled_form(app_world: AppWorld) -> None:
    response = app_world.client.get("/create-account")
    assert response.status_code == 200
    assert "<h1>Create an account</h1>" in response.text
    for field in ("name", "email", "password", "password_confirm"):
        assert f'<label for="{field}">' in response.text
    assert csrf_token(response.text)


def test_an_empty_form_names_every_field_in_the_error_summary(app_world: AppWorld) -> None:
    response = _post_create(app_world, name="", email="", password="", password_confirm="")
    assert response.status_code == 400
    text = response.text
    assert "There is a problem" in text
    assert '<a href="#name">Enter your name</a>' in text
    assert '<a href="#email">Enter your email address</a>' in text
    assert '<a href="#password">Enter a password of at least 12 characters</a>' in text


def test_a_short_password_a_mismatch_and_a_bad_address_are_said(app_world: AppWorld) -> None:
    short = _post_create(app_world, password="elevenchars", password_confirm="elevenchars")
    assert "Enter a password of at least 12 characters" in short.text
    mismatch = _post_create(app_world, password_confirm="something else entirely")
    assert '<a href="#password_confirm">The passwords do not match' in mismatch.text
    bad = _post_create(app_world, email="sam.example.com")
    assert "Enter an email address like name@example.com" in bad.text
    assert 'value="sam.example.com"' in bad.text


def test_a_control_character_is_refused_with_its_own_message(app_world: AppWorld) -> None:
    response = _post_create(app_world, name="Sam\x01")
    assert response.status_code == 400
    assert "must not contain control characters" in response.text


def test_an_address_already_used_is_said_in_any_case(app_world: AppWorld) -> None:
    create_signed_in_user(app_world, client=app_world.new_client())
    response = _post_create(app_world, email="SAM@Example.com")
    assert response.status_code == 400
    assert "An account already uses this email address" in response.text


def test_creating_an_account_needs_the_forms_csrf_token(app_world: AppWorld) -> None:
    app_world.client.get("/create-account")
    response = app_world.client.post(
        "/create-account",
        data={
            "name": "Sam",
            "email": "sam@example.com",
            "password": DEFAULT_PASSWORD,
            "password_confirm": DEFAULT_PASSWORD,
        },
    )
    assert response.status_code == 403
    assert "This form has expired" in response.text
    with app_world.store.transaction() as tx:
        assert tx.users.by_email("sam@example.com") is None


def test_the_password_is_kept_as_an_argon2id_hash(app_world: AppWorld) -> None:
    create_account(app_world, email="sam@example.com", name="Sam")
    row = _raw_user(app_world, "sam@example.com")
    assert row.password_hash.startswith("$argon2id$")
    assert DEFAULT_PASSWORD not in row.password_hash


def test_the_authenticator_secret_is_encrypted_in_the_database(app_world: AppWorld) -> None:
    _, _, secret = create_signed_in_user(app_world)
    row = _raw_user(app_world, "sam@example.com")
    assert row.totp_secret is not None
    assert secret not in row.totp_secret
    decrypted = Fernet(app_world.settings.token_keys[0]).decrypt(row.totp_secret.encode())
    assert decrypted.decode() == secret


def test_the_set_up_page_shows_a_qr_code_and_the_key(app_world: AppWorld) -> None:
    create_account(app_world, email="sam@example.com", name="Sam")
    page = app_world.client.get("/two-step/setup")
    assert '<img class="qr-code" src="data:image/svg+xml;base64,' in page.text
    assert 'alt="QR code for your authenticator app' in page.text
    assert '<code id="secret"' in page.text


def test_an_account_is_not_usable_before_its_second_factor_is_set_up(
    app_world: AppWorld,
) -> None:
    create_account(app_world, email="sam@example.com", name="Sam")
    response = app_world.client.get("/account")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in")


def test_creating_an_account_gives_the_browser_a_new_session(app_world: AppWorld) -> None:
    app_world.client.get("/create-account")
    before = app_world.client.cookies.get(SESSION_COOKIE)
    create_account(app_world, email="sam@example.com", name="Sam")
    assert app_world.client.cookies.get(SESSION_COOKIE) not in (None, before)


def test_a_wrong_set_up_code_is_said_and_counted(app_world: AppWorld) -> None:
    _, secret = create_account(app_world, email="sam@example.com", name="Sam")
    page = app_world.client.get("/two-step/setup")
    wrong = str((int(totp_now(app_world, secret)) + 1) % 1_000_000).zfill(6)
    response = app_world.client.post(
        "/two-step/setup", data={"csrf_token": csrf_token(page.text), "code": wrong}
    )
    assert response.status_code == 400
    assert '<a href="#code">Enter the 6-digit code' in response.text
    assert _raw_user(app_world, "sam@example.com").failed_sign_ins == 1


def test_full_width_digits_are_refused_and_counted(app_world: AppWorld) -> None:
    _, secret = create_account(app_world, email="sam@example.com", name="Sam")
    page = app_world.client.get("/two-step/setup")
    full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in totp_now(app_world, secret))
    response = app_world.client.post(
        "/two-step/setup", data={"csrf_token": csrf_token(page.text), "code": full_width}
    )
    assert response.status_code == 400
    assert "using the digits 0 to 9" in response.text
    assert _raw_user(app_world, "sam@example.com").failed_sign_ins == 1


def test_five_wrong_set_up_codes_lock_the_account(app_world: AppWorld) -> None:
    _, secret = create_account(app_world, email="sam@example.com", name="Sam")
    statuses = []
    for _ in range(5):
        page = app_world.client.get("/two-step/setup")
        token = csrf_token(page.text)
        statuses.append(
            app_world.client.post(
                "/two-step/setup", data={"csrf_token": token, "code": "abc"}
            ).status_code
        )
    assert statuses == [400, 400, 400, 400, 429]
    right = app_world.client.post(
        "/two-step/setup", data={"csrf_token": token, "code": totp_now(app_world, secret)}
    )
    assert right.status_code == 429
    assert "wait 15 minutes" in right.text


def test_recovery_codes_are_shown_once_after_set_up(app_world: AppWorld) -> None:
    _, secret = create_account(app_world, email="sam@example.com", name="Sam")
    page = app_world.client.get("/two-step/setup")
    confirmed = app_world.client.post(
        "/two-step/setup",
        data={"csrf_token": csrf_token(page.text), "code": totp_now(app_world, secret)},
    )
    assert confirmed.headers["location"] == "/two-step/recovery-codes"
    shown = app_world.client.get("/two-step/recovery-codes")
    codes = recovery_codes(shown.text)
    assert len(set(codes)) == 10
    assert "I have saved these" in shown.text
    again = app_world.client.get("/two-step/recovery-codes")
    assert again.status_code == 303
    assert recovery_codes(again.text) == []
    with app_world.store.transaction() as tx:
        user = tx.users.by_email("sam@example.com")
        assert user is not None
        stored = {code.code_hash for code in tx.recovery_codes.unused(user.id)}
    assert len(stored) == 10
    assert not any(code in hashed for code in codes for hashed in stored)


def test_saving_the_codes_goes_on_to_the_dashboard(app_world: AppWorld) -> None:
    _, secret = create_account(app_world, email="sam@example.com", name="Sam")
    page = app_world.client.get("/two-step/setup")
    app_world.client.post(
        "/two-step/setup",
        data={"csrf_token": csrf_token(page.text), "code": totp_now(app_world, secret)},
    )
    shown = app_world.client.get("/two-step/recovery-codes")
    saved = app_world.client.post(
        "/two-step/recovery-codes", data={"csrf_token": csrf_token(shown.text)}
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == "/dashboard"


def test_the_set_up_page_without_a_password_step_goes_to_sign_in(app_world: AppWorld) -> None:
    response = app_world.client.get("/two-step/setup")
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in"
