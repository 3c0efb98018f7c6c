"""Agent Authorisation API v2.0 (wire facts §6): authorisation requests ("invitations") and
relationship checks.

Times in answers are kept as HMRC's strings: HMRC's own examples write them in several forms
(``2019-01-21T14:27:44.620``, ``2019-02-11T00:00:00:000``), so parsing them would refuse real
answers.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from openmtd.rules.agents import AgentType, InvitationStatus
from openmtd.sdk._models._base import HmrcModel, RequestModel

__all__ = [
    "AgentType",
    "AuthorisationRequest",
    "ClientAccess",
    "CreatedRequest",
    "Invitation",
    "InvitationStatus",
    "Link",
    "Links",
    "Service",
]


class Service(StrEnum):
    """The Agent Authorisation API's services."""

    MTD_IT = "MTD-IT"
    MTD_VAT = "MTD-VAT"


class ClientAccess(RequestModel):
    """Who the agent asks about: the body of a relationship check (no ``client_type``), or of
    a de-authorisation (no ``known_fact``). For Income Tax: ``client_id`` is the NINO,
    ``known_fact`` the postcode."""

    service: Service | str = Service.MTD_IT
    client_type: str | None = None
    client_id_type: str = "ni"
    client_id: str
    known_fact: str | None = None
    agent_type: AgentType | None = None


class AuthorisationRequest(RequestModel):
    """The body of ``POST /agents/{arn}/invitations`` (``agent_type`` main unless told)."""

    service: Service | str | tuple[str, ...] = Service.MTD_IT
    client_type: str = "personal"
    client_id_type: str = "ni"
    client_id: str
    known_fact: str
    agent_type: AgentType | None = None


class CreatedRequest(HmrcModel):
    """A request just created: its ID and where it is (the ``Location`` HMRC answered)."""

    invitation_id: str
    location: str


class Link(HmrcModel):
    """A link in an answer."""

    href: str


class Links(HmrcModel):
    """An answer's ``_links``."""

    self_: Link = Field(alias="self")


class Invitation(HmrcModel):
    """One authorisation request as the agent sees it."""

    links: Links = Field(alias="_links")
    created: str
    arn: str
    service: str | tuple[str, ...]
    status: InvitationStatus | str = Field(union_mode="left_to_right")
    agent_type: AgentType | str | None = Field(default=None, union_mode="left_to_right")
    expires_on: str | None = None
    updated: str | None = None
    client_action_url: str | None = None

    @property
    def invitation_id(self) -> str:
        """The ID, the last segment of ``_links.self.href``."""
        return self.links.self_.href.rstrip("/").rsplit("/", 1)[-1]

    @property
    def services(self) -> tuple[str, ...]:
        """``service`` as a tuple (HMRC sends a string or, formerly, a list)."""
        return (self.service,) if isinstance(self.service, str) else self.service
