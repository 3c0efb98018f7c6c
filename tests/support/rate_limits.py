"""Helpers for the rate limiter's contract tests: where a limiter's window is kept, opening it
in any process, and counting acquisitions per one-second interval.

A `LimiterSpec` is picklable, so worker processes started with multiprocessing's spawn method
open their own limiter on the same store.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openmtd.sdk import ApplicationRateLimiter, RateLimit


@dataclass(frozen=True)
class LimiterSpec:
    """Where a limiter's window lives: ``memory`` (no location), ``sqlite`` (a file path),
    ``redis`` (a URL) or ``postgres`` (a URL)."""

    backend: str
    location: str = ""

    def open(
        self, limit: RateLimit | None = None, *, application: str = "app"
    ) -> ApplicationRateLimiter:
        if self.backend == "memory":
            return ApplicationRateLimiter.in_memory(limit, application=application)
        if self.backend == "sqlite":
            return ApplicationRateLimiter.sqlite(self.location, limit, application=application)
        if self.backend == "redis":
            return ApplicationRateLimiter.redis(self.location, limit, application=application)
        assert self.backend == "postgres", self.backend
        return ApplicationRateLimiter.postgres(self.location, limit, application=application)


def max_in_window(times: Sequence[float], window: float = 1.0) -> int:
    """The most timestamps in any half-open interval ``[t, t + window)``: every such interval
    that holds the most starts at one of the timestamps, so checking those is enough."""
    ordered = sorted(times)
    return max(
        (bisect.bisect_left(ordered, start + window) - i for i, start in enumerate(ordered)),
        default=0,
    )


def acquire_in_process(
    spec: LimiterSpec,
    limit: RateLimit,
    count: int,
    start: Any,  # a multiprocessing Event: everyone starts acquiring together
    results: Any,  # a multiprocessing Queue: one list of wall-clock times per process
) -> None:
    """A worker process: open the limiter, wait for the start, acquire ``count`` times."""
    times: list[float] = []
    with spec.open(limit) as limiter:
        start.wait(60)
        for _ in range(count):
            limiter.acquire()
            times.append(time.time())
    results.put(times)


def acquire_after_hold(spec: LimiterSpec, limit: RateLimit, start: Any, results: Any) -> None:
    """A worker process: wait for the start (given once another caller was throttled), then
    acquire once and report when."""
    with spec.open(limit) as limiter:
        start.wait(60)
        limiter.acquire()
        results.put(time.time())
