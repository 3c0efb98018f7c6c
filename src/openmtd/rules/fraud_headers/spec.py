"""What HMRC's fraud prevention specification v3.3 states: the connection methods, the headers
each must send, the codes and messages of HMRC's validator, and the rules a header is judged by.

Facts: wire facts §3 (3.1 the table of required headers, 3.2 the formats, 3.3 the validator's
response shapes), from HMRC's specification v3.3 of 27 January 2025.

Every error the validator reports is one of :data:`RULES`, each tied to the line of the
specification it comes from. What openmtd adds where HMRC is silent is in ``choices.py``, and
is never an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

SPEC_VERSION: Final = "3.3"


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
COLUMNS: Final = (
    _M.DESKTOP_APP_DIRECT,
    _M.DESKTOP_APP_VIA_SERVER,
    _M.WEB_APP_VIA_SERVER,
    _M.BATCH_PROCESS_DIRECT,
    _M.MOBILE_APP_DIRECT,
    _M.MOBILE_APP_VIA_SERVER,
    _M.OTHER_DIRECT,
    _M.OTHER_VIA_SERVER,
)
# Wire facts §3.1, row for row; columns in the order of COLUMNS ("Y" = required).
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

#: Which headers each connection method must send (wire facts §3.1).
REQUIRED_HEADERS: Final[Mapping[ConnectionMethod, frozenset[str]]] = {
    method: frozenset(name for name, row in _TABLE.items() if row[column] == "Y")
    for column, method in enumerate(COLUMNS)
}

#: Required from WEB_APP_VIA_SERVER up to v3.0, no longer (v3.1/3.2): "Sending them is not an
#: error" (wire facts §3.1), so they are accepted quietly and not judged.
NO_LONGER_REQUIRED: Final[Mapping[ConnectionMethod, frozenset[str]]] = {
    _M.WEB_APP_VIA_SERVER: frozenset({BROWSER_DO_NOT_TRACK, BROWSER_PLUGINS}),
}
RETIRED: Final = frozenset({BROWSER_DO_NOT_TRACK, BROWSER_PLUGINS})

#: Methods whose Gov-Client-User-IDs carry the ``os`` key: every method except
#: WEB_APP_VIA_SERVER and the MOBILE_* ones (wire facts §3.2, Gov-Client-User-IDs).
OS_USER_METHODS: Final = frozenset(
    {_M.DESKTOP_APP_DIRECT, _M.DESKTOP_APP_VIA_SERVER, _M.BATCH_PROCESS_DIRECT}
    | {_M.OTHER_DIRECT, _M.OTHER_VIA_SERVER}
)
#: Methods whose Gov-Vendor-Version must hold at least 2 pairs, the client's and the
#: server's (wire facts §3.2, Gov-Vendor-Version).
TWO_VERSION_METHODS: Final = frozenset(
    {_M.DESKTOP_APP_VIA_SERVER, _M.MOBILE_APP_VIA_SERVER, _M.OTHER_VIA_SERVER}
)

# The keys §3.2 names for each key-value header.
SCREEN_KEYS: Final = ("width", "height", "scaling-factor", "colour-depth")
WINDOW_KEYS: Final = ("width", "height")
USER_AGENT_KEYS: Final = ("os-family", "os-version", "device-manufacturer", "device-model")
MFA_KEYS: Final = ("type", "timestamp", "unique-reference")
MFA_TYPES: Final = ("TOTP", "AUTH_CODE", "OTHER")
HOP_KEYS: Final = ("by", "for")

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

# --- overall messages (HMRC's, as observed: wire facts §3.3) -----------------------------
MESSAGES: Final[Mapping[str, str]] = {
    VALID_HEADERS: "All headers appear to be valid",
    INVALID_HEADERS: "At least 1 header is invalid",
    POTENTIALLY_INVALID_HEADERS: "At least 1 header is potentially invalid",
    NO_HEADERS: "No fraud prevention headers were sent",  # openmtd's text
}

# --- finding texts HMRC's validator uses (observed in sandbox responses) ------------------
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

PLACEHOLDERS: Final = frozenset({"null", "undefined"})


# --- the rules -----------------------------------------------------------------------------
class Severity(StrEnum):
    """How a finding counts: an error makes the verdict INVALID_HEADERS, a warning
    POTENTIALLY_INVALID_HEADERS. ``off`` (choices only) reports nothing."""

    ERROR = "error"
    WARNING = "warning"
    OFF = "off"


@dataclass(frozen=True, slots=True)
class Rule:
    """One thing the specification states, and where."""

    id: str
    severity: Severity
    source: str


def _rule(id_: str, source: str, severity: Severity = Severity.ERROR) -> Rule:
    return Rule(id_, severity, source)


REQUIRED: Final = _rule(
    "required-header", "§3.1, the table of headers each connection method must send"
)
EMPTY: Final = _rule(
    "required-header-empty",
    "§3.1 (required) and §3: a header that cannot be collected may be left out or sent "
    "empty only after contacting HMRC",
)
MULTI_FACTOR_ABSENT: Final = _rule(
    "multi-factor-absent",
    "§3.2 Gov-Client-Multi-Factor: with username and password only it cannot be collected; "
    "§3.3: HMRC's validator answers such a user with a warning",
    Severity.WARNING,
)
METHOD: Final = _rule(
    "connection-method", "§3.1 (every method sends it) and §3.2: the literal method name"
)
US_ASCII: Final = _rule(
    "us-ascii", "§3 encoding: header values are US-ASCII; other characters are percent-encoded"
)
PLACEHOLDER: Final = _rule(
    "placeholder", "§3 encoding: never send placeholders such as null or undefined"
)
LIST_ITEM_EMPTY: Final = _rule(
    "list-item-empty", "§3 encoding: lists are v1,v2 ... and no value may be empty"
)
KEY_VALUE: Final = _rule("key-value", "§3 encoding: key-value structures are k1=v1&k2=v2")
PERCENT_ENCODED: Final = _rule(
    "percent-encoded",
    "§3 encoding: keys, values and list values are percent-encoded (RFC 3986); "
    "§3.2 Local-IPs, MAC-Addresses, Vendor-Forwarded, Product-Name",
)
DEVICE_ID_UUID: Final = _rule("device-id-uuid", "§3.2 Gov-Client-Device-ID: a UUID")
IP_ADDRESS: Final = _rule(
    "ip-address",
    "§3.2 Local-IPs (IPv4 and IPv6 addresses), Public-IP, Vendor-Public-IP, Vendor-Forwarded",
)
TIMESTAMP: Final = _rule(
    "timestamp-milliseconds",
    "§3.2 Local-IPs-Timestamp, Public-IP-Timestamp: UTC yyyy-MM-ddThh:mm:ss.sssZ with "
    "milliseconds always present",
)
MAC_ADDRESS: Final = _rule("mac-address", "§3.2 Gov-Client-MAC-Addresses: a list of MAC addresses")
MFA_TYPE: Final = _rule(
    "mfa-type", "§3.2 Gov-Client-Multi-Factor: type is TOTP, AUTH_CODE or OTHER"
)
MFA_TIMESTAMP: Final = _rule(
    "mfa-timestamp", "§3.2 Gov-Client-Multi-Factor: timestamp is UTC, at least yyyy-MM-ddThh:mmZ"
)
PORT: Final = _rule("public-port", "§3.2 Gov-Client-Public-Port: 1-65535, and not 80 or 443")
DIMENSION: Final = _rule(
    "width-height",
    "§3.2 Gov-Client-Screens and Gov-Client-Window-Size: width and height are positive integers",
)
TIMEZONE_FORMAT: Final = _rule("timezone", "§3.2 Gov-Client-Timezone: UTC±hh:mm")
TWO_VERSIONS: Final = _rule(
    "two-versions",
    "§3.2 Gov-Vendor-Version: DESKTOP_APP_VIA_SERVER, MOBILE_APP_VIA_SERVER and "
    "OTHER_VIA_SERVER send at least 2 pairs",
)
FIRST_HOP: Final = _rule(
    "first-hop",
    "§3.2 Gov-Vendor-Forwarded: the first hop's by is Gov-Vendor-Public-IP and its for is "
    "Gov-Client-Public-IP (reported as a warning, the milder reading)",
    Severity.WARNING,
)

#: Every rule the validator applies, by id.
RULES: Final[Mapping[str, Rule]] = {
    rule.id: rule
    for rule in (
        REQUIRED,
        EMPTY,
        MULTI_FACTOR_ABSENT,
        METHOD,
        US_ASCII,
        PLACEHOLDER,
        LIST_ITEM_EMPTY,
        KEY_VALUE,
        PERCENT_ENCODED,
        DEVICE_ID_UUID,
        IP_ADDRESS,
        TIMESTAMP,
        MAC_ADDRESS,
        MFA_TYPE,
        MFA_TIMESTAMP,
        PORT,
        DIMENSION,
        TIMEZONE_FORMAT,
        TWO_VERSIONS,
        FIRST_HOP,
    )
}
