"""Manage authorised applications: list the account's grants and take authority back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.testclient import TestClient

from openmtd.emulator.devhub.applications import CreatedApplication
from openmtd.emulator.security import token_hash
from openmtd.emulator.storage import Account, Grant
from support.emulator import (
    PASSWORD,
    REDIRECT_URI,
    START,
    EmulatorHarness,
    csrf_token,
    query_of,
)


def _sign_in(client: TestClient, account: Account) -> Any:
    token = csrf_token(client.get("/gg/sign-in").text)
    return client.post(
        "/gg/sign-in", data={"csrf_token": token, "user_id": account.user_id, "password": PASSWORD}
    )


def _authorise(
    emulator: EmulatorHarness,
    client: TestClient,
    account: Account,
    created: CreatedApplication,
    scope: str = "hello",
) -> dict[str, Any]:
    """Grant ``created`` authority as ``account`` (no 2SV) in ``client``; the token response."""
    client.get(
        "/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": created.application.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": scope,
        },
    )
    if "Signed in as" not in client.get("/oauth/start").text:
        assert _sign_in(client, account).headers["location"] == "/oauth/continue"
    assert client.get("/oauth/continue").headers["location"] == "/oauth/grantscope"
    token = csrf_token(client.get("/oauth/grantscope").text)
    response = client.post("/oauth/grantscope", data={"csrf_token": token, "decision": "grant"})
    code = query_of(response.headers["location"])["code"][0]
    tokens = client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": created.application.client_id,
            "client_secret": created.client_secret,
            "redirect_uri": REDIRECT_URI,
            "code": code,
        },
    )
    assert tokens.status_code == 200
    body: dict[str, Any] = tokens.json()
    return body


def _grants(emulator: EmulatorHarness, account: Account) -> list[Grant]:
    with emulator.services.store.transaction() as tx:
        return [view.grant for view in tx.oauth.grants_for_account(account.id)]


def _grant(emulator: EmulatorHarness, grant_id: int) -> Grant:
    with emulator.services.store.transaction() as tx:
        grant = tx.oauth.get_grant(grant_id)
    assert grant is not None
    return grant


def _refresh(client: TestClient, created: CreatedApplication, refresh_token: str) -> Any:
    return client.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "client_id": created.application.client_id,
            "client_secret": created.client_secret,
            "refresh_token": refresh_token,
        },
    )


def test_signed_out_people_sign_in_first_and_come_back(emulator: EmulatorHarness) -> None:
    account = emulator.account()
    client = emulator.client
    response = client.get("/applications/manage")
    assert response.status_code == 303
    assert response.headers["location"] == "/gg/sign-in"
    assert _sign_in(client, account).headers["location"] == "/applications/manage"
    page = client.get("/applications/manage")
    assert page.status_code == 200
    assert 'id="no-grants"' in page.text


def test_the_page_lists_each_grant_with_its_scopes_and_dates(emulator: EmulatorHarness) -> None:
    account = emulator.account()
    first = emulator.application(name="First software")
    second = emulator.application(name="Second software")
    _authorise(emulator, emulator.client, account, first, "read:self-assessment")
    emulator.advance(86_400)
    _authorise(emulator, emulator.client, account, second, "hello")
    page = emulator.client.get("/applications/manage").text
    assert page.index("Second software") < page.index("First software")
    assert "View your Self Assessment information" in page
    assert "Hello World test API" in page
    assert "26 November 2026" in page
    assert "27 November 2026" in page
    # HMRC's default grant length: 547 days.
    expires = (START + timedelta(days=547)).strftime("%-d %B %Y")
    assert expires in page
    assert page.count(">Remove authority</button>") == 2
    assert 'aria-label="Remove authority from First software"' in page


def test_grants_of_other_accounts_are_not_listed(emulator: EmulatorHarness) -> None:
    created = emulator.application(name="Theirs")
    other = emulator.account(email="other@example.com")
    _authorise(emulator, emulator.new_client(), other, created)
    _sign_in(emulator.client, emulator.account())
    page = emulator.client.get("/applications/manage").text
    assert "Theirs" not in page
    assert 'id="no-grants"' in page


def test_an_expired_grant_says_it_ended_and_an_unknown_scope_shows_its_key(
    emulator: EmulatorHarness,
) -> None:
    account = emulator.account()
    created = emulator.application()
    with emulator.services.store.transaction() as tx:
        tx.oauth.add_grant(
            created.application.id, account.id, ("custom:scope",), START, START + timedelta(days=1)
        )
    emulator.advance(2 * 86_400)
    _sign_in(emulator.client, account)
    page = emulator.client.get("/applications/manage").text
    assert "Ended on 27 November 2026" in page
    assert "custom:scope" in page


def test_removing_authority_revokes_the_grant_and_its_tokens(emulator: EmulatorHarness) -> None:
    account = emulator.account()
    created = emulator.application(name="My software")
    tokens = _authorise(emulator, emulator.client, account, created)
    (grant,) = _grants(emulator, account)
    page = emulator.client.get("/applications/manage").text
    emulator.advance(60)
    response = emulator.client.post(
        f"/applications/manage/{grant.id}/revoke", data={"csrf_token": csrf_token(page)}
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/applications/manage/{grant.id}/removed"
    done = emulator.client.get(response.headers["location"])
    assert done.status_code == 200
    assert "You have removed authority" in done.text
    assert "<strong>My software</strong> can no longer use" in done.text
    assert _grant(emulator, grant.id).revoked_at == START + timedelta(seconds=60)
    with emulator.services.store.transaction() as tx:
        access = tx.oauth.get_access_token(token_hash(tokens["access_token"]))
    assert access is not None
    assert access.revoked_at == START + timedelta(seconds=60)
    refreshed = _refresh(emulator.client, created, tokens["refresh_token"])
    assert refreshed.status_code == 400
    assert refreshed.json()["error"] == "invalid_grant"
    assert 'id="no-grants"' in emulator.client.get("/applications/manage").text


def test_refresh_works_until_authority_is_removed(emulator: EmulatorHarness) -> None:
    account = emulator.account()
    created = emulator.application()
    tokens = _authorise(emulator, emulator.client, account, created)
    refreshed = _refresh(emulator.client, created, tokens["refresh_token"])
    assert refreshed.status_code == 200
    (grant,) = _grants(emulator, account)
    page = emulator.client.get("/applications/manage").text
    emulator.client.post(
        f"/applications/manage/{grant.id}/revoke", data={"csrf_token": csrf_token(page)}
    )
    again = _refresh(emulator.client, created, refreshed.json()["refresh_token"])
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    with emulator.services.store.transaction() as tx:
        access = tx.oauth.get_access_token(token_hash(refreshed.json()["access_token"]))
    assert access is not None
    assert access.revoked_at is not None


def test_another_accounts_grant_is_not_found_and_not_revoked(emulator: EmulatorHarness) -> None:
    created = emulator.application()
    other = emulator.account(email="other@example.com")
    _authorise(emulator, emulator.new_client(), other, created)
    (theirs,) = _grants(emulator, other)
    _sign_in(emulator.client, emulator.account())
    # No grants, so no form on the manage page: any page of the session carries its token.
    token = csrf_token(emulator.client.get("/gg/sign-in").text)
    response = emulator.client.post(
        f"/applications/manage/{theirs.id}/revoke", data={"csrf_token": token}
    )
    assert response.status_code == 404
    assert "We could not find that authority" in response.text
    assert _grant(emulator, theirs.id).revoked_at is None
    assert emulator.client.get(f"/applications/manage/{theirs.id}/removed").status_code == 404


def test_unknown_and_malformed_grant_ids_are_not_found(emulator: EmulatorHarness) -> None:
    _sign_in(emulator.client, emulator.account())
    # No grants, so no form on the manage page: any page of the session carries its token.
    token = csrf_token(emulator.client.get("/gg/sign-in").text)
    for grant_id in ("999", "abc", "1e3", "-1", "9" * 30):
        response = emulator.client.post(
            f"/applications/manage/{grant_id}/revoke", data={"csrf_token": token}
        )
        assert response.status_code == 404, grant_id
        assert "We could not find that authority" in response.text


def test_removing_twice_is_not_found_and_removed_page_needs_a_removed_grant(
    emulator: EmulatorHarness,
) -> None:
    account = emulator.account()
    _authorise(emulator, emulator.client, account, emulator.application())
    (grant,) = _grants(emulator, account)
    assert emulator.client.get(f"/applications/manage/{grant.id}/removed").status_code == 404
    token = csrf_token(emulator.client.get("/applications/manage").text)
    path = f"/applications/manage/{grant.id}/revoke"
    assert emulator.client.post(path, data={"csrf_token": token}).status_code == 303
    assert emulator.client.post(path, data={"csrf_token": token}).status_code == 404


def test_signed_out_revoke_and_removed_pages_send_to_sign_in(emulator: EmulatorHarness) -> None:
    account = emulator.account()
    _authorise(emulator, emulator.new_client(), account, emulator.application())
    (grant,) = _grants(emulator, account)
    client = emulator.client
    token = csrf_token(client.get("/gg/sign-in").text)
    response = client.post(f"/applications/manage/{grant.id}/revoke", data={"csrf_token": token})
    assert response.headers["location"] == "/gg/sign-in"
    assert client.get(f"/applications/manage/{grant.id}/removed").headers["location"] == (
        "/gg/sign-in"
    )
    assert _grant(emulator, grant.id).revoked_at is None


def test_a_revoke_without_the_csrf_token_is_refused(emulator: EmulatorHarness) -> None:
    account = emulator.account()
    _authorise(emulator, emulator.client, account, emulator.application())
    (grant,) = _grants(emulator, account)
    response = emulator.client.post(f"/applications/manage/{grant.id}/revoke")
    assert response.status_code == 403
    assert _grant(emulator, grant.id).revoked_at is None
