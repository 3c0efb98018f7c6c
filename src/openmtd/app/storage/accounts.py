"""The app's own accounts: who signs in to openmtd (not to HMRC), and their second factor."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class AccountKind(StrEnum):
    """An individual (sole trader or landlord); an agent practice comes with openmtd.app II."""

    INDIVIDUAL = "individual"
    AGENT = "agent"


@dataclass(frozen=True, slots=True)
class User:
    """A person with an openmtd account.

    ``email`` is kept as typed and matched case-insensitively (``email_key``, lower case).
    ``totp_secret`` is the authenticator app's secret, encrypted at rest by the adapter;
    None until set up, and ``totp_confirmed_at`` is when the first code was checked.
    ``totp_last_step`` is the authenticator time-step (Unix time // 30) of the last code
    accepted: a code of that step or an earlier one is refused (RFC 6238 section 5.2: a code
    works once). ``failed_sign_ins`` and ``locked_until`` throttle password guessing.
    """

    id: int
    email: str
    name: str
    password_hash: str = field(repr=False)
    kind: AccountKind
    created_at: datetime
    totp_secret: str | None = field(default=None, repr=False)
    totp_confirmed_at: datetime | None = None
    failed_sign_ins: int = 0
    locked_until: datetime | None = None
    totp_last_step: int | None = None

    @property
    def email_key(self) -> str:
        return self.email.casefold()

    @property
    def has_second_factor(self) -> bool:
        return self.totp_confirmed_at is not None


class UserRepository(Protocol):
    def add(
        self, *, email: str, name: str, password_hash: str, kind: AccountKind, now: datetime
    ) -> User:
        """Create a user; :class:`EmailTakenError` when the address (any case) has an account."""
        ...

    def get(self, user_id: int) -> User | None: ...

    def by_email(self, email: str) -> User | None:
        """The user with this address, any case."""
        ...

    def save(self, user: User) -> None:
        """Write back every field of ``user`` but ``id`` and ``created_at``."""
        ...


class EmailTakenError(Exception):
    """An account already uses this email address."""


@dataclass(frozen=True, slots=True)
class RecoveryCode:
    id: int
    user_id: int
    code_hash: str = field(repr=False)
    used_at: datetime | None = None


class RecoveryCodeRepository(Protocol):
    def replace(self, user_id: int, code_hashes: list[str]) -> None:
        """Forget the user's recovery codes and keep these (hashes only)."""
        ...

    def unused(self, user_id: int) -> list[RecoveryCode]: ...

    def use(self, code_id: int, now: datetime) -> bool:
        """Mark a code used; False if it was already (a code works once)."""
        ...
