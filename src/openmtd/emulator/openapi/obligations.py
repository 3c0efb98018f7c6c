"""The emulator's OpenAPI document: Obligations (MTD) 3.0 (income and expenditure, and final
declaration obligations, wire facts §5) and the control API's
``POST /emulator/obligations/{nino}/fulfil``. Codes, messages, scenarios and examples come from
:mod:`openmtd.emulator.apis.obligations` and :mod:`openmtd.emulator.control.obligations`."""

from __future__ import annotations

from datetime import date
from typing import Final

from openmtd.emulator.apis.obligations import common as c
from openmtd.emulator.apis.obligations import scenarios, state
from openmtd.emulator.control import (
    FORMAT_FIELD_MISSING,
    FORMAT_FIELD_TYPE,
    FORMAT_FIELD_UNKNOWN,
    FORMAT_VALUE,
    INVALID_REQUEST,
    INVALID_REQUEST_MESSAGE,
)
from openmtd.emulator.control import obligations as control
from openmtd.emulator.openapi.business_details import BUSINESS_ID_PATTERN
from openmtd.emulator.openapi.common import (
    JSON,
    NINO_DESCRIPTION,
    TAG_CONTROL,
    _api_operation,
    _array,
    _invalid_request,
    _json_content,
    _object,
    _path_parameter,
    _query_parameter,
    _schema,
    _string,
    _success,
)
from openmtd.emulator.openapi.control import _control_error, _control_example

TAG_OBLIGATIONS: Final = "Obligations (MTD) 3.0"
_DATE: Final = {"type": "string", "format": "date"}
_EXAMPLE_DAY: Final = date(2026, 11, 26)


def obligations_schemas() -> dict[str, JSON]:
    """The obligations' shapes and the control endpoint's."""
    detail = _object(
        {
            "periodStartDate": _DATE,
            "periodEndDate": _DATE,
            "dueDate": _DATE,
            "status": _string(enum=list(state.STATUSES)),
            "receivedDate": {**_DATE, "description": "When fulfilled."},
        },
        ["periodStartDate", "periodEndDate", "dueDate", "status"],
    )
    business = _object(
        {
            "typeOfBusiness": _string(enum=list(state.TYPES_OF_BUSINESS)),
            "businessId": _string(pattern=BUSINESS_ID_PATTERN),
            "obligationDetails": _array(_schema("ObligationDetail")),
        },
        ["typeOfBusiness", "businessId", "obligationDetails"],
    )
    field_error = _object(
        {
            "code": _string(
                enum=[
                    FORMAT_FIELD_MISSING,
                    FORMAT_FIELD_UNKNOWN,
                    FORMAT_FIELD_TYPE,
                    FORMAT_VALUE,
                    control.FORMAT_DATE,
                    control.FORMAT_BUSINESS_ID,
                    "FORMAT_TAX_YEAR",
                    "RULE_TAX_YEAR_RANGE_INVALID",
                    control.RULE_RECEIVED_DATE,
                ]
            ),
            "message": _string(),
            "path": _string("A JSON pointer into the request body."),
        },
        ["code", "message", "path"],
    )
    return {
        "ObligationDetail": detail,
        "BusinessObligations": business,
        "IncomeAndExpenditureObligations": _object(
            {"obligations": _array(_schema("BusinessObligations"))}, ["obligations"]
        ),
        "FinalDeclarationObligations": _object(
            {"obligations": _array(_schema("ObligationDetail"))}, ["obligations"]
        ),
        "FulfilledObligations": _object(
            {
                "nino": _string(),
                "obligations": _array(
                    {"oneOf": [_schema("BusinessObligations"), _schema("ObligationDetail")]}
                ),
            },
            ["nino", "obligations"],
        ),
        "ObligationsControlError": _object(
            {"code": _string(), "message": _string(), "errors": _array(field_error)},
            ["code", "message"],
            description="The control API's errors for obligations (openmtd's codes).",
        ),
    }


def _scenario(values: tuple[str, ...]) -> JSON:
    return {
        "name": "Gov-Test-Scenario",
        "in": "header",
        "required": False,
        "description": "Sandbox simulation. Left out: the obligations held. DEFAULT, OPEN, "
        "FULFILLED, CUMULATIVE, DYNAMIC: example obligations (DYNAMIC: this tax year's); "
        "INSOLVENT_TRADER: 400; NOT_FOUND, NO_OBLIGATIONS_FOUND: 404. Anything else "
        "(STATEFUL included): 400 RULE_INCORRECT_GOV_TEST_SCENARIO.",
        "schema": {"type": "string", "enum": list(values)},
    }


def _status() -> JSON:
    return _query_parameter(
        "status", "open or fulfilled; anything else is FORMAT_STATUS.", enum=list(state.STATUSES)
    )


_LOOKUP: Final = (c.FORMAT_NINO, c.CLIENT_OR_AGENT_NOT_AUTHORISED, c.CLIENT_NOT_MTD_ENROLLED)
_SCENARIO_ERRORS: Final = (
    c.RULE_INSOLVENT_TRADER,
    c.RULE_INCORRECT_GOV_TEST_SCENARIO,
    c.MATCHING_RESOURCE_NOT_FOUND,
    c.NO_OBLIGATIONS_FOUND,
)
_ORDER: Final = (
    "Checks, in HMRC's order: the platform, the NINO (400), the MTDITID lookup and who may "
    "act for the customer (403; supporting agents may), the query (400), then the scenario "
    "and the obligations held (404)."
)


def _income_and_expenditure() -> JSON:
    date_text = "A date, YYYY-MM-DD; with {other}, at most 366 days apart; anything else is "
    return _api_operation(
        c.INCOME_AND_EXPENDITURE,
        operation_id="retrieveIncomeAndExpenditureObligations",
        tag=TAG_OBLIGATIONS,
        description="Each business's cumulative quarterly update obligations (from 6 April, "
        "due on the 7th of the month after the period ends), open or fulfilled. With no "
        "dates: a year from today, unless status=open (then every open one). " + _ORDER,
        parameters=[
            _path_parameter("nino", NINO_DESCRIPTION, example="TC663795B"),
            _query_parameter(
                "typeOfBusiness",
                "Required with businessId; anything else is FORMAT_TYPE_OF_BUSINESS.",
                enum=list(state.TYPES_OF_BUSINESS),
            ),
            _query_parameter(
                "businessId",
                "HMRC's business ID, or FORMAT_BUSINESS_ID.",
                pattern=BUSINESS_ID_PATTERN,
            ),
            _query_parameter(
                "fromDate", date_text.format(other="toDate") + "FORMAT_FROM_DATE.", format="date"
            ),
            _query_parameter(
                "toDate", date_text.format(other="fromDate") + "FORMAT_TO_DATE.", format="date"
            ),
            _status(),
            _scenario(c.INCOME_AND_EXPENDITURE_SCENARIOS),
        ],
        success={
            200: _success(
                "The obligations",
                _schema("IncomeAndExpenditureObligations"),
                scenarios.income_and_expenditure(c.DEFAULT, _EXAMPLE_DAY),
            )
        },
        errors_=[
            *_LOOKUP,
            c.FORMAT_TYPE_OF_BUSINESS,
            c.FORMAT_BUSINESS_ID,
            c.FORMAT_FROM_DATE,
            c.FORMAT_TO_DATE,
            c.FORMAT_STATUS,
            c.MISSING_FROM_DATE,
            c.MISSING_TO_DATE,
            c.MISSING_TYPE_OF_BUSINESS,
            c.RANGE_TO_DATE_BEFORE_FROM_DATE,
            c.RULE_DATE_RANGE_INVALID,
            c.RULE_FROM_DATE_NOT_SUPPORTED,
            *_SCENARIO_ERRORS,
        ],
        extra_examples={
            400: {"INVALID_REQUEST": _invalid_request([c.FORMAT_FROM_DATE, c.MISSING_TO_DATE])}
        },
    )


def _final_declaration() -> JSON:
    return _api_operation(
        c.FINAL_DECLARATION,
        operation_id="retrieveFinalDeclarationObligations",
        tag=TAG_OBLIGATIONS,
        description="The final declaration obligations (the whole tax year, due 31 January "
        "after it) of the year asked for, or of the current year and the three before. " + _ORDER,
        parameters=[
            _path_parameter("nino", NINO_DESCRIPTION, example="TC663795B"),
            _query_parameter(
                "taxYear",
                "A tax year, YYYY-YY, from 2017-18 (else RULE_TAX_YEAR_NOT_SUPPORTED).",
                example="2026-27",
            ),
            _status(),
            _scenario(c.FINAL_DECLARATION_SCENARIOS),
        ],
        success={
            200: _success(
                "The obligations",
                _schema("FinalDeclarationObligations"),
                scenarios.final_declaration_answer(c.DEFAULT, _EXAMPLE_DAY),
            )
        },
        errors_=[
            *_LOOKUP,
            c.FORMAT_TAX_YEAR,
            c.RULE_TAX_YEAR_RANGE_INVALID,
            c.FORMAT_STATUS,
            c.RULE_TAX_YEAR_NOT_SUPPORTED,
            *_SCENARIO_ERRORS,
        ],
        extra_examples={
            400: {"INVALID_REQUEST": _invalid_request([c.FORMAT_STATUS, c.FORMAT_TAX_YEAR])}
        },
    )


def _fulfil() -> JSON:
    refused = _schema("ObligationsControlError")
    bad_nino = _control_example(
        "FORMAT_NINO", "The NINO in the path is not a National Insurance number"
    )
    bad_date = _control_example(
        INVALID_REQUEST,
        INVALID_REQUEST_MESSAGE,
        (control.FORMAT_DATE, "periodEndDate must be a date, like 2026-07-05", "/periodEndDate"),
    )
    not_ended = _control_example(
        control.RULE_PERIOD_NOT_ENDED,
        "The period ends on 2027-01-05: it can be fulfilled from 2027-01-06",
    )
    request = _object(
        {
            "businessId": _string(
                "The income source (quarterly only); left out: every one with the period.",
                pattern=BUSINESS_ID_PATTERN,
            ),
            "periodStartDate": _DATE,
            "periodEndDate": _DATE,
            "taxYear": _string("The final declaration's tax year, like 2025-26."),
            "receivedDate": {**_DATE, "description": "Default: today."},
        },
        description="A quarterly period (periodStartDate and periodEndDate) or a final "
        "declaration (taxYear), not both.",
    )
    return {
        "post": {
            "tags": [TAG_CONTROL],
            "summary": "Mark an obligation fulfilled",
            "description": "HMRC received the quarterly update or final declaration asked "
            "for; the Obligations API then reads it fulfilled (a later update of a year also "
            "fulfils its earlier periods). Recording one again replaces its date.",
            "operationId": "controlFulfilObligation",
            "parameters": [
                {
                    "name": "nino",
                    "in": "path",
                    "required": True,
                    "description": "A National Insurance number (HMRC's rule).",
                    "schema": _string(),
                }
            ],
            "requestBody": {"required": True, "content": _json_content(request)},
            "responses": {
                "200": {
                    "description": "The obligations as now read",
                    "content": _json_content(_schema("FulfilledObligations")),
                },
                "400": _control_error(
                    "The NINO or the body is refused, or the period has not ended",
                    {
                        "FORMAT_NINO": bad_nino,
                        control.FORMAT_DATE: bad_date,
                        control.RULE_PERIOD_NOT_ENDED: not_ended,
                    },
                    refused,
                ),
                "404": _control_error(
                    "The customer has no such obligation (or the path is no path served)",
                    {
                        control.OBLIGATION_NOT_FOUND: _control_example(
                            control.OBLIGATION_NOT_FOUND, control.OBLIGATION_NOT_FOUND_MESSAGE
                        )
                    },
                    refused,
                ),
            },
        }
    }


def obligations_paths() -> dict[str, JSON]:
    """The two API operations and the control endpoint."""
    return {
        c.INCOME_AND_EXPENDITURE.path: {"get": _income_and_expenditure()},
        c.FINAL_DECLARATION.path: {"get": _final_declaration()},
        "/emulator/obligations/{nino}/fulfil": _fulfil(),
    }
