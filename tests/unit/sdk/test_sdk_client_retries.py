"""The clients carry out the retry plan: a transport that fails, then succeeds (httpx's
MockTransport, for injecting failures only); each attempt paced by the rate limiter and given
fresh fraud headers; a POST never repeated once it may have arrived; failures after the last
retry are TransportError. Both clients, the same expectations."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import pytest

from openmtd.sdk._async_client import AsyncClient
from openmtd.sdk._client import Client
from openmtd.sdk._environment import SANDBOX
from openmtd.sdk._errors import ServerError, Throttled, TransportError
from openmtd.sdk._retry import RetryPolicy

STATUS = b'{"itsaStatuses":[{"taxYear":"2025-26"}]}'
FAST = RetryPolicy(max_retries=3, base_delay=0.0, max_delay=0.0)


class Limiter:
    def __init__(self) -> None:
        self.events: list[Any] = []

    def acquire(self) -> None:
        self.events.append("acquire")

    async def acquire_async(self) -> None:
        self.events.append("acquire")

    def throttled(self, retry_after: float | None) -> None:
        self.events.append(("throttled", retry_after))


class Headers:
    def __init__(self) -> None:
        self.count = 0

    def headers_for(self, method: str, url: str) -> Mapping[str, str]:
        self.count += 1
        return {
            "Gov-Client-Connection-Method": "BATCH_PROCESS_DIRECT",
            "Gov-Attempt": str(self.count),
        }


Script = list[Callable[[httpx.Request], httpx.Response]]


def scripted(
    script: Script,
) -> tuple[list[httpx.Request], Callable[[httpx.Request], httpx.Response]]:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return script[len(seen) - 1](request)

    return seen, handle


def fail(error: type[Exception]) -> Callable[[httpx.Request], httpx.Response]:
    def raising(request: httpx.Request) -> httpx.Response:
        raise error("injected", request=request)  # type: ignore[call-arg]

    return raising


def status(
    code: int, content: bytes = b"", **headers: str
) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(code, content=content, headers=headers)


def run(
    mode: str, script: Script, action: Callable[[Any], Any], **options: Any
) -> tuple[Any, list[httpx.Request]]:
    seen, handle = scripted(script)
    options.setdefault("retries", FAST)
    if mode == "sync":
        with Client(SANDBOX, transport=httpx.MockTransport(handle), **options) as client:
            return action(client), seen

    async def go() -> Any:
        async with AsyncClient(SANDBOX, transport=httpx.MockTransport(handle), **options) as client:
            return await action(client)

    return asyncio.run(go()), seen


MODES = pytest.mark.parametrize("mode", ["sync", "async"])


def read(client: Any) -> Any:
    return client.itsa_status.retrieve("AA123456A", "2025-26")


def create(client: Any) -> Any:
    return client.agents.create_request("TARN0000001", "AA123456A", "TS1 1PA")


@MODES
def test_a_get_is_retried_through_failures_until_it_succeeds(mode: str) -> None:
    limiter, headers = Limiter(), Headers()
    script = [fail(httpx.ConnectError), fail(httpx.ReadTimeout), status(503), status(200, STATUS)]
    answer, seen = run(mode, script, read, rate_limiter=limiter, fraud_headers=headers)
    assert answer.itsa_statuses[0].tax_year == "2025-26"
    assert len(seen) == 4
    assert limiter.events == ["acquire"] * 4
    assert [request.headers["gov-attempt"] for request in seen] == ["1", "2", "3", "4"]


@MODES
def test_after_the_last_retry_a_connection_failure_is_a_transport_error(mode: str) -> None:
    with pytest.raises(TransportError, match="after 4 attempts: ConnectError"):
        run(mode, [fail(httpx.ConnectError)] * 4, read)


@MODES
def test_a_5xx_after_the_last_retry_is_a_server_error(mode: str) -> None:
    with pytest.raises(ServerError):
        run(mode, [status(500)] * 4, read)


@MODES
def test_a_post_is_retried_only_when_it_was_never_sent(mode: str) -> None:
    created = [status(204, Location="/agents/TARN0000001/invitations/ABBBBBBBBBBCC")]
    answer, seen = run(mode, [fail(httpx.ConnectError), *created], create)
    assert answer.invitation_id == "ABBBBBBBBBBCC"
    assert len(seen) == 2
    for maybe_arrived in (fail(httpx.ReadTimeout), fail(httpx.RemoteProtocolError)):
        with pytest.raises(TransportError, match="after 1 attempt"):
            run(mode, [maybe_arrived, *created], create)
    with pytest.raises(ServerError):
        run(mode, [status(500), *created], create)


@MODES
def test_429_tells_the_limiter_and_a_get_is_tried_again(mode: str) -> None:
    limiter = Limiter()
    throttled = status(
        429, b'{"code":"MESSAGE_THROTTLED_OUT","message":"m"}', **{"Retry-After": "1"}
    )
    _answer, seen = run(mode, [throttled, status(200, STATUS)], read, rate_limiter=limiter)
    assert len(seen) == 2
    assert limiter.events == ["acquire", ("throttled", 1.0), "acquire"]


@MODES
def test_a_throttled_post_is_raised_with_retry_after(mode: str) -> None:
    limiter = Limiter()
    throttled = status(
        429, b'{"code":"MESSAGE_THROTTLED_OUT","message":"m"}', **{"Retry-After": "1"}
    )
    with pytest.raises(Throttled) as error:
        run(mode, [throttled], create, rate_limiter=limiter)
    assert error.value.retry_after == 1.0
    assert limiter.events == ["acquire", ("throttled", 1.0)]


@MODES
def test_without_a_limiter_the_client_waits_retry_after_itself(mode: str) -> None:
    throttled = status(429, b"", **{"Retry-After": "0"})
    _answer, seen = run(mode, [throttled, status(200, STATUS)], read)
    assert len(seen) == 2


@MODES
def test_open_endpoints_send_no_token(mode: str) -> None:
    class Token(httpx.Auth):
        def auth_flow(self, request: httpx.Request) -> Any:
            request.headers["Authorization"] = "Bearer t"
            yield request

    def both(client: Any) -> Any:
        if mode == "sync":
            client.agent_test_support.accept("ABBBBBBBBBBCC")
            return client.itsa_status.retrieve("AA123456A", "2025-26")

        async def go() -> Any:
            await client.agent_test_support.accept("ABBBBBBBBBBCC")
            return await client.itsa_status.retrieve("AA123456A", "2025-26")

        return go()

    _, seen = run(mode, [status(204), status(200, STATUS)], both, auth=Token())
    assert "authorization" not in seen[0].headers
    assert seen[1].headers["authorization"] == "Bearer t"
