"""The emulator's OpenAPI document: Test Fraud Prevention Headers 1.0."""

from __future__ import annotations

from openmtd.emulator.apis import fraud_headers as fph
from openmtd.emulator.apis import itsa_status
from openmtd.emulator.openapi.common import (
    FRAUD_PREVENTION_HEADERS,
    JSON,
    TAG_FPH,
    _api_operation,
    _array,
    _object,
    _path_parameter,
    _query_parameter,
    _ref,
    _schema,
    _string,
    _success,
)
from openmtd.emulator.platform import errors
from openmtd.rules.fraud_headers import (
    INVALID_HEADERS,
    POTENTIALLY_INVALID_HEADERS,
    SPEC_VERSION,
    VALID_HEADERS,
    ConnectionMethod,
)


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
