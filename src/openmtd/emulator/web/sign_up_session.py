"""What the sign-up pages share: the person's answers in the server-side session, the
journey's URLs, and the check every page after the gate makes (signed in as the account that
started, the gate passed).

The same pages serve an agent signing a client up (answers with ``arn`` and
``client_nino``): :func:`gate_for` runs the agent's gate for the client instead, and
:func:`begin_of` / :func:`confirmation_of` send the agent to their own start and
confirmation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Final

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.agents.sign_up import client_gate
from openmtd.emulator.sign_up import gate
from openmtd.emulator.sign_up.gate import GateResult, Stop
from openmtd.emulator.sign_up.journey import SESSION_KEY, Answers
from openmtd.emulator.storage import Account
from openmtd.emulator.web.context import PageContext, page_context
from openmtd.emulator.web.render import redirect
from openmtd.emulator.web.routes.gateway import AFTER_SIGN_IN, form_of
from openmtd.rules.clock import uk_date
from openmtd.webkit.forms import REFUSED_MESSAGE, Form

START: Final = "/signup"
BEGIN: Final = "/signup/begin"
TAX_YEAR: Final = "/signup/tax-year"
INCOME_SOURCES: Final = "/signup/income-sources"
PAPERLESS: Final = "/signup/paperless"
CHECK_ANSWERS: Final = "/signup/check-your-answers"
CONFIRMATION: Final = "/signup/confirmation"
#: The agent's own start (client matching, the authorisation check) and confirmation.
AGENT_BEGIN: Final = "/agent-services-account/sign-up-client/begin"
AGENT_CONFIRMATION: Final = "/agent-services-account/sign-up-client/confirmation"
#: The session key the agent's confirmation reads: the client just signed up.
AGENT_SIGNED_UP: Final = "agent_signed_up_nino"


def load(ctx: PageContext, account: Account) -> Answers | None:
    """The answers this account gave in this browser, if any."""
    return Answers.from_data(ctx.get(SESSION_KEY), account.id)


def save(ctx: PageContext, answers: Answers) -> None:
    ctx.set(SESSION_KEY, answers.data())


def forget(ctx: PageContext) -> None:
    ctx.pop(SESSION_KEY)


def today(ctx: PageContext) -> date:
    return uk_date(ctx.now)


def in_journey(ctx: PageContext) -> tuple[Account, Answers] | Response:
    """The signed-in account and its answers; else back to the gate (which signs in first)."""
    account = ctx.account
    if account is None:
        ctx.set(AFTER_SIGN_IN, BEGIN)
        return redirect(ctx, "/gg/sign-in")
    answers = load(ctx, account)
    if answers is None or not answers.offered_years:
        return redirect(ctx, BEGIN)
    return account, answers


def gate_for(ctx: PageContext, account: Account, answers: Answers) -> GateResult:
    """The gate for whoever the answers sign up: the signed-in person, or an agent's client.

    Any stop of the agent's gate is a stop here (the agent's start page says which)."""
    if answers.arn is None or answers.client_nino is None:
        return gate.check(ctx.tx, account, ctx.now)
    checked = client_gate(ctx.tx, answers.arn, answers.client_nino, ctx.now)
    if checked.stop is not None:
        return GateResult(checked.result.current_year, Stop.AGENT)
    return checked.result


def begin_of(answers: Answers) -> str:
    """Where the journey starts again: the individual's gate, or the agent's."""
    return AGENT_BEGIN if answers.arn is not None else BEGIN


def confirmation_of(ctx: PageContext, answers: Answers) -> str:
    """Where a completed sign-up goes (the agent's names the client signed up)."""
    if answers.arn is None:
        return CONFIRMATION
    ctx.set(AGENT_SIGNED_UP, answers.client_nino)
    return AGENT_CONFIRMATION


def refused_fields(form: Form) -> dict[str, str]:
    """Fields whose value the form reader refused, each with its message."""
    return dict.fromkeys(sorted(form.refused), REFUSED_MESSAGE)


Handler = Callable[[PageContext, Account, Answers, Form], Response]


async def post(request: Request, handle: Handler) -> Response:
    """A journey POST: the form read once, the CSRF token checked, the journey checked."""
    form = await form_of(request)

    def run() -> Response:
        with page_context(request) as ctx:
            ctx.check_csrf(form)
            held = in_journey(ctx)
            if isinstance(held, Response):
                return held
            return handle(ctx, held[0], held[1], form)

    return await run_in_threadpool(run)
