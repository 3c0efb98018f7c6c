"""One check per header of spec v3.3 (wire facts §3.2). Each finding names the rule of the
specification (``spec``) or openmtd's choice (``choices``) it comes from."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Final

from openmtd.rules.fraud_headers import choices as own
from openmtd.rules.fraud_headers import spec
from openmtd.rules.fraud_headers.context import Context
from openmtd.rules.fraud_headers.encoding import (
    absent_keys,
    decoded_token,
    ip_or_text,
    items,
    key_values,
    not_public,
    parse_ip,
    show,
    to_datetime,
    unknown_keys,
)
from openmtd.rules.fraud_headers.results import Findings, format_timestamp
from openmtd.rules.fraud_headers.spec import ConnectionMethod

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
_POSITIVE: Final = re.compile(r"[1-9][0-9]{0,8}")
_SCALING: Final = re.compile(r"[0-9]{1,4}(?:\.[0-9]{1,6})?")
_PORT: Final = re.compile(r"[0-9]{1,5}")
_TIMEZONE: Final = re.compile(r"UTC[+-]([0-9]{2}):([0-9]{2})")


def _timestamp_window(moment: datetime, context: Context, findings: Findings) -> None:
    if context.ahead(moment, own.FUTURE_TOLERANCE):
        findings.add(
            own.TIMESTAMP_WINDOW,
            f"{format_timestamp(moment)} is in the future. Check the clock of the device that "
            f"collected it.",
        )
    elif context.older(moment, own.MAX_TIMESTAMP_AGE):
        findings.add(
            own.TIMESTAMP_WINDOW,
            f"{format_timestamp(moment)} is more than 24 hours old. Collect it immediately "
            f"before each request.",
        )


def _not_public(value: str, why: str | None, findings: Findings, advice: str) -> None:
    if why is not None:
        findings.add(own.NOT_PUBLIC_IP, f"{value} is {why}. {advice}")


def check_device_id(value: str, context: Context, findings: Findings) -> None:
    if not _UUID.fullmatch(value):
        findings.add(
            spec.DEVICE_ID_UUID,
            f"{show(value)} is not a UUID. Expected a UUID generated once per device, "
            f"e.g. beec798b-b366-47fa-b1f8-92cede14a1ce.",
        )
    elif value == _NIL_UUID:
        findings.add(
            own.NIL_DEVICE_ID,
            "The nil UUID is not a device id. Generate a random UUID once per device.",
        )


def check_local_ips(value: str, context: Context, findings: Findings) -> None:
    for item in items(value, findings, "IP address"):
        if ":" in item:
            findings.add(
                spec.PERCENT_ENCODED,
                f"{show(item)} must be percent-encoded: write each ':' of an IPv6 address as %3A.",
            )
            continue
        decoded = decoded_token(item)
        if decoded is None or parse_ip(decoded) is None:
            findings.add(spec.IP_ADDRESS, f"{show(item)} is not an IPv4 or IPv6 address.")


def check_timestamp(value: str, context: Context, findings: Findings) -> None:
    match = _MS_TIMESTAMP.fullmatch(ip_or_text(value))
    moment = to_datetime(match.groups()) if match else None
    if moment is None:
        findings.add(
            spec.TIMESTAMP,
            f"{show(value)} is not a UTC timestamp with milliseconds. Expected "
            f"yyyy-MM-ddThh:mm:ss.sssZ, e.g. 2020-09-21T14:30:05.123Z.",
        )
        return
    _timestamp_window(moment, context, findings)


def check_mac_addresses(value: str, context: Context, findings: Findings) -> None:
    for item in items(value, findings, "MAC address"):
        if ":" in item:
            findings.add(
                spec.PERCENT_ENCODED,
                f"{show(item)} must be percent-encoded: write each ':' as %3A.",
            )
            continue
        decoded = decoded_token(item)
        if decoded is None or not _MAC.fullmatch(decoded):
            findings.add(
                spec.MAC_ADDRESS,
                f"{show(item)} is not a MAC address. Expected six hex pairs, percent-encoded, "
                f"e.g. ea%3A43%3A1a%3A5d%3A21%3A45.",
            )
        elif int(decoded.replace(":", "").replace("-", ""), 16) == 0:
            findings.add(
                own.ALL_ZERO_MAC,
                f"{show(item)} is all zeros, which no network interface has. Check how the "
                f"addresses are collected.",
            )


def check_multi_factor(value: str, context: Context, findings: Findings) -> None:
    for position, entry in enumerate(items(value, findings, "Factor"), start=1):
        where = f"Factor {position}: "
        pairs = key_values(entry, findings, where)
        if pairs is None:
            continue
        absent_keys(pairs, spec.MFA_KEYS, findings, where)
        unknown_keys(pairs, spec.MFA_KEYS, findings, where)
        kind = pairs.get("type")
        if kind and kind not in spec.MFA_TYPES:
            findings.add(
                spec.MFA_TYPE,
                f"{where}type {show(kind)} is not one of {', '.join(spec.MFA_TYPES)}.",
            )
        stamp = pairs.get("timestamp")
        if stamp:
            match = _MFA_TIMESTAMP.fullmatch(stamp)
            moment = to_datetime(match.groups()) if match else None
            if moment is None:
                findings.add(
                    spec.MFA_TIMESTAMP,
                    f"{where}timestamp {show(stamp)} is not a UTC timestamp. Expected at least "
                    f"yyyy-MM-ddThh:mmZ, percent-encoded, e.g. 2021-11-21T13%3A23Z.",
                )
            elif context.ahead(moment, own.FUTURE_TOLERANCE):
                # The timestamp records the last prompt, so only its future side is checked.
                findings.add(
                    own.TIMESTAMP_WINDOW,
                    f"{where}timestamp {show(stamp)} is in the future. It must record the "
                    f"last successful prompt for this factor.",
                )


def check_public_ip(value: str, context: Context, findings: Findings) -> None:
    ip = parse_ip(ip_or_text(value))
    if ip is None:
        findings.add(spec.IP_ADDRESS, f"{show(value)} is not an IPv4 or IPv6 address.")
        return
    _not_public(
        show(value),
        not_public(ip),
        findings,
        "Send the public address from which the request reached the internet.",
    )


def check_public_port(value: str, context: Context, findings: Findings) -> None:
    port = int(value) if _PORT.fullmatch(value) else 0
    if not 1 <= port <= 65535:
        findings.add(
            spec.PORT, f"{show(value)} is not a TCP port. Expected a whole number 1 to 65535."
        )
    elif port in (80, 443):
        findings.add(
            spec.PORT,
            f"{port} is a server port. Send the client's source port, the one the originating "
            f"device connected from.",
        )


def _dimensions(pairs: dict[str, str], findings: Findings, where: str, unit: str) -> None:
    for key in absent_keys(pairs, ("width", "height"), findings, where):
        if not _POSITIVE.fullmatch(pairs[key]):
            findings.add(spec.DIMENSION, f"{where}'{key}' must be a positive whole number{unit}.")


def check_screens(value: str, context: Context, findings: Findings) -> None:
    for position, entry in enumerate(items(value, findings, "Screen"), start=1):
        where = f"Screen {position}: "
        pairs = key_values(entry, findings, where)
        if pairs is None:
            continue
        _dimensions(pairs, findings, where, "")
        present = absent_keys(pairs, ("scaling-factor", "colour-depth"), findings, where)
        scaling = pairs.get("scaling-factor", "")
        if "scaling-factor" in present and not (_SCALING.fullmatch(scaling) and float(scaling) > 0):
            findings.add(
                own.SCREEN_DETAIL,
                f"{where}'scaling-factor' should be a positive number, e.g. 1 or 1.25.",
            )
        if "colour-depth" in present and not _POSITIVE.fullmatch(pairs["colour-depth"]):
            findings.add(
                own.SCREEN_DETAIL, f"{where}'colour-depth' should be a positive whole number."
            )
        unknown_keys(pairs, spec.SCREEN_KEYS, findings, where)


def check_timezone(value: str, context: Context, findings: Findings) -> None:
    match = _TIMEZONE.fullmatch(value)
    if match is None:
        findings.add(
            spec.TIMEZONE_FORMAT,
            f"{show(value)} is not a UTC offset. Expected UTC±hh:mm, e.g. UTC+01:00.",
        )
    elif int(match[1]) > 14 or int(match[2]) > 59 or (int(match[1]) == 14 and int(match[2])):
        findings.add(
            own.TIMEZONE_RANGE,
            f"{show(value)} is outside the real range of offsets, UTC-14:00 to UTC+14:00.",
        )


def check_user_agent(value: str, context: Context, findings: Findings) -> None:
    pairs = key_values(value, findings)
    if pairs is None:
        return
    absent_keys(pairs, spec.USER_AGENT_KEYS, findings)
    unknown_keys(pairs, spec.USER_AGENT_KEYS, findings)


def check_browser_js_user_agent(value: str, context: Context, findings: Findings) -> None:
    """Any non-empty printable US-ASCII text: navigator.userAgent, unchanged."""


def check_user_ids(value: str, context: Context, findings: Findings) -> None:
    pairs = key_values(value, findings)
    if pairs is None:
        return
    if not any(pairs.values()):
        findings.add(
            own.OS_KEY,
            "Holds no user id. Expected key=value pairs, e.g. os=domain%5Calice&my-app=alice123.",
        )
        return
    if context.method in spec.OS_USER_METHODS and not pairs.get("os"):
        findings.add(
            own.OS_KEY,
            f"The 'os' key is missing or empty. {context.method} should send the user signed "
            f"in on the device, e.g. os=domain%5Calice.",
        )
    elif context.method is ConnectionMethod.WEB_APP_VIA_SERVER and "os" in pairs:
        findings.add(
            own.OS_KEY,
            "Web applications do not usually send the 'os' key, as browsers do not expose it. "
            "Check the connection method.",
        )


def check_window_size(value: str, context: Context, findings: Findings) -> None:
    pairs = key_values(value, findings)
    if pairs is None:
        return
    _dimensions(pairs, findings, "", " of pixels")
    unknown_keys(pairs, spec.WINDOW_KEYS, findings)


def check_vendor_forwarded(value: str, context: Context, findings: Findings) -> None:
    for position, entry in enumerate(items(value, findings, "Hop"), start=1):
        where = f"Hop {position}: "
        pairs = key_values(entry, findings, where)
        if pairs is None:
            continue
        for key in absent_keys(pairs, spec.HOP_KEYS, findings, where):
            ip = parse_ip(pairs[key])
            if ip is None:
                findings.add(
                    spec.IP_ADDRESS,
                    f"{where}'{key}' must be an IP address (IPv6 percent-encoded), "
                    f"e.g. by=203.0.113.6&for=198.51.100.0.",
                )
                continue
            _not_public(
                f"{where}'{key}' ({ip})",
                not_public(ip),
                findings,
                "List only hops over the internet, not hops within a private network.",
            )
        unknown_keys(pairs, spec.HOP_KEYS, findings, where)


def check_license_ids(value: str, context: Context, findings: Findings) -> None:
    key_values(value, findings)


def check_product_name(value: str, context: Context, findings: Findings) -> None:
    if decoded_token(value) is None:
        findings.add(
            spec.PERCENT_ENCODED,
            f"{show(value)} is not percent-encoded. Encode the product name (RFC 3986), "
            f"e.g. Product%20Name.",
        )


def check_vendor_version(value: str, context: Context, findings: Findings) -> None:
    pairs = key_values(value, findings)
    if pairs is None:
        return
    for key, version in pairs.items():
        if not version:
            findings.add(
                own.VERSION_EMPTY, f"No version for {show(key)}. Expected software=version pairs."
            )
    if context.method in spec.TWO_VERSION_METHODS and len(pairs) < 2:
        findings.add(
            spec.TWO_VERSIONS,
            f"{context.method} must send at least 2 software=version pairs, the client's and "
            f"the server's, e.g. my-desktop-app=2.2.2&my-serverside-code=v3.8.",
        )


Check = Callable[[str, Context, Findings], None]
CHECKS: Final[dict[str, Check]] = {
    spec.DEVICE_ID: check_device_id,
    spec.LOCAL_IPS: check_local_ips,
    spec.LOCAL_IPS_TIMESTAMP: check_timestamp,
    spec.MAC_ADDRESSES: check_mac_addresses,
    spec.MULTI_FACTOR: check_multi_factor,
    spec.PUBLIC_IP: check_public_ip,
    spec.PUBLIC_IP_TIMESTAMP: check_timestamp,
    spec.PUBLIC_PORT: check_public_port,
    spec.SCREENS: check_screens,
    spec.TIMEZONE: check_timezone,
    spec.USER_AGENT: check_user_agent,
    spec.BROWSER_JS_USER_AGENT: check_browser_js_user_agent,
    spec.USER_IDS: check_user_ids,
    spec.WINDOW_SIZE: check_window_size,
    spec.VENDOR_FORWARDED: check_vendor_forwarded,
    spec.VENDOR_LICENSE_IDS: check_license_ids,
    spec.VENDOR_PRODUCT_NAME: check_product_name,
    spec.VENDOR_PUBLIC_IP: check_public_ip,
    spec.VENDOR_VERSION: check_vendor_version,
}

#: The headers whose check reads the clock (a timestamp's window): their verdict can change
#: with the clock for the same value, so the validator reuses it only while the clock is in
#: the span the check noted (:class:`Context`).
READS_CLOCK: Final = frozenset(
    name for name, check in CHECKS.items() if check in (check_timestamp, check_multi_factor)
)

# What each header should hold, for "missing" and "empty" messages.
EXPECTED: Final[dict[str, str]] = {
    spec.DEVICE_ID: "a UUID generated once per device, e.g. beec798b-b366-47fa-b1f8-92cede14a1ce",
    spec.LOCAL_IPS: "a list of the device's local IP addresses, IPv6 percent-encoded, "
    "e.g. fc00%3A%3A,10.1.2.3",
    spec.LOCAL_IPS_TIMESTAMP: "a UTC timestamp yyyy-MM-ddThh:mm:ss.sssZ of when the local IPs "
    "were collected",
    spec.MAC_ADDRESSES: "a list of the device's MAC addresses, percent-encoded, "
    "e.g. ea%3A43%3A1a%3A5d%3A21%3A45",
    spec.PUBLIC_IP_TIMESTAMP: "a UTC timestamp yyyy-MM-ddThh:mm:ss.sssZ of when the public IP "
    "was seen",
    spec.SCREENS: "a list of width=…&height=…&scaling-factor=…&colour-depth=…, "
    "e.g. width=1920&height=1080&scaling-factor=1&colour-depth=16",
    spec.TIMEZONE: "the device's UTC offset as UTC±hh:mm, e.g. UTC+01:00",
    spec.USER_AGENT: "os-family=…&os-version=…&device-manufacturer=…&device-model=…, "
    "percent-encoded",
    spec.BROWSER_JS_USER_AGENT: "the browser's navigator.userAgent, unchanged",
    spec.USER_IDS: "key=value pairs of the user's ids, e.g. os=domain%5Calice&my-app=alice123",
    spec.WINDOW_SIZE: "width=…&height=… in pixels, e.g. width=1256&height=803",
    spec.VENDOR_FORWARDED: "a list of by=<server IP>&for=<sender IP>, one per hop over the "
    "internet",
    spec.VENDOR_PRODUCT_NAME: "the product's marketed name, percent-encoded, e.g. Product%20Name",
    spec.VENDOR_PUBLIC_IP: "the public IP address of the server the client connected to",
    spec.VENDOR_VERSION: "software=version pairs, e.g. my-application=1.6.0",
}
