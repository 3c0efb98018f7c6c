"""A client's agents: who they are, authorising and ending, copying legacy Self Assessment
authorisations, and what a completed sign-up makes.

A client's agents (:func:`client_agents`) are their active relationships (``tx.relationships``,
which the APIs' authorisation checks read) plus the authorisation requests they accepted
before signing up (status ``Partialauth``, business rules §2.2): a partial authorisation is
not a relationship yet, but it counts as the agency's role, so a new main agent replaces it
and the same agency cannot ask again. :class:`openmtd.rules.agents.ClientAgents` decides
every change; :func:`_carry_out` writes what it ended.
"""

from __future__ import annotations

from datetime import datetime

from openmtd.emulator.agents.clients import find_client
from openmtd.emulator.storage import Relationship, StoredInvitation, Transaction
from openmtd.rules.agent_services import LegacySaLink, legacy_reference_to_copy
from openmtd.rules.agents import (
    AgentType,
    ClientAgents,
    EndedBy,
    EndedRelationship,
    InvitationStatus,
)

_HELD = frozenset({InvitationStatus.ACCEPTED, InvitationStatus.PARTIALAUTH})


def role_of_stored(agent_type: str) -> AgentType | None:
    """The role a stored relationship names (``main``/``supporting`` or a service key)."""
    try:
        return AgentType(agent_type)
    except ValueError:
        pass
    try:
        return AgentType.from_service(agent_type)
    except ValueError:
        return None


def partial_auths(tx: Transaction, nino: str) -> list[StoredInvitation]:
    """The requests a client accepted before signing up, oldest first."""
    found = [
        stored
        for stored in tx.invitations.for_client(nino)
        if stored.invitation.status is InvitationStatus.PARTIALAUTH
    ]
    return found[::-1]


def client_agents(tx: Transaction, nino: str) -> ClientAgents:
    """The client's main and supporting agents: relationships and partial authorisations.

    Read oldest first, so where a world seeded by hand holds two main agents the newest wins
    and an agency holding both roles keeps the newer.
    """
    held: list[tuple[str, AgentType]] = []
    for relationship in tx.relationships.active(client_nino=nino):
        role = role_of_stored(relationship.agent_type)
        if role is not None:
            held.append((relationship.arn, role))
    held.extend(
        (stored.invitation.arn, stored.invitation.agent_type) for stored in partial_auths(tx, nino)
    )
    agents = ClientAgents()
    for arn, role in held:
        agents, _ = agents.authorise(arn, role)
    return agents


def _carry_out(tx: Transaction, nino: str, ended: EndedRelationship, now: datetime) -> None:
    """End a relationship the rules ended: its row, and the request behind it."""
    for relationship in tx.relationships.active(arn=ended.arn, client_nino=nino):
        if role_of_stored(relationship.agent_type) is ended.agent_type:
            tx.relationships.end(relationship.id, now, ended.ended_by.value)
    for stored in tx.invitations.for_client(nino):
        invitation = stored.invitation
        if (
            invitation.arn == ended.arn
            and invitation.agent_type is ended.agent_type
            and invitation.status in _HELD
        ):
            tx.invitations.save(stored.invitation_id, invitation.deauthorise(now, ended.ended_by))


def authorise(
    tx: Transaction,
    nino: str,
    arn: str,
    agent_type: AgentType,
    now: datetime,
    *,
    mtditid: str | None,
    invitation_id: str | None = None,
    sa_agent_reference: str | None = None,
) -> Relationship | None:
    """Give ``arn`` the role for the client, ending what the rules say it replaces.

    With ``mtditid`` (the client is signed up) a relationship is made; without, the accepted
    request itself is the partial authorisation and nothing more is written.
    """
    _, ended = client_agents(tx, nino).authorise(arn, agent_type)
    for relationship in ended:
        _carry_out(tx, nino, relationship, now)
    if mtditid is None:
        return None
    return tx.relationships.add(
        arn,
        nino,
        agent_type.value,
        now,
        mtditid,
        invitation_id=invitation_id,
        sa_agent_reference=sa_agent_reference,
    )


def deauthorise(
    tx: Transaction, nino: str, arn: str, agent_type: AgentType, ended_by: EndedBy, now: datetime
) -> EndedRelationship:
    """End ``arn``'s role for the client ("remove authorisation", or the client's own page).

    Raises:
        RuleError: ``NO_RELATIONSHIP`` when ``arn`` does not hold that role.
    """
    _, ended = client_agents(tx, nino).deauthorise(arn, agent_type, ended_by)
    _carry_out(tx, nino, ended, now)
    return ended


# --- copying legacy Self Assessment authorisations (business rules §2.3) ---------------------


def has_legacy_link(tx: Transaction, arn: str, nino: str) -> bool:
    """Whether the client has a legacy SA agent, not ceased, whose reference the ARN mapped."""
    mapped = set(tx.legacy_sa.mapped_references(arn))
    return any(
        not link.ended and link.sa_agent_reference in mapped
        for link in tx.legacy_sa.client_links(nino=nino)
    )


def copy_legacy_for_client(
    tx: Transaction, nino: str, now: datetime, *, first_arn: str | None = None
) -> list[Relationship]:
    """Copy the client's legacy SA authorisations that are due, once the client is signed up.

    Every agency that mapped one of the client's legacy references is offered the copy,
    ``first_arn`` (the agency signing the client up) first, then in ARN order; the rules
    refuse a second copy, a copy for an agency that already has a role, and any copy once the
    client has a main agent, so at most one is made.
    """
    client = find_client(tx, nino)
    if client is None or client.mtditid is None:
        return []
    links = tx.legacy_sa.client_links(nino=nino)
    arns = sorted(
        {
            arn
            for link in links
            if not link.ended
            for arn in tx.legacy_sa.arns_mapping(link.sa_agent_reference)
        },
        key=lambda arn: (arn != first_arn, arn),
    )
    copied: list[Relationship] = []
    for arn in arns:
        already = any(
            relationship.sa_agent_reference is not None
            for relationship in tx.relationships.every(arn=arn, client_nino=nino)
        )
        reference = legacy_reference_to_copy(
            client_agents(tx, nino),
            arn,
            tx.legacy_sa.mapped_references(arn),
            [LegacySaLink(link.sa_agent_reference, link.ended) for link in links],
            already_copied=already,
        )
        if reference is not None:
            made = authorise(
                tx,
                nino,
                arn,
                AgentType.MAIN,
                now,
                mtditid=client.mtditid,
                sa_agent_reference=reference,
            )
            assert made is not None
            copied.append(made)
    return copied


def copy_legacy_for_reference(
    tx: Transaction, sa_agent_reference: str, now: datetime
) -> list[Relationship]:
    """Copy what is due for every signed-up client linked to a legacy reference (after the
    reference is mapped to an ARN)."""
    copied: list[Relationship] = []
    for link in tx.legacy_sa.client_links(sa_agent_reference=sa_agent_reference):
        if not link.ended:
            copied.extend(copy_legacy_for_client(tx, link.nino, now))
    return copied


# --- sign-up ---------------------------------------------------------------------------------


def relationships_after_sign_up(
    tx: Transaction, nino: str, now: datetime, *, arn: str | None = None
) -> list[Relationship]:
    """Make the relationships a client's MTD sign-up brings; call it when sign-up completes.

    For the sign-up journeys (the individual's and the agent's), once the client holds
    ``HMRC-MTD-IT`` (their MTDITID), in the same transaction: each partial authorisation
    (a request the client accepted before signing up) becomes a relationship and its request
    ``Accepted`` (business rules §2.2); then the client's legacy Self Assessment links are
    copied as a main relationship where due (§2.3, ACR ``itsa-post-signup/create-
    relationship``), the signing agency's (``arn``, for an agent's sign-up) first. Calling it
    again makes nothing new. Returns the relationships made.
    """
    client = find_client(tx, nino)
    if client is None or client.mtditid is None:
        return []
    made: list[Relationship] = []
    for stored in partial_auths(tx, nino):
        accepted = stored.invitation.complete_partial_auth(now)
        tx.invitations.save(stored.invitation_id, accepted)
        made.append(
            tx.relationships.add(
                accepted.arn,
                nino,
                accepted.agent_type.value,
                now,
                client.mtditid,
                invitation_id=stored.invitation_id,
            )
        )
    made.extend(copy_legacy_for_client(tx, nino, now, first_arn=arn))
    return made
