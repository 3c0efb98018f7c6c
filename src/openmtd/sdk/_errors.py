"""The SDK's errors: one tree, every HMRC answer that is not a success becomes one of these.

Each API error carries HMRC's ``code``, ``message``, HTTP ``status`` and the response's
``correlation_id`` (quote it to HMRC's support), plus the field errors of a multi-error body.
An unknown code still becomes a typed error: the class is chosen by the HTTP status.

::

    OpenMtdError
    ├── HmrcApiError                   an API answered an error ({"code", "message"})
    │   ├── InvalidRequest             400 (FORMAT_*, RULE_*, INVALID_REQUEST; .errors)
    │   ├── InvalidCredentials         401 (token missing, invalid or expired)
    │   ├── Forbidden                  403 not otherwise named
    │   │   ├── NotSignedUp            CLIENT_NOT_MTD_ENROLLED
    │   │   ├── NotAuthorised          CLIENT_OR_AGENT_NOT_AUTHORISED (.hint)
    │   │   ├── InsufficientScope      INVALID_SCOPE
    │   │   ├── NotSubscribed          RESOURCE_FORBIDDEN
    │   │   └── AgentNotPermitted      NOT_AN_AGENT, AGENT_NOT_SUBSCRIBED, NO_PERMISSION_ON_AGENCY
    │   ├── NotFound                   404
    │   ├── Conflict                   409
    │   ├── Throttled                  429 (.retry_after)
    │   └── ServerError                5xx
    ├── OAuthError                     /oauth/token refused ({"error", "error_description"})
    │   └── ReauthorisationRequired    the grant is over: only a new sign-in helps (.reason)
    └── TransportError                 no answer from HMRC (connection, timeout), after retries
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

__all__ = [
    "AgentNotPermitted",
    "Conflict",
    "FieldError",
    "Forbidden",
    "HmrcApiError",
    "InsufficientScope",
    "InvalidCredentials",
    "InvalidRequest",
    "NotAuthorised",
    "NotFound",
    "NotSignedUp",
    "NotSubscribed",
    "OAuthError",
    "OpenMtdError",
    "ReauthorisationReason",
    "ReauthorisationRequired",
    "ServerError",
    "Throttled",
    "TransportError",
    "api_error_from_response",
]


class OpenMtdError(Exception):
    """The root of every error the SDK raises on purpose."""


@dataclass(frozen=True, slots=True)
class FieldError:
    """One error inside a multi-error body (``errors[]``), with its JSON pointers if any."""

    code: str
    message: str
    paths: tuple[str, ...] = ()


class HmrcApiError(OpenMtdError):
    """An HMRC API answered with an error envelope."""

    default_status: ClassVar[int] = 0

    def __init__(
        self,
        *,
        status: int,
        code: str,
        message: str,
        correlation_id: str | None = None,
        errors: tuple[FieldError, ...] = (),
        hint: str | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.correlation_id = correlation_id
        self.errors = errors
        self.hint = hint
        super().__init__(self._text())

    def _text(self) -> str:
        text = f"{self.status} {self.code}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        if self.correlation_id:
            text += f" [correlation id {self.correlation_id}]"
        return text

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status}, code={self.code!r}, "
            f"correlation_id={self.correlation_id!r})"
        )


class InvalidRequest(HmrcApiError):
    """400: the request broke a format or business rule; ``errors`` lists each one."""


class InvalidCredentials(HmrcApiError):
    """401: the token is missing, invalid, expired, ended by a refresh, or of the wrong kind."""


class Forbidden(HmrcApiError):
    """403 with a code the SDK has no narrower class for."""


class NotSignedUp(Forbidden):
    """403 CLIENT_NOT_MTD_ENROLLED: the customer exists but has not signed up for MTD."""


class NotAuthorised(Forbidden):
    """403 CLIENT_OR_AGENT_NOT_AUTHORISED: wrong NINO, wrong sign-in, or agent not authorised.

    ``hint`` says which of these the SDK could tell from what it knows about the caller.
    """


class InsufficientScope(Forbidden):
    """403 INVALID_SCOPE: the grant lacks a scope this endpoint needs; ask for it and re-grant."""


class NotSubscribed(Forbidden):
    """403 RESOURCE_FORBIDDEN: the application is not subscribed to this API (Developer Hub)."""


class AgentNotPermitted(Forbidden):
    """403 from the Agent Authorisation API: not an agent, no agent services account, or the
    ARN in the path is not the signed-in agent's."""


class NotFound(HmrcApiError):
    """404: no such resource (or no matching endpoint / version)."""


class Conflict(HmrcApiError):
    """409: the resource is not in a state that allows this (e.g. a request already answered)."""


class Throttled(HmrcApiError):
    """429 MESSAGE_THROTTLED_OUT: over the application's rate limit.

    ``retry_after`` is the ``Retry-After`` header in seconds, when HMRC sent one.
    """

    def __init__(self, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(**kwargs)


class ServerError(HmrcApiError):
    """5xx: HMRC failed or is unavailable; idempotent calls were already retried."""


_BY_CODE: dict[str, type[HmrcApiError]] = {
    "CLIENT_NOT_MTD_ENROLLED": NotSignedUp,
    "CLIENT_OR_AGENT_NOT_AUTHORISED": NotAuthorised,
    "INVALID_SCOPE": InsufficientScope,
    "RESOURCE_FORBIDDEN": NotSubscribed,
    "NOT_AN_AGENT": AgentNotPermitted,
    "AGENT_NOT_SUBSCRIBED": AgentNotPermitted,
    "NO_PERMISSION_ON_AGENCY": AgentNotPermitted,
}
_BY_STATUS: dict[int, type[HmrcApiError]] = {
    400: InvalidRequest,
    401: InvalidCredentials,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    429: Throttled,
}


def _text(value: object, fallback: str) -> str:
    return value if isinstance(value, str) and value else fallback


def _field_errors(raw: object) -> tuple[FieldError, ...]:
    if not isinstance(raw, list):
        return ()
    found = []
    for item in raw:
        if isinstance(item, Mapping):
            paths = item.get("paths")
            found.append(
                FieldError(
                    code=_text(item.get("code"), "UNKNOWN"),
                    message=_text(item.get("message"), ""),
                    paths=tuple(p for p in paths if isinstance(p, str))
                    if isinstance(paths, list)
                    else (),
                )
            )
    return tuple(found)


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("retry-after") or headers.get("Retry-After")
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        # An HTTP-date is allowed too; HMRC sends seconds when it sends anything, so a date is
        # treated as "no hint" and the limiter's own backoff applies.
        return None
    return seconds if 0 <= seconds < 3600 else None


def api_error_from_response(
    status: int, body: object, headers: Mapping[str, str], *, hint: str | None = None
) -> HmrcApiError:
    """The typed error for an HMRC error answer (``body`` is the decoded JSON or None).

    Never raises: a body that is not HMRC's envelope still gives the status's class, with a
    code of ``UNEXPECTED_RESPONSE``.
    """
    envelope = body if isinstance(body, Mapping) else {}
    code = _text(envelope.get("code"), "UNEXPECTED_RESPONSE")
    message = _text(envelope.get("message"), f"HTTP {status} without HMRC's error body")
    cls = _BY_CODE.get(code) or _BY_STATUS.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else HmrcApiError
    correlation_id = headers.get("x-correlationid") or headers.get("X-CorrelationId")
    kwargs: dict[str, Any] = {
        "status": status,
        "code": code,
        "message": message,
        "correlation_id": correlation_id,
        "errors": _field_errors(envelope.get("errors")),
        "hint": hint,
    }
    if cls is Throttled:
        return Throttled(retry_after=_retry_after(headers), **kwargs)
    return cls(**kwargs)


class OAuthError(OpenMtdError):
    """HMRC's token endpoint refused (RFC 6749 body: ``error``, ``error_description``)."""

    def __init__(self, *, status: int, error: str, description: str | None = None) -> None:
        self.status = status
        self.error = error
        self.description = description
        super().__init__(f"{status} {error}" + (f": {description}" if description else ""))


class ReauthorisationReason(StrEnum):
    """Why a grant can no longer be used."""

    NO_TOKENS = "no_tokens"  # nothing stored for this key: never granted, or signed out
    AUTHORITY_ENDED = "authority_ended"  # the grant's length (18 months by default) is over
    REFRESH_REFUSED = "refresh_refused"  # invalid_grant: revoked, already used, or expired
    ACCESS_REVOKED = "access_revoked"  # a fresh token was refused (401): access removed


class ReauthorisationRequired(OAuthError):
    """The person must grant authority again (``/oauth/authorize``); ``reason`` says why."""

    def __init__(
        self,
        reason: ReauthorisationReason,
        *,
        status: int = 0,
        error: str = "reauthorisation_required",
        description: str | None = None,
    ) -> None:
        self.reason = reason
        super().__init__(status=status, error=error, description=description or reason.value)


class TransportError(OpenMtdError):
    """No answer from HMRC: connection refused or reset, DNS, or a timeout (after retries)."""
