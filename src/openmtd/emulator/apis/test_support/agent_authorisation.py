"""HMRC's Agent Authorisation Test Support API v1.0 (wire facts §4.3), sandbox only and open
(no token): act as the client on a request made through the Agent Authorisation API (or the
agency's pages), and read a client's known fact.

- ``PUT /agent-authorisation-test-support/invitations/{id}``: the client accepts (a
  relationship, or a partial authorisation before sign-up; the same rules and records as the
  client's pages) → 204;
- ``DELETE .../invitations/{id}``: the client rejects → 204;
- ``GET .../known-facts/mtd-it/nino/{nino}``: the client's postcode, in the body an
  authorisation request takes.

Both answers are 404 for no such request and 409 for one that is not Pending (already
answered, cancelled or expired). Choices (UNCONFIRMED, docs/emulator.md): HMRC's 404 and 409
have no body; the emulator answers its envelope (``INVITATION_NOT_FOUND`` with the Agent
Authorisation API's message; ``INVALID_INVITATION_STATUS`` with openmtd's). The known-fact
helper reads the person the emulator holds (HMRC's creates a stub person when none exists):
a malformed NINO is 400 ``CLIENT_ID_FORMAT_INVALID``, a NINO nobody holds 404
``CLIENT_REGISTRATION_NOT_FOUND``. Accept is checked as the Agent Authorisation API checks it.
"""

from __future__ import annotations

from typing import Final

from openmtd.emulator.agents import invitations
from openmtd.emulator.agents.clients import find_client, parse_nino
from openmtd.emulator.apis.agent_authorisation import errors as aa
from openmtd.emulator.apis.agent_authorisation.errors import accept_check, fail
from openmtd.emulator.platform.gateway import Access, ApiResponse, CallContext, Endpoint
from openmtd.emulator.storage import StoredInvitation
from openmtd.rules.errors import RuleError

API: Final = "agent-authorisation-test-support"
PREFIX: Final = "/agent-authorisation-test-support"
_VERSIONS: Final = frozenset({"1.0"})

#: openmtd's texts (HMRC's answers carry no body).
INVITATION_NOT_FOUND: Final = aa.INVITATION_NOT_FOUND
INVITATION_NOT_PENDING: Final = (
    409,
    "INVALID_INVITATION_STATUS",
    "The authorisation request has already been answered, cancelled or has expired.",
)
CLIENT_ID_FORMAT_INVALID: Final = aa.CLIENT_ID_FORMAT_INVALID
CLIENT_NOT_FOUND: Final = (
    404,
    "CLIENT_REGISTRATION_NOT_FOUND",
    aa.CLIENT_REGISTRATION_NOT_FOUND[2],
)


def _endpoint(name: str, path: str) -> Endpoint:
    return Endpoint(
        api=API,
        versions=_VERSIONS,
        access=Access.OPEN,
        name=name,
        path=path,
        accept=accept_check(_VERSIONS),
    )


ACCEPT: Final = _endpoint(
    "Accept an invitation created with POST /agents/{arn}/invitations",
    PREFIX + "/invitations/{id}",
)
REJECT: Final = _endpoint(
    "Reject an invitation created with POST /agents/{arn}/invitations",
    PREFIX + "/invitations/{id}",
)
KNOWN_FACT: Final = _endpoint(
    "Prepare an MTD-IT client's known fact", PREFIX + "/known-facts/mtd-it/nino/{nino}"
)


def _request(ctx: CallContext, invitation_id: str) -> StoredInvitation:
    stored = ctx.tx.invitations.get(invitation_id) if len(invitation_id) == 13 else None
    if stored is None:
        raise fail(INVITATION_NOT_FOUND)
    return stored


def _answer(ctx: CallContext, invitation_id: str, *, accept: bool) -> ApiResponse:
    stored = _request(ctx, invitation_id)
    client = find_client(ctx.tx, stored.invitation.client_id)
    if client is None:
        # The person the request named is gone: nobody can answer it.
        raise fail(INVITATION_NOT_FOUND)
    try:
        if accept:
            invitations.accept(ctx.tx, stored.invitation_id, client, ctx.now)
        else:
            invitations.reject(ctx.tx, stored.invitation_id, client, ctx.now)
    except RuleError as error:
        if error.code == aa.INVALID_INVITATION_STATUS[1]:
            raise fail(INVITATION_NOT_PENDING) from None
        raise fail(INVITATION_NOT_FOUND) from None
    return ApiResponse(204)


def accept_invitation(ctx: CallContext, invitation_id: str) -> ApiResponse:
    """``PUT .../invitations/{id}``: the client accepts."""
    return _answer(ctx, invitation_id, accept=True)


def reject_invitation(ctx: CallContext, invitation_id: str) -> ApiResponse:
    """``DELETE .../invitations/{id}``: the client rejects."""
    return _answer(ctx, invitation_id, accept=False)


def mtd_it_known_fact(ctx: CallContext, nino: str) -> ApiResponse:
    """``GET .../known-facts/mtd-it/nino/{nino}``: what an authorisation request for this client
    would send."""
    try:
        parsed = parse_nino(nino)
    except RuleError:
        raise fail(CLIENT_ID_FORMAT_INVALID) from None
    client = find_client(ctx.tx, parsed)
    if client is None:
        raise fail(CLIENT_NOT_FOUND)
    return ApiResponse(
        200,
        {
            "service": ["MTD-IT"],
            "clientType": "personal",
            "clientIdType": "ni",
            "clientId": client.nino,
            "knownFact": client.postcode,
        },
    )
