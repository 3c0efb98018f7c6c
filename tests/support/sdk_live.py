"""The SDK against a real emulator server on 127.0.0.1: an application, a signed-up test user
and their first tokens (the headless grant with the SDK's own authorization URL), and the body
of one of the concurrency test's processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from openmtd.rules.tax_year import TaxYear
from openmtd.sdk._auth import ApplicationAuth, UserAuth
from openmtd.sdk._environment import Environment
from openmtd.sdk._oauth import AuthorizationRequest, OAuthClient, parse_callback
from openmtd.sdk._tokens import TokenSet
from support.token_stores import StoreSpec, close

ACCEPT_1 = "application/vnd.hmrc.1.0+json"
STATUS_ACCEPT = "application/vnd.hmrc.2.0+json"
READ = ("read:self-assessment",)


@dataclass(frozen=True)
class LiveApp:
    """An application registered at the emulator at ``base_url`` (picklable for children)."""

    base_url: str
    client_id: str
    client_secret: str
    redirect_uri: str

    def oauth(self) -> OAuthClient:
        return OAuthClient(
            Environment.emulator(self.base_url),
            self.client_id,
            self.client_secret,
            redirect_uri=self.redirect_uri,
        )


def register(http: httpx.Client, redirect_uri: str) -> LiveApp:
    created = http.post(
        "/emulator/applications",
        json={"name": "SDK test", "redirectUris": [redirect_uri], "rateLimitPerSecond": 1000},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    return LiveApp(
        str(http.base_url).rstrip("/"), body["clientId"], body["clientSecret"], redirect_uri
    )


def signed_up_user(app: LiveApp) -> dict[str, Any]:
    """A test individual signed up for MTD (through the SDK's ApplicationAuth)."""
    with httpx.Client(
        base_url=app.base_url, auth=ApplicationAuth(app.oauth()), trust_env=False
    ) as http:
        user = http.post(
            "/create-test-user/individuals",
            headers={"Accept": ACCEPT_1},
            json={"serviceNames": ["national-insurance", "mtd-income-tax"]},
        )
    assert user.status_code == 201, user.text
    body: dict[str, Any] = user.json()
    return body


def headless_grant(http: httpx.Client, request: AuthorizationRequest, user: dict[str, Any]) -> str:
    """The redirect's query for the SDK's authorization URL, granted by ``user``."""
    params = {name: values[0] for name, values in parse_qs(urlsplit(request.url).query).items()}
    answer = http.post(
        "/emulator/oauth/grant",
        json={
            "clientId": params["client_id"],
            "redirectUri": params["redirect_uri"],
            "scope": params["scope"],
            "state": params["state"],
            "codeChallenge": params["code_challenge"],
            "codeChallengeMethod": params["code_challenge_method"],
            "userId": user["userId"],
            "password": user["password"],
        },
    )
    assert answer.status_code == 200, answer.text
    return urlsplit(answer.json()["location"]).query


def first_tokens(http: httpx.Client, app: LiveApp, user: dict[str, Any]) -> TokenSet:
    oauth = app.oauth()
    request = oauth.authorization_url(READ)
    code = parse_callback(request, headless_grant(http, request, user))
    return oauth.exchange_code(code, request)


def status_path(http: httpx.Client, nino: str) -> str:
    now = http.get("/emulator/clock").json()["now"]
    year = TaxYear.at(datetime.fromisoformat(now.replace("Z", "+00:00")))
    return f"/individuals/person/itsa-status/{nino}/{year}"


def read_status_in_a_process(
    spec: StoreSpec, key: str, app: LiveApp, path: str, start: Any, results: Any
) -> None:
    """One of the concurrency test's processes: wait for the others, then read a status."""
    store = spec.open()
    try:
        auth = UserAuth(store, key, app.oauth())
        with httpx.Client(base_url=app.base_url, auth=auth, trust_env=False, timeout=60) as http:
            start.wait(60)
            answer = http.get(path, headers={"Accept": STATUS_ACCEPT})
        results.put((answer.status_code, answer.text))
    except BaseException as error:
        results.put((0, repr(error)))
        raise
    finally:
        close(store)
