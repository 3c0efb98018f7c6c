"""The rate limiter's settings, the rates they stand for, and its backoff arithmetic (a hold
that records what it is told, so no clock is involved)."""

from __future__ import annotations

import asyncio
import math

import pytest
from pyrate_limiter import InMemoryBucket

from openmtd.sdk import ApplicationRateLimiter, RateLimit


class RecordedHold:
    """A hold whose remaining time the test sets; it records every extension."""

    def __init__(self) -> None:
        self.extensions: list[float] = []
        self.left = 0.0
        self.closed = False

    def remaining(self) -> float:
        return self.left

    def extend(self, seconds: float) -> None:
        self.extensions.append(seconds)

    def close(self) -> None:
        self.closed = True


def _limiter(limit: RateLimit) -> tuple[ApplicationRateLimiter, RecordedHold]:
    hold = RecordedHold()
    return ApplicationRateLimiter(InMemoryBucket(limit.rates()), hold, limit, "app"), hold


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"requests_per_second": 0}, "requests_per_second must be a whole number from 1 to 1000"),
        ({"requests_per_second": 1001}, "requests_per_second"),
        ({"requests_per_second": 2.5}, "requests_per_second"),
        ({"requests_per_second": True}, "requests_per_second"),
        ({"requests_per_second": "3"}, "requests_per_second"),
        ({"margin": -0.001}, "margin must be from 0 to 1.0 seconds"),
        ({"margin": 1.5}, "margin"),
        ({"margin": math.nan}, "margin must be a finite number"),
        ({"margin": "0.1"}, "margin must be a finite number"),
        ({"backoff": 0}, "backoff must be more than 0 seconds"),
        ({"backoff": math.inf}, "backoff must be a finite number"),
        ({"backoff": 2.0, "max_backoff": 1.0}, r"max_backoff \(1.0\) must be at least backoff"),
    ],
)
def test_bad_settings_are_refused(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RateLimit(**settings)  # type: ignore[arg-type]


@pytest.mark.parametrize("application", ["", "x" * 201, 7])
def test_a_bad_application_name_is_refused(application: object) -> None:
    with pytest.raises(ValueError, match="application must be a name of 1 to 200 characters"):
        ApplicationRateLimiter.in_memory(application=application)  # type: ignore[arg-type]


def test_the_default_is_hmrcs_three_per_second() -> None:
    limit = RateLimit()
    assert limit.requests_per_second == 3
    # one request at most every 333 ms, and never four within 1 s + 10 ms
    assert [(r.limit, r.interval) for r in limit.rates()] == [(1, 331), (3, 1009)]


@pytest.mark.parametrize(
    ("per_second", "rates"),
    [
        (1, [(1, 999)]),
        (2, [(1, 498), (2, 999)]),
        (50, [(5, 98), (50, 999)]),
        (1000, [(100, 98), (1000, 999)]),
    ],
)
def test_the_rates_spread_each_second(per_second: int, rates: list[tuple[int, int]]) -> None:
    limit = RateLimit(per_second, margin=0)
    assert [(r.limit, r.interval) for r in limit.rates()] == rates


def test_retry_after_is_honoured_as_given() -> None:
    limiter, hold = _limiter(RateLimit())
    limiter.throttled(7.5)
    limiter.throttled(0)
    assert hold.extensions == [7.5, 0]


@pytest.mark.parametrize("retry_after", [None, -1.0, math.nan, math.inf])
def test_no_usable_retry_after_means_the_backoff(retry_after: float | None) -> None:
    limiter, hold = _limiter(RateLimit(backoff=2.0))
    limiter.throttled(retry_after)
    assert hold.extensions == [2.0]


def test_the_backoff_doubles_while_429s_follow_it_and_stops_at_the_cap() -> None:
    limiter, hold = _limiter(RateLimit(backoff=1.0, max_backoff=5.0))
    for _ in range(5):
        limiter.throttled(None)
    assert hold.extensions == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_429s_during_a_hold_are_one_episode() -> None:
    limiter, hold = _limiter(RateLimit(backoff=1.0))
    limiter.throttled(None)
    hold.left = 0.5  # the requests sent together with the first one come back 429 too
    limiter.throttled(None)
    limiter.throttled(None)
    assert hold.extensions == [1.0]
    assert limiter.held_for() == 0.5


def test_the_backoff_starts_again_after_a_quiet_spell(monkeypatch: pytest.MonkeyPatch) -> None:
    import openmtd.sdk._rate_limit._limiter as module

    now = [1000.0]
    monkeypatch.setattr(module, "_now", lambda: now[0])
    limiter, hold = _limiter(RateLimit(backoff=1.0, max_backoff=4.0))
    limiter.throttled(None)
    limiter.throttled(None)
    now[0] += 3.0 + 4.0  # the second backoff (2 s) ended more than max_backoff ago
    limiter.throttled(None)
    assert hold.extensions == [1.0, 2.0, 1.0]


def test_a_task_waits_out_the_hold_too() -> None:
    with ApplicationRateLimiter.in_memory(RateLimit(50)) as limiter:
        limiter.throttled(0.2)
        assert limiter.held_for() > 0
        asyncio.run(limiter.acquire_async())
        assert limiter.held_for() == 0


def test_close_closes_once_and_repr_shows_no_store() -> None:
    limiter, hold = _limiter(RateLimit(50))
    assert repr(limiter) == "ApplicationRateLimiter(application='app', requests_per_second=50)"
    assert limiter.limit.requests_per_second == 50
    with limiter:
        pass
    limiter.close()
    assert hold.closed
