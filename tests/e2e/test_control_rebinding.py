"""DNS rebinding: a page whose own name resolves to 127.0.0.1 sends its own Host and Origin,
so the Origin check cannot tell it from the emulator. Without a control token, a server on a
loopback address answers its control API only to loopback names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from openmtd.emulator.control.access import is_loopback_name
from openmtd.emulator.settings import EmulatorSettings, sqlite_url
from openmtd.emulator.web.app import create_app
from support.emulator import FAST_HASHING
from support.live_server import serve_in_thread

pytestmark = pytest.mark.e2e


def _served(tmp_path: Path, token: str | None) -> Iterator[str]:
    settings = EmulatorSettings(
        database_url=sqlite_url(tmp_path / "rebinding.sqlite3"),
        password_hashing=FAST_HASHING,
        control_token=token,
    )
    app = create_app(settings)
    try:
        with serve_in_thread(app) as url:
            yield url
    finally:
        app.state.services.store.close()


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    yield from _served(tmp_path, None)


@pytest.fixture
def locked_url(tmp_path: Path) -> Iterator[str]:
    yield from _served(tmp_path, "s3cret-token")


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8100", "10.0.0.5"])
def test_a_rebound_name_cannot_reset_the_world(base_url: str, host: str) -> None:
    with httpx.Client(base_url=base_url, trust_env=False) as client:
        answer = client.post(
            "/emulator/reset",
            headers={"Host": host, "Origin": f"http://{host}", "Content-Type": "application/json"},
        )
    assert answer.status_code == 403
    assert answer.json()["code"] == "CONTROL_HOST_NOT_ALLOWED"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "localhost:8100", "[::1]:8100"])
def test_loopback_names_are_served(base_url: str, host: str) -> None:
    with httpx.Client(base_url=base_url, trust_env=False) as client:
        answer = client.get("/emulator/clock", headers={"Host": host})
    assert answer.status_code == 200


def test_with_a_token_any_name_is_served(locked_url: str) -> None:
    with httpx.Client(base_url=locked_url, trust_env=False) as client:
        answer = client.get(
            "/emulator/clock",
            headers={"Host": "emulator.example", "Authorization": "Bearer s3cret-token"},
        )
    assert answer.status_code == 200


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("LOCALHOST.", True),
        ("app.localhost", True),
        ("127.0.0.1", True),
        ("127.9.8.7", True),
        ("[::1]", True),
        ("::1", True),
        ("evil.example", False),
        ("localhost.evil.example", False),
        ("0.0.0.0", False),
        ("10.0.0.1", False),
        ("", False),
    ],
)
def test_which_names_are_loopback(host: str, loopback: bool) -> None:
    assert is_loopback_name(host) is loopback
