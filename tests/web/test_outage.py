"""The database unreachable: every caller gets 503 at once, in its own shape, and the
connection stays usable (the fault suite, tests/e2e/test_faults.py, restarts a real
PostgreSQL; this checks each shape in-process)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy.exc import OperationalError

from support.emulator import EmulatorHarness


@pytest.fixture
def down(emulator: EmulatorHarness, monkeypatch: pytest.MonkeyPatch) -> EmulatorHarness:
    @contextmanager
    def unreachable() -> Iterator[None]:
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))
        yield  # pragma: no cover

    monkeypatch.setattr(emulator.services.store, "transaction", unreachable)
    return emulator


def test_an_api_call_gets_hmrcs_503_envelope(down: EmulatorHarness) -> None:
    answer = down.client.get(
        "/individuals/person/itsa-status/AA123456A/2026-27",
        headers={"Accept": "application/vnd.hmrc.2.0+json", "Authorization": "Bearer x"},
    )
    assert answer.status_code == 503
    assert answer.json() == {
        "code": "SERVER_ERROR",
        "message": "The service is temporarily unavailable",
    }
    assert answer.headers["retry-after"] == "5"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers.get("connection") != "close"


def test_the_token_endpoint_answers_in_rfc_6749s_shape(down: EmulatorHarness) -> None:
    answer = down.client.post(
        "/oauth/token", data={"grant_type": "client_credentials", "client_id": "x"}
    )
    assert answer.status_code == 503
    assert answer.json()["error"] == "temporarily_unavailable"


def test_a_page_says_to_try_again(down: EmulatorHarness) -> None:
    answer = down.client.get("/developer/applications", headers={"Accept": "text/html"})
    assert answer.status_code == 503
    assert "Try again in a few seconds" in answer.text


def test_the_control_api_gets_the_envelope(down: EmulatorHarness) -> None:
    answer = down.client.post(
        "/emulator/applications",
        json={"name": "App", "redirectUris": ["http://localhost:9999/callback"]},
    )
    assert answer.status_code == 503
    assert answer.json()["code"] == "SERVER_ERROR"
