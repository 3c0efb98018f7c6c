"""The emulator's control API, framework-free: what ``/emulator/*`` and the ``openmtd emulator``
command do for automated tests that should not click through pages.

- :func:`create_application`: register a Developer Hub application (the same rules as the
  Developer Hub pages, :mod:`openmtd.emulator.devhub.applications`).
- :func:`headless_grant`: the grant-authority journey in one request, running exactly the
  checks the browser journey runs, through the same services (:mod:`openmtd.emulator.oauth.
  journey`, :mod:`~openmtd.emulator.gateway.accounts`, :mod:`~openmtd.emulator.gateway.
  two_step`, :mod:`~openmtd.emulator.gateway.identity`).
- :func:`read_clock` / :func:`change_clock`: the emulator's shared clock.
- :func:`reset`: empty the world.

Request bodies are parsed here, not by the web framework, so that every fault is a 400 in
openmtd's envelope for the control API (HMRC's style: ``code``, ``message`` and, for field
faults, ``errors`` each with a ``code``, a ``message`` and a JSON-pointer ``path``)::

    {"code": "INVALID_REQUEST", "message": "Invalid request",
     "errors": [{"code": "FORMAT_REDIRECT_URI", "message": "...", "path": "/redirectUris/0"}]}

HMRC has no control API; every code and message here is openmtd's (docs/emulator.md).
"""

from __future__ import annotations

from openmtd.emulator.control.applications import application_json, create_application
from openmtd.emulator.control.clock import (
    CLOCK_EARLIEST,
    CLOCK_LATEST,
    change_clock,
    format_instant,
    read_clock,
    reset,
)
from openmtd.emulator.control.errors import (
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
    ControlError,
    FieldError,
)
from openmtd.emulator.control.grant import GrantResult, headless_grant
from openmtd.emulator.control.requests import (
    ApplicationRequest,
    ClockChange,
    ClockRequest,
    GrantRequest,
    parse_application,
    parse_clock,
    parse_grant,
    parse_json,
)

__all__ = [
    "ACCOUNT_LOCKED",
    "CLOCK_EARLIEST",
    "CLOCK_LATEST",
    "FORMAT_API",
    "FORMAT_FIELD_MISSING",
    "FORMAT_FIELD_TYPE",
    "FORMAT_FIELD_UNKNOWN",
    "FORMAT_GRANT_LENGTH",
    "FORMAT_NAME",
    "FORMAT_RATE_LIMIT",
    "FORMAT_REDIRECT_URI",
    "FORMAT_REDIRECT_URIS",
    "FORMAT_VALUE",
    "IDENTITY_VERIFICATION_REQUIRED",
    "INVALID_CREDENTIALS",
    "INVALID_CREDENTIALS_MESSAGE",
    "INVALID_REQUEST",
    "INVALID_REQUEST_MESSAGE",
    "INVALID_TWO_STEP_CODE",
    "TWO_STEP_REQUIRED",
    "ApplicationRequest",
    "ClockChange",
    "ClockRequest",
    "ControlError",
    "FieldError",
    "GrantRequest",
    "GrantResult",
    "application_json",
    "change_clock",
    "create_application",
    "format_instant",
    "headless_grant",
    "parse_application",
    "parse_clock",
    "parse_grant",
    "parse_json",
    "read_clock",
    "reset",
]
