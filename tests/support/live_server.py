"""Real HTTP servers on 127.0.0.1 for end-to-end tests.

- `serve_in_thread(app)`: run an ASGI app object with uvicorn in a background thread of the
  test process (fast; the app can share objects with the test).
- `serve_in_subprocess(args, ready_url)`: run a command (e.g. `python -m uvicorn pkg:app
  --port N`, or `openmtd ...`) as a separate process, as a user or CI would start it.

Both are context managers that yield the base URL once the server answers HTTP, and on exit
stop the server and wait for it, so no thread, process or socket outlives the `with` block.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx
import uvicorn

HOST = "127.0.0.1"
STARTUP_TIMEOUT_S = 20.0
SHUTDOWN_TIMEOUT_S = 10.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _answers(url: str) -> bool:
    """True once anything answers HTTP at `url` (any status: the app may 404 on it)."""
    # trust_env=False: a proxy from the environment must never see loopback traffic.
    try:
        with httpx.Client(trust_env=False, timeout=2.0) as client:
            client.get(url)
    except httpx.TransportError:
        return False
    return True


@contextlib.contextmanager
def serve_in_thread(
    app: Any, *, port: int = 0, timeout: float = STARTUP_TIMEOUT_S, http: Any = "auto"
) -> Iterator[str]:
    """Serve the ASGI `app` with uvicorn in a thread; yield its base URL (http://127.0.0.1:PORT).

    `port=0` picks a free port; pass one (from `free_port()`) when the URL must be known first.
    """
    # We bind the socket ourselves and hand it to uvicorn, so no other process can take the
    # port between choosing it and listening on it.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port))
    port = sock.getsockname()[1]
    base_url = f"http://{HOST}:{port}"
    config = uvicorn.Config(
        app,
        log_config=None,  # leave the process's logging (and pytest's caplog) alone
        log_level="warning",
        access_log=False,
        lifespan="auto",
        ws="none",
        http=http,  # e.g. the emulator's BoundedH11Protocol
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn:{port}", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + timeout
        while not (server.started and _answers(base_url)):
            if not thread.is_alive():
                raise RuntimeError(f"the server for {app!r} stopped during startup (see log)")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server for {app!r} did not answer in {timeout}s")
            time.sleep(0.02)
        yield base_url
    finally:
        server.should_exit = True
        thread.join(SHUTDOWN_TIMEOUT_S)
        if thread.is_alive():  # open keep-alive connections or a stuck request
            server.force_exit = True
            thread.join(SHUTDOWN_TIMEOUT_S)
        sock.close()
        if thread.is_alive():
            raise RuntimeError(f"the server thread for {app!r} did not stop")


@contextlib.contextmanager
def serve_in_subprocess(
    args: list[str],
    ready_url: str,
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = STARTUP_TIMEOUT_S,
) -> Iterator[str]:
    """Run `args` as a server process; yield the base URL of `ready_url` once that answers.

    Choose the port first with `free_port()` and put it in both `args` and `ready_url`. The
    process gets SIGTERM on exit (SIGKILL if it ignores that) and is always waited for.
    Its output goes to the test's captured stdout/stderr.
    """
    parts = urlsplit(ready_url)
    base_url = f"{parts.scheme}://{parts.netloc}"
    process = subprocess.Popen(
        args,
        env=dict(env) if env is not None else None,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # a terminal's Ctrl-C reaches the tests, which stop it in order
    )
    try:
        deadline = time.monotonic() + timeout
        while not _answers(ready_url):
            if process.poll() is not None:
                raise RuntimeError(f"{args!r} exited with {process.returncode} during startup")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{args!r} did not answer at {ready_url} in {timeout}s")
            time.sleep(0.05)
        yield base_url
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(SHUTDOWN_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
