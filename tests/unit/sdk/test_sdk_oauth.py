"""The pure parts of the SDK's OAuth: the authorization URL (state, PKCE S256), the redirect's
answer, and the token endpoint's answers read into token sets or typed errors."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from openmtd.emulator.oauth.pkce import s256_challenge, verifier_is_well_formed
from openmtd.rules.clock import FixedClock
from openmtd.sdk._environment import SANDBOX, Environment
from openmtd.sdk._errors import OAuthError, ReauthorisationReason, ReauthorisationRequired
from openmtd.sdk._oauth import (
    AuthorizationDenied,
    OAuthClient,
    StateMismatch,
    code_challenge,
    new_code_verifier,
    parse_callback,
)
from openmtd.sdk._tokens import DEFAULT_GRANT_LENGTH, TokenSet

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
REDIRECT = "http://localhost:8765/"
SECRET = "client-secret-0123456789"


def client(environment: Environment = SANDBOX, **options: object) -> OAuthClient:
    return OAuthClient(
        environment, "client-id", SECRET, redirect_uri=REDIRECT, clock=FixedClock(NOW), **options
    )  # type: ignore[arg-type]


def test_the_url_is_on_the_browser_host_with_every_parameter() -> None:
    request = client().authorization_url(["read:self-assessment", "write:self-assessment"])
    parts = urlsplit(request.url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://test-www.tax.service.gov.uk/oauth/authorize"
    )
    assert "%20" in parts.query
    assert "+" not in parts.query
    assert "%2B" not in parts.query
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    assert query == {
        "response_type": "code",
        "client_id": "client-id",
        "scope": "read:self-assessment write:self-assessment",
        "redirect_uri": REDIRECT,
        "state": request.state,
        "code_challenge": code_challenge(request.code_verifier),
        "code_challenge_method": "S256",
    }
    assert "client_secret" not in parts.query
    assert SECRET not in request.url
    assert request.redirect_uri == REDIRECT
    assert request.scopes == ("read:self-assessment", "write:self-assessment")


def test_state_and_verifier_are_new_each_time_and_well_formed() -> None:
    first, second = (client().authorization_url(["hello"]) for _ in range(2))
    assert first.state != second.state
    assert first.code_verifier != second.code_verifier
    for request in (first, second):
        assert len(request.state) >= 32
        assert re.fullmatch(r"[A-Za-z0-9._~-]{43,128}", request.code_verifier)
    assert first.code_verifier not in repr(first)


def test_the_challenge_is_what_the_emulators_token_endpoint_checks() -> None:
    for _ in range(20):
        verifier = new_code_verifier()
        assert verifier_is_well_formed(verifier)
        assert code_challenge(verifier) == s256_challenge(verifier)
        assert "=" not in code_challenge(verifier)


@pytest.mark.parametrize("verifier", ["short", "a" * 129, "a" * 42 + "+", "ä" * 50])
def test_a_malformed_verifier_is_refused(verifier: str) -> None:
    with pytest.raises(ValueError, match="43 to 128"):
        code_challenge(verifier)


def test_a_redirect_uri_and_a_scope_are_needed() -> None:
    bare = OAuthClient(SANDBOX, "id", "secret")
    with pytest.raises(ValueError, match="redirect_uri"):
        bare.authorization_url(["hello"])
    with pytest.raises(ValueError, match="scope"):
        client().authorization_url([])


def test_the_callback_gives_the_code_when_the_state_is_ours() -> None:
    request = client().authorization_url(["hello"])
    assert parse_callback(request, f"code=abc123&state={request.state}") == "abc123"
    assert parse_callback(request, {"code": "abc123", "state": request.state}) == "abc123"
    assert parse_callback(request, f"?state={request.state}&code=x") == "x"


@pytest.mark.parametrize(
    "query", ["code=abc", "code=abc&state=", "code=abc&state=someone-elses", "error=access_denied"]
)
def test_a_missing_or_foreign_state_is_refused_before_anything_else(query: str) -> None:
    request = client().authorization_url(["hello"])
    with pytest.raises(StateMismatch):
        parse_callback(request, query)


def test_access_denied_is_a_typed_error() -> None:
    request = client().authorization_url(["hello"])
    query = (
        "error=access_denied&error_description=user+denied+the+authorization"
        f"&error_code=USER_DENIED_AUTHORIZATION&state={request.state}"
    )
    with pytest.raises(AuthorizationDenied) as raised:
        parse_callback(request, query)
    assert raised.value.error == "access_denied"
    assert raised.value.description == "user denied the authorization"
    assert raised.value.error_code == "USER_DENIED_AUTHORIZATION"


def test_a_callback_with_neither_code_nor_error_is_refused() -> None:
    request = client().authorization_url(["hello"])
    with pytest.raises(OAuthError) as raised:
        parse_callback(request, f"state={request.state}")
    assert raised.value.error == "invalid_callback"


def test_the_code_request_is_a_form_with_the_verifier() -> None:
    oauth = client()
    request = oauth.authorization_url(["hello"])
    sent = oauth.code_request("the-code", request)
    assert str(sent.url) == "https://test-api.service.hmrc.gov.uk/oauth/token"
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert {name: values[0] for name, values in parse_qs(sent.read().decode()).items()} == {
        "client_id": "client-id",
        "client_secret": SECRET,
        "grant_type": "authorization_code",
        "code": "the-code",
        "redirect_uri": REDIRECT,
        "code_verifier": request.code_verifier,
    }
    assert sent.url.query == b""


def answer(status: int, body: object) -> httpx.Response:
    return httpx.Response(status, json=body)


GRANTED = {
    "access_token": "a" * 32,
    "token_type": "bearer",
    "expires_in": 14400,
    "refresh_token": "r" * 32,
    "scope": "read:self-assessment",
}


def test_a_grant_is_dated_from_now_for_the_grant_length() -> None:
    oauth = client(grant_length=timedelta(days=90))
    tokens = oauth.read_grant(answer(200, GRANTED), oauth.authorization_url(["x"]))
    assert tokens.granted_at == NOW
    assert tokens.authority_ends_at == NOW + timedelta(days=90)
    assert tokens.expires_at == NOW + timedelta(hours=4)
    assert tokens.scopes == ("read:self-assessment",)
    default = client().read_grant(answer(200, GRANTED), client().authorization_url(["x"]))
    assert default.authority_ends_at == NOW + DEFAULT_GRANT_LENGTH


def stored(**changes: object) -> TokenSet:
    values: dict[str, object] = {
        "access_token": "old-access",
        "refresh_token": "old-refresh",
        "expires_at": NOW - timedelta(minutes=1),
        "scopes": ("read:self-assessment",),
        "granted_at": NOW - timedelta(days=10),
        "authority_ends_at": NOW + timedelta(days=537),
    }
    values.update(changes)
    return TokenSet(**values)  # type: ignore[arg-type]


def test_a_refresh_rotates_and_keeps_the_grant_dates() -> None:
    body = {**GRANTED, "refresh_token": "new-refresh"}
    body.pop("scope")  # HMRC's example leaves it out: the grant's scopes stay
    tokens = client().read_refresh(answer(200, body), stored())
    assert tokens.refresh_token == "new-refresh"
    assert tokens.scopes == ("read:self-assessment",)
    assert tokens.granted_at == NOW - timedelta(days=10)
    assert tokens.expires_at == NOW + timedelta(hours=4)


def test_invalid_grant_on_refresh_is_reauthorisation_required() -> None:
    refused = answer(
        400, {"error": "invalid_grant", "error_description": "refresh_token is invalid"}
    )
    with pytest.raises(ReauthorisationRequired) as raised:
        client().read_refresh(refused, stored())
    assert raised.value.reason is ReauthorisationReason.REFRESH_REFUSED
    assert (raised.value.status, raised.value.description) == (400, "refresh_token is invalid")
    with pytest.raises(ReauthorisationRequired) as ended:
        client().read_refresh(refused, stored(authority_ends_at=NOW))
    assert ended.value.reason is ReauthorisationReason.AUTHORITY_ENDED


def test_an_ended_authority_is_not_refreshed() -> None:
    oauth = client()
    never = httpx.MockTransport(lambda _: pytest.fail("sent"))
    with httpx.Client(transport=never) as http, pytest.raises(ReauthorisationRequired) as raised:
        oauth.refresh(stored(authority_ends_at=NOW - timedelta(seconds=1)), http=http)
    assert raised.value.reason is ReauthorisationReason.AUTHORITY_ENDED


@pytest.mark.parametrize(
    ("status", "body", "error", "description"),
    [
        (
            401,
            {"error": "invalid_client", "error_description": "invalid client id or secret"},
            "invalid_client",
            "invalid client id or secret",
        ),
        (
            400,
            {"error": "invalid_request", "error_description": "code is invalid"},
            "invalid_request",
            "code is invalid",
        ),
        (400, {"error": "invalid_request"}, "invalid_request", None),
        (
            500,
            {"error": "server_error", "error_description": "An unexpected error occurred"},
            "server_error",
            "An unexpected error occurred",
        ),
        (502, "<html>bad gateway</html>", "unexpected_response", "HTTP 502 without an OAuth body"),
        (200, {"token_type": "bearer"}, "unexpected_response", "no access_token"),
    ],
)
def test_token_endpoint_refusals_are_oauth_errors(
    status: int, body: object, error: str, description: str | None
) -> None:
    oauth = client()
    with pytest.raises(OAuthError) as raised:
        oauth.read_grant(answer(status, body), oauth.authorization_url(["x"]))
    assert not isinstance(raised.value, ReauthorisationRequired)
    assert (raised.value.status, raised.value.error, raised.value.description) == (
        status,
        error,
        description,
    )


def test_an_application_token_has_no_refresh_token() -> None:
    token = client().read_application_token(
        answer(200, {"access_token": "app-token", "token_type": "bearer", "expires_in": 14400})
    )
    assert token.expires_at == NOW + timedelta(hours=4)
    assert "app-token" not in repr(token)


def test_a_token_set_without_a_refresh_token_cannot_be_refreshed() -> None:
    with pytest.raises(ReauthorisationRequired) as raised:
        client().refresh_request(stored(refresh_token=None))
    assert raised.value.reason is ReauthorisationReason.REFRESH_REFUSED
    assert raised.value.description == "no refresh token is held"


def test_a_refusal_other_than_invalid_grant_on_refresh_stays_an_oauth_error() -> None:
    refused = answer(401, {"error": "invalid_client", "error_description": "bad secret"})
    with pytest.raises(OAuthError) as raised:
        client().read_refresh(refused, stored())
    assert not isinstance(raised.value, ReauthorisationRequired)
    assert (raised.value.status, raised.value.error) == (401, "invalid_client")


def test_a_body_that_is_not_json_is_an_unexpected_response() -> None:
    oauth = client()
    with pytest.raises(OAuthError) as raised:
        oauth.read_grant(httpx.Response(200, text="<html>"), oauth.authorization_url(["x"]))
    assert (raised.value.error, raised.value.description) == (
        "unexpected_response",
        "HTTP 200 without an OAuth body",
    )


def _token_endpoint(seen: list[dict[str, str]]) -> httpx.MockTransport:
    """HMRC's token endpoint answering every grant type with ``GRANTED``, noting each form."""

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url == "https://test-api.service.hmrc.gov.uk/oauth/token"
        seen.append({k: v[0] for k, v in parse_qs(request.content.decode()).items()})
        return answer(200, GRANTED)

    return httpx.MockTransport(handler)


def test_the_whole_calls_send_their_form_and_read_the_answer() -> None:
    oauth = client()
    seen: list[dict[str, str]] = []
    request = oauth.authorization_url(["read:self-assessment"])
    with httpx.Client(transport=_token_endpoint(seen)) as http:
        granted = oauth.exchange_code("the-code", request, http=http)
        rotated = oauth.refresh(stored(), http=http)
        app_token = oauth.application_token(["read:self-assessment"], http=http)
    assert [form["grant_type"] for form in seen] == [
        "authorization_code",
        "refresh_token",
        "client_credentials",
    ]
    assert seen[0]["code_verifier"] == request.code_verifier
    assert seen[1]["refresh_token"] == "old-refresh"
    assert seen[2]["scope"] == "read:self-assessment"
    assert granted.refresh_token == rotated.refresh_token == "r" * 32
    assert rotated.granted_at == NOW - timedelta(days=10)
    assert app_token.scopes == ("read:self-assessment",)


def test_the_async_calls_match_the_sync_ones() -> None:
    import anyio

    oauth = client()
    seen: list[dict[str, str]] = []
    request = oauth.authorization_url(["read:self-assessment"])

    async def calls() -> tuple[TokenSet, TokenSet]:
        async with httpx.AsyncClient(transport=_token_endpoint(seen)) as http:
            granted = await oauth.exchange_code_async("the-code", request, http=http)
            rotated = await oauth.refresh_async(stored(), http=http)
        return granted, rotated

    granted, rotated = anyio.run(calls)
    assert [form["grant_type"] for form in seen] == ["authorization_code", "refresh_token"]
    assert granted.granted_at == NOW
    assert rotated.access_token == "a" * 32


def test_no_answer_from_the_token_endpoint_is_a_transport_error() -> None:
    import anyio

    from openmtd.sdk._errors import TransportError

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    oauth = client()
    with (
        httpx.Client(transport=httpx.MockTransport(unreachable)) as http,
        pytest.raises(TransportError, match=r"no answer from .*/oauth/token: ConnectError"),
    ):
        oauth.refresh(stored(), http=http)

    async def refresh() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(unreachable)) as http:
            await oauth.refresh_async(stored(), http=http)

    with pytest.raises(TransportError, match="ConnectError"):
        anyio.run(refresh)
