"""A slow client cannot hold a connection, and a huge body does not grow the server (issue 8:
a 300 MB POST was read in full and the server grew from 215 MB to 789 MB; trickled headers
held their connection forever)."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from openmtd.emulator.settings import EmulatorSettings, sqlite_url
from openmtd.emulator.web.app import create_app
from openmtd.emulator.web.server import BoundedH11Protocol
from support.emulator import FAST_HASHING
from support.emulator_process import Emulator
from support.live_server import serve_in_thread

pytestmark = pytest.mark.e2e

MB = 1024 * 1024


class QuickDeadlines(BoundedH11Protocol):
    head_timeout = 1.0
    body_timeout = 1.5


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    settings = EmulatorSettings(
        database_url=sqlite_url(tmp_path / "bounded.sqlite3"), password_hashing=FAST_HASHING
    )
    app = create_app(settings)
    try:
        with serve_in_thread(app, http=QuickDeadlines) as url:
            yield url
    finally:
        app.state.services.store.close()


def _connect(base_url: str) -> socket.socket:
    host, port = base_url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(4096):
        chunks.append(chunk)
    return b"".join(chunks)


def test_trickled_headers_get_408_and_the_others_are_served(base_url: str) -> None:
    slow = [_connect(base_url) for _ in range(20)]
    started = time.monotonic()
    for sock in slow:
        sock.sendall(b"GET /emulator/clock HTTP/1.1\r\nHost: x\r\n")
    # While they trickle, an ordinary client is served at once.
    with httpx.Client(base_url=base_url, trust_env=False, timeout=5) as client:
        for _ in range(5):
            assert client.get("/emulator/clock").status_code == 200
            for sock in slow:
                with contextlib.suppress(OSError):
                    sock.sendall(b"X")
            time.sleep(0.1)
    for sock in slow:
        answer = _read_all(sock)
        assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), answer
        sock.close()
    took = time.monotonic() - started
    assert took < 5, f"slow clients were held for {took:.1f}s"


def test_a_connection_that_sends_nothing_is_closed(base_url: str) -> None:
    sock = _connect(base_url)
    assert _read_all(sock).startswith(b"HTTP/1.1 408")
    sock.close()


def test_a_trickled_body_gets_408(base_url: str) -> None:
    sock = _connect(base_url)
    sock.sendall(
        b"POST /emulator/clock HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n{"
    )
    started = time.monotonic()
    answer = b""
    try:
        for _ in range(40):
            sock.sendall(b" ")
            time.sleep(0.1)
    except OSError:
        pass  # closed under us: the deadline passed
    answer = _read_all(sock)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert time.monotonic() - started < 4


def test_a_keep_alive_client_is_not_cut_between_requests(base_url: str) -> None:
    with httpx.Client(base_url=base_url, trust_env=False, timeout=5) as client:
        for _ in range(3):
            assert client.get("/emulator/clock").status_code == 200
            time.sleep(0.5)  # under uvicorn's keep-alive timeout, over half the head deadline


def _stream(total: int, size: int = MB) -> Iterator[bytes]:
    for _ in range(total // size):
        yield b"7" * size


@pytest.mark.parametrize("declared", [True, False])
def test_a_50_mb_body_leaves_memory_flat(tmp_path: Path, declared: bool) -> None:
    emulator = Emulator(sqlite_url(tmp_path / "large.sqlite3"))
    try:
        before = emulator.rss_bytes()
        for _ in range(3):
            with emulator.client(timeout=30) as client:
                headers = {"Content-Type": "application/json"}
                content: bytes | Iterator[bytes]
                content = b"7" * (50 * MB) if declared else _stream(50 * MB)
                try:
                    answer = client.post("/emulator/applications", content=content, headers=headers)
                except httpx.TransportError:
                    pass  # the server closed after its 413 while we were still sending
                else:
                    assert answer.status_code == 413
        grew = emulator.rss_bytes() - before
        with emulator.client() as client:
            assert client.get("/emulator/clock").status_code == 200
    finally:
        emulator.stop()
    assert grew < 20 * MB, f"the server grew by {grew / MB:.1f} MB"
