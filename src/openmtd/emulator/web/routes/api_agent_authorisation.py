"""Routes: HMRC's Agent Authorisation API v1.0/v2.0 (``openmtd.emulator.apis.
agent_authorisation``) and Agent Authorisation Test Support API v1.0
(``openmtd.emulator.apis.test_support.agent_authorisation``).

Thin: path parameters arrive as plain strings and bodies raw, so HMRC's rules (in the services)
judge them; each call runs behind the API platform (``web/api.call``). The client's link in an
answer is on this emulator's own origin, as the agency's pages give it.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.apis import agent_authorisation as aa
from openmtd.emulator.apis.agent_authorisation import relationships, requests
from openmtd.emulator.apis.test_support import agent_authorisation as aats
from openmtd.emulator.web.api import call

router = APIRouter(include_in_schema=False)


def _origin(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.post("/agents/{arn}/invitations")
async def create_invitation(request: Request, arn: str) -> Response:
    raw = await request.body()
    return await run_in_threadpool(
        call, request, aa.CREATE_INVITATION, lambda ctx: requests.create(ctx, arn, raw)
    )


@router.get("/agents/{arn}/invitations")
def get_invitations(request: Request, arn: str) -> Response:
    origin = _origin(request)
    return call(request, aa.GET_INVITATIONS, lambda ctx: requests.list_requests(ctx, arn, origin))


@router.get("/agents/{arn}/invitations/{invitation_id}")
def get_invitation(request: Request, arn: str, invitation_id: str) -> Response:
    origin = _origin(request)
    return call(
        request,
        aa.GET_INVITATION,
        lambda ctx: requests.get(ctx, arn, invitation_id, origin),
    )


@router.delete("/agents/{arn}/invitations/{invitation_id}")
def cancel_invitation(request: Request, arn: str, invitation_id: str) -> Response:
    return call(request, aa.CANCEL_INVITATION, lambda ctx: requests.cancel(ctx, arn, invitation_id))


@router.post("/agents/{arn}/relationships")
async def check_relationship(request: Request, arn: str) -> Response:
    raw = await request.body()
    return await run_in_threadpool(
        call, request, aa.CHECK_RELATIONSHIP, lambda ctx: relationships.check(ctx, arn, raw)
    )


@router.put("/agents/{arn}/deauthorise-client")
async def deauthorise_client(request: Request, arn: str) -> Response:
    raw = await request.body()
    return await run_in_threadpool(
        call,
        request,
        aa.DEAUTHORISE_CLIENT,
        lambda ctx: relationships.deauthorise(ctx, arn, raw),
    )


# --- Agent Authorisation Test Support ------------------------------------------------------


@router.put(aats.PREFIX + "/invitations/{invitation_id}")
def accept_invitation(request: Request, invitation_id: str) -> Response:
    return call(request, aats.ACCEPT, lambda ctx: aats.accept_invitation(ctx, invitation_id))


@router.delete(aats.PREFIX + "/invitations/{invitation_id}")
def reject_invitation(request: Request, invitation_id: str) -> Response:
    return call(request, aats.REJECT, lambda ctx: aats.reject_invitation(ctx, invitation_id))


@router.get(aats.PREFIX + "/known-facts/mtd-it/nino/{nino}")
def mtd_it_known_fact(request: Request, nino: str) -> Response:
    return call(request, aats.KNOWN_FACT, lambda ctx: aats.mtd_it_known_fact(ctx, nino))
