"""Routes: the control API's sign-up facts (``PUT /emulator/people/{nino}/eligibility``,
``POST /emulator/returns/{nino}/{taxYear}``), in the control API's style: the body read here,
parsed by :mod:`openmtd.emulator.control.people`, JSON answers and the control envelope for
every refusal. Included with the rest of the control API only when it is on."""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openmtd.emulator.control import ControlError, people
from openmtd.emulator.web.context import services_of

router = APIRouter(prefix="/emulator", tags=["emulator control"])

_NO_STORE: Final = {"Cache-Control": "no-store"}


def _answer(body: dict[str, Any], status_code: int = 200) -> Response:
    return JSONResponse(body, status_code=status_code, headers=_NO_STORE)


def _set_eligibility(request: Request, nino: str, raw: bytes) -> Response:
    services = services_of(request)
    try:
        with services.store.transaction() as tx:
            body = people.set_eligibility(tx, services.clock.now_in(tx), nino, raw)
    except ControlError as error:
        return _answer(error.body, error.status_code)
    return _answer(body)


@router.put("/people/{nino}/eligibility", summary="Set a person's sign-up eligibility")
async def set_eligibility(request: Request, nino: str) -> Response:
    raw = await request.body()
    return await run_in_threadpool(_set_eligibility, request, nino, raw)


def _record_return(request: Request, nino: str, tax_year: str, raw: bytes) -> Response:
    services = services_of(request)
    try:
        with services.store.transaction() as tx:
            body = people.record_return(tx, services.clock.now_in(tx), nino, tax_year, raw)
    except ControlError as error:
        return _answer(error.body, error.status_code)
    return _answer(body, 201)


@router.post("/returns/{nino}/{tax_year}", summary="Record a return on file")
async def record_return(request: Request, nino: str, tax_year: str) -> Response:
    raw = await request.body()
    return await run_in_threadpool(_record_return, request, nino, tax_year, raw)
