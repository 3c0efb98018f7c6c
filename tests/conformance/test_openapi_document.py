"""The emulator's own OpenAPI document (``GET /emulator/openapi.json``): a valid OpenAPI 3.0
document that describes exactly the JSON endpoints the emulator serves, whose examples are
true to its schemas."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from fastapi.routing import APIRoute
from openapi_spec_validator import validate
from starlette.testclient import TestClient

from openmtd.emulator.openapi import FRAUD_PREVENTION_HEADERS, build_document
from openmtd.emulator.settings import EmulatorSettings, sqlite_url
from openmtd.emulator.web import routes
from openmtd.emulator.web.app import create_app
from openmtd.rules import fraud_headers
from support.emulator import FAST_HASHING, EmulatorHarness

from .hmrc_oas import emulator_document, schema_errors

#: The JSON endpoints (everything else the emulator serves is a browser page).
API_PREFIXES = (
    "/individuals/",
    "/obligations/",
    "/create-test-user/",
    "/agents/",
    "/agent-authorisation-test-support/",
    "/test/",
    "/oauth/authorize",
    "/oauth/token",
    "/emulator/",
)


def served_operations() -> set[tuple[str, str]]:
    """(method, path) of every JSON route in the emulator's route modules."""
    found = set()
    for module_info in pkgutil.iter_modules(routes.__path__):
        module = importlib.import_module(f"{routes.__name__}.{module_info.name}")
        for route in module.router.routes:
            if not isinstance(route, APIRoute) or not route.path.startswith(API_PREFIXES):
                continue
            for method in route.methods - {"HEAD"}:
                found.add((method.lower(), route.path))
    return found


def documented_operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (method, path)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }


def _spelled_as_served(path: str) -> str:
    # The routes name path parameters in Python's style; the document in HMRC's.
    for theirs, ours in (
        ("{taxYear}", "{tax_year}"),
        ("{checkpointId}", "{checkpoint_id}"),
        ("{businessId}", "{business_id}"),
        ("{invitationId}", "{invitation_id}"),
        ("/invitations/{id}", "/invitations/{invitation_id}"),
    ):
        path = path.replace(theirs, ours)
    return path


def test_it_is_a_valid_openapi_3_0_document() -> None:
    document = build_document()
    assert document["openapi"].startswith("3.0.")
    validate(document)


def test_it_is_served_with_the_control_api(emulator: EmulatorHarness) -> None:
    response = emulator.client.get("/emulator/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == build_document()
    # FastAPI's own generated documents are off.
    assert emulator.client.get("/openapi.json").status_code == 404
    assert emulator.client.get("/docs").status_code == 404


def test_it_is_not_served_without_the_control_api(tmp_path: Any) -> None:
    settings = EmulatorSettings(
        database_url=sqlite_url(tmp_path / "emulator.sqlite3"),
        control_enabled=False,
        password_hashing=FAST_HASHING,
    )
    app = create_app(settings)
    with TestClient(app) as client:
        response = client.get("/emulator/openapi.json")
    app.state.services.store.close()
    assert response.status_code == 404
    assert response.json()["code"] == "MATCHING_RESOURCE_NOT_FOUND"


def test_it_documents_exactly_what_is_served() -> None:
    document = build_document()
    documented = {
        (method, _spelled_as_served(path)) for method, path in documented_operations(document)
    }
    assert documented == served_operations()


def test_it_names_every_fraud_prevention_header() -> None:
    assert [name.lower() for name in FRAUD_PREVENTION_HEADERS] == list(fraud_headers.HEADERS)


def test_every_operation_has_an_id_and_every_api_response_its_headers() -> None:
    document = build_document()
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    for path, item in document["paths"].items():
        if path.startswith(("/oauth/", "/emulator/")):
            continue
        for operation in item.values():
            for status, response in operation["responses"].items():
                if status == "408":
                    continue  # the server's own answer (web/server.py), before the app's headers
                assert "X-CorrelationId" in response["headers"], (path, status)


def test_every_example_is_true_to_its_schema() -> None:
    document = build_document()
    root = emulator_document(document)
    checked = 0
    for path, item in root["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                content = response.get("content")
                media = content.get("application/json") if content else None
                if media is None or media.get("examples") is None:
                    continue
                for name, example in media["examples"].items():
                    checked += 1
                    problems = schema_errors(media["schema"], example["value"].plain())
                    assert problems == [], (method, path, status, name)
    assert checked > 100


def _response(document: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in response:
        name = response["$ref"].removeprefix("#/components/responses/")
        found: dict[str, Any] = document["components"]["responses"][name]
        return found
    return response


def _codes(document: dict[str, Any], response: dict[str, Any]) -> set[str]:
    examples = _response(document, response)["content"]["application/json"]["examples"]
    return {example["value"]["code"] for example in examples.values()}


def test_every_control_write_lists_the_guards_and_the_edges_answers() -> None:
    document = build_document()
    writes = [
        (path, method, operation)
        for path, item in document["paths"].items()
        if path.startswith("/emulator/")
        for method, operation in item.items()
        if method in {"post", "put", "patch", "delete"}
    ]
    assert len(writes) > 5
    for path, method, operation in writes:
        responses = operation["responses"]
        assert {"401", "403", "413", "415"} <= set(responses), (method, path)
        where = (method, path)
        assert {"MISSING_CONTROL_TOKEN", "INVALID_CONTROL_TOKEN"} <= _codes(
            document, responses["401"]
        ), where
        assert {"CROSS_SITE_REQUEST", "CONTROL_HOST_NOT_ALLOWED"} <= _codes(
            document, responses["403"]
        ), where
        assert _codes(document, responses["413"]) == {"REQUEST_TOO_LARGE"}, where
        assert _codes(document, responses["415"]) == {"UNSUPPORTED_MEDIA_TYPE"}, where
        assert _codes(document, responses["503"]) == {"SERVER_ERROR"}, where


def test_every_operation_lists_the_servers_timeout_and_the_outage() -> None:
    document = build_document()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert "408" in operation["responses"], (method, path)
            if path != "/emulator/openapi.json":
                assert "503" in operation["responses"], (method, path)


def test_the_documented_edge_answers_are_the_emulators(emulator: EmulatorHarness) -> None:
    """A refused control write and an over-large body answer what the document says."""
    document = build_document()
    root = emulator_document(document)
    operation = root["paths"]["/emulator/applications"]["post"]["responses"]
    media = operation["415"]["content"]["application/json"]
    answer = emulator.client.post(
        "/emulator/applications", content=b"name=x", headers={"Content-Type": "text/plain"}
    )
    assert answer.status_code == 415
    assert schema_errors(media["schema"], answer.json()) == []
    assert answer.json() in [example["value"].plain() for _, example in media["examples"].items()]
    media = operation["413"]["content"]["application/json"]
    answer = emulator.client.post(
        "/emulator/applications",
        content=b" " * (300 * 1024),
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 413
    assert answer.json() in [example["value"].plain() for _, example in media["examples"].items()]
