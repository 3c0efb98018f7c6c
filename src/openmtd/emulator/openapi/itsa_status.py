"""The emulator's OpenAPI document: Retrieve ITSA Status (Self Assessment Individual
Details (MTD) 2.0)."""

from __future__ import annotations

from openmtd.emulator.apis import itsa_status
from openmtd.emulator.openapi.common import (
    JSON,
    NINO_DESCRIPTION,
    TAG_ITSA,
    TAX_YEAR_DESCRIPTION,
    _api_operation,
    _array,
    _bad_request,
    _invalid_request,
    _object,
    _path_parameter,
    _schema,
    _string,
    _success,
)
from openmtd.emulator.platform import errors
from openmtd.rules.errors import WIRE_MESSAGES
from openmtd.rules.itsa_status import ItsaStatus, StatusReason


# --- Retrieve ITSA Status ------------------------------------------------------------------
def _itsa_status_schemas() -> dict[str, JSON]:
    details = _object(
        {
            "submittedOn": _string(
                "When the status was submitted, YYYY-MM-DDThh:mm:ss.SSSZ (UTC).",
                format="date-time",
                example="2023-05-23T12:29:27.566Z",
            ),
            "status": _string("The ITSA status.", enum=[s.value for s in ItsaStatus]),
            "statusReason": _string(
                "Why the status is what it is.", enum=[r.value for r in StatusReason]
            ),
            "businessIncome2YearsPrior": {
                "type": "number",
                "description": "Business income two tax years before; left out when none is held.",
                "minimum": 0,
                "maximum": 99999999999.99,
                "multipleOf": 0.01,
            },
        },
        ["submittedOn", "status", "statusReason"],
    )
    year = _object(
        {
            "taxYear": _string("The tax year, YYYY-YY.", pattern="^2[0-9]{3}-[0-9]{2}$"),
            "itsaStatusDetails": _array(
                _schema("ItsaStatusDetails"),
                "The latest status of the year, or every status with history=true "
                "(ascending by submittedOn).",
            ),
        },
        ["taxYear", "itsaStatusDetails"],
    )
    return {
        "ItsaStatusDetails": details,
        "ItsaStatusYear": year,
        "ItsaStatuses": _object(
            {"itsaStatuses": _array(_schema("ItsaStatusYear"), "Ascending by tax year.")},
            ["itsaStatuses"],
        ),
    }


def _retrieve_itsa_status() -> JSON:
    scenario = {
        "name": "Gov-Test-Scenario",
        "in": "header",
        "required": False,
        "description": "Sandbox simulation. Left out (or STATEFUL): the statuses held (set "
        "with the Self Assessment Test Support API or by signing up); DEFAULT: HMRC's example "
        "whatever was asked; NOT_FOUND: 404; NOT_ENROLLED: 403 CLIENT_NOT_MTD_ENROLLED. "
        "Anything else: 400 RULE_INCORRECT_GOV_TEST_SCENARIO.",
        "schema": {
            "type": "string",
            "enum": [
                itsa_status.DEFAULT,
                itsa_status.NOT_FOUND,
                itsa_status.NOT_ENROLLED,
                itsa_status.STATEFUL,
            ],
        },
    }
    flag = {"type": "string", "enum": ["true", "false"]}
    tax_year_error = _bad_request("FORMAT_TAX_YEAR", WIRE_MESSAGES["FORMAT_TAX_YEAR"])
    future_years_error = itsa_status.FORMAT_FUTURE_YEARS
    return {
        "get": _api_operation(
            itsa_status.ENDPOINT,
            operation_id="retrieveItsaStatus",
            tag=TAG_ITSA,
            description="A customer's ITSA status for a tax year, optionally with later years "
            "(futureYears) and every status submitted in each year (history). Checks, in "
            "HMRC's order: the platform, the NINO (400), the MTDITID lookup and who may see "
            "the client (403), Gov-Test-Scenario NOT_ENROLLED, the tax year and flags (400), "
            "then the scenario and the statuses held (404 when none).",
            parameters=[
                _path_parameter("nino", NINO_DESCRIPTION, example="TC663795B"),
                _path_parameter("taxYear", TAX_YEAR_DESCRIPTION, example="2026-27"),
                {
                    "name": "futureYears",
                    "in": "query",
                    "required": False,
                    "description": "true: also every later tax year held. Default false; "
                    "anything but true or false is FORMAT_FUTURE_YEARS.",
                    "schema": flag,
                },
                {
                    "name": "history",
                    "in": "query",
                    "required": False,
                    "description": "true: every status submitted in each year, not only the "
                    "latest. Default false; anything but true or false is FORMAT_HISTORY.",
                    "schema": flag,
                },
                scenario,
            ],
            success={
                200: _success(
                    "The statuses",
                    _schema("ItsaStatuses"),
                    itsa_status.default_example(),
                )
            },
            errors_=[
                itsa_status.FORMAT_NINO,
                tax_year_error,
                future_years_error,
                itsa_status.FORMAT_HISTORY,
                _bad_request(
                    "RULE_TAX_YEAR_RANGE_INVALID", WIRE_MESSAGES["RULE_TAX_YEAR_RANGE_INVALID"]
                ),
                itsa_status.RULE_INCORRECT_GOV_TEST_SCENARIO,
                itsa_status.CLIENT_OR_AGENT_NOT_AUTHORISED,
                itsa_status.CLIENT_NOT_MTD_ENROLLED,
                itsa_status.MATCHING_RESOURCE_NOT_FOUND,
                errors.INTERNAL_SERVER_ERROR,
            ],
            extra_examples={
                400: {"INVALID_REQUEST": _invalid_request([future_years_error, tax_year_error])}
            },
        )
    }
