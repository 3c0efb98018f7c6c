"""``POST /emulator/obligations/{nino}/fulfil``: HMRC received what an obligation asks for.

The emulator keeps no quarterly updates or final declarations yet, so a tester says one was
received. The body names one obligation as the Obligations API answers it:

- a quarterly update: ``{"businessId"?, "periodStartDate", "periodEndDate", "receivedDate"?}``.
  Without ``businessId``, every income source with that period is fulfilled;
- the final declaration: ``{"taxYear", "receivedDate"?}``.

``receivedDate`` (``YYYY-MM-DD``) defaults to today (the emulator's UK date); it lies after the
period ends and not after today. Recording an obligation again replaces its date. The answer
is 200 with the obligations as the Obligations API now reads them (a later cumulative update
also fulfils the earlier periods of its year: :func:`openmtd.rules.obligations.received_on`).

The obligation must be one the customer has now, worked out as the Obligations API works it
out (:mod:`openmtd.emulator.apis.obligations.state`), with every application's test
businesses. Codes and messages are openmtd's (HMRC has no control API); the NINO in the path
is checked with HMRC's own rule.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Final

from openmtd.emulator.apis.business_details import BUSINESS_ID
from openmtd.emulator.apis.obligations import state
from openmtd.emulator.apis.obligations.query import parse_date
from openmtd.emulator.control.errors import FORMAT_VALUE, ControlError, FieldError
from openmtd.emulator.control.requests import _Body, _validate, parse_json, parse_nino
from openmtd.emulator.storage import FulfilledUpdate, Transaction
from openmtd.rules.clock import uk_date
from openmtd.rules.errors import InvalidTaxYearError
from openmtd.rules.tax_year import TaxYear

FORMAT_DATE: Final = "FORMAT_DATE"
FORMAT_BUSINESS_ID: Final = "FORMAT_BUSINESS_ID"
RULE_RECEIVED_DATE: Final = "RULE_RECEIVED_DATE"
RULE_PERIOD_NOT_ENDED: Final = "RULE_PERIOD_NOT_ENDED"
OBLIGATION_NOT_FOUND: Final = "OBLIGATION_NOT_FOUND"
OBLIGATION_NOT_FOUND_MESSAGE: Final = "The customer has no such obligation"
EITHER_MESSAGE: Final = (
    "Send taxYear (the final declaration) or periodStartDate and periodEndDate "
    "(a quarterly update), not both"
)


class FulfilRequest(_Body):
    """``POST /emulator/obligations/{nino}/fulfil``."""

    business_id: str | None = None
    period_start_date: str | None = None
    period_end_date: str | None = None
    tax_year: str | None = None
    received_date: str | None = None


def _date(text: str, path: str) -> date:
    day = parse_date(text)
    if day is None:
        raise ControlError.invalid(
            FieldError(FORMAT_DATE, f"{path[1:]} must be a date, like 2026-07-05", path)
        )
    return day


def _shape(request: FulfilRequest) -> None:
    """Exactly one of the two forms, each whole."""
    quarterly = request.period_start_date is not None or request.period_end_date is not None
    if quarterly == (request.tax_year is not None):
        raise ControlError.invalid(FieldError(FORMAT_VALUE, EITHER_MESSAGE, ""))
    if request.tax_year is not None and request.business_id is not None:
        raise ControlError.invalid(
            FieldError(FORMAT_VALUE, "businessId goes with a quarterly period", "/businessId")
        )
    missing = [
        FieldError("FORMAT_FIELD_MISSING", f"{name} is required", f"/{name}")
        for name, value in (
            ("periodStartDate", request.period_start_date),
            ("periodEndDate", request.period_end_date),
        )
        if quarterly and value is None
    ]
    if missing:
        raise ControlError.invalid(*missing)
    if request.business_id is not None and not BUSINESS_ID.fullmatch(request.business_id):
        raise ControlError.invalid(
            FieldError(
                FORMAT_BUSINESS_ID,
                "businessId must be HMRC's, like XAIS12345678901",
                "/businessId",
            )
        )


def _received(request: FulfilRequest, period_end: date, today: date) -> date:
    first_day = period_end + timedelta(days=1)
    if request.received_date is None:
        if today < first_day:
            raise ControlError.of(
                400,
                RULE_PERIOD_NOT_ENDED,
                f"The period ends on {period_end.isoformat()}: it can be fulfilled from "
                f"{first_day.isoformat()}",
            )
        return today
    received = _date(request.received_date, "/receivedDate")
    if not first_day <= received <= today:
        raise ControlError.invalid(
            FieldError(
                RULE_RECEIVED_DATE,
                f"receivedDate must be from {first_day.isoformat()} (after the period ends) "
                f"to {today.isoformat()} (today)",
                "/receivedDate",
            )
        )
    return received


def _not_found() -> ControlError:
    return ControlError.of(404, OBLIGATION_NOT_FOUND, OBLIGATION_NOT_FOUND_MESSAGE)


def fulfil(tx: Transaction, now: datetime, nino_text: str, raw: bytes) -> dict[str, Any]:
    """Record an obligation as fulfilled (see the module); the answer reads it back."""
    nino = parse_nino(nino_text)
    request = _validate(FulfilRequest, parse_json(raw))
    _shape(request)
    current = TaxYear.containing(uk_date(now))
    if request.tax_year is not None:
        return _fulfil_final_declaration(tx, now, nino, request, current)
    return _fulfil_quarterly(tx, now, nino, request, current)


def _fulfil_quarterly(
    tx: Transaction, now: datetime, nino: str, request: FulfilRequest, current: TaxYear
) -> dict[str, Any]:
    start = _date(request.period_start_date or "", "/periodStartDate")
    end = _date(request.period_end_date or "", "/periodEndDate")

    def asked(business: state.BusinessObligations) -> tuple[state.Obligation, ...]:
        return tuple(
            o for o in business.obligations if (o.period.start, o.period.end) == (start, end)
        )

    held = [
        business
        for business in state.quarterly(tx, nino, None, current)
        if request.business_id in (None, business.source.business_id) and asked(business)
    ]
    if not held:
        raise _not_found()
    received = _received(request, end, uk_date(now))
    ids = {business.source.business_id for business in held}
    for business in held:
        tx.fulfilled_updates.put(
            FulfilledUpdate(nino, business.source.business_id, start, end, received, now)
        )
    answer = [
        business.body(asked(business))
        for business in state.quarterly(tx, nino, None, current)
        if business.source.business_id in ids
    ]
    return {"nino": nino, "obligations": answer}


def _fulfil_final_declaration(
    tx: Transaction, now: datetime, nino: str, request: FulfilRequest, current: TaxYear
) -> dict[str, Any]:
    assert request.tax_year is not None
    try:
        year = TaxYear.parse(request.tax_year)
    except InvalidTaxYearError as problem:
        raise ControlError.invalid(FieldError(problem.code, problem.message, "/taxYear")) from None
    if not any(o.period.tax_year == year for o in state.final_declarations(tx, nino, current)):
        raise _not_found()
    received = _received(request, year.end, uk_date(now))
    tx.fulfilled_updates.put(FulfilledUpdate(nino, None, year.start, year.end, received, now))
    answer = [
        o.body() for o in state.final_declarations(tx, nino, current) if o.period.tax_year == year
    ]
    return {"nino": nino, "obligations": answer}
