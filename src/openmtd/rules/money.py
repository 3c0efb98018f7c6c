"""Amounts of money and shares as a person types them, read strictly.

Pounds, optionally with a pound sign and thousands commas, and at most two decimal places:
``12500``, ``£12,500`` or ``12500.50``. Digits are ASCII digits only (a full-width ``１`` is
refused, never read as a number). An income is zero or more and at most
:data:`~openmtd.rules.itsa_status.MAX_BUSINESS_INCOME`, the largest HMRC's records hold.
A share of a jointly owned property is a fraction from 0 to 1 (``0.5``) or a percentage
from 0 to 100 (``50``).

Each refusal is an :class:`InvalidAmountError` (``FORMAT_AMOUNT``, openmtd's code: no HMRC
API takes these values) whose message says what to type instead.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Final

from openmtd.rules.errors import RuleError
from openmtd.rules.itsa_status import MAX_BUSINESS_INCOME

__all__ = [
    "InvalidAmountError",
    "parse_amount",
    "parse_fraction",
    "parse_percentage",
]

#: Pounds (with or without thousands commas), then any decimals: the number of decimals is
#: checked apart, so "too many decimal places" can be said. ``[0-9]`` is ASCII only.
_AMOUNT: Final = re.compile(r"£?([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?")
_NUMBER: Final = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,10})?|\.[0-9]{1,10}")
#: Longer than any amount up to MAX_BUSINESS_INCOME can be written: refused before the regex.
_LONGEST: Final = 40
_HUNDRED: Final = Decimal(100)


class InvalidAmountError(RuleError):
    """An amount of money or a share is not one a person could mean."""

    def __init__(self, typed: str, problem: str) -> None:
        super().__init__("FORMAT_AMOUNT", f"{_shown(typed)} {problem}")
        #: What is wrong, without the value (for a message that names it in its own way).
        self.problem = problem


def _shown(text: str) -> str:
    return repr(text if len(text) <= _LONGEST else text[:_LONGEST] + "...")


def parse_amount(text: str) -> Decimal:
    """Pounds and pence from ``text``: ``"£12,500.50"`` is ``Decimal("12500.50")``."""
    typed = text.strip()
    if typed.startswith("-"):
        raise InvalidAmountError(text, "is negative: an income is zero or more.")
    match = _AMOUNT.fullmatch(typed) if len(typed) <= _LONGEST else None
    if match is None:
        raise InvalidAmountError(
            text,
            "is not an amount of money. Write pounds, and pence if any, with digits 0-9, like "
            "12500, 12,500 or 12500.50.",
        )
    pounds, pence = match.groups()
    if pence is not None and len(pence) > 2:
        raise InvalidAmountError(
            text, "has more than two decimal places: give pounds and pence, like 12500.50."
        )
    amount = Decimal(f"{pounds.replace(',', '')}.{pence or '0'}")
    if amount > MAX_BUSINESS_INCOME:
        raise InvalidAmountError(
            text, f"is over £{MAX_BUSINESS_INCOME:,}, the largest income HMRC's records hold."
        )
    return amount


def _number(text: str, typed: str, what: str) -> Decimal:
    if len(typed) > _LONGEST or _NUMBER.fullmatch(typed) is None:
        raise InvalidAmountError(text, f"is not a number {what} (digits 0-9).")
    return Decimal(typed)


def parse_fraction(text: str) -> Decimal:
    """A share from 0 to 1, like ``"0.5"``."""
    share = _number(text, text.strip(), "from 0 to 1, like 0.5")
    if share > 1:
        raise InvalidAmountError(text, "must be between 0 and 1, like 0.5.")
    return share


def parse_percentage(text: str) -> Decimal:
    """A share as a percentage from 0 to 100 (``"50"`` or ``"50%"``), returned as 0 to 1."""
    percent = _number(text, text.strip().removesuffix("%").strip(), "from 0 to 100, like 50")
    if percent > _HUNDRED:
        raise InvalidAmountError(text, "must be between 0 and 100%, like 50.")
    return percent / _HUNDRED
