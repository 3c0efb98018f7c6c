"""The control API's codes and messages (openmtd's choices: HMRC has no control API) and its
error types."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from openmtd.emulator.oauth.errors import OAuthError

# --- codes and messages (openmtd's choices) ------------------------------------------------
INVALID_REQUEST: Final = "INVALID_REQUEST"
INVALID_REQUEST_MESSAGE: Final = "Invalid request"
FORMAT_FIELD_MISSING: Final = "FORMAT_FIELD_MISSING"
FORMAT_FIELD_UNKNOWN: Final = "FORMAT_FIELD_UNKNOWN"
FORMAT_FIELD_TYPE: Final = "FORMAT_FIELD_TYPE"
FORMAT_VALUE: Final = "FORMAT_VALUE"
FORMAT_NAME: Final = "FORMAT_NAME"
FORMAT_REDIRECT_URIS: Final = "FORMAT_REDIRECT_URIS"
FORMAT_REDIRECT_URI: Final = "FORMAT_REDIRECT_URI"
FORMAT_API: Final = "FORMAT_API"
FORMAT_RATE_LIMIT: Final = "FORMAT_RATE_LIMIT"
FORMAT_GRANT_LENGTH: Final = "FORMAT_GRANT_LENGTH"

INVALID_CREDENTIALS: Final = "INVALID_CREDENTIALS"
INVALID_CREDENTIALS_MESSAGE: Final = "Invalid user ID or password"
ACCOUNT_LOCKED: Final = "ACCOUNT_LOCKED"
TWO_STEP_REQUIRED: Final = "TWO_STEP_REQUIRED"
INVALID_TWO_STEP_CODE: Final = "INVALID_TWO_STEP_CODE"
IDENTITY_VERIFICATION_REQUIRED: Final = "IDENTITY_VERIFICATION_REQUIRED"


# --- errors -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FieldError:
    """One fault in a request body; ``path`` is a JSON pointer such as ``/redirectUris/0``."""

    code: str
    message: str
    path: str

    def body(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "path": self.path}


class ControlError(Exception):
    """A refused control request: the HTTP status, the JSON body and any headers to answer
    with."""

    def __init__(
        self,
        status_code: int,
        body: Mapping[str, Any],
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(str(body.get("message", body.get("error_description", ""))))
        self.status_code = status_code
        self.body: dict[str, Any] = dict(body)
        self.headers: dict[str, str] = dict(headers or {})

    @classmethod
    def of(
        cls, status_code: int, code: str, message: str, errors: Sequence[FieldError] = ()
    ) -> ControlError:
        body: dict[str, Any] = {"code": code, "message": message}
        if errors:
            body["errors"] = [error.body() for error in errors]
        return cls(status_code, body)

    @classmethod
    def invalid(cls, *errors: FieldError) -> ControlError:
        """A 400 ``INVALID_REQUEST`` listing the faults in the body."""
        return cls.of(400, INVALID_REQUEST, INVALID_REQUEST_MESSAGE, errors)

    @classmethod
    def from_oauth(cls, error: OAuthError) -> ControlError:
        """HMRC's own OAuth error body, exactly as /oauth/authorize answers it."""
        status, body, _ = error.response()
        return cls(status, body)

    @property
    def errors(self) -> list[dict[str, str]]:
        errors = self.body.get("errors", [])
        return list(errors) if isinstance(errors, list) else []
