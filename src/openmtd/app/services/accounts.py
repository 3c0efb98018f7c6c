"""The app's own accounts: creating one, checking a password, throttling guesses.

Framework-free: takes the :class:`~openmtd.app.storage.UnitOfWork` and plain values.

Throttling: after :data:`MAX_ATTEMPTS` wrong answers in a row (passwords and second-factor
codes count together, and only a complete sign-in resets the count) the account waits
:data:`LOCK_MINUTES` minutes, the right password included. An address without an account is
answered exactly like one with it: the same words for a wrong password, the same time spent
(the decoy hash), and the same lock after the same number of tries (kept in memory for such
addresses, by their SHA-256, since there is no account row to keep it in).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum
from typing import Final

from openmtd.app.security import PasswordHasher
from openmtd.app.settings import PasswordHashing
from openmtd.app.storage import UnitOfWork, User
from openmtd.app.storage.accounts import AccountKind, EmailTakenError

MAX_ATTEMPTS: Final = 5
LOCK_MINUTES: Final = 15
MIN_PASSWORD_LENGTH: Final = 12
#: argon2 takes any length; this only keeps one request's work bounded.
MAX_PASSWORD_LENGTH: Final = 1024
MAX_NAME_LENGTH: Final = 200
MAX_EMAIL_LENGTH: Final = 254
#: Enough to catch a typing slip; whether the address works is the person's to know.
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
#: Addresses without an account whose wrong tries are remembered (the oldest go first).
_UNKNOWN_KEPT: Final = 10_000

__all__ = [
    "LOCK_MINUTES",
    "MAX_ATTEMPTS",
    "Accounts",
    "EmailTakenError",
    "PasswordCheck",
    "SignInAnswer",
    "is_locked",
    "new_account_errors",
    "new_password_errors",
]


def new_password_errors(password: str, confirm: str, *, field: str = "password") -> dict[str, str]:
    """What is wrong with a new password and its confirmation (field name to message)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return {field: f"Enter a password of at least {MIN_PASSWORD_LENGTH} characters"}
    if len(password) > MAX_PASSWORD_LENGTH:
        return {field: f"Enter a password of at most {MAX_PASSWORD_LENGTH} characters"}
    if password != confirm:
        return {f"{field}_confirm": "The passwords do not match: type the same one twice"}
    return {}


def new_account_errors(name: str, email: str, password: str, confirm: str) -> dict[str, str]:
    """What is wrong with a new account's details (field name to message), in form order."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Enter your name"
    elif len(name) > MAX_NAME_LENGTH:
        errors["name"] = f"Enter a name of at most {MAX_NAME_LENGTH} characters"
    if not email.strip():
        errors["email"] = "Enter your email address"
    elif len(email) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(email.strip()):
        errors["email"] = "Enter an email address like name@example.com"
    errors.update(new_password_errors(password, confirm))
    return errors


class SignInAnswer(Enum):
    """What the password step says: the same for an unknown address as for a wrong password."""

    RIGHT = "right"
    WRONG = "wrong"
    LOCKED = "locked"


@dataclass(frozen=True, slots=True)
class PasswordCheck:
    answer: SignInAnswer
    user: User | None = None


@dataclass(slots=True)
class _Tries:
    failures: int = 0
    locked_until: datetime | None = None


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    """Whether a lock (``locked_until``) still holds at ``now``."""
    return locked_until is not None and now < locked_until


class Accounts:
    """Account rules with the state they need for the app's life: the password hasher (and
    its decoy) and the tries at addresses that have no account."""

    def __init__(self, hashing: PasswordHashing) -> None:
        self.hasher = PasswordHasher(hashing)
        self._unknown: OrderedDict[str, _Tries] = OrderedDict()
        self._lock = threading.Lock()

    # --- creating ---------------------------------------------------------------------------
    def create(
        self, tx: UnitOfWork, *, name: str, email: str, password: str, now: datetime
    ) -> User:
        """A new individual's account; :class:`EmailTakenError` if the address has one.

        The password is hashed first, so a taken address costs the same time as a new one."""
        password_hash = self.hasher.hash(password)
        return tx.users.add(
            email=email.strip(),
            name=name.strip(),
            password_hash=password_hash,
            kind=AccountKind.INDIVIDUAL,
            now=now,
        )

    # --- signing in -------------------------------------------------------------------------
    def check_password(
        self, tx: UnitOfWork, email: str, password: str, now: datetime
    ) -> PasswordCheck:
        """The password step: right (with the user), wrong, or locked (see the module doc)."""
        user = tx.users.by_email(email.strip()) if email.strip() else None
        if user is None:
            self.hasher.verify_decoy(password)
            return PasswordCheck(self._unknown_failure(email, now))
        right = self.hasher.verify(user.password_hash, password)
        if is_locked(user.locked_until, now):
            return PasswordCheck(SignInAnswer.LOCKED)
        if not right:
            user = self.record_failure(tx, user, now)
            locked = is_locked(user.locked_until, now)
            return PasswordCheck(SignInAnswer.LOCKED if locked else SignInAnswer.WRONG)
        if self.hasher.needs_rehash(user.password_hash):
            user = replace(user, password_hash=self.hasher.hash(password))
            tx.users.save(user)
        return PasswordCheck(SignInAnswer.RIGHT, user)

    def record_failure(self, tx: UnitOfWork, user: User, now: datetime) -> User:
        """One more wrong password or code; the :data:`MAX_ATTEMPTS`-th locks the account."""
        failures = user.failed_sign_ins + 1
        if failures >= MAX_ATTEMPTS:
            user = replace(
                user, failed_sign_ins=0, locked_until=now + timedelta(minutes=LOCK_MINUTES)
            )
        else:
            user = replace(user, failed_sign_ins=failures)
        tx.users.save(user)
        return user

    def signed_in(self, tx: UnitOfWork, user: User) -> User:
        """Both factors passed: the count of wrong answers starts again."""
        if user.failed_sign_ins or user.locked_until is not None:
            user = replace(user, failed_sign_ins=0, locked_until=None)
            tx.users.save(user)
        return user

    def _unknown_failure(self, email: str, now: datetime) -> SignInAnswer:
        key = hashlib.sha256(email.strip().casefold().encode()).hexdigest()
        with self._lock:
            tries = self._unknown.pop(key, None) or _Tries()
            self._unknown[key] = tries
            while len(self._unknown) > _UNKNOWN_KEPT:
                self._unknown.popitem(last=False)
            if is_locked(tries.locked_until, now):
                return SignInAnswer.LOCKED
            tries.failures += 1
            if tries.failures >= MAX_ATTEMPTS:
                tries.failures = 0
                tries.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                return SignInAnswer.LOCKED
            return SignInAnswer.WRONG

    # --- changing -------------------------------------------------------------------------
    def change_password(
        self, tx: UnitOfWork, user: User, current: str, new: str, now: datetime
    ) -> bool:
        """Set a new password if ``current`` is right; False (nothing changed) otherwise.
        The caller ends the person's other sessions."""
        if not self.hasher.verify(user.password_hash, current):
            return False
        tx.users.save(replace(user, password_hash=self.hasher.hash(new)))
        return True
