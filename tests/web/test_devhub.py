"""The Developer Hub pages in process: list, add, view, secrets and settings, with every error."""

from __future__ import annotations

import re
from typing import Any

import pytest

from openmtd.emulator.devhub.applications import EMULATED_APIS, authenticate_client
from openmtd.emulator.storage import Application
from support.emulator import REDIRECT_URI, EmulatorHarness, csrf_token

BASE = "/developer/applications"
_SECRET = re.compile(r'id="client-secret">([^<]+)<')
_CLIENT_ID = re.compile(r'id="client-id">([^<]+)<')


def settings(**changes: Any) -> dict[str, Any]:
    """A complete, valid settings form."""
    form: dict[str, Any] = {
        "name": "My software",
        "redirectUris": f"{REDIRECT_URI}\r\nhttps://example.com/callback\r\n",
        "apis": ["create-test-user", "self-assessment-individual-details"],
        "rateLimitPerSecond": "3",
        "grantLengthDays": "547",
    }
    form.update(changes)
    return form


def token_from(emulator: EmulatorHarness, path: str) -> str:
    return csrf_token(emulator.client.get(path).text)


def stored(emulator: EmulatorHarness, client_id: str) -> Application:
    with emulator.services.store.transaction() as tx:
        application = tx.applications.get_by_client_id(client_id)
    assert application is not None
    return application


def secret_works(emulator: EmulatorHarness, client_id: str, secret: str) -> bool:
    with emulator.services.store.transaction() as tx:
        return authenticate_client(tx, client_id, secret) is not None


def error_summary(html: str) -> list[tuple[str, str]]:
    """(field, message) pairs in the page's GOV.UK error summary."""
    summary = html.split('class="error-summary"', 1)
    if len(summary) == 1:
        return []
    block = summary[1].split("</div>", 1)[0]
    return re.findall(r'<a href="#([^"]+)">([^<]*)</a>', block)


# --- the list and adding ------------------------------------------------------------------
def test_empty_list(emulator: EmulatorHarness) -> None:
    page = emulator.client.get(BASE)
    assert page.status_code == 200
    assert "You have not added any applications yet." in page.text
    assert f'href="{BASE}/new"' in page.text


def test_list_shows_name_client_id_and_date(emulator: EmulatorHarness) -> None:
    first = emulator.application(name="First <b>app</b>")
    second = emulator.application(name="Second")
    page = emulator.client.get(BASE).text
    assert "First &lt;b&gt;app&lt;/b&gt;" in page
    assert "<b>app</b>" not in page
    for created in (first, second):
        client_id = created.application.client_id
        assert f'<a href="{BASE}/{client_id}">' in page
        assert f"<code>{client_id}</code>" in page
    assert page.count("26 November 2026") == 2
    assert page.index("First") < page.index("Second")


def test_new_application_form_has_the_defaults(emulator: EmulatorHarness) -> None:
    page = emulator.client.get(f"{BASE}/new").text
    for api in EMULATED_APIS:
        assert f'value="{api}" checked' in page
    assert 'name="rateLimitPerSecond" value="3"' in page
    assert '<option value="547" selected>18 months</option>' in page
    assert '<option value="0">4 hours</option>' in page
    assert 'name="csrf_token"' in page


def test_add_an_application_shows_its_secret_once(emulator: EmulatorHarness) -> None:
    token = token_from(emulator, f"{BASE}/new")
    response = emulator.client.post(BASE, data={"csrf_token": token, **settings()})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert "Copy it now: you will not see it again" in response.text
    client_id = _CLIENT_ID.search(response.text)
    secret = _SECRET.search(response.text)
    assert client_id
    assert secret
    application = stored(emulator, client_id.group(1))
    assert application.name == "My software"
    assert application.redirect_uris == (REDIRECT_URI, "https://example.com/callback")
    assert application.apis == {"create-test-user", "self-assessment-individual-details"}
    assert (application.rate_limit_per_second, application.grant_length_days) == (3, 547)
    assert secret_works(emulator, client_id.group(1), secret.group(1))
    # Never shown again: not on the application's page, nor in the list.
    page = emulator.client.get(f"{BASE}/{client_id.group(1)}").text
    assert secret.group(1) not in page
    assert f"&hellip;{secret.group(1)[-4:]}" in page
    assert secret.group(1) not in emulator.client.get(BASE).text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Enter an application name"),
        ({"name": "x" * 101}, "name", "The application name must be 100 characters or fewer"),
        ({"redirectUris": "\n \n"}, "redirectUris", "Add at least one redirect URI."),
        (
            {"redirectUris": "\n".join(f"https://example.com/{n}" for n in range(6))},
            "redirectUris",
            "An application can have at most 5 redirect URIs; remove 1.",
        ),
        (
            {"redirectUris": "http://127.0.0.1:8080/cb"},
            "redirectUris",
            "A redirect URI cannot use an IP address as its host; for your own machine use "
            "http://localhost:PORT/....",
        ),
        (
            {"apis": ["create-test-user", "vat-api"]},
            "apis",
            "Unknown API vat-api; choose from " + ", ".join(EMULATED_APIS),
        ),
        (
            {"rateLimitPerSecond": "three"},
            "rateLimitPerSecond",
            "Enter the rate limit as a whole number of requests per second, like 3",
        ),
        (
            {"rateLimitPerSecond": "0"},
            "rateLimitPerSecond",
            "The rate limit must be between 1 and 10000",
        ),
        ({"grantLengthDays": ""}, "grantLengthDays", "Choose a grant length"),
        (
            {"grantLengthDays": "2"},
            "grantLengthDays",
            "The grant length must be one of HMRC&#39;s: 0, 1, 30, 90, 180, 365, 547, 1095, "
            "1825, 3650, 36500 days",
        ),
    ],
)
def test_add_refuses_bad_settings_against_the_field(
    emulator: EmulatorHarness, changes: dict[str, Any], field: str, message: str
) -> None:
    token = token_from(emulator, f"{BASE}/new")
    response = emulator.client.post(BASE, data={"csrf_token": token, **settings(**changes)})
    assert response.status_code == 400
    assert error_summary(response.text) == [(field, message)]
    assert f'id="{field}"' in response.text
    assert "has-error" in response.text
    # What was typed is kept.
    assert 'value="create-test-user" checked' in response.text
    with emulator.services.store.transaction() as tx:
        assert tx.applications.list() == []


def test_typed_values_are_escaped_when_shown_again(emulator: EmulatorHarness) -> None:
    token = token_from(emulator, f"{BASE}/new")
    response = emulator.client.post(
        BASE,
        data={
            "csrf_token": token,
            **settings(name='"><script>alert(1)</script>', redirectUris="</textarea><b>x"),
        },
    )
    assert response.status_code == 400
    assert "<script>" not in response.text
    assert "&lt;/textarea&gt;&lt;b&gt;x" in response.text


# --- one application ----------------------------------------------------------------------
def test_application_page_shows_its_settings(emulator: EmulatorHarness) -> None:
    created = emulator.application(
        name="Agent tool",
        redirect_uris=[REDIRECT_URI, "urn:ietf:wg:oauth:2.0:oob"],
        apis=["agent-authorisation"],
        rate_limit_per_second=7,
        grant_length_days=90,
    )
    client_id = created.application.client_id
    page = emulator.client.get(f"{BASE}/{client_id}")
    assert page.status_code == 200
    text = page.text
    assert "<h1>Agent tool</h1>" in text
    assert f'<code id="client-id">{client_id}</code>' in text
    assert f"<code>{REDIRECT_URI}</code>" in text
    assert "<code>urn:ietf:wg:oauth:2.0:oob</code>" in text
    assert "<li>agent-authorisation</li>" in text
    assert "7 requests per second" in text
    assert "<td>3 months</td>" in text
    assert f"&hellip;{created.client_secret[-4:]}" in text
    assert created.client_secret not in text
    assert "The only client secret cannot be deleted" in text
    assert "delete-secret-" not in text


def test_unknown_application_is_404(emulator: EmulatorHarness) -> None:
    page = emulator.client.get(f"{BASE}/nosuchclientid")
    assert page.status_code == 404
    assert "Application not found" in page.text


def test_add_client_secrets_up_to_five(emulator: EmulatorHarness) -> None:
    created = emulator.application()
    client_id = created.application.client_id
    path = f"{BASE}/{client_id}"
    secrets = [created.client_secret]
    for _ in range(4):
        response = emulator.client.post(
            f"{path}/secrets", data={"csrf_token": token_from(emulator, path)}
        )
        assert response.status_code == 200
        assert "Copy it now: you will not see it again" in response.text
        found = _SECRET.search(response.text)
        assert found
        secrets.append(found.group(1))
    assert all(secret_works(emulator, client_id, secret) for secret in secrets)
    page = emulator.client.get(path).text
    assert 'id="add-secret"' not in page
    assert "This application has 5 client secrets" in page
    sixth = emulator.client.post(f"{path}/secrets", data={"csrf_token": csrf_token(page)})
    assert sixth.status_code == 400
    assert error_summary(sixth.text) == [
        (
            "clientSecrets",
            "An application can have at most 5 client secrets: delete one first",
        )
    ]
    assert len(stored(emulator, client_id).secrets) == 5


def test_delete_a_client_secret(emulator: EmulatorHarness) -> None:
    created = emulator.application()
    client_id = created.application.client_id
    path = f"{BASE}/{client_id}"
    response = emulator.client.post(
        f"{path}/secrets", data={"csrf_token": token_from(emulator, path)}
    )
    found = _SECRET.search(response.text)
    assert found
    new_secret = found.group(1)
    first = stored(emulator, client_id).secrets[0]
    page = emulator.client.get(path).text
    assert f'id="delete-secret-{first.id}"' in page
    response = emulator.client.post(
        f"{path}/secrets/{first.id}/delete", data={"csrf_token": csrf_token(page)}
    )
    assert response.status_code == 303
    assert response.headers["location"] == path
    page = emulator.client.get(path).text
    assert f"The client secret ending {first.hint} has been deleted" in page
    assert not secret_works(emulator, client_id, created.client_secret)
    assert secret_works(emulator, client_id, new_secret)
    # The notice is shown once.
    assert "has been deleted" not in emulator.client.get(path).text


def test_the_last_client_secret_cannot_be_deleted(emulator: EmulatorHarness) -> None:
    created = emulator.application()
    client_id = created.application.client_id
    path = f"{BASE}/{client_id}"
    only = stored(emulator, client_id).secrets[0]
    response = emulator.client.post(
        f"{path}/secrets/{only.id}/delete", data={"csrf_token": token_from(emulator, path)}
    )
    assert response.status_code == 400
    assert error_summary(response.text) == [
        ("clientSecrets", "An application needs at least one client secret")
    ]
    assert secret_works(emulator, client_id, created.client_secret)


@pytest.mark.parametrize("secret_id", ["999999", "not-a-number"])
def test_deleting_an_unknown_secret_is_refused(emulator: EmulatorHarness, secret_id: str) -> None:
    created = emulator.application()
    client_id = created.application.client_id
    path = f"{BASE}/{client_id}"
    emulator.client.post(f"{path}/secrets", data={"csrf_token": token_from(emulator, path)})
    response = emulator.client.post(
        f"{path}/secrets/{secret_id}/delete", data={"csrf_token": token_from(emulator, path)}
    )
    assert response.status_code == 400
    assert error_summary(response.text) == [("clientSecrets", "That client secret does not exist")]
    assert len(stored(emulator, client_id).secrets) == 2


def test_secrets_of_another_application_cannot_be_deleted(emulator: EmulatorHarness) -> None:
    mine = emulator.application()
    theirs = emulator.application()
    path = f"{BASE}/{mine.application.client_id}"
    emulator.client.post(f"{path}/secrets", data={"csrf_token": token_from(emulator, path)})
    their_secret = stored(emulator, theirs.application.client_id).secrets[0]
    response = emulator.client.post(
        f"{path}/secrets/{their_secret.id}/delete",
        data={"csrf_token": token_from(emulator, path)},
    )
    assert response.status_code == 400
    assert secret_works(emulator, theirs.application.client_id, theirs.client_secret)


def test_change_settings(emulator: EmulatorHarness) -> None:
    created = emulator.application()
    client_id = created.application.client_id
    path = f"{BASE}/{client_id}"
    response = emulator.client.post(
        path,
        data={
            "csrf_token": token_from(emulator, path),
            **settings(
                name="Renamed",
                redirectUris="https://example.com/a\nhttps://example.com/b",
                apis=["agent-authorisation"],
                rateLimitPerSecond="12",
                grantLengthDays="0",
            ),
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == path
    application = stored(emulator, client_id)
    assert application.name == "Renamed"
    assert application.redirect_uris == ("https://example.com/a", "https://example.com/b")
    assert application.apis == {"agent-authorisation"}
    assert (application.rate_limit_per_second, application.grant_length_days) == (12, 0)
    page = emulator.client.get(path).text
    assert "Your changes have been saved" in page
    assert "<td>4 hours</td>" in page
    # The client's secret is untouched.
    assert secret_works(emulator, client_id, created.client_secret)


def test_unticking_every_api_unsubscribes(emulator: EmulatorHarness) -> None:
    created = emulator.application()
    path = f"{BASE}/{created.application.client_id}"
    form = settings()
    del form["apis"]
    response = emulator.client.post(path, data={"csrf_token": token_from(emulator, path), **form})
    assert response.status_code == 303
    assert stored(emulator, created.application.client_id).apis == frozenset()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"redirectUris": "https://example.com/#x"}, "redirectUris"),
        ({"rateLimitPerSecond": "1.5"}, "rateLimitPerSecond"),
        ({"rateLimitPerSecond": "10001"}, "rateLimitPerSecond"),
        ({"grantLengthDays": "7"}, "grantLengthDays"),
        ({"name": " "}, "name"),
    ],
)
def test_change_settings_refuses_bad_ones(
    emulator: EmulatorHarness, changes: dict[str, Any], field: str
) -> None:
    created = emulator.application()
    client_id = created.application.client_id
    path = f"{BASE}/{client_id}"
    before = stored(emulator, client_id)
    response = emulator.client.post(
        path, data={"csrf_token": token_from(emulator, path), **settings(**changes)}
    )
    assert response.status_code == 400
    assert [f for f, _ in error_summary(response.text)] == [field]
    assert stored(emulator, client_id) == before


def test_change_settings_refuses_a_rate_limit_of_zero(emulator: EmulatorHarness) -> None:
    created = emulator.application()
    path = f"{BASE}/{created.application.client_id}"
    response = emulator.client.post(
        path,
        data={"csrf_token": token_from(emulator, path), **settings(rateLimitPerSecond="0")},
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "suffix", ["/nosuchclient", "/nosuchclient/secrets", "/x/secrets/1/delete"]
)
def test_posts_to_unknown_applications_are_404(emulator: EmulatorHarness, suffix: str) -> None:
    token = token_from(emulator, f"{BASE}/new")
    response = emulator.client.post(f"{BASE}{suffix}", data={"csrf_token": token, **settings()})
    assert response.status_code == 404
    assert "Application not found" in response.text


@pytest.mark.parametrize(
    "path",
    [
        BASE,
        BASE + "/{client_id}",
        BASE + "/{client_id}/secrets",
        BASE + "/{client_id}/secrets/{secret_id}/delete",
    ],
)
@pytest.mark.parametrize("token", [None, "forged"])
def test_every_form_needs_the_csrf_token(
    emulator: EmulatorHarness, path: str, token: str | None
) -> None:
    created = emulator.application()
    client_id = created.application.client_id
    emulator.client.post(
        f"{BASE}/{client_id}/secrets", data={"csrf_token": token_from(emulator, f"{BASE}/new")}
    )
    before = stored(emulator, client_id)
    emulator.client.get(BASE)  # the browser has a session
    data: dict[str, Any] = settings(name="Changed")
    if token is not None:
        data["csrf_token"] = token
    target = path.format(client_id=client_id, secret_id=before.secrets[0].id)
    response = emulator.client.post(target, data=data)
    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert stored(emulator, client_id) == before
    with emulator.services.store.transaction() as tx:
        assert len(tx.applications.list()) == 1


def test_a_new_browser_cannot_post_without_a_session(emulator: EmulatorHarness) -> None:
    token = token_from(emulator, f"{BASE}/new")
    stranger = emulator.new_client()
    response = stranger.post(BASE, data={"csrf_token": token, **settings()})
    assert response.status_code == 403
