"""An unexpected fault keeps the connection usable (issue 8, item 4), through a real uvicorn on
127.0.0.1: the 500 is HMRC's envelope with X-CorrelationId and nosniff, and one keep-alive
client's next request goes over the same connection (uvicorn used to drop it, without saying
``Connection: close``, when the exception reached it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.requests import Request

from openmtd.emulator.settings import EmulatorSettings, sqlite_url
from openmtd.emulator.web.app import create_app
from support.emulator import FAST_HASHING
from support.live_server import serve_in_thread


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    settings = EmulatorSettings(
        database_url=sqlite_url(tmp_path / "emulator.sqlite3"),
        password_hashing=FAST_HASHING,
        log_requests=False,
    )
    app = create_app(settings)

    def boom() -> None:
        raise RuntimeError("a bug")

    def whoami(request: Request) -> dict[str, int]:
        assert request.client is not None
        return {"port": request.client.port}

    app.add_api_route("/test-only/boom", boom)
    app.add_api_route("/test-only/whoami", whoami)
    with serve_in_thread(app) as url:
        yield url
    app.state.services.store.close()


def test_a_500_keeps_the_keep_alive_connection(base_url: str) -> None:
    with httpx.Client(base_url=base_url, trust_env=False, timeout=10) as client:
        before = client.get("/test-only/whoami").json()["port"]
        failed = client.get("/test-only/boom")
        after = client.get("/test-only/whoami").json()["port"]
        again = client.post("/oauth/token", data={"grant_type": "client_credentials"})
    assert failed.status_code == 500
    assert failed.json() == {
        "code": "INTERNAL_SERVER_ERROR",
        "message": "An internal server error occurred",
    }
    assert len(failed.headers["x-correlationid"]) == 36
    assert failed.headers["x-content-type-options"] == "nosniff"
    assert failed.headers.get("connection", "keep-alive").lower() != "close"
    # The same client port before and after: one connection, kept across the 500.
    assert after == before
    assert again.status_code == 400


def test_a_refused_control_call_with_an_unread_body_keeps_the_connection(base_url: str) -> None:
    with httpx.Client(base_url=base_url, trust_env=False, timeout=10) as client:
        before = client.get("/test-only/whoami").json()["port"]
        refused = client.post(
            "/emulator/applications",
            content=b'{"name": "x"}' * 1000,
            headers={"Content-Type": "text/plain", "Origin": "https://evil.example"},
        )
        after = client.get("/test-only/whoami").json()["port"]
    assert refused.status_code == 403
    assert after == before
