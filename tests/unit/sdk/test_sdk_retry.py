"""The SDK's retry rules and backoff (pure): which failures repeat for which methods, the full
jitter schedule with a seeded RNG, and the attempt plan the clients carry out."""

from __future__ import annotations

import random

import httpx
import pytest

from openmtd.sdk._errors import TransportError
from openmtd.sdk._exchange import Acquire, Plan, Send, Throttle, Wait, attempts
from openmtd.sdk._retry import RetryPolicy, backoff_delay, may_retry_error, may_retry_status

URL = "https://test-api.service.hmrc.gov.uk/x"
POLICY = RetryPolicy(max_retries=3, base_delay=0.5, max_delay=4.0, max_retry_after=60)


def test_full_jitter_is_a_uniform_draw_under_a_doubling_ceiling() -> None:
    draws = random.Random(7)
    expected = random.Random(7)
    delays = [backoff_delay(retry, POLICY, draws.random) for retry in range(6)]
    ceilings = [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert delays == [expected.random() * ceiling for ceiling in ceilings]
    assert all(0 <= d < c for d, c in zip(delays, ceilings, strict=True))


def test_backoff_reaches_its_ceiling_and_never_passes_it() -> None:
    assert backoff_delay(0, POLICY, lambda: 0.999999) < 0.5
    assert backoff_delay(10, POLICY, lambda: 0.999999) < 4.0
    assert backoff_delay(3, POLICY, lambda: 0.0) == 0.0
    with pytest.raises(ValueError, match="from 0"):
        backoff_delay(-1, POLICY, lambda: 0.5)


def test_a_policy_refuses_negative_settings_and_comes_from_a_number() -> None:
    with pytest.raises(ValueError, match="negative"):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ValueError, match="negative"):
        RetryPolicy(base_delay=-0.1)
    assert RetryPolicy.of(0) == RetryPolicy(max_retries=0)
    assert RetryPolicy.of(POLICY) is POLICY


REQUEST = httpx.Request("GET", URL)
NOT_SENT = [httpx.ConnectError("refused"), httpx.ConnectTimeout("slow"), httpx.PoolTimeout("full")]
MAYBE_SENT = [
    httpx.ReadTimeout("slow"),
    httpx.WriteTimeout("slow"),
    httpx.ReadError("reset"),
    httpx.RemoteProtocolError("closed"),
]


@pytest.mark.parametrize("error", NOT_SENT, ids=type)
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "POST"])
def test_a_request_never_sent_is_retried_for_every_method(method: str, error: Exception) -> None:
    assert may_retry_error(method, error)


@pytest.mark.parametrize("error", MAYBE_SENT, ids=type)
def test_a_request_that_may_have_arrived_is_retried_only_when_idempotent(error: Exception) -> None:
    assert may_retry_error("GET", error)
    assert may_retry_error("put", error)
    assert may_retry_error("DELETE", error)
    assert not may_retry_error("POST", error)


def test_statuses_that_repeat() -> None:
    for status in (429, 500, 502, 503, 504):
        assert may_retry_status("GET", status)
        assert not may_retry_status("POST", status)
    for status in (200, 204, 400, 401, 403, 404, 409, 501):
        assert not may_retry_status("GET", status)


# --- the plan -------------------------------------------------------------------------------------
def plan(method: str = "GET", *, limited: bool = False, policy: RetryPolicy = POLICY) -> Plan:
    return attempts(
        method, lambda: httpx.Request(method, URL), policy, random.Random(1).random, limited=limited
    )


def answer(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers, request=REQUEST)


def test_a_get_that_meets_5xx_then_succeeds() -> None:
    steps = plan()
    assert isinstance(next(steps), Send)
    assert isinstance(steps.send(answer(503)), Wait)
    assert isinstance(steps.send(None), Send)
    with pytest.raises(StopIteration) as done:
        steps.send(answer(200))
    assert done.value.value.status_code == 200


def test_a_post_5xx_is_final() -> None:
    steps = plan("POST")
    next(steps)
    with pytest.raises(StopIteration) as done:
        steps.send(answer(500))
    assert done.value.value.status_code == 500


def test_a_post_read_timeout_is_a_transport_error_at_once() -> None:
    steps = plan("POST")
    next(steps)
    with pytest.raises(TransportError, match="after 1 attempt: ReadTimeout"):
        steps.send(httpx.ReadTimeout("slow"))


def test_a_post_connect_error_is_retried_until_the_retries_run_out() -> None:
    steps = plan("POST", policy=RetryPolicy(max_retries=2))
    next(steps)
    for _ in range(2):
        assert isinstance(steps.send(httpx.ConnectError("refused")), Wait)
        assert isinstance(steps.send(None), Send)
    with pytest.raises(TransportError, match="after 3 attempts") as error:
        steps.send(httpx.ConnectError("refused"))
    assert isinstance(error.value.__cause__, httpx.ConnectError)


def test_429_without_a_limiter_waits_out_retry_after() -> None:
    steps = plan()
    next(steps)
    assert steps.send(answer(429, **{"Retry-After": "2"})) == Wait(2.0)


def test_429_with_a_limiter_tells_it_and_acquires_again() -> None:
    steps = plan(limited=True)
    assert next(steps) == Acquire()
    assert isinstance(steps.send(None), Send)
    assert steps.send(answer(429, **{"Retry-After": "1.5"})) == Throttle(1.5)
    assert steps.send(None) == Acquire()


def test_a_429_too_long_to_wait_or_to_a_post_is_returned_and_the_limiter_told() -> None:
    for method, headers in (("GET", {"Retry-After": "600"}), ("POST", {"Retry-After": "1"})):
        steps = plan(method, limited=True)
        next(steps)
        steps.send(None)
        assert isinstance(steps.send(answer(429, **headers)), Throttle)
        with pytest.raises(StopIteration) as done:
            steps.send(None)
        assert done.value.value.status_code == 429


def test_no_retries_means_one_attempt() -> None:
    steps = plan(policy=RetryPolicy(max_retries=0))
    next(steps)
    with pytest.raises(StopIteration):
        steps.send(answer(503))
