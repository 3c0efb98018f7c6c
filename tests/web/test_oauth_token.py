"""POST /oauth/token in process: every row of HMRC's table (wire facts §2.3), exactly.

Codes are minted with ``journey.grant`` inside a store transaction (the same function the
grant page calls), so each test starts from a fresh, valid code without the browser hops.
The order of checks is the one documented in ``oauth/tokens.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from httpx2 import Response
from starlette.testclient import TestClient

from openmtd.emulator.devhub.applications import CreatedApplication, add_client_secret
from openmtd.emulator.oauth import journey
from openmtd.emulator.oauth.authorize import AuthorizeRequest
from openmtd.emulator.oauth.pkce import s256_challenge
from openmtd.emulator.security import token_hash
from openmtd.emulator.storage import Account
from openmtd.emulator.web.routes import oauth as oauth_routes
from support.emulator import REDIRECT_URI, EmulatorHarness

VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
SCOPES = ("read:self-assessment", "write:self-assessment")
TOKEN_FIELDS = {"access_token", "token_type", "expires_in", "refresh_token", "scope"}


@dataclass
class World:
    emulator: EmulatorHarness
    created: CreatedApplication
    account: Account

    @property
    def client_id(self) -> str:
        return self.created.application.client_id

    @property
    def secret(self) -> str:
        return self.created.client_secret

    def code(
        self,
        *,
        redirect_uri: str = REDIRECT_URI,
        scopes: tuple[str, ...] = SCOPES,
        code_challenge: str | None = None,
    ) -> str:
        """A fresh code, minted as the grant page does."""
        return mint_code(
            self.emulator, self.created, self.account, redirect_uri, scopes, code_challenge
        )

    def post(self, **fields: str | None) -> Response:
        """POST the form; a field given as None is left out."""
        data = {k: v for k, v in fields.items() if v is not None}
        return self.emulator.client.post("/oauth/token", data=data)

    def exchange(self, code: str | None, **extra: str | None) -> Response:
        """Exchange ``code``; a field given as None is left out."""
        fields: dict[str, str | None] = {
            "grant_type": "authorization_code",
            "client_id": self.client_id,
            "client_secret": self.secret,
            "redirect_uri": REDIRECT_URI,
            "code": code,
        }
        fields.update(extra)
        return self.post(**fields)

    def tokens(self) -> dict[str, object]:
        response = self.exchange(self.code())
        assert response.status_code == 200, response.text
        body = response.json()
        assert isinstance(body, dict)
        return body

    def refresh(self, refresh_token: str | None) -> Response:
        return self.post(
            grant_type="refresh_token",
            client_id=self.client_id,
            client_secret=self.secret,
            refresh_token=refresh_token,
        )


def mint_code(
    emulator: EmulatorHarness,
    created: CreatedApplication,
    account: Account,
    redirect_uri: str = REDIRECT_URI,
    scopes: tuple[str, ...] = SCOPES,
    code_challenge: str | None = None,
) -> str:
    request = AuthorizeRequest(
        client_id=created.application.client_id,
        redirect_uri=redirect_uri,
        scopes=scopes,
        state=None,
        code_challenge=code_challenge,
        code_challenge_method="S256" if code_challenge else None,
    )
    with emulator.services.store.transaction() as tx:
        result = journey.grant(tx, request, account, emulator.services.clock.now_in(tx))
    assert result.code is not None
    return result.code


@pytest.fixture
def world(emulator: EmulatorHarness) -> World:
    return World(emulator, emulator.application(), emulator.account())


def assert_error(response: Response, status: int, error: str, description: str) -> None:
    assert response.status_code == status, response.text
    assert response.json() == {"error": error, "error_description": description}
    assert_no_store(response)


def assert_no_store(response: Response) -> None:
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
    assert response.headers["content-type"].startswith("application/json")


# --- client authentication and grant_type ------------------------------------------------


def test_client_id_missing(world: World) -> None:
    response = world.post(grant_type="client_credentials", client_secret=world.secret)
    assert_error(response, 400, "invalid_request", "client_id is required")


def test_client_secret_missing(world: World) -> None:
    response = world.post(grant_type="client_credentials", client_id=world.client_id)
    assert_error(response, 400, "invalid_request", "client_secret is required")


def test_grant_type_missing(world: World) -> None:
    response = world.post(client_id=world.client_id, client_secret=world.secret)
    assert_error(response, 400, "invalid_request", "grant_type is required")


@pytest.mark.parametrize(
    "grant_type", ["password", "implicit", "AUTHORIZATION_CODE", "urn:ietf:params:oauth:jwt"]
)
def test_unsupported_grant_type_is_invalid_request_not_unsupported_grant_type(
    world: World, grant_type: str
) -> None:
    response = world.post(
        grant_type=grant_type, client_id=world.client_id, client_secret=world.secret
    )
    assert_error(response, 400, "invalid_request", "unsupported grant_type")


@pytest.mark.parametrize("who", ["unknown client_id", "wrong secret", "another app's secret"])
@pytest.mark.parametrize(
    "grant_type", ["authorization_code", "refresh_token", "client_credentials"]
)
def test_bad_client_credentials_are_401_invalid_client(
    world: World, who: str, grant_type: str
) -> None:
    other = world.emulator.application(name="Other software")
    client_id, secret = {
        "unknown client_id": ("NoSuchClient00000000000000000", world.secret),
        # Change the last character (to one it is not: "0" when it ends otherwise).
        "wrong secret": (
            world.client_id,
            world.secret[:-1] + ("1" if world.secret[-1] == "0" else "0"),
        ),
        "another app's secret": (world.client_id, other.client_secret),
    }[who]
    response = world.post(
        grant_type=grant_type,
        client_id=client_id,
        client_secret=secret,
        code=world.code(),
        redirect_uri=REDIRECT_URI,
        refresh_token="0" * 32,
    )
    assert_error(response, 401, "invalid_client", "invalid client id or secret")


def test_every_current_client_secret_authenticates(world: World) -> None:
    with world.emulator.services.store.transaction() as tx:
        second = add_client_secret(
            tx, world.created.application, world.emulator.services.clock.now_in(tx)
        )
    for secret in (world.secret, second):
        response = world.post(
            grant_type="client_credentials", client_id=world.client_id, client_secret=secret
        )
        assert response.status_code == 200, response.text


# --- authorization_code ------------------------------------------------------------------


def test_authorization_code_success_shape(world: World) -> None:
    response = world.exchange(world.code())
    assert response.status_code == 200
    assert_no_store(response)
    body = response.json()
    assert set(body) == TOKEN_FIELDS
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 14400
    assert body["scope"] == "read:self-assessment write:self-assessment"
    for name in ("access_token", "refresh_token"):
        assert len(body[name]) == 32
        assert set(body[name]) <= set("0123456789abcdef")
    assert body["access_token"] != body["refresh_token"]


@pytest.mark.parametrize("redirect_uri", [None, ""], ids=["absent", "empty"])
def test_redirect_uri_missing(world: World, redirect_uri: str | None) -> None:
    response = world.exchange(world.code(), redirect_uri=redirect_uri)
    assert_error(response, 400, "invalid_request", "redirect_uri is required")


def test_redirect_uri_invalid(world: World) -> None:
    response = world.exchange(world.code(), redirect_uri="http://localhost:9999/other")
    assert_error(response, 400, "invalid_request", "redirect_uri is invalid")


@pytest.mark.parametrize("code", [None, ""], ids=["absent", "empty"])
def test_code_missing(world: World, code: str | None) -> None:
    response = world.exchange(code)
    assert_error(response, 400, "invalid_request", "code is required for given grant_type")


@pytest.mark.parametrize("code", ["0" * 32, "not-a-code", "x"])
def test_an_unknown_code_is_invalid_request_not_invalid_grant(world: World, code: str) -> None:
    assert_error(world.exchange(code), 400, "invalid_request", "code is invalid")


def test_code_verifier_not_expected(world: World) -> None:
    response = world.exchange(world.code(), code_verifier=VERIFIER)
    assert_error(response, 400, "invalid_request", "code_verifier is not expected")


def test_code_verifier_missing(world: World) -> None:
    response = world.exchange(world.code(code_challenge=s256_challenge(VERIFIER)))
    assert_error(
        response,
        400,
        "invalid_request",
        "code_verifier is expected when code_challenge was supplied",
    )


@pytest.mark.parametrize(
    "verifier",
    ["a" * 42, "a" * 129, "a" * 42 + "+", "a" * 42 + "/", "a" * 42 + "=", "a" * 42 + "é"],
    ids=["42 chars", "129 chars", "plus", "slash", "equals", "non-ascii"],
)
def test_code_verifier_malformed(world: World, verifier: str) -> None:
    response = world.exchange(
        world.code(code_challenge=s256_challenge(VERIFIER)), code_verifier=verifier
    )
    assert_error(
        response,
        400,
        "invalid_request",
        "code_verifier must contain valid characters of length between 43 and 128",
    )


def test_code_verifier_mismatch_is_invalid_grant(world: World) -> None:
    response = world.exchange(
        world.code(code_challenge=s256_challenge(VERIFIER)), code_verifier="b" * 43
    )
    assert_error(response, 400, "invalid_grant", "code_verifier is invalid")


def test_pkce_success(world: World) -> None:
    response = world.exchange(
        world.code(code_challenge=s256_challenge(VERIFIER)), code_verifier=VERIFIER
    )
    assert response.status_code == 200, response.text
    assert set(response.json()) == TOKEN_FIELDS


# --- refresh_token -----------------------------------------------------------------------


def test_refresh_success_shape(world: World) -> None:
    first = world.tokens()
    response = world.refresh(str(first["refresh_token"]))
    assert response.status_code == 200, response.text
    assert_no_store(response)
    body = response.json()
    assert set(body) == TOKEN_FIELDS
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 14400
    assert body["scope"] == "read:self-assessment write:self-assessment"
    assert body["access_token"] not in (first["access_token"], first["refresh_token"])
    assert body["refresh_token"] not in (first["access_token"], first["refresh_token"])


@pytest.mark.parametrize("refresh_token", [None, ""], ids=["absent", "empty"])
def test_refresh_token_missing(world: World, refresh_token: str | None) -> None:
    response = world.refresh(refresh_token)
    # openmtd's text: HMRC sends invalid_request here but does not publish a description.
    assert_error(response, 400, "invalid_request", "refresh_token is required for given grant_type")


@pytest.mark.parametrize("presented", ["0" * 32, "nonsense"])
def test_an_unknown_refresh_token_is_invalid_grant(world: World, presented: str) -> None:
    assert_error(world.refresh(presented), 400, "invalid_grant", "refresh_token is invalid")


def test_a_used_refresh_token_is_invalid_grant(world: World) -> None:
    refresh_token = str(world.tokens()["refresh_token"])
    assert world.refresh(refresh_token).status_code == 200
    assert_error(world.refresh(refresh_token), 400, "invalid_grant", "refresh_token is invalid")


def test_an_access_token_is_not_a_refresh_token(world: World) -> None:
    access_token = str(world.tokens()["access_token"])
    assert_error(world.refresh(access_token), 400, "invalid_grant", "refresh_token is invalid")


def test_a_code_is_not_a_refresh_token_nor_a_refresh_token_a_code(world: World) -> None:
    assert_error(world.refresh(world.code()), 400, "invalid_grant", "refresh_token is invalid")
    refresh_token = str(world.tokens()["refresh_token"])
    assert_error(world.exchange(refresh_token), 400, "invalid_request", "code is invalid")


# --- client_credentials ------------------------------------------------------------------


def _client_credentials(world: World, **extra: str) -> Response:
    return world.post(
        grant_type="client_credentials",
        client_id=world.client_id,
        client_secret=world.secret,
        **extra,
    )


def test_client_credentials_without_scope(world: World) -> None:
    response = _client_credentials(world)
    assert response.status_code == 200, response.text
    assert_no_store(response)
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 14400
    with world.emulator.services.store.transaction() as tx:
        stored = tx.oauth.get_access_token(token_hash(body["access_token"]))
    assert stored is not None
    assert stored.grant_id is None
    assert stored.account_id is None
    assert stored.application_id == world.created.application.id
    assert stored.scopes == ()


@pytest.mark.parametrize("scope", ["hello", "read:self-assessment write:self-assessment"])
def test_client_credentials_echoes_the_scope_asked_for(world: World, scope: str) -> None:
    response = _client_credentials(world, scope=scope)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
    assert body["scope"] == scope
    assert "refresh_token" not in body


@pytest.mark.parametrize(
    "scope", ["read:vat", "hello+read:self-assessment", "hello,read:self-assessment", "   "]
)
def test_client_credentials_with_a_bad_scope(world: World, scope: str) -> None:
    response = _client_credentials(world, scope=scope)
    assert_error(response, 400, "invalid_scope", "scope is invalid")


# --- the order documented in oauth/tokens.py ---------------------------------------------


def test_order_client_id_before_client_secret_before_grant_type(world: World) -> None:
    assert_error(world.post(), 400, "invalid_request", "client_id is required")
    assert_error(
        world.post(client_id="nobody", grant_type="nonsense"),
        400,
        "invalid_request",
        "client_secret is required",
    )


def test_order_missing_grant_type_before_client_authentication(world: World) -> None:
    response = world.post(client_id="nobody", client_secret="wrong")
    assert_error(response, 400, "invalid_request", "grant_type is required")


def test_order_client_authentication_before_grant_type_support(world: World) -> None:
    response = world.post(grant_type="password", client_id=world.client_id, client_secret="x")
    assert_error(response, 401, "invalid_client", "invalid client id or secret")


def test_order_client_authentication_before_the_code(world: World) -> None:
    response = world.exchange("0" * 32, client_secret="wrong")
    assert_error(response, 401, "invalid_client", "invalid client id or secret")


def test_order_redirect_uri_required_before_code_required(world: World) -> None:
    response = world.exchange(None, redirect_uri=None)
    assert_error(response, 400, "invalid_request", "redirect_uri is required")


def test_order_code_before_redirect_uri_match(world: World) -> None:
    response = world.exchange("0" * 32, redirect_uri="https://elsewhere.example/")
    assert_error(response, 400, "invalid_request", "code is invalid")


def test_order_redirect_uri_match_before_code_verifier(world: World) -> None:
    code = world.code(code_challenge=s256_challenge(VERIFIER))
    response = world.exchange(code, redirect_uri="https://elsewhere.example/")
    assert_error(response, 400, "invalid_request", "redirect_uri is invalid")


def test_order_verifier_form_before_verifier_match(world: World) -> None:
    code = world.code(code_challenge=s256_challenge(VERIFIER))
    response = world.exchange(code, code_verifier="short")
    assert_error(
        response,
        400,
        "invalid_request",
        "code_verifier must contain valid characters of length between 43 and 128",
    )


def test_a_refused_exchange_leaves_the_code_usable(world: World) -> None:
    code = world.code(code_challenge=s256_challenge(VERIFIER))
    assert world.exchange(code).status_code == 400
    assert world.exchange(code, redirect_uri="https://elsewhere.example/").status_code == 400
    assert world.exchange(code, code_verifier="c" * 43).status_code == 400
    assert world.exchange(code, code_verifier=VERIFIER).status_code == 200


def test_order_refresh_token_required_after_client_authentication(world: World) -> None:
    response = world.post(grant_type="refresh_token", client_id=world.client_id, client_secret="x")
    assert_error(response, 401, "invalid_client", "invalid client id or secret")


# --- the wire format ---------------------------------------------------------------------


def test_parameters_in_a_json_body_are_not_read(world: World) -> None:
    response = world.emulator.client.post(
        "/oauth/token",
        json={
            "grant_type": "client_credentials",
            "client_id": world.client_id,
            "client_secret": world.secret,
        },
    )
    assert_error(response, 400, "invalid_request", "client_id is required")


def test_parameters_in_the_query_string_are_not_read(world: World) -> None:
    response = world.emulator.client.post(
        "/oauth/token",
        params={
            "grant_type": "client_credentials",
            "client_id": world.client_id,
            "client_secret": world.secret,
        },
    )
    assert_error(response, 400, "invalid_request", "client_id is required")


def test_an_unexpected_fault_is_hmrcs_server_error(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(oauth_routes, "token_endpoint", broken)
    client = TestClient(world.emulator.app, raise_server_exceptions=False)
    response = client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": world.client_id,
            "client_secret": world.secret,
        },
    )
    assert_error(response, 500, "server_error", "An unexpected error occurred")
