"""The first check after connecting, when HMRC answers it with something other than a status:
throttled, a scope missing from the grant, or another refusal. The sign-in, the grant and the
token exchange are the emulator's own; only the answer to the check call is HMRC's answer for
that fault, built from the emulator's own error constants, because the emulator cannot be made
to give these to a single call on demand."""

from __future__ import annotations

from types import SimpleNamespace

import httpx
import pytest

from openmtd.emulator.platform import errors
from support.app import AppWorld
from support.app_connect import audit_rows, connect, person, status
from support.mtd_api import NINO

_CHECK = "/itsa-status/"


def _answer_check_with(world: AppWorld, response: httpx.Response) -> None:
    """Let every call through to the emulator except the ITSA status check, which gets
    ``response``."""
    real = world.transport

    def handler(request: httpx.Request) -> httpx.Response:
        if _CHECK in request.url.path:
            return response
        return real.handle_request(request)

    world.services.hmrc.transport = httpx.MockTransport(handler)


def _envelope(error: tuple[int, str, str], **headers: str) -> httpx.Response:
    status_code, code, message = error
    return httpx.Response(
        status_code,
        json={"code": code, "message": message},
        headers={"X-CorrelationId": "c0ffee00-0000-4000-8000-000000000001", **headers},
    )


def _connected(world: AppWorld, user_id: int) -> bool:
    with world.store.transaction() as tx:
        return tx.connections.get(user_id) is not None


def test_hmrc_throttling_the_check_keeps_the_connection_and_says_so(app_world: AppWorld) -> None:
    status(app_world)
    p = person(app_world)
    # A Retry-After longer than the SDK waits, so the page answers at once.
    _answer_check_with(app_world, _envelope(errors.MESSAGE_THROTTLED_OUT, **{"Retry-After": "600"}))
    answer = connect(app_world, p)
    assert answer.status_code == 200
    assert "HMRC is not answering just now" in answer.text
    assert "MESSAGE_THROTTLED_OUT, correlation id c0ffee00" in answer.text
    assert 'href="/dashboard"' in answer.text
    assert _connected(app_world, p.user_id)
    calls = [(row.path, row.status) for row in audit_rows(app_world, p.user_id)]
    # Asked once: a Retry-After longer than the SDK's limit is not waited out.
    assert calls == [
        ("/oauth/token", 200),
        (f"/individuals/person/itsa-status/{NINO}/2026-27", 429),
    ]


def test_hmrc_unreachable_for_the_check_keeps_the_connection(
    app_world: AppWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    # The SDK's own back-off between retries, recorded instead of waited.
    monkeypatch.setattr("openmtd.sdk._client.time", SimpleNamespace(sleep=slept.append))
    status(app_world)
    p = person(app_world)
    real = app_world.transport

    def handler(request: httpx.Request) -> httpx.Response:
        if _CHECK in request.url.path:
            raise httpx.ReadTimeout("timed out", request=request)
        return real.handle_request(request)

    app_world.services.hmrc.transport = httpx.MockTransport(handler)
    answer = connect(app_world, p)
    assert "HMRC is not answering just now" in answer.text
    assert "correlation id" not in answer.text  # no HMRC answer, so no reference to quote
    assert _connected(app_world, p.user_id)
    assert len(slept) == 3  # a GET is retried (the SDK's policy) before the page is shown


def test_a_grant_without_the_scope_asks_to_reconnect(app_world: AppWorld) -> None:
    status(app_world)
    p = person(app_world)
    _answer_check_with(app_world, _envelope(errors.INVALID_SCOPE))
    answer = connect(app_world, p)
    assert "HMRC did not give all the access needed" in answer.text
    assert "INVALID_SCOPE" in answer.text
    assert 'action="/connect/reconnect"' in answer.text
    assert _connected(app_world, p.user_id)


@pytest.mark.parametrize(
    "error", [errors.RESOURCE_FORBIDDEN, (400, "INVALID_CORRELATIONID", "Invalid correlation ID")]
)
def test_another_refusal_of_the_check_quotes_hmrcs_code(
    app_world: AppWorld, error: tuple[int, str, str]
) -> None:
    status(app_world)
    p = person(app_world)
    _answer_check_with(app_world, _envelope(error))
    answer = connect(app_world, p)
    assert "HMRC refused a first check" in answer.text
    assert f"{error[1]}, correlation id c0ffee00" in answer.text
    assert _connected(app_world, p.user_id)
