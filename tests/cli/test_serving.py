"""Two uvicorn servers in one process (`openmtd up`): both serve, Ctrl-C stops both, and one
that cannot listen stops the other. Real sockets on 127.0.0.1; the signal is this process's
own, sent once both answer (the handler `serve_together` installs catches it)."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from openmtd.cli.serving import serve_together
from support.live_server import free_port


def _config(port: int, text: str) -> uvicorn.Config:
    app = Starlette(routes=[Route("/", lambda _request: PlainTextResponse(text))])
    return uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="off")


def _interrupt_once_both_answer(
    ports: list[int], answers: dict[int, str], done: threading.Event
) -> threading.Thread:
    def run() -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(answers) < len(ports) and not done.is_set():
            for port in ports:
                try:
                    answers[port] = httpx.get(f"http://127.0.0.1:{port}/", timeout=1).text
                except httpx.HTTPError:
                    time.sleep(0.05)
        if not done.is_set():  # never a Ctrl-C for the test run itself
            os.kill(os.getpid(), signal.SIGINT)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_both_serve_and_ctrl_c_stops_both() -> None:
    ports = [free_port(), free_port()]
    answers: dict[int, str] = {}
    done = threading.Event()
    thread = _interrupt_once_both_answer(ports, answers, done)
    try:
        both = serve_together(
            [_config(ports[0], "emulator"), _config(ports[1], "app")],
            {"version": 1, "disable_existing_loggers": False},
        )
    finally:
        done.set()
    thread.join(5)
    assert both is True
    assert answers == {ports[0]: "emulator", ports[1]: "app"}
    for port in ports:  # both stopped listening
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0


def test_one_that_cannot_listen_stops_the_other() -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        taken = held.getsockname()[1]
        started = time.monotonic()
        assert serve_together([_config(free_port(), "app"), _config(taken, "emulator")]) is False
    assert time.monotonic() - started < 15
