"""2-step verification: an authenticator app (TOTP) or a text message to the emulator's phone.

- Authenticator app: RFC 6238 TOTP (pyotp), 30-second steps, 6 digits; a code from the step
  before or after is accepted for clock drift. A code is refused once a code from the same or
  a later step has been used (no replay).
- Text message: a 6-digit code, valid for :data:`SMS_CODE_LIFETIME`, single-use, stored as a
  hash; the text is delivered to the emulator's phone page for that number.
- :data:`MAX_TWO_STEP_ATTEMPTS` wrong codes in a row lock 2-step verification for
  :data:`TWO_STEP_LOCKOUT`. The lock lifts when the time passes (or on ``/emulator/reset``).

HMRC does not publish these numbers; they are openmtd's (docs/emulator.md).
"""

from __future__ import annotations

import io
import re
import secrets
from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

import pyotp
import qrcode
import qrcode.image.svg

from openmtd.emulator.security import hashes_match, token_hash
from openmtd.emulator.storage import Account, TextMessage, Transaction, TwoStepMethod

MAX_TWO_STEP_ATTEMPTS: Final = 5
TWO_STEP_LOCKOUT: Final = timedelta(minutes=15)
SMS_CODE_LIFETIME: Final = timedelta(minutes=10)
TOTP_STEP_SECONDS: Final = 30
ISSUER: Final = "HMRC (openmtd emulator)"
#: A code: six ASCII digits (``[0-9]`` matches only those; ``\\d`` would match any script's).
_CODE: Final = re.compile(r"[0-9]{6}")


class TwoStepFailure(StrEnum):
    WRONG_CODE = "wrong-code"
    EXPIRED = "expired"
    LOCKED = "locked"
    NOT_SET_UP = "not-set-up"


class TwoStepError(Exception):
    def __init__(self, failure: TwoStepFailure, locked_until: datetime | None = None) -> None:
        super().__init__(failure.value)
        self.failure = failure
        self.locked_until = locked_until


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, user_id: str) -> str:
    """The ``otpauth://`` URI an authenticator app scans."""
    return pyotp.TOTP(secret).provisioning_uri(name=user_id, issuer_name=ISSUER)


def qr_code_svg(data: str) -> str:
    """A QR code for ``data`` as inline SVG markup."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def totp_code(secret: str, at: datetime) -> str:
    """The code an authenticator app shows at ``at`` (tests and the e2e use it)."""
    return pyotp.TOTP(secret).at(at)


def code_digits(typed: str) -> str | None:
    """A 2-step code as typed (spaces allowed), or None unless it is exactly 6 ASCII digits.

    ``str.isdigit()`` and ``\\d`` also take full-width and other scripts' digits ("１２３４５６");
    only 0-9 mean anything in a code, and anything else is simply a wrong code.
    """
    code = typed.strip().replace(" ", "")
    return code if _CODE.fullmatch(code) else None


def matching_step(secret: str, typed: str, now: datetime) -> int | None:
    """The TOTP step (this one, the one before or after) whose code ``typed`` is, if any."""
    code = code_digits(typed)
    if code is None:
        return None
    totp = pyotp.TOTP(secret)
    step = int(now.timestamp()) // TOTP_STEP_SECONDS
    for candidate in (step, step - 1, step + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def check_new_totp(secret: str, code: str, now: datetime) -> bool:
    """Whether a code proves the person set up their app with ``secret`` (during setup)."""
    return matching_step(secret, code, now) is not None


#: At most this many texts to one phone number in :data:`TEXT_WINDOW` (openmtd's choice, as
#: HMRC does not publish its limit): resending cannot be used to flood a phone.
MAX_TEXTS_PER_WINDOW: Final = 5
TEXT_WINDOW: Final = timedelta(minutes=15)
TOO_MANY_TEXTS_MESSAGE: Final = (
    "You have asked for too many codes. Use the last code we sent, or wait 15 minutes and "
    "ask for a new one."
)


class TextLimitReachedError(Exception):
    """No text was sent: the number has had :data:`MAX_TEXTS_PER_WINDOW` in the window."""


def check_text_allowance(tx: Transaction, phone_number: str, now: datetime) -> None:
    """Raise :class:`TextLimitReachedError` if one more text to the number is over the limit."""
    if tx.phone.count_since(phone_number, now - TEXT_WINDOW) >= MAX_TEXTS_PER_WINDOW:
        raise TextLimitReachedError


def send_text_code(tx: Transaction, account: Account, now: datetime) -> Account:
    """Text a fresh code to the account's phone (the emulator's phone page shows it).

    Raises :class:`TextLimitReachedError` (nothing sent, the last code still stands) when the
    phone has had its texts for the window.
    """
    if account.phone_number is None:
        raise TwoStepError(TwoStepFailure.NOT_SET_UP)
    check_text_allowance(tx, account.phone_number, now)
    code = f"{secrets.randbelow(1_000_000):06d}"
    tx.phone.send(
        TextMessage(
            phone_number=account.phone_number,
            body=f"Your HMRC security code is {code}. It expires in 10 minutes.",
            sent_at=now,
        )
    )
    account = replace(
        account, sms_code_hash=token_hash(code), sms_code_expires_at=now + SMS_CODE_LIFETIME
    )
    tx.accounts.save(account)
    return account


def verify(tx: Transaction, account: Account, code: str, now: datetime) -> Account | TwoStepError:
    """Check a 2-step code; returns the updated account or the error to raise.

    Like :func:`~openmtd.emulator.gateway.accounts.authenticate`, a failure is returned so
    the caller's transaction commits the attempt it counted.
    """
    if account.two_step_locked_until and account.two_step_locked_until > now:
        return TwoStepError(TwoStepFailure.LOCKED, account.two_step_locked_until)
    if account.two_step_method is TwoStepMethod.AUTHENTICATOR_APP and account.totp_secret:
        step = matching_step(account.totp_secret, code, now)
        replayed = (
            step is not None
            and account.totp_last_step is not None
            and (step <= account.totp_last_step)
        )
        if step is not None and not replayed:
            return _passed(tx, replace(account, totp_last_step=step))
        return _failed(tx, account, now, TwoStepFailure.WRONG_CODE)
    if account.two_step_method is TwoStepMethod.TEXT_MESSAGE and account.sms_code_hash:
        if account.sms_code_expires_at is None or account.sms_code_expires_at <= now:
            return _failed(tx, account, now, TwoStepFailure.EXPIRED)
        digits = code_digits(code)
        if digits is not None and hashes_match(account.sms_code_hash, digits):
            return _passed(tx, replace(account, sms_code_hash=None, sms_code_expires_at=None))
        return _failed(tx, account, now, TwoStepFailure.WRONG_CODE)
    return TwoStepError(TwoStepFailure.NOT_SET_UP)


def _passed(tx: Transaction, account: Account) -> Account:
    account = replace(account, failed_two_step_attempts=0, two_step_locked_until=None)
    tx.accounts.save(account)
    return account


def _failed(
    tx: Transaction, account: Account, now: datetime, failure: TwoStepFailure
) -> TwoStepError:
    attempts = account.failed_two_step_attempts + 1
    if attempts >= MAX_TWO_STEP_ATTEMPTS:
        locked_until = now + TWO_STEP_LOCKOUT
        tx.accounts.save(
            replace(account, failed_two_step_attempts=0, two_step_locked_until=locked_until)
        )
        return TwoStepError(TwoStepFailure.LOCKED, locked_until)
    tx.accounts.save(replace(account, failed_two_step_attempts=attempts))
    return TwoStepError(failure)
