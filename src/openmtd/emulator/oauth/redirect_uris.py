"""Redirect URIs: Developer Hub's registration rules and /oauth/authorize's exact matching.

Registration (hmrc-wire-facts.md §2.6): at most five per application; absolute; ``https``
to any named host, plain ``http`` only to ``localhost``; a query but no fragment; no IP
address as the host; or one of the two out-of-band forms for installed apps. openmtd also
refuses what is not a URI at all (whitespace, characters RFC 3986 requires to be
percent-encoded, a stray ``%``, user info), so that a typo is caught when the developer
registers it rather than as ``redirect_uri is invalid`` during sign-in.

Matching: /oauth/authorize accepts a ``redirect_uri`` only if it is character-for-character
one that was registered. Nothing is normalised: case, a trailing slash, a default port,
``%2F`` for ``/`` or an extra query parameter all make a different URI. This is the most
common cause of ``redirect_uri is invalid`` in practice (vat-api#285), so the emulator must
be exactly as strict as HMRC.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final
from urllib.parse import quote_plus, urlsplit

MAX_REDIRECT_URIS: Final = 5
"""Developer Hub's limit per application (vat-api#561 asks for more; there is no more)."""

OOB: Final = "urn:ietf:wg:oauth:2.0:oob"
"""Installed apps: HMRC shows the code on the page and in its title."""

OOB_AUTO: Final = "urn:ietf:wg:oauth:2.0:oob:auto"
"""Installed apps: HMRC puts the code in the page title and asks the user to close it."""

OUT_OF_BAND_URIS: Final[frozenset[str]] = frozenset({OOB, OOB_AUTO})

# RFC 3986 §2: unreserved, reserved and "%" (checked separately as pct-encoded).
_URI_CHARS: Final = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%"
)
_BAD_PERCENT: Final = re.compile(r"%(?![0-9A-Fa-f]{2})")
# WHATWG URL's "ends in a number": browsers treat such a host as IPv4, in any of the
# shorthand forms (127.1, 2130706433, 0x7f.0.0.1), so each of them is an IP address too.
_IPV4_LAST_LABEL: Final = re.compile(r"[0-9]+|0[xX][0-9A-Fa-f]*")

_USE_LOCALHOST: Final = "for your own machine use http://localhost:PORT/..."


class InvalidRedirectUriError(ValueError):
    """A redirect URI Developer Hub would not let a developer register.

    Raised by the registration form and the control API, not by OAuth: it is shown to the
    developer, so :attr:`reason` says what to change.

    Attributes:
        uri: the offending URI, or None when the fault is in the list as a whole.
        reason: what is wrong and how to fix it, in plain English.
    """

    def __init__(self, uri: str | None, reason: str) -> None:
        super().__init__(reason)
        self.uri = uri
        self.reason = reason


def is_out_of_band(uri: str) -> bool:
    """Whether ``uri`` asks for the code to be shown to the user instead of redirected."""
    return uri in OUT_OF_BAND_URIS


def validate_redirect_uri(uri: str) -> None:
    """Refuse ``uri`` unless Developer Hub would accept it for registration.

    Raises:
        InvalidRedirectUriError: the first rule ``uri`` breaks, with how to fix it.
    """
    _check_characters(uri)
    if is_out_of_band(uri):
        return
    try:
        parts = urlsplit(uri)
    except ValueError:
        raise InvalidRedirectUriError(
            uri, "This is not a valid URI: check the brackets around the host."
        ) from None
    scheme, netloc = parts.scheme.lower(), parts.netloc
    if not scheme:
        raise InvalidRedirectUriError(
            uri, "A redirect URI must be absolute: start it with https://."
        )
    if scheme == "urn":
        raise InvalidRedirectUriError(
            uri, f"The only urn: redirect URIs allowed are {OOB} and {OOB_AUTO}, exactly."
        )
    if scheme not in ("http", "https"):
        raise InvalidRedirectUriError(
            uri,
            "A redirect URI must start with https:// (plain http:// is allowed only for "
            f"localhost); this one starts with {parts.scheme}:",
        )
    if "#" in uri:
        raise InvalidRedirectUriError(
            uri, "A redirect URI cannot contain a fragment: remove the # and what follows it."
        )
    if "@" in netloc:
        raise InvalidRedirectUriError(
            uri,
            "A redirect URI cannot contain a user name or password: remove the part before @.",
        )
    if netloc.startswith("["):
        raise InvalidRedirectUriError(
            uri, f"A redirect URI cannot use an IP address as its host; {_USE_LOCALHOST}."
        )
    host, colon, port = netloc.partition(":")
    if not host:
        raise InvalidRedirectUriError(
            uri, f"A redirect URI must name a host after {scheme}://, e.g. {scheme}://example.com/."
        )
    if colon and port and not (port.isdigit() and 1 <= int(port) <= 65535):
        raise InvalidRedirectUriError(
            uri, "The port in a redirect URI must be a number from 1 to 65535."
        )
    if _is_ipv4_like(host):
        raise InvalidRedirectUriError(
            uri, f"A redirect URI cannot use an IP address as its host; {_USE_LOCALHOST}."
        )
    # Host names are case-insensitive, so LOCALHOST is localhost; localhost.example.com and
    # app.localhost are other hosts and are refused.
    if scheme == "http" and host.lower() != "localhost":
        raise InvalidRedirectUriError(
            uri,
            "Plain http:// is allowed only for localhost (http://localhost or "
            "http://localhost:PORT); use https:// for any other host.",
        )


def validate_redirect_uris(uris: Sequence[str]) -> tuple[str, ...]:
    """Check an application's whole list of redirect URIs and return it as a tuple.

    Raises:
        InvalidRedirectUriError: for an empty list, more than :data:`MAX_REDIRECT_URIS`, a
            URI listed twice, or the first URI that breaks a rule.
        TypeError: if ``uris`` is a single string (a list of its characters is never meant).
    """
    if isinstance(uris, str):
        raise TypeError("pass a sequence of redirect URIs, not one string")
    if not uris:
        raise InvalidRedirectUriError(None, "Add at least one redirect URI.")
    if len(uris) > MAX_REDIRECT_URIS:
        raise InvalidRedirectUriError(
            None,
            f"An application can have at most {MAX_REDIRECT_URIS} redirect URIs; "
            f"remove {len(uris) - MAX_REDIRECT_URIS}.",
        )
    seen: set[str] = set()
    for uri in uris:
        validate_redirect_uri(uri)
        if uri in seen:
            raise InvalidRedirectUriError(uri, "This redirect URI is listed twice: remove one.")
        seen.add(uri)
    return tuple(uris)


def is_registered(registered: Sequence[str], supplied: str) -> bool:
    """Whether ``supplied`` is, character for character, one of the ``registered`` URIs.

    Raises:
        TypeError: if ``registered`` is a single string, which would otherwise match any
            of its substrings.
    """
    if isinstance(registered, str):
        raise TypeError("pass the sequence of registered redirect URIs, not one string")
    return any(uri == supplied for uri in registered)


def redirect_with_params(redirect_uri: str, params: Sequence[tuple[str, str]]) -> str:
    """``redirect_uri`` with ``params`` appended to its query, form-urlencoded.

    The registered URI is kept byte for byte, including any query it already has, because
    clients compare what comes back against what they registered.

    Raises:
        ValueError: if ``redirect_uri`` has a fragment (registration forbids one, and the
            parameters would end up inside it).
    """
    if "#" in redirect_uri:
        raise ValueError("a redirect URI with a fragment cannot carry parameters")
    if not params:
        return redirect_uri
    _, has_query, existing = redirect_uri.partition("?")
    if not has_query:
        separator = "?"
    elif not existing or existing.endswith("&"):
        separator = ""
    else:
        separator = "&"
    query = "&".join(f"{quote_plus(name)}={quote_plus(value)}" for name, value in params)
    return f"{redirect_uri}{separator}{query}"


def _check_characters(uri: str) -> None:
    if not uri:
        raise InvalidRedirectUriError(uri, "Enter a redirect URI.")
    if any(ch.isspace() for ch in uri):
        raise InvalidRedirectUriError(
            uri, "A redirect URI cannot contain spaces or line breaks: remove them, or use %20."
        )
    bad = sorted({ch for ch in uri if ch not in _URI_CHARS})
    if bad:
        shown = " ".join(repr(ch) for ch in bad)
        raise InvalidRedirectUriError(
            uri,
            f"A redirect URI cannot contain {shown}: percent-encode such characters, and "
            "write an international domain name in its xn-- form.",
        )
    if _BAD_PERCENT.search(uri):
        raise InvalidRedirectUriError(
            uri, "Every % in a redirect URI must start a percent-encoding such as %2F or %20."
        )


def _is_ipv4_like(host: str) -> bool:
    labels = host.removesuffix(".").split(".")
    return _IPV4_LAST_LABEL.fullmatch(labels[-1]) is not None
