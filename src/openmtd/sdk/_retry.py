"""When a request is tried again, and how long to wait first: pure functions, no I/O.

The rule (issue 11): a call is retried only when repeating it cannot do twice what HMRC did once.

- Idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE) are retried on a 5xx answer (except 501,
  which will not change), a timeout, or a connection that failed or broke.
- Any other method (POST) is retried only when the connection failed *before the request was
  sent* (no connection was made, or none was free in the pool): HMRC cannot have seen it. A read
  timeout or a broken connection after sending may mean HMRC acted, so it is never retried.
- 429 (throttled) is retried for idempotent methods after ``Retry-After`` (or a backoff), as
  long as that wait is not longer than :attr:`RetryPolicy.max_retry_after`.

Waits use exponential backoff with "full jitter": a uniform draw between 0 and
``min(max_delay, base_delay * 2**retry)``, so clients that failed together do not retry together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import httpx

__all__ = [
    "IDEMPOTENT_METHODS",
    "RetryPolicy",
    "backoff_delay",
    "may_retry_error",
    "may_retry_status",
]

IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

# Raised before a single byte of the request left: safe to repeat for any method.
_NOT_SENT: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# May have happened after the request reached HMRC: only idempotent methods repeat.
_MAYBE_SENT: Final = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many times to retry and how long to wait (seconds).

    ``max_retries=0`` turns retries off. ``max_retry_after`` is the longest ``Retry-After`` the
    client waits out by itself; a longer one is raised as :class:`~openmtd.sdk.Throttled`.
    """

    max_retries: int = 3
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries cannot be negative")
        if self.base_delay < 0 or self.max_delay < 0 or self.max_retry_after < 0:
            raise ValueError("delays cannot be negative")

    @classmethod
    def of(cls, retries: RetryPolicy | int) -> RetryPolicy:
        """A policy from what a client was given: a policy, or just a number of retries."""
        return retries if isinstance(retries, RetryPolicy) else cls(max_retries=retries)


def backoff_delay(retry: int, policy: RetryPolicy, random: Callable[[], float]) -> float:
    """The wait before retry number ``retry`` (0 for the first), full jitter.

    ``random`` gives a float in [0, 1) (``random.Random(seed).random`` in tests).
    """
    if retry < 0:
        raise ValueError("retry counts from 0")
    ceiling = min(policy.max_delay, policy.base_delay * (2.0**retry))
    return random() * ceiling


def may_retry_error(method: str, error: Exception) -> bool:
    """True when ``error`` (raised while sending ``method``) may be retried."""
    if isinstance(error, _NOT_SENT):
        return True
    return method.upper() in IDEMPOTENT_METHODS and isinstance(error, _MAYBE_SENT)


def may_retry_status(method: str, status: int) -> bool:
    """True when an answer with ``status`` to ``method`` may be retried (429 and 5xx)."""
    if method.upper() not in IDEMPOTENT_METHODS:
        return False
    return status == 429 or (status >= 500 and status != 501)
