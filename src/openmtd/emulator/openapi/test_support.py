"""The emulator's OpenAPI document: Self Assessment Test Support (MTD) 1.0."""

from __future__ import annotations

from typing import Final

from openmtd.emulator.apis import test_support
from openmtd.emulator.openapi.common import (
    JSON,
    NINO_DESCRIPTION,
    SATS_PREFIX,
    TAG_SATS,
    TAX_YEAR_DESCRIPTION,
    ErrorSpec,
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


# --- Self Assessment Test Support ----------------------------------------------------------
def _sats(code: str) -> ErrorSpec:
    status = {"CLIENT_OR_AGENT_NOT_AUTHORISED": 403, "MATCHING_RESOURCE_NOT_FOUND": 404}
    return (status.get(code, 400), code, test_support.MESSAGES[code])


def _sats_errors(*codes: str) -> list[ErrorSpec]:
    return [_sats(code) for code in (*codes, "CLIENT_OR_AGENT_NOT_AUTHORISED")]


def _sats_multi(*codes: str) -> dict[int, dict[str, JSON]]:
    return {400: {"INVALID_REQUEST": _invalid_request([_sats(code) for code in codes])}}


#: HMRC's postcode rule (the OAS's pattern, grouped so that it anchors both alternatives).
POSTCODE_PATTERN: Final = "^(?:[A-Z]{1,2}[0-9][0-9A-Z]?\\s?[0-9][A-Z]{2}|BFPO\\s?[0-9]{1,10})$"
_SATS_NINO_PATH: Final = _path_parameter("nino", NINO_DESCRIPTION, example="TC663795B")
_CHECKPOINT_ID: Final = _path_parameter(
    "checkpointId",
    "A checkpoint's ID as Create a Checkpoint returned it (36 letters, digits or hyphens); "
    "anything else is FORMAT_CHECKPOINT_ID.",
    example="a1e8057e-fbbc-47a8-a8b4-78d9f015c253",
)


def _sats_schemas() -> dict[str, JSON]:
    date = _string("A date, YYYY-MM-DD.", example="2026-04-06")
    tax_year = _string("A tax year, YYYY-YY.", example="2026-27")
    indicator = _string("A (annual) or Q (quarterly).", enum=["A", "Q"])
    address_line = _string("A line of the business address (self-employment only).")
    return {
        "CreateAmendItsaStatus": _object(
            {
                "itsaStatusDetails": _array(
                    _object(
                        {
                            "submittedOn": _string(
                                "YYYY-MM-DDThh:mm:ss.SSSZ, unique in the list.",
                                example="2021-03-23T16:02:34.039Z",
                            ),
                            "status": _string(
                                "Not Digitally Exempt: this API still takes Non Digital.",
                                enum=list(test_support.ACCEPTED_STATUSES),
                            ),
                            "statusReason": _string(
                                "The reasons with downstream codes 00 to 12 only.",
                                enum=list(test_support.ACCEPTED_REASONS),
                            ),
                            "businessIncome2YearsPrior": {
                                "type": "number",
                                "minimum": 0,
                                "maximum": 99999999999.99,
                            },
                        },
                        ["submittedOn", "status", "statusReason"],
                        closed=False,
                    ),
                    "The records that become the NINO's history for the tax year.",
                    minItems=1,
                )
            },
            ["itsaStatusDetails"],
            closed=False,
        ),
        "CreateBusiness": _object(
            {
                "typeOfBusiness": _string(enum=list(test_support.TYPES_OF_BUSINESS)),
                "tradingName": _string("Self-employment only, and required there."),
                "firstAccountingPeriodStartDate": date,
                "firstAccountingPeriodEndDate": date,
                "latencyDetails": _object(
                    {
                        "latencyEndDate": date,
                        "taxYear1": tax_year,
                        "latencyIndicator1": indicator,
                        "taxYear2": tax_year,
                        "latencyIndicator2": indicator,
                    },
                    [
                        "latencyEndDate",
                        "taxYear1",
                        "latencyIndicator1",
                        "taxYear2",
                        "latencyIndicator2",
                    ],
                    closed=False,
                ),
                "quarterlyTypeChoice": _object(
                    {
                        "quarterlyPeriodType": _string(enum=["standard", "calendar"]),
                        "taxYearOfChoice": tax_year,
                    },
                    ["quarterlyPeriodType", "taxYearOfChoice"],
                    closed=False,
                ),
                "accountingType": _string(enum=["CASH", "ACCRUALS"]),
                "commencementDate": _string("Before today, YYYY-MM-DD."),
                "cessationDate": date,
                "businessAddressLineOne": address_line,
                "businessAddressLineTwo": address_line,
                "businessAddressLineThree": address_line,
                "businessAddressLineFour": address_line,
                "businessAddressPostcode": _string(
                    "A UK postcode or BFPO number; required when the country is GB.",
                    pattern=POSTCODE_PATTERN,
                ),
                "businessAddressCountryCode": _string("ISO 3166-1 alpha-2.", example="GB"),
            },
            ["typeOfBusiness"],
        ),
        "BusinessCreated": _object(
            {"businessId": _string(pattern="^X[A-Z0-9]{1}IS[0-9]{11}$", example="XAIS12345678910")},
            ["businessId"],
        ),
        "CheckpointCreated": _object(
            {"checkpointId": _string(pattern="^[A-Za-z0-9\\-]{36}$")}, ["checkpointId"]
        ),
        "Checkpoints": _object(
            {
                "checkpoints": _array(
                    _object(
                        {
                            "checkpointId": _string(pattern="^[A-Za-z0-9\\-]{36}$"),
                            "nino": _string("The NINO the checkpoint copied."),
                            "checkpointCreationTimestamp": _string(
                                "YYYY-MM-DDThh:mm:ss.SSSZ (UTC).", format="date-time"
                            ),
                        },
                        ["checkpointId", "checkpointCreationTimestamp"],
                    ),
                    "Oldest first.",
                )
            },
            ["checkpoints"],
        ),
    }


def _sats_paths() -> dict[str, JSON]:
    nino_query = "Only this National Insurance number's data (HMRC's NINO rule; else FORMAT_NINO)."
    return {
        f"{SATS_PREFIX}/itsa-status/{{nino}}/{{taxYear}}": {
            "post": _api_operation(
                test_support.CREATE_AMEND_ITSA_STATUS,
                operation_id="createAmendTestItsaStatus",
                tag=TAG_SATS,
                description="Make the records the NINO's ITSA status history for the tax year "
                "(replacing what was held), for Retrieve ITSA Status to read back.",
                parameters=[
                    _SATS_NINO_PATH,
                    _path_parameter("taxYear", TAX_YEAR_DESCRIPTION, example="2026-27"),
                ],
                request_body={
                    "required": True,
                    "content": _json_content(_schema("CreateAmendItsaStatus")),
                },
                success={204: _success("The records are held")},
                errors_=_sats_errors(
                    "FORMAT_NINO",
                    "FORMAT_TAX_YEAR",
                    "RULE_TAX_YEAR_RANGE_INVALID",
                    "FORMAT_STATUS",
                    "FORMAT_STATUS_REASON",
                    "FORMAT_BUSINESS_INCOME_2_YEARS_PRIOR",
                    "FORMAT_SUBMITTED_ON",
                    "DUPLICATE_SUBMITTED_ON",
                    "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED",
                ),
                extra_examples=_sats_multi("FORMAT_NINO", "FORMAT_TAX_YEAR"),
            )
        },
        f"{SATS_PREFIX}/vendor-state": {
            "delete": _api_operation(
                test_support.DELETE_VENDOR_STATE,
                operation_id="deleteStatefulTestData",
                tag=TAG_SATS,
                description="Delete this application's test ITSA statuses and test businesses "
                "(optionally for one NINO); 404 when there are none. Checkpoints stay.",
                parameters=[_query_parameter("nino", nino_query)],
                success={204: _success("Deleted")},
                errors_=_sats_errors("FORMAT_NINO", "MATCHING_RESOURCE_NOT_FOUND"),
            )
        },
        f"{SATS_PREFIX}/vendor-state/checkpoints": {
            "get": _api_operation(
                test_support.LIST_CHECKPOINTS,
                operation_id="listCheckpoints",
                tag=TAG_SATS,
                description="This application's checkpoints, optionally for one NINO.",
                parameters=[_query_parameter("nino", nino_query)],
                success={200: _success("The checkpoints", _schema("Checkpoints"))},
                errors_=_sats_errors("FORMAT_NINO"),
            ),
            "post": _api_operation(
                test_support.CREATE_CHECKPOINT,
                operation_id="createCheckpoint",
                tag=TAG_SATS,
                description="Copy this application's test data for the NINO; 404 when it has none.",
                parameters=[
                    _query_parameter(
                        "nino",
                        "The National Insurance number whose data to copy (missing or "
                        "malformed: FORMAT_NINO).",
                        required=True,
                    )
                ],
                success={
                    201: _success(
                        "The checkpoint",
                        _schema("CheckpointCreated"),
                        {"checkpointId": "a1e8057e-fbbc-47a8-a8b4-78d9f015c253"},
                    )
                },
                errors_=_sats_errors("FORMAT_NINO", "MATCHING_RESOURCE_NOT_FOUND"),
            ),
        },
        f"{SATS_PREFIX}/vendor-state/checkpoints/{{checkpointId}}": {
            "delete": _api_operation(
                test_support.DELETE_CHECKPOINT,
                operation_id="deleteCheckpoint",
                tag=TAG_SATS,
                description="Delete one of this application's checkpoints.",
                parameters=[_CHECKPOINT_ID],
                success={204: _success("Deleted")},
                errors_=_sats_errors("FORMAT_CHECKPOINT_ID", "MATCHING_RESOURCE_NOT_FOUND"),
            )
        },
        f"{SATS_PREFIX}/vendor-state/checkpoints/{{checkpointId}}/restore": {
            "post": _api_operation(
                test_support.RESTORE_CHECKPOINT,
                operation_id="restoreCheckpoint",
                tag=TAG_SATS,
                description="Put this application's test data for the checkpoint's NINO back "
                "as the checkpoint copied it. 201 with no body.",
                parameters=[_CHECKPOINT_ID],
                success={201: _success("Restored (no body)")},
                errors_=_sats_errors("FORMAT_CHECKPOINT_ID", "MATCHING_RESOURCE_NOT_FOUND"),
            )
        },
        f"{SATS_PREFIX}/business/{{nino}}": {
            "post": _api_operation(
                test_support.CREATE_BUSINESS,
                operation_id="createTestBusiness",
                tag=TAG_SATS,
                description="Create a test business for the NINO (one of each property type "
                "at most).",
                parameters=[_SATS_NINO_PATH],
                request_body={
                    "required": True,
                    "content": _json_content(_schema("CreateBusiness")),
                },
                success={
                    201: _success(
                        "The business",
                        _schema("BusinessCreated"),
                        {"businessId": "XAIS12345678910"},
                    )
                },
                errors_=_sats_errors(
                    "FORMAT_NINO",
                    "FORMAT_TYPE_OF_BUSINESS",
                    "FORMAT_DATE",
                    "FORMAT_TAX_YEAR",
                    "FORMAT_ACCOUNTING_TYPE",
                    "FORMAT_POSTCODE",
                    "FORMAT_LATENCY_INDICATOR",
                    "MISSING_POSTCODE",
                    "FORMAT_COUNTRY_CODE",
                    "RULE_COMMENCEMENT_DATE_NOT_SUPPORTED",
                    "RULE_PROPERTY_BUSINESS_ADDED",
                    "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED",
                    "RULE_TAX_YEAR_RANGE_INVALID",
                    "MISSING_FIRST_ACCOUNTING_PERIOD_START_DATE",
                    "MISSING_FIRST_ACCOUNTING_PERIOD_END_DATE",
                    "RULE_FIRST_ACCOUNTING_DATE_RANGE_INVALID",
                    "RULE_UNEXPECTED_BUSINESS_ADDRESS",
                    "RULE_MISSING_BUSINESS_ADDRESS",
                    "RULE_UNEXPECTED_TRADING_NAME",
                    "RULE_MISSING_TRADING_NAME",
                ),
                extra_examples=_sats_multi("FORMAT_ACCOUNTING_TYPE", "FORMAT_DATE"),
            )
        },
        f"{SATS_PREFIX}/business/{{nino}}/{{businessId}}": {
            "delete": _api_operation(
                test_support.DELETE_BUSINESS,
                operation_id="deleteTestBusiness",
                tag=TAG_SATS,
                description="Delete one of this application's test businesses.",
                parameters=[
                    _SATS_NINO_PATH,
                    _path_parameter(
                        "businessId",
                        "X, a capital letter or digit, IS and 11 digits; else FORMAT_BUSINESS_ID.",
                        example="XAIS12345678910",
                    ),
                ],
                success={204: _success("Deleted")},
                errors_=_sats_errors(
                    "FORMAT_NINO", "FORMAT_BUSINESS_ID", "MATCHING_RESOURCE_NOT_FOUND"
                ),
                extra_examples=_sats_multi("FORMAT_NINO", "FORMAT_BUSINESS_ID"),
            )
        },
    }
