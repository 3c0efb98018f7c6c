"""Create and Delete a Test Business."""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from openmtd.emulator.apis.test_support.common import (
    _ACCOUNTING_TYPES,
    _ADDRESS_FIELDS,
    _BUSINESS_FIELDS,
    _BUSINESS_ID,
    _BUSINESS_STRINGS,
    _EMPTY_BODY,
    _LATENCY_FIELDS,
    _LATENCY_INDICATORS,
    _POSTCODE,
    _QUARTERLY_PERIOD_TYPES,
    COUNTRY_CODES,
    PROPERTY_TYPES,
    SELF_EMPLOYMENT,
    TYPES_OF_BUSINESS,
    _date,
    _lookup,
    _nino,
    _raise_if,
    _required_nino,
    _tax_year,
    error,
    item,
    parse_body,
    vendor,
)
from openmtd.emulator.platform.errors import ErrorItem
from openmtd.emulator.platform.gateway import ApiResponse, CallContext
from openmtd.emulator.storage import (
    StoredBusiness,
    Transaction,
)
from openmtd.rules.clock import uk_date
from openmtd.rules.errors import InvalidTaxYearError
from openmtd.rules.tax_year import TaxYear


# --- test businesses ----------------------------------------------------------------------------
def _string_at(body: object, path: str) -> str | None:
    value = _lookup(body, path)
    return value if isinstance(value, str) else None


def _field_formats(body: object) -> list[ErrorItem]:
    """HMRC's first body level: the format of each string field that is present."""
    items: list[ErrorItem] = []

    def check(path: str, valid: Callable[[str], bool], code: str) -> None:
        value = _string_at(body, path)
        if value is not None and not valid(value):
            items.append(item(code, path))

    check("/accountingType", lambda v: v in _ACCOUNTING_TYPES, "FORMAT_ACCOUNTING_TYPE")
    check("/typeOfBusiness", lambda v: v in TYPES_OF_BUSINESS, "FORMAT_TYPE_OF_BUSINESS")
    for path in ("/latencyDetails/latencyIndicator1", "/latencyDetails/latencyIndicator2"):
        check(path, lambda v: v in _LATENCY_INDICATORS, "FORMAT_LATENCY_INDICATOR")
    for path in (
        "/latencyDetails/taxYear1",
        "/latencyDetails/taxYear2",
        "/quarterlyTypeChoice/taxYearOfChoice",
    ):
        value = _string_at(body, path)
        if value is not None:
            _tax_year(value, items, path)
    check("/businessAddressCountryCode", lambda v: v in COUNTRY_CODES, "FORMAT_COUNTRY_CODE")
    check("/businessAddressPostcode", lambda v: bool(_POSTCODE.fullmatch(v)), "FORMAT_POSTCODE")
    for path in (
        "/firstAccountingPeriodStartDate",
        "/firstAccountingPeriodEndDate",
        "/latencyDetails/latencyEndDate",
        "/commencementDate",
        "/cessationDate",
    ):
        check(path, lambda v: _date(v) is not None, "FORMAT_DATE")
    return items


def _pointer(name: str) -> str:
    """A top-level member's JSON pointer (RFC 6901 escapes ``~`` and ``/``)."""
    return "/" + name.replace("~", "~0").replace("/", "~1")


def _business_shape(body: object) -> list[ErrorItem]:
    """HMRC's second body level: the body matches the schema."""
    if not isinstance(body, dict) or not body:
        return [item(_EMPTY_BODY)]
    paths = [_pointer(name) for name in body if name not in _BUSINESS_FIELDS]
    if body.get("typeOfBusiness") is None:
        paths.append("/typeOfBusiness")
    for name in sorted(_BUSINESS_STRINGS):
        if body.get(name) is not None and not isinstance(body[name], str):
            paths.append(f"/{name}")
    latency = body.get("latencyDetails")
    if latency is not None:
        if not isinstance(latency, dict):
            paths.append("/latencyDetails")
        else:
            paths.extend(
                f"/latencyDetails/{name}"
                for name in _LATENCY_FIELDS
                if not isinstance(latency.get(name), str)
            )
    choice = body.get("quarterlyTypeChoice")
    if choice is not None:
        if not isinstance(choice, dict):
            paths.append("/quarterlyTypeChoice")
        else:
            if choice.get("quarterlyPeriodType") not in _QUARTERLY_PERIOD_TYPES:
                paths.append("/quarterlyTypeChoice/quarterlyPeriodType")
            if not isinstance(choice.get("taxYearOfChoice"), str):
                paths.append("/quarterlyTypeChoice/taxYearOfChoice")
    return [item(_EMPTY_BODY, path) for path in paths]


def _one_tax_year(start: date, end: date) -> bool:
    """Whether ``start`` to ``end`` is exactly one tax year, 6 April to 5 April."""
    try:
        tax_year = TaxYear.containing(start)
    except InvalidTaxYearError:  # a year openmtd cannot name, so not one HMRC can either
        return False
    return (tax_year.start, tax_year.end) == (start, end)


def _business_rules(body: Mapping[str, Any], today: date) -> list[ErrorItem]:
    """HMRC's last body level: the rules between fields."""
    kind = body["typeOfBusiness"]
    is_property = kind in PROPERTY_TYPES
    is_self_employment = kind == SELF_EMPLOYMENT
    present = {name for name, value in body.items() if value is not None}
    codes: list[str] = []
    if (
        is_self_employment
        and body.get("businessAddressCountryCode") == "GB"
        and "businessAddressPostcode" not in present
    ):
        codes.append("MISSING_POSTCODE")
    start, end = (
        body.get("firstAccountingPeriodStartDate"),
        body.get("firstAccountingPeriodEndDate"),
    )
    if start is not None and end is not None:
        if not _one_tax_year(date.fromisoformat(start), date.fromisoformat(end)):
            codes.append("RULE_FIRST_ACCOUNTING_DATE_RANGE_INVALID")
    elif end is not None:
        codes.append("MISSING_FIRST_ACCOUNTING_PERIOD_START_DATE")
    elif start is not None:
        codes.append("MISSING_FIRST_ACCOUNTING_PERIOD_END_DATE")
    if is_property and present & set(_ADDRESS_FIELDS):
        codes.append("RULE_UNEXPECTED_BUSINESS_ADDRESS")
    elif (
        is_self_employment
        and not {
            "businessAddressLineOne",
            "businessAddressCountryCode",
        }
        <= present
    ):
        codes.append("RULE_MISSING_BUSINESS_ADDRESS")
    if is_property and "tradingName" in present:
        codes.append("RULE_UNEXPECTED_TRADING_NAME")
    elif is_self_employment and "tradingName" not in present:
        codes.append("RULE_MISSING_TRADING_NAME")
    commencement = body.get("commencementDate")
    if commencement is not None and date.fromisoformat(commencement) >= today:
        codes.append("RULE_COMMENCEMENT_DATE_NOT_SUPPORTED")
    return [item(code) for code in codes]


def _new_business_id(tx: Transaction) -> str:
    taken = {business.business_id for business in tx.sandbox.businesses()}
    while True:
        candidate = "X" + secrets.choice(string.ascii_uppercase) + "IS"
        candidate += "".join(secrets.choice(string.digits) for _ in range(11))
        # Unique among sign-up's income sources too: one Business Details ID space.
        if candidate not in taken and tx.business_details.get(candidate) is None:
            return candidate


def create_business(ctx: CallContext, nino_text: str, raw: bytes) -> ApiResponse:
    """``POST /business/{nino}`` → 201 ``{"businessId"}``."""
    application = vendor(ctx)
    nino = str(_required_nino(nino_text))
    body = parse_body(raw)
    _raise_if(_field_formats(body))
    _raise_if(_business_shape(body))
    assert isinstance(body, dict)
    details = {name: value for name, value in body.items() if value is not None}
    _raise_if(_business_rules(details, uk_date(ctx.now)))
    kind = details["typeOfBusiness"]
    # A property business the person signed up with counts as added (HMRC's own record).
    signed_up = {source.type_of_business for source in ctx.tx.business_details.for_nino(nino)}
    if kind in PROPERTY_TYPES and (
        kind in signed_up
        or any(
            business.type_of_business == kind
            for business in ctx.tx.sandbox.businesses(application_id=application.id, nino=nino)
        )
    ):
        raise error("RULE_PROPERTY_BUSINESS_ADDED")
    business_id = _new_business_id(ctx.tx)
    ctx.tx.sandbox.add_business(
        StoredBusiness(
            business_id=business_id,
            nino=nino,
            application_id=application.id,
            type_of_business=kind,
            details=details,
            created_at=ctx.now,
        )
    )
    return ApiResponse(201, {"businessId": business_id})


def delete_business(ctx: CallContext, nino_text: str, business_id: str) -> ApiResponse:
    """``DELETE /business/{nino}/{businessId}`` → 204."""
    application = vendor(ctx)
    items: list[ErrorItem] = []
    nino = _nino(nino_text, items)
    if not _BUSINESS_ID.fullmatch(business_id):
        items.append(item("FORMAT_BUSINESS_ID"))
    _raise_if(items)
    assert nino is not None
    if not ctx.tx.sandbox.delete_business(application.id, str(nino), business_id):
        raise error("MATCHING_RESOURCE_NOT_FOUND")
    return ApiResponse(204)
