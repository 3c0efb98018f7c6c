"""Create Test User v1.0 (sandbox): test individuals, organisations and agents. It takes an
application token (``client_credentials``): use a client whose ``auth`` gives one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from openmtd.sdk._apis._base import AsyncGroup, SyncGroup
from openmtd.sdk._models.test_users import (
    AgentTestUser,
    IndividualTestUser,
    OrganisationTestUser,
    SandboxUserRequest,
    SandboxUserService,
)
from openmtd.sdk._request import Answer, ApiCall
from openmtd.sdk._response import model_reader
from openmtd.sdk._versions import Api

__all__ = ["AsyncCreateTestUserApi", "CreateTestUserApi"]

#: What an MTD Income Tax customer needs: a NINO, Self Assessment (a UTR), the MTD enrolment.
MTD_INDIVIDUAL: Final = ("national-insurance", "self-assessment", "mtd-income-tax")
AGENT: Final = ("agent-services",)


def individual_call(services: Sequence[str], nino: str | None) -> ApiCall[IndividualTestUser]:
    body = SandboxUserRequest(service_names=tuple(services), nino=nino)
    return ApiCall(
        Api.CREATE_TEST_USER,
        "POST",
        "/create-test-user/individuals",
        model_reader(IndividualTestUser),
        json=body.body(),
    )


def organisation_call(services: Sequence[str]) -> ApiCall[OrganisationTestUser]:
    body = SandboxUserRequest(service_names=tuple(services))
    return ApiCall(
        Api.CREATE_TEST_USER,
        "POST",
        "/create-test-user/organisations",
        model_reader(OrganisationTestUser),
        json=body.body(),
    )


def agent_call(services: Sequence[str]) -> ApiCall[AgentTestUser]:
    body = SandboxUserRequest(service_names=tuple(services))
    return ApiCall(
        Api.CREATE_TEST_USER,
        "POST",
        "/create-test-user/agents",
        model_reader(AgentTestUser),
        json=body.body(),
    )


def _services(answer: Answer) -> tuple[SandboxUserService, ...]:
    return tuple(SandboxUserService.model_validate(item) for item in answer.body)


def services_call() -> ApiCall[tuple[SandboxUserService, ...]]:
    return ApiCall(Api.CREATE_TEST_USER, "GET", "/create-test-user/services", _services)


class CreateTestUserApi(SyncGroup):
    """Create Test User (``client.test_users``)."""

    def create_individual(
        self, services: Sequence[str] = MTD_INDIVIDUAL, *, nino: str | None = None
    ) -> IndividualTestUser:
        """A test individual holding ``services`` (by default an MTD Income Tax customer)."""
        return self._send(individual_call(services, nino))

    def create_organisation(self, services: Sequence[str] = MTD_INDIVIDUAL) -> OrganisationTestUser:
        """A test organisation holding ``services``."""
        return self._send(organisation_call(services))

    def create_agent(self, services: Sequence[str] = AGENT) -> AgentTestUser:
        """A test agent with an agent services account."""
        return self._send(agent_call(services))

    def services(self) -> tuple[SandboxUserService, ...]:
        """The services a test user can be given."""
        return self._send(services_call())


class AsyncCreateTestUserApi(AsyncGroup):
    """Create Test User (``client.test_users``), async."""

    async def create_individual(
        self, services: Sequence[str] = MTD_INDIVIDUAL, *, nino: str | None = None
    ) -> IndividualTestUser:
        """As :meth:`CreateTestUserApi.create_individual`."""
        return await self._send(individual_call(services, nino))

    async def create_organisation(
        self, services: Sequence[str] = MTD_INDIVIDUAL
    ) -> OrganisationTestUser:
        """As :meth:`CreateTestUserApi.create_organisation`."""
        return await self._send(organisation_call(services))

    async def create_agent(self, services: Sequence[str] = AGENT) -> AgentTestUser:
        """As :meth:`CreateTestUserApi.create_agent`."""
        return await self._send(agent_call(services))

    async def services(self) -> tuple[SandboxUserService, ...]:
        """As :meth:`CreateTestUserApi.services`."""
        return await self._send(services_call())
