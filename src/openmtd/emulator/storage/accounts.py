"""Government Gateway records and repositories: accounts, their groups and enrolments, and the
emulator's pretend phone network."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol


class AffinityGroup(StrEnum):
    """A Government Gateway group's affinity (kept on the group, as HMRC does)."""

    INDIVIDUAL = "Individual"
    ORGANISATION = "Organisation"
    AGENT = "Agent"


class CredentialRole(StrEnum):
    """``User`` is the group's administrator; ``Assistant`` is not."""

    USER = "User"
    ASSISTANT = "Assistant"


class TwoStepMethod(StrEnum):
    """How an account does 2-step verification."""

    AUTHENTICATOR_APP = "totp"
    TEXT_MESSAGE = "sms"


@dataclass(frozen=True, slots=True)
class Enrolment:
    """A principal enrolment held by a group, e.g. ``IR-SA`` with ``UTR=1234567890``."""

    key: str
    identifier_name: str
    identifier_value: str
    state: str = "Activated"


@dataclass(frozen=True, slots=True)
class Address:
    line1: str = ""
    line2: str = ""
    line3: str = ""
    line4: str = ""
    postcode: str = ""
    country_code: str = "GB"


@dataclass(frozen=True, slots=True)
class Group:
    """A Government Gateway group: its affinity and the enrolments it holds."""

    id: int
    group_id: str
    affinity_group: AffinityGroup
    agent_code: str | None = None
    enrolments: tuple[Enrolment, ...] = ()

    def enrolment(self, key: str) -> Enrolment | None:
        return next((e for e in self.enrolments if e.key == key), None)


@dataclass(frozen=True, slots=True)
class NewAccount:
    """What creating a Government Gateway account needs."""

    user_id: str
    password_hash: str
    affinity_group: AffinityGroup
    credential_role: CredentialRole
    confidence_level: int
    first_name: str
    last_name: str
    email: str
    created_at: datetime
    date_of_birth: date | None = None
    address: Address = field(default_factory=Address)
    nino: str | None = None
    enrolments: tuple[Enrolment, ...] = ()
    group_id: str | None = None
    agent_code: str | None = None
    two_step_method: TwoStepMethod | None = None
    totp_secret: str | None = None
    phone_number: str | None = None


@dataclass(frozen=True, slots=True)
class Account:
    """A Government Gateway credential (user ID, password, 2SV) and the group it belongs to.

    Mutable security state (2SV and its lockout) is changed with :func:`dataclasses.replace`
    and written back with :meth:`AccountRepository.save`. Wrong passwords are not counted
    here but per typed user ID (:class:`SignInAttemptRepository`, migration 0004), so that
    unknown IDs lock alike (migration 0009 dropped the accounts' own counter).
    """

    id: int
    user_id: str
    password_hash: str
    group: Group
    credential_role: CredentialRole
    confidence_level: int
    first_name: str
    last_name: str
    email: str
    created_at: datetime
    date_of_birth: date | None = None
    address: Address = field(default_factory=Address)
    nino: str | None = None
    two_step_method: TwoStepMethod | None = None
    totp_secret: str | None = None
    totp_last_step: int | None = None
    phone_number: str | None = None
    sms_code_hash: str | None = None
    sms_code_expires_at: datetime | None = None
    failed_two_step_attempts: int = 0
    two_step_locked_until: datetime | None = None

    @property
    def affinity_group(self) -> AffinityGroup:
        return self.group.affinity_group

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def enrolment(self, key: str) -> Enrolment | None:
        return self.group.enrolment(key)


@dataclass(frozen=True, slots=True)
class TextMessage:
    """A text message delivered to the emulator's pretend phone."""

    phone_number: str
    body: str
    sent_at: datetime


class AccountRepository(Protocol):
    """Government Gateway accounts and groups. Used by ``gateway``, ``oauth``, ``web``."""

    def add(self, account: NewAccount) -> Account:
        """Create the account (and its group, unless ``group_id`` names an existing one)."""
        ...

    def get(self, account_id: int) -> Account | None: ...

    def get_by_user_id(self, user_id: str) -> Account | None: ...

    def save(self, account: Account) -> None:
        """Write back the credential's mutable fields (security state, 2SV, CL)."""
        ...

    def add_enrolment(self, group_id: int, enrolment: Enrolment) -> None:
        """Give an existing group (by :attr:`Group.id`) one more enrolment."""
        ...

    def enrolment_owner(self, key: str, identifier_value: str) -> Account | None:
        """The admin account of the group holding an enrolment, if any."""
        ...

    def user_id_taken(self, user_id: str) -> bool: ...

    def find_by_nino(self, nino: str) -> Account | None:
        """The (first) account holding a NINO, if any."""
        ...


@dataclass(frozen=True, slots=True)
class SignInAttempts:
    """Wrong passwords in a row for one typed user ID, whether an account has it or not.

    Kept by a hash of the user ID (``key_hash``), never the ID itself (people type passwords
    into the wrong box), and only until ``expires_at``, so the table stays bounded however
    many made-up IDs are tried.
    """

    key_hash: str
    failures: int
    expires_at: datetime
    locked_until: datetime | None = None


class SignInAttemptRepository(Protocol):
    """Wrong-password counts and sign-in locks per user ID. Used by ``gateway.accounts``."""

    def get(self, key_hash: str, now: datetime) -> SignInAttempts | None:
        """The record for a user ID's hash; None when there is none or it expired by ``now``."""
        ...

    def count_failure(self, key_hash: str, now: datetime, expires_at: datetime) -> int:
        """Count one wrong password, atomically across workers, and keep the record until
        ``expires_at``; returns the count including this one. A record that expired by
        ``now`` starts again from 1 (and loses any lock)."""
        ...

    def lock(self, key_hash: str, until: datetime) -> None:
        """Lock sign-in for the user ID until ``until``: the count starts again from 0 and the
        record expires with the lock."""
        ...

    def clear(self, key_hash: str) -> None:
        """Forget the user ID's record (a right password)."""
        ...

    def forget_expired(self, now: datetime) -> int:
        """Delete the records that expired by ``now``; returns how many."""
        ...


class PhoneRepository(Protocol):
    """The emulator's pretend phone network. Used by ``gateway.two_step`` and ``web``."""

    def send(self, message: TextMessage) -> None: ...

    def messages(self, phone_number: str) -> list[TextMessage]:
        """Messages sent to a number, newest first."""
        ...

    def count_since(self, phone_number: str, since: datetime) -> int:
        """How many messages were sent to a number after ``since``."""
        ...
