"""The account rules without the web: argon2id hashing and its decoy, recovery codes, strict
reading of typed codes, TOTP checking, the safe ``next`` path and the new-account checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from openmtd.app.security import (
    RECOVERY_ALPHABET,
    PasswordHasher,
    new_recovery_codes,
    normalise_recovery_code,
    recovery_code_hash,
)
from openmtd.app.services.accounts import new_account_errors
from openmtd.app.services.two_factor import TypedCode, new_secret, read_code, totp_step
from openmtd.app.settings import PasswordHashing
from openmtd.app.web.routes.account_common import safe_next

CHEAP = PasswordHashing(time_cost=1, memory_cost_kib=1024, parallelism=1)
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def test_passwords_are_hashed_with_argon2id_and_checked() -> None:
    hasher = PasswordHasher(CHEAP)
    hashed = hasher.hash("correct horse battery staple")
    assert hashed.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    assert hasher.verify(hashed, "correct horse battery staple")
    assert not hasher.verify(hashed, "Correct horse battery staple")
    assert not hasher.verify("not a hash", "anything")


def test_the_decoy_never_matches() -> None:
    assert PasswordHasher(CHEAP).verify_decoy("") is False


def test_a_hash_with_other_costs_needs_rehashing() -> None:
    old = PasswordHasher(CHEAP).hash("a long enough password")
    assert PasswordHasher(PasswordHashing(time_cost=2, memory_cost_kib=2048)).needs_rehash(old)
    assert not PasswordHasher(CHEAP).needs_rehash(old)


def test_recovery_codes_are_ten_distinct_codes_of_the_alphabet() -> None:
    codes = new_recovery_codes()
    assert len(set(codes)) == 10
    for code in codes:
        first, second = code.split("-")
        assert len(first) == len(second) == 5
        assert set(first + second) <= set(RECOVERY_ALPHABET)


def test_a_recovery_code_is_found_whatever_its_case_and_spacing() -> None:
    assert normalise_recovery_code(" ABCDE-fghjk ") == "abcdefghjk"
    assert recovery_code_hash("abcde fghjk") == recovery_code_hash("ABCDEFGHJK")
    assert normalise_recovery_code("abcde-fghj0") is None  # 0 is not in the alphabet
    with pytest.raises(ValueError, match="not a recovery code"):
        recovery_code_hash("123456")


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("123456", TypedCode(digits="123456")),
        (" 123 456 ", TypedCode(digits="123456")),
        ("１２３４５６", TypedCode()),  # full-width digits
        ("١٢٣٤٥٦", TypedCode()),  # Arabic-Indic digits
        ("12345", TypedCode()),
        ("1234567", TypedCode()),
        ("123\t456", TypedCode()),
        ("abcde-fghjk", TypedCode(recovery="abcdefghjk")),
        ("", TypedCode()),
    ],
)
def test_typed_codes_are_read_strictly(typed: str, read: TypedCode) -> None:
    assert read_code(typed) == read


def test_a_recovery_code_is_not_read_where_only_the_app_code_is_wanted() -> None:
    assert read_code("abcde-fghjk", recovery_allowed=False) == TypedCode()


def test_the_code_of_now_and_of_30_seconds_either_side_is_right() -> None:
    secret = new_secret()
    totp = pyotp.TOTP(secret)
    step = int(NOW.timestamp()) // 30
    assert totp_step(secret, totp.at(NOW), NOW, after=None) == step
    assert totp_step(secret, totp.at(NOW - timedelta(seconds=30)), NOW, after=None) == step - 1
    assert totp_step(secret, totp.at(NOW + timedelta(seconds=30)), NOW, after=None) == step + 1
    assert totp_step(secret, totp.at(NOW - timedelta(seconds=90)), NOW, after=None) is None


def test_a_code_of_a_step_already_used_or_earlier_is_refused() -> None:
    secret = new_secret()
    totp = pyotp.TOTP(secret)
    step = int(NOW.timestamp()) // 30
    assert totp_step(secret, totp.at(NOW), NOW, after=step) is None
    assert totp_step(secret, totp.at(NOW), NOW, after=step - 1) == step
    assert totp_step(secret, totp.at(NOW - timedelta(seconds=30)), NOW, after=step - 1) is None


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("/dashboard", "/dashboard"),
        ("/connect?again=1", "/connect?again=1"),
        ("//evil.example", None),
        ("/\\evil.example", None),
        ("https://evil.example/", None),
        ("javascript:alert(1)", None),
        ("/ok\r\nSet-Cookie: x", None),
        ("dashboard", None),
        ("", None),
        (None, None),
        ("/" + "a" * 600, None),
    ],
)
def test_next_is_a_path_on_this_site_only(value: str | None, safe: str | None) -> None:
    assert safe_next(value) == safe


def test_a_new_account_is_checked_field_by_field() -> None:
    assert new_account_errors("Sam", "sam@example.com", "a" * 12, "a" * 12) == {}
    errors = new_account_errors(" ", "sam@localhost", "a" * 12, "b" * 12)
    assert set(errors) == {"name", "email", "password_confirm"}
    assert "password" in new_account_errors("Sam", "sam@example.com", "a" * 1025, "a" * 1025)
