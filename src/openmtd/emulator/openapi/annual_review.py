"""The emulator's OpenAPI document: the control API's annual review at scale
(``POST /emulator/annual-review/{taxYear}``, ``POST /emulator/population``). Codes, messages and
bounds come from :mod:`openmtd.emulator.control.annual_review`, the statuses from the rules."""

from __future__ import annotations

from openmtd.emulator import population
from openmtd.emulator.annual_review import DECIDED
from openmtd.emulator.control import (
    FORMAT_FIELD_MISSING,
    FORMAT_FIELD_TYPE,
    FORMAT_FIELD_UNKNOWN,
    FORMAT_VALUE,
    INVALID_REQUEST,
    INVALID_REQUEST_MESSAGE,
    people,
)
from openmtd.emulator.control import annual_review as control
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

_COUNT: JSON = {"type": "integer", "minimum": 0}


def annual_review_schemas() -> dict[str, JSON]:
    """The answers' and refusals' shapes."""
    field_error = _object(
        {
            "code": _string(
                enum=[FORMAT_FIELD_MISSING, FORMAT_FIELD_UNKNOWN, FORMAT_FIELD_TYPE, FORMAT_VALUE]
            ),
            "message": _string(),
            "path": _string("A JSON pointer into the request body."),
        },
        ["code", "message", "path"],
    )
    return {
        "ReviewControlError": _object(
            {"code": _string(), "message": _string(), "errors": _array(field_error)},
            ["code", "message"],
            description="The control API's errors for the annual review (openmtd's codes).",
        ),
        "AnnualReview": _object(
            {
                "taxYear": _string("The year reviewed, like 2027-28."),
                "reviewed": {**_COUNT, "description": "Every customer, once."},
                "statusCounts": _object(
                    {status.value: _COUNT for status in DECIDED},
                    [status.value for status in DECIDED],
                    description="How many customers the review decided each status for.",
                ),
                "recorded": {
                    **_COUNT,
                    "description": "New records written (decisions that changed the year's).",
                },
                "undecided": {
                    **_COUNT,
                    "description": "Customers with neither a return two years before nor a "
                    "previous status.",
                },
            },
            ["taxYear", "reviewed", "statusCounts", "recorded", "undecided"],
        ),
        "Population": _object(
            {
                "count": _COUNT,
                "seed": _COUNT,
                "firstNino": _string(),
                "lastNino": _string(),
                "signedUp": _COUNT,
                "returns": _COUNT,
                "statuses": _COUNT,
                "agents": _COUNT,
                "relationships": _COUNT,
            },
            [
                "count",
                "seed",
                "firstNino",
                "lastNino",
                "signedUp",
                "returns",
                "statuses",
                "agents",
                "relationships",
            ],
        ),
    }


def annual_review_paths() -> dict[str, JSON]:
    """The two operations."""
    refused = _schema("ReviewControlError")
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
    tax_year = {
        "name": "taxYear",
        "in": "path",
        "required": True,
        "description": "The tax year to review, like 2027-28.",
        "schema": _string(),
    }
    bad_year = _control_example(
        people.FORMAT_TAX_YEAR,
        "'2027' is not a tax year. Write it as the first year, a hyphen and the last two "
        "digits of the second year, like 2026-27.",
    )
    bad_count = _control_example(
        INVALID_REQUEST,
        INVALID_REQUEST_MESSAGE,
        (FORMAT_VALUE, f"count must be a whole number from 1 to {population.MAX_COUNT}", "/count"),
    )
    overlaps = _control_example(
        control.POPULATION_OVERLAPS,
        "The world already holds customers or agents where this seed's population would go: "
        "reset the world or choose another seed",
    )
    return {
        "/emulator/annual-review/{taxYear}": {
            "post": {
                "tags": [TAG_CONTROL],
                "summary": "Review every customer's ITSA status for a year",
                "description": "HMRC's annual review: every customer (a NINO with an ITSA "
                "status, a subscription or a return on file) gets the year's status from the "
                "return two years before, as openmtd.rules decides it; a record is written "
                "only where the decision changes the year's, so running it again changes "
                "nothing. The body may be empty.",
                "operationId": "controlAnnualReview",
                "parameters": [tax_year],
                "requestBody": {"required": False, "content": _json_content(_object({}))},
                "responses": {
                    "200": {
                        "description": "What the review decided",
                        "content": _json_content(_schema("AnnualReview")),
                    },
                    "400": _control_error(
                        "The tax year or the body is refused",
                        {people.FORMAT_TAX_YEAR: bad_year},
                        refused,
                    ),
                    "404": unknown,
                },
            }
        },
        "/emulator/population": {
            "post": {
                "tags": [TAG_CONTROL],
                "summary": "Create a synthetic population",
                "description": "count bare customers (returns for the last three years, a "
                "status for this year, some signed up, agents with relationships; no "
                "Government Gateway accounts), written in bulk; the same count, seed and "
                "clock give the same population.",
                "operationId": "controlPopulation",
                "requestBody": {
                    "required": True,
                    "content": _json_content(
                        _object(
                            {
                                "count": {
                                    "type": "integer",
                                    "minimum": 1,
                                    "maximum": population.MAX_COUNT,
                                },
                                "seed": {
                                    "type": "integer",
                                    "minimum": 0,
                                    "maximum": control.MAX_SEED,
                                },
                            },
                            ["count", "seed"],
                        )
                    ),
                },
                "responses": {
                    "201": {
                        "description": "What the population holds",
                        "content": _json_content(_schema("Population")),
                    },
                    "400": _control_error(
                        "The body is refused", {FORMAT_VALUE: bad_count}, refused
                    ),
                    "409": _control_error(
                        "The seed's NINO block or agents are already in the world",
                        {control.POPULATION_OVERLAPS: overlaps},
                        refused,
                    ),
                },
            }
        },
    }
