"""The OAuth journey and token endpoint under attack, in process.

Exact redirect URI matching (at /oauth/authorize and /oauth/token), no open redirects,
``state`` sent back unchanged, single-use and short-lived codes bound to their client and
redirect URI, PKCE, rotating refresh tokens, grant lifetimes and revocation, only hashes at
rest, and the journey's refusals (denial, agents, identity verification, out-of-band apps).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote_plus, urlencode

import pytest
from httpx2 import Response
from sqlalchemy import MetaData, select, text
from starlette.testclient import TestClient

from openmtd.emulator.devhub.applications import CreatedApplication, add_client_secret
from openmtd.emulator.gateway.identity import IvOutcome
from openmtd.emulator.oauth import journey
from openmtd.emulator.oauth.authorize import AuthorizeRequest
from openmtd.emulator.oauth.pkce import s256_challenge
from openmtd.emulator.oauth.redirect_uris import OOB, OOB_AUTO
from openmtd.emulator.oauth.tokens import token_endpoint
from openmtd.emulator.security import token_hash
from openmtd.emulator.storage import AccessToken, Account, AffinityGroup, Enrolment, Grant
from openmtd.emulator.web.context import SESSION_COOKIE
from support.emulator import PASSWORD, REDIRECT_URI, EmulatorHarness, csrf_token, query_of

APP_URI = "https://app.example.com/callback"
APP_URI_WITH_QUERY = "https://app.example.com/cb?tenant=1"
REGISTERED = [APP_URI, APP_URI_WITH_QUERY, REDIRECT_URI]
VERIFIER = "M25iVXpKU3puUjFaYWg3T1NDTDQtcW1ROUY5YXlwalNoc0hhakxifmZHag"
ASA = Enrolment("HMRC-AS-AGENT", "AgentReferenceNumber", "XARN1234567")
_OOB_CODE = re.compile(r'id="code">([0-9a-f]{32})<')


# --- helpers: the browser journey, minted codes, the token endpoint ------------------------


@dataclass
class World:
    """One application (three registered URIs) and one Individual at confidence level 250."""

    emulator: EmulatorHarness
    created: CreatedApplication
    account: Account
    locations: list[str] = field(default_factory=list)

    @property
    def client_id(self) -> str:
        return self.created.application.client_id

    @property
    def client(self) -> TestClient:
        return self.emulator.client

    def get(self, path: str) -> Response:
        return self._seen(self.client.get(path))

    def post(self, path: str, data: dict[str, str]) -> Response:
        return self._seen(self.client.post(path, data=data))

    def _seen(self, response: Response) -> Response:
        if "location" in response.headers:
            self.locations.append(response.headers["location"])
        return response

    def authorize(
        self,
        *,
        redirect_uri: str = APP_URI,
        scope: str = "read:self-assessment",
        state: str | None = "xyz",
        **extra: str,
    ) -> Response:
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "scope": scope,
        }
        if state is not None:
            params["state"] = state
        params.update(extra)
        return self.get(f"/oauth/authorize?{urlencode(params)}")

    def sign_in(self, account: Account | None = None) -> Response:
        account = account or self.account
        token = csrf_token(self.get("/gg/sign-in").text)
        return self.post(
            "/gg/sign-in",
            {"csrf_token": token, "user_id": account.user_id, "password": PASSWORD},
        )

    def to_grant_page(
        self, account: Account | None = None, *, state: str | None = "xyz", **authorize: str
    ) -> str:
        """authorize → start → sign in → continue → the grant page's HTML."""
        response = self.authorize(state=state, **authorize)
        assert response.status_code == 303, response.text
        assert self.get("/oauth/start").status_code == 200
        assert self.sign_in(account).headers["location"] == "/oauth/continue"
        assert self.get("/oauth/continue").headers["location"] == "/oauth/grantscope"
        page = self.get("/oauth/grantscope")
        assert page.status_code == 200
        return page.text

    def decide(self, page: str, decision: str) -> Response:
        return self.post(
            "/oauth/grantscope", {"csrf_token": csrf_token(page), "decision": decision}
        )

    def browser_code(self, **authorize: str) -> str:
        """A code got through the whole browser journey."""
        response = self.decide(self.to_grant_page(None, **authorize), "grant")
        assert response.status_code == 303, response.text
        return query_of(response.headers["location"])["code"][0]

    def code(
        self,
        *,
        created: CreatedApplication | None = None,
        redirect_uri: str = APP_URI,
        code_challenge: str | None = None,
    ) -> str:
        """A code minted as the grant page does (``journey.grant``)."""
        created = created or self.created
        request = AuthorizeRequest(
            client_id=created.application.client_id,
            redirect_uri=redirect_uri,
            scopes=("read:self-assessment",),
            state=None,
            code_challenge=code_challenge,
            code_challenge_method="S256" if code_challenge else None,
        )
        with self.emulator.services.store.transaction() as tx:
            result = journey.grant(
                tx, request, self.account, self.emulator.services.clock.now_in(tx)
            )
        assert result.code is not None
        return result.code

    def exchange_form(
        self, code: str, *, redirect_uri: str = APP_URI, created: CreatedApplication | None = None
    ) -> dict[str, str]:
        created = created or self.created
        return {
            "grant_type": "authorization_code",
            "client_id": created.application.client_id,
            "client_secret": created.client_secret,
            "redirect_uri": redirect_uri,
            "code": code,
        }

    def exchange(
        self,
        code: str,
        *,
        redirect_uri: str = APP_URI,
        created: CreatedApplication | None = None,
        **extra: str,
    ) -> Response:
        data = self.exchange_form(code, redirect_uri=redirect_uri, created=created)
        data.update(extra)
        return self.client.post("/oauth/token", data=data)

    def tokens(self) -> dict[str, str]:
        response = self.exchange(self.code())
        assert response.status_code == 200, response.text
        body = response.json()
        assert isinstance(body, dict)
        return body

    def refresh(self, refresh_token: str, created: CreatedApplication | None = None) -> Response:
        created = created or self.created
        return self.client.post(
            "/oauth/token",
            data={
                "grant_type": "refresh_token",
                "client_id": created.application.client_id,
                "client_secret": created.client_secret,
                "refresh_token": refresh_token,
            },
        )

    def access_token(self, token: str) -> AccessToken:
        with self.emulator.services.store.transaction() as tx:
            stored: AccessToken | None = tx.oauth.get_access_token(token_hash(token))
        assert stored is not None
        return stored

    def grant_of(self, token: str) -> Grant:
        grant_id = self.access_token(token).grant_id
        assert grant_id is not None
        with self.emulator.services.store.transaction() as tx:
            grant: Grant | None = tx.oauth.get_grant(grant_id)
        assert grant is not None
        return grant


@pytest.fixture
def world(emulator: EmulatorHarness) -> World:
    return World(emulator, emulator.application(redirect_uris=REGISTERED), emulator.account())


def assert_json_error(response: Response, status: int, error: str, description: str) -> None:
    assert response.status_code == status, response.text
    assert response.json() == {"error": error, "error_description": description}
    assert "location" not in response.headers


def assert_code_invalid(response: Response) -> None:
    assert_json_error(response, 400, "invalid_request", "code is invalid")


def assert_refresh_refused(response: Response) -> None:
    assert_json_error(response, 400, "invalid_grant", "refresh_token is invalid")


# --- exact redirect URI matching -----------------------------------------------------------

NEAR_MISSES = [
    pytest.param("https://APP.example.com/callback", id="host upper case"),
    pytest.param("https://app.example.COM/callback", id="tld upper case"),
    pytest.param("HTTPS://app.example.com/callback", id="scheme upper case"),
    pytest.param("https://app.example.com/Callback", id="path case"),
    pytest.param("https://app.example.com/callback/", id="trailing slash"),
    pytest.param("https://app.example.com/callback?", id="empty query"),
    pytest.param("https://app.example.com/callback?x=1", id="extra query"),
    pytest.param("https://app.example.com/callback#", id="empty fragment"),
    pytest.param("https://app.example.com/callback#x", id="fragment"),
    pytest.param("https://app.example.com/cb?tenant=1&x=2", id="extra query parameter"),
    pytest.param("https://app.example.com/cb?tenant=2", id="other query value"),
    pytest.param("https://app.example.com/cb", id="registered query left out"),
    pytest.param("https://app.example.com/%63allback", id="percent-encoded letter"),
    pytest.param("https://app.example.com%2Fcallback", id="percent-encoded slash"),
    pytest.param("https%3A%2F%2Fapp.example.com%2Fcallback", id="double encoded"),
    pytest.param("https://app.example.com/cb?tenant%3D1", id="percent-encoded equals"),
    pytest.param("https://app.example.com:443/callback", id="default port spelled out"),
    pytest.param("https://app.example.com:8443/callback", id="another port"),
    pytest.param("http://app.example.com/callback", id="http instead of https"),
    pytest.param("https://localhost:9999/callback", id="https instead of http"),
    pytest.param("http://localhost:9998/callback", id="another localhost port"),
    pytest.param("http://localhost/callback", id="localhost without port"),
    pytest.param("http://127.0.0.1:9999/callback", id="loopback address"),
    pytest.param("https://app.example.com.evil.example/callback", id="suffix host"),
    pytest.param("https://evil.example/https://app.example.com/callback", id="embedded"),
    pytest.param("https://app.example.com@evil.example/callback", id="user info"),
    pytest.param("//app.example.com/callback", id="scheme-relative"),
    pytest.param("https://app.example.com/callback ", id="trailing space"),
    pytest.param(" https://app.example.com/callback", id="leading space"),
    pytest.param("https://app.example.com", id="prefix"),
    pytest.param("https://app.example.com/callback/../callback", id="dot segments"),
]


@pytest.mark.parametrize("redirect_uri", NEAR_MISSES)
def test_authorize_refuses_anything_but_a_registered_uri_exactly(
    world: World, redirect_uri: str
) -> None:
    response = world.authorize(redirect_uri=redirect_uri)
    assert_json_error(response, 400, "invalid_request", "redirect_uri is invalid")


@pytest.mark.parametrize("redirect_uri", REGISTERED)
def test_authorize_accepts_each_registered_uri(world: World, redirect_uri: str) -> None:
    response = world.authorize(redirect_uri=redirect_uri)
    assert response.status_code == 303
    assert response.headers["location"] == "/oauth/start"


@pytest.mark.parametrize(
    "redirect_uri", [*NEAR_MISSES, pytest.param(APP_URI_WITH_QUERY, id="another registered one")]
)
def test_token_refuses_anything_but_the_uri_the_code_was_issued_for(
    world: World, redirect_uri: str
) -> None:
    response = world.exchange(world.code(), redirect_uri=redirect_uri)
    assert_json_error(response, 400, "invalid_request", "redirect_uri is invalid")


def test_token_accepts_the_uri_the_code_was_issued_for(world: World) -> None:
    for redirect_uri in REGISTERED:
        code = world.code(redirect_uri=redirect_uri)
        assert world.exchange(code, redirect_uri=redirect_uri).status_code == 200


# --- no open redirect ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"redirect_uri": "https://evil.example/"},
        {"client_id": "unknown-client", "redirect_uri": "https://evil.example/"},
        {"client_id": "", "redirect_uri": APP_URI},
        {"scope": "nonsense"},
        {"response_type": "token"},
        {"client_secret": "x"},
        {"code_challenge_method": "plain"},
    ],
    ids=[
        "evil uri",
        "evil uri, unknown client",
        "good uri, no client",
        "good uri, bad scope",
        "good uri, bad response_type",
        "good uri, client_secret",
        "good uri, bad PKCE",
    ],
)
def test_a_refused_request_never_redirects_even_to_a_good_uri(
    world: World, params: dict[str, str]
) -> None:
    response = world.authorize(**params)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "evil.example" not in response.text
    assert world.locations == []


@pytest.mark.parametrize("decision", ["grant", "deny"])
@pytest.mark.parametrize("redirect_uri", REGISTERED)
def test_the_journey_only_ever_redirects_to_its_own_pages_or_the_registered_uri(
    world: World, decision: str, redirect_uri: str
) -> None:
    response = world.decide(world.to_grant_page(redirect_uri=redirect_uri), decision)
    final = response.headers["location"]
    assert final.startswith(redirect_uri + ("&" if "?" in redirect_uri else "?"))
    for location in world.locations[:-1]:
        assert location.startswith("/")
        assert not location.startswith("//")


def test_the_registered_query_is_kept_byte_for_byte(world: World) -> None:
    response = world.decide(world.to_grant_page(redirect_uri=APP_URI_WITH_QUERY), "grant")
    location = response.headers["location"]
    assert location.startswith("https://app.example.com/cb?tenant=1&code=")
    assert query_of(location)["tenant"] == ["1"]


# --- state ------------------------------------------------------------------------------------

STATES = [
    pytest.param("", id="empty"),
    pytest.param("a b  c", id="spaces"),
    pytest.param("a&b=c&code=forged", id="ampersand and equals"),
    pytest.param("100%", id="percent"),
    pytest.param("%41%2B%20", id="percent-escapes"),
    pytest.param("a+b", id="plus"),
    pytest.param("état ✓ 日本語 🙂", id="unicode"),
    pytest.param("<script>alert(1)</script>", id="markup"),
    pytest.param("line\nbreak\ttab", id="control characters"),
    pytest.param("é&=% +" * 300, id="very long"),
]


@pytest.mark.parametrize("state", STATES)
def test_state_comes_back_unchanged_with_the_code(world: World, state: str) -> None:
    response = world.decide(world.to_grant_page(state=state), "grant")
    location = response.headers["location"]
    query = query_of(location)
    assert query["state"] == [state]
    assert set(query) == {"code", "state"}
    assert location.endswith("&state=" + quote_plus(state))


@pytest.mark.parametrize("state", STATES[:4])
def test_state_comes_back_unchanged_with_a_refusal(world: World, state: str) -> None:
    response = world.decide(world.to_grant_page(state=state), "deny")
    assert query_of(response.headers["location"])["state"] == [state]


def test_no_state_sent_means_none_returned(world: World) -> None:
    response = world.decide(world.to_grant_page(state=None), "grant")
    assert set(query_of(response.headers["location"])) == {"code"}


# --- codes: single use, ten minutes, bound to client and redirect URI ------------------------


def test_a_code_is_single_use_and_a_replay_revokes_what_it_issued(world: World) -> None:
    code = world.browser_code()
    first = world.exchange(code)
    assert first.status_code == 200
    issued = first.json()
    replay_at = world.emulator.now()
    assert_code_invalid(world.exchange(code))
    assert world.access_token(issued["access_token"]).revoked_at == replay_at
    assert world.grant_of(issued["access_token"]).revoked_at == replay_at
    assert_refresh_refused(world.refresh(issued["refresh_token"]))
    # And a third attempt is refused the same way.
    assert_code_invalid(world.exchange(code))


def test_a_replay_also_revokes_tokens_already_refreshed(world: World) -> None:
    code = world.code()
    issued = world.exchange(code).json()
    refreshed = world.refresh(issued["refresh_token"]).json()
    assert_code_invalid(world.exchange(code))
    assert world.access_token(refreshed["access_token"]).revoked_at is not None
    assert_refresh_refused(world.refresh(refreshed["refresh_token"]))


def test_a_replay_racing_the_first_exchange_still_revokes_its_tokens(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two exchanges of one code at once: the loser must revoke what the winner got.

    The replay reads the code while it is still unused; the first exchange then completes
    (through the app, on another connection) before the replay marks the code used.
    """
    code = world.code()
    store = world.emulator.services.store
    winner: dict[str, Response] = {}
    with store.transaction() as tx:
        use_code = tx.oauth.use_code

        def first_exchange_wins_meanwhile(code_hash: str, at: datetime) -> bool:
            winner["response"] = world.exchange(code)
            won: bool = use_code(code_hash, at)
            return won

        monkeypatch.setattr(tx.oauth, "use_code", first_exchange_wins_meanwhile)
        form = {k: [v] for k, v in world.exchange_form(code).items()}
        replay = token_endpoint(tx, form, world.emulator.services.clock.now_in(tx))
    assert winner["response"].status_code == 200
    assert (replay.status_code, replay.body) == (
        400,
        {"error": "invalid_request", "error_description": "code is invalid"},
    )
    issued = winner["response"].json()
    assert world.access_token(issued["access_token"]).revoked_at is not None
    assert_refresh_refused(world.refresh(issued["refresh_token"]))


@pytest.mark.parametrize(("seconds", "works"), [(599, True), (601, False)])
def test_a_code_lasts_ten_minutes(world: World, seconds: int, works: bool) -> None:
    code = world.code()
    world.emulator.advance(seconds)
    response = world.exchange(code)
    if works:
        assert response.status_code == 200, response.text
    else:
        assert_code_invalid(response)


def test_a_code_is_bound_to_its_client(world: World) -> None:
    other = world.emulator.application(name="Other software", redirect_uris=REGISTERED)
    code = world.code()
    assert_code_invalid(world.exchange(code, created=other))
    # The other application learnt nothing and the rightful client still can use it.
    assert world.exchange(code).status_code == 200


def test_a_code_is_bound_to_its_redirect_uri(world: World) -> None:
    code = world.code(redirect_uri=APP_URI)
    response = world.exchange(code, redirect_uri=REDIRECT_URI)
    assert_json_error(response, 400, "invalid_request", "redirect_uri is invalid")


# --- PKCE ----------------------------------------------------------------------------------


def test_pkce_s256_round_trip_through_the_browser(world: World) -> None:
    code = world.browser_code(code_challenge=s256_challenge(VERIFIER), code_challenge_method="S256")
    response = world.exchange(code, code_verifier=VERIFIER)
    assert response.status_code == 200, response.text


def test_pkce_wrong_verifier(world: World) -> None:
    code = world.code(code_challenge=s256_challenge(VERIFIER))
    response = world.exchange(code, code_verifier=VERIFIER[:-1] + "A")
    assert_json_error(response, 400, "invalid_grant", "code_verifier is invalid")


def test_pkce_the_challenge_itself_is_not_the_verifier(world: World) -> None:
    challenge = s256_challenge(VERIFIER)
    response = world.exchange(world.code(code_challenge=challenge), code_verifier=challenge)
    assert_json_error(response, 400, "invalid_grant", "code_verifier is invalid")


def test_pkce_missing_verifier(world: World) -> None:
    response = world.exchange(world.code(code_challenge=s256_challenge(VERIFIER)))
    assert_json_error(
        response,
        400,
        "invalid_request",
        "code_verifier is expected when code_challenge was supplied",
    )


def test_pkce_unexpected_verifier(world: World) -> None:
    response = world.exchange(world.code(), code_verifier=VERIFIER)
    assert_json_error(response, 400, "invalid_request", "code_verifier is not expected")


@pytest.mark.parametrize(
    "verifier",
    [
        "a" * 42,
        "a" * 129,
        "a" * 42 + " ",
        "a" * 42 + "!",
        "a" * 42 + "+",
        "a" * 42 + "/",
        "a" * 42 + "%",
        "a" * 42 + "ü",
        "a" * 42 + "٣",  # a Unicode digit
    ],
    ids=["42", "129", "space", "bang", "plus", "slash", "percent", "u-umlaut", "arabic digit"],
)
def test_pkce_malformed_verifier(world: World, verifier: str) -> None:
    response = world.exchange(
        world.code(code_challenge=s256_challenge(VERIFIER)), code_verifier=verifier
    )
    assert_json_error(
        response,
        400,
        "invalid_request",
        "code_verifier must contain valid characters of length between 43 and 128",
    )


@pytest.mark.parametrize("length", [43, 128])
def test_pkce_verifier_lengths_at_the_limits_work(world: World, length: int) -> None:
    verifier = ("abcXYZ019-._~" * 10)[:length]
    code = world.code(code_challenge=s256_challenge(verifier))
    assert world.exchange(code, code_verifier=verifier).status_code == 200


# --- refresh tokens ----------------------------------------------------------------------------


def test_refresh_tokens_rotate(world: World) -> None:
    first = world.tokens()
    second = world.refresh(first["refresh_token"]).json()
    assert_refresh_refused(world.refresh(first["refresh_token"]))
    # openmtd does not end the grant on a reused refresh token (documented in tokens.py).
    third = world.refresh(second["refresh_token"])
    assert third.status_code == 200


def test_a_refresh_revokes_the_previous_access_token_at_once(world: World) -> None:
    first = world.tokens()
    world.emulator.advance(60)
    second = world.refresh(first["refresh_token"]).json()
    assert world.access_token(first["access_token"]).revoked_at == world.emulator.now()
    assert world.access_token(second["access_token"]).revoked_at is None


def test_a_refresh_token_is_bound_to_its_client(world: World) -> None:
    other = world.emulator.application(name="Other software")
    first = world.tokens()
    assert_refresh_refused(world.refresh(first["refresh_token"], created=other))
    # Not consumed by the other application's attempt, and nothing was revoked.
    assert world.access_token(first["access_token"]).revoked_at is None
    assert world.refresh(first["refresh_token"]).status_code == 200


def _one_day_world(world: World) -> World:
    created = world.emulator.application(
        name="Short grants", redirect_uris=REGISTERED, grant_length_days=1
    )
    return World(world.emulator, created, world.account)


def test_the_grant_ends_after_the_applications_grant_length(world: World) -> None:
    short = _one_day_world(world)
    first = short.tokens()
    granted_at = world.emulator.now()
    assert short.grant_of(first["access_token"]).expires_at == granted_at + timedelta(days=1)
    world.emulator.advance(24 * 3600 + 1)
    assert_refresh_refused(short.refresh(first["refresh_token"]))


def test_the_grant_still_works_just_before_it_ends(world: World) -> None:
    short = _one_day_world(world)
    first = short.tokens()
    world.emulator.advance(24 * 3600 - 1)
    assert short.refresh(first["refresh_token"]).status_code == 200


def test_refreshing_does_not_extend_the_grant(world: World) -> None:
    short = _one_day_world(world)
    first = short.tokens()
    granted_at = world.emulator.now()
    world.emulator.advance(12 * 3600)
    second = short.refresh(first["refresh_token"])
    assert second.status_code == 200
    assert short.grant_of(second.json()["access_token"]).expires_at == granted_at + timedelta(
        days=1
    )
    world.emulator.advance(12 * 3600 + 1)
    assert_refresh_refused(short.refresh(second.json()["refresh_token"]))


def test_a_revoked_grants_refresh_is_refused(world: World) -> None:
    first = world.tokens()
    grant = world.grant_of(first["access_token"])
    with world.emulator.services.store.transaction() as tx:
        tx.oauth.revoke_grant(grant.id, world.emulator.services.clock.now_in(tx))
    assert world.access_token(first["access_token"]).revoked_at is not None
    assert_refresh_refused(world.refresh(first["refresh_token"]))


# --- only hashes at rest -----------------------------------------------------------------------


def _rows(world: World, table: str) -> int:
    with world.emulator.services.store.engine.connect() as connection:
        return int(connection.scalar(text(f"SELECT count(*) FROM {table}")) or 0)


def _every_stored_value(world: World) -> Iterator[str]:
    engine = world.emulator.services.store.engine
    metadata = MetaData()
    metadata.reflect(bind=engine)
    assert "oauth_codes" in metadata.tables
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                for value in row:
                    if value is not None:
                        yield str(value)


def test_only_hashes_of_codes_tokens_and_secrets_are_stored(world: World) -> None:
    with world.emulator.services.store.transaction() as tx:
        second_secret = add_client_secret(
            tx, world.created.application, world.emulator.services.clock.now_in(tx)
        )
    code = world.browser_code(code_challenge=s256_challenge(VERIFIER), code_challenge_method="S256")
    first = world.exchange(code, code_verifier=VERIFIER).json()
    second = world.refresh(first["refresh_token"]).json()
    server = world.client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": world.client_id,
            "client_secret": second_secret,
        },
    ).json()
    secrets = {
        "client secret": world.created.client_secret,
        "second client secret": second_secret,
        "code": code,
        "access token": first["access_token"],
        "refresh token": first["refresh_token"],
        "refreshed access token": second["access_token"],
        "refreshed refresh token": second["refresh_token"],
        "client_credentials token": server["access_token"],
        "PKCE verifier": VERIFIER,
        "session cookie": world.client.cookies[SESSION_COOKIE],
    }
    stored = "\n".join(_every_stored_value(world))
    for name, secret in secrets.items():
        assert secret not in stored, f"the {name} is stored in the clear"
    for name, secret in secrets.items():
        if name != "PKCE verifier":  # only its challenge is kept
            digest = hashlib.sha256(secret.encode()).hexdigest()
            assert digest in stored, f"the {name}'s SHA-256 is not stored"
    assert s256_challenge(VERIFIER) in stored


# --- the journey's refusals ----------------------------------------------------------------------


def test_a_denied_journey_redirects_with_hmrcs_exact_parameters(world: World) -> None:
    response = world.decide(world.to_grant_page(state="st 1"), "deny")
    assert response.status_code == 303
    assert response.headers["location"] == (
        APP_URI + "?error=access_denied&error_description=user+denied+the+authorization"
        "&error_code=USER_DENIED_AUTHORIZATION&state=st+1"
    )
    assert _rows(world, "oauth_codes") == 0
    assert _rows(world, "oauth_grants") == 0


def test_an_agent_without_an_agent_services_account_is_refused(world: World) -> None:
    agent = world.emulator.account(affinity_group=AffinityGroup.AGENT)
    assert world.authorize().status_code == 303
    assert world.sign_in(agent).headers["location"] == "/oauth/continue"
    response = world.get("/oauth/continue")
    assert response.status_code == 403
    assert "location" not in response.headers
    assert "agent services account" in response.text
    # Going straight to the grant page is refused the same way ...
    page = world.get("/oauth/grantscope")
    assert page.status_code == 403
    assert "agent services account" in page.text
    # ... and so is posting the grant form (with this session's CSRF token), issuing nothing.
    refused = world.decide(world.get("/gg/sign-in").text, "grant")
    assert refused.status_code == 403
    assert "location" not in refused.headers
    assert all(location.startswith("/") for location in world.locations)


@pytest.mark.parametrize("affinity_group", [AffinityGroup.INDIVIDUAL, AffinityGroup.ORGANISATION])
def test_agent_scopes_are_refused_to_non_agents(
    world: World, affinity_group: AffinityGroup
) -> None:
    account = world.emulator.account(affinity_group=affinity_group)
    assert world.authorize(scope="read:sent-invitations write:sent-invitations").status_code == 303
    world.sign_in(account)
    response = world.get("/oauth/continue")
    assert response.status_code == 403
    assert "location" not in response.headers
    assert "only an agent can give" in response.text


IV_FAILURES = [outcome for outcome in IvOutcome if outcome is not IvOutcome.SUCCESS]


@pytest.mark.parametrize("outcome", IV_FAILURES, ids=[o.value for o in IV_FAILURES])
def test_identity_verification_failure_is_access_denied_with_the_outcome(
    world: World, outcome: IvOutcome
) -> None:
    account = world.emulator.account(confidence_level=50)
    assert world.authorize(state="s&1").status_code == 303
    world.sign_in(account)
    assert world.get("/oauth/continue").headers["location"] == "/iv/journey"
    token = csrf_token(world.get("/iv/journey").text)
    response = world.post("/iv/journey", {"csrf_token": token, "outcome": outcome.value})
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith(APP_URI + "?error=access_denied&")
    assert query_of(location) == {
        "error": ["access_denied"],
        "error_description": ["identity verification failed"],
        "error_code": [outcome.value],
        "state": ["s&1"],
    }
    with world.emulator.services.store.transaction() as tx:
        unchanged = tx.accounts.get(account.id)
    assert unchanged is not None
    assert unchanged.confidence_level == 50


@pytest.mark.parametrize(
    "scope", ["read:self-assessment write:self-assessment", "read:sent-invitations"]
)
def test_agents_are_never_sent_to_identity_verification(world: World, scope: str) -> None:
    agent = world.emulator.account(
        affinity_group=AffinityGroup.AGENT, confidence_level=50, enrolments=(ASA,)
    )
    page = world.to_grant_page(account=agent, scope=scope)
    response = world.decide(page, "grant")
    assert response.headers["location"].startswith(APP_URI + "?code=")
    assert "/iv/journey" not in world.locations


@pytest.mark.parametrize("oob", [OOB, OOB_AUTO])
def test_out_of_band_shows_the_code_instead_of_redirecting(world: World, oob: str) -> None:
    installed = world.emulator.application(name="Desktop software", redirect_uris=[oob])
    desktop = World(world.emulator, installed, world.account)
    response = desktop.decide(desktop.to_grant_page(redirect_uri=oob), "grant")
    assert response.status_code == 200
    assert "location" not in response.headers
    match = _OOB_CODE.search(response.text)
    assert match, response.text
    code = match.group(1)
    assert f"<title>Success code={code}" in response.text
    assert desktop.exchange(code, redirect_uri=oob).status_code == 200


@pytest.mark.parametrize("oob", [OOB, OOB_AUTO])
def test_out_of_band_denial_is_shown_not_redirected(world: World, oob: str) -> None:
    installed = world.emulator.application(name="Desktop software", redirect_uris=[oob])
    desktop = World(world.emulator, installed, world.account)
    response = desktop.decide(desktop.to_grant_page(redirect_uri=oob), "deny")
    assert response.status_code == 200
    assert "location" not in response.headers
    assert "<title>Denied error=access_denied" in response.text
    assert _OOB_CODE.search(response.text) is None
