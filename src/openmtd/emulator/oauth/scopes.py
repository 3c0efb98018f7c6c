"""The OAuth scopes the emulator grants, and HMRC's parsing of the ``scope`` parameter.

The catalogue is the ITSA-relevant part of HMRC's scope register (hmrc-wire-facts.md §2.5):
the grant page shows each scope's display name, and the confidence level decides whether the
user must first complete identity checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from openmtd.emulator.oauth.errors import InvalidScopeError


@dataclass(frozen=True)
class Scope:
    """One OAuth scope as HMRC registers it.

    Attributes:
        key: the value clients send, e.g. ``read:self-assessment``.
        display_name: what the grant-authority page tells the user they are granting.
        confidence_level: the identity confidence the user needs, or None when the scope
            needs none.
    """

    key: str
    display_name: str
    confidence_level: int | None = None


_CATALOGUE: Final[tuple[Scope, ...]] = (
    Scope("read:self-assessment", "View your Self Assessment information", 250),
    Scope("write:self-assessment", "Change your Self Assessment information", 250),
    # openmtd's wording: HMRC's register names all five agent scopes just "Agent
    # Authorisation", which would show the user five identical lines on the grant page.
    Scope("read:sent-invitations", "View authorisation requests sent to clients"),
    Scope("write:sent-invitations", "Send authorisation requests to clients"),
    Scope("read:check-relationship", "Check whether a client has authorised you"),
    Scope("write:cancel-invitations", "Cancel authorisation requests sent to clients"),
    Scope("write:relationships", "Remove client authorisations"),
    Scope("hello", "Hello World test API"),
)

SCOPES: Final[Mapping[str, Scope]] = MappingProxyType({s.key: s for s in _CATALOGUE})
"""Every scope the emulator knows, by key, in the order HMRC's register lists them."""

AGENT_SCOPES: Final[frozenset[str]] = frozenset(
    {
        "read:sent-invitations",
        "write:sent-invitations",
        "read:check-relationship",
        "write:cancel-invitations",
        "write:relationships",
    }
)
"""The Agent Authorisation API's scopes, granted by agents rather than taxpayers."""


def parse_scope_param(raw: str) -> tuple[str, ...]:
    """Parse the URL-decoded ``scope`` parameter the way HMRC does.

    Scopes are separated by one or more spaces. A ``+`` still present after decoding means
    the client sent ``%2B`` between scopes, which HMRC has refused since August 2024
    (vat-api#1020), so the whole parameter is invalid. Unknown scopes, and a value with no
    scope at all, are invalid too. Repeats are collapsed, keeping first-seen order, so the
    grant page lists each scope once.

    Raises:
        InvalidScopeError: with HMRC's ``scope is invalid``.
    """
    if "+" in raw:
        raise InvalidScopeError
    keys = tuple(dict.fromkeys(part for part in raw.split(" ") if part))
    if not keys or any(key not in SCOPES for key in keys):
        raise InvalidScopeError
    return keys


def lookup(keys: Iterable[str]) -> tuple[Scope, ...]:
    """The catalogue entries for ``keys``, in the same order, for the grant page.

    Raises:
        InvalidScopeError: if a key is not in the catalogue.
    """
    try:
        return tuple(SCOPES[key] for key in keys)
    except KeyError:
        raise InvalidScopeError from None


def required_confidence_level(keys: Iterable[str]) -> int | None:
    """The highest confidence level any of ``keys`` needs, or None if none needs one.

    Raises:
        InvalidScopeError: if a key is not in the catalogue.
    """
    levels = [s.confidence_level for s in lookup(keys) if s.confidence_level is not None]
    return max(levels, default=None)


def scope_string(keys: Iterable[str]) -> str:
    """The space-separated form HMRC returns in a token response's ``scope`` field."""
    return " ".join(keys)
