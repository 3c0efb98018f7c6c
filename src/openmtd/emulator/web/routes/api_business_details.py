"""Routes: Business Details (MTD) API v2.0, List All Businesses and Retrieve Business Details.

Thin: the path parameters are taken as sent (HMRC's rules are applied by the service) and
:func:`openmtd.emulator.web.api.call` runs the platform's checks and then
:mod:`openmtd.emulator.apis.business_details`. The list route comes first, so ``list`` is never
read as a business ID.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.apis import business_details
from openmtd.emulator.web.api import call

router = APIRouter(include_in_schema=False)


@router.get("/individuals/business/details/{nino}/list")
def list_all_businesses(request: Request, nino: str) -> Response:
    return call(
        request,
        business_details.LIST,
        lambda ctx: business_details.list_all_businesses(ctx, nino),
    )


@router.get("/individuals/business/details/{nino}/{business_id}")
def retrieve_business_details(request: Request, nino: str, business_id: str) -> Response:
    return call(
        request,
        business_details.RETRIEVE,
        lambda ctx: business_details.retrieve_business_details(ctx, nino, business_id),
    )
