"""The pages for every error the SDK can raise while the dashboard reads HMRC, each saying
what happened and what to do next. The connection is kept in every case: the one-click
Reconnect needs its NINO, and the next visit tries again."""

from __future__ import annotations

import logging

from starlette.responses import Response

from openmtd.app.web.context import PageContext
from openmtd.app.web.routes.connect_pages import (
    Problem,
    api_reference,
    reconnect_page,
    render_problem,
)
from openmtd.rules.identifiers import Nino
from openmtd.sdk import (
    HmrcApiError,
    InsufficientScope,
    NotAuthorised,
    OpenMtdError,
    ReauthorisationRequired,
    ServerError,
    Throttled,
    TokenStoreError,
    TransportError,
)

log = logging.getLogger("openmtd.app")

_TRY_AGAIN = ("/dashboard", "Try again")


def _reference(error: OpenMtdError) -> str:
    if isinstance(error, HmrcApiError):
        return api_reference(error)
    return getattr(error, "error", None) or type(error).__name__


def read_problem(ctx: PageContext, error: OpenMtdError, nino: str) -> Response:
    """The page for ``error``, raised while reading the position of ``nino``."""
    if isinstance(error, ReauthorisationRequired):
        return reconnect_page(ctx, error)
    shown = Nino(nino).display
    if isinstance(error, TokenStoreError):
        # Local, not HMRC's: the token keys changed or the stored row is damaged.
        log.error("the HMRC tokens of user %s cannot be read: %s", ctx.require_user().id, error)
        problem = Problem(
            "Reconnect to HMRC",
            [
                "openmtd could not read the access HMRC gave it for you: the keys of this copy of "
                "openmtd have changed. Nothing at HMRC is affected.",
                "Reconnect to give openmtd access again. It takes a minute.",
            ],
            links=[],
            reconnect=True,
        )
    elif isinstance(error, InsufficientScope):
        problem = Problem(
            "HMRC did not give all the access needed",
            [
                "HMRC did not give openmtd permission to read your Income Tax records. "
                "Reconnect and grant the access HMRC asks for.",
            ],
            status_code=403,
            links=[],
            reconnect=True,
            reference=api_reference(error),
        )
    elif isinstance(error, NotAuthorised):
        problem = Problem(
            "HMRC no longer lets openmtd read these records",
            [
                f"HMRC said the authority openmtd holds may not see the tax records for "
                f"{shown}. It may have been given by another Government Gateway account.",
                "Reconnect, signing in with your own Government Gateway user ID, or connect "
                "with another National Insurance number.",
            ],
            status_code=403,
            links=[("/connect", "Connect with another number")],
            reconnect=True,
            reference=api_reference(error),
        )
    elif isinstance(error, Throttled | ServerError | TransportError):
        problem = Problem(
            "HMRC is not answering just now",
            [
                "openmtd could not read your records from HMRC. Nothing is lost: your "
                "connection is kept.",
                "Try again in a few minutes.",
            ],
            status_code=503,
            links=[_TRY_AGAIN],
            reference=api_reference(error) if isinstance(error, HmrcApiError) else None,
        )
    else:
        problem = Problem(
            "HMRC refused to show your records",
            [
                "HMRC answered openmtd's request with an error. If this keeps happening, tell "
                "whoever runs this openmtd, quoting the reference below.",
            ],
            status_code=502,
            links=[_TRY_AGAIN],
            reference=_reference(error),
        )
    return render_problem(ctx, problem)
