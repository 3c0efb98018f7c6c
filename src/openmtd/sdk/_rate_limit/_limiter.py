"""The client-side rate limiter for one application: pyrate-limiter paces, the SDK holds.

:class:`ApplicationRateLimiter` implements the clients' ``RateLimiter`` seam. pyrate-limiter
keeps the sliding window (in memory, in a SQLite file, in Redis or in PostgreSQL) and waits for
a free slot; the SDK adds only what pyrate-limiter does not do:

- the hold after a 429 (``throttled``), shared through the same backend (``_holds.py``);
- the exponential backoff when a 429 comes without ``Retry-After``;
- one waiter per process at a time (a thread lock, and an asyncio lock per event loop): with
  many callers waiting, pyrate-limiter's wait loop lets every one of them wake and retry its
  put at each free slot; queueing them first keeps a bulk read of thousands of clients to one
  backend call per slot, and serves callers in the order they came.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import re
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from pyrate_limiter import InMemoryBucket, Limiter, PostgresBucket, RedisBucket, SQLiteBucket
from pyrate_limiter.abstracts import AbstractBucket

from openmtd.sdk._rate_limit._holds import Hold, MemoryHold, PostgresHold, RedisHold, SqliteHold
from openmtd.sdk._rate_limit._settings import RateLimit

if TYPE_CHECKING:
    from redis import Redis

__all__ = ["ApplicationRateLimiter"]

#: Added by pyrate-limiter to every wait it computes; 1 ms keeps a contended PostgreSQL table
#: lock (its bucket fails fast on contention and reports no wait) from being retried in a spin.
_BUFFER_MS = 1
#: The backoff doubles at most this many times (2**30 seconds is past any max_backoff).
_MAX_DOUBLINGS = 30
#: The backoff's clock (a name of its own so tests can move it without moving time.monotonic).
_now: Callable[[], float] = time.monotonic


def _checked_application(application: object) -> str:
    if not isinstance(application, str) or not 1 <= len(application) <= 200:
        raise ValueError(
            "ApplicationRateLimiter: application must be a name of 1 to 200 characters (the "
            f"application's client id, say), not {application!r}"
        )
    return application


def _table_name(application: str) -> str:
    """A table name that is safe in any SQL and distinct for each application name."""
    slug = re.sub(r"[^a-z0-9]+", "_", application.lower()).strip("_")[:16]
    digest = hashlib.sha256(application.encode()).hexdigest()[:8]
    return f"openmtd_rate_{slug}_{digest}"


class ApplicationRateLimiter:
    """Paces one application's HMRC requests, shared by every caller that uses the same store.

    Build one with a constructor for where the window is kept:

    - :meth:`in_memory`: threads and tasks of one process;
    - :meth:`sqlite`: processes on one machine (a file they all open);
    - :meth:`redis` / :meth:`postgres`: processes on several machines.

    Give every client of one application the same limiter (or, across processes, the same
    store and ``application`` name). ``acquire()`` / ``acquire_async()`` wait for a slot;
    ``throttled(retry_after)`` holds every caller back after HMRC's 429.
    """

    def __init__(
        self,
        bucket: AbstractBucket,
        hold: Hold,
        limit: RateLimit,
        application: str,
        *,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        """Prefer the constructors; this one takes a ready pyrate-limiter bucket and hold."""
        self._limit = limit
        self._application = application
        self._limiter = Limiter(bucket, buffer_ms=_BUFFER_MS)
        self._hold = hold
        self._on_close = on_close
        self._thread_gate = threading.Lock()
        self._async_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self._backoff_lock = threading.Lock()
        self._strikes = 0
        self._backoff_ends: float | None = None
        self._closed = False

    # --- constructors ---------------------------------------------------------------------

    @classmethod
    def in_memory(cls, limit: RateLimit | None = None, *, application: str = "default") -> Self:
        """A limiter for one process (its threads and asyncio tasks)."""
        limit = limit or RateLimit()
        application = _checked_application(application)
        return cls(InMemoryBucket(limit.rates()), MemoryHold(), limit, application)

    @classmethod
    def sqlite(
        cls, path: str | Path, limit: RateLimit | None = None, *, application: str = "default"
    ) -> Self:
        """A limiter shared by the processes of one machine through the SQLite file ``path``
        (created when missing; a ``.lock`` file beside it serialises the check-and-count)."""
        limit = limit or RateLimit()
        application = _checked_application(application)
        path = Path(path)
        bucket = SQLiteBucket.init_from_file(
            limit.rates(),
            table=_table_name(application),
            db_path=str(path),
            use_file_lock=True,
        )
        return cls(bucket, SqliteHold(path, application), limit, application)

    @classmethod
    def redis(
        cls,
        client: Redis | str,
        limit: RateLimit | None = None,
        *,
        application: str = "default",
    ) -> Self:
        """A limiter shared through Redis (a ``redis.Redis`` client, or a ``redis://`` URL).

        The window's timestamps are each process's wall clock (pyrate-limiter's Redis bucket),
        so the machines sharing it must keep their clocks in step (NTP); the hold after a 429
        is timed by Redis itself.
        """
        import redis as redis_py

        limit = limit or RateLimit()
        application = _checked_application(application)
        owned = isinstance(client, str)
        connection: Redis = redis_py.Redis.from_url(client) if isinstance(client, str) else client
        key = f"openmtd:rate:{application}"
        bucket = RedisBucket.init(limit.rates(), connection, key)
        assert isinstance(bucket, RedisBucket)  # a sync client gives a bucket, not a coroutine
        return cls(
            bucket,
            RedisHold(connection, f"{key}:hold"),
            limit,
            application,
            on_close=connection.close if owned else None,
        )

    @classmethod
    def postgres(
        cls, conninfo: str, limit: RateLimit | None = None, *, application: str = "default"
    ) -> Self:
        """A limiter shared through PostgreSQL (a libpq connection string or URL; a SQLAlchemy
        ``postgresql+psycopg://`` URL is accepted too). Its tables are created when missing;
        the window and the hold are timed by the server's clock."""
        from psycopg_pool import ConnectionPool

        limit = limit or RateLimit()
        application = _checked_application(application)
        pool: ConnectionPool[Any] = ConnectionPool(
            conninfo.replace("postgresql+psycopg://", "postgresql://", 1),
            min_size=1,
            max_size=4,
            open=True,
        )
        try:
            bucket = PostgresBucket(pool, _table_name(application), limit.rates())
            hold = PostgresHold(pool, application)
        except BaseException:
            pool.close()
            raise
        return cls(bucket, hold, limit, application, on_close=pool.close)

    # --- the RateLimiter seam ---------------------------------------------------------------

    @property
    def limit(self) -> RateLimit:
        """The settings this limiter paces to."""
        return self._limit

    def held_for(self) -> float:
        """Seconds every caller must still wait after a 429 (0 when nothing holds them)."""
        return self._hold.remaining()

    def acquire(self) -> None:
        """Block until one more request may be sent (waiting out any hold after a 429)."""
        with self._thread_gate:
            while True:
                self._limiter.try_acquire(self._application)
                # Checked after the slot is taken, so a hold set while we waited is honoured;
                # the slot is then spent unused, which only errs on the slow side.
                wait = self._hold.remaining()
                if wait <= 0:
                    return
                time.sleep(wait)

    async def acquire_async(self) -> None:
        """Wait, without blocking the event loop, until one more request may be sent."""
        async with self._async_gate():
            while True:
                await self._limiter.try_acquire_async(self._application)
                wait = self._hold.remaining()
                if wait <= 0:
                    return
                await asyncio.sleep(wait)

    def throttled(self, retry_after: float | None) -> None:
        """HMRC answered 429: hold every caller sharing this limiter.

        For ``retry_after`` seconds when HMRC said (``Retry-After``); else for the backoff,
        doubled when a 429 follows a backoff that has just ended.
        """
        if retry_after is not None and math.isfinite(retry_after) and retry_after >= 0:
            self._hold.extend(retry_after)
            return
        wait = self._next_backoff()
        if wait is not None:
            self._hold.extend(wait)

    # --- lifecycle --------------------------------------------------------------------------

    def close(self) -> None:
        """Stop pyrate-limiter's cleaning thread and close the store's connections."""
        if self._closed:
            return
        self._closed = True
        self._hold.close()
        self._limiter.close()
        if self._on_close is not None:
            self._on_close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"ApplicationRateLimiter(application={self._application!r}, "
            f"requests_per_second={self._limit.requests_per_second})"
        )

    # --- internals --------------------------------------------------------------------------

    def _async_gate(self) -> asyncio.Lock:
        # One lock per event loop: an asyncio.Lock is bound to the loop it first waits on, and
        # the sync wrappers (asyncio.run) give each call a loop of its own.
        loop = asyncio.get_running_loop()
        with self._backoff_lock:
            gate = self._async_gates.get(loop)
            if gate is None:
                gate = self._async_gates[loop] = asyncio.Lock()
            return gate

    def _next_backoff(self) -> float | None:
        """The wait for a 429 without Retry-After; None when a hold is already running (the
        429s of requests sent together all belong to the one episode, and double nothing)."""
        with self._backoff_lock:
            if self._hold.remaining() > 0:
                return None
            now = _now()
            recent = (
                self._backoff_ends is not None
                and now - self._backoff_ends < self._limit.max_backoff
            )
            self._strikes = min(self._strikes + 1, _MAX_DOUBLINGS) if recent else 0
            wait = min(self._limit.max_backoff, math.ldexp(self._limit.backoff, self._strikes))
            self._backoff_ends = now + wait
            return wait
