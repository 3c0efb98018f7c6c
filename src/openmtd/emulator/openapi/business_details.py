"""The emulator's OpenAPI document: Business Details (MTD) 2.0 (List All Businesses and
Retrieve Business Details, wire facts §5). Codes, messages, scenarios and examples come from
:mod:`openmtd.emulator.apis.business_details`."""

from __future__ import annotations

from typing import Final

from openmtd.emulator.apis import business_details as bd
from openmtd.emulator.apis.test_support.common import TYPES_OF_BUSINESS
from openmtd.emulator.openapi.common import (
    JSON,
    NINO_DESCRIPTION,
    _api_operation,
    _array,
    _object,
    _path_parameter,
    _schema,
    _string,
    _success,
)

TAG_BUSINESS_DETAILS: Final = "Business Details (MTD) 2.0"
BUSINESS_ID_PATTERN: Final = "^X[a-zA-Z0-9]{1}IS[0-9]{11}$"
_DATE: Final = {"type": "string", "format": "date"}


def business_details_schemas() -> dict[str, JSON]:
    """The list's and the retrieved business's shapes."""
    type_of_business = _string("The kind of business.", enum=list(TYPES_OF_BUSINESS))
    business_id = _string("HMRC's business ID.", pattern=BUSINESS_ID_PATTERN)
    listed = _object(
        {
            "typeOfBusiness": type_of_business,
            "businessId": business_id,
            "tradingType": _string("The trade.", minLength=1, maxLength=35),
            "tradingName": _string("The business name.", maxLength=105),
        },
        ["typeOfBusiness", "businessId"],
    )
    latency = _object(
        {
            "latencyEndDate": _DATE,
            "taxYear1": _string(),
            "latencyIndicator1": _string(enum=["A", "Q"]),
            "taxYear2": _string(),
            "latencyIndicator2": _string(enum=["A", "Q"]),
        }
    )
    choice = _object(
        {
            "quarterlyPeriodType": _string(enum=["standard", "calendar"]),
            "taxYearOfChoice": _string(),
        }
    )
    address = {f"businessAddressLine{n}": _string() for n in ("One", "Two", "Three", "Four")}
    retrieved = _object(
        {
            "businessId": business_id,
            "typeOfBusiness": type_of_business,
            "tradingName": _string(maxLength=105),
            **address,
            "businessAddressPostcode": _string(),
            "businessAddressCountryCode": _string(),
            "firstAccountingPeriodStartDate": _DATE,
            "firstAccountingPeriodEndDate": _DATE,
            "commencementDate": _DATE,
            "cessationDate": _DATE,
            "latencyDetails": latency,
            "quarterlyTypeChoice": choice,
        },
        ["businessId", "typeOfBusiness"],
        description="The business as held: the names of Self Assessment Test Support's "
        "Create a Test Business request (openmtd's choice).",
    )
    return {
        "ListedBusiness": listed,
        "ListOfBusinesses": _object(
            {"listOfBusinesses": _array(_schema("ListedBusiness"))}, ["listOfBusinesses"]
        ),
        "BusinessDetails": retrieved,
    }


def _scenario(values: tuple[str, ...], description: str) -> JSON:
    return {
        "name": "Gov-Test-Scenario",
        "in": "header",
        "required": False,
        "description": description,
        "schema": {"type": "string", "enum": list(values)},
    }


def business_details_paths() -> dict[str, JSON]:
    """The two operations."""
    nino = _path_parameter("nino", NINO_DESCRIPTION, example="TC663795B")
    lookup = [bd.FORMAT_NINO, bd.CLIENT_OR_AGENT_NOT_AUTHORISED, bd.CLIENT_NOT_MTD_ENROLLED]
    order = (
        "Checks, in HMRC's order: the platform, the NINO (400), the MTDITID lookup and who "
        "may act for the customer (403; supporting agents may)"
    )
    return {
        bd.LIST.path: {
            "get": _api_operation(
                bd.LIST,
                operation_id="listAllBusinesses",
                tag=TAG_BUSINESS_DETAILS,
                description="The customer's businesses: those sign-up created, then the "
                f"calling application's test businesses. {order}, then the scenario and "
                "the businesses held (404 when none).",
                parameters=[
                    nino,
                    _scenario(
                        bd.LIST_SCENARIOS,
                        "Sandbox simulation. Left out (or STATEFUL): the businesses held; "
                        "DEFAULT: one self-employment business; PROPERTY, FOREIGN_PROPERTY, "
                        "BUSINESS_AND_PROPERTY, UNSPECIFIED: those kinds; NOT_FOUND: 404. "
                        "Anything else: 400 RULE_INCORRECT_GOV_TEST_SCENARIO.",
                    ),
                ],
                success={
                    200: _success("The businesses", _schema("ListOfBusinesses"), bd.list_example())
                },
                errors_=[
                    *lookup,
                    bd.RULE_INCORRECT_GOV_TEST_SCENARIO,
                    bd.MATCHING_RESOURCE_NOT_FOUND,
                ],
            )
        },
        bd.RETRIEVE.path: {
            "get": _api_operation(
                bd.RETRIEVE,
                operation_id="retrieveBusinessDetails",
                tag=TAG_BUSINESS_DETAILS,
                description=f"One of the customer's businesses. {order}, the business ID "
                "(400), then the scenario and the business held (404).",
                parameters=[
                    nino,
                    _path_parameter(
                        "businessId",
                        "HMRC's business ID, X, a letter or digit, IS and 11 digits; anything "
                        "else is FORMAT_BUSINESS_ID.",
                        example=bd.EXAMPLE_BUSINESS_ID,
                        pattern=BUSINESS_ID_PATTERN,
                    ),
                    _scenario(
                        bd.RETRIEVE_SCENARIOS,
                        "Sandbox simulation. Left out (or STATEFUL): the business held; "
                        "DEFAULT: an example business; NOT_FOUND: 404. Anything else: 400 "
                        "RULE_INCORRECT_GOV_TEST_SCENARIO.",
                    ),
                ],
                success={
                    200: _success("The business", _schema("BusinessDetails"), bd.retrieve_example())
                },
                errors_=[
                    *lookup,
                    bd.FORMAT_BUSINESS_ID,
                    bd.RULE_INCORRECT_GOV_TEST_SCENARIO,
                    bd.MATCHING_RESOURCE_NOT_FOUND,
                    bd.NO_BUSINESS_FOUND,
                ],
            )
        },
    }
