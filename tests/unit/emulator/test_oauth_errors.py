"""Tests for openmtd.emulator.oauth.errors: HMRC's exact OAuth error texts, bodies and headers."""

from __future__ import annotations

import pytest

from openmtd.emulator.oauth import errors
from openmtd.emulator.oauth.errors import (
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
    InvalidScopeError,
    OAuthError,
    ServerError,
    UnsupportedResponseTypeError,
    denied_redirect_params,
)

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}

# HMRC's texts, copied from hmrc-wire-facts.md §2.2 (authorize) and §2.3 (token).
HMRC_TEXTS = {
    "CLIENT_ID_REQUIRED": "client_id is required",
    "CLIENT_ID_INVALID": "client_id is invalid",
    "REDIRECT_URI_REQUIRED": "redirect_uri is required",
    "REDIRECT_URI_INVALID": "redirect_uri is invalid",
    "RESPONSE_TYPE_REQUIRED": "response_type is required",
    "RESPONSE_TYPE_MUST_BE_CODE": "response_type must be 'code'",
    "SCOPE_REQUIRED": "scope is required",
    "SCOPE_INVALID": "scope is invalid",
    "CLIENT_SECRET_NOT_ALLOWED": "client_secret should NOT be present",
    "CODE_CHALLENGE_EMPTY": "code_challenge if present, cannot be empty",
    "CODE_CHALLENGE_METHOD_NOT_S256": "code_challenge_method, if present, must be S256",
    "CODE_CHALLENGE_METHOD_REQUIRED": (
        "code_challenge_method should be present when code_challenge is present"
    ),
    "CODE_CHALLENGE_REQUIRED": (
        "code_challenge should be present when code_challenge_method is present"
    ),
    "INVALID_CLIENT_CREDENTIALS": "invalid client id or secret",
    "CLIENT_SECRET_REQUIRED": "client_secret is required",
    "GRANT_TYPE_REQUIRED": "grant_type is required",
    "UNSUPPORTED_GRANT_TYPE": "unsupported grant_type",
    "CODE_REQUIRED": "code is required for given grant_type",
    "CODE_INVALID": "code is invalid",
    "CODE_VERIFIER_NOT_EXPECTED": "code_verifier is not expected",
    "CODE_VERIFIER_REQUIRED": "code_verifier is expected when code_challenge was supplied",
    "CODE_VERIFIER_MALFORMED": (
        "code_verifier must contain valid characters of length between 43 and 128"
    ),
    "CODE_VERIFIER_INVALID": "code_verifier is invalid",
    "REFRESH_TOKEN_INVALID": "refresh_token is invalid",
    "UNEXPECTED_ERROR": "An unexpected error occurred",
}

# openmtd's own texts where HMRC publishes none (the lead's brief names the first two).
OPENMTD_TEXTS = {
    "REFRESH_TOKEN_REQUIRED": "refresh_token is required for given grant_type",
    "REFRESH_IN_PROGRESS": "refresh_token is already being used",
    "STATE_INVALID": "state is invalid",
    "CODE_CHALLENGE_INVALID": "code_challenge is invalid",
}


@pytest.mark.parametrize(("name", "text"), sorted({**HMRC_TEXTS, **OPENMTD_TEXTS}.items()))
def test_description_constants_are_exact(name: str, text: str) -> None:
    assert getattr(errors, name) == text


# Every row of §2.2's and §2.3's tables: (error raised, status, error code, description).
TABLE_ROWS = [
    # /oauth/authorize (§2.2)
    (InvalidRequestError(errors.CLIENT_ID_REQUIRED), 400, "invalid_request"),
    (InvalidRequestError(errors.CLIENT_ID_INVALID), 400, "invalid_request"),
    (InvalidRequestError(errors.REDIRECT_URI_REQUIRED), 400, "invalid_request"),
    (InvalidRequestError(errors.REDIRECT_URI_INVALID), 400, "invalid_request"),
    (InvalidRequestError(errors.RESPONSE_TYPE_REQUIRED), 400, "invalid_request"),
    (UnsupportedResponseTypeError(), 400, "unsupported_response_type"),
    (InvalidRequestError(errors.SCOPE_REQUIRED), 400, "invalid_request"),
    (InvalidScopeError(), 400, "invalid_scope"),
    (InvalidRequestError(errors.CLIENT_SECRET_NOT_ALLOWED), 400, "invalid_request"),
    (InvalidRequestError(errors.CODE_CHALLENGE_EMPTY), 400, "invalid_request"),
    (InvalidRequestError(errors.CODE_CHALLENGE_METHOD_NOT_S256), 400, "invalid_request"),
    (InvalidRequestError(errors.CODE_CHALLENGE_METHOD_REQUIRED), 400, "invalid_request"),
    (InvalidRequestError(errors.CODE_CHALLENGE_REQUIRED), 400, "invalid_request"),
    (ServerError(), 500, "server_error"),
    # /oauth/token (§2.3)
    (InvalidClientError(), 401, "invalid_client"),
    (InvalidRequestError(errors.CLIENT_SECRET_REQUIRED), 400, "invalid_request"),
    (InvalidRequestError(errors.GRANT_TYPE_REQUIRED), 400, "invalid_request"),
    (InvalidRequestError(errors.UNSUPPORTED_GRANT_TYPE), 400, "invalid_request"),
    (InvalidRequestError(errors.CODE_REQUIRED), 400, "invalid_request"),
    (InvalidRequestError(errors.CODE_INVALID), 400, "invalid_request"),
    (InvalidRequestError(errors.CODE_VERIFIER_NOT_EXPECTED), 400, "invalid_request"),
    (InvalidRequestError(errors.CODE_VERIFIER_REQUIRED), 400, "invalid_request"),
    (InvalidRequestError(errors.CODE_VERIFIER_MALFORMED), 400, "invalid_request"),
    (InvalidGrantError(errors.CODE_VERIFIER_INVALID), 400, "invalid_grant"),
    (InvalidRequestError(errors.REFRESH_TOKEN_REQUIRED), 400, "invalid_request"),
    (InvalidGrantError(errors.REFRESH_TOKEN_INVALID), 400, "invalid_grant"),
    (InvalidRequestError(errors.REFRESH_IN_PROGRESS), 400, "invalid_request"),
]


@pytest.mark.parametrize(("error", "status", "code"), TABLE_ROWS, ids=repr)
def test_response_is_status_json_body_and_no_store_headers(
    error: OAuthError, status: int, code: str
) -> None:
    assert error.response() == (
        status,
        {"error": code, "error_description": error.description},
        NO_STORE,
    )
    assert error.body() == {"error": code, "error_description": error.description}
    assert error.status_code == status
    assert error.error == code


@pytest.mark.parametrize(
    ("cls", "status", "code", "default"),
    [
        (InvalidClientError, 401, "invalid_client", "invalid client id or secret"),
        (InvalidScopeError, 400, "invalid_scope", "scope is invalid"),
        (
            UnsupportedResponseTypeError,
            400,
            "unsupported_response_type",
            "response_type must be 'code'",
        ),
        (ServerError, 500, "server_error", "An unexpected error occurred"),
    ],
)
def test_defaults_are_hmrcs_texts(
    cls: type[OAuthError], status: int, code: str, default: str
) -> None:
    error = cls()
    assert (error.status_code, error.error, error.description) == (status, code, default)
    assert str(error) == default


def test_a_default_can_be_overridden() -> None:
    assert ServerError("downstream timed out").body() == {
        "error": "server_error",
        "error_description": "downstream timed out",
    }


@pytest.mark.parametrize("cls", [InvalidRequestError, InvalidGrantError])
def test_errors_without_a_default_need_a_description(cls: type[OAuthError]) -> None:
    with pytest.raises(TypeError, match="error_description"):
        cls()


def test_the_base_class_cannot_be_raised_directly() -> None:
    with pytest.raises(TypeError, match="subclass"):
        OAuthError("anything")


def test_every_error_is_an_oauth_error_and_an_exception() -> None:
    error = InvalidGrantError(errors.REFRESH_TOKEN_INVALID)
    assert isinstance(error, OAuthError)
    assert isinstance(error, Exception)
    with pytest.raises(OAuthError, match=r"^refresh_token is invalid$"):
        raise error


def test_headers_are_a_fresh_copy_each_time() -> None:
    _, _, headers = InvalidClientError().response()
    headers["Cache-Control"] = "public"
    assert InvalidClientError().response()[2] == NO_STORE
    assert errors.NO_STORE_HEADERS == NO_STORE


def test_repr_names_class_and_description() -> None:
    assert repr(InvalidScopeError()) == "InvalidScopeError('scope is invalid')"


def test_denied_redirect_params_with_state() -> None:
    assert denied_redirect_params("xyz 123") == [
        ("error", "access_denied"),
        ("error_description", "user denied the authorization"),
        ("error_code", "USER_DENIED_AUTHORIZATION"),
        ("state", "xyz 123"),
    ]


def test_denied_redirect_params_without_state_leaves_it_out() -> None:
    assert denied_redirect_params(None) == [
        ("error", "access_denied"),
        ("error_description", "user denied the authorization"),
        ("error_code", "USER_DENIED_AUTHORIZATION"),
    ]


def test_denied_redirect_params_sends_an_empty_state_back() -> None:
    assert denied_redirect_params("")[-1] == ("state", "")
