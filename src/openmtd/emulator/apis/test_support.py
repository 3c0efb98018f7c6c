"""HMRC's Self Assessment Test Support (MTD) API v1.0, sandbox only.

Context ``individuals/self-assessment-test-support``, ``Accept: application/vnd.hmrc.1.0+json``,
user-restricted: ``write:self-assessment`` on every endpoint except List Checkpoints
(``read:self-assessment``), as the OAS declares. The "vendor" is the calling application.

| Endpoint | Success |
|---|---|
| ``POST /itsa-status/{nino}/{taxYear}`` Create and Amend Test ITSA Status | 204 |
| ``DELETE /vendor-state[?nino=]`` Delete Stateful Test Data | 204 |
| ``POST /vendor-state/checkpoints?nino=`` Create a Checkpoint | 201 ``{"checkpointId"}`` |
| ``GET /vendor-state/checkpoints[?nino=]`` List Checkpoints | 200 ``{"checkpoints": [...]}`` |
| ``DELETE /vendor-state/checkpoints/{checkpointId}`` Delete a Checkpoint | 204 |
| ``POST /vendor-state/checkpoints/{checkpointId}/restore`` Restore to Checkpoint | 201 |
| ``POST /business/{nino}`` Create a Test Business | 201 ``{"businessId"}`` |
| ``DELETE /business/{nino}/{businessId}`` Delete a Test Business | 204 |

Codes and messages are the OAS's (``common/errors.yaml``). Validation runs in HMRC's order
(SATS validators): path and query parameters, then the body's fields in levels, stopping at the
first level that finds anything; every failure found in that level is reported, one alone as
itself, several wrapped in ``INVALID_REQUEST`` sorted by code with shared messages merged.

Create and Amend Test ITSA Status, levels: NINO and tax year → ``status``/``statusReason``
(missing → ``RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED`` with its path; not an allowed value →
``FORMAT_STATUS``/``FORMAT_STATUS_REASON``) → the body's shape (an empty list, a missing
``submittedOn``, a wrong type → ``RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED`` with ``paths``) →
``submittedOn`` (exactly ``YYYY-MM-DDThh:mm:ss.SSSZ``, a real instant) and
``businessIncome2YearsPrior`` (0 to 99999999999.99, 2 decimal places) → ``DUPLICATE_SUBMITTED_ON``.
The enums lag behind the retrieve API, as HMRC's do: ``status`` accepts ``Non Digital`` (stored
as the status it now is, ``Digitally Exempt``) but not ``Digitally Exempt``; ``statusReason``
accepts the 13 reasons with downstream codes 00-12 only.

Choices where HMRC is silent (for docs/emulator.md):

- **No NINO check.** HMRC's service authorises any signed-in user and does not look the NINO up,
  so any NINO that passes HMRC's format rule is accepted, whether or not an account holds it.
  ``CLIENT_OR_AGENT_NOT_AUTHORISED`` (403) is returned only if the token's person no longer
  exists (HMRC: no affinity group), which the emulator cannot otherwise reach.
- **One ITSA history per NINO.** Create and Amend makes the submitted records the whole history
  of that NINO's tax year (recorded as this application's), replacing whatever was there,
  including the sign-up status the Create Test User API gives and another application's
  records. Delete Stateful Test Data deletes only this application's records.
- **Vendor state** is this application's ITSA status records and test businesses (optionally
  for one NINO). Deleting when there is none is 404 ``MATCHING_RESOURCE_NOT_FOUND`` ("no data
  can be found for the given vendor", as the OAS documents). Checkpoints are not vendor state
  and are deleted only one by one, as the OAS says.
- **Checkpoints** copy this application's records and businesses for the NINO (404 when there
  are none). Restoring deletes this application's current records and businesses for the NINO
  and writes the copies back (each restored tax year's history becomes the copied records);
  businesses keep their IDs. A checkpoint belongs to the application that made it; another
  application's checkpoint ID is 404. ``checkpointId`` is a UUID.
- **Test businesses** belong to this application and NINO; ``businessId`` is ``X`` + a capital
  letter + ``IS`` + 11 digits, unique in the emulator. ``RULE_PROPERTY_BUSINESS_ADDED`` applies
  per application and NINO. ``typeOfBusiness`` ``property-unspecified`` counts as a
  property business. Unknown fields are refused (the schema's ``additionalProperties: false``),
  as is a ``quarterlyTypeChoice`` without both fields or with a ``quarterlyPeriodType`` other
  than ``standard``/``calendar`` (``RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED``; the OAS lists no
  code of its own for it). The country code must be one of ISO 3166-1's 249 alpha-2 codes.
- **Bodies that are not JSON objects** are ``RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED`` (no
  paths), reported after the path parameters. ``DELETE vendor-state`` with a malformed ``nino``
  is 400 ``FORMAT_NINO`` (its OAS lists no 400).
- **Field errors carry ``paths``** (JSON pointers) wherever the field is known, including
  ``FORMAT_BUSINESS_INCOME_2_YEARS_PRIOR``, ``FORMAT_POSTCODE`` and ``FORMAT_COUNTRY_CODE``.
- **No 7-day purge.** HMRC deletes test statuses, businesses and checkpoints 7 days after they
  are created; the emulator keeps them until they are deleted through this API or the
  emulator is reset (ITSA status records carry no creation time to purge by).
"""

from __future__ import annotations

import json
import re
import secrets
import string
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Final

from openmtd.emulator.platform.errors import ApiError, ErrorItem, validation_error
from openmtd.emulator.platform.gateway import Access, ApiResponse, CallContext, Endpoint
from openmtd.emulator.storage import (
    Application,
    Checkpoint,
    StoredBusiness,
    StoredStatus,
    Transaction,
)
from openmtd.rules.clock import uk_date
from openmtd.rules.errors import InvalidIdentifierError, InvalidTaxYearError, RuleError
from openmtd.rules.identifiers import Nino
from openmtd.rules.itsa_status import (
    LEGACY_NON_DIGITAL,
    ItsaStatus,
    StatusReason,
    StatusRecord,
)
from openmtd.rules.tax_year import TaxYear

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


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def parse_body(raw: bytes) -> object:
    """The JSON document in a body (numbers with a fraction as exact ``Decimal``)."""
    try:
        return json.loads(raw, parse_float=Decimal, parse_constant=_reject_constant)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are both
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


# --- Create and Amend Test ITSA Status -----------------------------------------------------------
def _details(body: object) -> list[object] | None:
    if not isinstance(body, dict):
        return None
    details = body.get("itsaStatusDetails")
    return details if isinstance(details, list) else None


def _status_values(details: list[object] | None) -> list[ErrorItem]:
    """HMRC's first body level: each entry's status and statusReason."""
    if details is None:
        return [item(_EMPTY_BODY)]
    items = []
    for index, entry in enumerate(details):
        for field, accepted, code in (
            ("status", ACCEPTED_STATUSES, "FORMAT_STATUS"),
            ("statusReason", ACCEPTED_REASONS, "FORMAT_STATUS_REASON"),
        ):
            path = f"/itsaStatusDetails/{index}/{field}"
            value = entry.get(field) if isinstance(entry, dict) else None
            if not isinstance(value, str):
                items.append(item(_EMPTY_BODY, path))
            elif value not in accepted:
                items.append(item(code, path))
    return items


def _status_shape(details: list[object]) -> list[ErrorItem]:
    if not details:
        return [item(_EMPTY_BODY, "/itsaStatusDetails")]
    items = []
    for index, entry in enumerate(details):
        assert isinstance(entry, dict)  # the first level made sure
        if not isinstance(entry.get("submittedOn"), str):
            items.append(item(_EMPTY_BODY, f"/itsaStatusDetails/{index}/submittedOn"))
        income = entry.get("businessIncome2YearsPrior")
        if income is not None and not _is_number(income):
            items.append(item(_EMPTY_BODY, f"/itsaStatusDetails/{index}/businessIncome2YearsPrior"))
    return items


def _income_ok(value: Decimal) -> bool:
    try:
        StatusRecord(_ANY_INSTANT, ItsaStatus.NO_STATUS, StatusReason.COMPLEX, value)
    except RuleError:
        return False
    return True


def _status_values_in_range(details: list[dict[str, Any]]) -> list[ErrorItem]:
    items = []
    for index, entry in enumerate(details):
        if _instant(entry["submittedOn"]) is None:
            items.append(item("FORMAT_SUBMITTED_ON", f"/itsaStatusDetails/{index}/submittedOn"))
        income = entry.get("businessIncome2YearsPrior")
        if income is not None and not _income_ok(Decimal(income)):
            items.append(
                item(
                    "FORMAT_BUSINESS_INCOME_2_YEARS_PRIOR",
                    f"/itsaStatusDetails/{index}/businessIncome2YearsPrior",
                )
            )
    return items


def create_amend_itsa_status(
    ctx: CallContext, nino_text: str, tax_year_text: str, raw: bytes
) -> ApiResponse:
    """``POST /itsa-status/{nino}/{taxYear}``: make the records the NINO's history for the year."""
    application = vendor(ctx)
    items: list[ErrorItem] = []
    nino = _nino(nino_text, items)
    tax_year = _tax_year(tax_year_text, items)
    _raise_if(items)
    assert nino is not None
    assert tax_year is not None
    details = _details(parse_body(raw))
    _raise_if(_status_values(details))
    assert details is not None
    _raise_if(_status_shape(details))
    entries: list[dict[str, Any]] = [entry for entry in details if isinstance(entry, dict)]
    _raise_if(_status_values_in_range(entries))
    submitted = [entry["submittedOn"] for entry in entries]
    if len(set(submitted)) != len(submitted):
        raise error("DUPLICATE_SUBMITTED_ON")
    records = []
    for entry in entries:
        income = entry.get("businessIncome2YearsPrior")
        record = StatusRecord(
            submitted_on=_instant(entry["submittedOn"]) or _ANY_INSTANT,
            status=ItsaStatus.parse(entry["status"]),
            reason=StatusReason.parse(entry["statusReason"]),
            business_income_2_years_prior=None if income is None else Decimal(income),
        )
        records.append(
            StoredStatus(
                nino=str(nino),
                tax_year=str(tax_year),
                submitted_on=record.submitted_on,
                status=record.status.value,
                status_reason=record.reason.value,
                business_income_2_years_prior=record.business_income_2_years_prior,
                application_id=application.id,
            )
        )
    ctx.tx.itsa_statuses.replace_year(str(nino), str(tax_year), records)
    return ApiResponse(204)


# --- vendor state and checkpoints ---------------------------------------------------------------
def delete_vendor_state(ctx: CallContext, nino_text: str | None) -> ApiResponse:
    """``DELETE /vendor-state[?nino=]``: this application's statuses and businesses."""
    application = vendor(ctx)
    nino = _optional_nino(nino_text)
    value = str(nino) if nino else None
    deleted = ctx.tx.itsa_statuses.delete(application_id=application.id, nino=value)
    deleted += ctx.tx.sandbox.delete_businesses(application_id=application.id, nino=value)
    if not deleted:
        raise error("MATCHING_RESOURCE_NOT_FOUND")
    return ApiResponse(204)


def _timestamp(instant: datetime) -> str:
    """``YYYY-MM-DDThh:mm:ss.SSSZ`` in UTC."""
    utc = instant.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _vendor_statuses(tx: Transaction, application_id: int, nino: str) -> list[StoredStatus]:
    return [s for s in tx.itsa_statuses.for_nino(nino) if s.application_id == application_id]


def snapshot(tx: Transaction, application_id: int, nino: str) -> dict[str, Any]:
    """A JSON copy of an application's ITSA status records and test businesses for a NINO."""
    return {
        "statuses": [
            {
                "taxYear": status.tax_year,
                "submittedOn": status.submitted_on.astimezone(UTC).isoformat(),
                "status": status.status,
                "statusReason": status.status_reason,
                "businessIncome2YearsPrior": (
                    None
                    if status.business_income_2_years_prior is None
                    else str(status.business_income_2_years_prior)
                ),
            }
            for status in _vendor_statuses(tx, application_id, nino)
        ],
        "businesses": [
            {
                "businessId": business.business_id,
                "typeOfBusiness": business.type_of_business,
                "details": dict(business.details),
                "createdAt": business.created_at.astimezone(UTC).isoformat(),
            }
            for business in tx.sandbox.businesses(application_id=application_id, nino=nino)
        ],
    }


def create_checkpoint(ctx: CallContext, nino_text: str | None) -> ApiResponse:
    """``POST /vendor-state/checkpoints?nino=``."""
    application = vendor(ctx)
    nino = str(_required_nino(nino_text))
    copy = snapshot(ctx.tx, application.id, nino)
    if not copy["statuses"] and not copy["businesses"]:
        raise error("MATCHING_RESOURCE_NOT_FOUND")
    checkpoint_id = str(uuid.uuid4())
    ctx.tx.sandbox.add_checkpoint(Checkpoint(checkpoint_id, application.id, ctx.now, copy, nino))
    return ApiResponse(201, {"checkpointId": checkpoint_id})


def list_checkpoints(ctx: CallContext, nino_text: str | None) -> ApiResponse:
    """``GET /vendor-state/checkpoints[?nino=]``, oldest first."""
    application = vendor(ctx)
    nino = _optional_nino(nino_text)
    checkpoints = []
    for checkpoint in ctx.tx.sandbox.checkpoints(application.id, str(nino) if nino else None):
        entry = {"checkpointId": checkpoint.checkpoint_id}
        if checkpoint.nino:
            entry["nino"] = checkpoint.nino
        entry["checkpointCreationTimestamp"] = _timestamp(checkpoint.created_at)
        checkpoints.append(entry)
    return ApiResponse(200, {"checkpoints": checkpoints})


def _checkpoint_id(text: str) -> str:
    if not _CHECKPOINT_ID.fullmatch(text):
        raise error("FORMAT_CHECKPOINT_ID")
    return text


def delete_checkpoint(ctx: CallContext, checkpoint_id: str) -> ApiResponse:
    """``DELETE /vendor-state/checkpoints/{checkpointId}``."""
    application = vendor(ctx)
    if not ctx.tx.sandbox.delete_checkpoint(application.id, _checkpoint_id(checkpoint_id)):
        raise error("MATCHING_RESOURCE_NOT_FOUND")
    return ApiResponse(204)


def _restore(tx: Transaction, application_id: int, nino: str, copy: Mapping[str, Any]) -> None:
    tx.itsa_statuses.delete(application_id=application_id, nino=nino)
    tx.sandbox.delete_businesses(application_id=application_id, nino=nino)
    by_year: dict[str, list[StoredStatus]] = {}
    for saved in copy.get("statuses", []):
        income = saved.get("businessIncome2YearsPrior")
        by_year.setdefault(saved["taxYear"], []).append(
            StoredStatus(
                nino=nino,
                tax_year=saved["taxYear"],
                submitted_on=datetime.fromisoformat(saved["submittedOn"]),
                status=saved["status"],
                status_reason=saved["statusReason"],
                business_income_2_years_prior=None if income is None else Decimal(income),
                application_id=application_id,
            )
        )
    for tax_year, records in by_year.items():
        tx.itsa_statuses.replace_year(nino, tax_year, records)
    for saved in copy.get("businesses", []):
        tx.sandbox.add_business(
            StoredBusiness(
                business_id=saved["businessId"],
                nino=nino,
                application_id=application_id,
                type_of_business=saved["typeOfBusiness"],
                details=saved["details"],
                created_at=datetime.fromisoformat(saved["createdAt"]),
            )
        )


def restore_checkpoint(ctx: CallContext, checkpoint_id: str) -> ApiResponse:
    """``POST /vendor-state/checkpoints/{checkpointId}/restore`` → 201, no body."""
    application = vendor(ctx)
    checkpoint = ctx.tx.sandbox.get_checkpoint(application.id, _checkpoint_id(checkpoint_id))
    if checkpoint is None or checkpoint.nino is None:
        raise error("MATCHING_RESOURCE_NOT_FOUND")
    _restore(ctx.tx, application.id, checkpoint.nino, checkpoint.snapshot)
    return ApiResponse(201)


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
        if candidate not in taken:
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
    if kind in PROPERTY_TYPES and any(
        business.type_of_business == kind
        for business in ctx.tx.sandbox.businesses(application_id=application.id, nino=nino)
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
