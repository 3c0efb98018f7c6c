"""Routes: the start of sign-up and its gate (business rules §1.2 steps 1, 2, 4 and 7).

``GET /signup`` (start page) → ``GET /signup/begin`` (the gate: sign in, then
:func:`openmtd.emulator.sign_up.gate.check`) → ``/signup/identity`` when an Individual needs
confidence level 250 → a page for each reason to stop (the wording is openmtd's where the
reference gives none; listed in docs/emulator.md), or on to the tax year.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.gateway.identity import OUTCOME_LABELS, IvOutcome, record_success
from openmtd.emulator.sign_up import gate
from openmtd.emulator.sign_up.complete import claim_enrolment
from openmtd.emulator.sign_up.gate import GateResult, Stop
from openmtd.emulator.sign_up.journey import Answers
from openmtd.emulator.web.context import PageContext, page_context
from openmtd.emulator.web.render import message, page, redirect
from openmtd.emulator.web.routes.gateway import AFTER_SIGN_IN, form_of
from openmtd.emulator.web.sign_up_session import BEGIN, TAX_YEAR, load, save
from openmtd.rules.eligibility import ExemptionReason
from openmtd.webkit.forms import Form

router = APIRouter(include_in_schema=False)

IDENTITY: Final = "/signup/identity"
ADD_TO_ACCOUNT: Final = "/signup/add-to-account"
REPORTING: Final = "/reporting-obligations"
_MTD: Final = "Making Tax Digital for Income Tax"

#: The page for each stop: (status, title, paragraphs, link).
_STOPS: Final[dict[Stop, tuple[int, str, tuple[str, ...], tuple[str, str] | None]]] = {
    Stop.AGENT: (
        403,
        "You signed in with an agent services account",
        (
            f"To sign up for {_MTD} yourself, sign out and sign in with the Government Gateway "
            "user ID you use for your own tax.",
            "To sign up a client, use your agent services account.",
        ),
        ("/gg/sign-out", "Sign out"),
    ),
    Stop.NOT_ADMINISTRATOR: (
        403,
        "You can only sign up if you are an administrator",
        (
            "Your Government Gateway user ID is an assistant's. Ask the administrator of your "
            "account to sign up, or to make you an administrator.",
        ),
        None,
    ),
    Stop.NO_NINO: (
        200,
        "You need a National Insurance number to sign up",
        (
            "We could not find a National Insurance number for your account. You cannot sign "
            f"up for {_MTD} without one.",
        ),
        None,
    ),
    Stop.NO_UTR: (
        200,
        "You need to register for Self Assessment",
        (
            f"You cannot sign up for {_MTD} until you have registered for Self Assessment. "
            "Register for Self Assessment first; when you have your Unique Taxpayer Reference "
            "(UTR), come back and sign up.",
        ),
        None,
    ),
    Stop.OPTED_OUT: (
        200,
        "Manage your reporting obligations",
        (
            f"You have already signed up for {_MTD}, and you have opted out of quarterly "
            "reporting for the current tax year.",
            "You can opt back in, or see how you report each year, in your reporting obligations.",
        ),
        (REPORTING, "Manage your reporting obligations"),
    ),
    Stop.ALREADY_SIGNED_UP: (
        200,
        "You have already signed up",
        (f"You have already signed up for {_MTD}.",),
        (REPORTING, "Manage your reporting obligations"),
    ),
}

#: The "cannot sign up" page's title for each exemption reason (business rules §1.3).
CANNOT_SIGN_UP_TITLES: Final[dict[ExemptionReason | None, str]] = {
    ExemptionReason.DIGITALLY_EXEMPT: f"You have a digital exemption from {_MTD}",
    ExemptionReason.MTD_EXEMPT_ENDURING: f"You are exempt from {_MTD}",
    ExemptionReason.MTD_EXEMPT_26_27: f"You are exempt from {_MTD} until at least April 2027",
    ExemptionReason.NO_DATA: f"You cannot sign up for {_MTD} yet",
    None: f"You cannot sign up for {_MTD} at the moment",
}


@router.get("/signup")
def start_page(request: Request) -> Response:
    with page_context(request) as ctx:
        return page(ctx, "signup_start.html", title=f"Sign up for {_MTD}")


def _stop_page(ctx: PageContext, result: GateResult) -> Response:
    stop = result.stop
    if stop is Stop.IDENTITY_CHECK:
        return redirect(ctx, IDENTITY)
    if stop is Stop.CLAIM_ENROLMENT:
        return redirect(ctx, ADD_TO_ACCOUNT)
    if stop is Stop.CANNOT_SIGN_UP:
        assert result.decision is not None
        reason = result.decision.exemption_reason
        return message(ctx, CANNOT_SIGN_UP_TITLES[reason], result.decision.explanation)
    assert stop is not None
    status, title, paragraphs, link = _STOPS[stop]
    return message(ctx, title, *paragraphs, status_code=status, link=link)


def _answers_for(ctx: PageContext, result: GateResult, account_id: int) -> Answers:
    """The person's answers, kept if they came back; the years are the gate's."""
    assert result.decision is not None
    offered = tuple(str(year) for year in result.decision.years)
    account = ctx.account
    assert account is not None
    answers = load(ctx, account) or Answers(account_id)
    year = answers.tax_year if answers.tax_year in offered else None
    if len(offered) == 1:
        year = offered[0]
    return replace(answers, offered_years=offered, tax_year=year)


@router.get(BEGIN)
def begin(request: Request) -> Response:
    with page_context(request) as ctx:
        account = ctx.account
        if account is None:
            ctx.set(AFTER_SIGN_IN, BEGIN)
            return redirect(ctx, "/gg/sign-in")
        result = gate.check(ctx.tx, account, ctx.now)
        if result.stop is not None:
            return _stop_page(ctx, result)
        save(ctx, _answers_for(ctx, result, account.id))
        return redirect(ctx, TAX_YEAR)


def _identity_page(ctx: PageContext, *, status_code: int = 200, error: str = "") -> Response:
    return page(
        ctx,
        "signup_identity.html",
        status_code=status_code,
        title="We need to confirm your identity",
        outcomes=[(outcome.value, label) for outcome, label in OUTCOME_LABELS.items()],
        errors={"outcome": error} if error else {},
    )


def _needs_identity_check(ctx: PageContext) -> bool:
    account = ctx.account
    return account is not None and gate.sign_in_stop(account) is Stop.IDENTITY_CHECK


@router.get(IDENTITY)
def identity_page(request: Request) -> Response:
    with page_context(request) as ctx:
        if not _needs_identity_check(ctx):
            return redirect(ctx, BEGIN)
        return _identity_page(ctx)


def _identity(request: Request, form: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        account = ctx.account
        if account is None or not _needs_identity_check(ctx):
            return redirect(ctx, BEGIN)
        try:
            outcome = IvOutcome(form.get("outcome"))
        except ValueError:
            return _identity_page(ctx, status_code=400, error="Select what happens in the check")
        if outcome is IvOutcome.SUCCESS:
            record_success(ctx.tx, account)
            return redirect(ctx, BEGIN)
        return message(
            ctx,
            "We could not confirm your identity",
            f"You need to confirm your identity to sign up for {_MTD}. The check ended with: "
            f"{OUTCOME_LABELS[outcome]}.",
            status_code=403,
            link=(BEGIN, "Try again"),
        )


@router.post(IDENTITY)
async def identity_submit(request: Request) -> Response:
    form = await form_of(request)
    return await run_in_threadpool(_identity, request, form)


def _claimable(ctx: PageContext) -> tuple[int, str] | None:
    """The group and MTDITID when the signed-in person's enrolment is allocated to no group."""
    account = ctx.account
    if account is None:
        return None
    result = gate.check(ctx.tx, account, ctx.now)
    if result.stop is not Stop.CLAIM_ENROLMENT or result.mtditid is None:
        return None
    return account.group.id, result.mtditid


@router.get(ADD_TO_ACCOUNT)
def add_to_account_page(request: Request) -> Response:
    with page_context(request) as ctx:
        if _claimable(ctx) is None:
            return redirect(ctx, BEGIN)
        return page(ctx, "signup_claim.html", title=f"Add {_MTD} to your account")


def _add_to_account(request: Request, form: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        claimable = _claimable(ctx)
        if claimable is None:
            return redirect(ctx, BEGIN)
        claim_enrolment(ctx.tx, claimable[1], claimable[0])
        return message(
            ctx,
            f"You have added {_MTD} to your account",
            f"Your MTD Income Tax ID is {claimable[1]}. You can now authorise software and "
            "manage your reporting obligations.",
            link=(REPORTING, "Manage your reporting obligations"),
        )


@router.post(ADD_TO_ACCOUNT)
async def add_to_account(request: Request) -> Response:
    form = await form_of(request)
    return await run_in_threadpool(_add_to_account, request, form)
