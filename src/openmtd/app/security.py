"""Secrets the app checks: passwords (argon2id) and recovery codes (SHA-256).

Passwords are low-entropy and chosen by people, so they get a slow, memory-hard hash
(argon2id, costs from :class:`~openmtd.app.settings.PasswordHashing`). Checking a password
for an address without an account verifies it against a decoy hash made at start-up, so an
unknown address costs the same time as a wrong password and timing tells nothing.

Recovery codes are made here, 10 random characters from a 31-letter alphabet (about 49
bits each): guessing one is as hopeless as guessing the hash's input, so a plain SHA-256 is
enough for them and lets a code be found without trying every stored hash slowly.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Final

from argon2 import PasswordHasher as _Argon2
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError

from openmtd.app.settings import PasswordHashing

#: Recovery codes are written in these characters (no 0/o, 1/l/i: easy to copy by hand).
RECOVERY_ALPHABET: Final = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH: Final = 10
#: How many recovery codes a person gets at a time.
RECOVERY_COUNT: Final = 10


class PasswordHasher:
    """argon2id hashing and checking, with a decoy for unknown accounts."""

    def __init__(self, costs: PasswordHashing) -> None:
        self._argon2 = _Argon2(
            time_cost=costs.time_cost,
            memory_cost=costs.memory_cost_kib,
            parallelism=costs.parallelism,
            type=Type.ID,
        )
        self._decoy = self._argon2.hash(secrets.token_urlsafe(32))

    def hash(self, password: str) -> str:
        """The argon2id hash of ``password`` (salted; the costs are in the string)."""
        return self._argon2.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether ``password`` matches ``password_hash`` (an unreadable hash never does)."""
        try:
            return self._argon2.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def verify_decoy(self, password: str) -> bool:
        """Spend what :meth:`verify` spends, for an address with no account; always False."""
        self.verify(self._decoy, password)
        return False

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with other costs than today's (rehash on sign-in)."""
        try:
            return self._argon2.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True


def new_recovery_codes(count: int = RECOVERY_COUNT) -> list[str]:
    """Fresh recovery codes as shown to the person: ``abcde-fghjk``."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def normalise_recovery_code(typed: str) -> str | None:
    """The code's characters (spaces and hyphens dropped, any case), or None when what was
    typed cannot be a recovery code."""
    raw = typed.replace(" ", "").replace("-", "").lower()
    if len(raw) != RECOVERY_LENGTH or any(char not in RECOVERY_ALPHABET for char in raw):
        return None
    return raw


def recovery_code_hash(code: str) -> str:
    """SHA-256 of a recovery code's characters (see the module docstring for why not argon2)."""
    raw = normalise_recovery_code(code)
    if raw is None:
        raise ValueError("not a recovery code")
    return hashlib.sha256(raw.encode()).hexdigest()
