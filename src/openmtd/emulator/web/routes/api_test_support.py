"""Routes: HMRC's Self Assessment Test Support (MTD) API v1.0
(``openmtd.emulator.apis.test_support``).

Thin: path parameters arrive as plain strings and query parameters are read from the request,
so HMRC's own rules (in the service) judge them; bodies are read raw. Each call runs behind the
API platform (``web/api.call``).
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.apis import test_support as sats
from openmtd.emulator.web.api import call

router = APIRouter(
    prefix="/individuals/self-assessment-test-support",
    tags=["Self Assessment Test Support API"],
)


def _nino_query(request: Request) -> str | None:
    return request.query_params.get("nino")


@router.post("/itsa-status/{nino}/{tax_year}", summary="Create and Amend Test ITSA Status")
async def create_amend_itsa_status(request: Request, nino: str, tax_year: str) -> Response:
    raw = await request.body()
    return await run_in_threadpool(
        call,
        request,
        sats.CREATE_AMEND_ITSA_STATUS,
        lambda ctx: sats.create_amend_itsa_status(ctx, nino, tax_year, raw),
    )


@router.delete("/vendor-state", summary="Delete Stateful Test Data")
def delete_vendor_state(request: Request) -> Response:
    nino = _nino_query(request)
    return call(request, sats.DELETE_VENDOR_STATE, lambda ctx: sats.delete_vendor_state(ctx, nino))


@router.post("/vendor-state/checkpoints", summary="Create a Checkpoint")
def create_checkpoint(request: Request) -> Response:
    nino = _nino_query(request)
    return call(request, sats.CREATE_CHECKPOINT, lambda ctx: sats.create_checkpoint(ctx, nino))


@router.get("/vendor-state/checkpoints", summary="List Checkpoints")
def list_checkpoints(request: Request) -> Response:
    nino = _nino_query(request)
    return call(request, sats.LIST_CHECKPOINTS, lambda ctx: sats.list_checkpoints(ctx, nino))


@router.delete("/vendor-state/checkpoints/{checkpoint_id}", summary="Delete a Checkpoint")
def delete_checkpoint(request: Request, checkpoint_id: str) -> Response:
    return call(
        request,
        sats.DELETE_CHECKPOINT,
        lambda ctx: sats.delete_checkpoint(ctx, checkpoint_id),
    )


@router.post("/vendor-state/checkpoints/{checkpoint_id}/restore", summary="Restore to Checkpoint")
def restore_checkpoint(request: Request, checkpoint_id: str) -> Response:
    return call(
        request,
        sats.RESTORE_CHECKPOINT,
        lambda ctx: sats.restore_checkpoint(ctx, checkpoint_id),
    )


@router.post("/business/{nino}", summary="Create a Test Business")
async def create_business(request: Request, nino: str) -> Response:
    raw = await request.body()
    return await run_in_threadpool(
        call, request, sats.CREATE_BUSINESS, lambda ctx: sats.create_business(ctx, nino, raw)
    )


@router.delete("/business/{nino}/{business_id}", summary="Delete a Test Business")
def delete_business(request: Request, nino: str, business_id: str) -> Response:
    return call(
        request,
        sats.DELETE_BUSINESS,
        lambda ctx: sats.delete_business(ctx, nino, business_id),
    )
