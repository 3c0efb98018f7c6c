"""The grant-authority journey in process: the happy path end to end through every hop."""

from __future__ import annotations

from openmtd.emulator.storage import TwoStepMethod
from support.emulator import PASSWORD, REDIRECT_URI, EmulatorHarness, csrf_token, query_of


def test_sign_in_with_totp_pass_iv_grant_and_exchange(emulator: EmulatorHarness) -> None:
    created = emulator.application()
    account = emulator.account(confidence_level=50, two_step_method=TwoStepMethod.AUTHENTICATOR_APP)
    client = emulator.client
    response = client.get(
        "/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": created.application.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "read:self-assessment",
            "state": "a b&c",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/oauth/start"
    assert "Test software" in client.get("/oauth/start").text
    token = csrf_token(client.get("/gg/sign-in").text)
    response = client.post(
        "/gg/sign-in", data={"csrf_token": token, "user_id": account.user_id, "password": PASSWORD}
    )
    assert response.headers["location"] == "/gg/two-step"
    token = csrf_token(client.get("/gg/two-step").text)
    response = client.post(
        "/gg/two-step", data={"csrf_token": token, "code": emulator.totp(account)}
    )
    assert response.headers["location"] == "/oauth/continue"
    assert client.get("/oauth/continue").headers["location"] == "/iv/journey"
    token = csrf_token(client.get("/iv/journey").text)
    response = client.post("/iv/journey", data={"csrf_token": token, "outcome": "Success"})
    assert client.get("/oauth/continue").headers["location"] == "/oauth/grantscope"
    page = client.get("/oauth/grantscope")
    assert "View your Self Assessment information" in page.text
    response = client.post(
        "/oauth/grantscope", data={"csrf_token": csrf_token(page.text), "decision": "grant"}
    )
    location = response.headers["location"]
    assert location.startswith(REDIRECT_URI + "?code=")
    query = query_of(location)
    assert query["state"] == ["a b&c"]
    tokens = client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": created.application.client_id,
            "client_secret": created.client_secret,
            "redirect_uri": REDIRECT_URI,
            "code": query["code"][0],
        },
    )
    assert tokens.status_code == 200
    body = tokens.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 14400
    assert body["scope"] == "read:self-assessment"
    assert len(body["access_token"]) == 32
    assert body["refresh_token"] != body["access_token"]
    assert tokens.headers["cache-control"] == "no-store"
