"""Routes: the control API's agent facts (``POST /emulator/people/{nino}/legacy-sa-agents``),
in the control API's style: the body read here, parsed by
:mod:`openmtd.emulator.control.legacy_sa`, JSON answers and the control envelope for every
refusal. Included with the rest of the control API only when it is on."""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openmtd.emulator.control import ControlError
from openmtd.emulator.control.legacy_sa import add_legacy_sa_agent
from openmtd.emulator.web.context import services_of

router = APIRouter(prefix="/emulator", tags=["emulator control"])

_NO_STORE: Final = {"Cache-Control": "no-store"}


def _add(request: Request, nino: str, raw: bytes) -> Response:
    services = services_of(request)
    try:
        with services.store.transaction() as tx:
            body = add_legacy_sa_agent(tx, services.clock.now_in(tx), nino, raw)
    except ControlError as error:
        return JSONResponse(error.body, status_code=error.status_code, headers=_NO_STORE)
    return JSONResponse(body, status_code=201, headers=_NO_STORE)


@router.post("/people/{nino}/legacy-sa-agents", summary="Add a legacy Self Assessment agent link")
async def add_legacy_sa_agent_link(request: Request, nino: str) -> Response:
    raw = await request.body()
    return await run_in_threadpool(_add, request, nino, raw)
