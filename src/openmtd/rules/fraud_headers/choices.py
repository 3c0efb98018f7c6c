"""openmtd's own checks where HMRC's specification is silent: each is at most a warning.

HMRC's validator is not public, so these are the emulator's choices, listed (with why) in
docs/emulator.md, "Fraud prevention headers". To change one, change its severity here:
``Severity.WARNING`` reports it (the verdict becomes POTENTIALLY_INVALID_HEADERS), and
``Severity.OFF`` drops it. A choice can never be an error: only a rule the specification
states (``spec.RULES``) can make headers invalid.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from openmtd.rules.fraud_headers.spec import Severity

# Timestamps: how far ahead of the receiver's clock a client clock may run, and how old a
# value collected "immediately before the request" may be, before it is potentially invalid.
FUTURE_TOLERANCE: Final = timedelta(minutes=5)
MAX_TIMESTAMP_AGE: Final = timedelta(hours=24)

# At most this many findings are listed per header; the rest are summarised in one line.
MAX_FINDINGS_PER_HEADER: Final = 5

# A longer value is not parsed, which keeps the work per request bounded. Real values are far
# shorter (a hundred IPv6 addresses fit in 4 KiB).
MAX_VALUE_LENGTH: Final = 8192


@dataclass(frozen=True, slots=True)
class Choice:
    """One check of openmtd's own, with its severity (never an error)."""

    id: str
    severity: Severity
    what: str

    def __post_init__(self) -> None:
        if self.severity is Severity.ERROR:
            raise ValueError(f"choice {self.id!r}: an own choice is at most a warning")


def _choice(id_: str, what: str, severity: Severity = Severity.WARNING) -> Choice:
    return Choice(id_, severity, what)


LICENSE_IDS_OPTIONAL: Final = _choice(
    "license-ids-absent",
    "Gov-Vendor-License-IDs missing or empty is a warning, not an error: software may have no "
    "licence to report, as HMRC's validator was seen to answer",
)
UNEXPECTED: Final = _choice(
    "unexpected-header",
    "a Gov-Client-*/Gov-Vendor-* header the connection method does not use, or not in the "
    "specification, is UNEXPECTED_HEADER",
)
REPEATED: Final = _choice(
    "repeated-header", "a header sent twice with different values (the first is judged)"
)
TOO_LONG: Final = _choice(
    "value-too-long", f"a value over {MAX_VALUE_LENGTH} characters is not parsed"
)
NIL_DEVICE_ID: Final = _choice(
    "nil-device-id", "the nil UUID 00000000-0000-0000-0000-000000000000 as Gov-Client-Device-ID"
)
TIMESTAMP_WINDOW: Final = _choice(
    "timestamp-window",
    f"a timestamp more than {int(FUTURE_TOLERANCE.total_seconds() // 60)} minutes ahead of the "
    f"emulator's clock, or (Local-IPs, Public-IP) more than "
    f"{int(MAX_TIMESTAMP_AGE.total_seconds() // 3600)} hours old",
)
ALL_ZERO_MAC: Final = _choice(
    "all-zero-mac", "an all-zero MAC address (00:00:00:00:00:00), which no interface has"
)
KEY_ABSENT: Final = _choice(
    "key-absent",
    "a key the specification names for a header (e.g. Multi-Factor's unique-reference, "
    "Screens' colour-depth) left out or empty, which §3 allows when it has no value",
)
UNKNOWN_KEY: Final = _choice("unknown-key", "a key the specification does not name")
DUPLICATE_KEY: Final = _choice(
    "duplicate-key", "a key given twice in one key-value structure (the first is judged)"
)
EMPTY_KEY: Final = _choice("empty-key", "a pair with an empty key (=value)")
NOT_PUBLIC_IP: Final = _choice(
    "not-public-ip",
    "a private, loopback, link-local, documentation or reserved address where a public one "
    "is described (Public-IP, Vendor-Public-IP, Vendor-Forwarded)",
)
SCREEN_DETAIL: Final = _choice(
    "screen-detail",
    "Screens' scaling-factor not a positive number or colour-depth not a positive integer "
    "(the specification gives only examples)",
)
TIMEZONE_RANGE: Final = _choice(
    "timezone-range", "an offset outside UTC-14:00 to UTC+14:00, or minutes over 59"
)
OS_KEY: Final = _choice(
    "os-key",
    "Gov-Client-User-IDs without an os user for a method that has one, or with one from "
    "WEB_APP_VIA_SERVER (browsers do not expose it), or with no user id at all",
)
VERSION_EMPTY: Final = _choice(
    "version-empty", "a Gov-Vendor-Version pair with no version (software=)"
)

#: Every choice, by id.
CHOICES: Final[Mapping[str, Choice]] = {
    choice.id: choice
    for choice in (
        LICENSE_IDS_OPTIONAL,
        UNEXPECTED,
        REPEATED,
        TOO_LONG,
        NIL_DEVICE_ID,
        TIMESTAMP_WINDOW,
        ALL_ZERO_MAC,
        KEY_ABSENT,
        UNKNOWN_KEY,
        DUPLICATE_KEY,
        EMPTY_KEY,
        NOT_PUBLIC_IP,
        SCREEN_DETAIL,
        TIMEZONE_RANGE,
        OS_KEY,
        VERSION_EMPTY,
    )
}
