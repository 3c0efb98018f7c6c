"""Registering a Developer Hub application through the control API (the Developer Hub's rules)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

from openmtd.emulator.control.errors import (
    FORMAT_API,
    FORMAT_GRANT_LENGTH,
    FORMAT_NAME,
    FORMAT_RATE_LIMIT,
    FORMAT_REDIRECT_URI,
    FORMAT_REDIRECT_URIS,
    FORMAT_VALUE,
    ControlError,
    FieldError,
)
from openmtd.emulator.control.requests import ApplicationRequest
from openmtd.emulator.devhub import applications as devhub
from openmtd.emulator.devhub.applications import ApplicationError, CreatedApplication
from openmtd.emulator.oauth.redirect_uris import InvalidRedirectUriError, validate_redirect_uris
from openmtd.emulator.storage import Transaction

_APPLICATION_FIELD_CODES: Final[dict[str, str]] = {
    "name": FORMAT_NAME,
    "redirectUris": FORMAT_REDIRECT_URIS,
    "apis": FORMAT_API,
    "rateLimitPerSecond": FORMAT_RATE_LIMIT,
    "grantLengthDays": FORMAT_GRANT_LENGTH,
}


# --- applications -----------------------------------------------------------------------
def application_json(created: CreatedApplication) -> dict[str, Any]:
    """The 201 body: the application's settings and its client secret (shown only once)."""
    application = created.application
    return {
        "clientId": application.client_id,
        "clientSecret": created.client_secret,
        "name": application.name,
        "redirectUris": list(application.redirect_uris),
        "apis": [api for api in devhub.EMULATED_APIS if api in application.apis],
        "rateLimitPerSecond": application.rate_limit_per_second,
        "grantLengthDays": application.grant_length_days,
    }


def create_application(
    tx: Transaction, now: datetime, request: ApplicationRequest
) -> dict[str, Any]:
    """Register an application as the Developer Hub form does; raises :class:`ControlError`."""
    try:
        validate_redirect_uris(request.redirect_uris)
    except InvalidRedirectUriError as error:
        raise ControlError.invalid(_redirect_uri_error(error, request.redirect_uris)) from None
    try:
        created = devhub.create_application(
            tx,
            now,
            name=request.name,
            redirect_uris=request.redirect_uris,
            apis=request.apis,
            rate_limit_per_second=request.rate_limit_per_second,
            grant_length_days=request.grant_length_days,
        )
    except ApplicationError as error:
        raise ControlError.invalid(_application_error(error, request)) from None
    return application_json(created)


def _redirect_uri_error(error: InvalidRedirectUriError, uris: Sequence[str]) -> FieldError:
    if error.uri is None:  # the list as a whole: none, or too many
        return FieldError(FORMAT_REDIRECT_URIS, error.reason, "/redirectUris")
    positions = [index for index, uri in enumerate(uris) if uri == error.uri]
    # A URI listed twice is reported where it is repeated.
    index = positions[1] if len(positions) > 1 else positions[0]
    return FieldError(FORMAT_REDIRECT_URI, error.reason, f"/redirectUris/{index}")


def _application_error(error: ApplicationError, request: ApplicationRequest) -> FieldError:
    path = f"/{error.field}"
    if error.field == "apis" and request.apis:
        unknown = [i for i, api in enumerate(request.apis) if api not in devhub.EMULATED_APIS]
        if unknown:
            path = f"/apis/{unknown[0]}"
    return FieldError(_APPLICATION_FIELD_CODES.get(error.field, FORMAT_VALUE), error.message, path)
