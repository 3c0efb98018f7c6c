"""What :class:`~openmtd.sdk.Client` and :class:`~openmtd.sdk.AsyncClient` share: the settings,
what the client knows about its caller, and the plan for each call. The two clients differ only
in how they carry out a plan's steps (blocking or awaiting)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, Final

import httpx

from openmtd.sdk._caller import Caller, CallerKnowledge
from openmtd.sdk._environment import Environment
from openmtd.sdk._exchange import Plan, attempts
from openmtd.sdk._request import ApiCall, build_request
from openmtd.sdk._request import user_agent as user_agent_of
from openmtd.sdk._retry import RetryPolicy
from openmtd.sdk._seams import FraudHeaderSource, RateLimiter

__all__ = ["DEFAULT_TIMEOUT", "ClientCore"]

#: 30 s for a whole answer, 10 s to connect.
DEFAULT_TIMEOUT: Final = httpx.Timeout(30.0, connect=10.0)


class ClientCore:
    """The settings of one client (sync or async) and the plan of each call."""

    def __init__(
        self,
        environment: Environment,
        *,
        fraud_headers: FraudHeaderSource | None,
        rate_limiter: RateLimiter | None,
        retries: RetryPolicy | int,
        user_agent: str | None,
        caller: Caller | None,
        jitter: Callable[[], float] | None,
    ) -> None:
        self.environment = environment
        self.fraud_headers = fraud_headers
        self.rate_limiter = rate_limiter
        self.retries = RetryPolicy.of(retries)
        self.user_agent = user_agent_of(user_agent)
        self.knowledge = CallerKnowledge(caller)
        self._jitter = jitter or random.random

    def plan(self, call: ApiCall[Any]) -> Plan:
        def build() -> httpx.Request:
            return build_request(
                call, self.environment, agent=self.user_agent, fraud_headers=self.fraud_headers
            )

        return attempts(
            call.method, build, self.retries, self._jitter, limited=self.rate_limiter is not None
        )
