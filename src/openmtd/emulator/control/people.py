"""Control endpoints for the facts HMRC's sign-up service reads about a person:

- ``PUT /emulator/people/{nino}/eligibility`` with ``{"currentYear": [reason keys],
  "nextYear": [reason keys]}``: HMRC's sign-up eligibility (HIP ``ReasonKeyCY`` and
  ``ReasonKeyCY1``, business rules §1.3) for the current and next tax year, by the emulator's
  clock; an empty list means eligible. Keys are HMRC's spellings (``Other`` included); any
  other text is refused, so a typing mistake is not read as ``Other``.
- ``POST /emulator/returns/{nino}/{taxYear}`` with ``{"filedOn"?: "YYYY-MM-DD",
  "selfEmploymentTurnover"?, "ukPropertyIncome"?, "foreignPropertyIncome"?}`` (each income in
  pounds, a number, 0 when left out; an empty body is ``{}``): a Self Assessment return is on
  file for the year (by default filed today). It makes the year's sign-up status reason two
  years on ``Sign up - return available`` (§1.7), makes the year crystallised for opt-out
  (§3.5), and its qualifying income (the three added up as
  :func:`openmtd.rules.thresholds.qualifying_income` adds them, §1.7) is what the annual
  review reads for the year.

Codes and messages are openmtd's (HMRC has no control API); the NINO in the path is checked
with HMRC's own rule.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final

from openmtd.emulator.apis.itsa_status import wire_money
from openmtd.emulator.control.errors import (
    FORMAT_FIELD_TYPE,
    FORMAT_VALUE,
    ControlError,
    FieldError,
)
from openmtd.emulator.control.requests import _Body, _validate, parse_json, parse_nino
from openmtd.emulator.storage import ReturnOnFile, StoredEligibility, Transaction
from openmtd.rules.clock import uk_date
from openmtd.rules.eligibility import EligibilityReasonKey, exemption_reason_for
from openmtd.rules.errors import InvalidTaxYearError
from openmtd.rules.itsa_status import MAX_BUSINESS_INCOME
from openmtd.rules.tax_year import TaxYear
from openmtd.rules.thresholds import IncomeReturn, PropertyIncome, qualifying_income

FORMAT_TAX_YEAR: Final = "FORMAT_TAX_YEAR"
RULE_TAX_YEAR_RANGE_INVALID: Final = "RULE_TAX_YEAR_RANGE_INVALID"
FORMAT_REASON_KEY: Final = "FORMAT_REASON_KEY"
FORMAT_FILED_ON: Final = "FORMAT_FILED_ON"
RULE_FILED_ON: Final = "RULE_FILED_ON"
RULE_TAX_YEAR_NOT_ENDED: Final = "RULE_TAX_YEAR_NOT_ENDED"
FORMAT_INCOME: Final = "FORMAT_INCOME"
RULE_QUALIFYING_INCOME: Final = "RULE_QUALIFYING_INCOME"
_PENNY: Final = Decimal("0.01")
#: At most this many keys a year (HMRC's list has 33 keys).
MAX_REASON_KEYS: Final = 40
REASON_KEYS: Final = tuple(key.value for key in EligibilityReasonKey)


class EligibilityRequest(_Body):
    """``PUT /emulator/people/{nino}/eligibility``."""

    current_year: list[str]
    next_year: list[str]


class ReturnRequest(_Body):
    """``POST /emulator/returns/{nino}/{taxYear}``; the incomes are checked by :func:`_incomes`."""

    filed_on: str | None = None
    self_employment_turnover: Any = None
    uk_property_income: Any = None
    foreign_property_income: Any = None


#: The return's incomes: the request's attribute and its JSON name.
INCOME_FIELDS: Final = (
    ("self_employment_turnover", "selfEmploymentTurnover"),
    ("uk_property_income", "ukPropertyIncome"),
    ("foreign_property_income", "foreignPropertyIncome"),
)


def _keys(keys: list[str], path: str) -> tuple[str, ...]:
    if len(keys) > MAX_REASON_KEYS:
        raise ControlError.invalid(
            FieldError(FORMAT_VALUE, f"Send at most {MAX_REASON_KEYS} reason keys", path)
        )
    faults = [
        FieldError(
            FORMAT_REASON_KEY,
            "Not one of HMRC's eligibility reason keys: " + ", ".join(REASON_KEYS),
            f"{path}/{index}",
        )
        for index, key in enumerate(keys)
        if key not in REASON_KEYS
    ]
    if faults:
        raise ControlError.invalid(*faults)
    return tuple(keys)


def _year_body(year: TaxYear, keys: tuple[str, ...]) -> dict[str, Any]:
    return {"taxYear": str(year), "reasonKeys": list(keys), "eligible": not keys}


def set_eligibility(tx: Transaction, now: datetime, nino_text: str, raw: bytes) -> dict[str, Any]:
    """Keep a person's reason keys for the current and next tax year; the answer repeats
    them with the years and HMRC's ``exemptionReason`` (from next year's keys)."""
    nino = parse_nino(nino_text)
    request = _validate(EligibilityRequest, parse_json(raw))
    current_keys = _keys(request.current_year, "/currentYear")
    next_keys = _keys(request.next_year, "/nextYear")
    current = TaxYear.at(now)
    for year, keys in ((current, current_keys), (current.next, next_keys)):
        tx.eligibility.put(StoredEligibility(nino, str(year), keys, now))
    body = {
        "nino": nino,
        "currentYear": _year_body(current, current_keys),
        "nextYear": _year_body(current.next, next_keys),
    }
    reason = exemption_reason_for(EligibilityReasonKey(key) for key in next_keys)
    if reason is not None:
        body["exemptionReason"] = reason.value
    return body


def _tax_year(text: str) -> TaxYear:
    try:
        return TaxYear.parse(text)
    except InvalidTaxYearError as problem:
        raise ControlError.of(400, problem.code, problem.message) from None


def _filed_on(text: str) -> date:
    try:
        if len(text) == 10 and text.isascii():
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise ControlError.invalid(
        FieldError(FORMAT_FILED_ON, "filedOn must be a date, like 2026-01-31", "/filedOn")
    )


def _incomes(request: ReturnRequest) -> tuple[Decimal, Decimal, Decimal]:
    """The three incomes in pounds: each a JSON number from 0 to HMRC's 99999999999.99 with
    at most two decimal places (0 when left out)."""
    amounts: list[Decimal] = []
    faults: list[FieldError] = []
    for attribute, name in INCOME_FIELDS:
        value = getattr(request, attribute)
        if value is None:
            amounts.append(Decimal(0))
        elif isinstance(value, bool) or not isinstance(value, int | Decimal):
            faults.append(FieldError(FORMAT_FIELD_TYPE, f"{name} must be a number", f"/{name}"))
        elif not (0 <= value <= MAX_BUSINESS_INCOME and value == Decimal(value).quantize(_PENNY)):
            faults.append(
                FieldError(
                    FORMAT_INCOME,
                    f"{name} must be an amount in pounds from 0 to {MAX_BUSINESS_INCOME}, "
                    "with at most 2 decimal places",
                    f"/{name}",
                )
            )
        else:
            amounts.append(Decimal(value))
    if faults:
        raise ControlError.invalid(*faults)
    return amounts[0], amounts[1], amounts[2]


def _qualifying(incomes: tuple[Decimal, Decimal, Decimal]) -> Decimal:
    trade, uk, foreign = incomes
    total = qualifying_income(
        IncomeReturn(
            self_employment_turnover=(trade,),
            uk_property=(PropertyIncome(uk),),
            foreign_property=(PropertyIncome(foreign),),
        )
    )
    if total > MAX_BUSINESS_INCOME:
        raise ControlError.invalid(
            FieldError(
                RULE_QUALIFYING_INCOME,
                f"The incomes add up to more than {MAX_BUSINESS_INCOME}, the most HMRC's "
                "businessIncome2YearsPrior can hold",
                "",
            )
        )
    return total


def record_return(
    tx: Transaction, now: datetime, nino_text: str, year_text: str, raw: bytes
) -> dict[str, Any]:
    """Keep a return on file for a NINO and year (replacing one already there).

    The return is filed after its year ends (from 6 April after it) and not after today.
    """
    nino = parse_nino(nino_text)
    year = _tax_year(year_text)
    request = (
        _validate(ReturnRequest, parse_json(raw, exact_fractions=True))
        if raw.strip()
        else ReturnRequest()
    )
    incomes = _incomes(request)
    qualifying = _qualifying(incomes)
    today = uk_date(now)
    first_day = year.end + timedelta(days=1)
    if request.filed_on is None:
        if today < first_day:
            raise ControlError.of(
                400,
                RULE_TAX_YEAR_NOT_ENDED,
                f"The {year} tax year has not ended: a return for it can be filed from "
                f"{first_day.isoformat()}",
            )
        filed_on = today
    else:
        filed_on = _filed_on(request.filed_on)
        if not first_day <= filed_on <= today:
            raise ControlError.invalid(
                FieldError(
                    RULE_FILED_ON,
                    f"filedOn must be from {first_day.isoformat()} (after the tax year ends) "
                    f"to {today.isoformat()} (today)",
                    "/filedOn",
                )
            )
    tx.returns.put(ReturnOnFile(nino, str(year), filed_on, now, *incomes, qualifying))
    body: dict[str, Any] = {"nino": nino, "taxYear": str(year), "filedOn": filed_on.isoformat()}
    for (_, name), amount in zip(INCOME_FIELDS, incomes, strict=True):
        body[name] = wire_money(amount)
    body["qualifyingIncome"] = wire_money(qualifying)
    return body
