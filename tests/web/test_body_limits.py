"""Bodies are bounded while they are read (issue 8: a 300 MB POST was read in full)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from openmtd.emulator.web.limits import BODY_LIMITS, DEFAULT_BODY_LIMIT, body_limit
from support.emulator import EmulatorHarness


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        part = min(size, total - sent)
        sent += part
        yield b"x" * part


def test_each_kind_of_endpoint_has_a_limit() -> None:
    assert body_limit("/oauth/token") == 16 * 1024
    assert body_limit("/gg/sign-in") == 64 * 1024
    assert body_limit("/emulator/applications") == 256 * 1024
    assert body_limit("/individuals/self-assessment-test-support/vendor-state") == (
        DEFAULT_BODY_LIMIT
    )
    assert all(limit >= 16 * 1024 for _, limit in BODY_LIMITS)


def test_a_declared_length_over_the_limit_is_refused_unread(emulator: EmulatorHarness) -> None:
    answer = emulator.client.post(
        "/create-test-user/individuals",
        content=b"{}" * (DEFAULT_BODY_LIMIT // 2 + 1),
        headers={"Content-Type": "application/json", "Accept": "application/vnd.hmrc.1.0+json"},
    )
    assert answer.status_code == 413
    assert answer.json() == {
        "code": "REQUEST_TOO_LARGE",
        "message": f"The request body is larger than this endpoint accepts ({DEFAULT_BODY_LIMIT} "
        "bytes)",
    }
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "x-correlationid" in answer.headers


def test_a_streamed_body_is_counted_as_it_arrives(emulator: EmulatorHarness) -> None:
    # No Content-Length: a chunked upload, refused at the first chunk over the limit.
    answer = emulator.client.post(
        "/emulator/applications",
        content=chunks(10 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 413
    assert answer.json()["code"] == "REQUEST_TOO_LARGE"


def test_the_token_endpoint_refuses_in_rfc_6749s_shape(emulator: EmulatorHarness) -> None:
    answer = emulator.client.post(
        "/oauth/token",
        content=b"grant_type=client_credentials&client_id=" + b"a" * 20_000,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 413
    assert answer.json() == {
        "error": "invalid_request",
        "error_description": "The request body is larger than 16384 bytes",
    }


def test_a_page_gets_a_page(emulator: EmulatorHarness) -> None:
    answer = emulator.client.post(
        "/gg/sign-in",
        content=b"a" * (65 * 1024),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"},
    )
    assert answer.status_code == 413
    assert "The form is too large" in answer.text


@pytest.mark.parametrize("size", [0, 1024, 16 * 1024])
def test_bodies_within_the_limit_pass(emulator: EmulatorHarness, size: int) -> None:
    answer = emulator.client.post(
        "/oauth/token",
        content=b"grant_type=nope&x=" + b"a" * max(0, size - 18),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 400
    assert answer.json()["error"] in {"unsupported_grant_type", "invalid_request"}
