"""The loopback receiver on a real socket on 127.0.0.1: one redirect, its state checked, a page
for the person, other paths refused without ending, a clean timeout, the socket always closed."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import httpx
import pytest

from openmtd.sdk._environment import SANDBOX
from openmtd.sdk._loopback import LoopbackReceiver, LoopbackTimeout
from openmtd.sdk._oauth import (
    AuthorizationDenied,
    AuthorizationRequest,
    OAuthClient,
    StateMismatch,
)

OAUTH = OAuthClient(SANDBOX, "client-id", "secret")


def refused(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def get(url: str) -> httpx.Response:
    with httpx.Client(trust_env=False, timeout=10) as http:
        return http.get(url)


@pytest.fixture
def browser() -> Iterator[Callable[..., list[httpx.Response]]]:
    """Sends GETs from another thread (as the person's browser does) while the test waits."""
    threads: list[threading.Thread] = []
    answers: list[httpx.Response] = []

    def send(*urls: str) -> list[httpx.Response]:
        def run() -> None:
            for url in urls:
                answers.append(get(url))

        thread = threading.Thread(target=run)
        thread.start()
        threads.append(thread)
        return answers

    yield send
    for thread in threads:
        thread.join(30)


def request_for(receiver: LoopbackReceiver) -> AuthorizationRequest:
    return OAUTH.authorization_url(["read:self-assessment"], redirect_uri=receiver.redirect_uri)


def test_one_redirect_gives_the_code_and_a_page_saying_close_the_window(
    browser: Callable[..., list[httpx.Response]],
) -> None:
    with LoopbackReceiver(path="/callback") as receiver:
        assert receiver.redirect_uri == f"http://localhost:{receiver.port}/callback"
        request = request_for(receiver)
        base = f"http://127.0.0.1:{receiver.port}"
        answers = browser(
            f"{base}/favicon.ico",
            f"{base}/other?code=x&state={request.state}",
            f"{base}/callback?code=the-code&state={request.state}",
        )
        assert receiver.wait(request, timeout=30) == "the-code"
        assert receiver._server is None  # closed as soon as the redirect was answered
    assert refused(receiver.port)
    favicon, other, callback = answers
    assert favicon.status_code == 404
    assert other.status_code == 404
    assert callback.status_code == 200
    assert callback.headers["content-type"] == "text/html; charset=utf-8"
    assert callback.headers["referrer-policy"] == "no-referrer"
    assert callback.headers["cache-control"] == "no-store"
    assert '<html lang="en">' in callback.text
    assert "<h1>You have signed in</h1>" in callback.text
    assert "You can close this window" in callback.text
    assert "the-code" not in callback.text


def test_a_foreign_state_ends_the_wait_with_state_mismatch(
    browser: Callable[..., list[httpx.Response]],
) -> None:
    with LoopbackReceiver() as receiver:
        port = receiver.port
        request = request_for(receiver)
        answers = browser(f"http://127.0.0.1:{port}/?code=stolen&state=not-ours")
        with pytest.raises(StateMismatch):
            receiver.wait(request, timeout=30)
    assert answers[0].status_code == 400
    assert "<h1>Sign-in did not work</h1>" in answers[0].text
    assert refused(port)


def test_not_granting_is_authorization_denied_with_a_page(
    browser: Callable[..., list[httpx.Response]],
) -> None:
    with LoopbackReceiver() as receiver:
        request = request_for(receiver)
        answers = browser(
            f"http://127.0.0.1:{receiver.port}/?error=access_denied"
            f"&error_code=USER_DENIED_AUTHORIZATION&state={request.state}"
        )
        with pytest.raises(AuthorizationDenied) as raised:
            receiver.wait(request, timeout=30)
    assert raised.value.error_code == "USER_DENIED_AUTHORIZATION"
    assert "<h1>Authority not granted</h1>" in answers[0].text


def test_no_redirect_times_out_cleanly_and_closes_the_socket() -> None:
    receiver = LoopbackReceiver().open()
    port = receiver.port
    # An idle connection (a browser's pre-connection) does not hold the receiver up.
    idle = socket.create_connection(("127.0.0.1", port))
    try:
        with pytest.raises(LoopbackTimeout) as raised:
            receiver.wait(request_for(receiver), timeout=0.3)
    finally:
        idle.close()
    assert raised.value.error == "timeout"
    assert refused(port)
    assert repr(receiver) == "LoopbackReceiver(closed)"


def test_the_socket_is_closed_when_the_block_ends_without_waiting() -> None:
    with LoopbackReceiver() as receiver:
        port = receiver.port
        assert not refused(port)
    assert refused(port)


def test_it_listens_on_loopback_only_and_takes_one_sign_in() -> None:
    with LoopbackReceiver() as receiver:
        assert receiver._server is not None
        assert receiver._server.server_address[0] == "127.0.0.1"
        request = request_for(receiver)
        with pytest.raises(LoopbackTimeout):
            receiver.wait(request, timeout=0.05)
        with pytest.raises(RuntimeError, match="one sign-in"):
            receiver.wait(request, timeout=0.05)


def test_a_request_made_for_another_redirect_uri_is_refused() -> None:
    with LoopbackReceiver() as receiver:
        other = OAUTH.authorization_url(["hello"], redirect_uri="http://localhost:1/")
        with pytest.raises(ValueError, match="redirect_uri"):
            receiver.wait(other)
