"""Government Gateway accounts: create one, sign in with a user ID and password.

Sign-in is locked after :data:`MAX_PASSWORD_ATTEMPTS` wrong passwords in a row, for
:data:`PASSWORD_LOCKOUT` (HMRC does not publish its numbers; these are openmtd's, documented
in docs/emulator.md). The lock lifts by itself when the time passes, or at once through the
emulator's control API (``POST /emulator/reset`` empties the world). An unknown user ID and a
wrong password get the same answer, lock alike and cost the same time, so user IDs cannot be
discovered: wrong passwords are counted per typed user ID (``tx.sign_in_attempts``), not on
the account, and remembered for :data:`FAILURES_REMEMBERED` after the last one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Final

from openmtd.emulator.security import PasswordHasher, new_user_id, token_hash
from openmtd.emulator.storage import (
    Account,
    Address,
    AffinityGroup,
    CredentialRole,
    Enrolment,
    NewAccount,
    Transaction,
    TwoStepMethod,
)
from openmtd.rules.errors import RuleError
from openmtd.rules.identifiers import Nino, Postcode

MAX_PASSWORD_ATTEMPTS: Final = 5
PASSWORD_LOCKOUT: Final = timedelta(minutes=15)
#: How long wrong passwords are remembered after the last one (so the count stays bounded).
FAILURES_REMEMBERED: Final = timedelta(hours=24)
MIN_PASSWORD_LENGTH: Final = 10
CONFIDENCE_LEVELS: Final = (50, 200, 250)

#: The enrolments an account can hold, with their identifier names (business rules §4.2).
ENROLMENT_IDENTIFIERS: Final[dict[str, str]] = {
    "IR-SA": "UTR",
    "HMRC-MTD-IT": "MTDITID",
    "HMRC-AS-AGENT": "AgentReferenceNumber",
    "IR-SA-AGENT": "IRAgentReference",
}
_AGENT_ONLY: Final = frozenset({"HMRC-AS-AGENT", "IR-SA-AGENT"})
#: A Government Gateway user ID: up to 12 ASCII digits.
_USER_ID: Final = re.compile(r"[0-9]{1,12}")
_ATTEMPTS_KEY_PREFIX: Final = "gg-user-id:"


class SignInFailure(StrEnum):
    BAD_CREDENTIALS = "bad-credentials"
    LOCKED = "locked"


class SignInError(Exception):
    """Sign-in refused; ``locked_until`` is set when the account is locked."""

    def __init__(self, failure: SignInFailure, locked_until: datetime | None = None) -> None:
        super().__init__(failure.value)
        self.failure = failure
        self.locked_until = locked_until


class AccountError(ValueError):
    """Account details that cannot be accepted; ``field`` names the form field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class AccountDetails:
    """What a person (or the test-user API) provides to create an account."""

    password: str
    first_name: str
    last_name: str
    email: str
    affinity_group: AffinityGroup = AffinityGroup.INDIVIDUAL
    credential_role: CredentialRole = CredentialRole.USER
    confidence_level: int = 50
    date_of_birth: date | None = None
    address: Address = field(default_factory=Address)
    nino: str | None = None
    enrolments: tuple[Enrolment, ...] = ()
    group_id: str | None = None
    two_step_method: TwoStepMethod | None = None
    totp_secret: str | None = None
    phone_number: str | None = None
    user_id: str | None = None
    min_password_length: int = MIN_PASSWORD_LENGTH


def validate_details(details: AccountDetails) -> AccountDetails:
    """Check and normalise account details; raise :class:`AccountError` naming the field."""
    if len(details.password) < details.min_password_length:
        raise AccountError(
            "password", f"Enter a password of at least {details.min_password_length} characters"
        )
    for name, value, label in (
        ("first_name", details.first_name, "first name"),
        ("last_name", details.last_name, "last name"),
    ):
        if not value.strip():
            raise AccountError(name, f"Enter your {label}")
        if len(value) > 100:
            raise AccountError(name, f"Your {label} must be 100 characters or fewer")
    if "@" not in details.email or len(details.email) > 255:
        raise AccountError("email", "Enter an email address, like name@example.com")
    if details.confidence_level not in CONFIDENCE_LEVELS:
        raise AccountError("confidence_level", "Confidence level must be 50, 200 or 250")
    if details.affinity_group is AffinityGroup.ORGANISATION and (
        details.credential_role is not CredentialRole.USER
    ):
        raise AccountError("credential_role", "An organisation's first user must be an admin")
    nino = details.nino
    if nino:
        try:
            nino = str(Nino.parse(nino))
        except RuleError as error:
            raise AccountError("nino", error.message) from None
    address = details.address
    if address.postcode:
        try:
            address = replace(address, postcode=str(Postcode.parse(address.postcode)))
        except RuleError as error:
            raise AccountError("postcode", error.message) from None
    for enrolment in details.enrolments:
        if enrolment.key not in ENROLMENT_IDENTIFIERS:
            raise AccountError("enrolments", f"{enrolment.key} is not an enrolment we emulate")
        agent_only = enrolment.key in _AGENT_ONLY
        if agent_only != (details.affinity_group is AffinityGroup.AGENT):
            holders = "agents" if agent_only else "individuals and organisations"
            raise AccountError("enrolments", f"{enrolment.key} is for {holders} only")
    return replace(
        details,
        first_name=details.first_name.strip(),
        last_name=details.last_name.strip(),
        email=details.email.strip(),
        nino=nino or None,
        address=address,
    )


def create_account(
    tx: Transaction, hasher: PasswordHasher, now: datetime, details: AccountDetails
) -> Account:
    """Create a Government Gateway account with a fresh 12-digit user ID."""
    details = validate_details(details)
    return store_account(tx, now, details, hasher.hash(details.password))


def store_account(
    tx: Transaction,
    now: datetime,
    details: AccountDetails,
    password_hash: str,
    *,
    enrolment_fields: Mapping[str, str] | None = None,
    agent_code: str | None = None,
) -> Account:
    """Write validated details as an account; the one place accounts are written.

    Raises:
        AccountError: when another account already holds one of the enrolments, against
            the form field ``enrolment_fields`` names for it (else ``enrolments``).
    """
    for enrolment in details.enrolments:
        if tx.accounts.enrolment_owner(enrolment.key, enrolment.identifier_value):
            raise AccountError(
                (enrolment_fields or {}).get(enrolment.key, "enrolments"),
                "Another account already holds this enrolment for that reference",
            )
    user_id = details.user_id or new_user_id()
    while tx.accounts.user_id_taken(user_id):
        user_id = new_user_id()
    return tx.accounts.add(
        NewAccount(
            user_id=user_id,
            password_hash=password_hash,
            affinity_group=details.affinity_group,
            credential_role=details.credential_role,
            confidence_level=details.confidence_level,
            first_name=details.first_name,
            last_name=details.last_name,
            email=details.email,
            created_at=now,
            date_of_birth=details.date_of_birth,
            address=details.address,
            nino=details.nino,
            enrolments=details.enrolments,
            group_id=details.group_id,
            agent_code=agent_code,
            two_step_method=details.two_step_method,
            totp_secret=details.totp_secret,
            phone_number=details.phone_number,
        )
    )


def attempts_key(user_id: str) -> str:
    """How a typed user ID is kept for counting wrong passwords: a SHA-256 hash, never the ID
    (migration 0004 keys the counters it carried over the same way)."""
    return token_hash(_ATTEMPTS_KEY_PREFIX + user_id)


def authenticate(
    tx: Transaction, hasher: PasswordHasher, now: datetime, user_id: str, password: str
) -> Account | SignInError:
    """The account for a user ID and password, or the :class:`SignInError` to raise.

    The error is returned, not raised, so the caller's transaction still commits the failed
    attempt it counted. Wrong passwords are counted per typed user ID (by its hash), whether
    an account has that ID or not, so an unknown ID is answered exactly as a known one with a
    wrong password: "wrong" four times, then locked on the fifth, for as long. A lock is
    checked before the password; a right password clears the count. An unknown ID costs an
    argon2 verification like a known one (:meth:`PasswordHasher.verify` with no hash).
    """
    typed = user_id.strip().replace(" ", "")
    key = attempts_key(typed)
    record = tx.sign_in_attempts.get(key, now)
    if record is not None and record.locked_until is not None and record.locked_until > now:
        return SignInError(SignInFailure.LOCKED, record.locked_until)
    # Only 0-9 make a user ID (``isdigit`` would take full-width digits): anything else is
    # no account's, but is counted just the same.
    account = tx.accounts.get_by_user_id(typed) if _USER_ID.fullmatch(typed) else None
    valid = hasher.verify(account.password_hash if account else None, password)
    if account is None or not valid:
        return _wrong_password(tx, key, now)
    if record is not None:
        tx.sign_in_attempts.clear(key)
    return account


def _wrong_password(tx: Transaction, key: str, now: datetime) -> SignInError:
    tx.sign_in_attempts.forget_expired(now)
    failures = tx.sign_in_attempts.count_failure(key, now, now + FAILURES_REMEMBERED)
    if failures >= MAX_PASSWORD_ATTEMPTS:
        locked_until = now + PASSWORD_LOCKOUT
        tx.sign_in_attempts.lock(key, locked_until)
        return SignInError(SignInFailure.LOCKED, locked_until)
    return SignInError(SignInFailure.BAD_CREDENTIALS)
