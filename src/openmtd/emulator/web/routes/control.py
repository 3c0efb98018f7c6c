"""Routes: the emulator's control API (JSON) for automated tests.

``POST /emulator/applications``, ``POST /emulator/oauth/grant``, ``GET|POST /emulator/clock``
and ``POST /emulator/reset``. Thin: read the body, call :mod:`openmtd.emulator.control`,
answer JSON. Bodies are parsed there (never by FastAPI), so a bad one is always a 400 in the
control API's envelope. ``create_app`` includes this router only when
``settings.control_enabled``; without it every path here is HMRC's gateway 404.
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openmtd.emulator import control
from openmtd.emulator.control import ControlError
from openmtd.emulator.web.context import services_of

router = APIRouter(prefix="/emulator", tags=["emulator control"])

# Answers can carry client secrets and codes: never cache them.
_NO_STORE: Final = {"Cache-Control": "no-store"}


def _json_body(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI description of a JSON body that the route parses itself."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema(by_alias=True)}},
        }
    }


def _answer(body: dict[str, Any], status_code: int = 200) -> Response:
    return JSONResponse(body, status_code=status_code, headers=_NO_STORE)


def _refused(error: ControlError) -> Response:
    return _answer(error.body, error.status_code)


def _create_application(request: Request, raw: bytes) -> Response:
    services = services_of(request)
    try:
        parsed = control.parse_application(control.parse_json(raw))
        with services.store.transaction() as tx:
            created = control.create_application(tx, services.clock.now_in(tx), parsed)
    except ControlError as error:
        return _refused(error)
    return _answer(created, 201)


@router.post(
    "/applications",
    status_code=201,
    summary="Register a Developer Hub application",
    openapi_extra=_json_body(control.ApplicationRequest),
)
async def create_application(request: Request) -> Response:
    raw = await request.body()
    return await run_in_threadpool(_create_application, request, raw)


def _grant(request: Request, raw: bytes) -> Response:
    services = services_of(request)
    try:
        parsed = control.parse_grant(control.parse_json(raw))
    except ControlError as error:
        return _refused(error)
    # A failure is returned, not raised, so the transaction commits the attempts it counted.
    with services.store.transaction() as tx:
        result = control.headless_grant(tx, services.hasher, services.clock.now_in(tx), parsed)
    if isinstance(result, ControlError):
        return _refused(result)
    return _answer(result.body())


@router.post(
    "/oauth/grant",
    summary="Run the grant-authority journey without a browser",
    openapi_extra=_json_body(control.GrantRequest),
)
async def grant(request: Request) -> Response:
    raw = await request.body()
    return await run_in_threadpool(_grant, request, raw)


def _read_clock(request: Request) -> Response:
    return _answer(control.read_clock(services_of(request).clock))


@router.get("/clock", summary="The emulator's time")
async def read_clock(request: Request) -> Response:
    return await run_in_threadpool(_read_clock, request)


def _change_clock(request: Request, raw: bytes) -> Response:
    try:
        change = control.parse_clock(control.parse_json(raw))
        return _answer(control.change_clock(services_of(request).clock, change))
    except ControlError as error:
        return _refused(error)


@router.post(
    "/clock",
    summary="Set or move the emulator's time",
    openapi_extra=_json_body(control.ClockRequest),
)
async def change_clock(request: Request) -> Response:
    raw = await request.body()
    return await run_in_threadpool(_change_clock, request, raw)


def _reset(request: Request) -> Response:
    control.reset(services_of(request).store)
    return Response(status_code=204)


@router.post("/reset", status_code=204, summary="Empty the emulator's world")
async def reset(request: Request) -> Response:
    return await run_in_threadpool(_reset, request)
