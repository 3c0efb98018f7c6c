"""The emulator's OpenAPI document: the control API's sign-up facts
(``PUT /emulator/people/{nino}/eligibility``, ``POST /emulator/returns/{nino}/{taxYear}``).
:mod:`~openmtd.emulator.openapi.document` adds these paths and schemas; codes,
messages and the reason keys come from :mod:`openmtd.emulator.control.people`."""

from __future__ import annotations

from openmtd.emulator.control import (
    FORMAT_FIELD_MISSING,
    FORMAT_FIELD_TYPE,
    FORMAT_FIELD_UNKNOWN,
    FORMAT_VALUE,
    INVALID_REQUEST,
    INVALID_REQUEST_MESSAGE,
    people,
    requests,
)
from openmtd.emulator.openapi.common import (
    JSON,
    TAG_CONTROL,
    _array,
    _json_content,
    _object,
    _schema,
    _string,
)
from openmtd.emulator.openapi.control import _control_error, _control_example
from openmtd.rules.eligibility import ExemptionReason

#: An amount in pounds, as the return's incomes are sent and answered.
_POUNDS: JSON = {
    "type": "number",
    "minimum": 0,
    "maximum": 99999999999.99,
    "description": "Pounds, at most 2 decimal places; 0 when left out.",
}


def sign_up_schemas() -> dict[str, JSON]:
    """The schemas the two endpoints' answers use."""
    field_error = _object(
        {
            "code": _string(
                enum=[
                    FORMAT_FIELD_MISSING,
                    FORMAT_FIELD_UNKNOWN,
                    FORMAT_FIELD_TYPE,
                    FORMAT_VALUE,
                    people.FORMAT_REASON_KEY,
                    people.FORMAT_FILED_ON,
                    people.RULE_FILED_ON,
                    people.FORMAT_INCOME,
                    people.RULE_QUALIFYING_INCOME,
                ]
            ),
            "message": _string(),
            "path": _string("A JSON pointer into the request body."),
        },
        ["code", "message", "path"],
    )
    year = _object(
        {
            "taxYear": _string("Like 2026-27."),
            "reasonKeys": _array(_string(enum=list(people.REASON_KEYS))),
            "eligible": {"type": "boolean", "description": "No reason keys: eligible."},
        },
        ["taxYear", "reasonKeys", "eligible"],
    )
    return {
        "SignUpControlError": _object(
            {"code": _string(), "message": _string(), "errors": _array(field_error)},
            ["code", "message"],
            description="The control API's errors for sign-up facts (openmtd's codes).",
        ),
        "Eligibility": _object(
            {
                "nino": _string(),
                "currentYear": year,
                "nextYear": year,
                "exemptionReason": _string(
                    "HMRC's exemptionReason, from next year's keys, when there is one.",
                    enum=[reason.value for reason in ExemptionReason],
                ),
            },
            ["nino", "currentYear", "nextYear"],
        ),
        "ReturnOnFile": _object(
            {
                "nino": _string(),
                "taxYear": _string(),
                "filedOn": _string(format="date"),
                **{name: _POUNDS for _, name in people.INCOME_FIELDS},
                "qualifyingIncome": {
                    **_POUNDS,
                    "description": "The three added up, as the annual review reads them.",
                },
            },
            [
                "nino",
                "taxYear",
                "filedOn",
                *(name for _, name in people.INCOME_FIELDS),
                "qualifyingIncome",
            ],
        ),
    }


def sign_up_paths() -> dict[str, JSON]:
    """The two operations."""
    keys = _array(_string(enum=list(people.REASON_KEYS)), maxItems=people.MAX_REASON_KEYS)
    nino = {
        "name": "nino",
        "in": "path",
        "required": True,
        "description": "A National Insurance number (HMRC's rule).",
        "schema": _string(),
    }
    tax_year = {
        "name": "taxYear",
        "in": "path",
        "required": True,
        "description": "A tax year, like 2025-26.",
        "schema": _string(),
    }
    refused = _schema("SignUpControlError")
    bad_nino = _control_example(requests.FORMAT_NINO, requests.NINO_MESSAGE)
    bad_key = _control_example(
        INVALID_REQUEST,
        INVALID_REQUEST_MESSAGE,
        (people.FORMAT_REASON_KEY, "Not one of HMRC's eligibility reason keys", "/nextYear/0"),
    )
    unknown = _control_error(
        "A path that holds a control character is no path the emulator serves",
        {
            "MATCHING_RESOURCE_NOT_FOUND": _control_example(
                "MATCHING_RESOURCE_NOT_FOUND",
                "A resource with the name in the request can not be found in the API",
            )
        },
        refused,
    )
    bad_income = _control_example(
        INVALID_REQUEST,
        INVALID_REQUEST_MESSAGE,
        (
            people.FORMAT_INCOME,
            "ukPropertyIncome must be an amount in pounds from 0 to 99999999999.99, with at "
            "most 2 decimal places",
            "/ukPropertyIncome",
        ),
    )
    not_ended = _control_example(
        people.RULE_TAX_YEAR_NOT_ENDED,
        "The 2026-27 tax year has not ended: a return for it can be filed from 2027-04-06",
    )
    return {
        "/emulator/people/{nino}/eligibility": {
            "put": {
                "tags": [TAG_CONTROL],
                "summary": "Set a person's sign-up eligibility",
                "description": "HMRC's eligibility reason keys for the current and the next "
                "tax year (by the emulator's clock); an empty list is eligible.",
                "operationId": "controlSetEligibility",
                "parameters": [nino],
                "requestBody": {
                    "required": True,
                    "content": _json_content(
                        _object(
                            {"currentYear": keys, "nextYear": keys}, ["currentYear", "nextYear"]
                        )
                    ),
                },
                "responses": {
                    "200": {
                        "description": "The keys kept, with their years",
                        "content": _json_content(_schema("Eligibility")),
                    },
                    "400": _control_error(
                        "The NINO or the body is refused",
                        {requests.FORMAT_NINO: bad_nino, people.FORMAT_REASON_KEY: bad_key},
                        refused,
                    ),
                    "404": unknown,
                },
            }
        },
        "/emulator/returns/{nino}/{taxYear}": {
            "post": {
                "tags": [TAG_CONTROL],
                "summary": "Record a Self Assessment return on file",
                "description": "Decides Sign up - return available for the year two years on, "
                "makes the year crystallised for opt-out, and its qualifying income (the three "
                "incomes added up; each 0 when left out) is what the annual review reads for "
                "the year. The body may be empty.",
                "operationId": "controlRecordReturn",
                "parameters": [nino, tax_year],
                "requestBody": {
                    "required": False,
                    "content": _json_content(
                        _object(
                            {
                                "filedOn": _string("Default: today.", format="date"),
                                **{name: _POUNDS for _, name in people.INCOME_FIELDS},
                            }
                        )
                    ),
                },
                "responses": {
                    "201": {
                        "description": "The return on file",
                        "content": _json_content(_schema("ReturnOnFile")),
                    },
                    "400": _control_error(
                        "The NINO, tax year or body is refused",
                        {
                            requests.FORMAT_NINO: bad_nino,
                            people.RULE_TAX_YEAR_NOT_ENDED: not_ended,
                            people.FORMAT_INCOME: bad_income,
                        },
                        refused,
                    ),
                    "404": unknown,
                },
            }
        },
    }
