"""The emulator's OpenAPI document: HMRC's OAuth 2.0 endpoints (``/oauth/authorize``,
``/oauth/token``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openmtd.emulator.oauth import errors as oauth_errors
from openmtd.emulator.oauth.scopes import SCOPES
from openmtd.emulator.oauth.tokens import ACCESS_TOKEN_LIFETIME, GRANT_TYPES
from openmtd.emulator.openapi.common import (
    JSON,
    TAG_OAUTH,
    _json_content,
    _object,
    _query_parameter,
    _schema,
    _string,
)


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
