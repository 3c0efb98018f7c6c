"""Setting up 2-step verification while an account is created on the web.

The authenticator app is shown as a QR code with a fixed label (:func:`qr_label`) and as its
secret in blocks of four; the code from the app is checked by :func:`setup_totp_step`. For text
messages the number is normalised by :func:`uk_mobile_number`, and each code sent to the
emulator's phone is kept as a SHA-256 hash with an expiry (:class:`SetupCode`), as
:mod:`~openmtd.emulator.gateway.two_step` does at sign-in. The phone-number format is openmtd's
choice (docs/emulator.md).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Final

from openmtd.emulator.gateway import two_step
from openmtd.emulator.gateway.accounts import (
    AccountError,
)
from openmtd.emulator.gateway.two_step import TwoStepFailure
from openmtd.emulator.security import hashes_match, token_hash
from openmtd.emulator.storage import (
    TextMessage,
    Transaction,
)

#: What the QR code's account label says: never the person's details (see :func:`qr_label`).
QR_LABEL: Final = "New HMRC sign in"

# A UK mobile number: 07 then 9 digits, written nationally or with the +44 / 0044 prefix.
_MOBILE_NATIONAL: Final = re.compile(r"07[0-9]{9}")
_PHONE_SEPARATORS: Final = re.compile(r"[\s\-().]")
PHONE_NUMBER_MESSAGE: Final = "Enter a UK mobile number, like 07700 900 982 or +44 7700 900 982"


@dataclass(frozen=True, slots=True)
class SetupCode:
    """A text-message code sent during setup: its hash, where it went and when it expires."""

    phone_number: str
    code_hash: str
    expires_at: datetime
    wrong_attempts: int = 0

    def to_data(self) -> dict[str, Any]:
        return {
            "phone_number": self.phone_number,
            "code_hash": self.code_hash,
            "expires_at": self.expires_at.isoformat(),
            "wrong_attempts": self.wrong_attempts,
        }

    @classmethod
    def from_data(cls, data: object) -> SetupCode | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(
                phone_number=str(data["phone_number"]),
                code_hash=str(data["code_hash"]),
                expires_at=datetime.fromisoformat(data["expires_at"]),
                wrong_attempts=int(data["wrong_attempts"]),
            )
        except (KeyError, TypeError, ValueError):
            return None


# --- 2-step verification setup ----------------------------------------------------------------


def qr_label() -> str:
    """The account label in the QR code and ``otpauth://`` URI.

    A fixed placeholder: the user ID does not exist yet, and the person's name or email
    would put their own text into markup the page trusts.
    """
    return QR_LABEL


def group_secret(secret: str) -> str:
    """The secret as people type it into an app: blocks of 4 characters."""
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def setup_totp_step(secret: str, code: str, now: datetime) -> int | None:
    """The TOTP step a setup code came from, or None when the code is wrong.

    Recorded as the account's last used step, so the code that set up the app cannot be
    replayed to sign in.
    """
    return two_step.matching_step(secret, code, now)


def uk_mobile_number(text: str) -> str:
    """A UK mobile number in one form, ``+447700900982``, however it was typed.

    Spaces, hyphens, dots and brackets are ignored; ``07…``, ``447…``, ``+447…``, ``00447…``
    and ``+44 (0)7…`` are all the same number.

    Raises:
        AccountError: on field ``phone_number`` when it is not a UK mobile number.
    """
    compact = _PHONE_SEPARATORS.sub("", text.replace("(0)", ""))
    for prefix in ("+44", "0044", "44"):
        if compact.startswith(prefix):
            compact = "0" + compact[len(prefix) :]
            break
    if not compact.isascii() or not _MOBILE_NATIONAL.fullmatch(compact):
        raise AccountError("phone_number", PHONE_NUMBER_MESSAGE)
    return "+44" + compact[1:]


def send_setup_code(tx: Transaction, phone_number: str, now: datetime) -> SetupCode:
    """Text a fresh code to the emulator's phone; only its hash is kept.

    Raises :class:`~two_step.TextLimitReachedError` when the number has had its texts.
    """
    two_step.check_text_allowance(tx, phone_number, now)
    code = f"{secrets.randbelow(1_000_000):06d}"
    minutes = int(two_step.SMS_CODE_LIFETIME.total_seconds() // 60)
    tx.phone.send(
        TextMessage(
            phone_number=phone_number,
            body=f"Your HMRC security code is {code}. It expires in {minutes} minutes.",
            sent_at=now,
        )
    )
    return SetupCode(phone_number, token_hash(code), now + two_step.SMS_CODE_LIFETIME)


def check_setup_code(
    setup: SetupCode, code: str, now: datetime
) -> tuple[TwoStepFailure | None, SetupCode]:
    """Check a setup code: no failure when it is right, else why, with the attempt counted.

    An expired code counts as a wrong one. After :data:`~two_step.MAX_TWO_STEP_ATTEMPTS`
    refused codes the failure is :attr:`TwoStepFailure.LOCKED`: the person must start again
    with a new code.
    """
    digits = two_step.code_digits(code)
    expired = setup.expires_at <= now
    if not expired and digits is not None and hashes_match(setup.code_hash, digits):
        return None, setup
    counted = replace(setup, wrong_attempts=setup.wrong_attempts + 1)
    if counted.wrong_attempts >= two_step.MAX_TWO_STEP_ATTEMPTS:
        return TwoStepFailure.LOCKED, counted
    return (TwoStepFailure.EXPIRED if expired else TwoStepFailure.WRONG_CODE), counted
