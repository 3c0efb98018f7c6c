"""One contract for the SDK's rate limiter, on every backend: memory, SQLite, Redis, PostgreSQL.

- The rate holds across threads of one process and (on the shared backends) across processes:
  the acquisitions' wall-clock times are recorded and counted per one-second interval; no
  interval ever holds more than the limit. The limiter under test is given a wide margin
  (0.2 s) so that a thread descheduled between acquiring and recording cannot make a false
  alarm: what is checked is the count, never how long anything took.
- ``throttled()`` holds every caller sharing the store (another limiter object, another
  process): no acquisition comes before the hold ends, and a hold is never shortened.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from openmtd.sdk import ApplicationRateLimiter, RateLimit
from support.rate_limits import LimiterSpec, acquire_after_hold, acquire_in_process, max_in_window

PER_SECOND = 10
LIMIT = RateLimit(PER_SECOND, margin=0.2)
#: Clock granularity between the hold's timer (Redis's expiry, PostgreSQL's clock, SQLite's
#: wall clock) and the test's time.time(): a millisecond or so, never a scheduling delay.
CLOCK_SLACK_S = 0.01

SHARED = ["sqlite", pytest.param("redis", marks=pytest.mark.redis)]
SHARED.append(pytest.param("postgres", marks=pytest.mark.postgres))


def _spec(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> LimiterSpec:
    if backend == "memory":
        return LimiterSpec("memory")
    if backend == "sqlite":
        return LimiterSpec("sqlite", str(tmp_path / "limits.sqlite3"))
    if backend == "redis":
        return LimiterSpec("redis", request.getfixturevalue("redis_url"))
    return LimiterSpec("postgres", request.getfixturevalue("postgres_database"))


@pytest.fixture(params=["memory", *SHARED])
def spec(request: pytest.FixtureRequest, tmp_path: Path) -> LimiterSpec:
    return _spec(request.param, request, tmp_path)


@pytest.fixture(params=SHARED)
def shared_spec(request: pytest.FixtureRequest, tmp_path: Path) -> LimiterSpec:
    return _spec(request.param, request, tmp_path)


@pytest.fixture
def limiter(spec: LimiterSpec) -> Iterator[ApplicationRateLimiter]:
    with spec.open(LIMIT) as opened:
        yield opened


def _spawn() -> multiprocessing.context.SpawnContext:
    # spawn, not fork: the parent has threads (pyrate-limiter's cleaner, the pools).
    return multiprocessing.get_context("spawn")


def test_the_window_counter_sees_too_many() -> None:
    # The check below can fail: 11 requests in 0.9 s are 11 in one second.
    assert max_in_window([i * 0.09 for i in range(11)]) == 11
    assert max_in_window([0.0, 1.0, 2.0]) == 1
    assert max_in_window([]) == 0


def test_threads_never_exceed_the_rate(limiter: ApplicationRateLimiter) -> None:
    times: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(8):
            limiter.acquire()
            with lock:
                times.append(time.time())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(times) == 32
    assert max_in_window(times) <= PER_SECOND


def test_tasks_never_exceed_the_rate(limiter: ApplicationRateLimiter) -> None:
    async def main() -> list[float]:
        times: list[float] = []

        async def one() -> None:
            await limiter.acquire_async()
            times.append(time.time())

        await asyncio.gather(*(one() for _ in range(25)))
        return times

    times = asyncio.run(main())
    assert len(times) == 25
    assert max_in_window(times) <= PER_SECOND


def test_processes_never_exceed_the_rate(shared_spec: LimiterSpec) -> None:
    context = _spawn()
    start = context.Event()
    results = context.Queue()
    workers = [
        context.Process(target=acquire_in_process, args=(shared_spec, LIMIT, 8, start, results))
        for _ in range(3)
    ]
    for worker in workers:
        worker.start()
    start.set()
    times = [t for _ in workers for t in results.get(timeout=120)]
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert len(times) == 24
    assert max_in_window(times) <= PER_SECOND


def test_a_hold_is_seen_by_every_limiter_on_the_store(shared_spec: LimiterSpec) -> None:
    with shared_spec.open(LIMIT) as first, shared_spec.open(LIMIT) as second:
        assert second.held_for() == 0
        first.throttled(30)
        assert 20 < second.held_for() <= 30
        first.throttled(1)  # a shorter Retry-After never cuts a longer hold
        assert second.held_for() > 20
        with shared_spec.open(LIMIT, application="another") as other:
            assert other.held_for() == 0  # holds are per application


def test_throttled_holds_other_threads(limiter: ApplicationRateLimiter) -> None:
    acquired: list[float] = []
    started = threading.Event()

    def work() -> None:
        started.wait(30)
        limiter.acquire()
        acquired.append(time.time())

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    throttled_at = time.time()
    limiter.throttled(1.0)
    started.set()
    for thread in threads:
        thread.join()
    assert len(acquired) == 3
    assert min(acquired) >= throttled_at + 1.0 - CLOCK_SLACK_S


def test_throttled_holds_other_processes(shared_spec: LimiterSpec) -> None:
    context = _spawn()
    start = context.Event()
    results = context.Queue()
    workers = [
        context.Process(target=acquire_after_hold, args=(shared_spec, LIMIT, start, results))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    with shared_spec.open(LIMIT) as limiter:
        throttled_at = time.time()
        limiter.throttled(1.0)
        start.set()
        acquired = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert min(acquired) >= throttled_at + 1.0 - CLOCK_SLACK_S


def test_a_429_without_retry_after_backs_off(limiter: ApplicationRateLimiter) -> None:
    throttled_at = time.time()
    limiter.throttled(None)  # the default backoff: one second
    assert 0 < limiter.held_for() <= 1.0
    limiter.acquire()
    assert time.time() >= throttled_at + 1.0 - CLOCK_SLACK_S
