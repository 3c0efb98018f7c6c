"""Lockout without enumeration (issue 8, item 5): an unknown user ID is answered exactly as a
known one with a wrong password, on the sign-in page and in the headless grant, including the
lock on the fifth attempt, and costs the same argon2 verification."""

from __future__ import annotations

import re
from typing import Any

from starlette.testclient import TestClient

from openmtd.emulator.gateway.accounts import (
    FAILURES_REMEMBERED,
    MAX_PASSWORD_ATTEMPTS,
    attempts_key,
)
from openmtd.emulator.security import PasswordHasher
from support.emulator import PASSWORD, REDIRECT_URI, EmulatorHarness, csrf_token

UNKNOWN = "000000000000"


def _sign_in(client: TestClient, user_id: str, password: str) -> Any:
    token = csrf_token(client.get("/gg/sign-in").text)
    return client.post(
        "/gg/sign-in", data={"csrf_token": token, "user_id": user_id, "password": password}
    )


def _page(response: Any, user_id: str) -> tuple[int, str]:
    """The status and the page, with what differs by design (the typed ID, which the form
    shows again, and the CSRF token) taken out."""
    text = re.sub(r'name="csrf_token" value="[^"]+"', "", response.text)
    return response.status_code, text.replace(user_id, "USER-ID")


def _grant(emulator: EmulatorHarness, client_id: str, user_id: str) -> Any:
    return emulator.client.post(
        "/emulator/oauth/grant",
        json={
            "clientId": client_id,
            "redirectUri": REDIRECT_URI,
            "scope": "read:self-assessment",
            "userId": user_id,
            "password": "not the password",
        },
    )


def test_an_unknown_user_id_signing_in_is_answered_as_a_known_one_then_locked(
    emulator: EmulatorHarness,
) -> None:
    known = emulator.account()
    for attempt in range(1, MAX_PASSWORD_ATTEMPTS + 2):
        wrong = _sign_in(emulator.client, known.user_id, "not the password")
        unknown = _sign_in(emulator.new_client(), UNKNOWN, "not the password")
        assert _page(unknown, UNKNOWN) == _page(wrong, known.user_id), attempt
        assert unknown.status_code == (401 if attempt < MAX_PASSWORD_ATTEMPTS else 429), attempt
    assert "You have been locked out" in unknown.text


def test_an_unknown_user_id_in_the_headless_grant_locks_as_a_known_one(
    emulator: EmulatorHarness,
) -> None:
    client_id = emulator.application().application.client_id
    known = emulator.account()
    answers = []
    for _ in range(MAX_PASSWORD_ATTEMPTS + 1):
        wrong = _grant(emulator, client_id, known.user_id)
        unknown = _grant(emulator, client_id, UNKNOWN)
        assert (unknown.status_code, unknown.json()) == (wrong.status_code, wrong.json())
        answers.append(unknown.json()["code"])
    assert answers == ["INVALID_CREDENTIALS"] * (MAX_PASSWORD_ATTEMPTS - 1) + ["ACCOUNT_LOCKED"] * 2
    assert unknown.json()["message"] == (
        "Too many wrong passwords: this account cannot sign in until 2026-11-26T10:15:00.000Z"
    )


def test_the_lock_lifts_and_a_right_password_forgets_the_count(emulator: EmulatorHarness) -> None:
    account = emulator.account()
    for _ in range(MAX_PASSWORD_ATTEMPTS):
        _sign_in(emulator.client, account.user_id, "wrong")
    assert _sign_in(emulator.client, account.user_id, PASSWORD).status_code == 429
    emulator.advance(15 * 60)
    assert _sign_in(emulator.new_client(), account.user_id, PASSWORD).status_code == 303
    for _ in range(MAX_PASSWORD_ATTEMPTS - 1):
        assert _sign_in(emulator.new_client(), account.user_id, "wrong").status_code == 401
    assert _sign_in(emulator.new_client(), account.user_id, PASSWORD).status_code == 303
    with emulator.services.store.transaction() as tx:
        assert tx.sign_in_attempts.get(attempts_key(account.user_id), emulator.now()) is None


def test_counts_are_kept_by_hash_and_forgotten_after_a_day(emulator: EmulatorHarness) -> None:
    for _ in range(MAX_PASSWORD_ATTEMPTS - 1):
        _sign_in(emulator.client, UNKNOWN, "wrong")
    key = attempts_key(UNKNOWN)
    with emulator.services.store.transaction() as tx:
        record = tx.sign_in_attempts.get(key, emulator.now())
    assert record is not None
    assert record.failures == MAX_PASSWORD_ATTEMPTS - 1
    emulator.advance(FAILURES_REMEMBERED.total_seconds())
    # A day on, the count starts again (and the old records are purged as new ones come).
    assert _sign_in(emulator.client, "111111111111", "wrong").status_code == 401
    assert _sign_in(emulator.client, UNKNOWN, "wrong").status_code == 401
    with emulator.services.store.transaction() as tx:
        record = tx.sign_in_attempts.get(key, emulator.now())
    assert record is not None
    assert record.failures == 1


def test_a_user_id_in_other_digits_is_no_account_and_is_counted(emulator: EmulatorHarness) -> None:
    account = emulator.account()
    full_width = account.user_id.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    for _ in range(MAX_PASSWORD_ATTEMPTS - 1):
        assert _sign_in(emulator.client, full_width, PASSWORD).status_code == 401
    assert _sign_in(emulator.client, full_width, PASSWORD).status_code == 429
    # The real user ID has its own count, untouched.
    assert _sign_in(emulator.new_client(), account.user_id, PASSWORD).status_code == 303


def test_an_unknown_user_id_costs_an_argon2_verification_with_the_same_costs(
    emulator: EmulatorHarness, monkeypatch: Any
) -> None:
    hasher: PasswordHasher = emulator.services.hasher
    account = emulator.account()
    checked: list[str] = []
    real_check = hasher._check

    def spy(password_hash: str, password: str) -> bool:
        checked.append(password_hash)
        return real_check(password_hash, password)

    monkeypatch.setattr(hasher, "_check", spy)
    _sign_in(emulator.client, account.user_id, "wrong")
    _sign_in(emulator.client, UNKNOWN, "wrong")
    assert len(checked) == 2
    known_hash, decoy = checked
    assert known_hash == account.password_hash

    def costs(encoded: str) -> str:
        return encoded.split("$")[3]  # $argon2id$v=19$m=...,t=...,p=...$salt$hash

    assert decoy.startswith("$argon2id$")
    assert costs(decoy) == costs(known_hash)
