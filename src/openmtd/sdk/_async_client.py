"""The async client: :class:`AsyncClient` (asyncio or trio, through anyio)."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import TypeVar

import anyio
import httpx

from openmtd.sdk._apis.agent_test_support import AsyncAgentTestSupportApi
from openmtd.sdk._apis.agents import AsyncAgentsApi
from openmtd.sdk._apis.business_details import AsyncBusinessDetailsApi
from openmtd.sdk._apis.fraud_headers import AsyncFraudHeadersTestApi
from openmtd.sdk._apis.itsa_status import AsyncItsaStatusApi
from openmtd.sdk._apis.obligations import AsyncObligationsApi
from openmtd.sdk._apis.test_support import AsyncSaTestSupportApi
from openmtd.sdk._apis.test_users import AsyncCreateTestUserApi
from openmtd.sdk._caller import Caller, CallerKnowledge
from openmtd.sdk._core import DEFAULT_TIMEOUT, ClientCore
from openmtd.sdk._environment import Environment
from openmtd.sdk._exchange import Acquire, Outcome, Send, Step, Throttle, Wait
from openmtd.sdk._request import ApiCall
from openmtd.sdk._response import result_of
from openmtd.sdk._retry import RetryPolicy
from openmtd.sdk._seams import FraudHeaderSource, RateLimiter

__all__ = ["AsyncClient"]

T = TypeVar("T")


class AsyncClient:
    """HMRC's MTD APIs, async: the same settings and methods as :class:`~openmtd.sdk.Client`,
    each method awaited; many calls may run at once on one client.

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
        transport: httpx.AsyncBaseTransport | None = None,
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
        self._http = httpx.AsyncClient(auth=auth, transport=transport, timeout=timeout)
        self.itsa_status = AsyncItsaStatusApi(self._call)
        self.business_details = AsyncBusinessDetailsApi(self._call)
        self.obligations = AsyncObligationsApi(self._call)
        self.agents = AsyncAgentsApi(self._call)
        self.test_users = AsyncCreateTestUserApi(self._call)
        self.test_support = AsyncSaTestSupportApi(self._call)
        self.agent_test_support = AsyncAgentTestSupportApi(self._call)
        self.test_fraud_headers = AsyncFraudHeadersTestApi(self._call)

    def __repr__(self) -> str:
        return f"AsyncClient({self._core.environment.name!r})"

    @property
    def environment(self) -> Environment:
        return self._core.environment

    @property
    def knowledge(self) -> CallerKnowledge:
        """Who the client knows is signed in (told as ``caller``, or learned)."""
        return self._core.knowledge

    async def _call(self, call: ApiCall[T]) -> T:
        plan = self._core.plan(call)
        try:
            step = next(plan)
            while True:
                step = plan.send(await self._do(step, call))
        except StopIteration as done:
            response: httpx.Response = done.value
        return result_of(response, call, self._core.knowledge)

    async def _do(self, step: Step, call: ApiCall[T]) -> Outcome:
        limiter = self._core.rate_limiter
        if isinstance(step, Send):
            try:
                if call.authenticated:
                    return await self._http.send(step.request)
                return await self._http.send(step.request, auth=None)
            except httpx.TransportError as error:
                return error
        if isinstance(step, Wait):
            await anyio.sleep(step.seconds)
        elif isinstance(step, Acquire) and limiter is not None:
            await limiter.acquire_async()
        elif isinstance(step, Throttle) and limiter is not None:
            limiter.throttled(step.retry_after)
        return None

    async def aclose(self) -> None:
        """Close the connections (the client cannot be used after)."""
        await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
