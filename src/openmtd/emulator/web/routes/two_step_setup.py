"""Routes: setting up 2-step verification for an account being created.

``/gg/two-step/setup`` (app or text message) → ``/gg/two-step/setup/app`` (QR code and a code
from the app) or ``/gg/two-step/setup/text`` (a mobile number) → ``/gg/two-step/setup/text/code``
(the texted code) → the account is written and the person signed in
(``/gg/create-account/done``).
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.gateway import registration, two_step, two_step_setup
from openmtd.emulator.gateway.accounts import AccountError
from openmtd.emulator.gateway.registration import (
    PendingRegistration,
)
from openmtd.emulator.gateway.two_step import TwoStepFailure
from openmtd.emulator.gateway.two_step_setup import SetupCode
from openmtd.emulator.storage import TwoStepMethod
from openmtd.emulator.web.context import PageContext, page_context
from openmtd.emulator.web.registration_session import (
    CREATED,
    PENDING,
    SETUP_SECRET,
    SETUP_TEXT,
    not_started,
    pending_registration,
)
from openmtd.emulator.web.render import message, page, redirect
from openmtd.emulator.web.routes.gateway import form_of
from openmtd.webkit.forms import Form

router = APIRouter(include_in_schema=False)

SETUP_TITLE: Final = "Set up 2-step verification"
APP_TITLE: Final = "Set up your authenticator app"
TEXT_TITLE: Final = "Enter your mobile phone number"
CODE_TITLE: Final = "Enter the code we sent to your phone"

CODE_MESSAGES: Final[dict[TwoStepFailure, str]] = {
    TwoStepFailure.WRONG_CODE: "The code you entered is not correct. Check it and try again",
    TwoStepFailure.EXPIRED: "The code has expired. Send a new code and enter that one",
}
ENTER_CODE: Final = "Enter the 6-digit security code"

# --- choose how to get codes ------------------------------------------------------------------


def _setup_page(
    ctx: PageContext, *, errors: dict[str, str] | None = None, status_code: int = 200
) -> Response:
    return page(
        ctx,
        "account_two_step_setup.html",
        status_code=status_code,
        title=SETUP_TITLE,
        errors=errors or {},
    )


@router.get("/gg/two-step/setup")
def setup_page(request: Request) -> Response:
    with page_context(request) as ctx:
        if pending_registration(ctx) is None:
            return not_started(ctx)
        return _setup_page(ctx)


def _choose(request: Request, fields: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(fields)
        if pending_registration(ctx) is None:
            return not_started(ctx)
        method = fields.get("method")
        if method == "app":
            return redirect(ctx, "/gg/two-step/setup/app")
        if method == "text":
            return redirect(ctx, "/gg/two-step/setup/text")
        return _setup_page(
            ctx, errors={"method": "Select how you want to get security codes"}, status_code=400
        )


@router.post("/gg/two-step/setup")
async def setup_choose(request: Request) -> Response:
    fields = await form_of(request)
    return await run_in_threadpool(_choose, request, fields)


# --- authenticator app ------------------------------------------------------------------------


def _app_page(
    ctx: PageContext, secret: str, *, error: str | None = None, status_code: int = 200
) -> Response:
    svg = two_step.qr_code_svg(two_step.provisioning_uri(secret, two_step_setup.qr_label()))
    # The SVG is built by our own code from the secret and a fixed label (no user text), so
    # it is trusted markup. The XML declaration is dropped: it has no place inside HTML.
    svg = svg[svg.index("<svg") :].replace(
        "<svg", '<svg role="img" aria-label="QR code for your authenticator app"', 1
    )
    return page(
        ctx,
        "account_setup_app.html",
        status_code=status_code,
        title=APP_TITLE,
        qr_svg=Markup(svg),
        secret_groups=two_step_setup.group_secret(secret),
        errors={"code": error} if error else {},
    )


def _setup_secret(ctx: PageContext) -> str:
    secret = ctx.get(SETUP_SECRET)
    if not isinstance(secret, str):
        secret = two_step.new_totp_secret()
        ctx.set(SETUP_SECRET, secret)
    return secret


@router.get("/gg/two-step/setup/app")
def app_page(request: Request) -> Response:
    with page_context(request) as ctx:
        if pending_registration(ctx) is None:
            return not_started(ctx)
        return _app_page(ctx, _setup_secret(ctx))


def _app_code(request: Request, fields: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(fields)
        pending = pending_registration(ctx)
        if pending is None:
            return not_started(ctx)
        secret = _setup_secret(ctx)
        code = fields.get("code").strip()
        # A code the form reader refused was typed, and is wrong: not an empty box.
        if not code and "code" not in fields.refused:
            return _app_page(ctx, secret, error=ENTER_CODE, status_code=400)
        step = two_step_setup.setup_totp_step(secret, code, ctx.now)
        if step is None:
            return _app_page(
                ctx, secret, error=CODE_MESSAGES[TwoStepFailure.WRONG_CODE], status_code=401
            )
        return _finish(
            ctx,
            pending,
            TwoStepMethod.AUTHENTICATOR_APP,
            totp_secret=secret,
            totp_step=step,
        )


@router.post("/gg/two-step/setup/app")
async def app_submit(request: Request) -> Response:
    fields = await form_of(request)
    return await run_in_threadpool(_app_code, request, fields)


# --- text message -----------------------------------------------------------------------------


def _setup_code(ctx: PageContext) -> SetupCode | None:
    return SetupCode.from_data(ctx.get(SETUP_TEXT))


def _number_page(
    ctx: PageContext,
    number: str = "",
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return page(
        ctx,
        "account_setup_text.html",
        status_code=status_code,
        title=TEXT_TITLE,
        phone_number=number,
        errors=errors or {},
    )


@router.get("/gg/two-step/setup/text")
def text_page(request: Request) -> Response:
    with page_context(request) as ctx:
        if pending_registration(ctx) is None:
            return not_started(ctx)
        return _number_page(ctx)


def _text_number(request: Request, fields: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(fields)
        if pending_registration(ctx) is None:
            return not_started(ctx)
        typed = fields.get("phone_number")
        try:
            number = two_step_setup.uk_mobile_number(typed)
        except AccountError as error:
            return _number_page(ctx, typed, errors={error.field: error.message}, status_code=400)
        try:
            sent = two_step_setup.send_setup_code(ctx.tx, number, ctx.now)
        except two_step.TextLimitReachedError:
            return _number_page(
                ctx,
                typed,
                errors={"phone_number": two_step.TOO_MANY_TEXTS_MESSAGE},
                status_code=429,
            )
        ctx.set(SETUP_TEXT, sent.to_data())
        return redirect(ctx, "/gg/two-step/setup/text/code")


@router.post("/gg/two-step/setup/text")
async def text_submit(request: Request) -> Response:
    fields = await form_of(request)
    return await run_in_threadpool(_text_number, request, fields)


def _code_page(
    ctx: PageContext, setup: SetupCode, *, error: str | None = None, status_code: int = 200
) -> Response:
    return page(
        ctx,
        "account_setup_code.html",
        status_code=status_code,
        title=CODE_TITLE,
        phone_number=setup.phone_number,
        minutes=int(two_step.SMS_CODE_LIFETIME.total_seconds() // 60),
        errors={"code": error} if error else {},
    )


@router.get("/gg/two-step/setup/text/code")
def code_page(request: Request) -> Response:
    with page_context(request) as ctx:
        if pending_registration(ctx) is None:
            return not_started(ctx)
        setup = _setup_code(ctx)
        if setup is None:
            return redirect(ctx, "/gg/two-step/setup/text")
        return _code_page(ctx, setup)


def _text_code(request: Request, fields: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(fields)
        pending = pending_registration(ctx)
        if pending is None:
            return not_started(ctx)
        setup = _setup_code(ctx)
        if setup is None:
            return redirect(ctx, "/gg/two-step/setup/text")
        code = fields.get("code").strip()
        # A code the form reader refused was typed, and is wrong (counted): not an empty box.
        if not code and "code" not in fields.refused:
            return _code_page(ctx, setup, error=ENTER_CODE, status_code=400)
        failure, counted = two_step_setup.check_setup_code(setup, code, ctx.now)
        if failure is None:
            return _finish(
                ctx, pending, TwoStepMethod.TEXT_MESSAGE, phone_number=setup.phone_number
            )
        if failure is TwoStepFailure.LOCKED:
            ctx.pop(SETUP_TEXT)
            return message(
                ctx,
                "You entered too many wrong codes",
                "For your security, that code no longer works. Enter your mobile phone number "
                "again and we will send you a new code.",
                status_code=429,
                link=("/gg/two-step/setup/text", "Get a new code"),
            )
        ctx.set(SETUP_TEXT, counted.to_data())
        return _code_page(ctx, counted, error=CODE_MESSAGES[failure], status_code=401)


@router.post("/gg/two-step/setup/text/code")
async def code_submit(request: Request) -> Response:
    fields = await form_of(request)
    return await run_in_threadpool(_text_code, request, fields)


def _resend(request: Request, fields: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(fields)
        if pending_registration(ctx) is None:
            return not_started(ctx)
        setup = _setup_code(ctx)
        if setup is None:
            return redirect(ctx, "/gg/two-step/setup/text")
        try:
            fresh = two_step_setup.send_setup_code(ctx.tx, setup.phone_number, ctx.now)
        except two_step.TextLimitReachedError:
            return _code_page(ctx, setup, error=two_step.TOO_MANY_TEXTS_MESSAGE, status_code=429)
        ctx.set(SETUP_TEXT, fresh.to_data())
        return redirect(ctx, "/gg/two-step/setup/text/code")


@router.post("/gg/two-step/setup/text/resend")
async def resend_code(request: Request) -> Response:
    fields = await form_of(request)
    return await run_in_threadpool(_resend, request, fields)


# --- the account ------------------------------------------------------------------------------


def _finish(
    ctx: PageContext,
    pending: PendingRegistration,
    method: TwoStepMethod,
    **two_step_details: Any,
) -> Response:
    """Create the account, sign the person in and show them their user ID."""
    for key in (PENDING, SETUP_SECRET, SETUP_TEXT):
        ctx.pop(key)
    try:
        account = registration.register(ctx.tx, ctx.now, pending, method, **two_step_details)
    except AccountError as error:
        return message(
            ctx,
            "We could not create your account",
            error.message + ". Check the reference and start again.",
            status_code=409,
            link=("/gg/create-account", "Create your sign in details"),
        )
    ctx.sign_in(account)
    ctx.set(CREATED, account.id)
    return redirect(ctx, "/gg/create-account/done")
