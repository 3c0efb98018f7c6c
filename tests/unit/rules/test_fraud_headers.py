"""Tests for openmtd.rules.fraud_headers: HMRC's fraud prevention headers, v3.3."""

from __future__ import annotations

import ipaddress
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openmtd.rules import fraud_headers as fh
from openmtd.rules.fraud_headers import (
    FUTURE_TOLERANCE,
    HEADERS,
    MAX_FINDINGS_PER_HEADER,
    MAX_TIMESTAMP_AGE,
    MAX_VALUE_LENGTH,
    MULTI_FACTOR_MISSING,
    PRIVATE_NETWORK_MISSING,
    REQUIRED_HEADERS,
    SPEC_VERSION,
    ConnectionMethod,
    Validation,
    format_timestamp,
    is_fraud_prevention_header,
    validate_headers,
)

M = ConnectionMethod
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
STAMP = "2026-11-26T09:59:58.123Z"

# HMRC's examples use documentation addresses (198.51.100.0/24, 203.0.113.0/24), which are
# not public, so a faithful validator warns about them. These are ordinary public addresses.
CLIENT_IP = "81.2.69.142"
VENDOR_IP = "86.1.2.3"

CANONICAL = {
    fh.CONNECTION_METHOD: "Gov-Client-Connection-Method",
    fh.DEVICE_ID: "Gov-Client-Device-ID",
    fh.LOCAL_IPS: "Gov-Client-Local-IPs",
    fh.LOCAL_IPS_TIMESTAMP: "Gov-Client-Local-IPs-Timestamp",
    fh.MAC_ADDRESSES: "Gov-Client-MAC-Addresses",
    fh.MULTI_FACTOR: "Gov-Client-Multi-Factor",
    fh.PUBLIC_IP: "Gov-Client-Public-IP",
    fh.PUBLIC_IP_TIMESTAMP: "Gov-Client-Public-IP-Timestamp",
    fh.PUBLIC_PORT: "Gov-Client-Public-Port",
    fh.SCREENS: "Gov-Client-Screens",
    fh.TIMEZONE: "Gov-Client-Timezone",
    fh.USER_AGENT: "Gov-Client-User-Agent",
    fh.BROWSER_JS_USER_AGENT: "Gov-Client-Browser-JS-User-Agent",
    fh.USER_IDS: "Gov-Client-User-IDs",
    fh.WINDOW_SIZE: "Gov-Client-Window-Size",
    fh.VENDOR_FORWARDED: "Gov-Vendor-Forwarded",
    fh.VENDOR_LICENSE_IDS: "Gov-Vendor-License-IDs",
    fh.VENDOR_PRODUCT_NAME: "Gov-Vendor-Product-Name",
    fh.VENDOR_PUBLIC_IP: "Gov-Vendor-Public-IP",
    fh.VENDOR_VERSION: "Gov-Vendor-Version",
}

OS_USER_METHODS = {
    M.DESKTOP_APP_DIRECT,
    M.DESKTOP_APP_VIA_SERVER,
    M.BATCH_PROCESS_DIRECT,
    M.OTHER_DIRECT,
    M.OTHER_VIA_SERVER,
}
TWO_VERSION_METHODS = {M.DESKTOP_APP_VIA_SERVER, M.MOBILE_APP_VIA_SERVER, M.OTHER_VIA_SERVER}

# hmrc-wire-facts.md §3.2's examples.
EXAMPLES = {
    fh.DEVICE_ID: "beec798b-b366-47fa-b1f8-92cede14a1ce",
    fh.LOCAL_IPS: "fc00%3A%3A,10.1.2.3",
    fh.LOCAL_IPS_TIMESTAMP: STAMP,
    fh.MAC_ADDRESSES: "ea%3A43%3A1a%3A5d%3A21%3A45,10%3A12%3Acc%3Afa%3Aaa%3A32",
    fh.MULTI_FACTOR: (
        "type=AUTH_CODE&timestamp=2021-11-21T13%3A23Z&unique-reference="
        "fc4b5fd6816f75a7c81fc8eaa9499d6a299bd803397166e8c4cf9280b801d62c,"
        "type=TOTP&timestamp=2021-11-22T13%3A10Z&unique-reference="
        "0283da60063abfb3a87f1aed845d17fe2d9ba8c780b478dc4ae048f5ee97a6d5"
    ),
    fh.PUBLIC_IP: CLIENT_IP,
    fh.PUBLIC_IP_TIMESTAMP: STAMP,
    fh.PUBLIC_PORT: "12345",
    fh.SCREENS: (
        "width=1920&height=1080&scaling-factor=1&colour-depth=16,"
        "width=3000&height=2000&scaling-factor=1.25&colour-depth=16"
    ),
    fh.TIMEZONE: "UTC+01:00",
    fh.USER_AGENT: (
        "os-family=Windows&os-version=Server%202012&device-manufacturer=Dell%20Inc."
        "&device-model=OptiPlex%20980"
    ),
    fh.BROWSER_JS_USER_AGENT: (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36"
    ),
    fh.WINDOW_SIZE: "width=1256&height=803",
    fh.VENDOR_FORWARDED: f"by={VENDOR_IP}&for={CLIENT_IP}",
    fh.VENDOR_LICENSE_IDS: (
        "my%20licensed%20software=8D7963490527D33716835EE7C195516D5E562E03B224E9B359836466EE40CDE1"
    ),
    fh.VENDOR_PRODUCT_NAME: "Product%20Name",
    fh.VENDOR_PUBLIC_IP: VENDOR_IP,
}


def user_ids(method: ConnectionMethod) -> str:
    if method in OS_USER_METHODS:
        return "os=domain%5Calice&my-application=alice123"
    return "my-application=alice123"


def vendor_version(method: ConnectionMethod) -> str:
    if method in TWO_VERSION_METHODS:
        return "my-desktop-app=2.2.2&my-serverside-code=v3.8"
    if method is M.WEB_APP_VIA_SERVER:
        return "my-web-app=2.2.2"
    return "my-application=1.6.0"


def valid_set(method: ConnectionMethod, **overrides: str | None) -> dict[str, str]:
    """A fully valid header set for ``method``, canonical names; overrides by lower name
    (underscores for dashes); None removes the header."""
    values = {
        **EXAMPLES,
        fh.CONNECTION_METHOD: str(method),
        fh.USER_IDS: user_ids(method),
        fh.VENDOR_VERSION: vendor_version(method),
    }
    headers = {
        CANONICAL[name]: values[name] for name in HEADERS if name in REQUIRED_HEADERS[method]
    }
    for key, value in overrides.items():
        name = "gov-" + key.replace("_", "-")
        title = CANONICAL.get(name, name)
        if value is None:
            headers.pop(title, None)
        else:
            headers[title] = value
    return headers


def only_issue(result: Validation) -> fh.Issue:
    issues = result.errors + result.warnings
    assert len(issues) == 1, issues
    return issues[0]


def result_for(result: Validation, name: str) -> fh.HeaderResult:
    (found,) = [header for header in result.headers if header.header == name]
    return found


# --- the table (§3.1) -----------------------------------------------------------------------------


def test_eight_connection_methods() -> None:
    assert [str(method) for method in ConnectionMethod] == [
        "DESKTOP_APP_DIRECT",
        "DESKTOP_APP_VIA_SERVER",
        "WEB_APP_VIA_SERVER",
        "BATCH_PROCESS_DIRECT",
        "MOBILE_APP_DIRECT",
        "MOBILE_APP_VIA_SERVER",
        "OTHER_DIRECT",
        "OTHER_VIA_SERVER",
    ]


EVERYONE = {
    fh.CONNECTION_METHOD,
    fh.DEVICE_ID,
    fh.TIMEZONE,
    fh.USER_IDS,
    fh.VENDOR_LICENSE_IDS,
    fh.VENDOR_PRODUCT_NAME,
    fh.VENDOR_VERSION,
}
LOCAL = {fh.LOCAL_IPS, fh.LOCAL_IPS_TIMESTAMP}
PUBLIC = {
    fh.PUBLIC_IP,
    fh.PUBLIC_IP_TIMESTAMP,
    fh.PUBLIC_PORT,
    fh.VENDOR_FORWARDED,
    fh.VENDOR_PUBLIC_IP,
}
DISPLAY = {fh.SCREENS, fh.WINDOW_SIZE}

# §3.1 restated by column, independently of the module's row-wise table.
COLUMNS = {
    M.DESKTOP_APP_DIRECT: EVERYONE
    | LOCAL
    | DISPLAY
    | {fh.MAC_ADDRESSES, fh.MULTI_FACTOR, fh.USER_AGENT},
    M.DESKTOP_APP_VIA_SERVER: EVERYONE
    | LOCAL
    | DISPLAY
    | PUBLIC
    | {fh.MAC_ADDRESSES, fh.MULTI_FACTOR, fh.USER_AGENT},
    M.WEB_APP_VIA_SERVER: EVERYONE | DISPLAY | PUBLIC | {fh.MULTI_FACTOR, fh.BROWSER_JS_USER_AGENT},
    M.BATCH_PROCESS_DIRECT: EVERYONE | LOCAL | {fh.MAC_ADDRESSES, fh.USER_AGENT},
    M.MOBILE_APP_DIRECT: EVERYONE | LOCAL | DISPLAY | {fh.MULTI_FACTOR, fh.USER_AGENT},
    M.MOBILE_APP_VIA_SERVER: EVERYONE | LOCAL | DISPLAY | PUBLIC | {fh.MULTI_FACTOR, fh.USER_AGENT},
    M.OTHER_DIRECT: EVERYONE | LOCAL | {fh.MAC_ADDRESSES, fh.MULTI_FACTOR, fh.USER_AGENT},
    M.OTHER_VIA_SERVER: EVERYONE
    | LOCAL
    | PUBLIC
    | {fh.MAC_ADDRESSES, fh.MULTI_FACTOR, fh.USER_AGENT},
}


@pytest.mark.parametrize("method", list(ConnectionMethod))
def test_required_headers_match_the_table(method: ConnectionMethod) -> None:
    assert REQUIRED_HEADERS[method] == COLUMNS[method]


def test_twenty_headers_all_lower_case() -> None:
    assert len(HEADERS) == 20
    assert set(HEADERS) == set(CANONICAL)
    assert all(name == name.lower() for name in HEADERS)


def test_retired_web_headers() -> None:
    retired = {"gov-client-browser-do-not-track", "gov-client-browser-plugins"}
    assert dict(fh.NO_LONGER_REQUIRED) == {M.WEB_APP_VIA_SERVER: retired}


# --- fully valid sets -----------------------------------------------------------------------------


@pytest.mark.parametrize("method", list(ConnectionMethod))
def test_a_full_valid_set_is_valid(method: ConnectionMethod) -> None:
    result = validate_headers(valid_set(method), now=NOW)
    assert result.code == "VALID_HEADERS", result.errors + result.warnings
    assert result.connection_method is method
    assert result.to_validate_body() == {
        "specVersion": "3.3",
        "code": "VALID_HEADERS",
        "message": "All headers appear to be valid",
    }
    assert {header.header for header in result.headers} == REQUIRED_HEADERS[method]
    assert {header.code for header in result.headers} == {"VALID_HEADER"}
    assert result.cross_validation == ()


# fmt: off
VALID_VARIANTS = [
    ("client_device_id", "BEEC798B-B366-47FA-B1F8-92CEDE14A1CE"),
    ("client_local_ips", "10.1.2.3"),
    ("client_local_ips", "fe80%3A%3A1%25eth0,2a00%3A1450%3A%3A1"),
    ("client_local_ips_timestamp", format_timestamp(NOW - MAX_TIMESTAMP_AGE)),
    ("client_local_ips_timestamp", format_timestamp(NOW + FUTURE_TOLERANCE)),
    ("client_local_ips_timestamp", "2026-11-26T09%3A59%3A58.123Z"),
    ("client_mac_addresses", "EA-43-1A-5D-21-45"),
    ("client_multi_factor", "type=OTHER&timestamp=2026-11-26T09%3A59%3A12Z&unique-reference=a"),
    ("client_multi_factor",
     "unique-reference=a&type=TOTP&timestamp=2026-11-26T09%3A59%3A12.345Z"),
    ("client_screens", "width=375&height=812&scaling-factor=2&colour-depth=32"),
    ("client_timezone", "UTC-01:15"),
    ("client_timezone", "UTC+14:00"),
    ("client_timezone", "UTC-00:00"),
    ("client_user_ids", "os=domain%5Calice"),
    ("client_user_ids", "os=alice&my-app="),
    ("client_user_agent",
     "device-model=XPS13&os-family=Windows&os-version=10&device-manufacturer=Dell"),
    ("vendor_product_name", "openmtd"),
    ("vendor_license_ids", "a=&b=c"),
    ("vendor_version", "a=1&b=2&c=3"),
]
# fmt: on


@pytest.mark.parametrize(("header", "value"), VALID_VARIANTS)
def test_valid_variants(header: str, value: str) -> None:
    result = validate_headers(valid_set(M.DESKTOP_APP_DIRECT, **{header: value}), now=NOW)
    assert result.code == "VALID_HEADERS", result.errors + result.warnings


V6_CLIENT, V6_VENDOR = "2a00:1450:4009:81f::200e", "2a00:1450:4009:81f::1"


@pytest.mark.parametrize(
    "overrides",
    [
        {
            "client_public_ip": V6_CLIENT,
            "vendor_forwarded": f"by={VENDOR_IP}&for={quote(V6_CLIENT)}",
        },
        {
            "client_public_ip": quote(V6_CLIENT, safe=""),
            "vendor_forwarded": f"by={VENDOR_IP}&for={quote(V6_CLIENT, safe='')}",
        },
        {
            "vendor_public_ip": V6_VENDOR,
            "vendor_forwarded": f"by={quote(V6_VENDOR, safe='')}&for={CLIENT_IP}",
        },
        {"client_public_port": "1"},
        {"client_public_port": "65535"},
        {
            "vendor_public_ip": "2a00:1450::1",
            "vendor_forwarded": f"by=2a00%3A1450%3A%3A1&for={CLIENT_IP},"
            f"by={VENDOR_IP}&for=2a00%3A1450%3A%3A1",
        },
    ],
)
def test_valid_via_server_variants(overrides: dict[str, str]) -> None:
    result = validate_headers(valid_set(M.WEB_APP_VIA_SERVER, **overrides), now=NOW)
    assert result.code == "VALID_HEADERS", result.errors + result.warnings


def test_mobile_methods_may_send_the_os_user_or_not() -> None:
    for ids in ("my-application=alice123", "os=alice&my-application=alice123"):
        result = validate_headers(valid_set(M.MOBILE_APP_DIRECT, client_user_ids=ids), now=NOW)
        assert result.code == "VALID_HEADERS"


def test_web_app_via_server_needs_only_one_version_pair() -> None:
    result = validate_headers(valid_set(M.WEB_APP_VIA_SERVER), now=NOW)
    assert result.code == "VALID_HEADERS"


# --- the password-only sandbox user (§3.3) --------------------------------------------------------


@pytest.mark.parametrize(
    "method", [method for method in ConnectionMethod if fh.MULTI_FACTOR in REQUIRED_HEADERS[method]]
)
def test_empty_multi_factor_is_exactly_one_warning(method: ConnectionMethod) -> None:
    result = validate_headers(valid_set(method, client_multi_factor=""), now=NOW)
    assert result.code == "POTENTIALLY_INVALID_HEADERS"
    assert result.to_validate_body() == {
        "specVersion": "3.3",
        "code": "POTENTIALLY_INVALID_HEADERS",
        "message": "At least 1 header is potentially invalid",
        "warnings": [
            {
                "code": "EMPTY_HEADER",
                "message": "Value is empty. This may be correct for single factor "
                "authentication, for example username and password. If this is the case, you "
                "must contact us explaining why you cannot submit this header.",
                "headers": ["gov-client-multi-factor"],
            }
        ],
    }
    header = result_for(result, "gov-client-multi-factor")
    assert header.code == "POTENTIALLY_INVALID_HEADER"
    assert header.value == ""


def test_missing_multi_factor_is_a_warning_too() -> None:
    result = validate_headers(valid_set(M.WEB_APP_VIA_SERVER, client_multi_factor=None), now=NOW)
    assert result.code == "POTENTIALLY_INVALID_HEADERS"
    issue = only_issue(result)
    assert (issue.code, issue.message, issue.headers) == (
        "MISSING_HEADER",
        MULTI_FACTOR_MISSING,
        ("gov-client-multi-factor",),
    )
    header = result_for(result, "gov-client-multi-factor")
    assert (header.code, header.value) == ("MISSING_HEADER", None)


def test_licence_ids_missing_or_empty_are_warnings() -> None:
    missing = validate_headers(valid_set(M.OTHER_DIRECT, vendor_license_ids=None), now=NOW)
    assert missing.code == "POTENTIALLY_INVALID_HEADERS"
    assert only_issue(missing) == fh.Issue(
        "MISSING_HEADER", "Header required", ("gov-vendor-license-ids",)
    )
    empty = validate_headers(valid_set(M.OTHER_DIRECT, vendor_license_ids=""), now=NOW)
    assert only_issue(empty) == fh.Issue(
        "EMPTY_HEADER", "Value required", ("gov-vendor-license-ids",)
    )


# --- each rule broken, one at a time --------------------------------------------------------------

D, DV, W, B, MD, MV, OD, OV = ConnectionMethod

# fmt: off
ERRORS: list[tuple[ConnectionMethod, str, str, str]] = [
    # (method, header override key, bad value, fragment of the message)
    (D, "client_device_id", "not-a-uuid", "is not a UUID"),
    (D, "client_device_id", "{beec798b-b366-47fa-b1f8-92cede14a1ce}", "is not a UUID"),
    (D, "client_device_id", "beec798bb36647fab1f892cede14a1ce", "is not a UUID"),
    (D, "client_local_ips", "10.1.2.3,,10.1.2.4", "IP address 2 is empty"),
    (D, "client_local_ips", "10.1.2.3,", "IP address 2 is empty"),
    (D, "client_local_ips", "fc00::,10.1.2.3", "must be percent-encoded"),
    (D, "client_local_ips", "10.1.2.300", "is not an IPv4 or IPv6 address"),
    (D, "client_local_ips", "host%20name", "is not an IPv4 or IPv6 address"),
    (D, "client_local_ips", "%FF", "is not an IPv4 or IPv6 address"),
    (D, "client_local_ips", "%E1%9F%A0.1.1.1", "is not an IPv4 or IPv6 address"),
    (D, "client_local_ips", "10.1.2.3/24", "is not an IPv4 or IPv6 address"),
    (D, "client_local_ips_timestamp", "2020-09-21T14:30:05Z", "with milliseconds"),
    (D, "client_local_ips_timestamp", "2026-11-26T09:59:58.123+00:00", "with milliseconds"),
    (D, "client_local_ips_timestamp", "2026-11-26 09:59:58.123Z", "with milliseconds"),
    (D, "client_local_ips_timestamp", "2026-02-30T09:59:58.123Z", "with milliseconds"),
    (D, "client_local_ips_timestamp", "%FF", "with milliseconds"),
    (D, "client_local_ips_timestamp", "1764150000", "with milliseconds"),
    (D, "client_mac_addresses", "ea:43:1a:5d:21:45", "must be percent-encoded"),
    (D, "client_mac_addresses", "ea%3A43%3A1a", "is not a MAC address"),
    (D, "client_mac_addresses", "ea%3A43-1a%3A5d%3A21%3A45", "is not a MAC address"),
    (D, "client_mac_addresses", "%ZZ", "is not a MAC address"),
    (D, "client_mac_addresses", "%FF", "is not a MAC address"),
    (D, "client_multi_factor", "type=SMS&timestamp=2021-11-21T13%3A23Z&unique-reference=a",
     "is not one of TOTP, AUTH_CODE, OTHER"),
    (D, "client_multi_factor", "type=TOTP&timestamp=2021-11-21T13:23Z&unique-reference=a",
     "is not percent-encoded"),
    (D, "client_multi_factor", "type=TOTP&timestamp=2021-11-21&unique-reference=a",
     "is not a UTC timestamp"),
    (D, "client_multi_factor", "type=TOTP&timestamp=2021-13-21T13%3A23Z&unique-reference=a",
     "is not a UTC timestamp"),
    (D, "client_multi_factor", "TOTP", "is not a key=value pair"),
    (D, "client_multi_factor", "type=TOTP&timestamp=2021-11-21T13%3A23Z&unique-reference=a,",
     "Factor 2 is empty"),
    (D, "client_multi_factor", "type=null&timestamp=2021-11-21T13%3A23Z&unique-reference=a",
     "is a placeholder"),
    (D, "client_multi_factor", "type=%FF", "does not percent-decode to UTF-8"),
    (DV, "client_public_ip", "300.1.2.3", "is not an IPv4 or IPv6 address"),
    (DV, "client_public_ip", "%FF", "is not an IPv4 or IPv6 address"),
    (DV, "vendor_public_ip", "example.com", "is not an IPv4 or IPv6 address"),
    (DV, "client_public_ip_timestamp", "2020-09-21T14:30:05.1Z", "with milliseconds"),
    (DV, "client_public_port", "80", "is a server port"),
    (DV, "client_public_port", "443", "is a server port"),
    (DV, "client_public_port", "0", "is not a TCP port"),
    (DV, "client_public_port", "65536", "is not a TCP port"),
    (DV, "client_public_port", "123456", "is not a TCP port"),
    (DV, "client_public_port", "port", "is not a TCP port"),
    (D, "client_screens", "width=0&height=1080&scaling-factor=1&colour-depth=16",
     "'width' must be a positive whole number"),
    (D, "client_screens", "width=19.5&height=1080&scaling-factor=1&colour-depth=16",
     "'width' must be a positive whole number"),
    (D, "client_screens", "width=1920&height=-1&scaling-factor=1&colour-depth=16",
     "'height' must be a positive whole number"),
    (D, "client_screens", "width=1920&height=1080&scaling-factor=1,5&colour-depth=16",
     "Screen 2: '5' is not a key=value pair"),
    (D, "client_timezone", "UTC+1:00", "Expected UTC±hh:mm"),
    (D, "client_timezone", "GMT+01:00", "Expected UTC±hh:mm"),
    (D, "client_timezone", "UTC%2B01%3A00", "Expected UTC±hh:mm"),
    (D, "client_user_ids", "os=domain\\alice", "is not percent-encoded"),
    (D, "client_user_agent", "Windows", "'Windows' is not a key=value pair"),
    (D, "client_user_agent", "os-family=Windows 10", "is not percent-encoded"),
    (D, "client_window_size", "width=wide&height=803", "'width' must be a positive whole number"),
    (D, "client_window_size", "width=1256&height=803&", "is not a key=value pair"),
    (DV, "vendor_forwarded", f"by=2a00:1450::1&for={CLIENT_IP}", "is not percent-encoded"),
    (DV, "vendor_forwarded", f"by={VENDOR_IP}&for={CLIENT_IP},", "Hop 2 is empty"),
    (DV, "vendor_forwarded", f"by={VENDOR_IP}&for=client", "'for' must be an IP address"),
    (D, "vendor_license_ids", "licence", "is not a key=value pair"),
    (D, "vendor_product_name", "Product Name", "is not percent-encoded"),
    (D, "vendor_product_name", "%FF", "is not percent-encoded"),
    (DV, "vendor_version", "my-desktop-app=2.2.2", "must send at least 2 software=version"),
    (MV, "vendor_version", "my-app=2.2.2", "MOBILE_APP_VIA_SERVER must send at least 2"),
    (D, "client_timezone", "null", "is a placeholder"),
    (D, "client_device_id", "undefined", "is a placeholder"),
    (D, "client_device_id", "NULL", "is a placeholder"),
    (D, "vendor_product_name", "Prodüct", "outside printable US-ASCII"),
    (D, "client_user_agent", "os-family=Windows\x01", "outside printable US-ASCII"),
    (D, "client_screens", "", "Value is empty. Expected a list of width"),
    (D, "client_device_id", "", "Value is empty. Expected a UUID"),
    (W, "client_browser_js_user_agent", "", "Value is empty. Expected the browser's"),
    (DV, "client_public_ip", "", "Value is empty. If the connection"),
    (DV, "client_public_port", "  ", "Value is empty. If the connection"),
]
# fmt: on


@pytest.mark.parametrize(("method", "header", "value", "fragment"), ERRORS)
def test_each_broken_rule_is_an_error_on_that_header(
    method: ConnectionMethod, header: str, value: str, fragment: str
) -> None:
    name = "gov-" + header.replace("_", "-")
    result = validate_headers(valid_set(method, **{header: value}), now=NOW)
    assert result.code == "INVALID_HEADERS"
    assert result.to_validate_body()["message"] == "At least 1 header is invalid"
    assert result.errors, result
    assert all(issue.headers == (name,) for issue in result.errors), result.errors
    assert any(fragment in issue.message for issue in result.errors), result.errors
    assert result_for(result, name).code == "INVALID_HEADER"
    assert result_for(result, name).value == value.strip()


# fmt: off
WARNINGS: list[tuple[ConnectionMethod, str, str, str]] = [
    # openmtd's own choices (choices.py): never errors.
    (D, "client_mac_addresses", "00%3A00%3A00%3A00%3A00%3A00", "all zeros"),
    (D, "client_multi_factor", "type=TOTP&unique-reference=a", "'timestamp' is missing or empty"),
    (D, "client_multi_factor", "type=TOTP&timestamp=2021-11-21T13%3A23Z&unique-reference=",
     "'unique-reference' is missing or empty"),
    (D, "client_multi_factor", "timestamp=2021-11-21T13%3A23Z&unique-reference=a",
     "'type' is missing or empty"),
    (D, "client_multi_factor", "type=TOTP&type=OTHER", "appears more than once"),
    (D, "client_multi_factor", "=TOTP", "has an empty key"),
    (D, "client_screens", "width=1920&height=1080&scaling-factor=1",
     "'colour-depth' is missing or empty"),
    (D, "client_screens", "width=1920&height=1080&scaling-factor=0&colour-depth=16",
     "'scaling-factor' should be a positive number"),
    (D, "client_screens", "width=1920&height=1080&scaling-factor=1&colour-depth=0",
     "'colour-depth' should be a positive whole number"),
    (D, "client_screens", "width=1920&height=1080&colour-depth=16",
     "'scaling-factor' is missing or empty"),
    (D, "client_screens", "height=1080&scaling-factor=1&colour-depth=16",
     "'width' is missing or empty"),
    (D, "client_timezone", "UTC+15:00", "outside the real range"),
    (D, "client_timezone", "UTC+14:30", "outside the real range"),
    (D, "client_timezone", "UTC+01:60", "outside the real range"),
    (D, "client_user_ids", "my-application=alice123", "The 'os' key is missing"),
    (OV, "client_user_ids", "my-application=alice123", "OTHER_VIA_SERVER should send the user"),
    (D, "client_user_ids", "os=&my-application=", "Holds no user id"),
    (D, "client_window_size", "width=1256", "'height' is missing or empty"),
    (DV, "vendor_forwarded", f"by={VENDOR_IP}", "'for' is missing or empty"),
    (D, "vendor_version", "my-app=", "No version for 'my-app'"),
    (D, "client_device_id", "00000000-0000-0000-0000-000000000000", "The nil UUID"),
    (DV, "client_public_ip", "10.0.0.1", "is a private or documentation address"),
    (DV, "client_public_ip", "203.0.113.6", "is a private or documentation address"),
    (DV, "client_public_ip", "127.0.0.1", "is a loopback address"),
    (DV, "client_public_ip", "169.254.1.1", "is a link-local address"),
    (DV, "client_public_ip", "224.0.0.1", "is a multicast address"),
    (DV, "client_public_ip", "0.0.0.0", "is the unspecified address"),
    (DV, "client_public_ip", "100.64.0.1", "is a reserved address"),
    (DV, "client_public_ip", "4000::1", "is a reserved address"),
    (DV, "vendor_public_ip", "192.168.1.1", "is a private or documentation address"),
    (D, "client_local_ips_timestamp",
     format_timestamp(NOW + FUTURE_TOLERANCE + timedelta(milliseconds=1)), "is in the future"),
    (D, "client_local_ips_timestamp",
     format_timestamp(NOW - MAX_TIMESTAMP_AGE - timedelta(milliseconds=1)),
     "more than 24 hours old"),
    (DV, "client_public_ip_timestamp", "2020-09-21T14:30:05.123Z", "more than 24 hours old"),
    (D, "client_multi_factor",
     "type=TOTP&timestamp=2026-11-26T10%3A06Z&unique-reference=a", "is in the future"),
    (D, "client_multi_factor",
     "type=TOTP&timestamp=2026-11-26T09%3A06Z&unique-reference=a&device=phone",
     "Key 'device' is unknown"),
    (D, "client_screens", "width=1&height=1&scaling-factor=1&colour-depth=1&dpi=96",
     "Screen 1: Key 'dpi' is unknown"),
    (D, "client_window_size", "width=1&height=1&x=0", "Key 'x' is unknown"),
    (D, "client_user_agent", "os-family=Windows&os-version=10&device-manufacturer=Dell",
     "'device-model' is missing or empty"),
    (D, "client_user_agent", "os-family=Windows&os-version=10&device-manufacturer=Dell"
     "&device-model=&browser=Edge", "Key 'browser' is unknown"),
    (D, "client_user_ids", "os=&my-application=alice123", "The 'os' key is missing or empty"),
    (W, "client_user_ids", "os=alice&my-application=alice123", "Check the connection method"),
    (DV, "vendor_forwarded", f"by={VENDOR_IP}&for={CLIENT_IP},by=10.0.0.2&for={VENDOR_IP}",
     "Hop 2: 'by' (10.0.0.2) is a private or documentation address"),
    (DV, "vendor_forwarded", f"by={VENDOR_IP}&for={CLIENT_IP}&via=x", "Key 'via' is unknown"),
]
# fmt: on


@pytest.mark.parametrize(("method", "header", "value", "fragment"), WARNINGS)
def test_each_doubtful_value_is_a_warning_on_that_header(
    method: ConnectionMethod, header: str, value: str, fragment: str
) -> None:
    name = "gov-" + header.replace("_", "-")
    result = validate_headers(valid_set(method, **{header: value}), now=NOW)
    assert result.code == "POTENTIALLY_INVALID_HEADERS", result.errors
    assert result.warnings
    assert any(fragment in issue.message for issue in result.warnings), result.warnings
    assert all(name in issue.headers for issue in result.warnings)
    header_result = result_for(result, name)
    assert header_result.code == "POTENTIALLY_INVALID_HEADER"
    assert header_result.errors == ()


def test_messages_quote_short_printable_excerpts() -> None:
    value = "x" * 60 + "\u00e9"
    result = validate_headers(valid_set(D, client_device_id=quote(value)), now=NOW)
    (issue,) = result.errors
    assert issue.message.startswith("'" + "x" * 40 + "…' is not a UUID")
    result = validate_headers(valid_set(D, client_user_ids="os=%C3%A9%0A&os=x"), now=NOW)
    (issue,) = result.warnings
    assert issue.message == "Key 'os' appears more than once; the first counts."
    result = validate_headers(valid_set(D, client_multi_factor="type=%0A%C3%A9"), now=NOW)
    assert any("type '?\\xe9' is not one of" in issue.message for issue in result.errors)


# --- missing and empty ----------------------------------------------------------------------------

SOFT = {fh.MULTI_FACTOR, fh.VENDOR_LICENSE_IDS}
PAIRS = [
    (method, name)
    for method in ConnectionMethod
    for name in sorted(REQUIRED_HEADERS[method])
    if name != fh.CONNECTION_METHOD
]


@pytest.mark.parametrize(("method", "name"), PAIRS)
def test_every_missing_required_header_is_reported(method: ConnectionMethod, name: str) -> None:
    result = validate_headers(valid_set(method, **{name[4:].replace("-", "_"): None}), now=NOW)
    issue = only_issue(result)
    assert issue.code == "MISSING_HEADER"
    assert issue.headers == (name,)
    expected = "POTENTIALLY_INVALID_HEADERS" if name in SOFT else "INVALID_HEADERS"
    assert result.code == expected
    assert (issue in result.warnings) == (name in SOFT)
    header = result_for(result, name)
    assert (header.code, header.value) == ("MISSING_HEADER", None)
    assert issue.message.startswith(("Header missing", "Header required"))


@pytest.mark.parametrize(("method", "name"), PAIRS)
def test_every_empty_required_header_is_reported(method: ConnectionMethod, name: str) -> None:
    result = validate_headers(valid_set(method, **{name[4:].replace("-", "_"): ""}), now=NOW)
    issue = only_issue(result)
    assert issue.code == "EMPTY_HEADER"
    assert issue.headers == (name,)
    assert (issue in result.warnings) == (name in SOFT)
    assert issue.message.startswith(("Value is empty", "Value required"))


def test_public_ip_and_port_missing_share_hmrcs_message() -> None:
    result = validate_headers(
        valid_set(M.WEB_APP_VIA_SERVER, client_public_ip=None, client_public_port=None), now=NOW
    )
    assert result.to_validate_body()["errors"] == [
        {
            "code": "MISSING_HEADER",
            "message": PRIVATE_NETWORK_MISSING,
            "headers": ["gov-client-public-ip", "gov-client-public-port"],
        }
    ]


def test_missing_header_message_says_what_to_send() -> None:
    result = validate_headers(valid_set(M.DESKTOP_APP_DIRECT, client_timezone=None), now=NOW)
    assert only_issue(result).message == (
        "Header missing. Expected the device's UTC offset as UTC±hh:mm, e.g. UTC+01:00."
    )


# --- the connection method ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        (None, "MISSING_HEADER", "Header missing. Expected one of DESKTOP_APP_DIRECT,"),
        ("", "EMPTY_HEADER", "Value is empty. Expected one of DESKTOP_APP_DIRECT,"),
        ("desktop_app_direct", "INVALID_HEADER", "'desktop_app_direct' is not a connection"),
        ("WEB_APP", "INVALID_HEADER", "'WEB_APP' is not a connection method"),
        ("null", "INVALID_HEADER", "'null' is not a connection method"),
    ],
)
def test_no_valid_connection_method(value: str | None, code: str, fragment: str) -> None:
    headers = valid_set(M.DESKTOP_APP_DIRECT, client_connection_method=value)
    del headers["Gov-Client-Timezone"]  # cannot be reported missing without a method
    headers["Gov-Client-Screens"] = "width=0"  # formats are still checked
    headers["Gov-Client-Public-IP"] = CLIENT_IP  # not flagged as unexpected
    headers["Gov-Client-Browser-Plugins"] = "x"  # retired: accepted
    headers["Gov-Client-Gizmo"] = "x"  # not in the spec at all
    result = validate_headers(headers, now=NOW)
    assert result.code == "INVALID_HEADERS"
    assert result.connection_method is None
    method_issue = result.errors[0]
    assert method_issue.code == code
    assert method_issue.headers == ("gov-client-connection-method",)
    assert method_issue.message.startswith(fragment)
    assert "no other header can be checked for presence" in method_issue.message
    assert [issue.headers for issue in result.errors[1:]] == [("gov-client-screens",)]
    assert [(issue.code, issue.headers) for issue in result.warnings] == [
        ("POTENTIALLY_INVALID_HEADER", ("gov-client-screens",))
    ] * 3 + [("UNEXPECTED_HEADER", ("gov-client-gizmo",))]
    codes = {header.header: header.code for header in result.headers}
    assert "gov-client-timezone" not in codes
    assert codes["gov-client-public-ip"] == "VALID_HEADER"
    assert codes["gov-client-browser-plugins"] == "VALID_HEADER"
    expected = "MISSING_HEADER" if value is None else "INVALID_HEADER"
    assert codes["gov-client-connection-method"] == expected


# --- names, unexpected, scenarios -----------------------------------------------------------------


@pytest.mark.parametrize("case", [str.lower, str.upper, str.swapcase, lambda name: name])
def test_header_names_are_case_insensitive(case: Callable[[str], str]) -> None:
    headers = {case(name): value for name, value in valid_set(M.DESKTOP_APP_DIRECT).items()}
    result = validate_headers(headers, now=NOW)
    assert result.code == "VALID_HEADERS"
    assert all(header.header == header.header.lower() for header in result.headers)


def test_other_headers_are_ignored() -> None:
    headers = valid_set(M.BATCH_PROCESS_DIRECT)
    headers |= {"Accept": "application/vnd.hmrc.2.0+json", "Authorization": "Bearer x"}
    headers["Gov-Something-Else"] = "x"
    result = validate_headers(headers, now=NOW)
    assert result.code == "VALID_HEADERS"
    assert "accept" not in {header.header for header in result.headers}


def test_headers_not_needed_by_the_method_are_unexpected_warnings() -> None:
    headers = valid_set(M.DESKTOP_APP_DIRECT)
    headers["Gov-Client-Public-IP"] = CLIENT_IP
    headers["Gov-Client-Browser-Do-Not-Track"] = "true"
    headers["Gov-Vendor-Wibble"] = "1"
    result = validate_headers(headers, now=NOW)
    assert result.code == "POTENTIALLY_INVALID_HEADERS"
    assert result.errors == ()
    assert [issue.to_json() for issue in result.warnings] == [
        {
            "code": "UNEXPECTED_HEADER",
            "message": "Not required for DESKTOP_APP_DIRECT. Stop sending it, or check that "
            "Gov-Client-Connection-Method is right.",
            "headers": ["gov-client-public-ip", "gov-client-browser-do-not-track"],
        },
        {
            "code": "UNEXPECTED_HEADER",
            "message": "Not a header of fraud prevention specification v3.3. Check the name.",
            "headers": ["gov-vendor-wibble"],
        },
    ]
    assert result_for(result, "gov-vendor-wibble").code == "UNEXPECTED_HEADER"
    assert result_for(result, "gov-client-public-ip").value == CLIENT_IP


def test_retired_browser_headers_are_accepted_quietly_from_web_apps() -> None:
    headers = valid_set(M.WEB_APP_VIA_SERVER)
    headers["Gov-Client-Browser-Do-Not-Track"] = ""
    headers["Gov-Client-Browser-Plugins"] = "null"
    result = validate_headers(headers, now=NOW)
    assert result.code == "VALID_HEADERS"
    assert result_for(result, "gov-client-browser-plugins").code == "VALID_HEADER"


def test_test_scenario_header_is_reported_not_judged() -> None:
    headers = valid_set(M.OTHER_DIRECT)
    headers["Gov-Test-Scenario"] = "NOT_FOUND"
    result = validate_headers(headers, now=NOW)
    assert result.code == "VALID_HEADERS"
    scenario = result.headers[-1]
    assert (scenario.header, scenario.value, scenario.code) == (
        "gov-test-scenario",
        "NOT_FOUND",
        "TEST_SCENARIO_HEADER",
    )


def test_a_header_sent_twice_with_different_values_is_a_warning() -> None:
    headers = valid_set(M.OTHER_DIRECT)
    headers["gov-client-timezone"] = "UTC+00:00"
    headers["GOV-CLIENT-DEVICE-ID"] = headers["Gov-Client-Device-ID"]  # same value: fine
    result = validate_headers(headers, now=NOW)
    issue = only_issue(result)
    assert result.code == "POTENTIALLY_INVALID_HEADERS"
    assert issue.headers == ("gov-client-timezone",)
    assert "more than once" in issue.message
    assert result_for(result, "gov-client-timezone").value == "UTC+01:00"


def test_values_are_trimmed() -> None:
    headers = valid_set(M.OTHER_DIRECT, client_timezone=" UTC+01:00\t")
    result = validate_headers(headers, now=NOW)
    assert result.code == "VALID_HEADERS"
    assert result_for(result, "gov-client-timezone").value == "UTC+01:00"


# --- no headers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"Accept": "application/vnd.hmrc.1.0+json"}, {"Gov-Test-Scenario": "DEFAULT"}],
)
def test_no_fraud_prevention_headers(headers: dict[str, str]) -> None:
    result = validate_headers(headers, now=NOW)
    assert result.code == "NO_HEADERS"
    assert result.message == "No fraud prevention headers were sent"
    body = result.to_validate_body()
    assert body["code"] == "INVALID_HEADERS"
    assert body["message"] == "At least 1 header is invalid"
    assert body["errors"] == [
        {
            "code": "MISSING_HEADER",
            "message": "No fraud prevention headers were sent. Send the headers your connection "
            "method needs, starting with Gov-Client-Connection-Method.",
            "headers": ["gov-client-connection-method"],
        }
    ]
    assert "warnings" not in body
    feedback = result.to_feedback_request("/test", "get", NOW)
    assert feedback["code"] == "NO_HEADERS"
    assert [(entry.header, entry.code) for entry in result.headers] == [
        ("gov-client-connection-method", "MISSING_HEADER")
    ] + [("gov-test-scenario", "TEST_SCENARIO_HEADER")] * ("Gov-Test-Scenario" in headers)


# --- timestamps -----------------------------------------------------------------------------------


def test_timestamp_window_edges() -> None:
    for moment, ok in [
        (NOW + FUTURE_TOLERANCE, True),
        (NOW + FUTURE_TOLERANCE + timedelta(milliseconds=1), False),
        (NOW - MAX_TIMESTAMP_AGE, True),
        (NOW - MAX_TIMESTAMP_AGE - timedelta(milliseconds=1), False),
    ]:
        headers = valid_set(
            M.MOBILE_APP_DIRECT, client_local_ips_timestamp=format_timestamp(moment)
        )
        assert (validate_headers(headers, now=NOW).code == "VALID_HEADERS") is ok, moment


def test_now_may_be_naive_or_in_any_zone() -> None:
    headers = valid_set(M.MOBILE_APP_DIRECT)
    assert validate_headers(headers, now=NOW.replace(tzinfo=None)).code == "VALID_HEADERS"
    paris = NOW.astimezone(timezone(timedelta(hours=1)))
    assert validate_headers(headers, now=paris).code == "VALID_HEADERS"


def test_format_timestamp() -> None:
    assert format_timestamp(datetime(2020, 9, 21, 14, 30, 5, 123999, tzinfo=UTC)) == (
        "2020-09-21T14:30:05.123Z"
    )
    assert format_timestamp(datetime(2020, 9, 21, 15, 30, 5)) == "2020-09-21T15:30:05.000Z"
    one_hour_ahead = timezone(timedelta(hours=1))
    assert format_timestamp(datetime(2020, 9, 21, 15, 30, 5, tzinfo=one_hour_ahead)) == (
        "2020-09-21T14:30:05.000Z"
    )


# --- cross validation -----------------------------------------------------------------------------


def test_forwarded_first_hop_must_match_the_public_ips() -> None:
    headers = valid_set(
        M.OTHER_VIA_SERVER, vendor_forwarded=f"by=86.9.9.9&for=81.9.9.9,by={VENDOR_IP}&for=x"
    )
    result = validate_headers(headers, now=NOW)
    assert result.code == "INVALID_HEADERS"  # hop 2 is malformed
    assert [(check.headers, check.code) for check in result.cross_validation] == [
        (("gov-vendor-forwarded", "gov-vendor-public-ip"), "POTENTIALLY_INVALID_HEADER"),
        (("gov-vendor-forwarded", "gov-client-public-ip"), "POTENTIALLY_INVALID_HEADER"),
    ]
    assert [issue.headers for issue in result.warnings] == [
        ("gov-vendor-forwarded", "gov-vendor-public-ip"),
        ("gov-vendor-forwarded", "gov-client-public-ip"),
    ]
    assert result.warnings[0].message == (
        "The first hop's 'by' ('86.9.9.9') differs from Gov-Vendor-Public-IP ('86.1.2.3'). "
        "They must name the same address."
    )
    # The headers themselves are fine on their own.
    assert result_for(result, "gov-vendor-public-ip").code == "VALID_HEADER"


@pytest.mark.parametrize(
    "overrides",
    [
        {"vendor_forwarded": f"for={CLIENT_IP}"},  # no 'by' to compare
        {"vendor_forwarded": "by=86.9.9.9", "vendor_public_ip": None},
        {"vendor_forwarded": "by=nowhere&for=81.2.69.142"},
        {"vendor_forwarded": "by=86.1.2.3&for=81.2.69.142", "vendor_public_ip": "x"},
        {
            "vendor_forwarded": "by=86.1.2.3&for=2a00%3A1450%3A%3A1",
            "client_public_ip": "2a00:1450::1",
        },
        {"vendor_forwarded": "by"},
        {"vendor_forwarded": ""},
        {"vendor_forwarded": None},
    ],
)
def test_cross_validation_only_compares_two_addresses(overrides: dict[str, str | None]) -> None:
    result = validate_headers(valid_set(M.OTHER_VIA_SERVER, **overrides), now=NOW)
    assert result.cross_validation == ()


# --- caps, grouping and shapes --------------------------------------------------------------------


@pytest.mark.parametrize("extra", [1, 2])
def test_findings_are_capped_per_header(extra: int) -> None:
    bad = ",".join(["x"] * (MAX_FINDINGS_PER_HEADER + extra))
    result = validate_headers(valid_set(M.DESKTOP_APP_DIRECT, client_local_ips=bad), now=NOW)
    header = result_for(result, "gov-client-local-ips")
    assert len(header.errors) == MAX_FINDINGS_PER_HEADER + 1
    noun = "problem" if extra == 1 else "problems"
    assert header.errors[-1].message == f"…and {extra} more {noun} in this header, not listed."
    # Identical messages for different items merge into one HMRC item.
    assert len(result.errors) == 2


def test_warnings_are_capped_too() -> None:
    hops = ",".join(f"by=10.0.0.{n}&for=10.0.1.{n}" for n in range(1, 5))
    result = validate_headers(
        valid_set(M.WEB_APP_VIA_SERVER, vendor_forwarded=f"by={VENDOR_IP}&for={CLIENT_IP},{hops}"),
        now=NOW,
    )
    header = result_for(result, "gov-vendor-forwarded")
    assert header.code == "POTENTIALLY_INVALID_HEADER"
    assert len(header.warnings) == MAX_FINDINGS_PER_HEADER + 1
    assert header.warnings[-1].message == "…and 3 more problems in this header, not listed."


def test_feedback_request_shape() -> None:
    headers = valid_set(M.WEB_APP_VIA_SERVER, client_multi_factor=None)
    headers["Gov-Vendor-Forwarded"] = f"by=86.9.9.9&for={CLIENT_IP}"
    result = validate_headers(headers, now=NOW)
    feedback = result.to_feedback_request(
        "/individuals/business/details/AA123456A/list", "get", NOW + timedelta(microseconds=4500)
    )
    assert list(feedback) == [
        "path",
        "method",
        "requestTimestamp",
        "code",
        "headers",
        "crossValidation",
    ]
    assert feedback["path"] == "/individuals/business/details/AA123456A/list"
    assert feedback["method"] == "GET"
    assert feedback["requestTimestamp"] == "2026-11-26T10:00:00.004Z"
    assert feedback["code"] == "POTENTIALLY_INVALID_HEADERS"
    entries = feedback["headers"]
    assert isinstance(entries, list)
    assert entries[0] == {
        "header": "gov-client-connection-method",
        "value": "WEB_APP_VIA_SERVER",
        "code": "VALID_HEADER",
        "errors": [],
        "warnings": [],
    }
    missing = next(entry for entry in entries if entry["header"] == "gov-client-multi-factor")
    assert missing == {
        "header": "gov-client-multi-factor",
        "value": None,
        "code": "MISSING_HEADER",
        "errors": [],
        "warnings": [{"code": "MISSING_HEADER", "message": MULTI_FACTOR_MISSING}],
    }
    assert feedback["crossValidation"] == [
        {
            "headers": ["gov-vendor-forwarded", "gov-vendor-public-ip"],
            "code": "POTENTIALLY_INVALID_HEADER",
            "errors": [],
            "warnings": [
                {
                    "code": "POTENTIALLY_INVALID_HEADER",
                    "message": "The first hop's 'by' ('86.9.9.9') differs from "
                    "Gov-Vendor-Public-IP ('86.1.2.3'). They must name the same address.",
                }
            ],
        }
    ]
    json.dumps(feedback)


def test_validate_body_with_errors_and_warnings() -> None:
    result = validate_headers(
        valid_set(
            M.DESKTOP_APP_DIRECT,
            client_timezone="UTC",
            client_device_id="00000000-0000-0000-0000-000000000000",
        ),
        now=NOW,
    )
    body = result.to_validate_body()
    assert list(body) == ["specVersion", "code", "message", "errors", "warnings"]
    assert body["specVersion"] == SPEC_VERSION == "3.3"
    assert body["code"] == "INVALID_HEADERS"


def test_is_fraud_prevention_header() -> None:
    assert is_fraud_prevention_header("Gov-Client-Timezone")
    assert is_fraud_prevention_header("GOV-VENDOR-VERSION")
    assert not is_fraud_prevention_header("Gov-Test-Scenario")
    assert not is_fraud_prevention_header("Accept")


# --- properties -----------------------------------------------------------------------------------

SAFE_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20).filter(
    lambda text: text.lower() not in {"null", "undefined"}
)
ENCODED = SAFE_TEXT.map(lambda text: quote(text, safe=""))


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


PUBLIC_V4 = st.ip_addresses(v=4).filter(_public)
# 2400::/6 lies inside 2000::/3, the globally routable unicast space.
PUBLIC_V6 = st.integers(min_value=0x2400 << 112, max_value=(0x2C00 << 112) - 1).map(
    ipaddress.IPv6Address
)
PUBLIC_IPS = st.one_of(PUBLIC_V4, PUBLIC_V6)


def encoded_ip(ip: object) -> str:
    return quote(str(ip), safe="")


def key_values(pairs: dict[str, str]) -> str:
    return "&".join(
        f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in pairs.items()
    )


def recent_stamps() -> st.SearchStrategy[str]:
    window = int(MAX_TIMESTAMP_AGE.total_seconds() * 1000)
    ahead = int(FUTURE_TOLERANCE.total_seconds() * 1000)
    return st.integers(-window, ahead).map(
        lambda ms: format_timestamp(NOW + timedelta(milliseconds=ms))
    )


@st.composite
def valid_sets(draw: st.DrawFn) -> dict[str, str]:
    method = draw(st.sampled_from(list(ConnectionMethod)))
    client_ip, vendor_ip = draw(PUBLIC_IPS), draw(PUBLIC_IPS)
    pixels = st.integers(1, 99_999)
    screens = st.lists(
        st.builds(
            lambda w, h, s, d: f"width={w}&height={h}&scaling-factor={s}&colour-depth={d}",
            pixels,
            pixels,
            st.sampled_from(["1", "1.25", "1.5", "2", "3", "0.75"]),
            st.sampled_from([8, 16, 24, 30, 32]),
        ),
        min_size=1,
        max_size=3,
    )
    factor = st.builds(
        lambda kind, minutes, ref: key_values(
            {
                "type": kind,
                "timestamp": (NOW - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%MZ"),
                "unique-reference": ref,
            }
        ),
        st.sampled_from(["TOTP", "AUTH_CODE", "OTHER"]),
        st.integers(0, 5_000_000),
        st.text("0123456789abcdef", min_size=1, max_size=64),
    )
    macs = st.lists(st.binary(min_size=6, max_size=6), min_size=1, max_size=3).filter(
        lambda items: all(any(item) for item in items)
    )
    app_ids = st.dictionaries(SAFE_TEXT.filter(lambda key: key != "os"), SAFE_TEXT, max_size=3)
    ids = draw(app_ids)
    if method in OS_USER_METHODS:
        ids = {"os": draw(SAFE_TEXT), **ids}
    elif not ids:
        ids = {"my-app": draw(SAFE_TEXT)}
    versions = draw(
        st.dictionaries(
            SAFE_TEXT, SAFE_TEXT, min_size=2 if method in TWO_VERSION_METHODS else 1, max_size=3
        )
    )
    later_hops = draw(st.lists(st.tuples(PUBLIC_IPS, PUBLIC_IPS), max_size=2))
    hops = [(vendor_ip, client_ip), *later_hops]
    values = {
        fh.CONNECTION_METHOD: str(method),
        fh.DEVICE_ID: str(draw(st.uuids().filter(lambda u: u.int != 0))),
        fh.LOCAL_IPS: ",".join(
            encoded_ip(ip) for ip in draw(st.lists(st.ip_addresses(), min_size=1, max_size=4))
        ),
        fh.LOCAL_IPS_TIMESTAMP: draw(recent_stamps()),
        fh.MAC_ADDRESSES: ",".join("%3A".join(f"{byte:02x}" for byte in mac) for mac in draw(macs)),
        fh.MULTI_FACTOR: ",".join(draw(st.lists(factor, min_size=1, max_size=3))),
        fh.PUBLIC_IP: draw(st.sampled_from([str(client_ip), encoded_ip(client_ip)])),
        fh.PUBLIC_IP_TIMESTAMP: draw(recent_stamps()),
        fh.PUBLIC_PORT: str(draw(st.integers(1, 65535).filter(lambda port: port not in (80, 443)))),
        fh.SCREENS: ",".join(draw(screens)),
        fh.TIMEZONE: draw(
            st.builds(
                lambda sign, hours, minutes: f"UTC{sign}{hours:02d}:{minutes:02d}",
                st.sampled_from("+-"),
                st.integers(0, 13),
                st.integers(0, 59),
            )
        ),
        fh.USER_AGENT: key_values(
            {
                key: draw(SAFE_TEXT)
                for key in ("os-family", "os-version", "device-manufacturer", "device-model")
            }
        ),
        fh.BROWSER_JS_USER_AGENT: draw(
            st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1).filter(
                lambda text: text.strip() and text.strip().lower() not in {"null", "undefined"}
            )
        ),
        fh.USER_IDS: key_values(ids),
        fh.WINDOW_SIZE: f"width={draw(pixels)}&height={draw(pixels)}",
        fh.VENDOR_FORWARDED: ",".join(
            f"by={encoded_ip(by)}&for={encoded_ip(sender)}" for by, sender in hops
        ),
        fh.VENDOR_LICENSE_IDS: key_values(
            draw(st.dictionaries(SAFE_TEXT, SAFE_TEXT, min_size=1, max_size=3))
        ),
        fh.VENDOR_PRODUCT_NAME: draw(ENCODED),
        fh.VENDOR_PUBLIC_IP: draw(st.sampled_from([str(vendor_ip), encoded_ip(vendor_ip)])),
        fh.VENDOR_VERSION: key_values(versions),
    }
    return {CANONICAL[name]: values[name] for name in REQUIRED_HEADERS[method]}


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(valid_sets())
def test_any_generated_valid_set_is_valid(headers: dict[str, str]) -> None:
    result = validate_headers(headers, now=NOW)
    assert result.code == "VALID_HEADERS", (result.errors, result.warnings)


NAMES = st.sampled_from([*CANONICAL.values(), "Gov-Test-Scenario", "Gov-Client-Browser-Plugins"])
ANY_TEXT = st.text(max_size=200)


@settings(max_examples=300)
@given(
    st.sampled_from(list(ConnectionMethod)),
    st.dictionaries(st.one_of(NAMES, ANY_TEXT), ANY_TEXT, max_size=8),
)
def test_never_raises_on_arbitrary_headers(method: ConnectionMethod, extra: dict[str, str]) -> None:
    headers = valid_set(method) | extra
    result = validate_headers(headers, now=NOW)
    assert result.code in {"VALID_HEADERS", "INVALID_HEADERS", "POTENTIALLY_INVALID_HEADERS"}
    json.dumps(result.to_validate_body())
    json.dumps(result.to_feedback_request("/", "GET", NOW))


@settings(max_examples=200)
@given(st.sampled_from(list(CANONICAL.values())), ANY_TEXT, st.sampled_from(list(ConnectionMethod)))
def test_never_raises_on_any_single_value(name: str, value: str, method: ConnectionMethod) -> None:
    headers = valid_set(method)
    headers[name] = value
    result = validate_headers(headers, now=NOW)
    json.dumps(result.to_validate_body())
    for issue in result.errors + result.warnings:  # excerpts are made printable ASCII
        assert issue.message.replace("±", "").replace("…", "").isascii()


@settings(max_examples=200)
@given(
    st.sampled_from(list(CANONICAL.values())), st.sampled_from(list(ConnectionMethod)), st.data()
)
def test_never_raises_on_near_miss_values(
    name: str, method: ConnectionMethod, data: st.DataObject
) -> None:
    """Valid values with a few characters changed reach the deeper checks."""
    headers = valid_set(method)
    value = headers.get(name, "a=b&c=d,e=f")
    chars = list(value)
    for _ in range(data.draw(st.integers(1, 3))):
        position = data.draw(st.integers(0, len(chars)))
        chars.insert(position, data.draw(st.sampled_from(list(":%,&=.-0123456789aZ \u00e9"))))
    headers[name] = "".join(chars)
    json.dumps(validate_headers(headers, now=NOW).to_feedback_request("/", "GET", NOW))


@pytest.mark.parametrize(
    "value",
    [
        "a" * 1_000_000,
        "%41" * 300_000,
        "1," * 500_000,
        "\u00e9" * 500_000,
        "\ud800" * 10_000,
    ],
)
def test_huge_values_are_not_read(value: str) -> None:
    headers = dict.fromkeys(CANONICAL.values(), value)
    headers["Gov-Client-Connection-Method"] = "OTHER_VIA_SERVER"
    result = validate_headers(headers, now=NOW)
    # Not parsing them is openmtd's choice, so it is a warning, never an error.
    assert result.code == "POTENTIALLY_INVALID_HEADERS"
    too_long = (
        f"Value is {len(value)} characters long, too long to check. Real values are far "
        f"shorter than 8192 characters."
    )
    assert result.errors == ()
    judged = [issue.message for issue in result.warnings if issue.code != "UNEXPECTED_HEADER"]
    assert judged == [too_long]
    assert len(json.dumps(result.to_validate_body())) < 2000  # no value is echoed


@pytest.mark.parametrize(
    "value",
    [
        "a" * MAX_VALUE_LENGTH,
        "%41" * (MAX_VALUE_LENGTH // 3),
        "1," * (MAX_VALUE_LENGTH // 2),
        "a=b&" * (MAX_VALUE_LENGTH // 4),
        "width=1&height=1&scaling-factor=1&colour-depth=1," * 160,
        "by=86.1.2.3&for=81.2.69.142," * 290,
        "9" * MAX_VALUE_LENGTH,
        "\ud800" * 100,
    ],
)
def test_long_values_are_judged_quickly(value: str) -> None:
    headers = dict.fromkeys(CANONICAL.values(), value)
    headers["Gov-Client-Connection-Method"] = "OTHER_VIA_SERVER"
    started = time.perf_counter()
    result = validate_headers(headers, now=NOW)
    assert time.perf_counter() - started < 2
    assert result.code in {"INVALID_HEADERS", "POTENTIALLY_INVALID_HEADERS"}
    body = json.dumps(result.to_validate_body())
    assert len(body) < 20_000  # messages quote excerpts, never whole values
