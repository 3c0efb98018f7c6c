"""The SDK's environments and token sets: pure value types."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from openmtd.sdk._environment import PRODUCTION, SANDBOX, Environment
from openmtd.sdk._tokens import DEFAULT_GRANT_LENGTH, TokenSet

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def tokens(**changes: object) -> TokenSet:
    values: dict[str, object] = {
        "access_token": "a" * 32,
        "refresh_token": "r" * 32,
        "expires_at": NOW + timedelta(hours=4),
        "scopes": ("read:self-assessment",),
        "granted_at": NOW,
        "authority_ends_at": NOW + DEFAULT_GRANT_LENGTH,
    }
    values.update(changes)
    return TokenSet(**values)  # type: ignore[arg-type]


def test_hmrc_hosts_split_api_and_browser() -> None:
    assert PRODUCTION.api_url("/oauth/token") == "https://api.service.hmrc.gov.uk/oauth/token"
    assert PRODUCTION.auth_url("/oauth/authorize") == (
        "https://www.tax.service.gov.uk/oauth/authorize"
    )
    assert SANDBOX.api_base_url == "https://test-api.service.hmrc.gov.uk"
    assert SANDBOX.auth_base_url == "https://test-www.tax.service.gov.uk"
    assert SANDBOX.is_test
    assert not PRODUCTION.is_test


def test_emulator_serves_both_roles_from_one_address() -> None:
    env = Environment.emulator("http://127.0.0.1:8100/")
    assert env.api_base_url == env.auth_base_url == "http://127.0.0.1:8100"
    assert env.api_url("/individuals/x") == "http://127.0.0.1:8100/individuals/x"


@pytest.mark.parametrize(
    "url", ["127.0.0.1:8100", "ftp://host", "https://", "https://h/?q=1", "https://h/#f"]
)
def test_a_base_url_that_is_not_an_absolute_http_url_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        Environment(name="x", api_base_url=url, auth_base_url="https://h", is_test=True)


def test_a_path_without_a_leading_slash_is_refused() -> None:
    with pytest.raises(ValueError, match="starts with '/'"):
        SANDBOX.api_url("oauth/token")


def test_secrets_never_show_in_repr() -> None:
    text = repr(tokens()) + str(tokens())
    assert "a" * 32 not in text
    assert "r" * 32 not in text
    assert "read:self-assessment" in text


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="expires_at"):
        tokens(expires_at=datetime(2026, 12, 3, 16, 0))


def test_refresh_is_due_a_minute_before_expiry() -> None:
    t = tokens(expires_at=NOW + timedelta(seconds=61))
    assert not t.needs_refresh(NOW)
    assert t.needs_refresh(NOW + timedelta(seconds=1))
    assert t.needs_refresh(NOW, margin=timedelta(minutes=5))


def test_authority_end_and_the_warning_before_it() -> None:
    t = tokens()
    end = NOW + DEFAULT_GRANT_LENGTH
    assert timedelta(days=547) == DEFAULT_GRANT_LENGTH
    assert not t.authority_ended(end - timedelta(seconds=1))
    assert t.authority_ended(end)
    assert t.authority_ends_within(end - timedelta(days=30), timedelta(days=30))
    assert not t.authority_ends_within(end - timedelta(days=31), timedelta(days=30))


def test_rotation_keeps_the_grant_dates() -> None:
    t = tokens()
    later = NOW + timedelta(hours=5)
    r = t.rotated(access_token="b" * 32, refresh_token="s" * 32, expires_at=later)
    assert (r.access_token, r.refresh_token, r.expires_at) == ("b" * 32, "s" * 32, later)
    assert (r.granted_at, r.authority_ends_at, r.scopes) == (
        t.granted_at,
        t.authority_ends_at,
        t.scopes,
    )
    assert r.rotated(
        access_token="c", refresh_token=None, expires_at=later, scopes=("x",)
    ).scopes == ("x",)
