"""The end-to-end harness works on this machine: live servers and Debian's Chromium.

If these fail, every e2e test would: fix the harness (tests/support/) or the machine
(scripts/install) first.
"""

from __future__ import annotations

import asyncio
import sys
import textwrap
import threading
from html import escape
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from support.live_server import free_port, serve_in_subprocess, serve_in_thread

pytestmark = pytest.mark.e2e

FORM = """<!doctype html><title>Greeter</title>
<form method="post" action="/greet">
  <label>Name <input name="name" id="name"></label>
  <button type="submit">Greet</button>
</form>"""


async def _form(request: Request) -> HTMLResponse:
    return HTMLResponse(FORM)


async def _greet(request: Request) -> HTMLResponse:
    form = await request.form()
    name = escape(str(form.get("name", "")))
    return HTMLResponse(f'<!doctype html><title>Greeted</title><p id="result">Hello, {name}!</p>')


def greeter() -> Starlette:
    return Starlette(routes=[Route("/", _form), Route("/greet", _greet, methods=["POST"])])


def _uvicorn_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("uvicorn:")]


def test_browser_fills_a_form_on_a_live_server(page: Page, tmp_path: Path) -> None:
    with serve_in_thread(greeter()) as base_url:
        page.goto(base_url + "/")
        page.get_by_label("Name").fill("Ada <Lovelace>")
        page.get_by_role("button", name="Greet").click()
        expect(page.locator("#result")).to_have_text("Hello, Ada <Lovelace>!")
        assert page.url == base_url + "/greet"
        shot = tmp_path / "greeted.png"
        page.screenshot(path=shot, full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 1000


def test_serve_in_thread_stops_its_server_and_thread() -> None:
    with serve_in_thread(greeter()) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        with httpx.Client(trust_env=False) as client:
            assert "Greet" in client.get(base_url + "/").text
        assert len(_uvicorn_threads()) == 1
    assert _uvicorn_threads() == []
    with httpx.Client(trust_env=False) as client, pytest.raises(httpx.ConnectError):
        client.get(base_url + "/")


def test_serve_in_subprocess_runs_and_stops_a_uvicorn_process(tmp_path: Path) -> None:
    (tmp_path / "tiny_app.py").write_text(
        textwrap.dedent(
            """
            from starlette.applications import Starlette
            from starlette.responses import PlainTextResponse
            from starlette.routing import Route

            async def health(request):
                return PlainTextResponse("ok")

            app = Starlette(routes=[Route("/health", health)])
            """
        )
    )
    port = free_port()
    args = [sys.executable, "-m", "uvicorn", "--app-dir", str(tmp_path), "tiny_app:app"]
    args += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    with serve_in_subprocess(args, f"http://127.0.0.1:{port}/health") as base_url:
        assert base_url == f"http://127.0.0.1:{port}"
        with httpx.Client(trust_env=False) as client:
            assert client.get(base_url + "/health").text == "ok"
    with httpx.Client(trust_env=False) as client, pytest.raises(httpx.ConnectError):
        client.get(base_url + "/health")


def test_serve_in_subprocess_reports_a_server_that_dies() -> None:
    args = [sys.executable, "-c", "raise SystemExit(3)"]
    with (
        pytest.raises(RuntimeError, match="exited with 3"),
        serve_in_subprocess(args, f"http://127.0.0.1:{free_port()}/"),
    ):
        pass


def test_asyncio_runs_in_tests_without_a_browser() -> None:
    # Sync Playwright's loop counts as running in the main thread while the session browser is
    # open; the harness runs browser tests last so that tests like this one, which come after
    # browser tests in the file, can still use asyncio.run().
    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    assert asyncio.run(answer()) == 42
