"""The emulator's OpenAPI document: what every API's part shares (the ``JSON`` and
``ErrorSpec`` types, tags, the fraud prevention header names, status texts, when each error is
answered) and the small builders (schemas, parameters, operations, error responses)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from openmtd.emulator.platform import errors
from openmtd.emulator.platform.errors import ErrorItem, validation_error
from openmtd.emulator.platform.gateway import Access, Endpoint

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
    409: "Conflict",
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
