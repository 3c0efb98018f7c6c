"""Delete Stateful Test Data and the checkpoints: copies of a vendor's test data."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from openmtd.emulator.apis.test_support.common import (
    _CHECKPOINT_ID,
    _optional_nino,
    _required_nino,
    error,
    vendor,
)
from openmtd.emulator.platform.gateway import ApiResponse, CallContext
from openmtd.emulator.storage import (
    Checkpoint,
    StoredBusiness,
    StoredStatus,
    Transaction,
)


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
