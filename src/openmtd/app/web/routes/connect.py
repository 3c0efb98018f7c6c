"""Connect to HMRC: the OAuth web journey through the SDK.

``GET /connect`` explains and asks for the NINO; ``POST /connect`` (and the one-click
``POST /connect/reconnect``) keeps the SDK's authorization request (state, PKCE verifier) in
the server-side session and sends the browser to HMRC; ``GET /connect/callback`` checks the
state, exchanges the code, keeps the tokens (encrypted by the SDK's store) and the connection,
and makes one check call (Retrieve ITSA Status) so the person hears at once if something is
wrong. ``POST /connect/disconnect`` forgets the grant. Every failure has a page saying what
to do next (:mod:`openmtd.app.web.routes.connect_pages`).
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from openmtd.app.services import connection as service
from openmtd.app.web.context import PageContext, page_context
from openmtd.app.web.hmrc_calls import AuditTrail, hmrc_client, hmrc_http, remember_browser
from openmtd.app.web.render import page, redirect
from openmtd.app.web.routes.connect_pages import (
    callback_problem,
    check_problem,
    exchange_problem,
    journey_expired,
    reconnect_page,
)
from openmtd.rules.errors import InvalidIdentifierError
from openmtd.rules.identifiers import Nino
from openmtd.rules.tax_year import TaxYear
from openmtd.sdk import (
    NotAuthorised,
    NotFound,
    OAuthError,
    OpenMtdError,
    ReauthorisationRequired,
    StateMismatch,
    parse_callback,
)
from openmtd.webkit.forms import read_form

__all__ = ["connection_banner", "reconnect_page", "router"]

router = APIRouter()

# Re-exported for the pages that draw the dashboard's warning.
connection_banner = service.connection_banner


def _connect_page(
    ctx: PageContext, *, nino: str = "", errors: dict[str, str] | None = None
) -> Response:
    user = ctx.require_user()
    connection = ctx.tx.connections.get(user.id)
    shown = nino or (connection.nino if connection else "")
    return page(
        ctx,
        "connect_start.html",
        status_code=400 if errors else 200,
        title="Connect to HMRC",
        nino=shown,
        errors=errors or {},
        connection=connection,
        banner=service.connection_banner(ctx),
    )


def _send_to_hmrc(ctx: PageContext, nino: str) -> Response:
    journey = service.start(ctx.services.hmrc.oauth, nino, ctx.now)
    ctx.set(service.JOURNEY_KEY, journey.to_json())
    return redirect(ctx, journey.request.url)


@router.get("/connect")
def connect_start(request: Request) -> Response:
    with page_context(request) as ctx:
        return _connect_page(ctx)


@router.post("/connect")
async def connect_submit(request: Request) -> Response:
    form = await read_form(request)
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        ctx.require_user()
        remember_browser(ctx, form)
        typed = form.get("nino") or ""
        if "nino" in form.refused:
            return _connect_page(
                ctx, errors={"nino": "Enter your National Insurance number, like AB 12 34 56 C."}
            )
        try:
            nino = Nino.parse(typed)
        except InvalidIdentifierError as error:
            return _connect_page(ctx, nino=typed, errors={"nino": error.message})
        return _send_to_hmrc(ctx, nino.value)


@router.post("/connect/reconnect")
async def reconnect(request: Request) -> Response:
    """One click: the same journey again, for the NINO already connected."""
    form = await read_form(request)
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        user = ctx.require_user()
        remember_browser(ctx, form)
        connection = ctx.tx.connections.get(user.id)
        if connection is None:
            return _connect_page(ctx)
        return _send_to_hmrc(ctx, connection.nino)


@router.get("/connect/callback")
def callback(request: Request) -> Response:
    with page_context(request) as ctx:
        user = ctx.require_user()
        journey = service.Journey.from_json(ctx.pop(service.JOURNEY_KEY))
        if journey is None or journey.expired(ctx.now):
            return journey_expired(ctx)
        try:
            code = parse_callback(journey.request, dict(request.query_params))
        except StateMismatch:
            return journey_expired(ctx)
        except OAuthError as error:
            return callback_problem(ctx, error)
        # Nothing is written in the page's transaction until the token store is done with
        # (services/connection.py says why); the calls' audit rows are written last.
        trail = AuditTrail(ctx, user.id, journey.nino)
        try:
            return _exchange_and_check(ctx, trail, code, journey)
        finally:
            trail.write()


def _exchange_and_check(
    ctx: PageContext, trail: AuditTrail, code: str, journey: service.Journey
) -> Response:
    hmrc = ctx.services.hmrc
    user = ctx.require_user()
    try:
        with hmrc_http(ctx, trail) as http:
            granted = hmrc.oauth.exchange_code(code, journey.request, http=http)
    except OpenMtdError as error:
        return exchange_problem(ctx, error)
    service.keep_tokens(hmrc.tokens, user.id, granted)
    # One call to tell the person at once whether the connection works for them.
    problem: OpenMtdError | None = None
    try:
        with hmrc_client(ctx, trail=trail) as client:
            client.itsa_status.retrieve(journey.nino, str(TaxYear.at(ctx.now)))
    except NotFound:
        pass  # signed up, with no status for this year yet: the dashboard explains
    except NotAuthorised as error:
        # The grant is someone else's (or the NINO is wrong): keep nothing that would call
        # HMRC for the wrong person.
        service.disconnect(ctx.tx, hmrc.tokens, user.id)
        return check_problem(ctx, error, journey.nino)
    except ReauthorisationRequired as error:
        service.disconnect(ctx.tx, hmrc.tokens, user.id)
        return reconnect_page(ctx, error)
    except OpenMtdError as error:
        problem = error
    service.record_connection(ctx.tx, user.id, journey.nino, granted, ctx.now)
    if problem is not None:
        return check_problem(ctx, problem, journey.nino)
    return redirect(ctx, "/dashboard")


@router.post("/connect/disconnect")
async def disconnect(request: Request) -> Response:
    form = await read_form(request)
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        user = ctx.require_user()
        had = service.disconnect(ctx.tx, ctx.services.hmrc.tokens, user.id)
        return page(ctx, "connect_disconnected.html", title="Disconnected from HMRC", had=had)
