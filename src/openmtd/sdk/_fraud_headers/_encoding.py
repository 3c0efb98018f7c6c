"""Writing header values as fraud prevention specification v3.3 encodes them (§3 "Encoding"):
percent-encoded text (RFC 3986), ``k1=v1&k2=v2`` key-value structures, ``v1,v2`` lists, UTC
timestamps with milliseconds, and the SHA-256 hashes licence keys and factor references are
sent as.

Nothing here invents a value: an empty value is left out, and a structure or list with nothing
left in it comes back as ``None`` so that the header is left out (never sent as a placeholder).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import quote

__all__ = [
    "clean_text",
    "encode",
    "encode_key_values",
    "encode_list",
    "format_timestamp",
    "sha256_hex",
]


def clean_text(text: str) -> str:
    """``text`` with each unpaired surrogate replaced by U+FFFD, so it encodes to UTF-8.

    A surrogate pair that arrived as two code points (Windows APIs give these) is joined.
    """
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def encode(text: str) -> str:
    """RFC 3986 percent-encoding of UTF-8 text: everything but the unreserved characters
    (``A-Z a-z 0-9 - . _ ~``) is escaped, so ``=``, ``&``, ``,`` and ``%`` never act as
    separators inside a key or value."""
    return quote(clean_text(text), safe="", encoding="utf-8")


def encode_key_values(pairs: Iterable[tuple[str, str | None]]) -> str | None:
    """``k1=v1&k2=v2`` with keys and values percent-encoded; pairs with an empty key or no
    value are left out (§3: a key with no value may be left out). None when nothing is left."""
    text = "&".join(f"{encode(key)}={encode(value)}" for key, value in pairs if key and value)
    return text or None


def encode_list(values: Iterable[str | None], *, encoded: bool = False) -> str | None:
    """``v1,v2``: each value percent-encoded (unless ``encoded``: already a key-value
    structure), empty ones left out (§3: no list value may be empty). None when empty."""
    kept = [value if encoded else encode(value) for value in values if value]
    return ",".join(kept) or None


def format_timestamp(moment: datetime) -> str:
    """UTC ``yyyy-MM-ddThh:mm:ss.sssZ``, milliseconds always present (§3.2); a naive
    datetime is taken to be UTC."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def sha256_hex(text: str) -> str:
    """The lower-case hex SHA-256 of ``text``'s UTF-8: how licence keys and multi-factor
    references are hashed, the same input always giving the same hash (§3.2)."""
    return hashlib.sha256(clean_text(text).encode("utf-8")).hexdigest()
