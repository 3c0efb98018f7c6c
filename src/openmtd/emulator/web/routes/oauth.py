"""Routes: HMRC's OAuth 2.0 journey (browser host) and token endpoint (API host).

``GET /oauth/authorize`` → ``/oauth/start`` (what you will need) → ``/gg/sign-in`` →
``/gg/two-step`` → ``/oauth/continue`` (agent rules) → ``/iv/journey`` when needed →
``/oauth/grantscope`` (grant or do not grant) → the software's redirect URI.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Final

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openmtd.emulator.gateway.identity import OUTCOME_LABELS, IvOutcome, record_success
from openmtd.emulator.oauth import journey
from openmtd.emulator.oauth.authorize import AuthorizeRequest
from openmtd.emulator.oauth.errors import NO_STORE_HEADERS, OAuthError
from openmtd.emulator.oauth.scopes import lookup
from openmtd.emulator.oauth.tokens import token_endpoint
from openmtd.emulator.storage import Account
from openmtd.emulator.web.context import PageContext, page_context
from openmtd.emulator.web.render import message, page, redirect
from openmtd.emulator.web.routes.gateway import AFTER_SIGN_IN, form_of, session_ended
from openmtd.webkit.forms import Form, read_form

router = APIRouter(include_in_schema=False)

JOURNEY: Final = "oauth_journey"
CONTINUE: Final = "/oauth/continue"


def _journey(ctx: PageContext) -> AuthorizeRequest | None:
    stored = ctx.get(JOURNEY)
    if not isinstance(stored, dict):
        return None
    return AuthorizeRequest(
        client_id=stored["client_id"],
        redirect_uri=stored["redirect_uri"],
        scopes=tuple(stored["scopes"]),
        state=stored["state"],
        code_challenge=stored["code_challenge"],
        code_challenge_method=stored["code_challenge_method"],
    )


@router.get("/oauth/authorize")
def authorize(request: Request) -> Response:
    with page_context(request) as ctx:
        try:
            validated = journey.validate(ctx.tx, request.query_params)
        except OAuthError as error:
            # Never redirected: a bad client or redirect URI cannot be trusted (wire facts §2.2).
            status, body, _ = error.response()
            return JSONResponse(body, status_code=status)
        ctx.set(JOURNEY, asdict(validated))
        ctx.set(AFTER_SIGN_IN, CONTINUE)
        return redirect(ctx, "/oauth/start")


@router.get("/oauth/start")
def start(request: Request) -> Response:
    with page_context(request) as ctx:
        request_ = _journey(ctx)
        if request_ is None:
            return session_ended(ctx)
        application = ctx.tx.applications.get_by_client_id(request_.client_id)
        return page(
            ctx,
            "oauth_start.html",
            title="Authorise software to use HMRC's services",
            application_name=application.name if application else "",
            next_url=CONTINUE if ctx.account else "/gg/sign-in",
        )


@router.get("/oauth/continue")
def continue_journey(request: Request) -> Response:
    with page_context(request) as ctx:
        request_ = _journey(ctx)
        account = ctx.account
        if request_ is None or account is None:
            return session_ended(ctx)
        detour = _refusal_or_identity_check(ctx, account, request_)
        if detour is not None:
            return detour
        return redirect(ctx, "/oauth/grantscope")


@router.get("/iv/journey")
def identity_page(request: Request) -> Response:
    with page_context(request) as ctx:
        if _journey(ctx) is None or ctx.account is None:
            return session_ended(ctx)
        return page(
            ctx,
            "identity.html",
            title="We need to confirm your identity",
            outcomes=[(outcome.value, label) for outcome, label in OUTCOME_LABELS.items()],
        )


def _identity(request: Request, form: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        request_ = _journey(ctx)
        account = ctx.account
        if request_ is None or account is None:
            return session_ended(ctx)
        try:
            outcome = IvOutcome(form.get("outcome"))
        except ValueError:
            return page(
                ctx,
                "identity.html",
                status_code=400,
                title="We need to confirm your identity",
                outcomes=[(o.value, label) for o, label in OUTCOME_LABELS.items()],
                errors={"outcome": "Choose an outcome"},
            )
        if outcome is IvOutcome.SUCCESS:
            record_success(ctx.tx, account)
            return redirect(ctx, CONTINUE)
        ctx.pop(JOURNEY)
        return _send_back(ctx, journey.identity_failed(request_, outcome))


@router.post("/iv/journey")
async def identity_submit(request: Request) -> Response:
    form = await form_of(request)
    return await run_in_threadpool(_identity, request, form)


@router.get("/oauth/grantscope")
def grant_page(request: Request) -> Response:
    with page_context(request) as ctx:
        request_ = _journey(ctx)
        account = ctx.account
        if request_ is None or account is None:
            return session_ended(ctx)
        detour = _refusal_or_identity_check(ctx, account, request_)
        if detour is not None:
            return detour
        application = ctx.tx.applications.get_by_client_id(request_.client_id)
        return page(
            ctx,
            "grant.html",
            title="Grant authority",
            application_name=application.name if application else "",
            scopes=[scope.display_name for scope in lookup(request_.scopes)],
            lasts=_grant_length_text(application.grant_length_days if application else 547),
        )


def _grant(request: Request, form: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        request_ = _journey(ctx)
        account = ctx.account
        if request_ is None or account is None:
            return session_ended(ctx)
        decision = form.get("decision")
        if decision == "deny":
            ctx.pop(JOURNEY)
            return _send_back(ctx, journey.deny(request_))
        # The same checks again: the session may have been kept from an earlier journey.
        detour = _refusal_or_identity_check(ctx, account, request_)
        if detour is not None:
            return detour
        try:
            result = journey.grant(ctx.tx, request_, account, ctx.now)
        except OAuthError as error:
            status, body, _ = error.response()
            return JSONResponse(body, status_code=status)
        ctx.pop(JOURNEY)
        return _send_back(ctx, result)


@router.post("/oauth/grantscope")
async def grant_submit(request: Request) -> Response:
    form = await form_of(request)
    return await run_in_threadpool(_grant, request, form)


def _refusal_or_identity_check(
    ctx: PageContext, account: Account, request_: AuthorizeRequest
) -> Response | None:
    """The agent rules' refusal page, or the identity check, when either applies."""
    try:
        journey.check_account(account, request_)
    except journey.JourneyRefusedError as refused:
        return message(
            ctx, "You cannot give this software authority", refused.message, status_code=403
        )
    if journey.needs_iv(account, request_):
        return redirect(ctx, "/iv/journey")
    return None


def _grant_length_text(days: int) -> str:
    if days == 0:
        return "4 hours"
    if days == 547:
        return "18 months"
    return "1 day" if days == 1 else f"{days} days"


def _send_back(ctx: PageContext, result: journey.Redirect) -> Response:
    if not result.out_of_band:
        return redirect(ctx, result.location)
    # Installed apps: the code is shown in the page title and on the page (wire facts §2.6).
    title = f"Success code={result.code}" if result.code else "Denied error=access_denied"
    return page(ctx, "oob.html", title=title, code=result.code, location=result.location)


def _token(form: dict[str, list[str]], request: Request) -> Response:
    services = request.app.state.services
    with services.store.transaction() as tx:
        answer = token_endpoint(tx, form, services.clock.now_in(tx))
    headers = dict(answer.headers)
    headers.update(NO_STORE_HEADERS)
    return JSONResponse(answer.body, status_code=answer.status_code, headers=headers)


@router.post("/oauth/token")
async def token(request: Request) -> Response:
    # Read by the one form reader: a form too large, too long or malformed is an empty one,
    # and a value it refuses is not sent, so every refusal is RFC 6749's (wire facts §2.3).
    form = await read_form(request)
    return await run_in_threadpool(_token, form.multi(), request)
