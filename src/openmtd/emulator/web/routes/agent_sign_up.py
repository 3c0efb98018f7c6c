"""Routes: an agent signs a client up for MTD Income Tax (business rules §1.6), and acts for a
client on their reporting obligations (opt out and opt in, §3.5, §3.6).

``/agent-services-account/sign-up-client`` (client matching: first name, last name, NINO,
date of birth; 3 failed matches lock the agency out for 60 seconds of the emulator's clock) →
``.../sign-up-client/begin`` (the authorisation check and eligibility,
:func:`openmtd.emulator.agents.sign_up.client_gate`: "you are not authorised by your client",
"already signed up", ...) → the individual's own journey pages, which serve the agent's too
(tax year, income sources, check your answers: ``web/sign_up_session.py``) →
``.../sign-up-client/confirmation`` ("Your client is signed up ... from {year} onwards"; the
relationship is made at once).

``/agent-services-account/clients/{nino}/reporting-obligations`` picks a client the agency is
main agent for; the individual's reporting-obligations pages then serve the agent under
``/agent-services-account/client-reporting-obligations``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Final

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.agents import relationships
from openmtd.emulator.agents.sign_up import AgentStop, Locked, NoMatch, client_gate, match_client
from openmtd.emulator.sign_up.answers import date_text
from openmtd.emulator.sign_up.journey import Answers
from openmtd.emulator.web.agent_pages import (
    CLIENTS,
    NEW_REQUEST,
    SIGN_UP_CLIENT,
    refused_fields,
    signed_in_agent,
)
from openmtd.emulator.web.context import PageContext, page_context
from openmtd.emulator.web.render import message, page, redirect, uk_time_text
from openmtd.emulator.web.routes.gateway import form_of
from openmtd.emulator.web.routes.reporting import Subject, reporting_router
from openmtd.emulator.web.sign_up_session import (
    AGENT_BEGIN,
    AGENT_CONFIRMATION,
    AGENT_SIGNED_UP,
    TAX_YEAR,
    load,
    save,
)
from openmtd.rules.agents import AgentType
from openmtd.rules.deadlines import quarterly_periods, year_end_deadline
from openmtd.rules.errors import RuleError
from openmtd.rules.identifiers import Nino
from openmtd.rules.tax_year import TaxYear
from openmtd.webkit.forms import Form

router = APIRouter(include_in_schema=False)

#: The matched client waiting for the authorisation check (their NINO).
MATCHED: Final = "agent_sign_up_client"
#: The client whose reporting obligations the agent is acting on.
REPORTING_CLIENT: Final = "agent_reporting_client"
REPORTING: Final = "/agent-services-account/client-reporting-obligations"
_FIELDS: Final = ("first_name", "last_name", "nino", "dob_day", "dob_month", "dob_year")
_MTD: Final = "Making Tax Digital for Income Tax"
NO_MATCH: Final = (
    "We could not find your client with these details. Check them with your client and try again"
)


def _matching_page(
    ctx: PageContext, form: dict[str, str], errors: dict[str, str] | None = None
) -> Response:
    return page(
        ctx,
        "agent_sign_up_client.html",
        status_code=400 if errors else 200,
        title="Enter your client's details",
        form=form,
        errors=errors or {},
    )


def _locked_page(ctx: PageContext, until: Locked) -> Response:
    return message(
        ctx,
        "You have been locked out",
        "You entered client details that we could not match too many times. You can try again "
        f"after {uk_time_text(until.until)}.",
        status_code=429,
    )


@router.get(SIGN_UP_CLIENT)
def matching_page(request: Request) -> Response:
    with page_context(request) as ctx:
        agent = signed_in_agent(ctx)
        if isinstance(agent, Response):
            return agent
        return _matching_page(ctx, dict.fromkeys(_FIELDS, ""))


def _date_of_birth(form: dict[str, str], today: date) -> date | str:
    parts = (form["dob_year"].strip(), form["dob_month"].strip(), form["dob_day"].strip())
    if not all(part.isascii() and part.isdigit() and len(part) <= 4 for part in parts):
        return "Enter your client's date of birth, for example 27 3 1985"
    try:
        born = date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return "Date of birth must be a real date"
    if not date(1900, 1, 1) <= born < today:
        return "Date of birth must be in the past, from 1900"
    return born


def _match(request: Request, fields: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(fields)
        agent = signed_in_agent(ctx)
        if isinstance(agent, Response):
            return agent
        form = {name: fields.get(name) for name in _FIELDS}
        errors = refused_fields(fields, _FIELDS)
        for name, label in (("first_name", "first name"), ("last_name", "last name")):
            if not form[name].strip() and name not in errors:
                errors[name] = f"Enter your client's {label}"
        nino: Nino | None = None
        try:
            nino = Nino.parse(form["nino"])
        except RuleError as error:
            errors.setdefault("nino", error.message)
        born = _date_of_birth(form, ctx.now.date())
        if isinstance(born, str):
            errors.setdefault("date_of_birth", born)
        if errors or nino is None or isinstance(born, str):
            return _matching_page(ctx, form, errors)
        found = match_client(
            ctx.tx, agent.arn, form["first_name"], form["last_name"], nino, born, ctx.now
        )
        if isinstance(found, Locked):
            return _locked_page(ctx, found)
        if isinstance(found, NoMatch):
            return _matching_page(ctx, form, {"first_name": NO_MATCH})
        ctx.set(MATCHED, found.nino)
        return redirect(ctx, AGENT_BEGIN)


@router.post(SIGN_UP_CLIENT)
async def match(request: Request) -> Response:
    fields = await form_of(request)
    return await run_in_threadpool(_match, request, fields)


def _stop_page(ctx: PageContext, stop: AgentStop, explanation: str | None) -> Response:
    if stop is AgentStop.NOT_AUTHORISED:
        return message(
            ctx,
            "You are not authorised by your client",
            "To sign this client up, ask them to authorise you first. When they accept your "
            "request, come back and sign them up.",
            status_code=403,
            link=(NEW_REQUEST, "Ask your client to authorise you"),
        )
    if stop is AgentStop.ALREADY_SIGNED_UP:
        return message(
            ctx,
            "Your client is already signed up",
            f"This client has already signed up for {_MTD}, and you are authorised to act "
            "for them.",
            link=(CLIENTS, "Your clients"),
        )
    if stop is AgentStop.NOT_REGISTERED_FOR_SELF_ASSESSMENT:
        return message(
            ctx,
            "Your client needs to register for Self Assessment",
            f"Your client cannot sign up for {_MTD} until they have registered for Self "
            "Assessment and have a Unique Taxpayer Reference (UTR).",
        )
    if stop is AgentStop.CANNOT_SIGN_UP:
        return message(
            ctx,
            f"Your client cannot sign up for {_MTD} at the moment",
            explanation or "",
        )
    return redirect(ctx, SIGN_UP_CLIENT)


@router.get(AGENT_BEGIN)
def begin(request: Request) -> Response:
    with page_context(request) as ctx:
        agent = signed_in_agent(ctx)
        if isinstance(agent, Response):
            return agent
        nino = ctx.get(MATCHED)
        if not isinstance(nino, str):
            return redirect(ctx, SIGN_UP_CLIENT)
        checked = client_gate(ctx.tx, agent.arn, nino, ctx.now)
        decision = checked.result.decision
        if checked.stop is not None:
            explanation = decision.agent_explanation if decision is not None else None
            return _stop_page(ctx, checked.stop, explanation)
        assert decision is not None
        offered = tuple(str(year) for year in decision.years)
        held = load(ctx, agent.account)
        if held is None or held.client_nino != nino or held.arn != agent.arn:
            held = Answers(agent.account.id, client_nino=nino, arn=agent.arn)
        chosen = held.tax_year if held.tax_year in offered else None
        # The agent confirms paperless for the client (business rules §1.6).
        save(
            ctx,
            replace(
                held,
                offered_years=offered,
                tax_year=offered[0] if len(offered) == 1 else chosen,
                paperless=True,
            ),
        )
        return redirect(ctx, TAX_YEAR)


@router.get(AGENT_CONFIRMATION)
def confirmation(request: Request) -> Response:
    with page_context(request) as ctx:
        agent = signed_in_agent(ctx)
        if isinstance(agent, Response):
            return agent
        nino = ctx.get(AGENT_SIGNED_UP)
        subscription = ctx.tx.subscriptions.for_nino(nino) if isinstance(nino, str) else None
        if subscription is None or subscription.arn != agent.arn:
            return redirect(ctx, SIGN_UP_CLIENT)
        year = TaxYear.parse(subscription.tax_year)
        return page(
            ctx,
            "agent_sign_up_done.html",
            title=f"Your client is signed up for {_MTD} from {year.label()} onwards",
            mtditid=subscription.mtditid,
            deadlines=[
                (f"{date_text(period.start)} to {date_text(period.end)}", date_text(period.due))
                for period in quarterly_periods(year)
            ],
            final_declaration=date_text(year_end_deadline(year)),
        )


# --- acting for a client on their reporting obligations -------------------------------------


def _main_agent_of(ctx: PageContext, arn: str, nino: str) -> bool:
    """Whether the agency is the client's main agent by a relationship (signed up).

    openmtd's choice: only a main agent manages a client's reporting obligations (a
    supporting agent sends in-year updates only, business rules §2.2)."""
    return any(
        relationships.role_of_stored(held.agent_type) is AgentType.MAIN
        for held in ctx.tx.relationships.active(arn=arn, client_nino=nino)
    )


@router.get(CLIENTS + "/{nino}/reporting-obligations")
def choose_reporting_client(request: Request, nino: str) -> Response:
    with page_context(request) as ctx:
        agent = signed_in_agent(ctx)
        if isinstance(agent, Response):
            return agent
        if len(nino) > 9 or not _main_agent_of(ctx, agent.arn, nino):
            return _not_main_agent(ctx)
        ctx.set(REPORTING_CLIENT, nino)
        return redirect(ctx, REPORTING)


def _not_main_agent(ctx: PageContext) -> Response:
    return message(
        ctx,
        "You cannot manage this client's reporting obligations",
        "Only a client's main agent can opt them out of quarterly reporting or back in.",
        status_code=403,
        link=(CLIENTS, "Your clients"),
    )


def agent_client(ctx: PageContext, _prefix: str) -> Subject | Response:
    """The client the signed-in agency is acting for, while it is their main agent."""
    agent = signed_in_agent(ctx)
    if isinstance(agent, Response):
        return agent
    nino = ctx.get(REPORTING_CLIENT)
    if not isinstance(nino, str) or not _main_agent_of(ctx, agent.arn, nino):
        return _not_main_agent(ctx)
    return Subject(nino, agent=True)


router.include_router(reporting_router(REPORTING, agent_client))
