"""The emulator's own OpenAPI 3.0 document, served at ``GET /emulator/openapi.json``.

It describes what the emulator serves over JSON: HMRC's APIs (Retrieve ITSA Status, Self
Assessment Test Support, Create Test User, Test Fraud Prevention Headers), HMRC's OAuth 2.0
endpoints (``/oauth/authorize``, ``/oauth/token``) and openmtd's ``/emulator/*`` control API.
The browser pages (sign-in, grant authority, Developer Hub) are HTML and are not in it.

The description is hand-maintained here, compactly: paths, parameters (``Accept``, the
``Gov-Test-Scenario`` and fraud prevention headers included), request and response schemas,
status codes and every error with its exact code and message. Shapes follow HMRC's published
OAS files; the emulator never reads those at run time. Where a value already lives in code (an
endpoint's versions, access and scope; an error's code and message; an enum) it is taken from
there, so the document cannot drift from what the emulator answers.
``tests/conformance/test_hmrc_oas.py`` proves the document agrees with HMRC's OAS files and
``tests/fuzz/test_fuzz_api.py`` fuzzes the emulator against it.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from openmtd.emulator.apis import fraud_headers as fph
from openmtd.emulator.apis import itsa_status, test_support, test_users
from openmtd.emulator.control import (
    ACCOUNT_LOCKED,
    FORMAT_API,
    FORMAT_FIELD_MISSING,
    FORMAT_FIELD_TYPE,
    FORMAT_FIELD_UNKNOWN,
    FORMAT_GRANT_LENGTH,
    FORMAT_NAME,
    FORMAT_RATE_LIMIT,
    FORMAT_REDIRECT_URI,
    FORMAT_REDIRECT_URIS,
    FORMAT_VALUE,
    IDENTITY_VERIFICATION_REQUIRED,
    INVALID_CREDENTIALS,
    INVALID_CREDENTIALS_MESSAGE,
    INVALID_REQUEST,
    INVALID_REQUEST_MESSAGE,
    INVALID_TWO_STEP_CODE,
    TWO_STEP_REQUIRED,
)
from openmtd.emulator.devhub import applications as devhub
from openmtd.emulator.gateway.identity import IvOutcome
from openmtd.emulator.oauth import errors as oauth_errors
from openmtd.emulator.oauth.journey import REFUSAL_MESSAGES
from openmtd.emulator.oauth.scopes import SCOPES
from openmtd.emulator.oauth.tokens import ACCESS_TOKEN_LIFETIME, GRANT_TYPES
from openmtd.emulator.platform import errors
from openmtd.emulator.platform.errors import ErrorItem, validation_error
from openmtd.emulator.platform.fraud_headers import (
    INVALID_HEADERS,
    POTENTIALLY_INVALID_HEADERS,
    SPEC_VERSION,
    VALID_HEADERS,
    ConnectionMethod,
)
from openmtd.emulator.platform.gateway import Access, Endpoint
from openmtd.rules.errors import WIRE_MESSAGES
from openmtd.rules.itsa_status import ItsaStatus, StatusReason

JSON = dict[str, Any]
#: (HTTP status, code, message): how every error is declared in code.
ErrorSpec = tuple[int, str, str]

OPENAPI_VERSION: Final = "3.0.3"
PATH: Final = "/emulator/openapi.json"

# --- tags ----------------------------------------------------------------------------------
TAG_ITSA: Final = "Self Assessment Individual Details (MTD) 2.0"
TAG_SATS: Final = "Self Assessment Test Support (MTD) 1.0"
TAG_CTU: Final = "Create Test User 1.0"
TAG_FPH: Final = "Test Fraud Prevention Headers 1.0"
TAG_OAUTH: Final = "OAuth 2.0"
TAG_CONTROL: Final = "Emulator control"

SATS_PREFIX: Final = "/individuals/self-assessment-test-support"

#: The fraud prevention headers (spec v3.3), as HMRC spells them; sent on every MTD API call
#: and read by the Test Fraud Prevention Headers API.
FRAUD_PREVENTION_HEADERS: Final = (
    "Gov-Client-Connection-Method",
    "Gov-Client-Device-ID",
    "Gov-Client-Local-IPs",
    "Gov-Client-Local-IPs-Timestamp",
    "Gov-Client-MAC-Addresses",
    "Gov-Client-Multi-Factor",
    "Gov-Client-Public-IP",
    "Gov-Client-Public-IP-Timestamp",
    "Gov-Client-Public-Port",
    "Gov-Client-Screens",
    "Gov-Client-Timezone",
    "Gov-Client-User-Agent",
    "Gov-Client-Browser-JS-User-Agent",
    "Gov-Client-User-IDs",
    "Gov-Client-Window-Size",
    "Gov-Vendor-Forwarded",
    "Gov-Vendor-License-IDs",
    "Gov-Vendor-Product-Name",
    "Gov-Vendor-Public-IP",
    "Gov-Vendor-Version",
)

_STATUS_TEXT: Final = {
    200: "Success",
    201: "Created",
    204: "Success (no content)",
    400: "Bad request",
    401: "Unauthorised",
    403: "Forbidden",
    404: "Not found",
    406: "Not acceptable",
    429: "Too many requests",
    500: "Internal server error",
}

#: When each error is answered (the example's summary), by code.
_WHEN: Final = {
    "ACCEPT_HEADER_INVALID": "The Accept header is missing or not application/vnd.hmrc.X.Y+json.",
    "NOT_FOUND": "The Accept header names a version this endpoint does not serve.",
    "MISSING_CREDENTIALS": "No Authorization: Bearer header.",
    "INVALID_CREDENTIALS": "The access token is unknown, expired or revoked.",
    "INCORRECT_ACCESS_TOKEN_TYPE": "An application (client_credentials) token was sent to a "
    "user-restricted endpoint.",
    "MESSAGE_THROTTLED_OUT": "The application sent more requests this second than its rate "
    "limit allows.",
    "RESOURCE_FORBIDDEN": "The application is not subscribed to this API.",
    "INVALID_SCOPE": "The token lacks the scope this endpoint needs.",
    "INTERNAL_SERVER_ERROR": "A stored record the API cannot express.",
    "INVALID_REQUEST": "Several validation errors at once, listed in errors and sorted by code.",
    "RULE_INCORRECT_GOV_TEST_SCENARIO": "An unknown Gov-Test-Scenario value.",
    "MATCHING_RESOURCE_NOT_FOUND": "No matching data.",
    "CLIENT_OR_AGENT_NOT_AUTHORISED": "The client or agent is not authorised.",
    "CLIENT_NOT_MTD_ENROLLED": "The client has no active MTD enrolment "
    "(or Gov-Test-Scenario: NOT_ENROLLED).",
    "NINO_ALREADY_USED": "The nino asked for is already used by another test user.",
    "FORMAT_CONNECTION_METHOD": "connectionMethod is not one of the eight connection methods.",
}


# --- small builders ------------------------------------------------------------------------
def _ref(kind: str, name: str) -> JSON:
    return {"$ref": f"#/components/{kind}/{name}"}


def _schema(name: str) -> JSON:
    return _ref("schemas", name)


def _string(description: str | None = None, **extra: Any) -> JSON:
    schema: JSON = {"type": "string", **extra}
    if description:
        schema["description"] = description
    return schema


def _object(
    properties: Mapping[str, JSON],
    required: Sequence[str] = (),
    *,
    closed: bool = True,
    description: str | None = None,
) -> JSON:
    schema: JSON = {"type": "object", "properties": dict(properties)}
    if required:
        schema["required"] = list(required)
    if closed:
        schema["additionalProperties"] = False
    if description:
        schema["description"] = description
    return schema


def _array(items: JSON, description: str | None = None, **extra: Any) -> JSON:
    schema: JSON = {"type": "array", "items": items, **extra}
    if description:
        schema["description"] = description
    return schema


def _json_content(schema: JSON, examples: Mapping[str, JSON] | None = None) -> JSON:
    media: JSON = {"schema": schema}
    if examples:
        media["examples"] = dict(examples)
    return {"application/json": media}


def _api_headers() -> JSON:
    return {
        "X-CorrelationId": _ref("headers", "X-CorrelationId"),
        "X-Content-Type-Options": _ref("headers", "X-Content-Type-Options"),
    }


def _success(
    description: str,
    schema: JSON | None = None,
    example: Any = None,
) -> JSON:
    response: JSON = {"description": description, "headers": _api_headers()}
    if schema is not None:
        examples = {"example": {"value": example}} if example is not None else None
        response["content"] = _json_content(schema, examples)
    return response


def _error_example(code: str, message: str) -> JSON:
    example: JSON = {"value": {"code": code, "message": message}}
    when = _WHEN.get(code)
    if when:
        example["summary"] = when
    return example


def _bad_request(code: str, message: str) -> ErrorSpec:
    return (400, code, message)


def _error_responses(
    specs: Iterable[ErrorSpec],
    extra_examples: Mapping[int, Mapping[str, JSON]] | None = None,
    *,
    schema: str = "Error",
) -> JSON:
    """One response per status, with one example per code (named by the code)."""
    by_status: dict[int, dict[str, JSON]] = {}
    for status, code, message in specs:
        by_status.setdefault(status, {}).setdefault(code, _error_example(code, message))
    for status, examples in (extra_examples or {}).items():
        by_status.setdefault(status, {}).update(examples)
    responses: JSON = {}
    for status in sorted(by_status):
        response: JSON = {
            "description": _STATUS_TEXT[status],
            "headers": _api_headers(),
            "content": _json_content(_schema(schema), by_status[status]),
        }
        if status == 401:
            response["headers"]["WWW-Authenticate"] = _ref("headers", "WWW-Authenticate")
        responses[str(status)] = response
    return responses


def _gateway_errors(endpoint: Endpoint) -> list[ErrorSpec]:
    """What HMRC's API platform answers before an endpoint runs (``platform/gateway.py``)."""
    specs = [errors.ACCEPT_HEADER_INVALID, errors.VERSION_NOT_FOUND]
    if endpoint.access is Access.OPEN:
        return specs
    specs += [errors.MISSING_CREDENTIALS, errors.INVALID_CREDENTIALS]
    if endpoint.access is Access.USER:
        specs.append(errors.INCORRECT_ACCESS_TOKEN_TYPE)
    specs += [errors.MESSAGE_THROTTLED_OUT, errors.RESOURCE_FORBIDDEN]
    if endpoint.scope is not None:
        specs.append(errors.INVALID_SCOPE)
    return specs


def _accept_parameter(endpoint: Endpoint) -> JSON:
    versions = sorted(endpoint.versions)
    return {
        "name": "Accept",
        "in": "header",
        "required": True,
        "description": "The API version: "
        + ", ".join(f"application/vnd.hmrc.{v}+json" for v in versions)
        + ". Missing or malformed: 406 ACCEPT_HEADER_INVALID; another version: 404 NOT_FOUND.",
        "schema": {"type": "string", "enum": [f"application/vnd.hmrc.{v}+json" for v in versions]},
    }


def _authorization_parameter(endpoint: Endpoint) -> JSON:
    if endpoint.access is Access.USER:
        what = f"a user's OAuth 2.0 access token with the {endpoint.scope} scope"
    else:
        what = "an OAuth 2.0 access token (an application's client_credentials token will do)"
    return {
        "name": "Authorization",
        "in": "header",
        "required": True,
        "description": f"Bearer and {what}.",
        "schema": {"type": "string", "example": "Bearer bb7fed3fe10dd235a2ccda3d50fb"},
    }


def _security(endpoint: Endpoint) -> list[JSON]:
    if endpoint.access is Access.OPEN:
        return []
    if endpoint.access is Access.USER:
        return [{"userRestricted": [endpoint.scope] if endpoint.scope else []}]
    return [{"applicationRestricted": []}]


def _api_operation(
    endpoint: Endpoint,
    *,
    operation_id: str,
    tag: str,
    description: str,
    success: Mapping[int, JSON],
    errors_: Iterable[ErrorSpec] = (),
    extra_examples: Mapping[int, Mapping[str, JSON]] | None = None,
    parameters: Sequence[JSON] = (),
    request_body: JSON | None = None,
) -> JSON:
    """One HMRC API operation behind the platform: its own parameters and errors plus the
    gateway's (Accept, Authorization, fraud prevention headers, 401/403/404/406/429)."""
    all_parameters = [*parameters, _accept_parameter(endpoint)]
    if endpoint.access is not Access.OPEN:
        all_parameters.append(_authorization_parameter(endpoint))
    if endpoint.fraud_headers:
        all_parameters += [_ref("parameters", name) for name in FRAUD_PREVENTION_HEADERS]
    responses: JSON = {str(status): response for status, response in success.items()}
    responses.update(
        _error_responses([*errors_, *_gateway_errors(endpoint)], extra_examples=extra_examples)
    )
    operation: JSON = {
        "tags": [tag],
        "summary": endpoint.name,
        "description": description,
        "operationId": operation_id,
        "parameters": all_parameters,
        "responses": dict(sorted(responses.items())),
    }
    security = _security(endpoint)
    if security:
        operation["security"] = security
    if request_body is not None:
        operation["requestBody"] = request_body
    return operation


def _path_parameter(name: str, description: str, **schema: Any) -> JSON:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", **schema},
    }


def _query_parameter(name: str, description: str, *, required: bool = False, **schema: Any) -> JSON:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": {"type": "string", **schema},
    }


NINO_DESCRIPTION: Final = (
    "National Insurance number as HMRC's MTD APIs accept it: 2 letters (not BG, GB, KN, NK, "
    "NT, TN or ZZ), 6 digits and an optional A, B, C or D, e.g. TC663795B. Anything else is "
    "400 FORMAT_NINO."
)
TAX_YEAR_DESCRIPTION: Final = (
    "A tax year as YYYY-YY, e.g. 2026-27; a range of more than one year is "
    "RULE_TAX_YEAR_RANGE_INVALID. There is no minimum tax year."
)


def _invalid_request(items: Sequence[ErrorSpec]) -> JSON:
    wrapped = validation_error(400, [ErrorItem(code, message) for _, code, message in items])
    return {"value": wrapped.body(), "summary": _WHEN["INVALID_REQUEST"]}


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


# --- Create Test User ----------------------------------------------------------------------
def _services_for(user_type: test_users.UserType) -> list[str]:
    return [s.key for s in test_users.AVAILABLE_SERVICES if user_type in s.user_types]


def _ctu_schemas() -> dict[str, JSON]:
    def service_names(user_type: test_users.UserType) -> JSON:
        return _array(
            _string(enum=_services_for(user_type)),
            "The services to enrol the user for (none: an empty list, or no body).",
            uniqueItems=True,
        )

    eori = _string(
        "An EORI: GB or XI then 12 to 15 digits, or 2 letters then up to 15 digits.",
        minLength=3,
        maxLength=17,
    )
    nino = _string("Use this NINO (with national-insurance or mtd-income-tax).")
    address = _object(
        {"line1": _string(), "line2": _string(), "postcode": _string()},
        ["line1", "line2", "postcode"],
    )
    individual_details = _object(
        {
            "firstName": _string(),
            "lastName": _string(),
            "dateOfBirth": _string(format="date"),
            "address": address,
        },
        ["firstName", "lastName", "dateOfBirth", "address"],
    )
    user = {
        "userId": _string("Government Gateway user ID (12 digits)."),
        "password": _string("Government Gateway password; shown once."),
        "userFullName": _string(),
        "emailAddress": _string(),
    }
    user_required = ["userId", "password", "userFullName", "emailAddress"]
    identifiers = {
        "saUtr": _string("Self Assessment UTR."),
        "nino": _string("National Insurance number."),
        "mtdItId": _string("MTD Income Tax ID."),
        "eoriNumber": _string(),
        "vrn": _string("VAT registration number."),
        "vatRegistrationDate": _string(format="date"),
    }
    return {
        "CreateIndividual": _object(
            {
                "serviceNames": service_names(test_users.UserType.INDIVIDUAL),
                "eoriNumber": eori,
                "nino": nino,
            },
            closed=False,
        ),
        "CreateOrganisation": _object(
            {
                "serviceNames": service_names(test_users.UserType.ORGANISATION),
                "eoriNumber": eori,
                "exciseNumber": _string(
                    minLength=13, maxLength=13, pattern="^[A-Z]{2}[a-zA-Z0-9]{11}$"
                ),
                "nino": nino,
                "taxPayerType": _string(enum=["Individual", "Partnership"]),
                "pillar2Id": _string(),
            },
            closed=False,
        ),
        "CreateAgent": _object(
            {"serviceNames": service_names(test_users.UserType.AGENT)}, closed=False
        ),
        "IndividualCreated": _object(
            {**user, "individualDetails": individual_details, **identifiers},
            [*user_required, "individualDetails"],
        ),
        "OrganisationCreated": _object(
            {
                **user,
                "organisationDetails": _object(
                    {"name": _string(), "address": address}, ["name", "address"]
                ),
                "individualDetails": individual_details,
                **identifiers,
                "empRef": _string(),
                "ctUtr": _string(),
                "lisaManagerReferenceNumber": _string(),
                "secureElectronicTransferReferenceNumber": _string(),
                "pensionSchemeAdministratorIdentifier": _string(),
                "exciseNumber": _string(),
                "crn": _string(),
                "taxPayerType": _string(),
                "pillar2Id": _string(),
            },
            [*user_required, "organisationDetails"],
        ),
        "AgentCreated": _object(
            {**user, "agentServicesAccountNumber": _string("Agent reference number (ARN).")},
            user_required,
        ),
        "Services": _array(
            _object(
                {
                    "key": _string(),
                    "name": _string(),
                    "allowedUserTypes": _array(
                        _string(enum=[user_type.value for user_type in test_users.UserType])
                    ),
                },
                ["key", "name", "allowedUserTypes"],
            )
        ),
    }


def _ctu_paths() -> dict[str, JSON]:
    invalid = (400, test_users.INVALID_REQUEST, "The request body must be a JSON object")
    paths: dict[str, JSON] = {}
    for kind, endpoint, request_schema, created, extra in (
        ("individuals", test_users.INDIVIDUALS, "CreateIndividual", "IndividualCreated", True),
        (
            "organisations",
            test_users.ORGANISATIONS,
            "CreateOrganisation",
            "OrganisationCreated",
            True,
        ),
        ("agents", test_users.AGENTS, "CreateAgent", "AgentCreated", False),
    ):
        specs = [invalid, test_users.NINO_ALREADY_USED] if extra else [invalid]
        paths[f"/create-test-user/{kind}"] = {
            "post": _api_operation(
                endpoint,
                operation_id=f"createTest{kind.capitalize()[:-1]}",
                tag=TAG_CTU,
                description="Create a Government Gateway test user (confidence level 250, "
                "no 2-step verification) enrolled for the services asked for; it signs in "
                "through the grant-authority journey like any account. With mtd-income-tax "
                "the user is signed up for MTD from the current tax year. A malformed body is "
                "400 INVALID_REQUEST naming the problem (openmtd's; HMRC's OAS has none).",
                request_body={
                    "required": False,
                    "content": _json_content(_schema(request_schema)),
                },
                success={201: _success("The test user", _schema(created))},
                errors_=specs,
            )
        }
    paths["/create-test-user/services"] = {
        "get": _api_operation(
            test_users.SERVICES,
            operation_id="getTestUserServices",
            tag=TAG_CTU,
            description="Every service a test user can be enrolled for, and which user types "
            "may have it.",
            success={200: _success("The services", _schema("Services"))},
        )
    }
    return paths


# --- Test Fraud Prevention Headers ---------------------------------------------------------
def _fph_schemas() -> dict[str, JSON]:
    finding = _object({"code": _string(), "message": _string()}, ["code", "message"])
    issue = _object(
        {"code": _string(), "message": _string(), "headers": _array(_string())},
        ["code", "message", "headers"],
    )
    return {
        "HeadersValidated": _object(
            {
                "specVersion": _string(enum=[SPEC_VERSION]),
                "code": _string(enum=[VALID_HEADERS, INVALID_HEADERS, POTENTIALLY_INVALID_HEADERS]),
                "message": _string(),
                "errors": _array(issue),
                "warnings": _array(issue),
            },
            ["specVersion", "code", "message"],
        ),
        "ValidationFeedback": _object(
            {
                "requests": _array(
                    _object(
                        {
                            "path": _string(),
                            "method": _string(),
                            "requestTimestamp": _string(),
                            "code": _string(),
                            "headers": _array(
                                _object(
                                    {
                                        "header": _string(),
                                        "value": _string(nullable=True),
                                        "code": _string(),
                                        "errors": _array(finding),
                                        "warnings": _array(finding),
                                    },
                                    ["header", "value", "code", "errors", "warnings"],
                                )
                            ),
                            "crossValidation": _array(
                                _object(
                                    {
                                        "headers": _array(_string()),
                                        "code": _string(),
                                        "errors": _array(finding),
                                        "warnings": _array(finding),
                                    },
                                    ["headers", "code", "errors", "warnings"],
                                )
                            ),
                        },
                        ["path", "method", "requestTimestamp", "code", "headers"],
                    )
                )
            },
            ["requests"],
        ),
    }


def _fph_paths() -> dict[str, JSON]:
    fraud_parameters = [_ref("parameters", name) for name in FRAUD_PREVENTION_HEADERS]
    return {
        "/test/fraud-prevention-headers/validate": {
            "get": _api_operation(
                fph.VALIDATE,
                operation_id="validateFraudPreventionHeaders",
                tag=TAG_FPH,
                description="Feedback on this request's fraud prevention headers (spec "
                f"{SPEC_VERSION}).",
                parameters=fraud_parameters,
                success={200: _success("The feedback", _schema("HeadersValidated"))},
            )
        },
        "/test/fraud-prevention-headers/{api}/validation-feedback": {
            "get": _api_operation(
                fph.FEEDBACK,
                operation_id="fraudPreventionHeadersFeedback",
                tag=TAG_FPH,
                description="The latest check of each endpoint of an API this application called.",
                parameters=[
                    _path_parameter(
                        "api",
                        "The API's subscription name; an unknown one is 404.",
                        example=itsa_status.ENDPOINT.api,
                    ),
                    _query_parameter(
                        "connectionMethod",
                        "Only requests sent with this connection method.",
                        enum=[method.value for method in ConnectionMethod],
                    ),
                ],
                success={200: _success("The feedback", _schema("ValidationFeedback"))},
                errors_=[fph.FORMAT_CONNECTION_METHOD, errors.MATCHING_RESOURCE_NOT_FOUND],
            )
        },
    }


# --- OAuth 2.0 -----------------------------------------------------------------------------
def _oauth_example(error: str, description: str) -> JSON:
    return {"value": {"error": error, "error_description": description}}


def _oauth_examples(*pairs: tuple[str, str]) -> dict[str, JSON]:
    return {description: _oauth_example(error, description) for error, description in pairs}


def _oauth_paths() -> dict[str, JSON]:
    e = oauth_errors
    invalid_request = "invalid_request"
    authorize_errors = _oauth_examples(
        (invalid_request, e.CLIENT_ID_REQUIRED),
        (invalid_request, e.CLIENT_ID_INVALID),
        (invalid_request, e.REDIRECT_URI_REQUIRED),
        (invalid_request, e.REDIRECT_URI_INVALID),
        (invalid_request, e.RESPONSE_TYPE_REQUIRED),
        ("unsupported_response_type", e.RESPONSE_TYPE_MUST_BE_CODE),
        (invalid_request, e.SCOPE_REQUIRED),
        ("invalid_scope", e.SCOPE_INVALID),
        (invalid_request, e.CLIENT_SECRET_NOT_ALLOWED),
        (invalid_request, e.CODE_CHALLENGE_EMPTY),
        (invalid_request, e.CODE_CHALLENGE_METHOD_NOT_S256),
        (invalid_request, e.CODE_CHALLENGE_METHOD_REQUIRED),
        (invalid_request, e.CODE_CHALLENGE_REQUIRED),
    )
    token_errors = _oauth_examples(
        (invalid_request, e.CLIENT_ID_REQUIRED),
        (invalid_request, e.CLIENT_SECRET_REQUIRED),
        (invalid_request, e.GRANT_TYPE_REQUIRED),
        (invalid_request, e.UNSUPPORTED_GRANT_TYPE),
        (invalid_request, e.REDIRECT_URI_REQUIRED),
        (invalid_request, e.REDIRECT_URI_INVALID),
        (invalid_request, e.CODE_REQUIRED),
        (invalid_request, e.CODE_INVALID),
        (invalid_request, e.CODE_VERIFIER_NOT_EXPECTED),
        (invalid_request, e.CODE_VERIFIER_REQUIRED),
        (invalid_request, e.CODE_VERIFIER_MALFORMED),
        ("invalid_grant", e.CODE_VERIFIER_INVALID),
        (invalid_request, e.REFRESH_TOKEN_REQUIRED),
        ("invalid_grant", e.REFRESH_TOKEN_INVALID),
        ("invalid_scope", e.SCOPE_INVALID),
    )
    no_store = {
        "Cache-Control": {"schema": _string(enum=["no-store"])},
        "Pragma": {"schema": _string(enum=["no-cache"])},
    }

    def oauth_error(description: str, examples: Mapping[str, JSON]) -> JSON:
        return {
            "description": description,
            "headers": dict(no_store),
            "content": _json_content(_schema("OAuthError"), examples),
        }

    def query(name: str, description: str, **schema: Any) -> JSON:
        return _query_parameter(name, description, **schema)

    token_form = _object(
        {
            "grant_type": _string(enum=list(GRANT_TYPES)),
            "client_id": _string(),
            "client_secret": _string(),
            "code": _string("authorization_code: the code from the redirect."),
            "redirect_uri": _string("authorization_code: the one sent to /oauth/authorize."),
            "code_verifier": _string("authorization_code with PKCE: 43 to 128 characters."),
            "refresh_token": _string("refresh_token: the latest refresh token (single use)."),
            "scope": _string("client_credentials: space-separated scopes (optional)."),
        },
        ["grant_type", "client_id", "client_secret"],
        closed=False,
    )
    return {
        "/oauth/authorize": {
            "get": {
                "tags": [TAG_OAUTH],
                "summary": "Start the grant-authority journey (browser)",
                "description": "Checks the request as HMRC does, then redirects the browser to "
                "the journey's first page (sign in, grant authority) and finally to the "
                "redirect_uri with ?code=...&state=... (or ?error=access_denied...). A bad "
                "request is never redirected: 400 with RFC 6749's JSON body.",
                "operationId": "oauthAuthorize",
                "parameters": [
                    query("response_type", "Must be code.", enum=["code"]),
                    query("client_id", "The application's client ID."),
                    query("redirect_uri", "One of the application's redirect URIs, exactly."),
                    query("scope", "Space-separated scopes.", enum=list(SCOPES)),
                    query("state", "Sent back unchanged."),
                    query("code_challenge", "PKCE: BASE64URL(SHA-256(code_verifier))."),
                    query("code_challenge_method", "PKCE: S256 only.", enum=["S256"]),
                ],
                "responses": {
                    "303": {
                        "description": "See other: to the journey (a browser session starts)",
                        "headers": {"Location": {"schema": _string()}},
                    },
                    "400": oauth_error("The request is refused", authorize_errors),
                },
            }
        },
        "/oauth/token": {
            "post": {
                "tags": [TAG_OAUTH],
                "summary": "Exchange a code, refresh a token, or get an application token",
                "description": "Access tokens last "
                f"{int(ACCESS_TOKEN_LIFETIME.total_seconds())} seconds; codes and refresh "
                "tokens are single use, and a refresh revokes the previous access token.",
                "operationId": "oauthToken",
                "requestBody": {
                    "required": True,
                    "content": {"application/x-www-form-urlencoded": {"schema": token_form}},
                },
                "responses": {
                    "200": {
                        "description": "The tokens",
                        "headers": dict(no_store),
                        "content": _json_content(_schema("TokenResponse")),
                    },
                    "400": oauth_error("The request is refused", token_errors),
                    "401": oauth_error(
                        "Client authentication failed",
                        _oauth_examples(("invalid_client", e.INVALID_CLIENT_CREDENTIALS)),
                    ),
                },
            }
        },
    }


def _oauth_schemas() -> dict[str, JSON]:
    return {
        "OAuthError": _object(
            {"error": _string(), "error_description": _string()},
            ["error", "error_description"],
            description="RFC 6749's error body, with HMRC's descriptions.",
        ),
        "TokenResponse": _object(
            {
                "access_token": _string(),
                "token_type": _string(enum=["bearer"]),
                "expires_in": {"type": "integer"},
                "refresh_token": _string("Not for client_credentials."),
                "scope": _string(),
            },
            ["access_token", "token_type", "expires_in"],
        ),
    }


# --- the control API -----------------------------------------------------------------------
def _control_example(code: str, message: str, *fields: tuple[str, str, str]) -> JSON:
    value: JSON = {"code": code, "message": message}
    if fields:
        value["errors"] = [{"code": c, "message": m, "path": p} for c, m, p in fields]
    return {"value": value}


def _control_error(
    description: str, examples: Mapping[str, JSON], schema: JSON | None = None
) -> JSON:
    return {
        "description": description,
        "content": _json_content(schema or _schema("ControlError"), examples),
    }


def _control_schemas() -> dict[str, JSON]:
    field_error = _object(
        {
            "code": _string(
                enum=[
                    FORMAT_FIELD_MISSING,
                    FORMAT_FIELD_UNKNOWN,
                    FORMAT_FIELD_TYPE,
                    FORMAT_VALUE,
                    FORMAT_NAME,
                    FORMAT_REDIRECT_URIS,
                    FORMAT_REDIRECT_URI,
                    FORMAT_API,
                    FORMAT_RATE_LIMIT,
                    FORMAT_GRANT_LENGTH,
                ]
            ),
            "message": _string(),
            "path": _string("A JSON pointer into the request body."),
        },
        ["code", "message", "path"],
    )
    application = _application_fields()
    return {
        "ControlError": _object(
            {"code": _string(), "message": _string(), "errors": _array(field_error)},
            ["code", "message"],
            description="The control API's errors (openmtd's codes, HMRC's style).",
        ),
        "ApplicationCreated": _object(
            {
                "clientId": _string(),
                "clientSecret": _string("Shown only here."),
                **application,
            },
            [
                "clientId",
                "clientSecret",
                "name",
                "redirectUris",
                "apis",
                "rateLimitPerSecond",
                "grantLengthDays",
            ],
        ),
        "GrantResult": _object(
            {"location": _string("The redirect URI with ?code=... or ?error=...")},
            ["location"],
        ),
        "Clock": _object(
            {"now": _string("UTC with milliseconds, e.g. 2026-11-26T10:00:00.000Z.")}, ["now"]
        ),
    }


def _application_fields() -> dict[str, JSON]:
    apis = _array(_string(enum=list(devhub.EMULATED_APIS)))
    return {
        "name": _string(),
        "redirectUris": _array(_string(), minItems=1, maxItems=5),
        "apis": apis,
        "rateLimitPerSecond": {
            "type": "integer",
            "minimum": 1,
            "maximum": devhub.MAX_RATE_LIMIT,
            "default": devhub.DEFAULT_RATE_LIMIT,
        },
        "grantLengthDays": {
            "type": "integer",
            "enum": list(devhub.GRANT_LENGTHS_DAYS),
            "default": devhub.DEFAULT_GRANT_LENGTH_DAYS,
        },
    }


def _control_request_schemas() -> dict[str, JSON]:
    return {
        "ApplicationRequest": _object(_application_fields(), ["name", "redirectUris"]),
        "GrantRequest": _object(
            {
                "clientId": _string(),
                "redirectUri": _string(),
                "scope": _string("Space-separated scopes."),
                "state": _string(),
                "codeChallenge": _string(),
                "codeChallengeMethod": _string(),
                "userId": _string("The Government Gateway user ID."),
                "password": _string(),
                "twoStepCode": _string("The 2-step verification code, when the account has 2SV."),
                "identityVerification": _string(enum=[outcome.value for outcome in IvOutcome]),
                "decision": _string(enum=["grant", "deny"], default="grant"),
            },
            ["userId", "password"],
        ),
        "ClockRequest": _object(
            {
                "now": _string("An ISO-8601 date and time with an offset.", format="date-time"),
                "advanceSeconds": {"type": "number", "description": "May be negative."},
            },
            description="Exactly one of now and advanceSeconds.",
        ),
    }


def _control_paths() -> dict[str, JSON]:
    invalid_json = _control_example(
        INVALID_REQUEST, "The request body is empty: send a JSON object"
    )
    missing = _control_example(
        INVALID_REQUEST,
        INVALID_REQUEST_MESSAGE,
        (FORMAT_FIELD_MISSING, "name is required", "/name"),
    )

    requests = _control_request_schemas()

    def body(schema: str) -> JSON:
        # Inline (not a $ref): a reader of one operation sees its whole request.
        return {"required": True, "content": _json_content(requests[schema])}

    def ok(description: str, schema: str, status: int = 200) -> JSON:
        return {
            str(status): {"description": description, "content": _json_content(_schema(schema))}
        }

    refusals = {
        refusal.value: _control_example(refusal.value, message)
        for refusal, message in REFUSAL_MESSAGES.items()
    }
    refusals[IDENTITY_VERIFICATION_REQUIRED] = _control_example(
        IDENTITY_VERIFICATION_REQUIRED,
        "The scopes asked for need confidence level 250 and this account is below it: send "
        "identityVerification with the outcome of the identity check, one of "
        + ", ".join(outcome.value for outcome in IvOutcome),
    )
    tag = [TAG_CONTROL]
    return {
        "/emulator/applications": {
            "post": {
                "tags": tag,
                "summary": "Register a Developer Hub application",
                "operationId": "controlCreateApplication",
                "requestBody": body("ApplicationRequest"),
                "responses": {
                    **ok("The application and its client secret", "ApplicationCreated", 201),
                    "400": _control_error(
                        "The body is refused",
                        {"EMPTY_BODY": invalid_json, "FORMAT_FIELD_MISSING": missing},
                    ),
                },
            }
        },
        "/emulator/oauth/grant": {
            "post": {
                "tags": tag,
                "summary": "Run the grant-authority journey without a browser",
                "description": "The browser journey's checks in one request: the "
                "/oauth/authorize parameters (refused with HMRC's OAuth body), the user ID and "
                "password, 2-step verification, the agent rules, identity verification.",
                "operationId": "controlGrant",
                "requestBody": body("GrantRequest"),
                "responses": {
                    **ok("Where the browser would have been sent", "GrantResult"),
                    "400": _control_error(
                        "The body, or the authorize parameters, are refused",
                        {
                            "EMPTY_BODY": invalid_json,
                            "client_id is required": _oauth_example(
                                "invalid_request", oauth_errors.CLIENT_ID_REQUIRED
                            ),
                        },
                        {"oneOf": [_schema("ControlError"), _schema("OAuthError")]},
                    ),
                    "401": _control_error(
                        "Sign-in failed",
                        {
                            INVALID_CREDENTIALS: _control_example(
                                INVALID_CREDENTIALS, INVALID_CREDENTIALS_MESSAGE
                            ),
                            ACCOUNT_LOCKED: _control_example(
                                ACCOUNT_LOCKED,
                                "Too many wrong passwords: this account cannot sign in until "
                                "2026-11-26T10:15:00.000Z",
                            ),
                            TWO_STEP_REQUIRED: _control_example(
                                TWO_STEP_REQUIRED,
                                "This account uses 2-step verification: send the code its "
                                "authenticator app shows as twoStepCode",
                            ),
                            INVALID_TWO_STEP_CODE: _control_example(
                                INVALID_TWO_STEP_CODE, "The security code is not correct"
                            ),
                        },
                    ),
                    "403": _control_error("The journey refuses this account", refusals),
                },
            }
        },
        "/emulator/clock": {
            "get": {
                "tags": tag,
                "summary": "The emulator's time",
                "operationId": "controlReadClock",
                "responses": ok("The time", "Clock"),
            },
            "post": {
                "tags": tag,
                "summary": "Set or move the emulator's time (for every worker)",
                "operationId": "controlChangeClock",
                "requestBody": body("ClockRequest"),
                "responses": {
                    **ok("The new time", "Clock"),
                    "400": _control_error("The body is refused", {"EMPTY_BODY": invalid_json}),
                },
            },
        },
        "/emulator/reset": {
            "post": {
                "tags": tag,
                "summary": "Empty the emulator's world",
                "operationId": "controlReset",
                "responses": {
                    "204": {
                        "description": "Every account, application, token and "
                        "test record is gone; the clock is real time again"
                    }
                },
            }
        },
        PATH: {
            "get": {
                "tags": tag,
                "summary": "This document",
                "operationId": "controlOpenApi",
                "responses": {
                    "200": {
                        "description": "The emulator's OpenAPI document",
                        "content": _json_content({"type": "object"}),
                    }
                },
            }
        },
    }


def _sign_up_parts() -> tuple[JSON, JSON]:
    """The control API's sign-up facts (schemas, paths), from their own module."""
    from openmtd.emulator.openapi_sign_up import sign_up_paths, sign_up_schemas

    return sign_up_schemas(), sign_up_paths()


# --- the document --------------------------------------------------------------------------
def _fraud_header_parameters() -> dict[str, JSON]:
    return {
        name: {
            "name": name,
            "in": "header",
            "required": False,
            "description": "A fraud prevention header (spec "
            f"{SPEC_VERSION}); checked and kept for the Test Fraud Prevention Headers API, "
            "never blocking.",
            "schema": {"type": "string"},
        }
        for name in FRAUD_PREVENTION_HEADERS
    }


def _components() -> JSON:
    error_item = _object(
        {"code": _string(), "message": _string(), "paths": _array(_string())},
        ["code", "message"],
    )
    schemas: JSON = {
        "Error": _object(
            {
                "code": _string("Machine-readable."),
                "message": _string("For people."),
                "paths": _array(_string(), "JSON pointers to the body fields at fault."),
                "errors": _array(_schema("ErrorItem"), "With INVALID_REQUEST: each error."),
            },
            ["code", "message"],
            description="HMRC's error envelope.",
        ),
        "ErrorItem": error_item,
        **_itsa_status_schemas(),
        **_sats_schemas(),
        **_ctu_schemas(),
        **_fph_schemas(),
        **_oauth_schemas(),
        **_control_schemas(),
        **_sign_up_parts()[0],
    }
    scopes = {scope.key: scope.display_name for scope in SCOPES.values()}
    return {
        "schemas": schemas,
        "parameters": _fraud_header_parameters(),
        "headers": {
            "X-CorrelationId": {
                "description": "A UUID identifying this response.",
                "required": True,
                "schema": _string(format="uuid", minLength=36, maxLength=36),
            },
            "X-Content-Type-Options": {"schema": _string(enum=["nosniff"])},
            "WWW-Authenticate": {
                "description": 'With INVALID_CREDENTIALS: Bearer realm="HMRC API Platform".',
                "schema": _string(),
            },
        },
        "securitySchemes": {
            "userRestricted": {
                "type": "oauth2",
                "description": "A user's access token, from the grant-authority journey.",
                "flows": {
                    "authorizationCode": {
                        "authorizationUrl": "/oauth/authorize",
                        "tokenUrl": "/oauth/token",
                        "scopes": scopes,
                    }
                },
            },
            "applicationRestricted": {
                "type": "oauth2",
                "description": "An application's access token (client_credentials).",
                "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": {}}},
            },
        },
    }


def _build() -> JSON:
    paths: JSON = {
        "/individuals/person/itsa-status/{nino}/{taxYear}": _retrieve_itsa_status(),
        **_sats_paths(),
        **_ctu_paths(),
        **_fph_paths(),
        **_oauth_paths(),
        **_control_paths(),
        **_sign_up_parts()[1],
    }
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "openmtd HMRC emulator",
            "version": "1.0",
            "description": "HMRC's Making Tax Digital for Income Tax APIs, OAuth 2.0 and test "
            "support APIs as the emulator serves them, plus its /emulator control API. Every "
            "HMRC API error is HMRC's envelope {code, message, errors?}; OAuth errors are "
            "RFC 6749's {error, error_description}. Every response carries X-CorrelationId "
            "and X-Content-Type-Options: nosniff.",
            "license": {"name": "Apache-2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"},
        },
        "tags": [
            {"name": name}
            for name in (TAG_ITSA, TAG_SATS, TAG_CTU, TAG_FPH, TAG_OAUTH, TAG_CONTROL)
        ],
        "paths": paths,
        "components": _components(),
    }


@functools.cache
def _cached() -> JSON:
    return _build()


def build_document() -> JSON:
    """The emulator's OpenAPI document (a fresh copy: callers may change it)."""
    return copy.deepcopy(_cached())
