"""The app's own accounts: create one, sign in (the password step), sign out, the account
page (new recovery codes, a new password). The second-factor pages are in ``two_step``."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from openmtd.app.services.accounts import (
    EmailTakenError,
    SignInAnswer,
    is_locked,
    new_account_errors,
    new_password_errors,
)
from openmtd.app.services.two_factor import issue_recovery_codes, recovery_codes_left
from openmtd.app.web.context import PageContext, page_context
from openmtd.app.web.render import message, page, redirect
from openmtd.app.web.routes import two_step
from openmtd.app.web.routes.account_common import LOCKED_MESSAGE, accounts_of, safe_next
from openmtd.webkit.forms import REFUSED_MESSAGE, read_form

router = APIRouter()
router.include_router(two_step.router)

EMAIL_TAKEN = "An account already uses this email address. Sign in instead, or use another address"
WRONG_SIGN_IN = "The email address or password is not right"


# --- create an account ----------------------------------------------------------------------
@router.get("/create-account")
def create_account_page(request: Request) -> Response:
    with page_context(request) as ctx:
        if ctx.user is not None:
            return redirect(ctx, "/account")
        return page(ctx, "create_account.html", title="Create an account", values={})


@router.post("/create-account")
async def create_account(request: Request) -> Response:
    form = await read_form(request)
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        name, email = form.get("name"), form.get("email")
        password, confirm = form.get("password"), form.get("password_confirm")
        errors = new_account_errors(name, email, password, confirm)
        for field in ("name", "email", "password", "password_confirm"):
            if field in form.refused:
                errors[field] = REFUSED_MESSAGE
        if not errors:
            try:
                user = accounts_of(ctx).create(
                    ctx.tx, name=name, email=email, password=password, now=ctx.now
                )
            except EmailTakenError:
                errors["email"] = EMAIL_TAKEN
            else:
                # Known by password, not yet signed in: the account is usable only once its
                # second factor is set up.
                ctx.password_passed(user)
                return redirect(ctx, "/two-step/setup")
        return page(
            ctx,
            "create_account.html",
            status_code=400,
            title="Create an account",
            errors=errors,
            values={"name": name, "email": email},
        )


# --- sign in and out ------------------------------------------------------------------------
def _sign_in_page(
    ctx: PageContext,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    email: str = "",
    next_path: str | None = None,
) -> Response:
    return page(
        ctx,
        "sign_in.html",
        status_code=status_code,
        title="Sign in",
        errors=errors or {},
        email=email,
        next_path=next_path or "",
        timed_out=ctx.timed_out,
    )


@router.get("/sign-in")
def sign_in_page(request: Request) -> Response:
    with page_context(request) as ctx:
        next_path = safe_next(request.query_params.get("next"))
        if ctx.user is not None:
            return redirect(ctx, next_path or "/dashboard")
        return _sign_in_page(ctx, next_path=next_path)


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    form = await read_form(request)
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        email, next_path = form.get("email"), safe_next(form.get("next"))
        # A refused value is an empty one: a wrong answer like any other.
        check = accounts_of(ctx).check_password(ctx.tx, email, form.get("password"), ctx.now)
        if check.answer is SignInAnswer.RIGHT and check.user is not None:
            ctx.password_passed(check.user)
            if next_path:
                ctx.set("next", next_path)
            if check.user.has_second_factor:
                return redirect(ctx, "/two-step")
            return redirect(ctx, "/two-step/setup")
        locked = check.answer is SignInAnswer.LOCKED
        return _sign_in_page(
            ctx,
            status_code=429 if locked else 400,
            errors={"email": LOCKED_MESSAGE if locked else WRONG_SIGN_IN},
            email=email,
            next_path=next_path,
        )


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    form = await read_form(request)
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        ctx.sign_out()
        return message(
            ctx,
            "You have signed out",
            "Your session has ended on this device.",
            link=("/sign-in", "Sign in again"),
        )


# --- the account page -----------------------------------------------------------------------
def _account_page(
    ctx: PageContext,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
) -> Response:
    user = ctx.require_user()
    return page(
        ctx,
        "account.html",
        status_code=status_code,
        title="Your account",
        errors=errors or {},
        account=user,
        codes_left=recovery_codes_left(ctx.tx, user.id),
        done=ctx.pop("account_done"),
    )


@router.get("/account")
def account_page(request: Request) -> Response:
    with page_context(request) as ctx:
        return _account_page(ctx)


@router.post("/account/recovery-codes")
async def new_recovery_codes(request: Request) -> Response:
    form = await read_form(request)
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        user = ctx.require_user()
        ctx.set("recovery_codes", issue_recovery_codes(ctx.tx, user.id))
        ctx.set("next", "/account")
        return redirect(ctx, "/two-step/recovery-codes")


@router.post("/account/password")
async def change_password(request: Request) -> Response:
    form = await read_form(request)
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        user = ctx.require_user()
        current = form.get("current_password")
        new, confirm = form.get("new_password"), form.get("new_password_confirm")
        errors: dict[str, str] = {}
        if not current:
            errors["current_password"] = "Enter your current password"
        errors.update(new_password_errors(new, confirm, field="new_password"))
        for field in ("current_password", "new_password", "new_password_confirm"):
            if field in form.refused:
                errors[field] = REFUSED_MESSAGE
        accounts = accounts_of(ctx)
        if is_locked(user.locked_until, ctx.now):
            # Wrong current passwords count like wrong sign-ins: a borrowed session cannot
            # be used to guess the password either.
            return _account_page(ctx, status_code=429, errors={"current_password": LOCKED_MESSAGE})
        if not errors and not accounts.change_password(ctx.tx, user, current, new, ctx.now):
            user = accounts.record_failure(ctx.tx, user, ctx.now)
            locked = is_locked(user.locked_until, ctx.now)
            errors["current_password"] = (
                LOCKED_MESSAGE if locked else "Your current password is not right"
            )
            return _account_page(ctx, status_code=429 if locked else 400, errors=errors)
        if errors:
            return _account_page(ctx, status_code=400, errors=errors)
        # Every session of this person ends, this one too; this browser gets a new one that
        # keeps its sign-in (the same second factor, the same reference).
        factor_at = ctx.session.second_factor_at
        reference = ctx.session.second_factor_reference
        ctx.tx.sessions.delete_for_user(user.id)
        ctx.second_factor_passed()
        ctx.session.second_factor_at = factor_at
        ctx.session.second_factor_reference = reference
        ctx.set("account_done", "Your password has been changed. Any other device is signed out.")
        return redirect(ctx, "/account")
