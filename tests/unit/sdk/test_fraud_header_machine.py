"""LocalMachine reads the kernel's own tables (here a fake /proc and /sys under tmp_path, and
the real ones): every local address but loopback, every real MAC address, the hardware names
that are not firmware placeholders; and nothing where a table is missing or unreadable."""

from __future__ import annotations

import getpass
import platform
from pathlib import Path

import pytest

from openmtd.sdk._fraud_headers import LocalMachine
from openmtd.sdk._fraud_headers._machine import qualified_user, user_agent

FIB_TRIE = """Main:
  +-- 0.0.0.0/0 3 0 5
     |-- 0.0.0.0
        /0 universe UNICAST
     +-- 127.0.0.0/8 2 0 2
           |-- 127.0.0.1
              /32 host LOCAL
     +-- 192.168.1.0/24 2 0 2
           |-- 192.168.1.23
              /32 host LOCAL
        |-- 192.168.1.255
           /32 link BROADCAST
Local:
           |-- 192.168.1.23
              /32 host LOCAL
           |-- 10.8.0.2
              /32 host LOCAL
"""
IF_INET6 = """00000000000000000000000000000001 01 80 10 80       lo
fe800000000000001c2b3cfffe4d5e6f 02 40 20 80     eth0
2a0023c7abcd00000000000000000017 02 40 00 00     eth0

short line
"""


def fake_root(tmp_path: Path, **files: str) -> Path:
    for relative, text in files.items():
        path = tmp_path / relative.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_linux_tables(tmp_path: Path) -> None:
    root = fake_root(
        tmp_path,
        proc__net__fib_trie=FIB_TRIE,
        proc__net__if_inet6=IF_INET6,
        sys__class__net__lo__address="00:00:00:00:00:00\n",
        sys__class__net__eth0__address="A4:83:E7:12:34:56\n",
        sys__class__net__wlan0__address="3c:22:fb:aa:bb:cc\n",
        sys__class__net__ib0__address="80:00:02:08:fe:80:00:00:00:00\n",
        sys__class__net__tun0__address="\n",
        sys__class__dmi__id__sys_vendor="LENOVO\n",
        sys__class__dmi__id__product_name="To be filled by O.E.M.\n",
    )
    machine = LocalMachine(root=root)
    ips = machine.local_ips()
    assert ips[:4] == [
        "192.168.1.23",
        "10.8.0.2",
        "fe80::1c2b:3cff:fe4d:5e6f",
        "2a00:23c7:abcd::17",
    ]
    assert "127.0.0.1" not in ips
    assert "::1" not in ips
    assert machine.mac_addresses() == ["a4:83:e7:12:34:56", "3c:22:fb:aa:bb:cc"]
    agent = machine.user_agent()
    assert agent["device-manufacturer"] == "LENOVO"
    assert "device-model" not in agent  # a firmware placeholder is no model
    assert machine.user_agent() is agent  # read once
    assert repr(machine) == "LocalMachine()"


def test_without_linux_tables(tmp_path: Path) -> None:
    machine = LocalMachine(root=tmp_path)
    for ip in machine.local_ips():  # the host name's addresses and the UDP socket's
        assert ip not in ("127.0.0.1", "::1")
    macs = machine.mac_addresses()  # uuid.getnode(), when it is a real address
    assert len(macs) <= 1
    for mac in macs:
        assert int(mac[:2], 16) & 1 == 0
    assert "device-manufacturer" not in machine.user_agent()


def test_unreadable_tables_give_nothing(tmp_path: Path) -> None:
    root = tmp_path
    (root / "proc/net/fib_trie").mkdir(parents=True)  # a folder, so reading it fails
    (root / "proc/net/if_inet6").write_text(IF_INET6)
    (root / "sys/class/net").mkdir(parents=True)
    (root / "sys/class/net/eth0").mkdir()  # no address file
    machine = LocalMachine(root=root)
    assert machine.mac_addresses() == []
    assert "fe80::1c2b:3cff:fe4d:5e6f" in machine.local_ips()


def test_operating_system_names(tmp_path: Path) -> None:
    mac = user_agent("Darwin", "darwin", tmp_path)
    assert mac["os-family"] == "Mac OS X"
    assert mac["device-manufacturer"] == "Apple Inc."
    assert mac["os-version"]
    windows = user_agent("Windows", "linux", tmp_path)
    assert windows["os-family"] == "Windows"
    other = user_agent("FreeBSD", "freebsd14", tmp_path)
    assert other == {"os-family": "FreeBSD", "os-version": platform.release()}
    assert user_agent("", "linux", tmp_path).get("os-family") is None


def test_linux_names_the_distribution(tmp_path: Path) -> None:
    linux = user_agent("Linux", "linux", tmp_path)
    try:
        pretty = platform.freedesktop_os_release().get("PRETTY_NAME")
    except OSError:
        pretty = None
    if pretty:
        assert linux["os-version"] == f"{pretty} (kernel {platform.release()})"
    else:
        assert linux["os-version"] == platform.release()


def test_os_user(monkeypatch: pytest.MonkeyPatch) -> None:
    assert LocalMachine().os_user() == getpass.getuser()
    assert qualified_user("alice", "CONTOSO") == "CONTOSO\\alice"
    assert qualified_user("CONTOSO\\alice", "CONTOSO") == "CONTOSO\\alice"
    assert qualified_user("alice", None) == "alice"
    assert qualified_user("", "CONTOSO") is None

    def no_user() -> str:
        raise OSError("no login name")

    monkeypatch.setattr(getpass, "getuser", no_user)
    assert LocalMachine().os_user() is None
