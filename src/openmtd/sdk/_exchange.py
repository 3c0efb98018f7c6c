"""The attempts of one call, as a plan the clients carry out: sans-I/O, shared by both.

:func:`attempts` is a generator that yields what to do next — :class:`Acquire` a rate-limit
slot, :class:`Send` a request, :class:`Wait`, tell the limiter HMRC :class:`Throttle`\\ d us — and
is sent the outcome of each :class:`Send` (the response, or the ``httpx`` transport error). It
returns the final response. The sync client does the steps with ``time.sleep`` and
``httpx.Client.send``, the async one with ``anyio.sleep`` and ``httpx.AsyncClient.send``; the
decisions (retry or not, how long to wait) live only here and in :mod:`._retry`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass

import httpx

from openmtd.sdk._errors import TransportError, _retry_after
from openmtd.sdk._retry import RetryPolicy, backoff_delay, may_retry_error, may_retry_status

__all__ = ["Acquire", "Plan", "Send", "Step", "Throttle", "Wait", "attempts", "run_sync"]


@dataclass(frozen=True, slots=True)
class Acquire:
    """Wait for the rate limiter's next slot."""


@dataclass(frozen=True, slots=True)
class Send:
    """Send this request; the outcome is the response or the transport error raised."""

    request: httpx.Request


@dataclass(frozen=True, slots=True)
class Wait:
    seconds: float


@dataclass(frozen=True, slots=True)
class Throttle:
    """HMRC answered 429: tell the rate limiter (``Retry-After`` in seconds, if sent)."""

    retry_after: float | None


Step = Acquire | Send | Wait | Throttle
Outcome = httpx.Response | httpx.TransportError | None
Plan = Generator[Step, Outcome, httpx.Response]


def attempts(
    method: str,
    build: Callable[[], httpx.Request],
    policy: RetryPolicy,
    random: Callable[[], float],
    *,
    limited: bool,
) -> Plan:
    """The plan for one call. ``build`` makes each attempt's request (fresh fraud headers);
    ``limited`` says whether a rate limiter paces the client."""
    retry = 0
    while True:
        if limited:
            yield Acquire()
        request = build()
        outcome = yield Send(request)
        if isinstance(outcome, httpx.TransportError):
            if retry < policy.max_retries and may_retry_error(method, outcome):
                yield Wait(backoff_delay(retry, policy, random))
                retry += 1
                continue
            tries = f"{retry + 1} attempt{'s' if retry else ''}"
            raise TransportError(
                f"{method} {request.url} failed after {tries}: {type(outcome).__name__}: {outcome}"
            ) from outcome
        assert outcome is not None, "a Send is answered with its outcome"
        status = outcome.status_code
        if not (retry < policy.max_retries and may_retry_status(method, status)):
            if status == 429 and limited:
                yield Throttle(_retry_after(outcome.headers))
            return outcome
        if status == 429:
            after = _retry_after(outcome.headers)
            if after is not None and after > policy.max_retry_after:
                if limited:
                    yield Throttle(after)
                return outcome
            if limited:
                # The limiter holds every caller back (this one included, at Acquire).
                yield Throttle(after)
            else:
                yield Wait(after if after is not None else backoff_delay(retry, policy, random))
        else:
            yield Wait(backoff_delay(retry, policy, random))
        retry += 1


def run_sync(plan: Plan, do: Callable[[Step], Outcome]) -> httpx.Response:
    """Carry out ``plan``, each step by ``do`` (which returns a Send's outcome, else None)."""
    try:
        step = next(plan)
        while True:
            step = plan.send(do(step))
    except StopIteration as done:
        response: httpx.Response = done.value
        return response
