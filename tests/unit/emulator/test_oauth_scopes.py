"""Tests for openmtd.emulator.oauth.scopes: the catalogue and HMRC's ``scope`` parsing."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmtd.emulator.oauth.errors import InvalidScopeError
from openmtd.emulator.oauth.scopes import (
    AGENT_SCOPES,
    SCOPES,
    Scope,
    lookup,
    parse_scope_param,
    required_confidence_level,
    scope_string,
)

AGENT = [
    "read:sent-invitations",
    "write:sent-invitations",
    "read:check-relationship",
    "write:cancel-invitations",
    "write:relationships",
]


def decoded(query: str) -> str:
    """The scope value a web framework hands over for a raw query string."""
    return parse_qs(query, keep_blank_values=True)["scope"][0]


def test_self_assessment_scopes_match_hmrcs_register() -> None:
    assert SCOPES["read:self-assessment"] == Scope(
        "read:self-assessment", "View your Self Assessment information", 250
    )
    assert SCOPES["write:self-assessment"] == Scope(
        "write:self-assessment", "Change your Self Assessment information", 250
    )


def test_hello_needs_no_confidence_level() -> None:
    assert SCOPES["hello"] == Scope("hello", "Hello World test API", None)


def test_agent_scopes() -> None:
    assert set(AGENT) == AGENT_SCOPES
    assert SCOPES.keys() >= AGENT_SCOPES
    for key in AGENT:
        assert SCOPES[key].confidence_level is None
    # Five different lines on the grant page, not five "Agent Authorisation"s.
    assert len({SCOPES[key].display_name for key in AGENT}) == 5


def test_catalogue_is_exactly_the_itsa_scopes_and_keys_agree() -> None:
    assert list(SCOPES) == [
        "read:self-assessment",
        "write:self-assessment",
        *AGENT,
        "hello",
    ]
    assert all(key == scope.key for key, scope in SCOPES.items())


def test_catalogue_cannot_be_changed() -> None:
    with pytest.raises(TypeError):
        SCOPES["x"] = Scope("x", "x")  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        SCOPES["hello"].confidence_level = 50  # type: ignore[misc]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("scope=read:self-assessment", ("read:self-assessment",)),
        (
            "scope=read:self-assessment%20write:self-assessment",
            ("read:self-assessment", "write:self-assessment"),
        ),
        (
            "scope=read:self-assessment+write:self-assessment",
            ("read:self-assessment", "write:self-assessment"),
        ),
        (
            "scope=read:self-assessment%20%20++write:self-assessment",
            ("read:self-assessment", "write:self-assessment"),
        ),
        ("scope=+hello+", ("hello",)),
        (
            "scope=read%3Aself-assessment",  # an encoded colon is still the same scope
            ("read:self-assessment",),
        ),
    ],
)
def test_spaces_however_encoded_separate_scopes(query: str, expected: tuple[str, ...]) -> None:
    assert parse_scope_param(decoded(query)) == expected


def test_encoded_plus_between_scopes_is_refused() -> None:
    # vat-api#1020: since August 2024 a literal "+" (sent as %2B) makes the scope invalid.
    raw = decoded("scope=read:self-assessment%2Bwrite:self-assessment")
    assert raw == "read:self-assessment+write:self-assessment"
    with pytest.raises(InvalidScopeError) as caught:
        parse_scope_param(raw)
    assert caught.value.body() == {
        "error": "invalid_scope",
        "error_description": "scope is invalid",
    }


def test_encoded_plus_anywhere_is_refused_even_with_spaces() -> None:
    with pytest.raises(InvalidScopeError):
        parse_scope_param("hello read:self-assessment+")


@pytest.mark.parametrize(
    "raw",
    [
        "read:vat",
        "read:self-assessment read:vat",
        "READ:SELF-ASSESSMENT",
        "read:self-assessment,write:self-assessment",
        "read:self-assessment\twrite:self-assessment",
        "",
        "   ",
    ],
)
def test_unknown_or_empty_scopes_are_invalid(raw: str) -> None:
    with pytest.raises(InvalidScopeError, match=r"^scope is invalid$"):
        parse_scope_param(raw)


def test_duplicates_collapse_keeping_first_seen_order() -> None:
    assert parse_scope_param("write:self-assessment hello write:self-assessment hello") == (
        "write:self-assessment",
        "hello",
    )


@given(st.lists(st.sampled_from(sorted(SCOPES)), min_size=1), st.integers(1, 4))
def test_any_known_scopes_joined_by_spaces_parse_back(keys: list[str], gap: int) -> None:
    parsed = parse_scope_param((" " * gap).join(keys))
    assert parsed == tuple(dict.fromkeys(keys))
    assert len(set(parsed)) == len(parsed)


def test_required_confidence_level_is_the_highest_needed() -> None:
    assert required_confidence_level(("hello", "read:self-assessment")) == 250
    assert required_confidence_level(["read:self-assessment", "write:self-assessment"]) == 250


def test_required_confidence_level_is_none_when_no_scope_needs_one() -> None:
    assert required_confidence_level(("hello",)) is None
    assert required_confidence_level(AGENT) is None
    assert required_confidence_level(()) is None


def test_required_confidence_level_refuses_unknown_scopes() -> None:
    with pytest.raises(InvalidScopeError):
        required_confidence_level(("read:vat",))


def test_lookup_keeps_order() -> None:
    assert [s.display_name for s in lookup(("hello", "read:self-assessment"))] == [
        "Hello World test API",
        "View your Self Assessment information",
    ]


def test_lookup_refuses_unknown_scopes() -> None:
    with pytest.raises(InvalidScopeError, match=r"^scope is invalid$"):
        lookup(("hello", "nope"))


def test_scope_string_is_space_separated() -> None:
    assert scope_string(("read:self-assessment", "write:self-assessment")) == (
        "read:self-assessment write:self-assessment"
    )
    assert scope_string(()) == ""
