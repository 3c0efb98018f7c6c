"""PlainApiRoute (web/api.py): the hot route's endpoint is called with the request and its path
parameters, nothing resolved per call, and is otherwise FastAPI's route (methods, 405s)."""

from __future__ import annotations

import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match

from openmtd.emulator.web.api import PlainApiRoute
from support.emulator import EmulatorHarness


def _endpoint(request: Request, nino: str, tax_year: str) -> Response:
    return JSONResponse({"nino": nino, "taxYear": tax_year, "q": request.query_params.get("q")})


def test_a_plain_route_takes_the_request_and_string_path_parameters() -> None:
    route = PlainApiRoute("/x/{nino}/{tax_year}", _endpoint, methods=["GET"])
    assert route.methods == {"GET"}


def _with_query(request: Request, nino: str, future: str) -> Response:
    return JSONResponse({})


def _with_int(request: Request, nino: int) -> Response:
    return JSONResponse({})


def _without_request(nino: str) -> Response:
    return JSONResponse({})


@pytest.mark.parametrize("endpoint", [_with_query, _with_int, _without_request])
def test_an_endpoint_that_asks_for_more_is_refused_when_the_route_is_made(endpoint: object) -> None:
    with pytest.raises(TypeError, match="PlainApiRoute"):
        PlainApiRoute("/x/{nino}", endpoint, methods=["GET"])  # type: ignore[arg-type]


def test_retrieve_itsa_status_is_served_for_get_only(emulator: EmulatorHarness) -> None:
    path = "/individuals/person/itsa-status/AA123456A/2026-27"
    for method in ("HEAD", "POST", "DELETE"):
        response = emulator.client.request(method, path)
        assert response.status_code == 405, method
        assert response.headers["allow"] == "GET"
    answered = emulator.client.get(path, headers={"Accept": "application/vnd.hmrc.2.0+json"})
    assert answered.status_code == 401
    assert answered.json()["code"] == "MISSING_CREDENTIALS"


def test_no_other_route_takes_retrieve_itsa_status_paths(emulator: EmulatorHarness) -> None:
    # It is included first (web/app.py), after the static files' mount, so it is found at once:
    # safe only while no other route takes its paths.
    for method in ("GET", "POST", "HEAD"):
        scope = {
            "type": "http",
            "method": method,
            "path": "/individuals/person/itsa-status/AA123456A/2026-27",
            "root_path": "",
            "headers": [],
        }
        taking = [r for r in emulator.app.router.routes if r.matches(dict(scope))[0] != Match.NONE]
        assert taking == [emulator.app.router.routes[1]], method
