"""Tests for openmtd.emulator.oauth.authorize: HMRC's /oauth/authorize checks and their order."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.datastructures import QueryParams

from openmtd.emulator.oauth.authorize import (
    RESPONSE_TYPE_CODE,
    AuthorizeRequest,
    MultiParams,
    authorize_error_body,
    granted_redirect_params,
    validate_authorize_request,
)
from openmtd.emulator.oauth.errors import (
    InvalidRequestError,
    InvalidScopeError,
    OAuthError,
    UnsupportedResponseTypeError,
)
from openmtd.emulator.oauth.pkce import s256_challenge

CLIENT_ID = "Hf8sfkiUkYp9I3_R10qSnZ2ZUvoa"
REDIRECT = "http://localhost:8080/cb"
OTHER_REDIRECT = "https://example.com/oauth/callback?tenant=1"
CHALLENGE = s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
APPS = {CLIENT_ID: (REDIRECT, OTHER_REDIRECT), "no-uris": ()}

GOOD = [
    ("response_type", "code"),
    ("client_id", CLIENT_ID),
    ("scope", "read:self-assessment write:self-assessment"),
    ("redirect_uri", REDIRECT),
    ("state", "s1"),
]


def find(client_id: str) -> Sequence[str] | None:
    return APPS.get(client_id)


def query(pairs: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """What a web framework hands over: a raw query string, URL-decoded, every value kept."""
    return parse_qs(urlencode(pairs), keep_blank_values=True)


def with_(*extra: tuple[str, str], without: Sequence[str] = ()) -> dict[str, list[str]]:
    return query([(k, v) for k, v in GOOD if k not in without] + list(extra))


def refused(params: Any) -> OAuthError:
    with pytest.raises(OAuthError) as caught:
        validate_authorize_request(params, find)
    return caught.value


# --- success -----------------------------------------------------------------------------


def test_a_good_request() -> None:
    assert validate_authorize_request(query(GOOD), find) == AuthorizeRequest(
        client_id=CLIENT_ID,
        redirect_uri=REDIRECT,
        scopes=("read:self-assessment", "write:self-assessment"),
        state="s1",
        code_challenge=None,
        code_challenge_method=None,
    )


def test_a_good_request_with_pkce_and_no_state() -> None:
    request = validate_authorize_request(
        with_(("code_challenge", CHALLENGE), ("code_challenge_method", "S256"), without=["state"]),
        find,
    )
    assert request.state is None
    assert request.code_challenge == CHALLENGE
    assert request.code_challenge_method == "S256"
    assert request.uses_pkce


def test_without_pkce_the_request_does_not_use_it() -> None:
    assert not validate_authorize_request(query(GOOD), find).uses_pkce


def test_the_registered_uri_with_its_own_query_is_accepted() -> None:
    request = validate_authorize_request(
        with_(("redirect_uri", OTHER_REDIRECT), without=["redirect_uri"]), find
    )
    assert request.redirect_uri == OTHER_REDIRECT


@pytest.mark.parametrize(
    "state",
    ["", " ", "a b+c&d=e#f", "\u00e9\u20ac\U0001f600", "x" * 2000, "<script>alert(1)</script>"],
)
def test_state_is_returned_unchanged(state: str) -> None:
    request = validate_authorize_request(with_(("state", state), without=["state"]), find)
    assert request.state == state


def test_a_code_challenge_is_not_checked_beyond_being_non_empty() -> None:
    # HMRC's table only says "if present, cannot be empty"; openmtd adds nothing stricter.
    request = validate_authorize_request(
        with_(("code_challenge", "short +/="), ("code_challenge_method", "S256")), find
    )
    assert request.code_challenge == "short +/="


def test_unknown_extra_parameters_are_ignored() -> None:
    request = validate_authorize_request(with_(("prompt", "login"), ("nonce", "n")), find)
    assert request.client_id == CLIENT_ID


def test_duplicate_scopes_collapse() -> None:
    request = validate_authorize_request(
        with_(("scope", "hello  hello read:self-assessment"), without=["scope"]), find
    )
    assert request.scopes == ("hello", "read:self-assessment")


def test_request_is_frozen() -> None:
    request = validate_authorize_request(query(GOOD), find)
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.state = "other"  # type: ignore[misc]


# --- every row of HMRC's table (hmrc-wire-facts.md §2.2) -----------------------------------


def body(error: str, description: str) -> dict[str, str]:
    return {"error": error, "error_description": description}


TABLE = [
    pytest.param(
        with_(without=["client_id"]),
        body("invalid_request", "client_id is required"),
        id="missing client_id",
    ),
    pytest.param(
        with_(("client_id", "unknown"), without=["client_id"]),
        body("invalid_request", "client_id is invalid"),
        id="invalid client_id",
    ),
    pytest.param(
        with_(without=["redirect_uri"]),
        body("invalid_request", "redirect_uri is required"),
        id="missing redirect_uri",
    ),
    pytest.param(
        with_(("redirect_uri", "https://elsewhere.example/cb"), without=["redirect_uri"]),
        body("invalid_request", "redirect_uri is invalid"),
        id="invalid redirect_uri",
    ),
    pytest.param(
        with_(without=["response_type"]),
        body("invalid_request", "response_type is required"),
        id="missing response_type",
    ),
    pytest.param(
        with_(("response_type", "token"), without=["response_type"]),
        body("unsupported_response_type", "response_type must be 'code'"),
        id="response_type not code",
    ),
    pytest.param(
        with_(without=["scope"]),
        body("invalid_request", "scope is required"),
        id="missing scope",
    ),
    pytest.param(
        with_(("scope", "read:vat"), without=["scope"]),
        body("invalid_scope", "scope is invalid"),
        id="invalid scope",
    ),
    pytest.param(
        with_(("client_secret", "s3cret")),
        body("invalid_request", "client_secret should NOT be present"),
        id="client_secret sent",
    ),
    pytest.param(
        with_(("code_challenge", ""), ("code_challenge_method", "S256")),
        body("invalid_request", "code_challenge if present, cannot be empty"),
        id="empty code_challenge",
    ),
    pytest.param(
        with_(("code_challenge", CHALLENGE), ("code_challenge_method", "plain")),
        body("invalid_request", "code_challenge_method, if present, must be S256"),
        id="method not S256",
    ),
    pytest.param(
        with_(("code_challenge", CHALLENGE)),
        body(
            "invalid_request",
            "code_challenge_method should be present when code_challenge is present",
        ),
        id="challenge without method",
    ),
    pytest.param(
        with_(("code_challenge_method", "S256")),
        body(
            "invalid_request",
            "code_challenge should be present when code_challenge_method is present",
        ),
        id="method without challenge",
    ),
]


@pytest.mark.parametrize(("params", "expected"), TABLE)
def test_every_row_of_hmrcs_table(params: dict[str, list[str]], expected: dict[str, str]) -> None:
    error = refused(params)
    assert authorize_error_body(error) == expected
    assert error.status_code == 400
    assert error.response() == (
        400,
        expected,
        {"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


# --- edge cases of each check --------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "error_type", "description"),
    [
        # Empty counts as missing.
        (
            with_(("client_id", ""), without=["client_id"]),
            InvalidRequestError,
            "client_id is required",
        ),
        (
            with_(("redirect_uri", ""), without=["redirect_uri"]),
            InvalidRequestError,
            "redirect_uri is required",
        ),
        (
            with_(("response_type", ""), without=["response_type"]),
            InvalidRequestError,
            "response_type is required",
        ),
        (with_(("scope", ""), without=["scope"]), InvalidRequestError, "scope is required"),
        # A client_id that differs only in case is another client.
        (
            with_(("client_id", CLIENT_ID.lower()), without=["client_id"]),
            InvalidRequestError,
            "client_id is invalid",
        ),
        # An application with no redirect URI can match none.
        (
            with_(("client_id", "no-uris"), without=["client_id"]),
            InvalidRequestError,
            "redirect_uri is invalid",
        ),
        # client_secret is refused even when empty.
        (with_(("client_secret", "")), InvalidRequestError, "client_secret should NOT be present"),
        # response_type is case-sensitive and takes one value.
        (
            with_(("response_type", "CODE"), without=["response_type"]),
            UnsupportedResponseTypeError,
            "response_type must be 'code'",
        ),
        (
            with_(("response_type", "code token"), without=["response_type"]),
            UnsupportedResponseTypeError,
            "response_type must be 'code'",
        ),
        # Scopes: a %2B-encoded plus, and a value of only spaces.
        (
            query(
                [
                    (k, "read:self-assessment+write:self-assessment" if k == "scope" else v)
                    for k, v in GOOD
                ]
            ),
            InvalidScopeError,
            "scope is invalid",
        ),
        (with_(("scope", "  "), without=["scope"]), InvalidScopeError, "scope is invalid"),
        # PKCE method: case-sensitive; empty counts as present and not S256.
        (
            with_(("code_challenge", CHALLENGE), ("code_challenge_method", "s256")),
            InvalidRequestError,
            "code_challenge_method, if present, must be S256",
        ),
        (
            with_(("code_challenge", CHALLENGE), ("code_challenge_method", "")),
            InvalidRequestError,
            "code_challenge_method, if present, must be S256",
        ),
        (
            with_(("code_challenge_method", "plain")),
            InvalidRequestError,
            "code_challenge_method, if present, must be S256",
        ),
        # An empty challenge is reported as empty even without a method.
        (
            with_(("code_challenge", "")),
            InvalidRequestError,
            "code_challenge if present, cannot be empty",
        ),
    ],
)
def test_edge_cases(params: Any, error_type: type[OAuthError], description: str) -> None:
    error = refused(params)
    assert type(error) is error_type
    assert error.description == description


# --- repeated parameters (RFC 6749 §3.1) -------------------------------------------------


@pytest.mark.parametrize(
    ("repeated", "error_type", "description"),
    [
        (("client_id", CLIENT_ID), InvalidRequestError, "client_id is invalid"),
        (("redirect_uri", REDIRECT), InvalidRequestError, "redirect_uri is invalid"),
        (("client_secret", "x"), InvalidRequestError, "client_secret should NOT be present"),
        (("response_type", "code"), UnsupportedResponseTypeError, "response_type must be 'code'"),
        (("scope", "hello"), InvalidScopeError, "scope is invalid"),
        (("state", "s2"), InvalidRequestError, "state is invalid"),
    ],
)
def test_a_repeated_parameter_is_invalid(
    repeated: tuple[str, str], error_type: type[OAuthError], description: str
) -> None:
    params = query([*GOOD, ("client_secret", "x")] if repeated[0] == "client_secret" else GOOD)
    params.setdefault(repeated[0], []).append(repeated[1])
    error = refused(params)
    assert type(error) is error_type
    assert error.description == description


def test_same_value_twice_is_still_repeated() -> None:
    error = refused(with_(("redirect_uri", REDIRECT)))
    assert error.description == "redirect_uri is invalid"


def test_a_repeated_code_challenge_is_invalid() -> None:
    error = refused(
        with_(
            ("code_challenge", CHALLENGE),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        )
    )
    assert error.body() == body("invalid_request", "code_challenge is invalid")


def test_a_repeated_code_challenge_method_is_not_s256() -> None:
    error = refused(
        with_(
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("code_challenge_method", "S256"),
        )
    )
    assert error.description == "code_challenge_method, if present, must be S256"


# --- order of checks ---------------------------------------------------------------------

ALL_FAULTS = [
    ("client_secret", "s3cret"),
    ("response_type", "token"),
    ("scope", "read:vat"),
    ("code_challenge", ""),
    ("code_challenge_method", "plain"),
]


@pytest.mark.parametrize(
    ("pairs", "description"),
    [
        ([], "client_id is required"),
        ([("client_id", "unknown")], "client_id is invalid"),
        ([("client_id", "unknown"), ("redirect_uri", "x")], "client_id is invalid"),
        ([("client_id", CLIENT_ID)], "redirect_uri is required"),
        ([("client_id", CLIENT_ID), ("redirect_uri", "x")], "redirect_uri is invalid"),
        (
            [("client_id", CLIENT_ID), ("redirect_uri", REDIRECT)],
            "client_secret should NOT be present",
        ),
    ],
)
def test_client_and_redirect_uri_are_checked_before_anything_else(
    pairs: list[tuple[str, str]], description: str
) -> None:
    assert refused(query([*pairs, *ALL_FAULTS])).description == description


def test_order_through_the_whole_table() -> None:
    base = [("client_id", CLIENT_ID), ("redirect_uri", REDIRECT)]
    steps = [
        # (params, expected) each fixing the previous fault and leaving all later ones.
        ([*base, ("client_secret", "x"), ("response_type", "token")], "client_secret"),
        ([*base, ("code_challenge_method", "plain")], "response_type is required"),
        ([*base, ("response_type", "token"), ("scope", "bad")], "response_type must be"),
        ([*base, ("response_type", "code"), ("code_challenge", "")], "scope is required"),
        (
            [*base, ("response_type", "code"), ("scope", "bad"), ("code_challenge", "")],
            "scope is invalid",
        ),
        (
            [
                *base,
                ("response_type", "code"),
                ("scope", "hello"),
                ("code_challenge", ""),
                ("code_challenge_method", "plain"),
            ],
            "code_challenge if present, cannot be empty",
        ),
        (
            [
                *base,
                ("response_type", "code"),
                ("scope", "hello"),
                ("code_challenge_method", "plain"),
                ("state", "a"),
                ("state", "b"),
            ],
            "code_challenge_method, if present, must be S256",
        ),
        (
            [
                *base,
                ("response_type", "code"),
                ("scope", "hello"),
                ("code_challenge", CHALLENGE),
                ("state", "a"),
                ("state", "b"),
            ],
            "code_challenge_method should be present",
        ),
        (
            [
                *base,
                ("response_type", "code"),
                ("scope", "hello"),
                ("code_challenge_method", "S256"),
                ("state", "a"),
                ("state", "b"),
            ],
            "code_challenge should be present",
        ),
        (
            [*base, ("response_type", "code"), ("scope", "hello"), ("state", "a"), ("state", "b")],
            "state is invalid",
        ),
    ]
    for pairs, description in steps:
        assert refused(query(pairs)).description.startswith(description), pairs


# --- the shapes of params accepted ---------------------------------------------------------


def test_starlette_query_params_are_read_with_all_their_values() -> None:
    assert isinstance(QueryParams(""), MultiParams)
    good = QueryParams(urlencode(GOOD))
    assert validate_authorize_request(good, find).scopes == (
        "read:self-assessment",
        "write:self-assessment",
    )
    # Starlette's mapping view shows only the last value; getlist must be what is used.
    twice = QueryParams(urlencode([*GOOD, ("redirect_uri", REDIRECT)]))
    assert refused(twice).description == "redirect_uri is invalid"


def test_a_plain_dict_of_single_strings_is_accepted() -> None:
    request = validate_authorize_request(dict(GOOD), find)
    assert request.redirect_uri == REDIRECT
    assert request.state == "s1"


def test_tuples_of_values_are_accepted() -> None:
    params = {k: tuple(v) for k, v in query(GOOD).items()}
    assert validate_authorize_request(params, find).client_id == CLIENT_ID


def test_unknown_client_is_looked_up_once_and_redirect_uri_never_consulted() -> None:
    calls: list[str] = []

    def spy(client_id: str) -> Sequence[str] | None:
        calls.append(client_id)
        return None

    with pytest.raises(InvalidRequestError, match=r"^client_id is invalid$"):
        validate_authorize_request(query(GOOD), spy)
    assert calls == [CLIENT_ID]


# --- success redirect parameters -----------------------------------------------------------


def test_granted_redirect_params() -> None:
    assert granted_redirect_params("0123abcd", "s1") == [("code", "0123abcd"), ("state", "s1")]
    assert granted_redirect_params("0123abcd", None) == [("code", "0123abcd")]
    assert granted_redirect_params("0123abcd", "") == [("code", "0123abcd"), ("state", "")]


def test_response_type_constant() -> None:
    assert RESPONSE_TYPE_CODE == "code"


@given(st.text(st.characters(codec="utf-8"), max_size=50))
def test_any_state_round_trips_through_a_query_string(state: str) -> None:
    params = QueryParams(urlencode([*GOOD[:-1], ("state", state)]))
    assert validate_authorize_request(params, find).state == state
