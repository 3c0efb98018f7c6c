"""Identifiers for test users: valid (check digits and letters) and unique in the emulator."""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from datetime import date

from openmtd.emulator.apis.test_users.catalogue import (
    _ATTEMPTS,
)
from openmtd.emulator.storage import (
    Transaction,
)
from openmtd.rules.identifiers import Arn, MtdItId, Nino, SaUtr


# --- identifiers --------------------------------------------------------------------------------
def _digits(count: int) -> str:
    return "".join(secrets.choice(string.digits) for _ in range(count))


def _letter() -> str:
    return secrets.choice(string.ascii_uppercase)


def _unique(make: Callable[[], str], taken: Callable[[str], bool]) -> str:
    for _ in range(_ATTEMPTS):
        candidate = make()
        if not taken(candidate):
            return candidate
    raise RuntimeError("could not generate an unused identifier")


def nino_taken(tx: Transaction, nino: Nino) -> bool:
    """Whether any account holds a NINO with the same first 8 characters."""
    stem = nino.without_suffix
    return any(tx.accounts.find_by_nino(stem + suffix) for suffix in ("", "A", "B", "C", "D"))


def _random_nino() -> str:
    candidate = _letter() + _letter() + _digits(6) + secrets.choice("ABCD")
    # Only prefixes HMRC's own NINO rule accepts (so every HMRC API accepts the NINO).
    return candidate if Nino.is_valid(candidate) else ""


def new_nino(tx: Transaction) -> Nino:
    """A valid NINO no account holds (not even with another suffix)."""
    value = _unique(_random_nino, lambda text: not text or nino_taken(tx, Nino(text)))
    return Nino(value)


def new_sa_utr(tx: Transaction) -> SaUtr:
    value = _unique(
        lambda: SaUtr.generate(_digits(9)).value,
        lambda text: tx.accounts.enrolment_owner("IR-SA", text) is not None,
    )
    return SaUtr(value)


def new_mtditid(tx: Transaction) -> MtdItId:
    value = _unique(
        lambda: MtdItId.generate(_digits(11)).value,
        lambda text: tx.accounts.enrolment_owner("HMRC-MTD-IT", text) is not None,
    )
    return MtdItId(value)


def new_arn(tx: Transaction) -> Arn:
    value = _unique(
        lambda: Arn.generate(_digits(7)).value,
        lambda text: tx.accounts.enrolment_owner("HMRC-AS-AGENT", text) is not None,
    )
    return Arn(value)


def new_vrn() -> str:
    """A VAT registration number: 7 digits and HMRC's modulus-97 check (2 digits)."""
    body = str(1_000_000 + secrets.randbelow(9_000_000))
    total = sum(weight * int(digit) for weight, digit in zip(range(8, 1, -1), body, strict=True))
    return f"{body}{97 - total % 97:02d}"


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
