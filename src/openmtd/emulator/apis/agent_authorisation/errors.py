"""The Agent Authorisation API's errors and its own Accept check, with HMRC's codes and
messages (the v1.0/v2.0 OAS error examples, hmrc-oas/agent-authorisation-1.0; wire facts §6).

Each error is an ``(HTTP status, code, message)`` spec, raised as an :class:`ApiError`.
:func:`check_accept` is the API's filter, run in place of the platform's Accept check (the
service answers Accept faults itself, with its own messages, before any credentials check).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from openmtd.emulator.platform import errors as platform
from openmtd.emulator.platform.errors import ApiError
from openmtd.rules.errors import WIRE_MESSAGES, RuleError

ErrorSpec = tuple[int, str, str]

#: The versions HMRC's service accepts (``api.supported-versions``, wire facts §6).
VERSIONS: Final = frozenset({"1.0", "2.0"})

# --- Accept (406 and 400, before credentials) ---------------------------------------------------
ACCEPT_MISSING: Final = (406, "ACCEPT_HEADER_INVALID", "Missing 'Accept' header.")
ACCEPT_INVALID: Final = (406, "ACCEPT_HEADER_INVALID", "Invalid 'Accept' header")
UNSUPPORTED_VERSION: Final = (400, "BAD_REQUEST", "Missing or unsupported version number")
UNSUPPORTED_CONTENT_TYPE: Final = (400, "BAD_REQUEST", "Missing or unsupported content-type.")

# --- the caller ------------------------------------------------------------------------------
UNAUTHORIZED: Final = (401, "UNAUTHORIZED", "Bearer token is missing or not authorized.")
NOT_AN_AGENT: Final = (
    403,
    "NOT_AN_AGENT",
    "This user does not have a Government Gateway agent account. They need to create an "
    "Government Gateway agent account before they can use this service.",
)
AGENT_NOT_SUBSCRIBED: Final = (
    403,
    "AGENT_NOT_SUBSCRIBED",
    "This agent needs to create an agent services account before they can use this service.",
)
NO_PERMISSION_ON_AGENCY: Final = (
    403,
    "NO_PERMISSION_ON_AGENCY",
    WIRE_MESSAGES["NO_PERMISSION_ON_AGENCY"],
)

# --- the body --------------------------------------------------------------------------------
BAD_REQUEST: Final = (400, "BAD_REQUEST", "Bad Request")
SERVICE_NOT_SUPPORTED: Final = (
    400,
    "SERVICE_NOT_SUPPORTED",
    "The service requested is not supported. Check the API documentation to find which "
    "services are supported.",
)
CLIENT_TYPE_NOT_SUPPORTED: Final = (
    400,
    "CLIENT_TYPE_NOT_SUPPORTED",
    "The client type requested is not supported. Check the API documentation to find which "
    "client types are supported.",
)
CLIENT_ID_FORMAT_INVALID: Final = (
    400,
    "CLIENT_ID_FORMAT_INVALID",
    WIRE_MESSAGES["CLIENT_ID_FORMAT_INVALID"],
)
CLIENT_ID_DOES_NOT_MATCH_SERVICE: Final = (
    400,
    "CLIENT_ID_DOES_NOT_MATCH_SERVICE",
    "The type of client Identifier provided cannot be used with the requested service. Check "
    "the API documentation for details of the correct client identifiers to use.",
)
POSTCODE_FORMAT_INVALID: Final = (
    400,
    "POSTCODE_FORMAT_INVALID",
    WIRE_MESSAGES["POSTCODE_FORMAT_INVALID"],
)
VAT_REG_DATE_FORMAT_INVALID: Final = (
    400,
    "VAT_REG_DATE_FORMAT_INVALID",
    "VAT registration date must be in the correct format. Check the API documentation to find "
    "the correct format.",
)
AGENT_TYPE_NOT_SUPPORTED: Final = (
    400,
    "AGENT_TYPE_NOT_SUPPORTED",
    WIRE_MESSAGES["AGENT_TYPE_NOT_SUPPORTED"],
)

# --- the records -----------------------------------------------------------------------------
CLIENT_REGISTRATION_NOT_FOUND: Final = (
    403,
    "CLIENT_REGISTRATION_NOT_FOUND",
    "The details provided for this client do not match HMRC's records.",
)
POSTCODE_DOES_NOT_MATCH: Final = (
    403,
    "POSTCODE_DOES_NOT_MATCH",
    WIRE_MESSAGES["POSTCODE_DOES_NOT_MATCH"],
)
DUPLICATE_AUTHORISATION_REQUEST: Final = (
    403,
    "DUPLICATE_AUTHORISATION_REQUEST",
    WIRE_MESSAGES["DUPLICATE_AUTHORISATION_REQUEST"],
)
ALREADY_AUTHORISED: Final = (403, "ALREADY_AUTHORISED", WIRE_MESSAGES["ALREADY_AUTHORISED"])
INVALID_INVITATION_STATUS: Final = (
    403,
    "INVALID_INVITATION_STATUS",
    WIRE_MESSAGES["INVALID_INVITATION_STATUS"],
)
INVITATION_NOT_FOUND: Final = (
    404,
    "INVITATION_NOT_FOUND",
    "The authorisation request cannot be found.",
)
RELATIONSHIP_NOT_FOUND: Final = (
    404,
    "RELATIONSHIP_NOT_FOUND",
    "Relationship is inactive. Agent is not authorised to act for this client.",
)
NO_RELATIONSHIP: Final = (403, "NO_RELATIONSHIP", WIRE_MESSAGES["NO_RELATIONSHIP"])

#: The rules' refusals (``openmtd.emulator.agents``), by code, as this API answers them.
_FROM_RULES: Final[Mapping[str, ErrorSpec]] = {
    spec[1]: spec
    for spec in (
        CLIENT_ID_FORMAT_INVALID,
        POSTCODE_FORMAT_INVALID,
        AGENT_TYPE_NOT_SUPPORTED,
        CLIENT_REGISTRATION_NOT_FOUND,
        POSTCODE_DOES_NOT_MATCH,
        DUPLICATE_AUTHORISATION_REQUEST,
        ALREADY_AUTHORISED,
        INVALID_INVITATION_STATUS,
        NO_PERMISSION_ON_AGENCY,
        INVITATION_NOT_FOUND,
        NO_RELATIONSHIP,
    )
}


def fail(spec: ErrorSpec, **extra: Any) -> ApiError:
    """The error for ``spec`` (raise it)."""
    return ApiError.of(spec, **extra)


def from_rule(error: RuleError) -> ApiError:
    """A refusal of the rules as this API answers it (an unknown code is a fault: 500)."""
    return ApiError.of(_FROM_RULES.get(error.code, platform.INTERNAL_SERVER_ERROR))


# HMRC's filter splits the header as ``^(application/vnd\.hmrc)\.(.*)\+(.*)$``.
_ACCEPT: Final = re.compile(r"(application/vnd\.hmrc)\.(.*)\+(.*)")


def check_accept(headers: Mapping[str, str], versions: frozenset[str] = VERSIONS) -> str:
    """The version the Accept header asks for, checked as HMRC's Agent Authorisation services
    check it: missing → 406; not ``application/vnd.hmrc.{version}+{type}`` → 406; a version
    not in ``versions`` → 400; a type other than ``json`` (any case) → 400.

    Raises:
        ApiError: the refusal.
    """
    value = headers.get("accept")
    if value is None:
        raise fail(ACCEPT_MISSING)
    match = _ACCEPT.fullmatch(value)
    if match is None:
        raise fail(ACCEPT_INVALID)
    if match.group(2) not in versions:
        raise fail(UNSUPPORTED_VERSION)
    if match.group(3).lower() != "json":
        raise fail(UNSUPPORTED_CONTENT_TYPE)
    return match.group(2)


def accept_check(versions: frozenset[str]) -> Callable[[Mapping[str, str]], str]:
    """:func:`check_accept` for an endpoint serving ``versions`` (an ``Endpoint.accept``)."""
    return functools.partial(check_accept, versions=versions)
