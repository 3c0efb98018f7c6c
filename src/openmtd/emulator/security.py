"""Secrets the emulator makes and how it keeps them: only hashes of what it hands out.

Passwords are hashed with argon2id (people choose them, so they need a slow, salted hash).
Authorisation codes, access and refresh tokens, client secrets and browser-session ids are
random with at least 128 bits of entropy, so a fast SHA-256 is enough to store them safely and
keeps the token endpoint fast; argon2 there would only add latency.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
import threading
import time
import uuid
from collections import OrderedDict
from typing import Final

from argon2 import PasswordHasher as _Argon2
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError

from openmtd.emulator.settings import PasswordHashing

_CLIENT_ID_ALPHABET: Final = string.ascii_letters + string.digits + "_"
VERIFIED_CACHE_SECONDS: Final = 300.0
VERIFIED_CACHE_SIZE: Final = 10_000


class PasswordHasher:
    """argon2id password hashing with the configured costs.

    Successful verifications are remembered for :data:`VERIFIED_CACHE_SECONDS` in this
    process, keyed by an HMAC (with a per-process random key) of the stored hash and the
    password, so automated tests that sign the same test users in again and again do not pay
    argon2's deliberate cost every time. Only a *correct* password can hit the cache; wrong
    passwords always run argon2, and the lockout is checked before any of this. Nothing in the
    cache can be turned back into a password, and it dies with the process.
    """

    def __init__(self, costs: PasswordHashing | None = None) -> None:
        costs = costs or PasswordHashing()
        self._argon2 = _Argon2(
            time_cost=costs.time_cost,
            memory_cost=costs.memory_cost_kib,
            parallelism=costs.parallelism,
            type=Type.ID,
        )
        # Verified against when a user ID is unknown, so a miss costs as much as a wrong
        # password and response times do not reveal which user IDs exist.
        self._decoy = self._argon2.hash(secrets.token_urlsafe(16))
        self._cache_key = secrets.token_bytes(32)
        self._verified: OrderedDict[bytes, float] = OrderedDict()
        self._lock = threading.Lock()

    def hash(self, password: str) -> str:
        return self._argon2.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        if password_hash is None:
            self._check(self._decoy, password)
            return False
        key = hmac.new(
            self._cache_key, password_hash.encode() + b"\0" + password.encode(), "sha256"
        ).digest()
        now = time.monotonic()
        with self._lock:
            seen = self._verified.get(key)
            if seen is not None and now - seen < VERIFIED_CACHE_SECONDS:
                return True
        if not self._check(password_hash, password):
            return False
        with self._lock:
            self._verified[key] = now
            self._verified.move_to_end(key)
            while len(self._verified) > VERIFIED_CACHE_SIZE:
                self._verified.popitem(last=False)
        return True

    def _check(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon2.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def new_token() -> str:
    """An opaque code or token: 32 lowercase hex characters, like HMRC's (wire facts §2.3)."""
    return secrets.token_hex(16)


def token_hash(token: str) -> str:
    """How codes, tokens, secrets and session ids are stored: SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def hashes_match(expected_hash: str, token: str) -> bool:
    """Compare a presented secret with a stored hash in constant time."""
    return hmac.compare_digest(expected_hash, token_hash(token))


def new_client_id() -> str:
    """A client_id shaped like HMRC's (28 characters of letters, digits and ``_``)."""
    return "".join(secrets.choice(_CLIENT_ID_ALPHABET) for _ in range(28))


def new_client_secret() -> str:
    """A client secret; HMRC's have been UUID-shaped (wire facts §2.7)."""
    return str(uuid.uuid4())


def new_user_id() -> str:
    """A Government Gateway user ID: 12 digits."""
    return "".join(secrets.choice(string.digits) for _ in range(12))


def new_password() -> str:
    """A password for generated test users (12 letters and digits, like HMRC's)."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(12))
