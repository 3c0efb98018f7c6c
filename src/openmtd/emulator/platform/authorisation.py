"""Who may call what: the one check every MTD customer-data endpoint runs before its own.

HMRC's MTD APIs share Retrieve ITSA Status's authorisation model (hmrc-wire-facts.md §1.3) and
its order (§1.4), after the platform's gateway (``platform/gateway.py``):

1. the path NINO, exactly as sent, against HMRC's regex → 400 ``FORMAT_NINO``;
2. the MTDITID lookup (``mtd-identifier-lookup``): no account holds the NINO → 403
   ``CLIENT_OR_AGENT_NOT_AUTHORISED``; it holds no activated ``HMRC-MTD-IT`` → 403
   ``CLIENT_NOT_MTD_ENROLLED``;
3. the enrolment / delegated-auth predicate: a principal of an affinity group in
   :data:`PRINCIPALS` at that group's confidence level holding ``HMRC-MTD-IT`` for the MTDITID,
   or an agent (``HMRC-AS-AGENT``) with an active relationship for the client in a role
   :func:`openmtd.rules.agents.agent_may` allows for the endpoint's
   :class:`~openmtd.rules.agents.Operation` (business rules §2.2); anything else → 403
   ``CLIENT_OR_AGENT_NOT_AUTHORISED``.

Only the relationship store counts for an agent (``tx.relationships``, written by
:mod:`openmtd.emulator.agents.relationships`): an ended relationship, a Pending, Expired,
Rejected or Cancelled request, and a partial authorisation (a request accepted before sign-up,
which lets the agent sign the client up) make none, so they give no access.

An endpoint calls :func:`authorise` once, with its operation, and then runs its own checks.

Choices (UNCONFIRMED, docs/emulator.md "Who may call what"): the NINO must match the one the
account holds exactly (a path NINO without its suffix letter does not find an account stored
with one); an enrolment counts only when ``Activated``; a relationship that names an MTDITID
must name the client's, one that names none counts for the NINO.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from openmtd.emulator.agents.relationships import role_of_stored
from openmtd.emulator.platform.errors import ApiError
from openmtd.emulator.platform.gateway import CallContext
from openmtd.emulator.storage import Account, AffinityGroup, ClientLookup, Enrolment, Relationship
from openmtd.rules.agents import Operation, agent_may
from openmtd.rules.errors import WIRE_MESSAGES, InvalidIdentifierError
from openmtd.rules.identifiers import Nino

# The codes, with HMRC's v2.0 texts (wire facts §1.6); every MTD API shares them.
FORMAT_NINO: Final = (400, "FORMAT_NINO", WIRE_MESSAGES["FORMAT_NINO"])
CLIENT_OR_AGENT_NOT_AUTHORISED: Final = (
    403,
    "CLIENT_OR_AGENT_NOT_AUTHORISED",
    WIRE_MESSAGES["CLIENT_OR_AGENT_NOT_AUTHORISED"],
)
CLIENT_NOT_MTD_ENROLLED: Final = (
    403,
    "CLIENT_NOT_MTD_ENROLLED",
    "The client does not have an active MTD enrolment",
)

MTD_IT: Final = "HMRC-MTD-IT"
AGENT_SERVICES: Final = "HMRC-AS-AGENT"
ACTIVATED: Final = "Activated"

#: The principals HMRC's predicate admits for themselves, by affinity group, with the lowest
#: confidence level each needs (wire facts §1.3.2: an Individual at L200, an Organisation at
#: any). Agents act only through a relationship; any other group is never admitted.
PRINCIPALS: Final[Mapping[AffinityGroup, int]] = MappingProxyType(
    {AffinityGroup.INDIVIDUAL: 200, AffinityGroup.ORGANISATION: 0}
)


@dataclass(frozen=True, slots=True)
class Client:
    """The customer a path's NINO names: the NINO as HMRC holds it and the looked-up MTDITID."""

    nino: str
    mtditid: str


def authorise(ctx: CallContext, nino: str, operation: Operation) -> Client:
    """The customer the path's NINO names, once the caller may ``operation`` for them.

    One read (``tx.relationships.client_lookup``): the customer's account and ``HMRC-MTD-IT``
    and, for an agent, their active relationships with the customer; the checks on it are
    HMRC's, in HMRC's order.

    Raises:
        ApiError: 400 ``FORMAT_NINO``; 403 ``CLIENT_OR_AGENT_NOT_AUTHORISED`` (no such
            customer, or a caller who may not); 403 ``CLIENT_NOT_MTD_ENROLLED`` (no activated
            ``HMRC-MTD-IT``), in HMRC's order.
    """
    parsed = check_nino(nino)
    caller = ctx.account
    found = ctx.tx.relationships.client_lookup(parsed.value, MTD_IT, agent_reference(caller))
    client = enrolled_client(found)
    relationships = found.relationships if found is not None else ()
    if not may_act(caller, client, relationships, operation):
        raise ApiError.of(CLIENT_OR_AGENT_NOT_AUTHORISED)
    return client


# --- 1-2: the NINO and the MTDITID lookup ------------------------------------------------------


def check_nino(nino: str) -> Nino:
    """The path NINO, exactly as sent, by HMRC's regex (nothing normalised)."""
    try:
        return Nino.parse_wire(nino)
    except InvalidIdentifierError:
        raise ApiError.of(FORMAT_NINO) from None


def enrolled_client(found: ClientLookup | None) -> Client:
    """The looked-up customer and their MTDITID, or the lookup's refusal."""
    if found is None:
        raise ApiError.of(CLIENT_OR_AGENT_NOT_AUTHORISED)
    enrolment = _active(found.enrolment)
    if enrolment is None:
        raise ApiError.of(CLIENT_NOT_MTD_ENROLLED)
    return Client(nino=found.nino, mtditid=enrolment.identifier_value)


def _active(enrolment: Enrolment | None) -> Enrolment | None:
    return enrolment if enrolment is not None and enrolment.state == ACTIVATED else None


# --- 3: the enrolment / delegated-auth predicate -----------------------------------------------


def agent_reference(caller: Account | None) -> str | None:
    """The ARN an Agent caller acts under (an activated ``HMRC-AS-AGENT``), else None."""
    if caller is None or caller.affinity_group is not AffinityGroup.AGENT:
        return None
    agent = _active(caller.enrolment(AGENT_SERVICES))
    return agent.identifier_value if agent is not None else None


def may_act(
    caller: Account | None,
    client: Client,
    relationships: Iterable[Relationship],
    operation: Operation,
) -> bool:
    """HMRC's enrolment and delegated-auth predicate (wire facts §1.3.2) for ``operation``.

    ``relationships`` are the caller's active relationships with the client (an agent's; a
    principal has none).
    """
    if caller is None:
        return False
    lowest = PRINCIPALS.get(caller.affinity_group)
    if lowest is not None:
        held = _active(caller.enrolment(MTD_IT))
        return (
            caller.confidence_level >= lowest
            and held is not None
            and held.identifier_value == client.mtditid
        )
    if agent_reference(caller) is None:
        return False
    return any(_delegates(relationship, client, operation) for relationship in relationships)


def _delegates(relationship: Relationship, client: Client, operation: Operation) -> bool:
    """Whether an active relationship gives delegated access to ``operation`` for the client."""
    if relationship.client_mtditid not in (None, client.mtditid):
        return False
    role = role_of_stored(relationship.agent_type)
    return role is not None and agent_may(role, operation)
