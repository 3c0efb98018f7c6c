"""Tests for openmtd.emulator.oauth.pkce: RFC 7636 S256 as HMRC supports it."""

from __future__ import annotations

import string

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from openmtd.emulator.oauth.pkce import (
    S256,
    s256_challenge,
    verifier_is_well_formed,
    verifier_matches,
)

# RFC 7636 Appendix B.
RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

ALPHABET = string.ascii_letters + string.digits + "-._~"
verifiers = st.text(alphabet=ALPHABET, min_size=43, max_size=128)


def test_only_s256() -> None:
    assert S256 == "S256"


def test_rfc_7636_appendix_b_vector() -> None:
    assert s256_challenge(RFC_VERIFIER) == RFC_CHALLENGE
    assert verifier_is_well_formed(RFC_VERIFIER)
    assert verifier_matches(RFC_VERIFIER, RFC_CHALLENGE)


@pytest.mark.parametrize(
    "challenge",
    [
        RFC_CHALLENGE + "=",  # padded
        RFC_CHALLENGE[:-1],
        RFC_CHALLENGE.lower(),
        RFC_VERIFIER,  # the "plain" method, which HMRC does not support
        "",
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c\u00e9",  # non-ASCII is an answer, not a crash
        "\ud800",  # even a lone surrogate
    ],
)
def test_anything_but_the_exact_challenge_does_not_match(challenge: str) -> None:
    assert not verifier_matches(RFC_VERIFIER, challenge)


@pytest.mark.parametrize(
    "verifier",
    [
        "a" * 43,
        "a" * 128,
        "-._~" * 11,
        ALPHABET[:43],
        ALPHABET[-43:],
    ],
)
def test_well_formed_verifiers(verifier: str) -> None:
    assert verifier_is_well_formed(verifier)


@pytest.mark.parametrize(
    "verifier",
    [
        "",
        "a" * 42,
        "a" * 129,
        "a" * 42 + "+",
        "a" * 42 + "/",
        "a" * 42 + "=",
        "a" * 42 + " ",
        "a" * 43 + "\n",
        "a" * 42 + "\u00e9",  # a Unicode letter is not ALPHA
        "a" * 42 + "\u0663",  # nor is a Unicode digit
    ],
)
def test_malformed_verifiers(verifier: str) -> None:
    assert not verifier_is_well_formed(verifier)


@given(verifiers)
def test_every_well_formed_verifier_matches_its_own_challenge(verifier: str) -> None:
    assert verifier_is_well_formed(verifier)
    challenge = s256_challenge(verifier)
    assert len(challenge) == 43
    assert set(challenge) <= set(string.ascii_letters + string.digits + "-_")
    assert verifier_matches(verifier, challenge)


@given(verifiers, verifiers)
def test_no_verifier_matches_another_verifiers_challenge(first: str, second: str) -> None:
    assume(first != second)
    assert not verifier_matches(first, s256_challenge(second))
    assert not verifier_matches(second, s256_challenge(first))
