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
from starlette.responses import Response

from openmtd.emulator.platform import errors
from openmtd.emulator.platform.errors import ApiError
from openmtd.emulator.web.edge import Problem, answer_for, as_response

log = logging.getLogger("openmtd.emulator")

#: Driver and pool errors that mean "the database is not there right now".
DATABASE_UNAVAILABLE: Final = (
    exc.OperationalError,
    exc.InterfaceError,
    exc.DisconnectionError,
    exc.TimeoutError,
)
RETRY_AFTER: Final = {"Retry-After": "5"}
#: RFC 6749's answer on the OAuth endpoints (§5.2 lists no 503 code; the authorization
#: endpoint's ``temporarily_unavailable``, §4.1.2.1, says what is meant).
OAUTH_UNAVAILABLE: Final = {
    "error": "temporarily_unavailable",
    "error_description": "The service is temporarily unavailable",
}


def is_database_unavailable(error: BaseException) -> bool:
    return isinstance(error, DATABASE_UNAVAILABLE)


def unavailable(request: Request, error: BaseException) -> Response:
    """The answer to a request the database could not serve (built by ``web/edge.py``)."""
    log.warning("database unavailable: %s", type(error).__name__)
    envelope = ApiError.of(errors.SERVER_ERROR)
    problem = Problem(
        envelope.status_code,
        envelope.body(),
        OAUTH_UNAVAILABLE,
        "Sorry, there is a problem with the service",
        "Try again in a few seconds. Nothing you entered has been saved.",
        RETRY_AFTER,
        page_everywhere=True,
    )
    return as_response(answer_for(request.scope, problem))
