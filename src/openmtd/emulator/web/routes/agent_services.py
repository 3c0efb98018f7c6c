"""Routes: the agent services account (business rules §2.1, §2.3).

``/agent-services-account`` (home: the ARN, the client link, the journeys) ←
``/agent-services-account/create`` (an Agent account registers: UTR and postcode, agency name,
email → an ARN and ``HMRC-AS-AGENT``) → ``/agent-services-account/created``; and
``/agent-services-account/copy-self-assessment-authorisations`` (link a legacy
``IR-SA-AGENT`` reference: the one this account holds, or another account's by its user ID
and password). Thin: parse, call :mod:`openmtd.emulator.agents.services_account`, render.
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.agents import services_account
from openmtd.emulator.agents.services_account import ServicesAccountDetails, ServicesAccountError
from openmtd.emulator.gateway.accounts import SignInError, SignInFailure, authenticate
from openmtd.emulator.web.agent_pages import (
    COPY_SA,
    CREATE,
    CREATED,
    HOME,
    Agent,
    agent_account,
    refused_fields,
    signed_in_agent,
)
from openmtd.emulator.web.context import PageContext, page_context
from openmtd.emulator.web.render import message, page, redirect
from openmtd.emulator.web.routes.gateway import SIGN_IN_FAILED, form_of
from openmtd.rules.agent_services import client_link_path
from openmtd.webkit.forms import Form

router = APIRouter(include_in_schema=False)

_CREATE_FIELDS: Final = ("utr", "postcode", "agency_name", "email")
_COPY_FIELDS: Final = ("user_id", "password")


def client_link(ctx: PageContext, agent: Agent) -> str:
    """The full link the agency sends its clients, on this emulator's own origin."""
    origin = str(ctx.request.base_url).rstrip("/")
    return origin + client_link_path(agent.record.client_link_uid, agent.record.agency_name)


@router.get(HOME)
def home(request: Request) -> Response:
    with page_context(request) as ctx:
        agent = signed_in_agent(ctx)
        if isinstance(agent, Response):
            return agent
        return page(
            ctx,
            "agent_home.html",
            title="Your agent services account",
            agency_name=agent.record.agency_name,
            arn=agent.arn,
            client_link=client_link(ctx, agent),
            legacy_references=ctx.tx.legacy_sa.mapped_references(agent.arn),
        )


def _create_page(
    ctx: PageContext,
    form: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    return page(
        ctx,
        "agent_create.html",
        status_code=status,
        title="Create an agent services account",
        form=form,
        errors=errors or {},
    )


@router.get(CREATE)
def create_page(request: Request) -> Response:
    with page_context(request) as ctx:
        account = agent_account(ctx)
        if isinstance(account, Response):
            return account
        if services_account.arn_of(account) is not None:
            return redirect(ctx, HOME)
        return _create_page(ctx, dict.fromkeys(_CREATE_FIELDS, ""))


def _create(request: Request, form: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        account = agent_account(ctx)
        if isinstance(account, Response):
            return account
        if services_account.arn_of(account) is not None:
            return redirect(ctx, HOME)
        typed = {name: form.get(name) for name in _CREATE_FIELDS}
        refused = refused_fields(form, _CREATE_FIELDS)
        if refused:
            return _create_page(ctx, typed, errors=refused, status=400)
        try:
            services_account.create(ctx.tx, account, ctx.now, ServicesAccountDetails(**typed))
        except ServicesAccountError as error:
            return _create_page(ctx, typed, errors={error.field: error.message}, status=400)
        return redirect(ctx, CREATED)


@router.post(CREATE)
async def create(request: Request) -> Response:
    form = await form_of(request)
    return await run_in_threadpool(_create, request, form)


@router.get(CREATED)
def created_page(request: Request) -> Response:
    with page_context(request) as ctx:
        agent = signed_in_agent(ctx)
        if isinstance(agent, Response):
            return agent
        return page(
            ctx,
            "agent_created.html",
            title="You have created an agent services account",
            arn=agent.arn,
            agency_name=agent.record.agency_name,
        )


def _copy_page(
    ctx: PageContext, agent: Agent, *, errors: dict[str, str] | None = None, status: int = 200
) -> Response:
    values: dict[str, Any] = {
        "own_reference": services_account.legacy_reference_of(agent.account),
        "mapped": ctx.tx.legacy_sa.mapped_references(agent.arn),
    }
    return page(
        ctx,
        "agent_copy_sa.html",
        status_code=status,
        title="Copy existing Self Assessment authorisations",
        errors=errors or {},
        **values,
    )


@router.get(COPY_SA)
def copy_page(request: Request) -> Response:
    with page_context(request) as ctx:
        agent = signed_in_agent(ctx)
        if isinstance(agent, Response):
            return agent
        return _copy_page(ctx, agent)


def _reference_to_link(ctx: PageContext, agent: Agent, form: Form) -> str | Response:
    """The legacy reference the form names: this account's own, or the one held by the
    account whose user ID and password were given (the old agent sign-in, §2.3)."""
    if form.get("source") == "own":
        own = services_account.legacy_reference_of(agent.account)
        if own is None:
            return _copy_page(
                ctx,
                agent,
                errors={"user_id": "This account has no Self Assessment agent reference"},
                status=400,
            )
        return own
    if form.refused & set(_COPY_FIELDS):
        return _copy_page(ctx, agent, errors=refused_fields(form, _COPY_FIELDS), status=400)
    services = ctx.services
    result = authenticate(
        ctx.tx, services.hasher, ctx.now, form.get("user_id"), form.get("password")
    )
    if isinstance(result, SignInError):
        if result.failure is SignInFailure.LOCKED:
            text = "Too many wrong passwords: this user ID cannot sign in for 15 minutes"
        else:
            text = SIGN_IN_FAILED
        return _copy_page(ctx, agent, errors={"user_id": text}, status=401)
    reference = services_account.legacy_reference_of(result)
    if reference is None:
        return _copy_page(
            ctx,
            agent,
            errors={
                "user_id": "This account has no Self Assessment agent reference (IR-SA-AGENT). "
                "Sign in with the user ID you used for Self Assessment for your clients"
            },
            status=400,
        )
    return reference


def _copy(request: Request, form: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        agent = signed_in_agent(ctx)
        if isinstance(agent, Response):
            return agent
        reference = _reference_to_link(ctx, agent, form)
        if isinstance(reference, Response):
            return reference
        linked = services_account.link_legacy_reference(ctx.tx, agent.arn, reference, ctx.now)
        copied = len(linked.copied)
        clients = "1 client" if copied == 1 else f"{copied} clients"
        return message(
            ctx,
            "Self Assessment authorisations copied"
            if linked.newly_linked
            else "This Self Assessment agent reference is already linked",
            f"Your agent services account is linked to the Self Assessment agent reference "
            f"{reference}. We copied the authorisations of {clients} who have signed up for "
            "Making Tax Digital for Income Tax: you are now their main agent.",
            "Clients who have not signed up yet are copied when they sign up, or you can sign "
            "them up yourself.",
            link=(HOME, "Go to your agent services account"),
        )


@router.post(COPY_SA)
async def copy(request: Request) -> Response:
    form = await form_of(request)
    return await run_in_threadpool(_copy, request, form)
