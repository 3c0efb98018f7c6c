"""The sign-up forms' answers: what was typed, checked by the rules, with the words shown
against each field (the messages are openmtd's; HMRC's are not in the reference, so they are
kept here, in one place, and listed in docs/emulator.md).

Each ``read_*`` takes the form's fields (``name -> text``) and returns the value and a
``field -> message`` mapping; the value is None when anything is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final

from openmtd.emulator.sign_up.journey import SoleTrader, StartDate
from openmtd.rules.errors import InvalidIdentifierError
from openmtd.rules.identifiers import Postcode
from openmtd.rules.sign_up import (
    ALLOWED_PUNCTUATION,
    BUSINESS_NAME_LENGTHS,
    TRADE_LENGTHS,
    StartDateProblem,
    TextProblem,
    business_name_problem,
    latest_start_date,
    start_date_limit,
    start_date_problem,
    trade_problem,
)
from openmtd.rules.tax_year import TaxYear

Errors = dict[str, str]
#: An address line may hold this many characters (openmtd's; the table holds 100).
ADDRESS_LINE_LENGTH: Final = 100
_DIGITS: Final = re.compile(r"[0-9]{1,4}")


def date_text(day: date) -> str:
    """``6 April 2024``: a date as GOV.UK pages write it."""
    return f"{day.day} {day:%B %Y}"


def _text_message(what: str, problem: TextProblem, lengths: tuple[int, int]) -> str:
    shortest, longest = lengths
    return {
        TextProblem.MISSING: f"Enter your {what}",
        TextProblem.TOO_SHORT: f"{what.capitalize()} must be {shortest} characters or more",
        TextProblem.TOO_LONG: f"{what.capitalize()} must be {longest} characters or fewer",
        TextProblem.CHARACTERS: (
            f"{what.capitalize()} must only include letters a to z, numbers, spaces and "
            f"{ALLOWED_PUNCTUATION}"
        ),
    }[problem]


def _day(fields: Mapping[str, str], prefix: str) -> date | str | None:
    """The date typed in ``prefix-day``/``-month``/``-year``: None when nothing was typed,
    a message when it is not a real date."""
    parts = [fields.get(f"{prefix}_{part}", "").strip() for part in ("day", "month", "year")]
    if not any(parts):
        return None
    if not all(_DIGITS.fullmatch(part) for part in parts) or len(parts[2]) != 4:
        return "must be a real date, like 27 3 2025"
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return "must be a real date, like 27 3 2025"


def read_start(
    fields: Mapping[str, str], today: date, what: str, *, prefix: str = "start"
) -> tuple[StartDate | None, Errors]:
    """A start date, or "before <limit>" (``start_choice`` ``before``), business rules §1.4."""
    limit = start_date_limit(TaxYear.containing(today))
    choice = fields.get(f"{prefix}_choice", "")
    if choice == "before":
        return StartDate(), {}
    if choice != "date":
        return None, {f"{prefix}_choice": f"Select when the {what} started"}
    typed = _day(fields, prefix)
    if typed is None:
        return None, {f"{prefix}_day": f"Enter the date the {what} started"}
    if isinstance(typed, str):
        return None, {f"{prefix}_day": f"The date the {what} started {typed}"}
    problem = start_date_problem(typed, today)
    if problem is StartDateProblem.BEFORE_LIMIT:
        return None, {
            f"{prefix}_day": f"The date must be on or after {date_text(limit)}. If the {what} "
            f"started before then, choose 'Before {date_text(limit)}'"
        }
    if problem is StartDateProblem.TOO_FAR_AHEAD:
        return None, {
            f"{prefix}_day": f"The date the {what} started must be on or before "
            f"{date_text(latest_start_date(today))}"
        }
    return StartDate(typed), {}


@dataclass(frozen=True, slots=True)
class BusinessForm:
    """A sole trader form as typed (kept to show again)."""

    business_name: str = ""
    trade: str = ""
    address_line1: str = ""
    address_line2: str = ""
    address_line3: str = ""
    address_line4: str = ""
    postcode: str = ""
    start_choice: str = ""
    start_day: str = ""
    start_month: str = ""
    start_year: str = ""

    @classmethod
    def of(cls, fields: Mapping[str, str]) -> BusinessForm:
        return cls(**{name: fields.get(name, "") for name in cls.__dataclass_fields__})

    @classmethod
    def of_business(cls, business: SoleTrader) -> BusinessForm:
        day = business.start.day
        return cls(
            business_name=business.name,
            trade=business.trade,
            address_line1=business.address_line1,
            address_line2=business.address_line2,
            address_line3=business.address_line3,
            address_line4=business.address_line4,
            postcode=business.postcode,
            start_choice="before" if day is None else "date",
            start_day=str(day.day) if day else "",
            start_month=str(day.month) if day else "",
            start_year=str(day.year) if day else "",
        )


def read_business(
    fields: Mapping[str, str], today: date, key: str = ""
) -> tuple[SoleTrader | None, Errors]:
    """A sole trader business (§1.4): name, trade, address (line 1 and a UK postcode
    required) and start."""
    errors: Errors = {}
    name, trade = fields.get("business_name", "").strip(), fields.get("trade", "").strip()
    problem = business_name_problem(name)
    if problem is not None:
        errors["business_name"] = _text_message("business name", problem, BUSINESS_NAME_LENGTHS)
    problem = trade_problem(trade)
    if problem is not None:
        errors["trade"] = _text_message("trade", problem, TRADE_LENGTHS)
    lines = [fields.get(f"address_line{n}", "").strip() for n in (1, 2, 3, 4)]
    if not lines[0]:
        errors["address_line1"] = "Enter the first line of the business address"
    for number, line in enumerate(lines, 1):
        if len(line) > ADDRESS_LINE_LENGTH:
            errors[f"address_line{number}"] = (
                f"Address line {number} must be {ADDRESS_LINE_LENGTH} characters or fewer"
            )
    postcode = ""
    try:
        postcode = Postcode.parse(fields.get("postcode", "")).value
    except InvalidIdentifierError:
        errors["postcode"] = (
            "Enter a real UK postcode, like TS1 1PA"
            if fields.get("postcode", "").strip()
            else "Enter the postcode of the business address"
        )
    start, start_errors = read_start(fields, today, "business")
    errors.update(start_errors)
    if errors or start is None:
        return None, errors
    line1, line2, line3, line4 = lines
    return SoleTrader(key, name, trade, line1, line2, line3, line4, postcode, start), {}


def read_yes_no(fields: Mapping[str, str], name: str, message: str) -> tuple[bool | None, Errors]:
    """A yes/no question answered ``yes`` or ``no``."""
    answer = fields.get(name, "")
    if answer not in ("yes", "no"):
        return None, {name: message}
    return answer == "yes", {}
