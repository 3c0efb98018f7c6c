"""Routes: HMRC's Create Test User API v1.0 (``openmtd.emulator.apis.test_users``).

Thin: read the body, run the service behind the API platform (``web/api.call``), render.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.apis import test_users
from openmtd.emulator.web.api import call
from openmtd.emulator.web.context import services_of

router = APIRouter(prefix="/create-test-user", tags=["Create Test User API"])


@router.post("/individuals", summary="Create a test user which is an individual")
async def create_individual(request: Request) -> Response:
    raw = await request.body()
    hasher = services_of(request).hasher
    return await run_in_threadpool(
        call,
        request,
        test_users.INDIVIDUALS,
        lambda ctx: test_users.create_individual(ctx, hasher, raw),
    )


@router.post("/organisations", summary="Create a test user which is an organisation")
async def create_organisation(request: Request) -> Response:
    raw = await request.body()
    hasher = services_of(request).hasher
    return await run_in_threadpool(
        call,
        request,
        test_users.ORGANISATIONS,
        lambda ctx: test_users.create_organisation(ctx, hasher, raw),
    )


@router.post("/agents", summary="Create a test user which is an agent")
async def create_agent(request: Request) -> Response:
    raw = await request.body()
    hasher = services_of(request).hasher
    return await run_in_threadpool(
        call, request, test_users.AGENTS, lambda ctx: test_users.create_agent(ctx, hasher, raw)
    )


@router.get("/services", summary="Get available services")
def services(request: Request) -> Response:
    return call(request, test_users.SERVICES, test_users.list_services)
