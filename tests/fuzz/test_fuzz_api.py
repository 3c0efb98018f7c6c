"""Property-based fuzzing of every operation in the emulator's own OpenAPI document.

Schemathesis generates requests from ``GET /emulator/openapi.json`` (the document the
emulator publishes), valid and invalid, for every operation; Hypothesis also picks, per
request, which ``Accept`` and ``Authorization`` to send (right, wrong version, garbage, none; a
user token, an application token, a made-up one) and, often, a NINO, tax year, checkpoint or
business that exists, so the requests get past the gateway and reach the services. The
requests go in process to the emulator's ASGI app. For every response:

- never a 5xx;
- a 4xx body is HMRC's envelope (``code`` and ``message``, optional ``errors``/``paths``), or
  for ``/oauth/*`` (and a refused ``/emulator/oauth/grant``) RFC 6749's ``error`` and
  ``error_description``;
- the status, content type, headers and body are the ones the document declares for the
  operation (schemathesis's conformance checks);
- a refused request (4xx) writes nothing: the row count of every table is unchanged (except
  the rate-limit windows and fraud-header feedback, which the gateway writes by design, and
  web sessions).

Bounded for CI: ``MAX_EXAMPLES`` per operation, derandomised, no deadline.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from openmtd.emulator.openapi import build_document
from openmtd.emulator.storage import Enrolment
from support.emulator import PASSWORD, REDIRECT_URI, EmulatorHarness, query_of
from support.forms import fuzz_settings, row_counts

MAX_EXAMPLES = 50
#: Tables the gateway writes even for a refused call, by design, and browser sessions.
WRITTEN_WHEN_REFUSED = frozenset(
    {"platform_rate_windows", "platform_header_feedback", "web_sessions"}
)
#: The largest synthetic population a generated request makes (the schema allows millions).
MAX_POPULATION = 20
NINO = "TC663795B"
MTDITID = "XAIT00000000001"
SCOPES = "read:self-assessment write:self-assessment"
SATS = "/individuals/self-assessment-test-support"

SCHEMA = schemathesis.openapi.from_dict(build_document())
SCHEMA.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True)
# Examples from the document are checked by tests/conformance; here, generated requests only.
SCHEMA.config.phases.examples.enabled = False

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@dataclass
class FuzzWorld:
    """An application, a signed-up individual with a user token, an application token and a
    little test data, so generated requests can reach the services."""

    emulator: EmulatorHarness
    client_id: str
    client_secret: str
    user_id: str
    user_token: str
    app_token: str
    refresh_token: str
    checkpoint_id: str
    business_id: str
    counts: sa.Engine

    def rows(self) -> dict[str, int]:
        return row_counts(self.counts, WRITTEN_WHEN_REFUSED)


def _user_tokens(emulator: EmulatorHarness, client_id: str, secret: str, user_id: str) -> Any:
    grant = emulator.client.post(
        "/emulator/oauth/grant",
        json={
            "clientId": client_id,
            "redirectUri": REDIRECT_URI,
            "scope": SCOPES,
            "userId": user_id,
            "password": PASSWORD,
        },
    )
    assert grant.status_code == 200, grant.text
    tokens = emulator.client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": client_id,
            "client_secret": secret,
            "redirect_uri": REDIRECT_URI,
            "code": query_of(grant.json()["location"])["code"][0],
        },
    )
    assert tokens.status_code == 200, tokens.text
    return tokens.json()


@pytest.fixture
def world(emulator: EmulatorHarness) -> Iterator[FuzzWorld]:
    created = emulator.application(rate_limit_per_second=10_000)
    client_id, secret = created.application.client_id, created.client_secret
    person = emulator.account(nino=NINO, enrolments=(Enrolment("HMRC-MTD-IT", "MTDITID", MTDITID),))
    tokens = _user_tokens(emulator, client_id, secret, person.user_id)
    token = tokens["access_token"]
    app_token = emulator.client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    ).json()["access_token"]
    headers = {"Accept": "application/vnd.hmrc.1.0+json", "Authorization": f"Bearer {token}"}
    status = emulator.client.post(
        f"{SATS}/itsa-status/{NINO}/2026-27",
        headers=headers,
        json={
            "itsaStatusDetails": [
                {
                    "submittedOn": "2026-05-01T10:00:00.000Z",
                    "status": "MTD Mandated",
                    "statusReason": "Sign up - return available",
                }
            ]
        },
    )
    assert status.status_code == 204, status.text
    checkpoint = emulator.client.post(
        f"{SATS}/vendor-state/checkpoints", headers=headers, params={"nino": NINO}
    )
    business = emulator.client.post(
        f"{SATS}/business/{NINO}", headers=headers, json={"typeOfBusiness": "uk-property"}
    )
    assert business.status_code == 201, business.text
    engine = sa.create_engine(emulator.settings.database_url)
    yield FuzzWorld(
        emulator,
        client_id,
        secret,
        person.user_id,
        token,
        app_token,
        tokens["refresh_token"],
        checkpoint.json()["checkpointId"],
        business.json()["businessId"],
        engine,
    )
    engine.dispose()


# --- what Hypothesis chooses besides schemathesis's request ------------------------------------
ACCEPTS = st.sampled_from(["right", "right", "right", "right", "other version", "garbage", None])
TOKENS = st.sampled_from(["user", "user", "user", "application", "made up", "not bearer", None])


#: The version each API serves, by path prefix (everything else is 1.0).
VERSIONS = {"/individuals/person/": "2.0", "/individuals/business/": "2.0", "/obligations/": "3.0"}


def _accept(choice: str | None, path: str) -> str | None:
    version = next((v for prefix, v in VERSIONS.items() if path.startswith(prefix)), "1.0")
    return {
        "right": f"application/vnd.hmrc.{version}+json",
        "other version": "application/vnd.hmrc.9.9+json",
        "garbage": "application/json",
    }.get(choice or "")


def _authorization(choice: str | None, world: FuzzWorld) -> str | None:
    return {
        "user": f"Bearer {world.user_token}",
        "application": f"Bearer {world.app_token}",
        "made up": "Bearer 0123456789abcdef0123456789abcdef",
        "not bearer": f"Basic {world.user_token}",
    }.get(choice or "")


def _known_values(world: FuzzWorld) -> dict[str, str]:
    return {
        "nino": NINO,
        "taxYear": "2026-27",
        "checkpointId": world.checkpoint_id,
        "businessId": world.business_id,
        "api": "self-assessment-individual-details",
    }


#: Mostly yes: steer three requests in four to something that exists.
OFTEN = st.sampled_from([True, True, True, False])


def _steer(case: Any, data: st.DataObject, world: FuzzWorld) -> None:
    """Point much of the request at what exists, and choose the credentials."""
    path = case.operation.path
    known = _known_values(world)
    for name in list(case.path_parameters):
        if name in known and data.draw(OFTEN, label=f"known {name}"):
            case.path_parameters[name] = known[name]
    if case.query and "nino" in case.query and data.draw(OFTEN, label="known nino"):
        case.query["nino"] = NINO
    if path == "/oauth/authorize":
        _steer_authorize(case, data, world)
    if path == "/emulator/population" and isinstance(case.body, dict):
        count = case.body.get("count")
        if isinstance(count, int) and not isinstance(count, bool) and count > MAX_POPULATION:
            case.body["count"] = MAX_POPULATION  # a valid population is written for real
    if path.startswith(("/oauth/", "/emulator/")):
        _steer_body(case, data, world)
        return
    headers = dict(case.headers or {})
    for name in ("Accept", "Authorization"):
        headers.pop(name, None)
    if "Gov-Test-Scenario" in headers and data.draw(OFTEN, label="no scenario"):
        del headers["Gov-Test-Scenario"]
    accept = _accept(data.draw(ACCEPTS, label="Accept"), path)
    if accept is not None:
        headers["Accept"] = accept
    authorization = _authorization(data.draw(TOKENS, label="Authorization"), world)
    if authorization is not None:
        headers["Authorization"] = authorization
    case.headers = headers


def _steer_authorize(case: Any, data: st.DataObject, world: FuzzWorld) -> None:
    if not data.draw(OFTEN, label="real authorize request"):
        return
    query = dict(case.query or {})
    query.update(client_id=world.client_id, redirect_uri=REDIRECT_URI, response_type="code")
    if data.draw(st.booleans(), label="real scope"):
        query["scope"] = "read:self-assessment"
    for name in ("code_challenge", "code_challenge_method"):
        if data.draw(st.booleans(), label=f"no {name}"):
            query.pop(name, None)
    case.query = query


def _steer_body(case: Any, data: st.DataObject, world: FuzzWorld) -> None:
    """The OAuth and control bodies: often the real client, user and redirect URI."""
    body = case.body
    if not isinstance(body, dict) or not data.draw(OFTEN, label="real body values"):
        return
    path = case.operation.path
    if path == "/oauth/token":
        body["client_id"] = world.client_id
        if data.draw(OFTEN, label="real secret"):
            body["client_secret"] = world.client_secret
        if body.get("grant_type") == "refresh_token" and data.draw(st.booleans()):
            body["refresh_token"] = world.refresh_token
    elif path == "/emulator/oauth/grant":
        body.update(clientId=world.client_id, redirectUri=REDIRECT_URI)
        if data.draw(OFTEN, label="real user"):
            body.update(userId=world.user_id, password=PASSWORD)
        if data.draw(st.booleans(), label="real scope"):
            body["scope"] = "read:self-assessment"
    elif path == "/emulator/applications":
        body["redirectUris"] = [REDIRECT_URI]
    elif path == "/emulator/obligations/{nino}/fulfil":
        # The fuzz world's test business has 2026-27's periods (its status is set).
        body.pop("taxYear", None)
        body.update(periodStartDate="2026-04-06", periodEndDate="2026-07-05")
        if data.draw(st.booleans(), label="its business"):
            body["businessId"] = world.business_id


def _send(world: FuzzWorld, case: Any) -> Any:
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    options: dict[str, Any] = {
        "params": kwargs.get("params"),
        "headers": {
            name: value
            for name, value in (kwargs.get("headers") or {}).items()
            if name.lower() not in {"connection", "accept-encoding"}
        },
    }
    if "json" in kwargs:
        options["json"] = kwargs["json"]
    elif "data" in kwargs:
        options["data" if isinstance(kwargs["data"], dict) else "content"] = kwargs["data"]
    return world.emulator.client.request(case.method, kwargs["url"], **options)


def _envelope_problem(path: str, body: Any) -> str | None:
    """Why a 4xx body is not HMRC's envelope (or RFC 6749's for OAuth); None when it is."""
    if not isinstance(body, dict):
        return f"not a JSON object: {body!r}"
    oauth_shaped = set(body) == {"error", "error_description"} and all(
        isinstance(body[key], str) and body[key] for key in body
    )
    if path.startswith("/oauth/"):
        return None if oauth_shaped else f"not RFC 6749's error body: {body!r}"
    if path == "/emulator/oauth/grant" and oauth_shaped:
        return None
    if not (isinstance(body.get("code"), str) and isinstance(body.get("message"), str)):
        return f"no code and message: {body!r}"
    extra = set(body) - {"code", "message", "errors", "paths"}
    if extra:
        return f"unexpected members {sorted(extra)}: {body!r}"
    for item in body.get("errors", []):
        if not (isinstance(item.get("code"), str) and isinstance(item.get("message"), str)):
            return f"an item of errors has no code and message: {body!r}"
    return None


@SCHEMA.parametrize()
@SCHEMA.given(data=st.data())
@fuzz_settings(MAX_EXAMPLES, HealthCheck.filter_too_much)
def test_fuzz(case: Any, data: st.DataObject, world: FuzzWorld) -> None:
    _steer(case, data, world)
    before = world.rows()
    response = _send(world, case)
    assert response.status_code < 500, f"{case.method} {_shown(case)}: {response.text}"
    case.validate_response(response, checks=CHECKS)
    if 400 <= response.status_code < 500:
        problem = _envelope_problem(case.operation.path, response.json())
        assert problem is None, f"{case.method} {_shown(case)}: {problem}"
        assert world.rows() == before, f"{case.method} {_shown(case)} was refused but wrote"


def _shown(case: Any) -> str:
    path = case.formatted_path
    if case.query:
        path += "?" + "&".join(f"{k}={quote(str(v))}" for k, v in case.query.items())
    return path
