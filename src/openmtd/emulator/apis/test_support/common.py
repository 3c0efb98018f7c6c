"""The Self Assessment Test Support API's endpoints, codes, messages and formats, and the
parsing its endpoints share."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Final

from openmtd.emulator.platform.errors import ApiError, ErrorItem, validation_error
from openmtd.emulator.platform.gateway import Access, CallContext, Endpoint
from openmtd.emulator.storage import (
    Application,
)
from openmtd.rules.errors import InvalidIdentifierError, InvalidTaxYearError
from openmtd.rules.identifiers import Nino
from openmtd.rules.itsa_status import (
    LEGACY_NON_DIGITAL,
    ItsaStatus,
    StatusReason,
)
from openmtd.rules.tax_year import TaxYear
from openmtd.webkit.wire import BodyError, decode_json

API: Final = "self-assessment-test-support"
_VERSIONS: Final = frozenset({"1.0"})
_WRITE: Final = "write:self-assessment"
_READ: Final = "read:self-assessment"


def _endpoint(name: str, scope: str = _WRITE) -> Endpoint:
    return Endpoint(API, _VERSIONS, Access.USER, scope=scope, name=name)


CREATE_AMEND_ITSA_STATUS: Final = _endpoint("Create and Amend Test ITSA Status")
DELETE_VENDOR_STATE: Final = _endpoint("Delete Stateful Test Data")
CREATE_CHECKPOINT: Final = _endpoint("Create a Checkpoint")
LIST_CHECKPOINTS: Final = _endpoint("List Checkpoints", _READ)
DELETE_CHECKPOINT: Final = _endpoint("Delete a Checkpoint")
RESTORE_CHECKPOINT: Final = _endpoint("Restore to Checkpoint")
CREATE_BUSINESS: Final = _endpoint("Create a Test Business")
DELETE_BUSINESS: Final = _endpoint("Delete a Test Business")

#: HMRC's messages for this API's codes (the OAS ``common/errors.yaml``).
MESSAGES: Final[dict[str, str]] = {
    "FORMAT_NINO": "The provided NINO is invalid",
    "FORMAT_CHECKPOINT_ID": "The provided checkpoint ID is invalid",
    "FORMAT_TYPE_OF_BUSINESS": "The provided typeOfBusiness field is invalid",
    "FORMAT_TAX_YEAR": "The provided tax year is invalid",
    "FORMAT_BUSINESS_ID": "The provided Business ID is invalid",
    "FORMAT_DATE": "The supplied date format is not valid",
    "FORMAT_ACCOUNTING_TYPE": "The provided accountingType field is invalid",
    "FORMAT_POSTCODE": "The provided businessAddressPostcode is invalid",
    "FORMAT_LATENCY_INDICATOR": "The format of a latency indicator field is incorrect",
    "FORMAT_COUNTRY_CODE": "The provided country code is invalid",
    "MISSING_POSTCODE": "Missing postcode",
    "RULE_COMMENCEMENT_DATE_NOT_SUPPORTED": "The specified commencementDate must be in the past",
    "RULE_PROPERTY_BUSINESS_ADDED": "The provided property business is already added",
    "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED": "An empty or non-matching body was submitted",
    "RULE_TAX_YEAR_RANGE_INVALID": "The tax year range is invalid",
    "MISSING_FIRST_ACCOUNTING_PERIOD_START_DATE": "Missing firstAccountingPeriodStartDate value",
    "MISSING_FIRST_ACCOUNTING_PERIOD_END_DATE": "Missing firstAccountingPeriodEndDate value",
    "RULE_FIRST_ACCOUNTING_DATE_RANGE_INVALID": (
        "The first accounting period is not a single complete tax year"
    ),
    "RULE_UNEXPECTED_BUSINESS_ADDRESS": "Unexpected businessAddress provided for property business",
    "RULE_MISSING_BUSINESS_ADDRESS": (
        "businessAddress not provided for the self-employment business"
    ),
    "RULE_UNEXPECTED_TRADING_NAME": "Unexpected tradingName provided for property business",
    "RULE_MISSING_TRADING_NAME": "tradingName not provided for the self-employment business",
    "FORMAT_STATUS": "The provided status is invalid",
    "FORMAT_STATUS_REASON": "The provided status reason is invalid",
    "FORMAT_BUSINESS_INCOME_2_YEARS_PRIOR": "The provided business Income 2 Years Prior is invalid",
    "FORMAT_SUBMITTED_ON": "The provided submitted on date is invalid",
    "DUPLICATE_SUBMITTED_ON": "The provided submittedOn values are not unique",
    "CLIENT_OR_AGENT_NOT_AUTHORISED": "The client and/or agent is not authorised",
    "MATCHING_RESOURCE_NOT_FOUND": "Matching resource not found",
}
_STATUS_CODES: Final = {"CLIENT_OR_AGENT_NOT_AUTHORISED": 403, "MATCHING_RESOURCE_NOT_FOUND": 404}

_EMPTY_BODY: Final = "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED"

#: ``status`` values this API accepts: not ``Digitally Exempt``, but the older ``Non Digital``.
ACCEPTED_STATUSES: Final = tuple(
    LEGACY_NON_DIGITAL if status is ItsaStatus.DIGITALLY_EXEMPT else status.value
    for status in ItsaStatus
)
#: ``statusReason`` values this API accepts: downstream codes 00 to 12.
ACCEPTED_REASONS: Final = tuple(reason.value for reason in list(StatusReason)[:13])

_SUBMITTED_ON: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z"
)
_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CHECKPOINT_ID: Final = re.compile(r"[A-Za-z0-9\-]{36}")
_BUSINESS_ID: Final = re.compile(r"X[A-Z0-9]IS[0-9]{11}")
# HMRC's postcode rule (the OAS schema), with Java's ASCII-only \s.
_POSTCODE: Final = re.compile(
    r"[A-Z]{1,2}[0-9][0-9A-Z]?[ \t\n\x0b\f\r]?[0-9][A-Z]{2}|BFPO[ \t\n\x0b\f\r]?[0-9]{1,10}"
)
#: ISO 3166-1 alpha-2: the 249 officially assigned codes.
_ISO_3166_ALPHA_2: Final = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
"""
COUNTRY_CODES: Final = frozenset(_ISO_3166_ALPHA_2.split())

SELF_EMPLOYMENT: Final = "self-employment"
PROPERTY_TYPES: Final = frozenset({"uk-property", "foreign-property", "property-unspecified"})
TYPES_OF_BUSINESS: Final = (
    SELF_EMPLOYMENT,
    "uk-property",
    "foreign-property",
    "property-unspecified",
)
_ACCOUNTING_TYPES: Final = ("CASH", "ACCRUALS")
_LATENCY_INDICATORS: Final = ("A", "Q")
_QUARTERLY_PERIOD_TYPES: Final = ("standard", "calendar")
_ADDRESS_FIELDS: Final = (
    "businessAddressLineOne",
    "businessAddressLineTwo",
    "businessAddressLineThree",
    "businessAddressLineFour",
    "businessAddressPostcode",
    "businessAddressCountryCode",
)
_BUSINESS_STRINGS: Final = frozenset(
    {
        "typeOfBusiness",
        "tradingName",
        "firstAccountingPeriodStartDate",
        "firstAccountingPeriodEndDate",
        "accountingType",
        "commencementDate",
        "cessationDate",
        *_ADDRESS_FIELDS,
    }
)
_LATENCY_FIELDS: Final = (
    "latencyEndDate",
    "taxYear1",
    "latencyIndicator1",
    "taxYear2",
    "latencyIndicator2",
)
_BUSINESS_FIELDS: Final = _BUSINESS_STRINGS | {"latencyDetails", "quarterlyTypeChoice"}
# Any instant: StatusRecord needs one to check an income on its own.
_ANY_INSTANT: Final = datetime(2000, 1, 1, tzinfo=UTC)


# --- errors -------------------------------------------------------------------------------------
def item(code: str, path: str | None = None) -> ErrorItem:
    """One of this API's errors, with HMRC's message and an optional JSON-pointer path."""
    return ErrorItem(code, MESSAGES[code], (path,) if path is not None else None)


def error(code: str) -> ApiError:
    """One of this API's errors on its own, with its HTTP status."""
    return ApiError(_STATUS_CODES.get(code, 400), code, MESSAGES[code])


def _raise_if(items: Sequence[ErrorItem]) -> None:
    if items:
        raise validation_error(400, items)


# --- shared parsing -----------------------------------------------------------------------------
class _NotJson:
    """A body that is not a JSON document."""


_NOT_JSON: Final = _NotJson()


def parse_body(raw: bytes) -> object:
    """The JSON document in a body (numbers with a fraction as exact ``Decimal``), decoded and
    bounded by :func:`openmtd.webkit.wire.decode_json`; anything it refuses is not JSON (the
    caller's ``RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED``)."""
    try:
        return decode_json(raw, exact_fractions=True)
    except BodyError:
        return _NOT_JSON


def _nino(text: str, items: list[ErrorItem]) -> Nino | None:
    try:
        return Nino.parse_wire(text)
    except InvalidIdentifierError:
        items.append(item("FORMAT_NINO"))
        return None


def _required_nino(text: str | None) -> Nino:
    if text is None:
        raise error("FORMAT_NINO")
    try:
        return Nino.parse_wire(text)
    except InvalidIdentifierError:
        raise error("FORMAT_NINO") from None


def _optional_nino(text: str | None) -> Nino | None:
    return None if text is None else _required_nino(text)


def _tax_year(text: str, items: list[ErrorItem], path: str | None = None) -> TaxYear | None:
    try:
        return TaxYear.parse(text)
    except InvalidTaxYearError as problem:
        items.append(item(problem.code, path))
        return None


def vendor(ctx: CallContext) -> Application:
    """The calling application, whose test data this is; HMRC authorises any signed-in user
    with an affinity group, so only a token whose person is gone is refused."""
    if ctx.application is None or ctx.account is None:
        raise error("CLIENT_OR_AGENT_NOT_AUTHORISED")
    return ctx.application


def _lookup(body: object, path: str) -> object:
    value = body
    for part in path.strip("/").split("/"):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _is_number(value: object) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def _instant(text: str) -> datetime | None:
    if not _SUBMITTED_ON.fullmatch(text):
        return None
    try:
        return datetime.fromisoformat(text[:-1] + "+00:00")
    except ValueError:
        return None


def _date(text: str) -> date | None:
    if not _DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
