"""The app's edge on its own: an unexpected error is the service's 500 page with a reference
(logged, no traceback shown) and the security headers; a body sent without a length is cut off
at the limit with the 413 page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from openmtd.app.web.edge import Edge


async def _boom(request: Request) -> PlainTextResponse:
    raise RuntimeError("a fault in a page")


async def _echo(request: Request) -> PlainTextResponse:
    return PlainTextResponse(str(len(await request.body())))


# As create_app adds it: inside Starlette's own error middleware, outside the routes.
EDGE = Starlette(
    routes=[Route("/boom", _boom), Route("/echo", _echo, methods=["POST"])],
    middleware=[Middleware(Edge, hmrc_auth_origin="http://localhost:8600", max_body=1000)],
)


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(EDGE, raise_server_exceptions=False) as made:
        yield made


def test_an_unexpected_error_is_the_500_page(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    response = client.get("/boom")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert "a fault in a page" not in response.text
    assert "Traceback" not in response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-frame-options"] == "DENY"
    reference = response.text.split("quote reference ")[1][:8]
    assert reference in caplog.text


def test_a_body_without_a_length_is_cut_off_at_the_limit(client: TestClient) -> None:
    def chunks(size: int) -> Iterator[bytes]:
        for _ in range(size // 100):
            yield b"x" * 100

    assert client.post("/echo", content=chunks(900)).text == "900"
    over = client.post("/echo", content=chunks(1200))
    assert over.status_code == 413
    assert "Too much was sent" in over.text
