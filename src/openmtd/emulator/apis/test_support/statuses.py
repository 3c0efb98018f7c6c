"""Create and Amend Test ITSA Status."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from openmtd.emulator.apis.test_support.common import (
    _ANY_INSTANT,
    _EMPTY_BODY,
    ACCEPTED_REASONS,
    ACCEPTED_STATUSES,
    _instant,
    _is_number,
    _nino,
    _raise_if,
    _tax_year,
    error,
    item,
    parse_body,
    vendor,
)
from openmtd.emulator.platform.errors import ErrorItem
from openmtd.emulator.platform.gateway import ApiResponse, CallContext
from openmtd.emulator.storage import (
    StoredStatus,
)
from openmtd.rules.errors import RuleError
from openmtd.rules.itsa_status import (
    ItsaStatus,
    StatusReason,
    StatusRecord,
)


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
