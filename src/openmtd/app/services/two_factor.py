"""The second factor: an authenticator app (TOTP, RFC 6238) and one-time recovery codes.

A code is read strictly: ASCII digits only once spaces are dropped, so a full-width ``１２３``
or anything else is a wrong answer (and counted as one), never quietly converted.
"""

from __future__ import annotations

import base64
import hmac
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import pyotp
import qrcode
import qrcode.image.svg

from openmtd.app.security import new_recovery_codes, normalise_recovery_code, recovery_code_hash
from openmtd.app.storage import UnitOfWork

#: The name authenticator apps show next to the code.
ISSUER: Final = "openmtd"
_SIX_DIGITS = re.compile(r"[0-9]{6}")


def new_secret() -> str:
    """A fresh authenticator secret (base32, 160 bits)."""
    return pyotp.random_base32(length=32)


def provisioning_uri(secret: str, email: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The QR code of ``uri`` as an SVG ``data:`` URI (the page's CSP allows data: images)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=4)
    svg: bytes = image.to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def secret_for_display(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


@dataclass(frozen=True, slots=True)
class TypedCode:
    """What was typed in the code box: six digits, a recovery code, or neither."""

    digits: str | None = None
    recovery: str | None = None


def read_code(typed: str, *, recovery_allowed: bool = True) -> TypedCode:
    """Read a typed code strictly (see the module docstring)."""
    compact = typed.replace(" ", "")
    if _SIX_DIGITS.fullmatch(compact):
        return TypedCode(digits=compact)
    if recovery_allowed and (raw := normalise_recovery_code(typed)) is not None:
        return TypedCode(recovery=raw)
    return TypedCode()


def totp_step(secret: str, digits: str, now: datetime, *, after: int | None) -> int | None:
    """The time-step whose code ``digits`` is: now's, or 30 seconds either side (a phone's
    clock may be a little out); None if it is none of them, or if the step is not later than
    ``after`` (the last step accepted: a code works once, RFC 6238 section 5.2)."""
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // totp.interval
    for step in (current - 1, current, current + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.at(step * totp.interval), digits):
            return step
    return None


def issue_recovery_codes(tx: UnitOfWork, user_id: int) -> list[str]:
    """New recovery codes for the person (the old ones stop working); shown once, kept hashed."""
    codes = new_recovery_codes()
    tx.recovery_codes.replace(user_id, [recovery_code_hash(code) for code in codes])
    return codes


def use_recovery_code(tx: UnitOfWork, user_id: int, raw: str, now: datetime) -> bool:
    """Whether ``raw`` is one of the person's unused codes; if so it is used up."""
    wanted = recovery_code_hash(raw)
    for code in tx.recovery_codes.unused(user_id):
        if code.code_hash == wanted:
            return tx.recovery_codes.use(code.id, now)
    return False


def recovery_codes_left(tx: UnitOfWork, user_id: int) -> int:
    return len(tx.recovery_codes.unused(user_id))
