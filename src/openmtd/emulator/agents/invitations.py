"""Authorisation requests ("invitations", business rules §2.4): an agency asks a client (by
NINO, with the client's postcode as the known fact) to authorise it as their main or
supporting agent; the client accepts or rejects within 21 days; the agency may cancel while
the request waits.

Expiry is computed when a request is read (:meth:`Invitation.effective_status` on the
emulator's clock), never by a background job: a Pending request on or past its expiry date
is Expired for every reader, and no move can be made from it. Refusals are
:class:`RuleError` with HMRC's codes (the Agent Authorisation API's, wire facts §6), so the
pages and a later API answer the same faults.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Final

from openmtd.emulator.agents import relationships
from openmtd.emulator.agents.clients import Client, find_client, parse_nino
from openmtd.emulator.storage import StoredInvitation, Transaction
from openmtd.rules.agent_services import check_client_known_fact
from openmtd.rules.agents import AgentType, Invitation, InvitationStatus, check_new_request
from openmtd.rules.clock import uk_date
from openmtd.rules.errors import RuleError
from openmtd.rules.identifiers import Arn, InvitationId

INVITATION_NOT_FOUND: Final = "INVITATION_NOT_FOUND"


def _not_found() -> RuleError:
    return RuleError(
        INVITATION_NOT_FOUND,
        "We could not find this authorisation request. It may have been sent to someone "
        "else, or the link may be wrong.",
    )


def as_of(stored: StoredInvitation, now: datetime) -> StoredInvitation:
    """The request with its status as of ``now`` (a lapsed Pending request reads Expired)."""
    status = stored.invitation.effective_status(uk_date(now))
    if status is stored.invitation.status:
        return stored
    return replace(stored, invitation=replace(stored.invitation, status=status))


def for_agent(tx: Transaction, arn: str, now: datetime) -> list[StoredInvitation]:
    """Every request the agency sent, newest first, as of ``now``."""
    return [as_of(stored, now) for stored in tx.invitations.for_agent(arn)]


def _new_id(tx: Transaction, invitation: Invitation, client_id: str) -> str:
    millis = int(invitation.created.timestamp() * 1000)
    while True:
        candidate = InvitationId.create(
            invitation.agent_type.invitation_id_prefix,
            Arn(invitation.arn),
            client_id,
            invitation.service,
            millis,
        ).value
        if tx.invitations.get(candidate) is None:
            return candidate
        # The same request twice in one millisecond (cancelled and sent again): HMRC's hash
        # would repeat, so the next millisecond is used.
        millis += 1


def create(
    tx: Transaction,
    arn: str,
    client_nino: str,
    known_fact: str,
    agent_type: str | None,
    now: datetime,
) -> StoredInvitation:
    """Send a request, with HMRC's checks in HMRC's order.

    Raises:
        RuleError: ``CLIENT_ID_FORMAT_INVALID``, ``AGENT_TYPE_NOT_SUPPORTED``,
            ``POSTCODE_FORMAT_INVALID`` (format faults first), then
            ``CLIENT_REGISTRATION_NOT_FOUND``, ``POSTCODE_DOES_NOT_MATCH``,
            ``DUPLICATE_AUTHORISATION_REQUEST`` and ``ALREADY_AUTHORISED``.
    """
    nino = parse_nino(client_nino)
    role = AgentType.parse(agent_type)
    client = find_client(tx, nino)
    registered = client is not None and client.sa_utr is not None and bool(client.name)
    check_client_known_fact(
        known_fact,
        registered=registered,
        postcode_on_record=client.postcode if client is not None else None,
    )
    assert client is not None
    existing = [
        stored.invitation
        for stored in tx.invitations.for_agent(arn)
        if stored.invitation.client_id == client.nino
    ]
    check_new_request(
        existing,
        relationships.client_agents(tx, client.nino),
        arn,
        client.nino,
        role,
        uk_date(now),
    )
    invitation = Invitation.create(arn, client.nino, role, now)
    # HMRC hashes the client's enrolment identifier: the MTDITID, or the NINO before sign-up.
    stored = StoredInvitation(
        _new_id(tx, invitation, client.mtditid or client.nino), invitation, client.name
    )
    tx.invitations.add(stored)
    return stored


def cancel(tx: Transaction, arn: str, invitation_id: str, now: datetime) -> StoredInvitation:
    """The agency withdraws a Pending request.

    Raises:
        RuleError: ``INVITATION_NOT_FOUND``; ``INVALID_INVITATION_STATUS`` unless Pending
            and unexpired; ``NO_PERMISSION_ON_AGENCY`` for another agency's request.
    """
    stored = tx.invitations.get(invitation_id)
    if stored is None:
        raise _not_found()
    cancelled = stored.invitation.cancel(arn, now)
    tx.invitations.save(invitation_id, cancelled)
    return replace(stored, invitation=cancelled)


def pending_from(
    tx: Transaction, arn: str, client: Client, now: datetime
) -> list[StoredInvitation]:
    """The agency's requests to this client that still wait for an answer, oldest first."""
    waiting = [
        stored
        for stored in (as_of(s, now) for s in tx.invitations.for_client(client.nino))
        if stored.invitation.arn == arn and stored.invitation.status is InvitationStatus.PENDING
    ]
    return waiting[::-1]


def _clients_request(tx: Transaction, invitation_id: str, client: Client) -> StoredInvitation:
    stored = tx.invitations.get(invitation_id)
    # Another person's request is answered as one that does not exist.
    if stored is None or stored.invitation.client_id != client.nino:
        raise _not_found()
    return stored


def accept(tx: Transaction, invitation_id: str, client: Client, now: datetime) -> StoredInvitation:
    """The client accepts: a relationship, or a partial authorisation before sign-up; the
    relationships the rules say it replaces end, ended by the client.

    Raises:
        RuleError: ``INVITATION_NOT_FOUND``; ``INVALID_INVITATION_STATUS`` unless Pending
            and unexpired.
    """
    stored = _clients_request(tx, invitation_id, client)
    accepted = stored.invitation.accept(now, client_signed_up=client.signed_up)
    # Before the request is saved as held, so the rules see the client's agents without it.
    relationships.authorise(
        tx,
        client.nino,
        accepted.arn,
        accepted.agent_type,
        now,
        mtditid=client.mtditid,
        invitation_id=invitation_id,
    )
    tx.invitations.save(invitation_id, accepted)
    return replace(stored, invitation=accepted)


def reject(tx: Transaction, invitation_id: str, client: Client, now: datetime) -> StoredInvitation:
    """The client says no.

    Raises:
        RuleError: ``INVITATION_NOT_FOUND``; ``INVALID_INVITATION_STATUS`` unless Pending
            and unexpired.
    """
    stored = _clients_request(tx, invitation_id, client)
    rejected = stored.invitation.reject(now)
    tx.invitations.save(invitation_id, rejected)
    return replace(stored, invitation=rejected)
