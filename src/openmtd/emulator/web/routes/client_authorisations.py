"""Routes: the client's side of agent authorisation (business rules §2.4).

The agency's link, ``/agent-client-relationships/appoint-someone-to-deal-with-HMRC-for-you/
{uid}/{agent-name}/income-tax``, names the agency; the client signs in (Government Gateway,
2-step verification), confirms their identity when below confidence level 250 (``.../
confirm-identity``, the emulator's choose-the-outcome check), reads who is asking and what a
main or a supporting agent may do, and which main agent would be replaced (``.../consent``),
then accepts or rejects each waiting request. ``/agent-client-relationships/manage-who-can-
deal-with-HMRC-for-you`` lists the client's agents, each with "remove".

Agents cannot answer (their accounts are refused); organisations hold no NINO here, so an
ITSA request can name only an individual.
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.agents import invitations, relationships
from openmtd.emulator.agents.clients import Client, find_client
from openmtd.emulator.gateway.identity import (
    OUTCOME_LABELS,
    TARGET_CONFIDENCE_LEVEL,
    IvOutcome,
    record_success,
)
from openmtd.emulator.storage import AffinityGroup, AgentRecord
from openmtd.emulator.web.agent_pages import agency_name
from openmtd.emulator.web.context import PageContext, page_context
from openmtd.emulator.web.render import message, page, redirect
from openmtd.emulator.web.routes.gateway import AFTER_SIGN_IN, form_of
from openmtd.rules.agent_services import (
    CLIENT_LINK_PREFIX,
    CLIENT_LINK_SERVICE,
    consent,
    is_client_link_uid,
    normalised_agent_name,
)
from openmtd.rules.agents import AgentType, EndedBy
from openmtd.rules.errors import RuleError
from openmtd.webkit.forms import Form

router = APIRouter(include_in_schema=False)

CONSENT: Final = CLIENT_LINK_PREFIX + "/consent"
CONFIRM_IDENTITY: Final = CLIENT_LINK_PREFIX + "/confirm-identity"
MANAGE_AGENTS: Final = "/agent-client-relationships/manage-who-can-deal-with-HMRC-for-you"
#: The session key holding the link id the client followed.
LINK_UID: Final = "agent_link_uid"


def _link_not_valid(ctx: PageContext) -> Response:
    return message(
        ctx,
        "This link is not valid",
        "Check you copied the whole link your agent sent you, or ask them to send it again.",
        status_code=404,
    )


@router.get(CLIENT_LINK_PREFIX + "/{uid}/{agent_name}/" + CLIENT_LINK_SERVICE)
def follow_link(request: Request, uid: str, agent_name: str) -> Response:
    with page_context(request) as ctx:
        record = ctx.tx.agent_records.by_client_link_uid(uid) if is_client_link_uid(uid) else None
        if record is None or normalised_agent_name(record.agency_name) != agent_name:
            return _link_not_valid(ctx)
        ctx.set(LINK_UID, uid)
        if ctx.account is None:
            ctx.set(AFTER_SIGN_IN, CONSENT)
            return redirect(ctx, "/gg/sign-in")
        return redirect(ctx, CONSENT)


def _cannot_answer(ctx: PageContext, reason: str) -> Response:
    return message(ctx, "You cannot answer this request", reason, status_code=403)


def _client(ctx: PageContext) -> Client | Response:
    """The signed-in client, checked as HMRC checks a person answering a request."""
    account = ctx.account
    if account is None:
        ctx.set(AFTER_SIGN_IN, CONSENT)
        return redirect(ctx, "/gg/sign-in")
    if account.affinity_group is AffinityGroup.AGENT:
        return _cannot_answer(
            ctx,
            "You are signed in with an agent's account. Sign out and sign in with the "
            "Government Gateway account you use for your own tax.",
        )
    client = find_client(ctx.tx, account.nino) if account.nino else None
    if client is None or client.account.id != account.id:
        return _cannot_answer(
            ctx,
            "This request is for an individual's Income Tax, and this account has no "
            "National Insurance number. Sign in with the account you use for your own tax.",
        )
    return client


def _linked_agency(ctx: PageContext) -> AgentRecord | None:
    uid = ctx.get(LINK_UID)
    return ctx.tx.agent_records.by_client_link_uid(uid) if isinstance(uid, str) else None


def _consent_page(
    ctx: PageContext, client: Client, agency: AgentRecord, *, status: int = 200
) -> Response:
    waiting = invitations.pending_from(ctx.tx, agency.arn, client, ctx.now)
    agents = relationships.client_agents(ctx.tx, client.nino)
    requests: list[dict[str, Any]] = []
    for stored in waiting:
        told = consent(agents, agency.arn, stored.invitation.agent_type)
        expires = stored.invitation.expires_on
        requests.append(
            {
                "id": stored.invitation_id,
                "role": f"{told.agent_type.value} agent",
                "may": told.may,
                "may_not": told.may_not,
                "summary": told.summary,
                "replaces": agency_name(ctx, told.replaces_main) if told.replaces_main else None,
                "ends_own_role": told.ends_own_role.value if told.ends_own_role else None,
                "expires": f"{expires.day} {expires:%B %Y}",
            }
        )
    if not requests:
        return message(
            ctx,
            f"There are no authorisation requests from {agency.agency_name} for you",
            "The request may have expired, been cancelled, or been answered already. Ask your "
            "agent to send a new one if you want to authorise them.",
            status_code=404,
            link=(MANAGE_AGENTS, "Manage who can deal with HMRC for you"),
        )
    return page(
        ctx,
        "client_consent.html",
        status_code=status,
        title=f"{agency.agency_name} wants to deal with your Income Tax",
        agency_name=agency.agency_name,
        requests=requests,
        signed_up=client.signed_up,
    )


@router.get(CONSENT)
def consent_page(request: Request) -> Response:
    with page_context(request) as ctx:
        agency = _linked_agency(ctx)
        if agency is None:
            return _link_not_valid(ctx)
        client = _client(ctx)
        if isinstance(client, Response):
            return client
        if client.account.confidence_level < TARGET_CONFIDENCE_LEVEL:
            return redirect(ctx, CONFIRM_IDENTITY)
        return _consent_page(ctx, client, agency)


def _identity_page(ctx: PageContext, *, status: int = 200, error: str | None = None) -> Response:
    return page(
        ctx,
        "client_identity.html",
        status_code=status,
        title="We need to confirm your identity",
        outcomes=[(outcome.value, label) for outcome, label in OUTCOME_LABELS.items()],
        errors={"outcome": error} if error else {},
    )


@router.get(CONFIRM_IDENTITY)
def identity_page(request: Request) -> Response:
    with page_context(request) as ctx:
        if _linked_agency(ctx) is None:
            return _link_not_valid(ctx)
        client = _client(ctx)
        if isinstance(client, Response):
            return client
        return _identity_page(ctx)


def _identity(request: Request, form: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        if _linked_agency(ctx) is None:
            return _link_not_valid(ctx)
        client = _client(ctx)
        if isinstance(client, Response):
            return client
        try:
            outcome = IvOutcome(form.get("outcome"))
        except ValueError:
            return _identity_page(ctx, status=400, error="Choose an outcome")
        if outcome is not IvOutcome.SUCCESS:
            return message(
                ctx,
                "We could not confirm your identity",
                f"The identity check ended: {OUTCOME_LABELS[outcome]}. You need to confirm "
                "your identity before you can authorise an agent.",
                status_code=403,
                link=(CONFIRM_IDENTITY, "Try again"),
            )
        record_success(ctx.tx, client.account)
        return redirect(ctx, CONSENT)


@router.post(CONFIRM_IDENTITY)
async def identity_submit(request: Request) -> Response:
    form = await form_of(request)
    return await run_in_threadpool(_identity, request, form)


def _answer(request: Request, form: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        agency = _linked_agency(ctx)
        if agency is None:
            return _link_not_valid(ctx)
        client = _client(ctx)
        if isinstance(client, Response):
            return client
        if client.account.confidence_level < TARGET_CONFIDENCE_LEVEL:
            return redirect(ctx, CONFIRM_IDENTITY)
        decision, invitation_id = form.get("decision"), form.get("invitation_id")
        waiting = {
            s.invitation_id for s in invitations.pending_from(ctx.tx, agency.arn, client, ctx.now)
        }
        if decision not in ("accept", "reject") or invitation_id not in waiting:
            return _consent_page(ctx, client, agency, status=400)
        try:
            if decision == "reject":
                invitations.reject(ctx.tx, invitation_id, client, ctx.now)
                return message(
                    ctx,
                    "You have rejected this request",
                    f"{agency.agency_name} cannot deal with your Income Tax through this request.",
                    link=(MANAGE_AGENTS, "Manage who can deal with HMRC for you"),
                )
            accepted = invitations.accept(ctx.tx, invitation_id, client, ctx.now)
        except RuleError:  # answered meanwhile (another browser): show what is left
            return _consent_page(ctx, client, agency, status=409)
        role = f"{accepted.invitation.agent_type.value} agent"
        later = (
            ""
            if client.signed_up
            else " Their authorisation starts when you sign up for Making Tax Digital for Income "
            "Tax, or when they sign you up."
        )
        return message(
            ctx,
            f"You have authorised {agency.agency_name}",
            f"{agency.agency_name} is now your {role} for Making Tax Digital for Income Tax."
            + later,
            "You can remove their authorisation at any time in Manage who can deal with HMRC "
            "for you.",
            link=(MANAGE_AGENTS, "Manage who can deal with HMRC for you"),
        )


@router.post(CONSENT)
async def answer(request: Request) -> Response:
    form = await form_of(request)
    return await run_in_threadpool(_answer, request, form)


# --- manage who can deal with HMRC for you ---------------------------------------------------


def _signed_in_client(ctx: PageContext) -> Client | Response:
    if ctx.account is None:
        ctx.set(AFTER_SIGN_IN, MANAGE_AGENTS)
        return redirect(ctx, "/gg/sign-in")
    return _client(ctx)


def _agent_rows(ctx: PageContext, client: Client) -> list[dict[str, Any]]:
    agents = relationships.client_agents(ctx.tx, client.nino)
    partial = {
        (stored.invitation.arn, stored.invitation.agent_type)
        for stored in relationships.partial_auths(ctx.tx, client.nino)
    }
    held = ([(agents.main, AgentType.MAIN)] if agents.main else []) + [
        (arn, AgentType.SUPPORTING) for arn in sorted(agents.supporting)
    ]
    return [
        {
            "arn": arn,
            "name": agency_name(ctx, arn),
            "agent_type": role.value,
            "role": f"{role.value} agent".capitalize(),
            "partial": (arn, role) in partial,
        }
        for arn, role in held
    ]


@router.get(MANAGE_AGENTS)
def manage_agents_page(request: Request) -> Response:
    with page_context(request) as ctx:
        client = _signed_in_client(ctx)
        if isinstance(client, Response):
            return client
        return page(
            ctx,
            "client_agents.html",
            title="Manage who can deal with HMRC for you",
            agents=_agent_rows(ctx, client),
        )


def _remove(request: Request, form: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        client = _signed_in_client(ctx)
        if isinstance(client, Response):
            return client
        arn = form.get("arn")
        try:
            role = AgentType.parse(form.get("agent_type"))
            relationships.deauthorise(ctx.tx, client.nino, arn, role, EndedBy.CLIENT, ctx.now)
        except RuleError:
            return message(
                ctx,
                "This agent is not authorised to deal with your Income Tax",
                "There is nothing to remove: the authorisation may have ended already.",
                status_code=404,
                link=(MANAGE_AGENTS, "Manage who can deal with HMRC for you"),
            )
        return message(
            ctx,
            f"You have removed {agency_name(ctx, arn)}",
            f"They are no longer your {role.value} agent and cannot deal with your Income Tax.",
            link=(MANAGE_AGENTS, "Manage who can deal with HMRC for you"),
        )


@router.post(MANAGE_AGENTS + "/remove")
async def remove(request: Request) -> Response:
    form = await form_of(request)
    return await run_in_threadpool(_remove, request, form)
