"""Tests for openmtd.emulator.oauth.redirect_uris: registration rules and exact matching."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmtd.emulator.oauth.redirect_uris import (
    MAX_REDIRECT_URIS,
    OOB,
    OOB_AUTO,
    OUT_OF_BAND_URIS,
    InvalidRedirectUriError,
    is_out_of_band,
    is_registered,
    redirect_with_params,
    validate_redirect_uri,
    validate_redirect_uris,
)

# --- registration ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "uri",
    [
        "https://example.com/callback",
        "https://example.com",
        "https://example.com:8443/oauth/cb?tenant=42&x=a%20b",
        "https://localhost/cb",
        "https://sub.example.co.uk/a/b/c/",
        "http://localhost/cb",
        "http://localhost:8080/cb",
        "http://localhost:9876",
        "http://LOCALHOST:8080/cb",
        "HTTPS://Example.COM/CB",
        "https://example.com:/cb",
        "https://example.com/cb?",
        "https://example.com/%7Euser/cb",
        "urn:ietf:wg:oauth:2.0:oob",
        "urn:ietf:wg:oauth:2.0:oob:auto",
    ],
)
def test_registrable(uri: str) -> None:
    validate_redirect_uri(uri)


def refusal(uri: str) -> str:
    with pytest.raises(InvalidRedirectUriError) as caught:
        validate_redirect_uri(uri)
    assert caught.value.uri == uri
    assert str(caught.value) == caught.value.reason
    return caught.value.reason


@pytest.mark.parametrize(
    ("uri", "reason"),
    [
        ("", "Enter a redirect URI"),
        ("https://example.com/my callback", "cannot contain spaces"),
        (" https://example.com/cb", "cannot contain spaces"),
        ("https://example.com/cb\n", "cannot contain spaces"),
        ("https://example.com/cb\t", "cannot contain spaces"),
        ("https://example.com/caf\u00e9", "cannot contain '\u00e9'"),
        ("https://ex\u00e4mple.com/cb", "xn-- form"),
        ("https://example.com/cb?a=<b>", "cannot contain '<' '>'"),
        ("https://example.com/\x00", "cannot contain '\\x00'"),
        ('https://example.com/"cb"', "percent-encode"),
        ("https://example.com/100%", "Every % in a redirect URI"),
        ("https://example.com/%zz", "Every % in a redirect URI"),
        ("https://example.com/%2", "Every % in a redirect URI"),
        ("https://[::1/cb", "not a valid URI"),
        ("https://exa]mple.com/cb", "not a valid URI"),
        ("/callback", "must be absolute"),
        ("example.com/callback", "must be absolute"),
        ("//example.com/callback", "must be absolute"),
        ("urn:ietf:wg:oauth:2.0:oob:manual", "only urn: redirect URIs allowed"),
        ("urn:ietf:wg:oauth:2.0:OOB", "only urn: redirect URIs allowed"),
        ("ftp://example.com/cb", "this one starts with ftp:"),
        ("mtd-app://callback", "must start with https://"),
        ("localhost:8080/cb", "must start with https://"),
        ("https://example.com/cb#frag", "cannot contain a fragment"),
        ("https://example.com/cb#", "cannot contain a fragment"),
        ("http://localhost:8080/cb#x", "cannot contain a fragment"),
        ("https://user:pass@example.com/cb", "user name or password"),
        ("https://user@example.com/cb", "user name or password"),
        ("https:///cb", "must name a host after https://"),
        ("https:/example.com/cb", "must name a host after https://"),
        ("https:example.com", "must name a host"),
        ("https://:8443/cb", "must name a host"),
        ("http:///cb", "must name a host after http://"),
        ("https://example.com:0/cb", "port"),
        ("https://example.com:65536/cb", "port"),
        ("https://example.com:http/cb", "port"),
        ("https://example.com:+443/cb", "port"),
        ("https://example.com:80:80/cb", "port"),
    ],
)
def test_refusals_say_what_to_fix(uri: str, reason: str) -> None:
    assert reason in refusal(uri)


@pytest.mark.parametrize(
    "uri",
    [
        "http://127.0.0.1:8080/cb",
        "http://127.0.0.1/cb",
        "https://192.168.1.1/cb",
        "https://10.0.0.1:8443/cb",
        "https://[::1]/cb",
        "http://[::1]:8080/cb",
        "https://[2001:db8::1]/cb",
        "https://[::ffff:127.0.0.1]/cb",
        # Shorthand IPv4 that browsers resolve to an address all the same.
        "http://127.1/cb",
        "http://2130706433/cb",
        "http://0x7f.0.0.1/cb",
        "https://0x7F000001/cb",
        "https://1.2.3.4./cb",
    ],
)
def test_ip_address_hosts_are_refused(uri: str) -> None:
    reason = refusal(uri)
    assert "IP address" in reason
    assert "http://localhost:PORT" in reason


@pytest.mark.parametrize(
    "uri",
    [
        "http://example.com/cb",
        "http://localhost.evil.com/cb",
        "http://evil.com.localhost/cb",
        "http://app.localhost:8080/cb",
        "http://localhost./cb",
        "http://localhost0/cb",
    ],
)
def test_plain_http_only_to_localhost(uri: str) -> None:
    assert "Plain http:// is allowed only for localhost" in refusal(uri)


def test_a_host_that_merely_contains_digits_is_not_an_ip() -> None:
    validate_redirect_uri("https://123.example.com/cb")
    validate_redirect_uri("https://app1.example2/cb")
    validate_redirect_uri("https://0xcafe.example/cb")


def test_out_of_band_forms() -> None:
    assert {"urn:ietf:wg:oauth:2.0:oob", "urn:ietf:wg:oauth:2.0:oob:auto"} == OUT_OF_BAND_URIS
    assert is_out_of_band(OOB)
    assert is_out_of_band(OOB_AUTO)
    assert not is_out_of_band("urn:ietf:wg:oauth:2.0:oob:manual")
    assert not is_out_of_band("URN:ietf:wg:oauth:2.0:oob")
    assert not is_out_of_band("https://example.com/cb")


def test_list_of_one_to_five_is_returned_as_a_tuple() -> None:
    uris = [f"https://example.com/cb{i}" for i in range(MAX_REDIRECT_URIS)]
    assert MAX_REDIRECT_URIS == 5
    assert validate_redirect_uris(uris) == tuple(uris)
    assert validate_redirect_uris([OOB]) == (OOB,)
    assert validate_redirect_uris((OOB, OOB_AUTO, "http://localhost:8080/cb")) == (
        OOB,
        OOB_AUTO,
        "http://localhost:8080/cb",
    )


def test_list_of_six_is_refused() -> None:
    uris = [f"https://example.com/cb{i}" for i in range(6)]
    with pytest.raises(InvalidRedirectUriError, match="at most 5 redirect URIs; remove 1") as e:
        validate_redirect_uris(uris)
    assert e.value.uri is None


def test_empty_list_is_refused() -> None:
    with pytest.raises(InvalidRedirectUriError, match="at least one") as caught:
        validate_redirect_uris([])
    assert caught.value.uri is None


def test_duplicates_are_refused() -> None:
    with pytest.raises(InvalidRedirectUriError, match="listed twice") as caught:
        validate_redirect_uris(["https://example.com/a", OOB, "https://example.com/a"])
    assert caught.value.uri == "https://example.com/a"


def test_uris_differing_only_in_case_are_not_duplicates() -> None:
    # They are different URIs to the exact matcher, so both may be registered.
    uris = ("https://example.com/cb", "https://example.com/CB")
    assert validate_redirect_uris(uris) == uris


def test_each_uri_in_a_list_is_checked() -> None:
    with pytest.raises(InvalidRedirectUriError, match="IP address") as caught:
        validate_redirect_uris(["https://example.com/cb", "http://127.0.0.1:8080/cb"])
    assert caught.value.uri == "http://127.0.0.1:8080/cb"


def test_a_bare_string_is_not_a_list() -> None:
    with pytest.raises(TypeError):
        validate_redirect_uris("https://example.com/cb")


def test_invalid_redirect_uri_error_is_a_value_error() -> None:
    assert issubclass(InvalidRedirectUriError, ValueError)


# --- exact matching ---------------------------------------------------------------------

REGISTERED = (
    "https://example.com/oauth/callback",
    "http://localhost:8080/cb",
    "https://example.com/cb?tenant=1",
    OOB,
)


@pytest.mark.parametrize("uri", REGISTERED)
def test_identical_uri_is_registered(uri: str) -> None:
    assert is_registered(REGISTERED, uri)


@pytest.mark.parametrize(
    "supplied",
    [
        "https://EXAMPLE.com/oauth/callback",  # host case
        "HTTPS://example.com/oauth/callback",  # scheme case
        "https://example.com/OAuth/callback",  # path case
        "https://example.com/oauth/callback/",  # trailing slash
        "https://example.com/oauth/callback?x=1",  # extra query
        "https://example.com/oauth/callback?",  # empty query
        "https://example.com/oauth%2Fcallback",  # encoded slash
        "https://example.com/oauth/%63allback",  # encoded unreserved character
        "https://example.com:443/oauth/callback",  # default port spelt out
        "https://example.com:8443/oauth/callback",  # another port
        "http://example.com/oauth/callback",  # http instead of https
        "https://example.com/oauth/callback#x",  # fragment
        "https://example.com/oauth/callback ",  # trailing space
        "https://www.example.com/oauth/callback",
        "https://example.com/oauth",  # a prefix
        "example.com/oauth/callback",  # a substring
        "http://localhost/cb",  # port left out
        "http://localhost:8081/cb",
        "http://127.0.0.1:8080/cb",
        "https://localhost:8080/cb",
        "https://example.com/cb?tenant=2",
        "https://example.com/cb?tenant=1&x=2",
        "https://example.com/cb",
        "urn:ietf:wg:oauth:2.0:oob:auto",
        "",
    ],
)
def test_anything_not_identical_is_not_registered(supplied: str) -> None:
    assert not is_registered(REGISTERED, supplied)


def test_nothing_is_registered_for_an_empty_list() -> None:
    assert not is_registered([], "https://example.com/oauth/callback")


def test_is_registered_refuses_a_bare_string() -> None:
    with pytest.raises(TypeError):
        is_registered("https://example.com/cb", "https://example.com/cb")


uri_text = st.text(min_size=0, max_size=40)


@given(st.lists(uri_text, max_size=5), uri_text)
def test_is_registered_is_exactly_membership_by_equality(
    registered: list[str], supplied: str
) -> None:
    assert is_registered(registered, supplied) == any(r == supplied for r in registered)
    assert is_registered([*registered, supplied], supplied)


@given(uri_text, uri_text)
def test_two_strings_match_only_if_identical(first: str, second: str) -> None:
    assert is_registered([first], second) == (first == second)


# --- building the redirect ----------------------------------------------------------------


def test_params_start_the_query_when_there_is_none() -> None:
    assert (
        redirect_with_params("https://example.com/cb", [("code", "abc"), ("state", "x y&z")])
        == "https://example.com/cb?code=abc&state=x+y%26z"
    )


def test_params_are_appended_to_an_existing_query() -> None:
    assert (
        redirect_with_params("https://example.com/cb?tenant=1", [("code", "abc")])
        == "https://example.com/cb?tenant=1&code=abc"
    )


@pytest.mark.parametrize("uri", ["https://example.com/cb?", "https://example.com/cb?a=1&"])
def test_no_doubled_separator_after_a_trailing_question_mark_or_ampersand(uri: str) -> None:
    assert redirect_with_params(uri, [("code", "abc")]) == f"{uri}code=abc"


def test_a_question_mark_inside_the_query_is_part_of_it() -> None:
    out = redirect_with_params("https://example.com/cb??", [("code", "abc")])
    assert out == "https://example.com/cb??&code=abc"
    assert parse_qsl(urlsplit(out).query, keep_blank_values=True)[-1] == ("code", "abc")


def test_no_params_leaves_the_uri_alone() -> None:
    assert redirect_with_params("https://example.com/cb?a=1", []) == "https://example.com/cb?a=1"


def test_values_are_form_urlencoded() -> None:
    out = redirect_with_params(
        "http://localhost:8080/cb",
        [("error_description", "user denied the authorization"), ("state", "a+b/c=d?e#f\u00e9")],
    )
    assert out == (
        "http://localhost:8080/cb?error_description=user+denied+the+authorization"
        "&state=a%2Bb%2Fc%3Dd%3Fe%23f%C3%A9"
    )


def test_a_uri_with_a_fragment_cannot_carry_params() -> None:
    with pytest.raises(ValueError, match="fragment"):
        redirect_with_params("https://example.com/cb#x", [("code", "abc")])


_label = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=10)
_query_chars = "abcdefghijklmnopqrstuvwxyzABC0123456789-._~!$'()*,;:@/?=&+%20"
registered_uris = st.builds(
    lambda host, path, query: f"https://{host}.example{path}{query}",
    _label,
    st.sampled_from(["", "/", "/cb", "/oauth/callback/"]),
    st.one_of(
        st.just(""),
        st.just("?"),
        st.text(alphabet=_query_chars, max_size=20).map(lambda q: f"?{q.replace('%', '%25')}"),
    ),
)
free_text = st.text(st.characters(codec="utf-8"), max_size=30)


@given(registered_uris, st.lists(st.tuples(free_text, free_text), max_size=4))
def test_redirect_keeps_the_registered_uri_and_carries_the_params_exactly(
    uri: str, params: list[tuple[str, str]]
) -> None:
    validate_redirect_uri(uri)
    out = redirect_with_params(uri, params)
    assert out.startswith(uri)
    query = urlsplit(out).query
    assert urlsplit(out).fragment == ""
    parsed = parse_qsl(query, keep_blank_values=True)
    if params:
        assert parsed[-len(params) :] == params
    else:
        assert out == uri
