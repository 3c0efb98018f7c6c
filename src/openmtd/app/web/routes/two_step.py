"""The second factor: setting up an authenticator app, entering its code (or a recovery code)
to finish signing in, and showing new recovery codes once."""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from openmtd.app.services.accounts import is_locked
from openmtd.app.services.two_factor import (
    issue_recovery_codes,
    new_secret,
    provisioning_uri,
    qr_data_uri,
    read_code,
    secret_for_display,
    totp_step,
    use_recovery_code,
)
from openmtd.app.storage import User
from openmtd.app.web.context import PageContext, page_context
from openmtd.app.web.render import message, page, redirect
from openmtd.app.web.routes.account_common import (
    LOCKED_MESSAGE,
    accounts_of,
    after_sign_in,
    pending_user,
)
from openmtd.webkit.forms import read_form

router = APIRouter()

SETUP_WRONG = "Enter the 6-digit code your authenticator app shows now, using the digits 0 to 9"
CODE_WRONG = (
    "Enter the 6-digit code your authenticator app shows now (the digits 0 to 9), "
    "or one of your recovery codes"
)


def _locked(ctx: PageContext) -> Response:
    return message(
        ctx, "Try again later", LOCKED_MESSAGE, status_code=429, link=("/", "Go to the start")
    )


def _start_again(ctx: PageContext) -> Response:
    """No one is part way through signing in on this browser."""
    return redirect(ctx, "/sign-in")


# --- setting up -----------------------------------------------------------------------------
def _setup_page(
    ctx: PageContext, user: User, *, status_code: int = 200, errors: dict[str, str] | None = None
) -> Response:
    if user.totp_secret is None:
        user = replace(user, totp_secret=new_secret())
        ctx.tx.users.save(user)
    assert user.totp_secret is not None
    return page(
        ctx,
        "totp_setup.html",
        status_code=status_code,
        title="Set up your authenticator app",
        errors=errors or {},
        qr=qr_data_uri(provisioning_uri(user.totp_secret, user.email)),
        secret=secret_for_display(user.totp_secret),
    )


@router.get("/two-step/setup")
def setup_page(request: Request) -> Response:
    with page_context(request) as ctx:
        user = pending_user(ctx)
        if user is None:
            return redirect(ctx, "/account") if ctx.user else _start_again(ctx)
        if user.has_second_factor:
            return redirect(ctx, "/two-step")
        return _setup_page(ctx, user)


@router.post("/two-step/setup")
async def setup(request: Request) -> Response:
    form = await read_form(request)
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        user = pending_user(ctx)
        if user is None:
            return redirect(ctx, "/account") if ctx.user else _start_again(ctx)
        if user.has_second_factor:
            return redirect(ctx, "/two-step")
        if is_locked(user.locked_until, ctx.now):
            return _locked(ctx)
        typed = read_code(form.get("code"), recovery_allowed=False)
        step = (
            totp_step(user.totp_secret, typed.digits, ctx.now, after=user.totp_last_step)
            if user.totp_secret and typed.digits
            else None
        )
        if step is not None:
            user = replace(user, totp_confirmed_at=ctx.now, totp_last_step=step)
            ctx.tx.users.save(user)
            accounts_of(ctx).signed_in(ctx.tx, user)
            ctx.second_factor_passed()
            # Kept in the session only until the next page shows them, once.
            ctx.set("recovery_codes", issue_recovery_codes(ctx.tx, user.id))
            return redirect(ctx, "/two-step/recovery-codes")
        user = accounts_of(ctx).record_failure(ctx.tx, user, ctx.now)
        if is_locked(user.locked_until, ctx.now):
            return _locked(ctx)
        return _setup_page(ctx, user, status_code=400, errors={"code": SETUP_WRONG})


# --- signing in -----------------------------------------------------------------------------
def _code_page(
    ctx: PageContext, *, status_code: int = 200, errors: dict[str, str] | None = None
) -> Response:
    return page(
        ctx,
        "two_step.html",
        status_code=status_code,
        title="Enter your code",
        errors=errors or {},
    )


@router.get("/two-step")
def code_page(request: Request) -> Response:
    with page_context(request) as ctx:
        user = pending_user(ctx)
        if user is None:
            return redirect(ctx, "/dashboard") if ctx.user else _start_again(ctx)
        if not user.has_second_factor:
            return redirect(ctx, "/two-step/setup")
        return _code_page(ctx)


@router.post("/two-step")
async def enter_code(request: Request) -> Response:
    form = await read_form(request)
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        user = pending_user(ctx)
        if user is None:
            return redirect(ctx, "/dashboard") if ctx.user else _start_again(ctx)
        if not user.has_second_factor or user.totp_secret is None:
            return redirect(ctx, "/two-step/setup")
        if is_locked(user.locked_until, ctx.now):
            return _locked(ctx)
        typed = read_code(form.get("code"))
        step = (
            totp_step(user.totp_secret, typed.digits, ctx.now, after=user.totp_last_step)
            if typed.digits is not None
            else None
        )
        if step is not None:
            # The step is spent: the same code cannot sign anyone in again.
            user = replace(user, totp_last_step=step)
            ctx.tx.users.save(user)
        if step is not None or (
            typed.recovery is not None
            and use_recovery_code(ctx.tx, user.id, typed.recovery, ctx.now)
        ):
            accounts_of(ctx).signed_in(ctx.tx, user)
            ctx.second_factor_passed()
            return redirect(ctx, after_sign_in(ctx))
        user = accounts_of(ctx).record_failure(ctx.tx, user, ctx.now)
        if is_locked(user.locked_until, ctx.now):
            return _locked(ctx)
        return _code_page(ctx, status_code=400, errors={"code": CODE_WRONG})


# --- recovery codes, shown once -------------------------------------------------------------
@router.get("/two-step/recovery-codes")
def recovery_codes_page(request: Request) -> Response:
    with page_context(request) as ctx:
        ctx.require_user()
        codes = ctx.pop("recovery_codes")
        if not codes:
            return redirect(ctx, "/account")
        return page(ctx, "recovery_codes.html", title="Save your recovery codes", codes=codes)


@router.post("/two-step/recovery-codes")
async def recovery_codes_saved(request: Request) -> Response:
    form = await read_form(request)
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        ctx.require_user()
        return redirect(ctx, after_sign_in(ctx))
