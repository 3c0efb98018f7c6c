"""Routes: the control API's obligations fact (``POST /emulator/obligations/{nino}/fulfil``),
in the control API's style: the body read here, parsed by
:mod:`openmtd.emulator.control.obligations`, a JSON answer and the control envelope for every
refusal. Included with the rest of the control API only when it is on."""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openmtd.emulator.control import ControlError
from openmtd.emulator.control import obligations as control_obligations
from openmtd.emulator.web.context import services_of

router = APIRouter(prefix="/emulator", tags=["emulator control"])

_NO_STORE: Final = {"Cache-Control": "no-store"}


def _fulfil(request: Request, nino: str, raw: bytes) -> Response:
    services = services_of(request)
    try:
        with services.store.transaction() as tx:
            body = control_obligations.fulfil(tx, services.clock.now_in(tx), nino, raw)
    except ControlError as error:
        return JSONResponse(error.body, status_code=error.status_code, headers=_NO_STORE)
    return JSONResponse(body, headers=_NO_STORE)


@router.post("/obligations/{nino}/fulfil", summary="Mark an obligation fulfilled")
async def fulfil(request: Request, nino: str) -> Response:
    raw = await request.body()
    return await run_in_threadpool(_fulfil, request, nino, raw)
