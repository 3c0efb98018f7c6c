"""The "hold until" instant after a 429, kept where the limiter's window is kept.

pyrate-limiter paces requests but knows nothing of HMRC telling a client to slow down, so
this part is the SDK's own: when any caller sharing a limiter gets a 429, every caller (other
threads, other processes, other machines) must wait. Each backend keeps one instant per
application, only ever moved later, in the same store as the window:

- :class:`MemoryHold`: an attribute (one process), on the monotonic clock.
- :class:`SqliteHold`: a row in the limiter's SQLite file (processes on one machine share the
  wall clock).
- :class:`RedisHold`: a key that expires when the hold ends: Redis's own clock counts it, so
  machines whose clocks differ still agree.
- :class:`PostgresHold`: a row whose instant is set and read with the server's
  ``clock_timestamp()``, for the same reason.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from psycopg_pool import ConnectionPool
    from redis import Redis

__all__ = ["Hold", "MemoryHold", "PostgresHold", "RedisHold", "SqliteHold"]


class Hold(Protocol):
    """One application's hold: how long every caller must still wait."""

    def remaining(self) -> float:
        """Seconds until the hold ends; 0 when there is none."""
        ...

    def extend(self, seconds: float) -> None:
        """Hold every caller for at least ``seconds`` from now (never shortens a hold)."""
        ...

    def close(self) -> None:
        """Release what the hold opened."""
        ...


class MemoryHold:
    def __init__(self) -> None:
        self._until = 0.0
        self._lock = threading.Lock()

    def remaining(self) -> float:
        return max(0.0, self._until - time.monotonic())

    def extend(self, seconds: float) -> None:
        with self._lock:
            self._until = max(self._until, time.monotonic() + seconds)

    def close(self) -> None:
        pass


class SqliteHold:
    _CREATE = (
        "CREATE TABLE IF NOT EXISTS openmtd_rate_holds "
        "(key TEXT PRIMARY KEY, until_s REAL NOT NULL)"
    )
    _EXTEND = (
        "INSERT INTO openmtd_rate_holds (key, until_s) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET until_s = MAX(until_s, excluded.until_s)"
    )
    _READ = "SELECT until_s FROM openmtd_rate_holds WHERE key = ?"

    def __init__(self, path: Path, key: str) -> None:
        self._key = key
        self._lock = threading.Lock()
        # A connection of its own (the bucket's is pyrate-limiter's); SQLite's busy timeout
        # waits out the bucket's short writes to the same file.
        self._conn = sqlite3.connect(path, timeout=30, check_same_thread=False)
        with self._lock, self._conn:
            self._conn.execute(self._CREATE)

    def remaining(self) -> float:
        with self._lock:
            row = self._conn.execute(self._READ, (self._key,)).fetchone()
        return 0.0 if row is None else max(0.0, float(row[0]) - time.time())

    def extend(self, seconds: float) -> None:
        with self._lock, self._conn:
            self._conn.execute(self._EXTEND, (self._key, time.time() + seconds))

    def close(self) -> None:
        with self._lock:
            self._conn.close()


# Atomic "extend, never shorten": a plain SET would let a shorter Retry-After cut a longer hold.
_EXTEND_LUA = """
local wanted = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < wanted then
    redis.call('SET', KEYS[1], '1', 'PX', wanted)
end
return 0
"""


class RedisHold:
    def __init__(self, client: Redis, key: str) -> None:
        self._client = client
        self._key = key
        self._extend = client.register_script(_EXTEND_LUA)

    def remaining(self) -> float:
        ttl_ms: int = self._client.pttl(self._key)  # -2: no key, -1: no expiry (never set so)
        return max(0.0, ttl_ms / 1000)

    def extend(self, seconds: float) -> None:
        self._extend(keys=[self._key], args=[max(1, round(seconds * 1000))])

    def close(self) -> None:
        pass  # the client belongs to the limiter


class PostgresHold:
    _CREATE = (
        "CREATE TABLE IF NOT EXISTS openmtd_rate_holds "
        "(key TEXT PRIMARY KEY, until_at TIMESTAMPTZ NOT NULL)"
    )
    _EXTEND = (
        "INSERT INTO openmtd_rate_holds (key, until_at) "
        "VALUES (%s, clock_timestamp() + make_interval(secs => %s)) "
        "ON CONFLICT (key) DO UPDATE "
        "SET until_at = GREATEST(openmtd_rate_holds.until_at, excluded.until_at)"
    )
    _READ = (
        "SELECT GREATEST(0, EXTRACT(EPOCH FROM until_at - clock_timestamp()))::float8 "
        "FROM openmtd_rate_holds WHERE key = %s"
    )
    #: Any fixed number: it serialises the table's creation between processes starting at once
    #: (concurrent CREATE TABLE IF NOT EXISTS can fail on PostgreSQL's catalogue).
    _CREATE_LOCK = 0x6F6D7464

    def __init__(self, pool: ConnectionPool[Any], key: str) -> None:
        self._pool = pool
        self._key = key
        with pool.connection() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (self._CREATE_LOCK,))
            conn.execute(self._CREATE)

    def remaining(self) -> float:
        with self._pool.connection() as conn:
            row = conn.execute(self._READ, (self._key,)).fetchone()
        return 0.0 if row is None else float(row[0])

    def extend(self, seconds: float) -> None:
        with self._pool.connection() as conn:
            conn.execute(self._EXTEND, (self._key, seconds))

    def close(self) -> None:
        pass  # the pool belongs to the limiter
