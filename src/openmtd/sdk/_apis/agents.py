"""Agent Authorisation v2.0: an agent's authorisation requests and relationships.

Every successful call proves the token is the ARN's agent's, and a relationship check says
which role the agent holds: the client remembers both for its
:class:`~openmtd.sdk.NotAuthorised` hints.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from openmtd.rules.agents import AgentType
from openmtd.sdk._apis._base import AsyncGroup, SyncGroup
from openmtd.sdk._caller import CallerKnowledge
from openmtd.sdk._errors import HmrcApiError
from openmtd.sdk._models.agent_authorisation import (
    AuthorisationRequest,
    ClientAccess,
    CreatedRequest,
    Invitation,
)
from openmtd.sdk._request import Answer, ApiCall, path
from openmtd.sdk._response import no_content
from openmtd.sdk._versions import Api

__all__ = ["AgentsApi", "AsyncAgentsApi"]

_INVITATIONS: Final = "/agents/{arn}/invitations"
_RELATIONSHIP_NOT_FOUND: Final = "RELATIONSHIP_NOT_FOUND"


def _agent(arn: str) -> Callable[[CallerKnowledge, object], None]:
    def learn(knowledge: CallerKnowledge, _result: object) -> None:
        knowledge.learned_agent(arn)

    return learn


def _created(answer: Answer) -> CreatedRequest:
    location = answer.headers["location"]
    return CreatedRequest(invitation_id=location.rstrip("/").rsplit("/", 1)[-1], location=location)


def _invitations(answer: Answer) -> tuple[Invitation, ...]:
    if answer.status == 204 or answer.body is None:  # none in the last 30 days
        return ()
    return tuple(Invitation.model_validate(item) for item in answer.body)


def create_call(
    arn: str, nino: str, postcode: str, agent_type: AgentType
) -> ApiCall[CreatedRequest]:
    body = AuthorisationRequest(client_id=nino, known_fact=postcode, agent_type=agent_type)
    return ApiCall(
        Api.AGENT_AUTHORISATION,
        "POST",
        path(_INVITATIONS, arn=arn),
        _created,
        json=body.body(),
        nino=nino,
        learn=_agent(arn),
    )


def list_call(arn: str) -> ApiCall[tuple[Invitation, ...]]:
    return ApiCall(
        Api.AGENT_AUTHORISATION,
        "GET",
        path(_INVITATIONS, arn=arn),
        _invitations,
        learn=_agent(arn),
    )


def get_call(arn: str, invitation_id: str) -> ApiCall[Invitation]:
    return ApiCall(
        Api.AGENT_AUTHORISATION,
        "GET",
        path(_INVITATIONS + "/{invitation_id}", arn=arn, invitation_id=invitation_id),
        lambda answer: Invitation.model_validate(answer.body),
        learn=_agent(arn),
    )


def cancel_call(arn: str, invitation_id: str) -> ApiCall[None]:
    return ApiCall(
        Api.AGENT_AUTHORISATION,
        "DELETE",
        path(_INVITATIONS + "/{invitation_id}", arn=arn, invitation_id=invitation_id),
        no_content,
        learn=_agent(arn),
    )


def _not_held(error: HmrcApiError) -> bool:
    if error.code == _RELATIONSHIP_NOT_FOUND:
        return False
    raise error


def check_call(arn: str, nino: str, postcode: str, agent_type: AgentType) -> ApiCall[bool]:
    body = ClientAccess(client_id=nino, known_fact=postcode, agent_type=agent_type)

    def learn(knowledge: CallerKnowledge, held: bool) -> None:
        knowledge.learned_agent(arn)
        knowledge.learned_relationship(nino, agent_type, held)

    return ApiCall(
        Api.AGENT_AUTHORISATION,
        "POST",
        path("/agents/{arn}/relationships", arn=arn),
        lambda answer: True,
        json=body.body(),
        nino=nino,
        on_error=_not_held,
        learn=learn,
    )


def deauthorise_call(arn: str, nino: str, agent_type: AgentType) -> ApiCall[None]:
    body = ClientAccess(client_type="personal", client_id=nino, agent_type=agent_type)

    def learn(knowledge: CallerKnowledge, _result: None) -> None:
        knowledge.learned_agent(arn)
        knowledge.learned_relationship(nino, agent_type, False)

    return ApiCall(
        Api.AGENT_AUTHORISATION,
        "PUT",
        path("/agents/{arn}/deauthorise-client", arn=arn),
        no_content,
        json=body.body(),
        nino=nino,
        learn=learn,
    )


class AgentsApi(SyncGroup):
    """Agent Authorisation (``client.agents``), with the agent's token."""

    def create_request(
        self, arn: str, nino: str, postcode: str, agent_type: AgentType = AgentType.MAIN
    ) -> CreatedRequest:
        """Ask the client (``nino``, with their ``postcode`` as known fact) to authorise the
        agent as main or supporting agent; the new request's ID and location."""
        return self._send(create_call(arn, nino, postcode, agent_type))

    def list_requests(self, arn: str) -> tuple[Invitation, ...]:
        """The agent's requests of the last 30 days (empty when none)."""
        return self._send(list_call(arn))

    def get_request(self, arn: str, invitation_id: str) -> Invitation:
        """One request, with its status."""
        return self._send(get_call(arn, invitation_id))

    def cancel_request(self, arn: str, invitation_id: str) -> None:
        """Withdraw a Pending request."""
        self._send(cancel_call(arn, invitation_id))

    def check_relationship(
        self, arn: str, nino: str, postcode: str, agent_type: AgentType = AgentType.MAIN
    ) -> bool:
        """Whether the client has authorised the agent in this role."""
        return self._send(check_call(arn, nino, postcode, agent_type))

    def deauthorise(self, arn: str, nino: str, agent_type: AgentType = AgentType.MAIN) -> None:
        """End the agent's relationship with the client in this role (v2.0)."""
        self._send(deauthorise_call(arn, nino, agent_type))


class AsyncAgentsApi(AsyncGroup):
    """Agent Authorisation (``client.agents``), async."""

    async def create_request(
        self, arn: str, nino: str, postcode: str, agent_type: AgentType = AgentType.MAIN
    ) -> CreatedRequest:
        """As :meth:`AgentsApi.create_request`."""
        return await self._send(create_call(arn, nino, postcode, agent_type))

    async def list_requests(self, arn: str) -> tuple[Invitation, ...]:
        """As :meth:`AgentsApi.list_requests`."""
        return await self._send(list_call(arn))

    async def get_request(self, arn: str, invitation_id: str) -> Invitation:
        """As :meth:`AgentsApi.get_request`."""
        return await self._send(get_call(arn, invitation_id))

    async def cancel_request(self, arn: str, invitation_id: str) -> None:
        """As :meth:`AgentsApi.cancel_request`."""
        await self._send(cancel_call(arn, invitation_id))

    async def check_relationship(
        self, arn: str, nino: str, postcode: str, agent_type: AgentType = AgentType.MAIN
    ) -> bool:
        """As :meth:`AgentsApi.check_relationship`."""
        return await self._send(check_call(arn, nino, postcode, agent_type))

    async def deauthorise(
        self, arn: str, nino: str, agent_type: AgentType = AgentType.MAIN
    ) -> None:
        """As :meth:`AgentsApi.deauthorise`."""
        await self._send(deauthorise_call(arn, nino, agent_type))
