"""Routes: an agency's authorisation requests and clients (business rules §2.2, §2.4).

``/agent-services-account/authorisation-request`` (the client's NINO and postcode, main or
supporting) → ``.../authorisation-request/{id}/sent`` (the link to send);
``/agent-services-account/authorisation-requests`` (every request and its state as of the
emulator's clock; cancel a Pending one: ``POST .../{id}/cancel`` →
``.../{id}/cancelled``); ``/agent-services-account/clients`` (relationships and partial
authorisations; "remove authorisation": ``POST .../clients/remove``). A refused request is a
page saying why, with HMRC's case (wire facts §6 codes) chosen by the rules.
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.agents import invitations, relationships
from openmtd.emulator.agents.clients import find_client
from openmtd.emulator.storage import StoredInvitation
from openmtd.emulator.web.agent_pages import (
    CLIENTS,
    HOME,
    NEW_REQUEST,
    REQUESTS,
    Agent,
    refused_fields,
    signed_in_agent,
)
from openmtd.emulator.web.context import PageContext, page_context
from openmtd.emulator.web.render import message, page, redirect, uk_date_text
from openmtd.emulator.web.routes.agent_services import client_link
from openmtd.emulator.web.routes.gateway import form_of
from openmtd.rules.agents import AgentType, EndedBy, InvitationStatus
from openmtd.rules.errors import RuleError
from openmtd.webkit.forms import Form

router = APIRouter(include_in_schema=False)

_FIELDS: Final = ("client_nino", "postcode", "agent_type")
_AGENT_TYPES: Final = (
    (
        "main",
        "Main agent",
        "Deals with all of the client's Income Tax, including the final declaration",
    ),
    ("supporting", "Supporting agent", "Sends in-year updates only; the client can have several"),
)
#: Which field a refusal belongs to, when it is the form's fault.
_FIELD_OF: Final = {
    "CLIENT_ID_FORMAT_INVALID": "client_nino",
    "POSTCODE_FORMAT_INVALID": "postcode",
    "AGENT_TYPE_NOT_SUPPORTED": "agent_type",
}
_TRY_AGAIN: Final = (NEW_REQUEST, "Try again")
_TRACK: Final = (REQUESTS, "Track your authorisation requests")
#: Each refusal that is not the form's fault: its page heading, status and way on.
_REFUSAL_PAGES: Final = {
    "CLIENT_REGISTRATION_NOT_FOUND": ("We could not find your client", 403, _TRY_AGAIN),
    "POSTCODE_DOES_NOT_MATCH": ("The postcode does not match", 403, _TRY_AGAIN),
    "DUPLICATE_AUTHORISATION_REQUEST": ("You have already sent this request", 409, _TRACK),
    "ALREADY_AUTHORISED": ("This client has already authorised you", 409, _TRACK),
}
_STATUS_LABELS: Final = {
    InvitationStatus.PENDING: "Waiting for the client",
    InvitationStatus.ACCEPTED: "Accepted",
    InvitationStatus.PARTIALAUTH: "Accepted (the client has not signed up yet)",
    InvitationStatus.REJECTED: "Rejected by the client",
    InvitationStatus.CANCELLED: "Cancelled by you",
    InvitationStatus.EXPIRED: "Expired",
    InvitationStatus.DEAUTHORISED: "Authorisation ended",
}


def _role_name(agent_type: AgentType) -> str:
    return f"{agent_type.value} agent"


def _request_page(
    ctx: PageContext, form: dict[str, str], errors: dict[str, str] | None = None, status: int = 200
) -> Response:
    return page(
        ctx,
        "agent_request.html",
        status_code=status,
        title="Ask a client to authorise you",
        form=form,
        agent_types=_AGENT_TYPES,
        errors=errors or {},
    )


@router.get(NEW_REQUEST)
def request_page(request: Request) -> Response:
    with page_context(request) as ctx:
        agent = signed_in_agent(ctx)
        if isinstance(agent, Response):
            return agent
        return _request_page(ctx, {"client_nino": "", "postcode": "", "agent_type": "main"})


def _refusal(ctx: PageContext, error: RuleError, typed: dict[str, str]) -> Response:
    field = _FIELD_OF.get(error.code)
    if field is not None:
        return _request_page(ctx, typed, {field: error.message}, status=400)
    heading, status, link = _REFUSAL_PAGES.get(
        error.code, ("We could not send this request", 400, _TRY_AGAIN)
    )
    return message(ctx, heading, error.message, status_code=status, link=link)


def _send(request: Request, form: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        agent = signed_in_agent(ctx)
        if isinstance(agent, Response):
            return agent
        typed = {name: form.get(name) for name in _FIELDS}
        refused = refused_fields(form, _FIELDS)
        if refused:
            return _request_page(ctx, typed, refused, status=400)
        if not typed["agent_type"]:
            return _request_page(
                ctx, typed, {"agent_type": "Choose main agent or supporting agent"}, status=400
            )
        try:
            sent = invitations.create(
                ctx.tx,
                agent.arn,
                typed["client_nino"],
                typed["postcode"],
                typed["agent_type"],
                ctx.now,
            )
        except RuleError as error:
            return _refusal(ctx, error, typed)
        return redirect(ctx, f"{NEW_REQUEST}/{sent.invitation_id}/sent")


@router.post(NEW_REQUEST)
async def send(request: Request) -> Response:
    form = await form_of(request)
    return await run_in_threadpool(_send, request, form)


def _own_request(ctx: PageContext, agent: Agent, invitation_id: str) -> StoredInvitation | None:
    """The agency's own request with this id, as of now; None for another's or none."""
    stored = ctx.tx.invitations.get(invitation_id) if len(invitation_id) == 13 else None
    if stored is None or stored.invitation.arn != agent.arn:
        return None
    return invitations.as_of(stored, ctx.now)


def _not_found(ctx: PageContext) -> Response:
    return message(
        ctx,
        "We could not find that authorisation request",
        "Go to your authorisation requests to see every request you have sent.",
        status_code=404,
        link=_TRACK,
    )


@router.get(NEW_REQUEST + "/{invitation_id}/sent")
def sent_page(request: Request, invitation_id: str) -> Response:
    with page_context(request) as ctx:
        agent = signed_in_agent(ctx)
        if isinstance(agent, Response):
            return agent
        stored = _own_request(ctx, agent, invitation_id)
        if stored is None:
            return _not_found(ctx)
        return page(
            ctx,
            "agent_request_sent.html",
            title="You have created an authorisation request",
            client_name=stored.client_name,
            role=_role_name(stored.invitation.agent_type),
            expires=_expiry_text(stored),
            client_link=client_link(ctx, agent),
            invitation_id=stored.invitation_id,
        )


def _expiry_text(stored: StoredInvitation) -> str:
    day = stored.invitation.expires_on
    return f"{day.day} {day:%B %Y}"


def _request_row(stored: StoredInvitation) -> dict[str, Any]:
    invitation = stored.invitation
    return {
        "id": stored.invitation_id,
        "client_name": stored.client_name,
        "client_nino": invitation.client_id,
        "role": _role_name(invitation.agent_type).capitalize(),
        "status": _STATUS_LABELS[invitation.status],
        "status_code": invitation.status.value,
        "sent": uk_date_text(invitation.created),
        "expires": _expiry_text(stored),
        "pending": invitation.status is InvitationStatus.PENDING,
        "ended_by": invitation.relationship_ended_by.value
        if invitation.relationship_ended_by
        else None,
    }


@router.get(REQUESTS)
def requests_page(request: Request) -> Response:
    with page_context(request) as ctx:
        agent = signed_in_agent(ctx)
        if isinstance(agent, Response):
            return agent
        rows = [
            _request_row(stored) for stored in invitations.for_agent(ctx.tx, agent.arn, ctx.now)
        ]
        return page(
            ctx,
            "agent_requests.html",
            title="Track your authorisation requests",
            requests=rows,
            client_link=client_link(ctx, agent),
        )


def _cancel(request: Request, invitation_id: str, form: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        agent = signed_in_agent(ctx)
        if isinstance(agent, Response):
            return agent
        stored = _own_request(ctx, agent, invitation_id)
        if stored is None:
            return _not_found(ctx)
        try:
            invitations.cancel(ctx.tx, agent.arn, stored.invitation_id, ctx.now)
        except RuleError as error:
            return message(
                ctx,
                "You cannot cancel this request",
                error.message,
                status_code=409,
                link=(REQUESTS, "Track your authorisation requests"),
            )
        return redirect(ctx, f"{REQUESTS}/{stored.invitation_id}/cancelled")


@router.post(REQUESTS + "/{invitation_id}/cancel")
async def cancel(request: Request, invitation_id: str) -> Response:
    form = await form_of(request)
    return await run_in_threadpool(_cancel, request, invitation_id, form)


@router.get(REQUESTS + "/{invitation_id}/cancelled")
def cancelled_page(request: Request, invitation_id: str) -> Response:
    with page_context(request) as ctx:
        agent = signed_in_agent(ctx)
        if isinstance(agent, Response):
            return agent
        stored = _own_request(ctx, agent, invitation_id)
        if stored is None or stored.invitation.status is not InvitationStatus.CANCELLED:
            return _not_found(ctx)
        return message(
            ctx,
            "You have cancelled this authorisation request",
            f"{stored.client_name} can no longer accept it. You can send a new request at any "
            "time.",
            link=(REQUESTS, "Track your authorisation requests"),
        )


# --- clients ---------------------------------------------------------------------------------


def _client_rows(ctx: PageContext, agent: Agent) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for relationship in ctx.tx.relationships.active(arn=agent.arn):
        role = relationships.role_of_stored(relationship.agent_type)
        if role is not None:
            rows.append(_client_row(ctx, relationship.client_nino, role, partial=False))
    for stored in ctx.tx.invitations.for_agent(agent.arn):
        if stored.invitation.status is InvitationStatus.PARTIALAUTH:
            rows.append(
                _client_row(
                    ctx, stored.invitation.client_id, stored.invitation.agent_type, partial=True
                )
            )
    return rows


def _client_row(ctx: PageContext, nino: str, role: AgentType, *, partial: bool) -> dict[str, Any]:
    client = find_client(ctx.tx, nino)
    return {
        "name": client.name if client is not None else nino,
        "nino": nino,
        "agent_type": role.value,
        "role": _role_name(role).capitalize(),
        "partial": partial,
    }


@router.get(CLIENTS)
def clients_page(request: Request) -> Response:
    with page_context(request) as ctx:
        agent = signed_in_agent(ctx)
        if isinstance(agent, Response):
            return agent
        return page(
            ctx, "agent_clients.html", title="Your clients", clients=_client_rows(ctx, agent)
        )


def _remove(request: Request, form: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        agent = signed_in_agent(ctx)
        if isinstance(agent, Response):
            return agent
        nino, agent_type = form.get("nino"), form.get("agent_type")
        client = find_client(ctx.tx, nino) if len(nino) == 9 and nino.isascii() else None
        try:
            role = AgentType.parse(agent_type)
            if client is None:
                raise RuleError("NO_RELATIONSHIP", "You are not authorised by this client.")
            relationships.deauthorise(ctx.tx, client.nino, agent.arn, role, EndedBy.AGENT, ctx.now)
        except RuleError:
            return message(
                ctx,
                "You are not authorised by this client",
                "There is no authorisation to remove: it may have been removed already.",
                status_code=404,
                link=(CLIENTS, "Your clients"),
            )
        return message(
            ctx,
            "You have removed this authorisation",
            f"You are no longer {client.name}'s {_role_name(role)}. To act for them again, ask "
            "them to authorise you.",
            link=(HOME, "Go to your agent services account"),
        )


@router.post(CLIENTS + "/remove")
async def remove(request: Request) -> Response:
    form = await form_of(request)
    return await run_in_threadpool(_remove, request, form)
