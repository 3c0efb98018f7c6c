"""Routes: Obligations (MTD) API v3.0, income and expenditure and final declaration
obligations.

Thin: the path NINO is taken as sent, each query parameter's first value is read here (as
Play's binder takes it) and :func:`openmtd.emulator.web.api.call` runs the platform's checks
and then :mod:`openmtd.emulator.apis.obligations`.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.apis import obligations
from openmtd.emulator.web.api import call

router = APIRouter(include_in_schema=False)


def _firsts(request: Request, names: Iterable[str]) -> dict[str, str | None]:
    firsts: dict[str, str | None] = {}
    for name in names:
        values = request.query_params.getlist(name)
        firsts[name] = values[0] if values else None
    return firsts


@router.get("/obligations/details/{nino}/income-and-expenditure")
def income_and_expenditure(request: Request, nino: str) -> Response:
    params = _firsts(request, obligations.INCOME_AND_EXPENDITURE_PARAMETERS)
    return call(
        request,
        obligations.INCOME_AND_EXPENDITURE,
        lambda ctx: obligations.retrieve_income_and_expenditure(ctx, nino, params),
    )


@router.get("/obligations/details/{nino}/crystallisation")
def final_declaration(request: Request, nino: str) -> Response:
    params = _firsts(request, obligations.FINAL_DECLARATION_PARAMETERS)
    return call(
        request,
        obligations.FINAL_DECLARATION,
        lambda ctx: obligations.retrieve_final_declaration(ctx, nino, params),
    )
