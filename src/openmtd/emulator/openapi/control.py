"""The emulator's OpenAPI document: openmtd's ``/emulator/*`` control API (its sign-up and
agent facts are in :mod:`~openmtd.emulator.openapi.sign_up` and
:mod:`~openmtd.emulator.openapi.agents`)."""

from __future__ import annotations

from collections.abc import Mapping

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
from openmtd.emulator.openapi.common import (
    JSON,
    PATH,
    TAG_CONTROL,
    _array,
    _json_content,
    _object,
    _schema,
    _string,
)
from openmtd.emulator.openapi.oauth import (
    _oauth_example,
)


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
