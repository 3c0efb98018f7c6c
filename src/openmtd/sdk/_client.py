"""The blocking client: :class:`Client`."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import TypeVar

import httpx

from openmtd.sdk._apis.agent_test_support import AgentTestSupportApi
from openmtd.sdk._apis.agents import AgentsApi
from openmtd.sdk._apis.business_details import BusinessDetailsApi
from openmtd.sdk._apis.fraud_headers import FraudHeadersTestApi
from openmtd.sdk._apis.itsa_status import ItsaStatusApi
from openmtd.sdk._apis.obligations import ObligationsApi
from openmtd.sdk._apis.test_support import SaTestSupportApi
from openmtd.sdk._apis.test_users import CreateTestUserApi
from openmtd.sdk._caller import Caller, CallerKnowledge
from openmtd.sdk._core import DEFAULT_TIMEOUT, ClientCore
from openmtd.sdk._environment import Environment
from openmtd.sdk._exchange import Acquire, Outcome, Send, Step, Throttle, Wait, run_sync
from openmtd.sdk._request import ApiCall
from openmtd.sdk._response import result_of
from openmtd.sdk._retry import RetryPolicy
from openmtd.sdk._seams import FraudHeaderSource, RateLimiter

__all__ = ["Client"]

T = TypeVar("T")


class Client:
    """HMRC's MTD APIs, blocking: one client per environment and sign-in.

    ``auth`` signs each request (an ``httpx.Auth``: the SDK's user or application token flows,
    or your own). ``fraud_headers`` gives the fraud prevention headers for every attempt;
    ``rate_limiter`` paces every attempt and hears of each 429. ``transport`` replaces the
    network (tests, proxies); ``retries`` is a :class:`RetryPolicy` or a number of retries;
    ``user_agent`` names your product before openmtd's own; ``caller`` says who signs in, for
    the hints on :class:`~openmtd.sdk.NotAuthorised`; ``jitter`` draws the backoff's random
    part (a float in [0, 1)).

    The APIs are groups of methods: ``client.itsa_status.retrieve(...)``,
    ``client.business_details``, ``client.obligations``, ``client.agents``, and for HMRC's
    sandbox ``client.test_users``, ``client.test_support``, ``client.agent_test_support`` and
    ``client.test_fraud_headers``. Use it as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        environment: Environment,
        *,
        auth: httpx.Auth | None = None,
        fraud_headers: FraudHeaderSource | None = None,
        rate_limiter: RateLimiter | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retries: RetryPolicy | int = RetryPolicy(),  # noqa: B008 (frozen, so safe to share)
        user_agent: str | None = None,
        caller: Caller | None = None,
        jitter: Callable[[], float] | None = None,
    ) -> None:
        self._core = ClientCore(
            environment,
            fraud_headers=fraud_headers,
            rate_limiter=rate_limiter,
            retries=retries,
            user_agent=user_agent,
            caller=caller,
            jitter=jitter,
        )
        self._http = httpx.Client(auth=auth, transport=transport, timeout=timeout)
        self.itsa_status = ItsaStatusApi(self._call)
        self.business_details = BusinessDetailsApi(self._call)
        self.obligations = ObligationsApi(self._call)
        self.agents = AgentsApi(self._call)
        self.test_users = CreateTestUserApi(self._call)
        self.test_support = SaTestSupportApi(self._call)
        self.agent_test_support = AgentTestSupportApi(self._call)
        self.test_fraud_headers = FraudHeadersTestApi(self._call)

    def __repr__(self) -> str:
        return f"Client({self._core.environment.name!r})"

    @property
    def environment(self) -> Environment:
        return self._core.environment

    @property
    def knowledge(self) -> CallerKnowledge:
        """Who the client knows is signed in (told as ``caller``, or learned)."""
        return self._core.knowledge

    def _call(self, call: ApiCall[T]) -> T:
        def do(step: Step) -> Outcome:
            return self._do(step, call)

        response = run_sync(self._core.plan(call), do)
        return result_of(response, call, self._core.knowledge)

    def _do(self, step: Step, call: ApiCall[T]) -> Outcome:
        limiter = self._core.rate_limiter
        if isinstance(step, Send):
            try:
                if call.authenticated:
                    return self._http.send(step.request)
                return self._http.send(step.request, auth=None)
            except httpx.TransportError as error:
                return error
        if isinstance(step, Wait):
            time.sleep(step.seconds)
        elif isinstance(step, Acquire) and limiter is not None:
            limiter.acquire()
        elif isinstance(step, Throttle) and limiter is not None:
            limiter.throttled(step.retry_after)
        return None

    def close(self) -> None:
        """Close the connections (the client cannot be used after)."""
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
