"""OAuth 2.0 errors exactly as HMRC's grant-authority service puts them on the wire.

Client libraries match on ``error`` and often on ``error_description`` too, so every text
below is HMRC's own (hmrc-wire-facts.md §2.2 for /oauth/authorize, §2.3 for /oauth/token).
The few texts HMRC does not publish are marked as openmtd's choice where they are defined.

Note HMRC's departures from RFC 6749, which the emulator must copy: an unsupported
``grant_type`` and an invalid authorisation ``code`` are ``invalid_request`` (not
``unsupported_grant_type`` / ``invalid_grant``), and /oauth/authorize errors are shown to the
browser as a 400 rather than redirected to the client.
"""

from __future__ import annotations

from typing import ClassVar, Final

# RFC 6749 §5.1/§5.2: token responses, good or bad, must not be cached.
NO_STORE_HEADERS: Final[dict[str, str]] = {"Cache-Control": "no-store", "Pragma": "no-cache"}

# --- /oauth/authorize (hmrc-wire-facts.md §2.2), HMRC's exact texts -----------------------
CLIENT_ID_REQUIRED: Final = "client_id is required"
CLIENT_ID_INVALID: Final = "client_id is invalid"
REDIRECT_URI_REQUIRED: Final = "redirect_uri is required"
REDIRECT_URI_INVALID: Final = "redirect_uri is invalid"
RESPONSE_TYPE_REQUIRED: Final = "response_type is required"
RESPONSE_TYPE_MUST_BE_CODE: Final = "response_type must be 'code'"
SCOPE_REQUIRED: Final = "scope is required"
SCOPE_INVALID: Final = "scope is invalid"
CLIENT_SECRET_NOT_ALLOWED: Final = "client_secret should NOT be present"
CODE_CHALLENGE_EMPTY: Final = "code_challenge if present, cannot be empty"
CODE_CHALLENGE_METHOD_NOT_S256: Final = "code_challenge_method, if present, must be S256"
CODE_CHALLENGE_METHOD_REQUIRED: Final = (
    "code_challenge_method should be present when code_challenge is present"
)
CODE_CHALLENGE_REQUIRED: Final = (
    "code_challenge should be present when code_challenge_method is present"
)

# --- /oauth/token (hmrc-wire-facts.md §2.3), HMRC's exact texts ---------------------------
# (client_id is required, redirect_uri is required/invalid and scope is invalid are shared
# with /oauth/authorize above.)
INVALID_CLIENT_CREDENTIALS: Final = "invalid client id or secret"
CLIENT_SECRET_REQUIRED: Final = "client_secret is required"
GRANT_TYPE_REQUIRED: Final = "grant_type is required"
UNSUPPORTED_GRANT_TYPE: Final = "unsupported grant_type"
CODE_REQUIRED: Final = "code is required for given grant_type"
CODE_INVALID: Final = "code is invalid"
CODE_VERIFIER_NOT_EXPECTED: Final = "code_verifier is not expected"
CODE_VERIFIER_REQUIRED: Final = "code_verifier is expected when code_challenge was supplied"
CODE_VERIFIER_MALFORMED: Final = (
    "code_verifier must contain valid characters of length between 43 and 128"
)
CODE_VERIFIER_INVALID: Final = "code_verifier is invalid"
# Observed live for an invalid, used or expired refresh token (vat-api#299); also used for a
# grant past its 18 months, which HMRC reports as invalid_grant (vat-api#848).
REFRESH_TOKEN_INVALID: Final = "refresh_token is invalid"
# Observed live (vat-api#283).
UNEXPECTED_ERROR: Final = "An unexpected error occurred"

# --- openmtd's choices: HMRC sends these errors but its text is not published -------------
# openmtd's choice: refresh_token missing is invalid_request with no published text; this
# mirrors HMRC's "code is required for given grant_type".
REFRESH_TOKEN_REQUIRED: Final = "refresh_token is required for given grant_type"
# openmtd's choice: "refresh already in progress" is invalid_request with no published text.
REFRESH_IN_PROGRESS: Final = "refresh_token is already being used"
# openmtd's choice: RFC 6749 §3.1 forbids repeating a parameter, but HMRC's table has no row
# for a repeated ``state`` or ``code_challenge`` (the other parameters reuse their own
# "is invalid" row), so these follow HMRC's "<name> is invalid" pattern.
STATE_INVALID: Final = "state is invalid"
CODE_CHALLENGE_INVALID: Final = "code_challenge is invalid"

# --- "Do not grant authority" redirect (hmrc-wire-facts.md §2.2) --------------------------
ACCESS_DENIED: Final = "access_denied"
USER_DENIED_DESCRIPTION: Final = "user denied the authorization"
USER_DENIED_ERROR_CODE: Final = "USER_DENIED_AUTHORIZATION"


class OAuthError(Exception):
    """An OAuth 2.0 error response, ready to render exactly as HMRC does.

    Subclasses fix the HTTP status and the RFC 6749 ``error`` code; each instance carries
    HMRC's ``error_description``, so one ``except OAuthError`` at the web edge renders every
    fault faithfully.

    Attributes:
        status_code: the HTTP status HMRC answers with.
        error: the RFC 6749 error code.
        description: HMRC's exact ``error_description``.
    """

    status_code: ClassVar[int]
    error: ClassVar[str]
    default_description: ClassVar[str | None] = None

    def __init__(self, description: str | None = None) -> None:
        if type(self) is OAuthError:
            raise TypeError("raise a subclass of OAuthError, which fixes status and code")
        if description is None:
            if self.default_description is None:
                raise TypeError(f"{type(self).__name__} needs HMRC's error_description")
            description = self.default_description
        super().__init__(description)
        self.description = description

    def body(self) -> dict[str, str]:
        """HMRC's JSON error body (vat-api#285, #862): ``error`` and ``error_description``."""
        return {"error": self.error, "error_description": self.description}

    def response(self) -> tuple[int, dict[str, str], dict[str, str]]:
        """Status, JSON body and the no-store headers RFC 6749 §5.2 demands."""
        return self.status_code, self.body(), dict(NO_STORE_HEADERS)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.description!r})"


class InvalidRequestError(OAuthError):
    """A parameter is missing, repeated or wrong; HMRC's most common OAuth error."""

    status_code = 400
    error = "invalid_request"


class InvalidClientError(OAuthError):
    """Client authentication failed at /oauth/token; the one 401 in HMRC's tables."""

    status_code = 401
    error = "invalid_client"
    default_description = INVALID_CLIENT_CREDENTIALS


class InvalidGrantError(OAuthError):
    """The refresh token or PKCE verifier was rejected (an invalid code is not this one)."""

    status_code = 400
    error = "invalid_grant"


class InvalidScopeError(OAuthError):
    """A scope is unknown or badly formed (HMRC sends ``invalid_scope``, not a 400 page)."""

    status_code = 400
    error = "invalid_scope"
    default_description = SCOPE_INVALID


class UnsupportedResponseTypeError(OAuthError):
    """/oauth/authorize was asked for anything but ``response_type=code``."""

    status_code = 400
    error = "unsupported_response_type"
    default_description = RESPONSE_TYPE_MUST_BE_CODE


class ServerError(OAuthError):
    """Something went wrong on HMRC's side; lets testers rehearse HMRC's 500."""

    status_code = 500
    error = "server_error"
    default_description = UNEXPECTED_ERROR


def denied_redirect_params(state: str | None) -> list[tuple[str, str]]:
    """Query parameters HMRC adds to the redirect URI when the user refuses to grant authority.

    ``state`` is sent back unchanged when the client sent one (even an empty one), and left
    out when it did not. HMRC says not to rely on ``error_code``; it is copied for fidelity.
    """
    params = [
        ("error", ACCESS_DENIED),
        ("error_description", USER_DENIED_DESCRIPTION),
        ("error_code", USER_DENIED_ERROR_CODE),
    ]
    if state is not None:
        params.append(("state", state))
    return params
