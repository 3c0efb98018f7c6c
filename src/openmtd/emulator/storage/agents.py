"""Agent services' data: agent services accounts, authorisation requests ("invitations") and
the legacy Self Assessment (CESA) links that "copy existing Self Assessment authorisations"
reads (business rules §2.1 to §2.4).

The same records serve the agent services pages and, later, the Agent Authorisation API
(wire facts §6): an invitation holds everything that API answers (id, ARN, service, client,
status, created, expiry date, updated, who ended the relationship), and a relationship names
the invitation it came from, if any.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from openmtd.rules.agents import Invitation


@dataclass(frozen=True, slots=True)
class AgentRecord:
    """An agent services account's details, kept by ARN (agent-subscription's record).

    ``client_link_uid`` is the agency's 8-character id in the link it sends clients
    (business rules §2.4). ``utr`` and ``postcode`` are what the agency registered with; an
    account given ``HMRC-AS-AGENT`` directly (a test user, the account form) has none.
    """

    arn: str
    agency_name: str
    email: str
    client_link_uid: str
    created_at: datetime
    utr: str | None = None
    postcode: str | None = None


class AgentRecordRepository(Protocol):
    """Agent services accounts' details. Used by ``emulator.agents``."""

    def add(self, record: AgentRecord) -> None: ...

    def get(self, arn: str) -> AgentRecord | None: ...

    def by_client_link_uid(self, uid: str) -> AgentRecord | None: ...

    def by_utr(self, utr: str) -> AgentRecord | None:
        """The agency registered with this UTR, if any."""
        ...


@dataclass(frozen=True, slots=True)
class StoredInvitation:
    """An authorisation request as kept: its id, the rules' value, and the client's name
    when it was sent (shown to the agent; HMRC captures it at creation, §2.4)."""

    invitation_id: str
    invitation: Invitation
    client_name: str


class InvitationRepository(Protocol):
    """Authorisation requests. Statuses are stored as last moved; a Pending request past its
    expiry date is Expired when read (:meth:`Invitation.effective_status`)."""

    def add(self, stored: StoredInvitation) -> None: ...

    def get(self, invitation_id: str) -> StoredInvitation | None: ...

    def save(self, invitation_id: str, invitation: Invitation) -> None:
        """Write a request's move: its status, ``updated`` and who ended its relationship."""
        ...

    def for_agent(self, arn: str) -> list[StoredInvitation]:
        """The agency's requests, newest first."""
        ...

    def for_client(self, client_id: str) -> list[StoredInvitation]:
        """The requests to a client (by NINO), newest first."""
        ...


@dataclass(frozen=True, slots=True)
class LegacySaClientLink:
    """One of a client's Self Assessment agents in CESA, by the agent's legacy reference
    (``IR-SA-AGENT``); ``ended`` stands for CESA's ``agentCeasedDate``."""

    nino: str
    sa_agent_reference: str
    ended: bool
    created_at: datetime


class LegacySaRepository(Protocol):
    """CESA's client links, and the legacy references agencies mapped to their ARN."""

    def add_client_link(self, link: LegacySaClientLink) -> None:
        """Keep a link; one per client and reference (adding it again replaces ``ended``)."""
        ...

    def client_links(
        self, *, nino: str | None = None, sa_agent_reference: str | None = None
    ) -> list[LegacySaClientLink]: ...

    def map_reference(self, arn: str, sa_agent_reference: str, at: datetime) -> bool:
        """Map a legacy reference to an ARN; False when it was mapped already."""
        ...

    def mapped_references(self, arn: str) -> list[str]:
        """The legacy references mapped to an ARN, in the order they were mapped."""
        ...

    def arns_mapping(self, sa_agent_reference: str) -> list[str]:
        """The ARNs a legacy reference is mapped to."""
        ...
