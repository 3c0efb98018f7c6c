"""Realistic inputs for the fraud prevention header builders: a vendor, a machine with known
facts (so tests do not depend on the machine they run on), a browser's request, and checks
that a built header set carries no placeholder."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path

from openmtd.sdk._fraud_headers import (
    BatchProcessDirect,
    DesktopAppDirect,
    FactorType,
    MultiFactor,
    Screen,
    Vendor,
    WebAppViaServer,
    WebRequest,
    WindowSize,
)

VENDOR = Vendor(
    product_name="Ida's Tax & Books",
    versions={"idas-books-desktop": "2.4.1"},
    licenses={"idas-books-desktop": "LIC-0042-7781"},
)
# Public addresses (not documentation ones) that HMRC's examples also use in the emulator tests.
CLIENT_PUBLIC_IP = "81.2.69.160"
VENDOR_PUBLIC_IP = "81.2.69.142"
# Words a header must never hold in place of a value.
PLACEHOLDERS = ("null", "undefined", "none", "unknown", "n/a", "nan")


class FixedMachine:
    """A machine whose facts are given: a laptop on a home network with IPv6."""

    def __init__(self, **facts: object) -> None:
        self.facts: dict[str, object] = {
            "local_ips": ["192.168.1.23", "fe80::1c2b:3cff:fe4d:5e6f", "2a00:23c7:abcd::17"],
            "mac_addresses": ["a4:83:e7:12:34:56", "3c:22:fb:aa:bb:cc"],
            "utc_offset": timedelta(0),
            "os_user": "ida",
            "user_agent": {
                "os-family": "Linux",
                "os-version": "Debian GNU/Linux 12 (bookworm)",
                "device-manufacturer": "LENOVO",
                "device-model": "ThinkPad X1 Carbon Gen 11",
            },
        }
        self.facts.update(facts)

    def local_ips(self) -> list[str]:
        return list(self.facts["local_ips"])  # type: ignore[call-overload]

    def mac_addresses(self) -> list[str]:
        return list(self.facts["mac_addresses"])  # type: ignore[call-overload]

    def utc_offset(self) -> timedelta | None:
        return self.facts["utc_offset"]  # type: ignore[return-value]

    def os_user(self) -> str | None:
        return self.facts["os_user"]  # type: ignore[return-value]

    def user_agent(self) -> Mapping[str, str]:
        return self.facts["user_agent"]  # type: ignore[return-value]


def desktop(tmp_path: Path, now: datetime, **options: object) -> DesktopAppDirect:
    values: dict[str, object] = {
        "device_id": str(tmp_path / "device-id"),
        "screens": [Screen(2560, 1600, 1.5, 24), Screen(1920, 1080, 1, 24)],
        "window_size": WindowSize(1440, 900),
        "multi_factor": [MultiFactor(FactorType.TOTP, now - timedelta(minutes=12), "phone-1")],
        "user_ids": {"idas-books-desktop": "ida@example.com"},
        "machine": FixedMachine(),
        "clock": lambda: now,
    }
    values.update(options)
    return DesktopAppDirect(VENDOR, **values)  # type: ignore[arg-type]


def batch(tmp_path: Path, now: datetime, **options: object) -> BatchProcessDirect:
    values: dict[str, object] = {
        "device_id": str(tmp_path / "device-id"),
        "user_ids": {"idas-books-sync": "nightly"},
        "machine": FixedMachine(),
        "clock": lambda: now,
    }
    values.update(options)
    return BatchProcessDirect(VENDOR, **values)  # type: ignore[arg-type]


def web(**options: object) -> WebAppViaServer:
    return WebAppViaServer(VENDOR, vendor_public_ip=VENDOR_PUBLIC_IP, **options)  # type: ignore[arg-type]


def browser_request(now: datetime, **changes: object) -> WebRequest:
    values: dict[str, object] = {
        "public_ip": CLIENT_PUBLIC_IP,
        "public_port": 51234,
        "seen_at": now,
        "device_id": "beec798b-b366-47fa-b1f8-92cede14a1ce",
        "js_user_agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "screens": [Screen(1920, 1080, 1, 24)],
        "window_size": WindowSize(1280, 720),
        "utc_offset": timedelta(hours=1),
        "user_ids": {"idas-books-web": "ida123"},
        "multi_factor": [MultiFactor(FactorType.AUTH_CODE, now - timedelta(minutes=3), "07700")],
    }
    values.update(changes)
    return WebRequest(**values)  # type: ignore[arg-type]


def assert_no_placeholder(headers: Mapping[str, str]) -> None:
    """Every header holds a value: never empty, never a placeholder word, in any piece."""
    for name, value in headers.items():
        assert value, f"{name} is empty"
        assert value.strip() == value
        pieces = [value, *value.replace("&", ",").replace("=", ",").split(",")]
        for piece in pieces:
            assert piece, f"{name} has an empty piece: {value!r}"
            assert piece.lower() not in PLACEHOLDERS, f"{name} holds a placeholder: {value!r}"
