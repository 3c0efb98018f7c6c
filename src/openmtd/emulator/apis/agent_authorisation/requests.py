"""Authorisation requests through the API: create, list (last 30 days), get one, cancel
(wire facts §6; business rules §2.4). The store, the state machine and the refusals are the
web journeys' (:mod:`openmtd.emulator.agents.invitations`): a request sent here shows on the
agency's pages and the client's, and one sent there is listed here.

Order of checks on each endpoint, after the platform's (``check_accept`` included):

1. get and cancel: the path's invitation ID must be one (13 characters of HMRC's alphabet with
   its checksum), else 400 ``BAD_REQUEST`` (HMRC's path binder, before the action runs);
2. the caller (:func:`.caller.agent_arn`): 401, 403 ``NOT_AN_AGENT``, ``AGENT_NOT_SUBSCRIBED``,
   ``NO_PERMISSION_ON_AGENCY``;
3. create: the body (:mod:`.validation`, 400s), then the client's records and the requests
   and relationships already held (403s, the rules' order); get and cancel: 404
   ``INVITATION_NOT_FOUND``, then another agency's request → 403 ``NO_PERMISSION_ON_AGENCY``
   (cancel: a request that is not Pending first → 403 ``INVALID_INVITATION_STATUS``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Final

from openmtd.emulator.agents import invitations
from openmtd.emulator.agents.clients import find_client, parse_nino
from openmtd.emulator.apis.agent_authorisation import errors
from openmtd.emulator.apis.agent_authorisation.caller import agent_arn
from openmtd.emulator.apis.agent_authorisation.errors import fail, from_rule
from openmtd.emulator.apis.agent_authorisation.validation import MTD_IT, client_access
from openmtd.emulator.platform.gateway import ApiResponse, CallContext
from openmtd.emulator.storage import StoredInvitation
from openmtd.rules.agent_services import client_link_path
from openmtd.rules.agents import InvitationStatus
from openmtd.rules.errors import RuleError
from openmtd.rules.identifiers import InvitationId

#: How far back the list reaches (wire facts §6: "last 30 days").
LIST_WINDOW: Final = timedelta(days=30)
_JSON_TYPES: Final = ("application/json", "text/json")


def location(arn: str, invitation_id: str) -> str:
    """The request's path, as the ``Location`` and ``_links.self.href`` give it."""
    return f"/agents/{arn}/invitations/{invitation_id}"


def instant(moment: datetime) -> str:
    """A time as the API writes it: UTC, milliseconds, ``Z`` (openmtd's reading)."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def body_of(ctx: CallContext, stored: StoredInvitation, origin: str) -> dict[str, Any]:
    """One request as the API answers it: Pending with its expiry and the client's link,
    any other status with when it last moved (HMRC's two shapes)."""
    invitation = stored.invitation
    answer: dict[str, Any] = {
        "_links": {"self": {"href": location(invitation.arn, stored.invitation_id)}},
        "created": instant(invitation.created),
    }
    if invitation.status is InvitationStatus.PENDING:
        answer["expiresOn"] = f"{invitation.expires_on.isoformat()}T00:00:00.000"
    else:
        answer["updated"] = instant(invitation.updated)
    answer.update(arn=invitation.arn, service=[MTD_IT], status=invitation.status.value)
    if invitation.status is InvitationStatus.PENDING:
        record = ctx.tx.agent_records.get(invitation.arn)
        if record is not None:
            answer["clientActionUrl"] = origin + client_link_path(
                record.client_link_uid, record.agency_name
            )
    answer["agentType"] = invitation.agent_type.value
    return answer


def _json_body(ctx: CallContext) -> None:
    content_type = ctx.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in _JSON_TYPES:
        raise fail(errors.BAD_REQUEST)


def create(ctx: CallContext, path_arn: str, raw: bytes) -> ApiResponse:
    """``POST /agents/{arn}/invitations``: 204 with ``Location``."""
    arn = agent_arn(ctx, path_arn)
    _json_body(ctx)
    access = client_access(raw)
    if not access.itsa or access.agent_type is None or access.known_fact is None:
        # openmtd holds no VAT customers, so no VAT registration matches (docs/emulator.md).
        raise fail(errors.CLIENT_REGISTRATION_NOT_FOUND)
    try:
        sent = invitations.create(
            ctx.tx, arn, access.client_id, access.known_fact, access.agent_type.value, ctx.now
        )
    except RuleError as error:
        refusal = from_rule(error)
        if error.code == errors.DUPLICATE_AUTHORISATION_REQUEST[1]:
            waiting = _waiting(ctx, arn, access.client_id, access.agent_type.value)
            if waiting is not None:
                refusal.headers = {"Location": location(arn, waiting)}
        raise refusal from None
    return ApiResponse(204, headers={"Location": location(arn, sent.invitation_id)})


def _waiting(ctx: CallContext, arn: str, client_id: str, agent_type: str) -> str | None:
    client = find_client(ctx.tx, parse_nino(client_id))
    if client is None:
        return None
    for stored in invitations.pending_from(ctx.tx, arn, client, ctx.now):
        if stored.invitation.agent_type.value == agent_type:
            return stored.invitation_id
    return None


def list_requests(ctx: CallContext, path_arn: str, origin: str) -> ApiResponse:
    """``GET /agents/{arn}/invitations``: the last 30 days' requests, newest first; 204 when
    there are none."""
    arn = agent_arn(ctx, path_arn)
    since = ctx.now - LIST_WINDOW
    found = [
        body_of(ctx, stored, origin)
        for stored in invitations.for_agent(ctx.tx, arn, ctx.now)
        if stored.invitation.created >= since
    ]
    if not found:
        return ApiResponse(204)
    return ApiResponse(200, found)


def _invitation_id(text: str) -> str:
    try:
        return InvitationId.parse(text).value
    except RuleError:
        raise fail(errors.BAD_REQUEST) from None


def _own(ctx: CallContext, arn: str, invitation_id: str) -> StoredInvitation:
    stored = ctx.tx.invitations.get(invitation_id)
    if stored is None:
        raise fail(errors.INVITATION_NOT_FOUND)
    if stored.invitation.arn != arn:
        raise fail(errors.NO_PERMISSION_ON_AGENCY)
    return invitations.as_of(stored, ctx.now)


def get(ctx: CallContext, path_arn: str, invitation_id: str, origin: str) -> ApiResponse:
    """``GET /agents/{arn}/invitations/{invitationId}``."""
    wanted = _invitation_id(invitation_id)
    arn = agent_arn(ctx, path_arn)
    return ApiResponse(200, body_of(ctx, _own(ctx, arn, wanted), origin))


def cancel(ctx: CallContext, path_arn: str, invitation_id: str) -> ApiResponse:
    """``DELETE /agents/{arn}/invitations/{invitationId}``: 204."""
    wanted = _invitation_id(invitation_id)
    arn = agent_arn(ctx, path_arn)
    try:
        invitations.cancel(ctx.tx, arn, wanted, ctx.now)
    except RuleError as error:
        raise from_rule(error) from None
    return ApiResponse(204)
