"""HMRC's API error envelope and the platform's own errors, with HMRC's exact messages.

Every API error is ``{"code", "message"}`` with an optional ``errors`` list; several
validation failures are wrapped in ``INVALID_REQUEST`` with the inner errors sorted by code
(wire facts §0). :class:`ApiError` carries the HTTP status, the body and any headers, and
renders itself; only the web edge turns it into a framework response.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

#: The platform's (gateway's) errors: (status, code, message), from wire facts §0 and §1.6.
ACCEPT_HEADER_INVALID: Final = (
    406,
    "ACCEPT_HEADER_INVALID",
    "The accept header is missing or invalid",
)
VERSION_NOT_FOUND: Final = (404, "NOT_FOUND", "The requested resource could not be found")
MATCHING_RESOURCE_NOT_FOUND: Final = (
    404,
    "MATCHING_RESOURCE_NOT_FOUND",
    "A resource with the name in the request can not be found in the API",
)
MISSING_CREDENTIALS: Final = (
    401,
    "MISSING_CREDENTIALS",
    "Authentication information is not provided",
)
INVALID_CREDENTIALS: Final = (
    401,
    "INVALID_CREDENTIALS",
    "Invalid Authentication information provided",
)
# HMRC's text for this code is not in the reference; openmtd's wording (docs/emulator.md).
INCORRECT_ACCESS_TOKEN_TYPE: Final = (
    401,
    "INCORRECT_ACCESS_TOKEN_TYPE",
    "The access token type used is not supported when invoking the API",
)
RESOURCE_FORBIDDEN: Final = (
    403,
    "RESOURCE_FORBIDDEN",
    "The application is not subscribed to the API which it is attempting to invoke",
)
INVALID_SCOPE: Final = (
    403,
    "INVALID_SCOPE",
    "Can not access the required resource. Ensure this token has all the required scopes.",
)
MESSAGE_THROTTLED_OUT: Final = (
    429,
    "MESSAGE_THROTTLED_OUT",
    "The request for the API is throttled as you have exceeded your quota.",
)
METHOD_NOT_ALLOWED: Final = (405, "METHOD_NOT_ALLOWED", "Method not allowed")
INTERNAL_SERVER_ERROR: Final = (500, "INTERNAL_SERVER_ERROR", "An internal server error occurred")
#: The database cannot be reached (a restart, a lost connection, an exhausted pool). HMRC's
#: code for 503 is SERVER_ERROR (wire facts §0); the message is openmtd's (UNCONFIRMED).
SERVER_ERROR: Final = (503, "SERVER_ERROR", "The service is temporarily unavailable")

#: Sent with INVALID_CREDENTIALS, as HMRC's gateway does (wire facts §0).
WWW_AUTHENTICATE: Final = {"WWW-Authenticate": 'Bearer realm="HMRC API Platform"'}


@dataclass(frozen=True, slots=True)
class ErrorItem:
    """One error inside an ``errors`` list."""

    code: str
    message: str
    paths: tuple[str, ...] | None = None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.paths is not None:
            body["paths"] = list(self.paths)
        return body


@dataclass
class ApiError(Exception):
    """An API error response: status, HMRC's envelope, and headers."""

    status_code: int
    code: str
    message: str
    errors: tuple[ErrorItem, ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    paths: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        super().__init__(f"{self.status_code} {self.code}")

    @classmethod
    def of(cls, spec: tuple[int, str, str], **extra: Any) -> ApiError:
        status, code, message = spec
        return cls(status, code, message, **extra)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.paths is not None:
            body["paths"] = list(self.paths)
        if self.errors:
            body["errors"] = [item.body() for item in self.errors]
        return body


def validation_error(status_code: int, items: Iterable[ErrorItem]) -> ApiError:
    """One error as itself; several wrapped in ``INVALID_REQUEST`` sorted by code, with
    errors that share a message merged (HMRC's ``ErrorWrapper``, wire facts §0)."""
    merged: dict[tuple[str, str], ErrorItem] = {}
    for item in items:
        key = (item.code, item.message)
        if key in merged and item.paths is not None:
            previous = merged[key]
            merged[key] = ErrorItem(item.code, item.message, (*(previous.paths or ()), *item.paths))
        else:
            merged.setdefault(key, item)
    unique = sorted(merged.values(), key=lambda item: item.code)
    if not unique:
        raise ValueError("a validation error needs at least one item")
    if len(unique) == 1:
        only = unique[0]
        return ApiError(status_code, only.code, only.message, paths=only.paths)
    return ApiError(status_code, "INVALID_REQUEST", "Invalid request", errors=tuple(unique))
