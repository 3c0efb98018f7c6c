"""What the machine the SDK runs on can tell about itself, read locally: its IP addresses, MAC
addresses, time zone, signed-in user, operating system and hardware model.

No network call is made and no third-party service is asked. Local IPs come from the kernel's
own tables on Linux (``/proc/net/fib_trie``, ``/proc/net/if_inet6``), elsewhere from the
host name's addresses; and everywhere from the local address of a UDP socket "connected" to a
documentation address (connecting a UDP socket sends nothing). MAC addresses come from
``/sys/class/net`` on Linux, else from :func:`uuid.getnode` when that is a real hardware
address (not its random fallback, which sets the multicast bit).

A reader that fails gives nothing rather than a guess: its header (or key) is left out.
"""

from __future__ import annotations

import contextlib
import getpass
import ipaddress
import os
import platform
import socket
import sys
import uuid
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final, Protocol, runtime_checkable

__all__ = [
    "LocalMachine",
    "Machine",
    "format_mac",
    "format_utc_offset",
    "qualified_user",
    "user_agent",
]

# Connecting a UDP socket sends nothing; it only picks the interface a packet would leave by.
# Documentation addresses (RFC 5737, RFC 3849), so no real host is named.
_PROBES: Final = ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1"))
# What firmware writes when the maker filled nothing in: a placeholder, so never sent.
_FIRMWARE_PLACEHOLDERS: Final = frozenset(
    {
        "",
        "default string",
        "not applicable",
        "not specified",
        "none",
        "null",
        "o.e.m.",
        "oem",
        "system manufacturer",
        "system product name",
        "to be filled by o.e.m.",
        "undefined",
        "unknown",
    }
)
_OS_FAMILY: Final = {"Darwin": "Mac OS X"}


@runtime_checkable
class Machine(Protocol):
    """Where the desktop and batch builders read the device's facts. :class:`LocalMachine`
    reads this machine; an application may give its own (e.g. facts its UI layer gathered)."""

    def local_ips(self) -> list[str]:
        """Every local IPv4 and IPv6 address (not loopback), in canonical text form."""
        ...

    def mac_addresses(self) -> list[str]:
        """The network interfaces' MAC addresses, ``aa:bb:cc:dd:ee:ff``, lower case."""
        ...

    def utc_offset(self) -> timedelta | None:
        """The device's current offset from UTC."""
        ...

    def os_user(self) -> str | None:
        """The user signed in to the operating system (``domain\\user`` on a Windows domain)."""
        ...

    def user_agent(self) -> Mapping[str, str]:
        """Any of os-family, os-version, device-manufacturer, device-model that are known."""
        ...


class LocalMachine:
    """This machine's facts, read afresh on every call (they may change between requests)
    except the operating system and hardware model, read once.

    ``root`` is where Linux's ``/proc`` and ``/sys`` are found (``/``; another folder in a
    container that mounts the host's, or in tests).
    """

    def __init__(self, *, root: str | os.PathLike[str] = "/") -> None:
        base = Path(root)
        self._fib_trie = base / "proc/net/fib_trie"
        self._if_inet6 = base / "proc/net/if_inet6"
        self._sys_net = base / "sys/class/net"
        self._dmi = base / "sys/class/dmi/id"
        self._agent: Mapping[str, str] | None = None

    def __repr__(self) -> str:
        return "LocalMachine()"

    def local_ips(self) -> list[str]:
        found: dict[str, None] = {}
        for text in self._addresses():
            ip = _usable(text)
            if ip is not None:
                found.setdefault(ip)
        return list(found)

    def mac_addresses(self) -> list[str]:
        if self._sys_net.is_dir():
            return _sys_macs(self._sys_net)
        node = uuid.getnode()
        # The random fallback sets the multicast bit (RFC 4122 §4.5); a real MAC never does.
        return [format_mac(node)] if node and not node >> 40 & 1 else []

    def utc_offset(self) -> timedelta | None:
        return datetime.now().astimezone().utcoffset()

    def os_user(self) -> str | None:
        try:
            user = getpass.getuser()
        except (OSError, KeyError, ImportError):  # no login name in the environment or pwd
            return None
        domain = os.environ.get("USERDOMAIN") if sys.platform == "win32" else None
        return qualified_user(user, domain)

    def user_agent(self) -> Mapping[str, str]:
        if self._agent is None:
            self._agent = user_agent(platform.system(), sys.platform, self._dmi)
        return self._agent

    def _addresses(self) -> Iterator[str]:
        if self._fib_trie.is_file() or self._if_inet6.is_file():
            yield from _linux_addresses(self._fib_trie, self._if_inet6)
        else:
            with contextlib.suppress(OSError, UnicodeError):
                for info in socket.getaddrinfo(socket.gethostname(), None):
                    yield str(info[4][0])
        for family, probe in _PROBES:
            with contextlib.suppress(OSError), socket.socket(family, socket.SOCK_DGRAM) as udp:
                udp.connect((probe, 9))
                yield str(udp.getsockname()[0])


def qualified_user(user: str, domain: str | None) -> str | None:
    """``DOMAIN\\user`` when the user is on a Windows domain, else the user name."""
    if not user:
        return None
    return f"{domain}\\{user}" if domain and "\\" not in user else user


def format_mac(node: int) -> str:
    """A 48-bit hardware address as six lower-case hex pairs joined by ``:``."""
    raw = f"{node:012x}"
    return ":".join(raw[i : i + 2] for i in range(0, 12, 2))


def format_utc_offset(offset: timedelta) -> str:
    """``UTC±hh:mm`` (§3.2 Gov-Client-Timezone); seconds of an odd historic offset dropped."""
    minutes = int(offset.total_seconds() / 60)  # towards zero: -1:00:15 is UTC-01:00
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def _usable(text: str) -> str | None:
    try:
        ip = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    if ip.is_loopback or ip.is_unspecified or ip.is_multicast:
        return None
    return str(ip)


def _linux_addresses(fib_trie: Path, if_inet6: Path) -> Iterator[str]:
    """IPv4 addresses the kernel holds as local (``/32 host LOCAL`` entries of the trie) and
    every interface's IPv6 addresses."""
    with contextlib.suppress(OSError):
        previous = ""
        for line in fib_trie.read_text().splitlines():
            stripped = line.strip()
            if stripped.startswith("|--"):
                previous = stripped[3:].strip()
            elif stripped == "/32 host LOCAL" and previous:
                yield previous
    with contextlib.suppress(OSError):
        for line in if_inet6.read_text().splitlines():
            raw = line.split()[0] if line.split() else ""
            if len(raw) == 32:
                yield ":".join(raw[i : i + 4] for i in range(0, 32, 4))


def _sys_macs(sys_net: Path) -> list[str]:
    found: dict[str, None] = {}
    with contextlib.suppress(OSError):
        for interface in sorted(sys_net.iterdir()):
            with contextlib.suppress(OSError, ValueError):
                text = (interface / "address").read_text().strip().lower()
                parts = text.split(":")
                if len(parts) == 6 and all(len(part) == 2 for part in parts):
                    node = int("".join(parts), 16)
                    if node:  # loopback and some virtual interfaces have none
                        found.setdefault(format_mac(node))
    return list(found)


def user_agent(family: str, sys_platform: str, dmi: Path) -> Mapping[str, str]:
    """Gov-Client-User-Agent's keys that are known, for ``platform.system()`` ``family`` on
    ``sys.platform`` ``sys_platform`` (Linux's hardware names read from ``dmi``)."""
    version = _os_version(family)
    manufacturer, model = _device(sys_platform, dmi)
    known = {
        "os-family": _OS_FAMILY.get(family, family),
        "os-version": version,
        "device-manufacturer": manufacturer,
        "device-model": model,
    }
    return {key: value for key, value in known.items() if value}


def _os_version(family: str) -> str:
    if family == "Darwin":
        return platform.mac_ver()[0] or platform.release()
    if family == "Windows":
        return " ".join(part for part in platform.win32_ver()[:2] if part) or platform.release()
    if family == "Linux":
        with contextlib.suppress(OSError):
            release = platform.freedesktop_os_release()
            pretty = release.get("PRETTY_NAME") or release.get("NAME", "")
            if pretty:
                return f"{pretty} (kernel {platform.release()})"
    return platform.release()


def _device(sys_platform: str, dmi: Path) -> tuple[str, str]:
    if sys_platform == "darwin":
        return "Apple Inc.", ""
    if sys_platform == "win32":  # pragma: no cover - Windows only
        return _windows_device()
    return _firmware_text(dmi / "sys_vendor"), _firmware_text(dmi / "product_name")


def _firmware_text(path: Path) -> str:
    try:
        text = path.read_text(errors="replace").strip()
    except OSError:
        return ""
    return "" if text.lower() in _FIRMWARE_PLACEHOLDERS else text


def _windows_device() -> tuple[str, str]:  # pragma: no cover - Windows only
    try:
        import winreg

        with winreg.OpenKey(  # type: ignore[attr-defined]
            winreg.HKEY_LOCAL_MACHINE,  # type: ignore[attr-defined]
            r"HARDWARE\DESCRIPTION\System\BIOS",
        ) as key:
            values = [
                str(winreg.QueryValueEx(key, name)[0])  # type: ignore[attr-defined]
                for name in ("SystemManufacturer", "SystemProductName")
            ]
    except (ImportError, OSError):
        return "", ""
    cleaned = [
        "" if value.strip().lower() in _FIRMWARE_PLACEHOLDERS else value.strip() for value in values
    ]
    return cleaned[0], cleaned[1]
