"""Agent Authorisation Test Support v1.0 (sandbox, no token): answer an authorisation request
as the client would, and read a client's known fact."""

from __future__ import annotations

from typing import Final

from openmtd.sdk._apis._base import AsyncGroup, SyncGroup
from openmtd.sdk._models.test_support import KnownFact
from openmtd.sdk._request import ApiCall, path
from openmtd.sdk._response import model_reader, no_content
from openmtd.sdk._versions import Api

__all__ = ["AgentTestSupportApi", "AsyncAgentTestSupportApi"]

_BASE: Final = "/agent-authorisation-test-support"


def answer_call(invitation_id: str, *, accept: bool) -> ApiCall[None]:
    return ApiCall(
        Api.AGENT_AUTHORISATION_TEST_SUPPORT,
        "PUT" if accept else "DELETE",
        _BASE + path("/invitations/{invitation_id}", invitation_id=invitation_id),
        no_content,
        authenticated=False,
    )


def known_fact_call(nino: str) -> ApiCall[KnownFact]:
    return ApiCall(
        Api.AGENT_AUTHORISATION_TEST_SUPPORT,
        "GET",
        _BASE + path("/known-facts/mtd-it/nino/{nino}", nino=nino),
        model_reader(KnownFact),
        nino=nino,
        authenticated=False,
    )


class AgentTestSupportApi(SyncGroup):
    """Agent Authorisation Test Support (``client.agent_test_support``)."""

    def accept(self, invitation_id: str) -> None:
        """Accept the request, acting as the client."""
        self._send(answer_call(invitation_id, accept=True))

    def reject(self, invitation_id: str) -> None:
        """Reject the request, acting as the client."""
        self._send(answer_call(invitation_id, accept=False))

    def known_fact(self, nino: str) -> KnownFact:
        """What an authorisation request for this MTD-IT client sends (their postcode)."""
        return self._send(known_fact_call(nino))


class AsyncAgentTestSupportApi(AsyncGroup):
    """Agent Authorisation Test Support (``client.agent_test_support``), async."""

    async def accept(self, invitation_id: str) -> None:
        """As :meth:`AgentTestSupportApi.accept`."""
        await self._send(answer_call(invitation_id, accept=True))

    async def reject(self, invitation_id: str) -> None:
        """As :meth:`AgentTestSupportApi.reject`."""
        await self._send(answer_call(invitation_id, accept=False))

    async def known_fact(self, nino: str) -> KnownFact:
        """As :meth:`AgentTestSupportApi.known_fact`."""
        return await self._send(known_fact_call(nino))
