"""Reading header values as the specification encodes them (wire facts §3, "Encoding"):
percent-encoded lists (``v1,v2``) and key-value structures (``k1=v1&k2=v2``), IP addresses and
timestamps. Each helper reports what it finds through :class:`Findings`."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Final
from urllib.parse import unquote

from openmtd.rules.fraud_headers import choices as own
from openmtd.rules.fraud_headers import spec
from openmtd.rules.fraud_headers.results import Findings

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# A percent-encoded key, value or list item: RFC 3986 unreserved characters, the
# sub-delimiters that are no separator here, and %XX escapes.
TOKEN: Final = re.compile(r"(?:[A-Za-z0-9\-._~!$'()*+;]|%[0-9A-Fa-f]{2})*")
PRINTABLE_ASCII: Final = re.compile(r"[\x20-\x7e]*")


def show(value: str, limit: int = 40) -> str:
    """A short, printable, quoted excerpt of a value for a message."""
    excerpt = value[:limit].encode("ascii", "backslashreplace").decode("ascii")
    excerpt = "".join(ch if " " <= ch <= "~" else "?" for ch in excerpt)
    return f"'{excerpt}…'" if len(value) > limit else f"'{excerpt}'"


def placeholder(value: str) -> str:
    return (
        f"{show(value)} is a placeholder, not a value. If the data cannot be collected, "
        f"contact HMRC, then leave it out or send it empty."
    )


def decode(token: str) -> str | None:
    """The percent-decoded text, or None if it does not decode to UTF-8."""
    try:
        return unquote(token, errors="strict")
    except UnicodeDecodeError:
        return None


def decoded_token(item: str) -> str | None:
    """A percent-encoded item's text, or None if it is not percent-encoded UTF-8."""
    return decode(item) if TOKEN.fullmatch(item) else None


def items(value: str, findings: Findings, what: str) -> list[str]:
    """Split a list and report empty items; returns the non-empty raw items."""
    parts = value.split(",")
    for position, item in enumerate(parts, start=1):
        if item == "":
            findings.add(
                spec.LIST_ITEM_EMPTY,
                f"{what} {position} is empty. Lists are value,value,… with no empty values.",
            )
    return [item for item in parts if item != ""]


def key_values(text: str, findings: Findings, where: str = "") -> dict[str, str] | None:
    """Parse ``k1=v1&k2=v2`` (percent-encoded keys and values); None if it breaks the
    specification's encoding (then the header's own checks are skipped)."""
    pairs: dict[str, str] = {}
    ok = True
    for part in text.split("&"):
        key_raw, equals, value_raw = part.partition("=")
        if not equals:
            findings.add(spec.KEY_VALUE, f"{where}{show(part)} is not a key=value pair.")
            ok = False
            continue
        if not (TOKEN.fullmatch(key_raw) and TOKEN.fullmatch(value_raw)):
            findings.add(
                spec.PERCENT_ENCODED,
                f"{where}{show(part)} is not percent-encoded. Encode every key and value "
                f"(RFC 3986), for example a space as %20 and ':' as %3A.",
            )
            ok = False
            continue
        key, value = decode(key_raw), decode(value_raw)
        if key is None or value is None:
            findings.add(
                spec.PERCENT_ENCODED, f"{where}{show(part)} does not percent-decode to UTF-8 text."
            )
            ok = False
        elif value.lower() in spec.PLACEHOLDERS:
            findings.add(spec.PLACEHOLDER, f"{where}{placeholder(value)}")
            ok = False
        elif key == "":
            findings.add(own.EMPTY_KEY, f"{where}{show(part)} has an empty key.")
        elif key in pairs:
            findings.add(
                own.DUPLICATE_KEY,
                f"{where}Key {show(key)} appears more than once; the first counts.",
            )
        else:
            pairs[key] = value
    return pairs if ok else None


def absent_keys(
    pairs: Mapping[str, str], keys: tuple[str, ...], findings: Findings, where: str = ""
) -> list[str]:
    """Report the named keys that are left out or empty; returns the ones present."""
    present = []
    for key in keys:
        if pairs.get(key):
            present.append(key)
        else:
            findings.add(own.KEY_ABSENT, f"{where}'{key}' is missing or empty.")
    return present


def unknown_keys(
    pairs: Mapping[str, str], allowed: tuple[str, ...], findings: Findings, where: str = ""
) -> None:
    for key in pairs:
        if key not in allowed:
            findings.add(
                own.UNKNOWN_KEY,
                f"{where}Key {show(key)} is unknown; expected only {', '.join(allowed)}.",
            )


def ip_or_text(value: str) -> str:
    """A single-valued header, percent-decoded if it is encoded (HMRC's examples are not)."""
    return (decode(value) or "") if "%" in value else value


def parse_ip(text: str) -> IpAddress | None:
    if not text.isascii():
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


_NOT_PUBLIC: Final = (
    ("is_unspecified", "the unspecified address"),
    ("is_loopback", "a loopback address"),
    ("is_link_local", "a link-local address"),
    ("is_multicast", "a multicast address"),
    ("is_private", "a private or documentation address"),
)


def not_public(ip: IpAddress) -> str | None:
    """Why an address is not a public one, or None if it is."""
    for attribute, label in _NOT_PUBLIC:
        if getattr(ip, attribute):
            return label
    if not ip.is_global or ip.is_reserved:
        return "a reserved address, not globally routable"
    return None


def to_datetime(groups: tuple[str | None, ...]) -> datetime | None:
    """A UTC datetime from (year, month, day, hour, minute, second, millis) digit groups."""
    year, month, day, hour, minute, second, millis = (int(g) if g else 0 for g in groups)
    try:
        return datetime(year, month, day, hour, minute, second, millis * 1000, tzinfo=UTC)
    except ValueError:
        return None
