"""The SDK's fraud prevention headers, sent over HTTP (httpx through ASGITransport, no sockets)
to the emulator's Test Fraud Prevention Headers API with an application token from
/oauth/token: for realistic inputs of every connection method, no error."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from openmtd.sdk import (
    ApplicationAuth,
    AsyncClient,
    Environment,
    LocalMachine,
    OAuthClient,
)
from openmtd.sdk._seams import FraudHeaderSource
from support.emulator import EmulatorHarness
from support.fraud_headers import assert_no_placeholder, batch, browser_request, desktop, web

VALIDATE = "/test/fraud-prevention-headers/validate"


def send(emulator: EmulatorHarness, headers: Mapping[str, str]) -> dict[str, Any]:
    created = emulator.application(rate_limit_per_second=1000)

    async def call() -> dict[str, Any]:
        transport = httpx.ASGITransport(app=emulator.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as http:
            token = await http.post(
                "/oauth/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": created.application.client_id,
                    "client_secret": created.client_secret,
                },
            )
            assert token.status_code == 200, token.text
            answer = await http.get(
                VALIDATE,
                headers={
                    "Accept": "application/vnd.hmrc.1.0+json",
                    "Authorization": f"Bearer {token.json()['access_token']}",
                    **headers,
                },
            )
            assert answer.status_code == 200, answer.text
            body: dict[str, Any] = answer.json()
            return body

    return asyncio.run(call())


@pytest.mark.parametrize("kind", ["desktop", "batch", "web"])
def test_every_method_is_valid_at_hmrcs_validator(
    emulator: EmulatorHarness, tmp_path: Path, kind: str
) -> None:
    now = emulator.now()
    if kind == "web":
        headers = web().build(browser_request(now))
    else:
        headers = (desktop if kind == "desktop" else batch)(tmp_path, now).headers_for("GET", "/")
    assert_no_placeholder(headers)
    body = send(emulator, headers)
    assert body == {
        "specVersion": "3.3",
        "code": "VALID_HEADERS",
        "message": "All headers appear to be valid",
    }


def test_this_machine_gives_no_error(emulator: EmulatorHarness, tmp_path: Path) -> None:
    """The real machine's facts: no error, except a header this machine cannot give."""
    machine = LocalMachine()
    cannot = set()
    if not machine.local_ips():
        cannot |= {"gov-client-local-ips", "gov-client-local-ips-timestamp"}
    if not machine.mac_addresses():
        cannot.add("gov-client-mac-addresses")
    headers = desktop(tmp_path, emulator.now(), machine=machine).headers_for("GET", "/")
    body = send(emulator, headers)
    for error in body.get("errors", []):
        assert set(error["headers"]) <= cannot, body
    if not cannot:
        assert body["code"] in ("VALID_HEADERS", "POTENTIALLY_INVALID_HEADERS")


@pytest.mark.parametrize("kind", ["desktop", "web"])
def test_the_sdks_client_sends_them(emulator: EmulatorHarness, tmp_path: Path, kind: str) -> None:
    """Given to the AsyncClient as fraud_headers=, the builder's headers reach the validate
    endpoint (application token by ApplicationAuth) and pass."""
    created = emulator.application(rate_limit_per_second=1000)
    environment = Environment.emulator("http://emulator")
    oauth = OAuthClient(environment, created.application.client_id, created.client_secret)
    source: FraudHeaderSource
    if kind == "web":
        builder = web()
        source = builder.for_request(browser_request(emulator.now()))
    else:
        source = desktop(tmp_path, emulator.now())

    async def call() -> Any:
        async with AsyncClient(
            environment,
            auth=ApplicationAuth(oauth),
            fraud_headers=source,
            transport=httpx.ASGITransport(app=emulator.app),
        ) as client:
            return await client.test_fraud_headers.validate()

    validation = asyncio.run(call())
    assert validation.code == "VALID_HEADERS"
    assert validation.valid
    assert validation.errors == validation.warnings == ()
