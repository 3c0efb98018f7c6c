"""Business Details (MTD) API v2.0: List All Businesses and Retrieve Business Details.

``GET /individuals/business/details/{nino}/list`` and
``GET /individuals/business/details/{nino}/{businessId}``, user-restricted with
``read:self-assessment``; supporting agents may call both (wire facts §5). After the
platform's gateway checks (``platform/gateway.py``) each runs, in the order Retrieve ITSA
Status runs its own (wire facts §1.4):

1. the NINO (400 ``FORMAT_NINO``), the MTDITID lookup and who may act for the customer (403
   ``CLIENT_OR_AGENT_NOT_AUTHORISED`` / ``CLIENT_NOT_MTD_ENROLLED``):
   :func:`openmtd.emulator.platform.authorisation.authorise`;
2. retrieve only: the business ID, ``^X[a-zA-Z0-9]IS[0-9]{11}$`` (400 ``FORMAT_BUSINESS_ID``);
3. ``Gov-Test-Scenario``: list: ``DEFAULT`` (one self-employment business, the body HMRC's
   sandbox was seen answering), ``PROPERTY``, ``FOREIGN_PROPERTY``, ``BUSINESS_AND_PROPERTY``,
   ``UNSPECIFIED``, ``NOT_FOUND`` (404), ``STATEFUL``; anything else is 400
   ``RULE_INCORRECT_GOV_TEST_SCENARIO``;
4. the answer from state: the customer's income sources (:mod:`.income_sources`).

Choices (UNCONFIRMED; each kept here, docs/emulator.md): no scenario header answers from
state, like ``STATEFUL``; the businesses the property scenarios answer with (IDs and fields);
retrieve's scenarios are ``DEFAULT``, ``NOT_FOUND`` and ``STATEFUL``; a customer with no
income source is 404 ``MATCHING_RESOURCE_NOT_FOUND`` on both, and a business ID that is none
of theirs (or another vendor's test business) is 404 ``NO_BUSINESS_FOUND``; retrieve answers
with the names of HMRC's Create a Test Business request; the messages of ``FORMAT_BUSINESS_ID``
(Test Support's) and ``NO_BUSINESS_FOUND`` (openmtd's); the lookup's
``CLIENT_NOT_MTD_ENROLLED`` is kept, as on Retrieve ITSA Status, though §5 does not list it.
"""

from __future__ import annotations

import re
from typing import Any, Final

from openmtd.emulator.apis import itsa_status
from openmtd.emulator.apis.income_sources import IncomeSource, income_sources
from openmtd.emulator.platform import authorisation
from openmtd.emulator.platform.authorisation import authorise
from openmtd.emulator.platform.errors import ApiError
from openmtd.emulator.platform.gateway import Access, ApiResponse, CallContext, Endpoint
from openmtd.rules.agents import Operation
from openmtd.rules.tax_year import TaxYear

API: Final = "business-details"
_VERSIONS: Final = frozenset({"2.0"})
_READ: Final = "read:self-assessment"

LIST: Final = Endpoint(
    api=API,
    versions=_VERSIONS,
    access=Access.USER,
    scope=_READ,
    fraud_headers=True,
    name="List All Businesses",
    path="/individuals/business/details/{nino}/list",
)
RETRIEVE: Final = Endpoint(
    api=API,
    versions=_VERSIONS,
    access=Access.USER,
    scope=_READ,
    fraud_headers=True,
    name="Retrieve Business Details",
    path="/individuals/business/details/{nino}/{businessId}",
)

# Errors (wire facts §5; messages as on Retrieve ITSA Status, §1.6, where they share a code).
FORMAT_NINO: Final = authorisation.FORMAT_NINO
RULE_INCORRECT_GOV_TEST_SCENARIO: Final = itsa_status.RULE_INCORRECT_GOV_TEST_SCENARIO
CLIENT_OR_AGENT_NOT_AUTHORISED: Final = authorisation.CLIENT_OR_AGENT_NOT_AUTHORISED
CLIENT_NOT_MTD_ENROLLED: Final = authorisation.CLIENT_NOT_MTD_ENROLLED
MATCHING_RESOURCE_NOT_FOUND: Final = itsa_status.MATCHING_RESOURCE_NOT_FOUND
#: Self Assessment Test Support's text for the code (its OAS); Business Details' is not known.
FORMAT_BUSINESS_ID: Final = (400, "FORMAT_BUSINESS_ID", "The provided Business ID is invalid")
#: openmtd's text (UNCONFIRMED).
NO_BUSINESS_FOUND: Final = (
    404,
    "NO_BUSINESS_FOUND",
    "No business found for the given NINO and business ID",
)

#: HMRC's business ID (wire facts §5).
BUSINESS_ID: Final = re.compile(r"X[a-zA-Z0-9]IS[0-9]{11}")

SCENARIO_HEADER: Final = itsa_status.SCENARIO_HEADER
DEFAULT: Final = "DEFAULT"
PROPERTY: Final = "PROPERTY"
FOREIGN_PROPERTY: Final = "FOREIGN_PROPERTY"
BUSINESS_AND_PROPERTY: Final = "BUSINESS_AND_PROPERTY"
UNSPECIFIED: Final = "UNSPECIFIED"
NOT_FOUND: Final = "NOT_FOUND"
STATEFUL: Final = "STATEFUL"

#: The self-employment business HMRC's sandbox answers by default (wire facts §5).
EXAMPLE_BUSINESS_ID: Final = "XBIS12345678901"
_SELF_EMPLOYMENT: Final = {
    "typeOfBusiness": "self-employment",
    "businessId": EXAMPLE_BUSINESS_ID,
    "tradingType": "Plastering",
    "tradingName": "Company X",
}
# openmtd's examples for the other scenarios (HMRC's bodies are not in the reference).
_UK_PROPERTY: Final = {"typeOfBusiness": "uk-property", "businessId": "XPIS12345678901"}
_FOREIGN_PROPERTY: Final = {"typeOfBusiness": "foreign-property", "businessId": "XFIS12345678901"}
_UNSPECIFIED: Final = {"typeOfBusiness": "property-unspecified", "businessId": "XUIS12345678901"}
_LIST_SCENARIOS: Final = {
    DEFAULT: (_SELF_EMPLOYMENT,),
    PROPERTY: (_UK_PROPERTY,),
    FOREIGN_PROPERTY: (_FOREIGN_PROPERTY,),
    BUSINESS_AND_PROPERTY: (_SELF_EMPLOYMENT, _UK_PROPERTY),
    UNSPECIFIED: (_UNSPECIFIED,),
}
LIST_SCENARIOS: Final = (*_LIST_SCENARIOS, NOT_FOUND, STATEFUL)
RETRIEVE_SCENARIOS: Final = (DEFAULT, NOT_FOUND, STATEFUL)


def list_example(scenario: str = DEFAULT) -> dict[str, Any]:
    """What a list scenario answers with (a fresh copy)."""
    return {"listOfBusinesses": [dict(business) for business in _LIST_SCENARIOS[scenario]]}


def retrieve_example() -> dict[str, Any]:
    """What Retrieve Business Details answers with for ``DEFAULT`` (openmtd's example)."""
    year = TaxYear(2025)
    return {
        "businessId": EXAMPLE_BUSINESS_ID,
        "typeOfBusiness": "self-employment",
        "tradingName": "Company X",
        "businessAddressLineOne": "1 Test Street",
        "businessAddressPostcode": "TS1 1PA",
        "businessAddressCountryCode": "GB",
        "firstAccountingPeriodStartDate": year.start.isoformat(),
        "firstAccountingPeriodEndDate": year.end.isoformat(),
        "commencementDate": "2020-01-01",
    }


def _application_id(ctx: CallContext) -> int:
    assert ctx.application is not None  # user-restricted: the gateway found it
    return ctx.application.id


def list_all_businesses(ctx: CallContext, nino: str) -> ApiResponse:
    """List All Businesses, in the order of checks above."""
    client = authorise(ctx, nino, Operation.LIST_BUSINESSES)
    scenario = ctx.headers.get(SCENARIO_HEADER)
    if scenario in _LIST_SCENARIOS:
        return ApiResponse(200, list_example(scenario))
    if scenario == NOT_FOUND:
        raise ApiError.of(MATCHING_RESOURCE_NOT_FOUND)
    if scenario not in (None, STATEFUL):
        raise ApiError.of(RULE_INCORRECT_GOV_TEST_SCENARIO)
    sources = income_sources(ctx.tx, client.nino, _application_id(ctx))
    if not sources:
        raise ApiError.of(MATCHING_RESOURCE_NOT_FOUND)
    return ApiResponse(200, {"listOfBusinesses": [listed(source) for source in sources]})


def retrieve_business_details(ctx: CallContext, nino: str, business_id: str) -> ApiResponse:
    """Retrieve Business Details, in the order of checks above."""
    client = authorise(ctx, nino, Operation.RETRIEVE_BUSINESS_DETAILS)
    if not BUSINESS_ID.fullmatch(business_id):
        raise ApiError.of(FORMAT_BUSINESS_ID)
    scenario = ctx.headers.get(SCENARIO_HEADER)
    if scenario == DEFAULT:
        return ApiResponse(200, retrieve_example())
    if scenario == NOT_FOUND:
        raise ApiError.of(MATCHING_RESOURCE_NOT_FOUND)
    if scenario not in (None, STATEFUL):
        raise ApiError.of(RULE_INCORRECT_GOV_TEST_SCENARIO)
    sources = income_sources(ctx.tx, client.nino, _application_id(ctx))
    if not sources:
        raise ApiError.of(MATCHING_RESOURCE_NOT_FOUND)
    for source in sources:
        if source.business_id == business_id:
            return ApiResponse(200, retrieved(source))
    raise ApiError.of(NO_BUSINESS_FOUND)


def listed(source: IncomeSource) -> dict[str, Any]:
    """One ``listOfBusinesses`` entry (wire facts §5)."""
    entry: dict[str, Any] = {
        "typeOfBusiness": source.type_of_business,
        "businessId": source.business_id,
    }
    if source.trading_type is not None:
        entry["tradingType"] = source.trading_type
    if source.trading_name is not None:
        entry["tradingName"] = source.trading_name
    return entry


def retrieved(source: IncomeSource) -> dict[str, Any]:
    """Retrieve Business Details' body: the ID and type, then the details held."""
    return {
        "businessId": source.business_id,
        "typeOfBusiness": source.type_of_business,
        **source.details,
    }
