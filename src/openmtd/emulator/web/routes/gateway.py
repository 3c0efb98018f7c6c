"""Routes: Government Gateway sign-in, 2-step verification and sign-out.

After sign-in the browser goes to the page kept in the session under ``after_sign_in`` (the
OAuth journey sets it to ``/oauth/continue``; "Manage authorised applications" to itself).
"""

from __future__ import annotations

import contextlib
from typing import Final

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.gateway import two_step
from openmtd.emulator.gateway.accounts import SignInError, SignInFailure, authenticate
from openmtd.emulator.gateway.two_step import TwoStepError, TwoStepFailure
from openmtd.emulator.storage import Account, TwoStepMethod
from openmtd.emulator.web.context import PageContext, page_context
from openmtd.emulator.web.render import message, page, redirect
from openmtd.webkit.forms import Form, read_form

router = APIRouter(include_in_schema=False)

AFTER_SIGN_IN: Final = "after_sign_in"
PENDING_ACCOUNT: Final = "pending_account_id"
_SAFE_TARGETS: Final = (
    "/oauth/continue",
    "/applications/manage",
    "/developer/applications",
    "/",
    "/signup/begin",
    "/reporting-obligations",
    "/agent-services-account",
    "/agent-client-relationships/appoint-someone-to-deal-with-HMRC-for-you/consent",
    "/agent-client-relationships/manage-who-can-deal-with-HMRC-for-you",
)

SIGN_IN_FAILED: Final = "Enter a correct user ID and password"
TWO_STEP_MESSAGES: Final[dict[TwoStepFailure, str]] = {
    TwoStepFailure.WRONG_CODE: "The code you entered is not correct. Check it and try again",
    TwoStepFailure.EXPIRED: "The code has expired. Send a new code and enter that one",
    TwoStepFailure.NOT_SET_UP: "2-step verification is not set up for this account",
    TwoStepFailure.LOCKED: "Too many wrong codes",
}


async def form_of(request: Request) -> Form:
    """The posted form, read and bounded once (:func:`openmtd.webkit.forms.read_form`)."""
    return await read_form(request)


def after_sign_in(ctx: PageContext) -> str:
    target = ctx.get(AFTER_SIGN_IN, "/")
    # Only our own pages: a session value must never become an open redirect.
    return target if target in _SAFE_TARGETS else "/"


def _locked_page(ctx: PageContext, what: str) -> Response:
    return message(
        ctx,
        "You have been locked out",
        f"You entered {what} too many times. For your security you cannot sign in for "
        "15 minutes. Try again after that.",
        status_code=429,
    )


@router.get("/gg/sign-in")
def sign_in_page(request: Request) -> Response:
    with page_context(request) as ctx:
        return page(ctx, "sign_in.html", title="Sign in to HMRC online services", user_id="")


def _sign_in(request: Request, form: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        user_id = form.get("user_id")
        services = ctx.services
        result = authenticate(ctx.tx, services.hasher, ctx.now, user_id, form.get("password"))
        if isinstance(result, SignInError):
            if result.failure is SignInFailure.LOCKED:
                return _locked_page(ctx, "the wrong password")
            return page(
                ctx,
                "sign_in.html",
                status_code=401,
                title="Sign in to HMRC online services",
                user_id=user_id,
                errors={"user_id": SIGN_IN_FAILED},
            )
        return start_two_step_or_finish(ctx, result)


@router.post("/gg/sign-in")
async def sign_in(request: Request) -> Response:
    form = await form_of(request)
    return await run_in_threadpool(_sign_in, request, form)


def start_two_step_or_finish(ctx: PageContext, account: Account) -> Response:
    """After the password: ask for a 2-step code if the account has 2SV, else sign in."""
    if account.two_step_method is None:
        ctx.sign_in(account)
        return redirect(ctx, after_sign_in(ctx))
    if account.two_step_method is TwoStepMethod.TEXT_MESSAGE and not account.phone_number:
        return message(
            ctx,
            "You cannot sign in with this account",
            "It uses text messages for 2-step verification but has no phone number. Create new "
            "sign in details, or ask the tester who made this account to add a number.",
            status_code=409,
        )
    ctx.set(PENDING_ACCOUNT, account.id)
    if account.two_step_method is TwoStepMethod.TEXT_MESSAGE:
        # Over the texts' limit, the last code sent still stands: nothing new is sent.
        with contextlib.suppress(two_step.TextLimitReachedError):
            two_step.send_text_code(ctx.tx, account, ctx.now)
    return redirect(ctx, "/gg/two-step")


def _pending(ctx: PageContext) -> Account | None:
    account_id = ctx.get(PENDING_ACCOUNT)
    return ctx.tx.accounts.get(account_id) if isinstance(account_id, int) else None


def _two_step_page(
    ctx: PageContext, account: Account, *, status_code: int = 200, error: str | None = None
) -> Response:
    return page(
        ctx,
        "two_step.html",
        status_code=status_code,
        title="Enter your security code",
        method=account.two_step_method.value if account.two_step_method else "",
        phone_hint=(account.phone_number or "")[-3:],
        errors={"code": error} if error else {},
    )


@router.get("/gg/two-step")
def two_step_page(request: Request) -> Response:
    with page_context(request) as ctx:
        account = _pending(ctx)
        if account is None:
            return _session_ended(ctx)
        return _two_step_page(ctx, account)


def _two_step(request: Request, form: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        account = _pending(ctx)
        if account is None:
            return _session_ended(ctx)
        result = two_step.verify(ctx.tx, account, form.get("code"), ctx.now)
        if isinstance(result, TwoStepError):
            if result.failure is TwoStepFailure.LOCKED:
                ctx.pop(PENDING_ACCOUNT)
                return _locked_page(ctx, "a wrong security code")
            return _two_step_page(
                ctx, account, status_code=401, error=TWO_STEP_MESSAGES[result.failure]
            )
        ctx.pop(PENDING_ACCOUNT)
        ctx.sign_in(result)
        return redirect(ctx, after_sign_in(ctx))


@router.post("/gg/two-step")
async def two_step_submit(request: Request) -> Response:
    form = await form_of(request)
    return await run_in_threadpool(_two_step, request, form)


def _resend(request: Request, form: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        account = _pending(ctx)
        if account is None:
            return _session_ended(ctx)
        if account.two_step_method is TwoStepMethod.TEXT_MESSAGE:
            try:
                two_step.send_text_code(ctx.tx, account, ctx.now)
            except two_step.TextLimitReachedError:
                return _two_step_page(
                    ctx, account, status_code=429, error=two_step.TOO_MANY_TEXTS_MESSAGE
                )
        return redirect(ctx, "/gg/two-step")


@router.post("/gg/two-step/resend")
async def resend_code(request: Request) -> Response:
    form = await form_of(request)
    return await run_in_threadpool(_resend, request, form)


@router.get("/gg/sign-out")
def sign_out_page(request: Request) -> Response:
    """A page with the sign-out button: a GET never signs out (a link or an image on another
    site could send one)."""
    with page_context(request) as ctx:
        if ctx.account is None:
            return message(
                ctx, "You are not signed in", link=("/", "Go to the emulator's home page")
            )
        return page(ctx, "sign_out.html", title="Sign out")


def _sign_out(request: Request, form: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        ctx.sign_out()
        return message(ctx, "You have signed out", link=("/", "Go to the emulator's home page"))


@router.post("/gg/sign-out")
async def sign_out(request: Request) -> Response:
    form = await form_of(request)
    return await run_in_threadpool(_sign_out, request, form)


def _session_ended(ctx: PageContext) -> Response:
    return message(
        ctx,
        "Your session has ended",
        "For your security, we ended your session because you did not use the service for "
        "15 minutes, or you have not signed in yet. Start again from your software.",
        status_code=400,
        link=("/", "Go to the emulator's home page"),
    )


session_ended = _session_ended
