"""Routes: Self Assessment Individual Details (MTD) API, Retrieve ITSA Status (v2.0).

Thin: the path parameters are taken as sent (HMRC's rules are applied by the service), the
query parameters are read here, and :func:`openmtd.emulator.web.api.call` runs the platform's
checks and then :func:`openmtd.emulator.apis.itsa_status.retrieve_itsa_status`.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.apis import itsa_status
from openmtd.emulator.web.api import PlainApiRoute, call

# The hot route: nothing for FastAPI to resolve per call (web/api.py, PlainApiRoute).
router = APIRouter(include_in_schema=False, route_class=PlainApiRoute)


def _first(request: Request, name: str) -> str | None:
    """A query parameter's first value, as Play's binder takes it; None when absent."""
    values = request.query_params.getlist(name)
    return values[0] if values else None


@router.get("/individuals/person/itsa-status/{nino}/{tax_year}")
def retrieve_itsa_status(request: Request, nino: str, tax_year: str) -> Response:
    future_years = _first(request, "futureYears")
    history = _first(request, "history")
    return call(
        request,
        itsa_status.ENDPOINT,
        lambda ctx: itsa_status.retrieve_itsa_status(
            ctx, nino, tax_year, future_years=future_years, history=history
        ),
    )
