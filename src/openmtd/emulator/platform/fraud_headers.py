"""HMRC's fraud prevention headers, specification v3.3: who must send what, and the verdict.

Pure (standard library only), so the Test Fraud Prevention Headers API and the recording of
every MTD call can share it. Facts: hmrc-wire-facts.md §3 (3.1 the table of required
headers, 3.2 the formats, 3.3 the validator's response shapes).

:func:`validate_headers` takes the headers as received (names in any case) and returns a
:class:`Validation`: an overall code and message, HMRC's ``errors`` / ``warnings`` items
(``{code, message, headers}``) and a result per header for the validation-feedback shape.

Texts copied from HMRC's validator as observed in real sandbox responses (3P logs; the
validator's source is not public): the three overall messages, the ``EMPTY_HEADER`` and the
missing-header warnings on ``gov-client-multi-factor``, the missing-header error on
``gov-client-public-port``, and the terse ``Header required`` / ``Value required`` warnings on
``gov-vendor-license-ids``. Every other text, and every threshold below, is openmtd's choice.

openmtd's choices where HMRC is silent:

* A missing or empty required header is an error, except ``gov-client-multi-factor`` and
  ``gov-vendor-license-ids``, which HMRC reports as warnings (they cannot be collected with
  single-factor sign-in, or with no licences on the device).
* A ``Gov-Client-*`` / ``Gov-Vendor-*`` header the connection method does not need is a
  warning (``UNEXPECTED_HEADER``). Gov-Client-Browser-Do-Not-Track and
  Gov-Client-Browser-Plugins are accepted quietly from WEB_APP_VIA_SERVER (required up to
  v3.0). ``Gov-Test-Scenario`` is reported as ``TEST_SCENARIO_HEADER`` and never judged.
* Timestamps (Local-IPs / Public-IP) more than :data:`FUTURE_TOLERANCE` ahead of ``now`` or
  older than :data:`MAX_TIMESTAMP_AGE` are potentially invalid (warnings). A Multi-Factor
  timestamp records the last prompt, so only its future side is checked.
* A public IP that is not globally routable (private, loopback, documentation...) is a
  warning; a malformed one is an error.
* A value longer than :data:`MAX_VALUE_LENGTH` characters is invalid and not parsed.
* ``NO_HEADERS`` (no Gov-Client-* or Gov-Vendor-* header at all) is the request's code in
  validation-feedback; the validate endpoint, whose codes are only the three
  ``*_HEADERS`` ones, reports it as ``INVALID_HEADERS``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final
from urllib.parse import unquote

SPEC_VERSION: Final = "3.3"

# Timestamps: how far ahead of the receiver's clock a client clock may run, and how old a
# value collected "immediately before the request" may be, before it is potentially invalid.
FUTURE_TOLERANCE: Final = timedelta(minutes=5)
MAX_TIMESTAMP_AGE: Final = timedelta(hours=24)

# At most this many findings are listed per header; the rest are summarised in one line.
MAX_FINDINGS_PER_HEADER: Final = 5

# A longer value is rejected unread, which keeps the work per request bounded. Real values
# are far shorter (a hundred IPv6 addresses fit in 4 KiB); gateways refuse much longer ones.
MAX_VALUE_LENGTH: Final = 8192


class ConnectionMethod(StrEnum):
    """The values of Gov-Client-Connection-Method (spec v3.3)."""

    DESKTOP_APP_DIRECT = "DESKTOP_APP_DIRECT"
    DESKTOP_APP_VIA_SERVER = "DESKTOP_APP_VIA_SERVER"
    WEB_APP_VIA_SERVER = "WEB_APP_VIA_SERVER"
    BATCH_PROCESS_DIRECT = "BATCH_PROCESS_DIRECT"
    MOBILE_APP_DIRECT = "MOBILE_APP_DIRECT"
    MOBILE_APP_VIA_SERVER = "MOBILE_APP_VIA_SERVER"
    OTHER_DIRECT = "OTHER_DIRECT"
    OTHER_VIA_SERVER = "OTHER_VIA_SERVER"


# --- header names (lower case, as HMRC's validator reports them) ------------------------
CONNECTION_METHOD: Final = "gov-client-connection-method"
DEVICE_ID: Final = "gov-client-device-id"
LOCAL_IPS: Final = "gov-client-local-ips"
LOCAL_IPS_TIMESTAMP: Final = "gov-client-local-ips-timestamp"
MAC_ADDRESSES: Final = "gov-client-mac-addresses"
MULTI_FACTOR: Final = "gov-client-multi-factor"
PUBLIC_IP: Final = "gov-client-public-ip"
PUBLIC_IP_TIMESTAMP: Final = "gov-client-public-ip-timestamp"
PUBLIC_PORT: Final = "gov-client-public-port"
SCREENS: Final = "gov-client-screens"
TIMEZONE: Final = "gov-client-timezone"
USER_AGENT: Final = "gov-client-user-agent"
BROWSER_JS_USER_AGENT: Final = "gov-client-browser-js-user-agent"
USER_IDS: Final = "gov-client-user-ids"
WINDOW_SIZE: Final = "gov-client-window-size"
VENDOR_FORWARDED: Final = "gov-vendor-forwarded"
VENDOR_LICENSE_IDS: Final = "gov-vendor-license-ids"
VENDOR_PRODUCT_NAME: Final = "gov-vendor-product-name"
VENDOR_PUBLIC_IP: Final = "gov-vendor-public-ip"
VENDOR_VERSION: Final = "gov-vendor-version"
BROWSER_DO_NOT_TRACK: Final = "gov-client-browser-do-not-track"
BROWSER_PLUGINS: Final = "gov-client-browser-plugins"
TEST_SCENARIO: Final = "gov-test-scenario"

_M = ConnectionMethod
_COLUMNS: Final = (
    _M.DESKTOP_APP_DIRECT,
    _M.DESKTOP_APP_VIA_SERVER,
    _M.WEB_APP_VIA_SERVER,
    _M.BATCH_PROCESS_DIRECT,
    _M.MOBILE_APP_DIRECT,
    _M.MOBILE_APP_VIA_SERVER,
    _M.OTHER_DIRECT,
    _M.OTHER_VIA_SERVER,
)
# hmrc-wire-facts.md §3.1, row for row; columns in the order of _COLUMNS ("Y" = required).
_TABLE: Final[dict[str, str]] = {
    CONNECTION_METHOD: "YYYYYYYY",
    DEVICE_ID: "YYYYYYYY",
    LOCAL_IPS: "YY-YYYYY",
    LOCAL_IPS_TIMESTAMP: "YY-YYYYY",
    MAC_ADDRESSES: "YY-Y--YY",
    MULTI_FACTOR: "YYY-YYYY",
    PUBLIC_IP: "-YY--Y-Y",
    PUBLIC_IP_TIMESTAMP: "-YY--Y-Y",
    PUBLIC_PORT: "-YY--Y-Y",
    SCREENS: "YYY-YY--",
    TIMEZONE: "YYYYYYYY",
    USER_AGENT: "YY-YYYYY",
    BROWSER_JS_USER_AGENT: "--Y-----",
    USER_IDS: "YYYYYYYY",
    WINDOW_SIZE: "YYY-YY--",
    VENDOR_FORWARDED: "-YY--Y-Y",
    VENDOR_LICENSE_IDS: "YYYYYYYY",
    VENDOR_PRODUCT_NAME: "YYYYYYYY",
    VENDOR_PUBLIC_IP: "-YY--Y-Y",
    VENDOR_VERSION: "YYYYYYYY",
}

#: The headers of spec v3.3, in the order of HMRC's table.
HEADERS: Final[tuple[str, ...]] = tuple(_TABLE)

#: Which headers each connection method must send (hmrc-wire-facts.md §3.1).
REQUIRED_HEADERS: Final[Mapping[ConnectionMethod, frozenset[str]]] = {
    method: frozenset(name for name, row in _TABLE.items() if row[column] == "Y")
    for column, method in enumerate(_COLUMNS)
}

#: Required from WEB_APP_VIA_SERVER up to v3.0, no longer (v3.1/3.2): accepted quietly.
NO_LONGER_REQUIRED: Final[Mapping[ConnectionMethod, frozenset[str]]] = {
    _M.WEB_APP_VIA_SERVER: frozenset({BROWSER_DO_NOT_TRACK, BROWSER_PLUGINS}),
}

# Methods whose Gov-Client-User-IDs must carry the `os` key (all but web and mobile, v3.2).
_OS_USER_REQUIRED: Final = frozenset(
    {_M.DESKTOP_APP_DIRECT, _M.DESKTOP_APP_VIA_SERVER, _M.BATCH_PROCESS_DIRECT}
    | {_M.OTHER_DIRECT, _M.OTHER_VIA_SERVER}
)
# Methods whose Gov-Vendor-Version must name at least the client and the server software.
_TWO_VERSIONS_REQUIRED: Final = frozenset(
    {_M.DESKTOP_APP_VIA_SERVER, _M.MOBILE_APP_VIA_SERVER, _M.OTHER_VIA_SERVER}
)

# --- codes --------------------------------------------------------------------------------
VALID_HEADERS: Final = "VALID_HEADERS"
INVALID_HEADERS: Final = "INVALID_HEADERS"
POTENTIALLY_INVALID_HEADERS: Final = "POTENTIALLY_INVALID_HEADERS"
NO_HEADERS: Final = "NO_HEADERS"

VALID_HEADER: Final = "VALID_HEADER"
INVALID_HEADER: Final = "INVALID_HEADER"
POTENTIALLY_INVALID_HEADER: Final = "POTENTIALLY_INVALID_HEADER"
MISSING_HEADER: Final = "MISSING_HEADER"
EMPTY_HEADER: Final = "EMPTY_HEADER"
UNEXPECTED_HEADER: Final = "UNEXPECTED_HEADER"
TEST_SCENARIO_HEADER: Final = "TEST_SCENARIO_HEADER"

# --- overall messages (HMRC's, as observed) ------------------------------------------------
MESSAGES: Final[Mapping[str, str]] = {
    VALID_HEADERS: "All headers appear to be valid",
    INVALID_HEADERS: "At least 1 header is invalid",
    POTENTIALLY_INVALID_HEADERS: "At least 1 header is potentially invalid",
    NO_HEADERS: "No fraud prevention headers were sent",  # openmtd's text
}

# --- finding texts HMRC uses (observed) ----------------------------------------------------
MULTI_FACTOR_EMPTY: Final = (
    "Value is empty. This may be correct for single factor authentication, for example "
    "username and password. If this is the case, you must contact us explaining why you "
    "cannot submit this header."
)
MULTI_FACTOR_MISSING: Final = (
    "Header missing. This may be correct for single factor authentication, for example "
    "username and password. If this is the case, you must contact us explaining why you "
    "cannot submit this header."
)
PRIVATE_NETWORK_MISSING: Final = (
    "Header missing. You will not be able to submit a header if the connection is between "
    "client and server in a private network."
)
LICENSE_IDS_MISSING: Final = "Header required"
LICENSE_IDS_EMPTY: Final = "Value required"

_PLACEHOLDERS: Final = frozenset({"null", "undefined"})
_METHOD_NAMES: Final = ", ".join(_COLUMNS)

# A percent-encoded key, value or list item: RFC 3986 unreserved characters, the
# sub-delimiters that are no separator here, and %XX escapes.
_TOKEN: Final = re.compile(r"(?:[A-Za-z0-9\-._~!$'()*+;]|%[0-9A-Fa-f]{2})*")
_PRINTABLE_ASCII: Final = re.compile(r"[\x20-\x7e]*")
_UUID: Final = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_NIL_UUID: Final = "00000000-0000-0000-0000-000000000000"
_MS_TIMESTAMP: Final = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\.([0-9]{3})Z"
)
_MFA_TIMESTAMP: Final = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{3}))?)?Z"
)
_MAC: Final = re.compile(r"[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(?:\1[0-9a-fA-F]{2}){4}")
_PIXELS: Final = re.compile(r"[1-9][0-9]{0,8}")
_SCALING: Final = re.compile(r"[0-9]{1,4}(?:\.[0-9]{1,6})?")
_PORT: Final = re.compile(r"[0-9]{1,5}")
_TIMEZONE: Final = re.compile(r"UTC[+-]([0-9]{2}):([0-9]{2})")

_SCREEN_KEYS: Final = ("width", "height", "scaling-factor", "colour-depth")
_WINDOW_KEYS: Final = ("width", "height")
_USER_AGENT_KEYS: Final = ("os-family", "os-version", "device-manufacturer", "device-model")
_MFA_KEYS: Final = ("type", "timestamp", "unique-reference")
_MFA_TYPES: Final = ("TOTP", "AUTH_CODE", "OTHER")
_HOP_KEYS: Final = ("by", "for")


# --- results -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Finding:
    """One problem with one header."""

    code: str
    message: str

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class Issue:
    """An item of the validate body's ``errors`` or ``warnings``: HMRC's shape."""

    code: str
    message: str
    headers: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "headers": list(self.headers)}


@dataclass(frozen=True, slots=True)
class HeaderResult:
    """The verdict on one header, for validation-feedback's ``headers`` list."""

    header: str
    value: str | None
    code: str
    errors: tuple[Finding, ...] = ()
    warnings: tuple[Finding, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "header": self.header,
            "value": self.value,
            "code": self.code,
            "errors": [finding.to_json() for finding in self.errors],
            "warnings": [finding.to_json() for finding in self.warnings],
        }


@dataclass(frozen=True, slots=True)
class CrossCheck:
    """A failed check across headers, for validation-feedback's ``crossValidation``."""

    headers: tuple[str, ...]
    code: str
    errors: tuple[Finding, ...] = ()
    warnings: tuple[Finding, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "headers": list(self.headers),
            "code": self.code,
            "errors": [finding.to_json() for finding in self.errors],
            "warnings": [finding.to_json() for finding in self.warnings],
        }


@dataclass(frozen=True, slots=True)
class Validation:
    """The verdict on one request's fraud prevention headers."""

    code: str
    message: str
    connection_method: ConnectionMethod | None
    errors: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()
    headers: tuple[HeaderResult, ...] = ()
    cross_validation: tuple[CrossCheck, ...] = ()

    def to_validate_body(self) -> dict[str, object]:
        """The 200 body of ``GET /test/fraud-prevention-headers/validate``."""
        code = INVALID_HEADERS if self.code == NO_HEADERS else self.code
        body: dict[str, object] = {
            "specVersion": SPEC_VERSION,
            "code": code,
            "message": MESSAGES[code],
        }
        if self.errors:
            body["errors"] = [issue.to_json() for issue in self.errors]
        if self.warnings:
            body["warnings"] = [issue.to_json() for issue in self.warnings]
        return body

    def to_feedback_request(
        self, path: str, method: str, request_timestamp: datetime
    ) -> dict[str, object]:
        """One entry of validation-feedback's ``requests`` list."""
        return {
            "path": path,
            "method": method.upper(),
            "requestTimestamp": format_timestamp(request_timestamp),
            "code": self.code,
            "headers": [result.to_json() for result in self.headers],
            "crossValidation": [check.to_json() for check in self.cross_validation],
        }


def format_timestamp(moment: datetime) -> str:
    """``yyyy-MM-ddThh:mm:ss.sssZ`` in UTC (a naive datetime is taken to be UTC)."""
    moment = _as_utc(moment)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def is_fraud_prevention_header(name: str) -> bool:
    """Whether a header name (any case) is a Gov-Client-* or Gov-Vendor-* header."""
    lower = name.lower()
    return lower.startswith(("gov-client-", "gov-vendor-"))


# --- the validator ---------------------------------------------------------------------------
def validate_headers(headers: Mapping[str, str], *, now: datetime) -> Validation:
    """Judge the fraud prevention headers of one request against spec v3.3.

    ``headers`` are the request's headers as received; names are case-insensitive and
    headers other than Gov-Client-*, Gov-Vendor-* and Gov-Test-Scenario are ignored.
    ``now`` is the receiver's clock (a naive datetime is taken to be UTC). Never raises.
    """
    now = _as_utc(now)
    received, repeated = _normalise(headers)
    fraud = {name: value for name, value in received.items() if is_fraud_prevention_header(name)}
    scenario = received.get(TEST_SCENARIO)
    if not fraud:
        return _no_headers(scenario)

    method, method_findings = _connection_method(fraud.get(CONNECTION_METHOD))
    context = _Context(method=method, now=now)
    results: list[HeaderResult] = []
    for name in _names_in_order(fraud, method):
        value = fraud.get(name)
        if name == CONNECTION_METHOD:
            findings = method_findings
        elif method is not None and name not in fraud:
            findings = _missing(name)
        elif name in repeated:
            findings = _Findings()
            findings.error(
                "Sent more than once with different values; send this header once.",
                INVALID_HEADER,
            )
        elif _is_expected(name, method):
            findings = _judge(name, value or "", context)
        else:
            results.append(
                HeaderResult(name, value, UNEXPECTED_HEADER, (), (_unexpected(name, method),))
            )
            continue
        results.append(findings.result(name, value, missing=name not in fraud))
    if scenario is not None:
        results.append(HeaderResult(TEST_SCENARIO, scenario, TEST_SCENARIO_HEADER))

    cross = _cross_validation(fraud)
    errors = _group(
        [(result.header, finding) for result in results for finding in result.errors]
        + [(name, finding) for check in cross for finding in check.errors for name in check.headers]
    )
    warnings = _group(
        [(result.header, finding) for result in results for finding in result.warnings]
        + [
            (name, finding)
            for check in cross
            for finding in check.warnings
            for name in check.headers
        ]
    )
    code = INVALID_HEADERS if errors else POTENTIALLY_INVALID_HEADERS if warnings else VALID_HEADERS
    return Validation(
        code=code,
        message=MESSAGES[code],
        connection_method=method,
        errors=errors,
        warnings=warnings,
        headers=tuple(results),
        cross_validation=cross,
    )


# --- plumbing ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Context:
    method: ConnectionMethod | None
    now: datetime


class _Findings:
    """Collects the findings on one header, listing at most MAX_FINDINGS_PER_HEADER."""

    def __init__(self) -> None:
        self.errors: list[Finding] = []
        self.warnings: list[Finding] = []
        self._dropped_errors = 0
        self._dropped_warnings = 0

    def error(self, message: str, code: str = INVALID_HEADER) -> None:
        if len(self.errors) < MAX_FINDINGS_PER_HEADER:
            self.errors.append(Finding(code, message))
        else:
            self._dropped_errors += 1

    def warn(self, message: str, code: str = POTENTIALLY_INVALID_HEADER) -> None:
        if len(self.warnings) < MAX_FINDINGS_PER_HEADER:
            self.warnings.append(Finding(code, message))
        else:
            self._dropped_warnings += 1

    def result(self, name: str, value: str | None, *, missing: bool) -> HeaderResult:
        errors, warnings = list(self.errors), list(self.warnings)
        if self._dropped_errors:
            errors.append(Finding(INVALID_HEADER, _more(self._dropped_errors)))
        if self._dropped_warnings:
            warnings.append(Finding(POTENTIALLY_INVALID_HEADER, _more(self._dropped_warnings)))
        if missing:
            code = MISSING_HEADER
        elif errors:
            code = INVALID_HEADER
        elif warnings:
            code = POTENTIALLY_INVALID_HEADER
        else:
            code = VALID_HEADER
        return HeaderResult(name, value, code, tuple(errors), tuple(warnings))


def _more(count: int) -> str:
    noun = "problem" if count == 1 else "problems"
    return f"…and {count} more {noun} in this header, not listed."


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _normalise(headers: Mapping[str, str]) -> tuple[dict[str, str], set[str]]:
    """Lower-case the names and trim the values; note names sent twice with different values."""
    received: dict[str, str] = {}
    repeated: set[str] = set()
    for raw_name in headers:
        name = str(raw_name).lower()
        value = str(headers[raw_name]).strip(" \t")
        if name in received and received[name] != value:
            repeated.add(name)
        received.setdefault(name, value)
    return received, repeated


def _no_headers(scenario: str | None) -> Validation:
    findings = _Findings()
    findings.error(
        "No fraud prevention headers were sent. Send the headers your connection method "
        "needs, starting with Gov-Client-Connection-Method.",
        MISSING_HEADER,
    )
    results = [findings.result(CONNECTION_METHOD, None, missing=True)]
    if scenario is not None:
        results.append(HeaderResult(TEST_SCENARIO, scenario, TEST_SCENARIO_HEADER))
    return Validation(
        code=NO_HEADERS,
        message=MESSAGES[NO_HEADERS],
        connection_method=None,
        errors=_group([(CONNECTION_METHOD, finding) for finding in findings.errors]),
        headers=tuple(results),
    )


def _connection_method(value: str | None) -> tuple[ConnectionMethod | None, _Findings]:
    findings = _Findings()
    consequence = "Without it, no other header can be checked for presence."
    if value is None:
        findings.error(
            f"Header missing. Expected one of {_METHOD_NAMES}. {consequence}", MISSING_HEADER
        )
        return None, findings
    if value in _COLUMNS:
        return ConnectionMethod(value), findings
    if value == "":
        findings.error(
            f"Value is empty. Expected one of {_METHOD_NAMES}. {consequence}", EMPTY_HEADER
        )
    else:
        findings.error(
            f"{_show(value)} is not a connection method. Expected one of {_METHOD_NAMES}, "
            f"exactly as written. Without a valid connection method, no other header can be "
            f"checked for presence."
        )
    return None, findings


def _names_in_order(fraud: Mapping[str, str], method: ConnectionMethod | None) -> list[str]:
    wanted = set(fraud) | {CONNECTION_METHOD}
    if method is not None:
        wanted |= REQUIRED_HEADERS[method]
    known = [name for name in (*HEADERS, BROWSER_DO_NOT_TRACK, BROWSER_PLUGINS) if name in wanted]
    return known + sorted(wanted - set(known))


def _is_expected(name: str, method: ConnectionMethod | None) -> bool:
    if method is None:
        return name in _KNOWN
    return name in REQUIRED_HEADERS[method] or name in NO_LONGER_REQUIRED.get(method, ())


def _unexpected(name: str, method: ConnectionMethod | None) -> Finding:
    if method is not None and name in _KNOWN:
        message = (
            f"Not required for {method}. Stop sending it, or check that "
            f"Gov-Client-Connection-Method is right."
        )
    else:
        message = f"Not a header of fraud prevention specification v{SPEC_VERSION}. Check the name."
    return Finding(UNEXPECTED_HEADER, message)


def _missing(name: str) -> _Findings:
    findings = _Findings()
    if name == MULTI_FACTOR:
        findings.warn(MULTI_FACTOR_MISSING, MISSING_HEADER)
    elif name == VENDOR_LICENSE_IDS:
        findings.warn(LICENSE_IDS_MISSING, MISSING_HEADER)
    elif name in (PUBLIC_IP, PUBLIC_PORT):
        findings.error(PRIVATE_NETWORK_MISSING, MISSING_HEADER)
    else:
        findings.error(f"Header missing. Expected {_EXPECTED[name]}.", MISSING_HEADER)
    return findings


def _judge(name: str, value: str, context: _Context) -> _Findings:
    findings = _Findings()
    if name in _RETIRED:  # no longer required, so no longer judged
        return findings
    if value == "":
        if name == MULTI_FACTOR:
            findings.warn(MULTI_FACTOR_EMPTY, EMPTY_HEADER)
        elif name == VENDOR_LICENSE_IDS:
            findings.warn(LICENSE_IDS_EMPTY, EMPTY_HEADER)
        elif name in (PUBLIC_IP, PUBLIC_PORT):
            findings.error(
                "Value is empty. If the connection between client and server is over a private "
                "network, contact HMRC, then leave the header out.",
                EMPTY_HEADER,
            )
        else:
            findings.error(f"Value is empty. Expected {_EXPECTED[name]}.", EMPTY_HEADER)
        return findings
    if len(value) > MAX_VALUE_LENGTH:
        findings.error(
            f"Value is {len(value)} characters long. Send at most {MAX_VALUE_LENGTH} characters."
        )
        return findings
    if not _PRINTABLE_ASCII.fullmatch(value):
        findings.error(
            "Contains characters outside printable US-ASCII. Percent-encode them (RFC 3986)."
        )
        return findings
    if value.lower() in _PLACEHOLDERS:
        findings.error(_placeholder(value))
        return findings
    _CHECKS[name](value, context, findings)
    return findings


def _placeholder(value: str) -> str:
    return (
        f"{_show(value)} is a placeholder, not a value. If the data cannot be collected, "
        f"contact HMRC, then leave it out or send it empty."
    )


def _show(value: str, limit: int = 40) -> str:
    """A short, printable, quoted excerpt of a value for a message."""
    excerpt = value[:limit].encode("ascii", "backslashreplace").decode("ascii")
    excerpt = "".join(ch if " " <= ch <= "~" else "?" for ch in excerpt)
    return f"'{excerpt}…'" if len(value) > limit else f"'{excerpt}'"


def _group(items: list[tuple[str, Finding]]) -> tuple[Issue, ...]:
    """HMRC's items: one per (code, message), naming every header it applies to."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for name, finding in items:
        names = grouped.setdefault((finding.code, finding.message), [])
        if name not in names:
            names.append(name)
    return tuple(Issue(code, message, tuple(names)) for (code, message), names in grouped.items())


# --- parsing helpers -------------------------------------------------------------------------
def _decode(token: str) -> str | None:
    try:
        return unquote(token, errors="strict")
    except UnicodeDecodeError:
        return None


def _items(value: str, findings: _Findings, what: str) -> list[str]:
    """Split a list and report empty items; returns the non-empty raw items."""
    items = value.split(",")
    for position, item in enumerate(items, start=1):
        if item == "":
            findings.error(
                f"{what} {position} is empty. Lists are value,value,… with no empty values."
            )
    return [item for item in items if item != ""]


def _key_values(text: str, findings: _Findings, where: str = "") -> dict[str, str] | None:
    """Parse ``k1=v1&k2=v2`` (percent-encoded keys and values); None if it is malformed."""
    pairs: dict[str, str] = {}
    ok = True
    for part in text.split("&"):
        key_raw, equals, value_raw = part.partition("=")
        if not equals:
            findings.error(f"{where}{_show(part)} is not a key=value pair.")
            ok = False
            continue
        if not (_TOKEN.fullmatch(key_raw) and _TOKEN.fullmatch(value_raw)):
            findings.error(
                f"{where}{_show(part)} is not percent-encoded. Encode every key and value "
                f"(RFC 3986), for example a space as %20 and ':' as %3A."
            )
            ok = False
            continue
        key, value = _decode(key_raw), _decode(value_raw)
        if key is None or value is None:
            findings.error(f"{where}{_show(part)} does not percent-decode to UTF-8 text.")
            ok = False
        elif key == "":
            findings.error(f"{where}{_show(part)} has an empty key.")
            ok = False
        elif key in pairs:
            findings.error(f"{where}Key {_show(key)} appears more than once.")
            ok = False
        elif value.lower() in _PLACEHOLDERS:
            findings.error(f"{where}{_placeholder(value)}")
            ok = False
        else:
            pairs[key] = value
    return pairs if ok else None


def _unknown_keys(
    pairs: Mapping[str, str], allowed: tuple[str, ...], findings: _Findings, where: str = ""
) -> None:
    for key in pairs:
        if key not in allowed:
            findings.warn(
                f"{where}Key {_show(key)} is unknown; expected only {', '.join(allowed)}."
            )


def _ip_or_text(value: str) -> str:
    """A single-valued header, percent-decoded if it is encoded (HMRC's examples are not)."""
    return (_decode(value) or "") if "%" in value else value


def _parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
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


def _not_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address is not a public one, or None if it is."""
    for attribute, label in _NOT_PUBLIC:
        if getattr(ip, attribute):
            return label
    if not ip.is_global or ip.is_reserved:
        return "a reserved address, not globally routable"
    return None


def _check_timestamp_window(moment: datetime, context: _Context, findings: _Findings) -> None:
    if moment - context.now > FUTURE_TOLERANCE:
        findings.warn(
            f"{format_timestamp(moment)} is in the future. Check the clock of the device that "
            f"collected it."
        )
    elif context.now - moment > MAX_TIMESTAMP_AGE:
        findings.warn(
            f"{format_timestamp(moment)} is more than 24 hours old. Collect it immediately "
            f"before each request."
        )


def _datetime(groups: tuple[str | None, ...]) -> datetime | None:
    year, month, day, hour, minute, second, millis = (int(g) if g else 0 for g in groups)
    try:
        return datetime(year, month, day, hour, minute, second, millis * 1000, tzinfo=UTC)
    except ValueError:
        return None


# --- one check per header --------------------------------------------------------------------
def _check_device_id(value: str, context: _Context, findings: _Findings) -> None:
    if not _UUID.fullmatch(value):
        findings.error(
            f"{_show(value)} is not a UUID. Expected a UUID generated once per device, "
            f"e.g. beec798b-b366-47fa-b1f8-92cede14a1ce."
        )
    elif value == _NIL_UUID:
        findings.warn("The nil UUID is not a device id. Generate a random UUID once per device.")


def _check_local_ips(value: str, context: _Context, findings: _Findings) -> None:
    for item in _items(value, findings, "IP address"):
        if ":" in item:
            findings.error(
                f"{_show(item)} must be percent-encoded: write each ':' of an IPv6 address as %3A."
            )
            continue
        decoded = _decode(item) if _TOKEN.fullmatch(item) else None
        if decoded is None or _parse_ip(decoded) is None:
            findings.error(f"{_show(item)} is not an IPv4 or IPv6 address.")


def _check_timestamp(value: str, context: _Context, findings: _Findings) -> None:
    match = _MS_TIMESTAMP.fullmatch(_ip_or_text(value))
    moment = _datetime(match.groups()) if match else None
    if moment is None:
        findings.error(
            f"{_show(value)} is not a UTC timestamp with milliseconds. Expected "
            f"yyyy-MM-ddThh:mm:ss.sssZ, e.g. 2020-09-21T14:30:05.123Z."
        )
        return
    _check_timestamp_window(moment, context, findings)


def _check_mac_addresses(value: str, context: _Context, findings: _Findings) -> None:
    for item in _items(value, findings, "MAC address"):
        if ":" in item:
            findings.error(f"{_show(item)} must be percent-encoded: write each ':' as %3A.")
            continue
        decoded = _decode(item) if _TOKEN.fullmatch(item) else None
        if decoded is None or not _MAC.fullmatch(decoded):
            findings.error(
                f"{_show(item)} is not a MAC address. Expected six hex pairs, percent-encoded, "
                f"e.g. ea%3A43%3A1a%3A5d%3A21%3A45."
            )
        elif int(decoded.replace(":", "").replace("-", ""), 16) == 0:
            findings.error(
                f"{_show(item)} is all zeros, which is not a real MAC address. Leave it out."
            )


def _check_multi_factor(value: str, context: _Context, findings: _Findings) -> None:
    for position, entry in enumerate(_items(value, findings, "Factor"), start=1):
        where = f"Factor {position}: "
        pairs = _key_values(entry, findings, where)
        if pairs is None:
            continue
        for key in _MFA_KEYS:
            if not pairs.get(key):
                findings.error(f"{where}'{key}' is missing or empty.")
        _unknown_keys(pairs, _MFA_KEYS, findings, where)
        kind = pairs.get("type")
        if kind and kind not in _MFA_TYPES:
            findings.error(f"{where}type {_show(kind)} is not one of {', '.join(_MFA_TYPES)}.")
        stamp = pairs.get("timestamp")
        if stamp:
            match = _MFA_TIMESTAMP.fullmatch(stamp)
            moment = _datetime(match.groups()) if match else None
            if moment is None:
                findings.error(
                    f"{where}timestamp {_show(stamp)} is not a UTC timestamp. Expected at least "
                    f"yyyy-MM-ddThh:mmZ, percent-encoded, e.g. 2021-11-21T13%3A23Z."
                )
            elif moment - context.now > FUTURE_TOLERANCE:
                findings.warn(
                    f"{where}timestamp {_show(stamp)} is in the future. It must record the "
                    f"last successful prompt for this factor."
                )


def _check_public_ip(value: str, context: _Context, findings: _Findings) -> None:
    ip = _parse_ip(_ip_or_text(value))
    if ip is None:
        findings.error(f"{_show(value)} is not an IPv4 or IPv6 address.")
        return
    why = _not_public(ip)
    if why is not None:
        findings.warn(
            f"{_show(value)} is {why}. Send the public address from which the request reached "
            f"the internet."
        )


def _check_public_port(value: str, context: _Context, findings: _Findings) -> None:
    port = int(value) if _PORT.fullmatch(value) else 0
    if not 1 <= port <= 65535:
        findings.error(f"{_show(value)} is not a TCP port. Expected a whole number 1 to 65535.")
    elif port in (80, 443):
        findings.error(
            f"{port} is a server port. Send the client's source port, the one the originating "
            f"device connected from."
        )


def _check_screens(value: str, context: _Context, findings: _Findings) -> None:
    for position, entry in enumerate(_items(value, findings, "Screen"), start=1):
        where = f"Screen {position}: "
        pairs = _key_values(entry, findings, where)
        if pairs is None:
            continue
        for key in ("width", "height", "colour-depth"):
            if not _PIXELS.fullmatch(pairs.get(key, "")):
                findings.error(f"{where}'{key}' must be a positive whole number.")
        scaling = pairs.get("scaling-factor", "")
        if not (_SCALING.fullmatch(scaling) and float(scaling) > 0):
            findings.error(f"{where}'scaling-factor' must be a positive number, e.g. 1 or 1.25.")
        _unknown_keys(pairs, _SCREEN_KEYS, findings, where)


def _check_timezone(value: str, context: _Context, findings: _Findings) -> None:
    match = _TIMEZONE.fullmatch(value)
    if match is None:
        findings.error(f"{_show(value)} is not a UTC offset. Expected UTC±hh:mm, e.g. UTC+01:00.")
    elif int(match[1]) > 14 or int(match[2]) > 59 or (int(match[1]) == 14 and int(match[2])):
        findings.error(
            f"{_show(value)} is outside the real range of offsets, UTC-14:00 to UTC+14:00."
        )


def _check_user_agent(value: str, context: _Context, findings: _Findings) -> None:
    pairs = _key_values(value, findings)
    if pairs is None:
        return
    for key in _USER_AGENT_KEYS:
        if not pairs.get(key):
            findings.warn(f"'{key}' is missing or empty. Send it if the device reports it.")
    _unknown_keys(pairs, _USER_AGENT_KEYS, findings)


def _check_browser_js_user_agent(value: str, context: _Context, findings: _Findings) -> None:
    """Any non-empty printable US-ASCII text: navigator.userAgent, unchanged."""


def _check_user_ids(value: str, context: _Context, findings: _Findings) -> None:
    pairs = _key_values(value, findings)
    if pairs is None:
        return
    if not any(pairs.values()):
        findings.error(
            "Holds no user id. Expected key=value pairs, e.g. os=domain%5Calice&my-app=alice123."
        )
        return
    if context.method in _OS_USER_REQUIRED:
        if "os" not in pairs:
            findings.error(
                f"The 'os' key is missing. {context.method} must send the user signed in on the "
                f"device, e.g. os=domain%5Calice."
            )
        elif not pairs["os"]:
            findings.warn("The 'os' user id is empty. Send the user signed in on the device.")
    elif context.method is _M.WEB_APP_VIA_SERVER and "os" in pairs:
        findings.warn(
            "Web applications do not usually send the 'os' key, as browsers do not expose it. "
            "Check the connection method."
        )


def _check_window_size(value: str, context: _Context, findings: _Findings) -> None:
    pairs = _key_values(value, findings)
    if pairs is None:
        return
    for key in _WINDOW_KEYS:
        if not _PIXELS.fullmatch(pairs.get(key, "")):
            findings.error(f"'{key}' must be a positive whole number of pixels.")
    _unknown_keys(pairs, _WINDOW_KEYS, findings)


def _check_vendor_forwarded(value: str, context: _Context, findings: _Findings) -> None:
    for position, entry in enumerate(_items(value, findings, "Hop"), start=1):
        where = f"Hop {position}: "
        pairs = _key_values(entry, findings, where)
        if pairs is None:
            continue
        for key in _HOP_KEYS:
            address = pairs.get(key)
            ip = _parse_ip(address) if address else None
            if ip is None:
                findings.error(
                    f"{where}'{key}' must be an IP address (IPv6 percent-encoded), "
                    f"e.g. by=203.0.113.6&for=198.51.100.0."
                )
                continue
            why = _not_public(ip)
            if why is not None:
                findings.warn(
                    f"{where}'{key}' ({ip}) is {why}. List only hops over the "
                    f"internet, not hops within a private network."
                )
        _unknown_keys(pairs, _HOP_KEYS, findings, where)


def _check_license_ids(value: str, context: _Context, findings: _Findings) -> None:
    _key_values(value, findings)


def _check_product_name(value: str, context: _Context, findings: _Findings) -> None:
    decoded = _decode(value) if _TOKEN.fullmatch(value) else None
    if decoded is None:
        findings.error(
            f"{_show(value)} is not percent-encoded. Encode the product name (RFC 3986), "
            f"e.g. Product%20Name."
        )


def _check_vendor_version(value: str, context: _Context, findings: _Findings) -> None:
    pairs = _key_values(value, findings)
    if pairs is None:
        return
    for key, version in pairs.items():
        if not version:
            findings.error(f"No version for {_show(key)}. Expected software=version pairs.")
    if context.method in _TWO_VERSIONS_REQUIRED and len(pairs) < 2:
        findings.error(
            f"{context.method} must send at least 2 software=version pairs, the client's and "
            f"the server's, e.g. my-desktop-app=2.2.2&my-serverside-code=v3.8."
        )


_Check = Callable[[str, _Context, _Findings], None]
_CHECKS: Final[dict[str, _Check]] = {
    DEVICE_ID: _check_device_id,
    LOCAL_IPS: _check_local_ips,
    LOCAL_IPS_TIMESTAMP: _check_timestamp,
    MAC_ADDRESSES: _check_mac_addresses,
    MULTI_FACTOR: _check_multi_factor,
    PUBLIC_IP: _check_public_ip,
    PUBLIC_IP_TIMESTAMP: _check_timestamp,
    PUBLIC_PORT: _check_public_port,
    SCREENS: _check_screens,
    TIMEZONE: _check_timezone,
    USER_AGENT: _check_user_agent,
    BROWSER_JS_USER_AGENT: _check_browser_js_user_agent,
    USER_IDS: _check_user_ids,
    WINDOW_SIZE: _check_window_size,
    VENDOR_FORWARDED: _check_vendor_forwarded,
    VENDOR_LICENSE_IDS: _check_license_ids,
    VENDOR_PRODUCT_NAME: _check_product_name,
    VENDOR_PUBLIC_IP: _check_public_ip,
    VENDOR_VERSION: _check_vendor_version,
}
_RETIRED: Final = frozenset({BROWSER_DO_NOT_TRACK, BROWSER_PLUGINS})
_KNOWN: Final = frozenset(_CHECKS) | _RETIRED

# What each header should hold, for "missing" and "empty" messages.
_EXPECTED: Final[dict[str, str]] = {
    DEVICE_ID: "a UUID generated once per device, e.g. beec798b-b366-47fa-b1f8-92cede14a1ce",
    LOCAL_IPS: "a list of the device's local IP addresses, IPv6 percent-encoded, "
    "e.g. fc00%3A%3A,10.1.2.3",
    LOCAL_IPS_TIMESTAMP: "a UTC timestamp yyyy-MM-ddThh:mm:ss.sssZ of when the local IPs were "
    "collected",
    MAC_ADDRESSES: "a list of the device's MAC addresses, percent-encoded, "
    "e.g. ea%3A43%3A1a%3A5d%3A21%3A45",
    PUBLIC_IP_TIMESTAMP: "a UTC timestamp yyyy-MM-ddThh:mm:ss.sssZ of when the public IP was seen",
    SCREENS: "a list of width=…&height=…&scaling-factor=…&colour-depth=…, "
    "e.g. width=1920&height=1080&scaling-factor=1&colour-depth=16",
    TIMEZONE: "the device's UTC offset as UTC±hh:mm, e.g. UTC+01:00",
    USER_AGENT: "os-family=…&os-version=…&device-manufacturer=…&device-model=…, percent-encoded",
    BROWSER_JS_USER_AGENT: "the browser's navigator.userAgent, unchanged",
    USER_IDS: "key=value pairs of the user's ids, e.g. os=domain%5Calice&my-app=alice123",
    WINDOW_SIZE: "width=…&height=… in pixels, e.g. width=1256&height=803",
    VENDOR_FORWARDED: "a list of by=<server IP>&for=<sender IP>, one per hop over the internet",
    VENDOR_PRODUCT_NAME: "the product's marketed name, percent-encoded, e.g. Product%20Name",
    VENDOR_PUBLIC_IP: "the public IP address of the server the client connected to",
    VENDOR_VERSION: "software=version pairs, e.g. my-application=1.6.0",
}


# --- across headers ----------------------------------------------------------------------------
def _first_hop(value: str) -> dict[str, str] | None:
    return _key_values(value.split(",", 1)[0], _Findings())


def _cross_validation(fraud: Mapping[str, str]) -> tuple[CrossCheck, ...]:
    """Gov-Vendor-Forwarded's first hop is by=Gov-Vendor-Public-IP&for=Gov-Client-Public-IP."""
    forwarded = fraud.get(VENDOR_FORWARDED)
    hop = _first_hop(forwarded) if forwarded and len(forwarded) <= MAX_VALUE_LENGTH else None
    if hop is None:
        return ()
    checks: list[CrossCheck] = []
    for key, name in (("by", VENDOR_PUBLIC_IP), ("for", PUBLIC_IP)):
        other = fraud.get(name)
        if other is None or key not in hop:
            continue
        hop_ip, other_ip = _parse_ip(hop[key]), _parse_ip(_ip_or_text(other))
        if hop_ip is not None and other_ip is not None and hop_ip != other_ip:
            message = (
                f"The first hop's '{key}' ({_show(hop[key])}) differs from {_TITLE[name]} "
                f"({_show(other)}). They must name the same address."
            )
            checks.append(
                CrossCheck(
                    headers=(VENDOR_FORWARDED, name),
                    code=POTENTIALLY_INVALID_HEADER,
                    warnings=(Finding(POTENTIALLY_INVALID_HEADER, message),),
                )
            )
    return tuple(checks)


_TITLE: Final = {VENDOR_PUBLIC_IP: "Gov-Vendor-Public-IP", PUBLIC_IP: "Gov-Client-Public-IP"}
