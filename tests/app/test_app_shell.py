"""The app's shell: the start page, the headers every response carries, a clear page for an
unknown path, an over-large body and an expired form, and the settings it refuses."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from openmtd.app.settings import AppSettings, SettingsError, hmrc_environment
from support.app import AppWorld


def test_the_start_page_links_to_the_income_check_and_sign_in(app_world: AppWorld) -> None:
    response = app_world.client.get("/")
    assert response.status_code == 200
    assert 'href="/check-income"' in response.text
    assert 'href="/sign-in"' in response.text
    assert "set-cookie" in response.headers
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


def test_every_response_cannot_be_framed_or_sniffed(app_world: AppWorld) -> None:
    for path in ("/", "/no-such-page", "/assets/app.css"):
        response = app_world.client.get(path)
        assert response.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"


def test_an_unknown_page_is_a_page_not_found(app_world: AppWorld) -> None:
    response = app_world.client.get("/no-such-page")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.text


def test_an_over_large_body_is_refused_before_it_is_read(app_world: AppWorld) -> None:
    response = app_world.client.post("/", content=b"x" * (300 * 1024))
    assert response.status_code == 413
    assert "Too much was sent" in response.text


def test_a_wrong_method_is_a_clear_page(app_world: AppWorld) -> None:
    response = app_world.client.delete("/")
    assert response.status_code == 405
    assert "That cannot be done here" in response.text


def test_settings_refuse_to_run_without_a_token_key_outside_dev_mode() -> None:
    with pytest.raises(SettingsError, match="OPENMTD_APP_TOKEN_KEYS"):
        AppSettings()
    with pytest.raises(SettingsError, match="Fernet key"):
        AppSettings(token_keys=("not a key",))
    assert AppSettings.from_environment({}, dev_mode=True).token_keys
    key = Fernet.generate_key().decode()
    settings = AppSettings.from_environment(
        {"OPENMTD_APP_TOKEN_KEYS": f"{key}, ", "OPENMTD_APP_HMRC": "sandbox"}
    )
    assert settings.token_keys == (key,)
    assert settings.hmrc.name == "sandbox"
    assert key not in repr(settings)


def test_hmrc_is_sandbox_production_or_a_url() -> None:
    assert hmrc_environment("production").name == "production"
    assert hmrc_environment("http://127.0.0.1:8600/").api_base_url == "http://127.0.0.1:8600"
    with pytest.raises(SettingsError, match="sandbox"):
        hmrc_environment("staging")


def test_every_variable_is_read_from_the_environment() -> None:
    key = Fernet.generate_key().decode()
    settings = AppSettings.from_environment(
        {
            "OPENMTD_APP_DATABASE_URL": "sqlite:////tmp/app-settings-test.db",
            "OPENMTD_APP_HMRC": "http://127.0.0.1:8600/",
            "OPENMTD_APP_PUBLIC_URL": "https://app.example/",
            "OPENMTD_APP_TOKEN_KEYS": key,
            "OPENMTD_APP_SECURE_COOKIES": "1",
            "OPENMTD_APP_SMTP_HOST": "smtp.example",
            "OPENMTD_APP_SMTP_PORT": " 2525 ",
            "OPENMTD_APP_SMTP_USERNAME": "mailer",
            "OPENMTD_APP_SMTP_PASSWORD": "mail-secret",
            "OPENMTD_APP_SMTP_STARTTLS": "0",
        }
    )
    assert settings.database_url == "sqlite:////tmp/app-settings-test.db"
    assert settings.hmrc.api_base_url == "http://127.0.0.1:8600"
    assert settings.redirect_uri == "https://app.example/connect/callback"
    assert settings.secure_cookies
    assert settings.smtp is not None
    assert (settings.smtp.host, settings.smtp.port, settings.smtp.username) == (
        "smtp.example",
        2525,
        "mailer",
    )
    assert not settings.smtp.starttls
    assert settings.smtp.sender == "openmtd <noreply@localhost>"
    assert "mail-secret" not in repr(settings)


@pytest.mark.parametrize("port", ["", "smtp", "0", "65536", "２５"])
def test_a_bad_smtp_port_is_a_settings_error(port: str) -> None:
    with pytest.raises(SettingsError, match=r"OPENMTD_APP_SMTP_PORT must be a (port|whole number)"):
        AppSettings.from_environment(
            {"OPENMTD_APP_SMTP_HOST": "smtp.example", "OPENMTD_APP_SMTP_PORT": port},
            dev_mode=True,
        )


@pytest.mark.parametrize("rate", ["0", "1001", "three", "３"])
def test_a_bad_rate_limit_is_a_settings_error(rate: str) -> None:
    with pytest.raises(SettingsError, match="OPENMTD_APP_RATE_LIMIT must be a whole number"):
        AppSettings.from_environment({"OPENMTD_APP_RATE_LIMIT": rate}, dev_mode=True)


def test_the_rate_limit_defaults_to_hmrcs_and_is_read_from_the_environment() -> None:
    assert AppSettings.from_environment({}, dev_mode=True).rate_limit_per_second == 3
    settings = AppSettings.from_environment({"OPENMTD_APP_RATE_LIMIT": "150"}, dev_mode=True)
    assert settings.rate_limit_per_second == 150


def test_a_page_asked_for_on_127_0_0_1_is_sent_to_localhost(app_world: AppWorld) -> None:
    """HMRC returns the browser to localhost only; a session started on 127.0.0.1 would be
    lost on the way, so pages there are redirected first."""
    from starlette.testclient import TestClient

    loopback = TestClient(app_world.app, base_url="http://127.0.0.1:8700", follow_redirects=False)
    answer = loopback.get("/check-income?year=2025-26")
    assert answer.status_code == 307
    assert answer.headers["location"] == "http://localhost:8700/check-income?year=2025-26"
    assert answer.headers["x-frame-options"] == "DENY"  # inside the edge
    assert loopback.post("/check-income").status_code == 403  # not a page: left to CSRF
    other_port = TestClient(app_world.app, base_url="http://127.0.0.1:9999")
    assert other_port.get("/check-income").status_code == 200
    assert app_world.client.get("/check-income").status_code == 200


def test_opt_out_and_sign_up_go_to_hmrcs_own_services_for_real_hmrc() -> None:
    from openmtd.app.services.connection import (
        GOV_UK_SIGN_UP,
        HMRC_REPORTING_FREQUENCY,
        reporting_obligations_url,
        sign_up_url,
    )
    from openmtd.sdk import PRODUCTION, SANDBOX, Environment

    for real in (SANDBOX, PRODUCTION):
        assert reporting_obligations_url(real) == HMRC_REPORTING_FREQUENCY
        assert sign_up_url(real) == GOV_UK_SIGN_UP
    local = Environment.emulator("http://127.0.0.1:8100")
    assert reporting_obligations_url(local) == "http://127.0.0.1:8100/reporting-obligations"
