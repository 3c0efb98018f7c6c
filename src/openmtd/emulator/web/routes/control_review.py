"""Routes: the control API's annual review at scale (``POST /emulator/annual-review/{taxYear}``,
``POST /emulator/population``), in the control API's style: the body read here, parsed by
:mod:`openmtd.emulator.control.annual_review`, JSON answers and the control envelope for every
refusal, one transaction each (a refused population writes nothing). Included with the rest of
the control API only when it is on."""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openmtd.emulator.control import ControlError
from openmtd.emulator.control import annual_review as control
from openmtd.emulator.web.context import services_of

router = APIRouter(prefix="/emulator", tags=["emulator control"])

_NO_STORE: Final = {"Cache-Control": "no-store"}


def _answer(body: dict[str, Any], status_code: int = 200) -> Response:
    return JSONResponse(body, status_code=status_code, headers=_NO_STORE)


def _review(request: Request, tax_year: str, raw: bytes) -> Response:
    services = services_of(request)
    try:
        with services.store.transaction() as tx:
            body = control.review(tx, services.clock.now_in(tx), tax_year, raw)
    except ControlError as error:
        return _answer(error.body, error.status_code)
    return _answer(body)


@router.post("/annual-review/{tax_year}", summary="Review every customer's ITSA status")
async def review(request: Request, tax_year: str) -> Response:
    raw = await request.body()
    return await run_in_threadpool(_review, request, tax_year, raw)


def _population(request: Request, raw: bytes) -> Response:
    services = services_of(request)
    try:
        with services.store.transaction() as tx:
            body = control.create_population(tx, services.clock.now_in(tx), raw)
    except ControlError as error:
        return _answer(error.body, error.status_code)
    return _answer(body, 201)


@router.post("/population", summary="Create a synthetic population")
async def create_population(request: Request) -> Response:
    raw = await request.body()
    return await run_in_threadpool(_population, request, raw)
