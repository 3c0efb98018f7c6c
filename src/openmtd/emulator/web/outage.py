"""The database is unreachable: 503 in the caller's own shape, never a 500 or a hang.

A PostgreSQL restart cuts every pooled connection; a request in flight then fails with a
driver error and the pool's pre-ping (``adapters/db/engine.py``) replaces the dead connections
on the next checkout, so the emulator recovers by itself once the database is back. Until
then each request is answered at once: HMRC's envelope with 503 ``SERVER_ERROR`` on the APIs
and the control API, RFC 6749's ``temporarily_unavailable`` on the OAuth endpoints, and a page
for a browser. Each answer says ``Retry-After`` (openmtd's choice: 5 seconds).
"""

from __future__ import annotations

import logging
from typing import Final

from sqlalchemy import exc
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from openmtd.emulator.platform import errors
from openmtd.emulator.platform.errors import ApiError

log = logging.getLogger("openmtd.emulator")

#: Driver and pool errors that mean "the database is not there right now".
DATABASE_UNAVAILABLE: Final = (
    exc.OperationalError,
    exc.InterfaceError,
    exc.DisconnectionError,
    exc.TimeoutError,
)
RETRY_AFTER: Final = {"Retry-After": "5"}
OAUTH_PATHS: Final = frozenset({"/oauth/authorize", "/oauth/token"})


def is_database_unavailable(error: BaseException) -> bool:
    return isinstance(error, DATABASE_UNAVAILABLE)


def unavailable(request: Request, error: BaseException) -> Response:
    """The answer to a request the database could not serve."""
    log.warning("database unavailable: %s", type(error).__name__)
    if request.url.path in OAUTH_PATHS:
        return JSONResponse(
            {
                "error": "temporarily_unavailable",
                "error_description": "The service is temporarily unavailable",
            },
            status_code=503,
            headers=RETRY_AFTER,
        )
    if "text/html" in request.headers.get("accept", ""):
        return HTMLResponse(
            '<!doctype html><html lang="en"><title>Sorry, there is a problem with the service'
            "</title><h1>Sorry, there is a problem with the service</h1><p>Try again in a few "
            "seconds. Nothing you entered has been saved.</p></html>",
            status_code=503,
            headers=RETRY_AFTER,
        )
    error_ = ApiError.of(errors.SERVER_ERROR)
    return JSONResponse(error_.body(), status_code=error_.status_code, headers=RETRY_AFTER)
