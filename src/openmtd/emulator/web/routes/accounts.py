"""Routes: creating a Government Gateway account with 2-step verification, and the phone.

``/gg/create-account`` (the details) → ``/gg/two-step/setup`` (app or text message) →
``/gg/two-step/setup/app`` (QR code and a code from the app) or ``/gg/two-step/setup/text``
(a mobile number) → ``/gg/two-step/setup/text/code`` (the texted code) →
``/gg/create-account/done`` (signed in; the new user ID). Until the last step the account does
not exist: its details wait in the browser session, the password only as its argon2 hash.

``/gg/phone`` is the emulator's pretend phone: the texts sent to a number, newest first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from fastapi import APIRouter
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.gateway import registration, two_step
from openmtd.emulator.gateway.accounts import MIN_PASSWORD_LENGTH, AccountError
from openmtd.emulator.gateway.registration import (
    PendingRegistration,
    RegistrationForm,
    SetupCode,
)
from openmtd.emulator.gateway.two_step import TwoStepFailure
from openmtd.emulator.storage import AffinityGroup, CredentialRole, TwoStepMethod
from openmtd.emulator.web.context import PageContext, page_context
from openmtd.emulator.web.render import message, page, redirect
from openmtd.emulator.web.routes.gateway import after_sign_in, form_of
from openmtd.rules.clock import UK_TIMEZONE, uk_date

router = APIRouter(include_in_schema=False)

#: Session keys: the details waiting for 2SV, the app secret and the texted code being set up,
#: and the account just created (for the confirmation page).
PENDING: Final = "registration"
SETUP_SECRET: Final = "registration_totp_secret"
SETUP_TEXT: Final = "registration_text_code"
CREATED: Final = "created_account_id"

CREATE_TITLE: Final = "Create your sign in details"
SETUP_TITLE: Final = "Set up 2-step verification"
APP_TITLE: Final = "Set up your authenticator app"
TEXT_TITLE: Final = "Enter your mobile phone number"
CODE_TITLE: Final = "Enter the code we sent to your phone"

CODE_MESSAGES: Final[dict[TwoStepFailure, str]] = {
    TwoStepFailure.WRONG_CODE: "The code you entered is not correct. Check it and try again",
    TwoStepFailure.EXPIRED: "The code has expired. Send a new code and enter that one",
}
ENTER_CODE: Final = "Enter the 6-digit security code"

AFFINITY_CHOICES: Final = (
    (AffinityGroup.INDIVIDUAL.value, "Individual", "A person who pays tax."),
    (
        AffinityGroup.ORGANISATION.value,
        "Organisation",
        "A company, partnership, trust or other organisation.",
    ),
    (AffinityGroup.AGENT.value, "Agent", "An accountant or tax adviser acting for clients."),
)
ROLE_CHOICES: Final = (
    (CredentialRole.USER.value, "Administrator (User)"),
    (CredentialRole.ASSISTANT.value, "Assistant"),
)
CONFIDENCE_CHOICES: Final = (
    ("50", "50: identity not yet confirmed (it is checked during the journey, when needed)"),
    ("200", "200: identity confirmed at a medium level"),
    ("250", "250: identity confirmed (no identity check in the journey)"),
)


def uk_time_text(instant: datetime) -> str:
    """``10:05am on 26 November 2026``: a time as UK pages write it, in UK local time."""
    local = instant.astimezone(UK_TIMEZONE)
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'} on {uk_date_text(local)}"


def uk_date_text(instant: datetime) -> str:
    """``26 November 2026``: a date as UK pages write it."""
    day = uk_date(instant)
    return f"{day.day} {day:%B %Y}"


# --- create an account ------------------------------------------------------------------------


def _create_page(
    ctx: PageContext,
    form: RegistrationForm,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return page(
        ctx,
        "account_create.html",
        status_code=status_code,
        title=CREATE_TITLE,
        form=form.redisplay(),
        errors=errors or {},
        affinity_choices=AFFINITY_CHOICES,
        role_choices=ROLE_CHOICES,
        confidence_choices=CONFIDENCE_CHOICES,
        min_password_length=MIN_PASSWORD_LENGTH,
    )


@router.get("/gg/create-account")
def create_account_page(request: Request) -> Response:
    with page_context(request) as ctx:
        return _create_page(ctx, RegistrationForm())


def _create(request: Request, fields: dict[str, Any]) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(fields)
        form = RegistrationForm.from_fields(fields)
        result = registration.prepare(ctx.tx, ctx.services.hasher, form, uk_date(ctx.now))
        if isinstance(result, dict):
            return _create_page(ctx, form, errors=result, status_code=400)
        ctx.set(PENDING, result.to_data())
        ctx.pop(SETUP_SECRET)
        ctx.pop(SETUP_TEXT)
        return redirect(ctx, "/gg/two-step/setup")


@router.post("/gg/create-account")
async def create_account(request: Request) -> Response:
    fields = await form_of(request)
    return await run_in_threadpool(_create, request, fields)


def _pending(ctx: PageContext) -> PendingRegistration | None:
    return PendingRegistration.from_data(ctx.get(PENDING))


def _not_started(ctx: PageContext) -> Response:
    return message(
        ctx,
        "Your session has ended",
        "We did not keep the details you entered, because you did not use the service for "
        "15 minutes or you have not entered them yet. Nothing has been created.",
        status_code=400,
        link=("/gg/create-account", "Create your sign in details"),
    )


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
        if _pending(ctx) is None:
            return _not_started(ctx)
        return _setup_page(ctx)


def _choose(request: Request, fields: dict[str, Any]) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(fields)
        if _pending(ctx) is None:
            return _not_started(ctx)
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
    svg = two_step.qr_code_svg(two_step.provisioning_uri(secret, registration.qr_label()))
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
        secret_groups=registration.group_secret(secret),
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
        if _pending(ctx) is None:
            return _not_started(ctx)
        return _app_page(ctx, _setup_secret(ctx))


def _app_code(request: Request, fields: dict[str, Any]) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(fields)
        pending = _pending(ctx)
        if pending is None:
            return _not_started(ctx)
        secret = _setup_secret(ctx)
        code = str(fields.get("code", "")).strip()
        if not code:
            return _app_page(ctx, secret, error=ENTER_CODE, status_code=400)
        step = registration.setup_totp_step(secret, code, ctx.now)
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
        if _pending(ctx) is None:
            return _not_started(ctx)
        return _number_page(ctx)


def _text_number(request: Request, fields: dict[str, Any]) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(fields)
        if _pending(ctx) is None:
            return _not_started(ctx)
        typed = str(fields.get("phone_number", ""))
        try:
            number = registration.uk_mobile_number(typed)
        except AccountError as error:
            return _number_page(ctx, typed, errors={error.field: error.message}, status_code=400)
        ctx.set(SETUP_TEXT, registration.send_setup_code(ctx.tx, number, ctx.now).to_data())
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
        if _pending(ctx) is None:
            return _not_started(ctx)
        setup = _setup_code(ctx)
        if setup is None:
            return redirect(ctx, "/gg/two-step/setup/text")
        return _code_page(ctx, setup)


def _text_code(request: Request, fields: dict[str, Any]) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(fields)
        pending = _pending(ctx)
        if pending is None:
            return _not_started(ctx)
        setup = _setup_code(ctx)
        if setup is None:
            return redirect(ctx, "/gg/two-step/setup/text")
        code = str(fields.get("code", "")).strip()
        if not code:
            return _code_page(ctx, setup, error=ENTER_CODE, status_code=400)
        failure, counted = registration.check_setup_code(setup, code, ctx.now)
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


def _resend(request: Request, fields: dict[str, Any]) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(fields)
        if _pending(ctx) is None:
            return _not_started(ctx)
        setup = _setup_code(ctx)
        if setup is None:
            return redirect(ctx, "/gg/two-step/setup/text")
        fresh = registration.send_setup_code(ctx.tx, setup.phone_number, ctx.now)
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


@router.get("/gg/create-account/done")
def created_page(request: Request) -> Response:
    with page_context(request) as ctx:
        account = ctx.account
        if account is None or ctx.get(CREATED) != account.id:
            return _not_started(ctx)
        return page(
            ctx,
            "account_created.html",
            title="You have created your sign in details",
            user_id=account.user_id,
            first_name=account.first_name,
            two_step_method=account.two_step_method.value if account.two_step_method else "",
            continue_url=after_sign_in(ctx),
        )


# --- the emulator's phone ---------------------------------------------------------------------


@router.get("/gg/phone")
def phone_page(request: Request) -> Response:
    with page_context(request) as ctx:
        typed = request.query_params.get("number", "")
        if not typed.strip():
            return page(ctx, "phone.html", title="The emulator's phone", number="", messages=None)
        try:
            number = registration.uk_mobile_number(typed)
        except AccountError as error:
            return page(
                ctx,
                "phone.html",
                status_code=400,
                title="The emulator's phone",
                number=typed,
                messages=None,
                errors={"number": error.message},
            )
        texts = [
            {"body": text.body, "sent_at": uk_time_text(text.sent_at)}
            for text in ctx.tx.phone.messages(number)
        ]
        return page(
            ctx,
            "phone.html",
            title="The emulator's phone",
            number=number,
            messages=texts,
        )
