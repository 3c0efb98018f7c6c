"""Identifiers sign-up gives out: an MTDITID per subscription and a business ID per income
source, each valid and unique in the emulator (wire facts §4.1, §5)."""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from typing import Final

from openmtd.emulator.storage import Transaction
from openmtd.rules.identifiers import MtdItId

_ATTEMPTS: Final = 100


def _digits(count: int) -> str:
    return "".join(secrets.choice(string.digits) for _ in range(count))


def _unique(make: Callable[[], str], taken: Callable[[str], bool]) -> str:
    for _ in range(_ATTEMPTS):
        candidate = make()
        if not taken(candidate):
            return candidate
    raise RuntimeError("could not generate an unused identifier")


def new_mtditid(tx: Transaction) -> str:
    """``X`` + check letter + ``IT`` + 11 digits, held by no group and no subscription."""
    return _unique(
        lambda: MtdItId.generate(_digits(11)).value,
        lambda text: (
            tx.accounts.enrolment_owner("HMRC-MTD-IT", text) is not None
            or tx.subscriptions.for_mtditid(text) is not None
        ),
    )


def new_business_id(tx: Transaction, taken_now: frozenset[str] = frozenset()) -> str:
    """HMRC's ``^X[a-zA-Z0-9]{1}IS[0-9]{11}$`` (wire facts §5), unused by sign-up's income
    sources, by Self Assessment Test Support's test businesses and by ``taken_now``."""
    return _unique(
        lambda: "X" + secrets.choice(string.ascii_uppercase) + "IS" + _digits(11),
        lambda text: (
            text in taken_now
            or tx.business_details.get(text) is not None
            or any(business.business_id == text for business in tx.sandbox.businesses())
        ),
    )
