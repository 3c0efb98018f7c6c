"""The Obligations API's two endpoints, each in the order Retrieve ITSA Status runs its checks
(wire facts §1.4), after the platform's gateway:

1. the NINO (400 ``FORMAT_NINO``), the MTDITID lookup and who may act for the customer (403):
   :func:`openmtd.emulator.platform.authorisation.authorise` (supporting agents may, §5);
2. the query parameters (400s, :mod:`.query`);
3. ``Gov-Test-Scenario`` (:mod:`.scenarios`; no header answers from state);
4. from state (:mod:`.state`): 404 ``MATCHING_RESOURCE_NOT_FOUND`` when the customer has no
   obligation of the kind at all, 404 ``NO_OBLIGATIONS_FOUND`` when the filter leaves none
   (a choice, UNCONFIRMED).

Income and expenditure answers each business with its obligations that pass the filter
(businesses in the order Business Details lists them, periods by end date); the final
declaration answers the obligations of the years asked for, by year.
"""

from __future__ import annotations

from collections.abc import Mapping

from openmtd.emulator.apis.obligations import common as c
from openmtd.emulator.apis.obligations import scenarios, state
from openmtd.emulator.apis.obligations.query import (
    final_declaration_query,
    income_and_expenditure_query,
)
from openmtd.emulator.platform.authorisation import authorise
from openmtd.emulator.platform.errors import ApiError
from openmtd.emulator.platform.gateway import ApiResponse, CallContext
from openmtd.rules.agents import Operation
from openmtd.rules.clock import uk_date
from openmtd.rules.tax_year import TaxYear


def retrieve_income_and_expenditure(
    ctx: CallContext, nino: str, params: Mapping[str, str | None]
) -> ApiResponse:
    """``GET /obligations/details/{nino}/income-and-expenditure``."""
    client = authorise(ctx, nino, Operation.RETRIEVE_INCOME_AND_EXPENDITURE_OBLIGATIONS)
    today = uk_date(ctx.now)
    query = income_and_expenditure_query(params, today)
    scenario = ctx.headers.get(c.SCENARIO_HEADER)
    if scenario is not None:
        return ApiResponse(200, scenarios.income_and_expenditure(scenario, today))
    assert ctx.application is not None  # user-restricted: the gateway found it
    held = state.quarterly(ctx.tx, client.nino, ctx.application.id, TaxYear.containing(today))
    if not held:
        raise ApiError.of(c.MATCHING_RESOURCE_NOT_FOUND)
    answer = []
    for business in held:
        if query.type_of_business not in (None, business.source.type_of_business):
            continue
        if query.business_id not in (None, business.source.business_id):
            continue
        wanted = tuple(o for o in business.obligations if query.wants(o.period, o.status))
        if wanted:
            answer.append(business.body(wanted))
    if not answer:
        raise ApiError.of(c.NO_OBLIGATIONS_FOUND)
    return ApiResponse(200, {"obligations": answer})


def retrieve_final_declaration(
    ctx: CallContext, nino: str, params: Mapping[str, str | None]
) -> ApiResponse:
    """``GET /obligations/details/{nino}/crystallisation``."""
    client = authorise(ctx, nino, Operation.RETRIEVE_FINAL_DECLARATION_OBLIGATIONS)
    today = uk_date(ctx.now)
    current = TaxYear.containing(today)
    query = final_declaration_query(params, current)
    scenario = ctx.headers.get(c.SCENARIO_HEADER)
    if scenario is not None:
        return ApiResponse(200, scenarios.final_declaration_answer(scenario, today))
    held = state.final_declarations(ctx.tx, client.nino, current)
    if not held:
        raise ApiError.of(c.MATCHING_RESOURCE_NOT_FOUND)
    answer = [
        obligation.body()
        for obligation in held
        if obligation.period.tax_year in query.tax_years
        and query.status in (None, obligation.status)
    ]
    if not answer:
        raise ApiError.of(c.NO_OBLIGATIONS_FOUND)
    return ApiResponse(200, {"obligations": answer})
