"""The fraud prevention header builders: for realistic inputs every connection method's headers
pass the validator the emulator uses with no error (and, given every fact, with no warning); no
header is ever empty or a placeholder; a setting that forbids collecting something leaves its
header or key out; the application's secrets (licence keys, factor references) are hashed."""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from openmtd.rules.fraud_headers import Validation, validate_headers
from openmtd.sdk._fraud_headers import (
    BatchProcessDirect,
    DesktopAppDirect,
    ForwardedHop,
    FraudHeaderSettings,
    LocalMachine,
    Machine,
    Screen,
    Vendor,
    WebAppViaServer,
    WindowSize,
)
from support.fraud_headers import (
    CLIENT_PUBLIC_IP,
    VENDOR,
    FixedMachine,
    assert_no_placeholder,
    batch,
    browser_request,
    desktop,
    web,
)

NOW = datetime(2026, 11, 26, 10, 0, 0, 123000, tzinfo=UTC)


def judge(headers: Mapping[str, str]) -> Validation:
    return validate_headers(headers, now=NOW)


def test_desktop_headers_are_valid(tmp_path: Path) -> None:
    headers = desktop(tmp_path, NOW).headers_for("GET", "https://test-api.service.hmrc.gov.uk/x")
    verdict = judge(headers)
    assert (verdict.code, verdict.errors, verdict.warnings) == ("VALID_HEADERS", (), ())
    assert_no_placeholder(headers)
    assert headers["Gov-Client-Connection-Method"] == "DESKTOP_APP_DIRECT"
    assert headers["Gov-Client-Local-IPs"] == (
        "192.168.1.23,fe80%3A%3A1c2b%3A3cff%3Afe4d%3A5e6f,2a00%3A23c7%3Aabcd%3A%3A17"
    )
    assert headers["Gov-Client-Local-IPs-Timestamp"] == "2026-11-26T10:00:00.123Z"
    assert (
        headers["Gov-Client-MAC-Addresses"]
        == "a4%3A83%3Ae7%3A12%3A34%3A56,3c%3A22%3Afb%3Aaa%3Abb%3Acc"
    )
    assert headers["Gov-Client-Screens"] == (
        "width=2560&height=1600&scaling-factor=1.5&colour-depth=24,"
        "width=1920&height=1080&scaling-factor=1&colour-depth=24"
    )
    assert headers["Gov-Client-Window-Size"] == "width=1440&height=900"
    assert headers["Gov-Client-Timezone"] == "UTC+00:00"
    assert headers["Gov-Client-User-IDs"] == "os=ida&idas-books-desktop=ida%40example.com"
    assert headers["Gov-Client-User-Agent"] == (
        "os-family=Linux&os-version=Debian%20GNU%2FLinux%2012%20%28bookworm%29"
        "&device-manufacturer=LENOVO&device-model=ThinkPad%20X1%20Carbon%20Gen%2011"
    )
    assert headers["Gov-Vendor-Product-Name"] == "Ida%27s%20Tax%20%26%20Books"
    assert headers["Gov-Vendor-Version"] == "idas-books-desktop=2.4.1"
    assert set(headers) == {
        "Gov-Client-Connection-Method",
        "Gov-Client-Device-ID",
        "Gov-Client-Local-IPs",
        "Gov-Client-Local-IPs-Timestamp",
        "Gov-Client-MAC-Addresses",
        "Gov-Client-Multi-Factor",
        "Gov-Client-Screens",
        "Gov-Client-Timezone",
        "Gov-Client-User-Agent",
        "Gov-Client-User-IDs",
        "Gov-Client-Window-Size",
        "Gov-Vendor-License-IDs",
        "Gov-Vendor-Product-Name",
        "Gov-Vendor-Version",
    }


def test_batch_headers_are_valid(tmp_path: Path) -> None:
    headers = batch(tmp_path, NOW).headers_for("GET", "/x")
    verdict = judge(headers)
    assert (verdict.code, verdict.errors, verdict.warnings) == ("VALID_HEADERS", (), ())
    assert_no_placeholder(headers)
    assert headers["Gov-Client-Connection-Method"] == "BATCH_PROCESS_DIRECT"
    assert headers["Gov-Client-User-IDs"] == "os=ida&idas-books-sync=nightly"
    for name in ("Screens", "Window-Size", "Multi-Factor", "Public-IP"):
        assert f"Gov-Client-{name}" not in headers


def test_web_headers_are_valid() -> None:
    headers = web().for_request(browser_request(NOW)).headers_for("POST", "/x")
    verdict = judge(headers)
    assert (verdict.code, verdict.errors, verdict.warnings) == ("VALID_HEADERS", (), ())
    assert_no_placeholder(headers)
    assert headers["Gov-Client-Public-IP"] == CLIENT_PUBLIC_IP
    assert headers["Gov-Client-Public-IP-Timestamp"] == "2026-11-26T10:00:00.123Z"
    assert headers["Gov-Client-Public-Port"] == "51234"
    assert headers["Gov-Client-Timezone"] == "UTC+01:00"
    assert headers["Gov-Vendor-Forwarded"] == f"by=81.2.69.142&for={CLIENT_PUBLIC_IP}"
    assert headers["Gov-Vendor-Public-IP"] == "81.2.69.142"
    assert headers["Gov-Client-User-IDs"] == "idas-books-web=ida123"
    for name in ("Local-IPs", "MAC-Addresses", "User-Agent"):
        assert f"Gov-Client-{name}" not in headers


@pytest.mark.parametrize("kind", ["desktop", "batch"])
def test_this_machines_headers_have_no_error(tmp_path: Path, kind: str) -> None:
    """The real machine's facts: no error, except a header this machine cannot give."""
    machine = LocalMachine()
    build = desktop if kind == "desktop" else batch
    headers = build(tmp_path, NOW, machine=machine).headers_for("GET", "/x")
    assert_no_placeholder(headers)
    cannot = set()
    if not machine.local_ips():
        cannot |= {"gov-client-local-ips", "gov-client-local-ips-timestamp"}
    if not machine.mac_addresses():
        cannot.add("gov-client-mac-addresses")
    for issue in judge(headers).errors:
        assert set(issue.headers) <= cannot, issue


def test_local_machine_reads_real_facts() -> None:
    machine: Machine = LocalMachine()
    assert isinstance(machine, Machine)
    for ip in machine.local_ips():
        assert ip not in ("127.0.0.1", "::1", "0.0.0.0")
        assert "%" not in ip
    for mac in machine.mac_addresses():
        assert mac != "00:00:00:00:00:00"
        assert len(mac) == 17
    offset = machine.utc_offset()
    assert offset is not None
    assert abs(offset) <= timedelta(hours=14)
    agent = machine.user_agent()
    assert agent.get("os-family")
    assert all(agent.values())


# The headers each setting governs, for the methods that send them.
GOVERNS = {
    "local_ips": {"Gov-Client-Local-IPs", "Gov-Client-Local-IPs-Timestamp"},
    "mac_addresses": {"Gov-Client-MAC-Addresses"},
    "timezone": {"Gov-Client-Timezone"},
    "device_id": {"Gov-Client-Device-ID"},
    "screens": {"Gov-Client-Screens"},
    "window_size": {"Gov-Client-Window-Size"},
    "multi_factor": {"Gov-Client-Multi-Factor"},
    "public_ip": {
        "Gov-Client-Public-IP",
        "Gov-Client-Public-IP-Timestamp",
        "Gov-Client-Public-Port",
        "Gov-Vendor-Forwarded",
    },
    "browser_user_agent": {"Gov-Client-Browser-JS-User-Agent"},
    "license_ids": {"Gov-Vendor-License-IDs"},
}


@pytest.mark.parametrize(
    ("setting", "kind"),
    [
        ("local_ips", "desktop"),
        ("local_ips", "batch"),
        ("mac_addresses", "desktop"),
        ("mac_addresses", "batch"),
        ("timezone", "desktop"),
        ("timezone", "web"),
        ("device_id", "desktop"),
        ("device_id", "web"),
        ("screens", "desktop"),
        ("screens", "web"),
        ("window_size", "desktop"),
        ("window_size", "web"),
        ("multi_factor", "desktop"),
        ("multi_factor", "web"),
        ("public_ip", "web"),
        ("browser_user_agent", "web"),
        ("license_ids", "batch"),
        ("license_ids", "web"),
    ],
)
def test_a_setting_that_forbids_collecting_leaves_the_header_out(
    tmp_path: Path, setting: str, kind: str
) -> None:
    settings = FraudHeaderSettings(**{setting: False})
    if kind == "web":
        built = web(settings=settings).build(browser_request(NOW))
        allowed = web().build(browser_request(NOW))
    else:
        build = desktop if kind == "desktop" else batch
        built = build(tmp_path, NOW, settings=settings).headers_for("GET", "/x")
        allowed = build(tmp_path, NOW).headers_for("GET", "/x")
    governed = GOVERNS[setting]
    assert governed <= set(allowed)
    assert not governed & set(built)
    assert set(allowed) - set(built) == governed
    assert_no_placeholder(built)
    missing = {h for issue in judge(built).errors for h in issue.headers}
    assert missing <= {name.lower() for name in governed}


def test_user_agent_and_os_user_settings_leave_keys_out(tmp_path: Path) -> None:
    no_os = desktop(tmp_path, NOW, settings=FraudHeaderSettings(operating_system=False))
    assert no_os.headers_for("GET", "/x")["Gov-Client-User-Agent"] == (
        "device-manufacturer=LENOVO&device-model=ThinkPad%20X1%20Carbon%20Gen%2011"
    )
    no_model = desktop(tmp_path, NOW, settings=FraudHeaderSettings(device_model=False))
    assert no_model.headers_for("GET", "/x")["Gov-Client-User-Agent"] == (
        "os-family=Linux&os-version=Debian%20GNU%2FLinux%2012%20%28bookworm%29"
    )
    neither = FraudHeaderSettings(device_model=False, operating_system=False)
    assert "Gov-Client-User-Agent" not in desktop(tmp_path, NOW, settings=neither).headers_for(
        "GET", "/x"
    )
    no_user = desktop(tmp_path, NOW, settings=FraudHeaderSettings(os_user=False))
    assert no_user.headers_for("GET", "/x")["Gov-Client-User-IDs"] == (
        "idas-books-desktop=ida%40example.com"
    )


def test_what_the_machine_cannot_tell_is_left_out(tmp_path: Path) -> None:
    bare = FixedMachine(
        local_ips=[], mac_addresses=[], utc_offset=None, os_user=None, user_agent={}
    )
    headers = batch(tmp_path, NOW, machine=bare, user_ids={}).headers_for("GET", "/x")
    assert set(headers) == {
        "Gov-Client-Connection-Method",
        "Gov-Client-Device-ID",
        "Gov-Vendor-License-IDs",
        "Gov-Vendor-Product-Name",
        "Gov-Vendor-Version",
    }
    assert {issue.code for issue in judge(headers).errors} == {"MISSING_HEADER"}


def test_what_the_application_does_not_give_is_left_out(tmp_path: Path) -> None:
    headers = desktop(
        tmp_path,
        NOW,
        screens=[Screen(0, 1080)],
        window_size=None,
        multi_factor=[],
        device_id=None,
    ).headers_for("GET", "/x")
    for name in ("Screens", "Window-Size", "Multi-Factor", "Device-ID"):
        assert f"Gov-Client-{name}" not in headers
    plain = Vendor("Ida's Books", {"idas-books": "1.0"})
    headers = DesktopAppDirect(plain, device_id=None, machine=FixedMachine()).headers_for(
        "GET", "/"
    )
    assert "Gov-Vendor-License-IDs" not in headers
    assert "Gov-Client-Window-Size" not in DesktopAppDirect(
        plain, device_id=None, window_size=WindowSize(0, 10), machine=FixedMachine()
    ).headers_for("GET", "/")


def test_screen_details_are_optional_keys() -> None:
    assert Screen(800, 600).encoded() == "width=800&height=600"
    assert Screen(800, 600, 0, 0).encoded() == "width=800&height=600"
    assert (
        Screen(800, 600, 2.0, 30).encoded()
        == "width=800&height=600&scaling-factor=2&colour-depth=30"
    )


def test_secrets_are_hashed(tmp_path: Path) -> None:
    headers = desktop(tmp_path, NOW).headers_for("GET", "/x")
    licence = hashlib.sha256(b"LIC-0042-7781").hexdigest()
    assert headers["Gov-Vendor-License-IDs"] == f"idas-books-desktop={licence}"
    reference = hashlib.sha256(b"phone-1").hexdigest()
    assert headers["Gov-Client-Multi-Factor"] == (
        f"type=TOTP&timestamp=2026-11-26T09%3A48Z&unique-reference={reference}"
    )
    text = "".join(headers.values())
    assert "LIC-0042" not in text
    assert "phone-1" not in text


def test_providers_are_asked_on_every_request(tmp_path: Path) -> None:
    sizes = iter([WindowSize(100, 100), WindowSize(200, 150)])
    clock = iter([NOW, NOW + timedelta(seconds=1)])
    builder = desktop(tmp_path, NOW, window_size=lambda: next(sizes), clock=lambda: next(clock))
    first, second = builder.headers_for("GET", "/a"), builder.headers_for("GET", "/b")
    assert first["Gov-Client-Window-Size"] == "width=100&height=100"
    assert second["Gov-Client-Window-Size"] == "width=200&height=150"
    assert second["Gov-Client-Local-IPs-Timestamp"] == "2026-11-26T10:00:01.123Z"


def test_web_needs_the_incoming_request() -> None:
    builder = web()
    with pytest.raises(LookupError, match="serving"):
        builder.headers_for("GET", "/x")
    request = browser_request(NOW)
    with builder.serving(request) as current:
        assert current is request
        assert builder.headers_for("GET", "/x") == builder.build(request)
        other = browser_request(NOW, user_ids={"idas-books-web": "bob"})
        with builder.serving(other):
            assert builder.headers_for("GET", "/x")["Gov-Client-User-IDs"] == "idas-books-web=bob"
        assert builder.headers_for("GET", "/x")["Gov-Client-User-IDs"] == "idas-books-web=ida123"
    with pytest.raises(LookupError):
        builder.headers_for("GET", "/x")


def test_each_thread_serves_its_own_request() -> None:
    builder = web()
    seen: dict[str, str] = {}
    barrier = threading.Barrier(2)

    def handle(user: str) -> None:
        with builder.serving(browser_request(NOW, user_ids={"app": user})):
            barrier.wait()
            seen[user] = builder.headers_for("GET", "/x")["Gov-Client-User-IDs"]

    threads = [threading.Thread(target=handle, args=(user,)) for user in ("ann", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"ann": "app=ann", "bob": "app=bob"}


def test_web_request_values_that_are_not_values_are_left_out() -> None:
    headers = web().build(
        browser_request(
            NOW,
            device_id="not-a-uuid",
            public_port=70000,
            js_user_agent="",
            screens=[],
            window_size=None,
            utc_offset=None,
            user_ids={},
            multi_factor=[],
        )
    )
    for name in (
        "Device-ID",
        "Public-Port",
        "Browser-JS-User-Agent",
        "Screens",
        "Window-Size",
        "Timezone",
        "User-IDs",
        "Multi-Factor",
    ):
        assert f"Gov-Client-{name}" not in headers
    assert headers["Gov-Client-Public-IP"] == CLIENT_PUBLIC_IP
    unknown = web().build(browser_request(NOW, public_ip="unknown"))
    for name in ("Gov-Client-Public-IP", "Gov-Client-Public-IP-Timestamp", "Gov-Vendor-Forwarded"):
        assert name not in unknown
    no_vendor_ip = WebAppViaServer(VENDOR, vendor_public_ip=None).build(browser_request(NOW))
    assert "Gov-Vendor-Public-IP" not in no_vendor_ip
    assert "Gov-Vendor-Forwarded" not in no_vendor_ip
    with pytest.raises(ValueError, match="vendor_public_ip"):
        WebAppViaServer(VENDOR, vendor_public_ip="my-server")


def test_web_ipv6_and_explicit_hops() -> None:
    request = browser_request(
        NOW,
        public_ip="[2a00:23c7:abcd::17]",
        forwarded=[
            ForwardedHop(by="81.2.69.142", for_="2a00:23c7:abcd::17"),
            ForwardedHop(by="81.2.69.143", for_="81.2.69.142"),
            ForwardedHop(by="not an address", for_="81.2.69.142"),
        ],
        js_user_agent="Mozilla/5.0 (Ünïcode)",
    )
    headers = web().build(request)
    assert headers["Gov-Client-Public-IP"] == "2a00:23c7:abcd::17"
    assert headers["Gov-Vendor-Forwarded"] == (
        "by=81.2.69.142&for=2a00%3A23c7%3Aabcd%3A%3A17,by=81.2.69.143&for=81.2.69.142"
    )
    assert headers["Gov-Client-Browser-JS-User-Agent"] == "Mozilla/5.0 (%C3%9Cn%C3%AFcode)"
    verdict = judge(headers)
    assert (verdict.errors, verdict.warnings) == ((), ())


def test_vendor_needs_a_name_and_a_version() -> None:
    with pytest.raises(ValueError, match="product_name"):
        Vendor(" ", {"app": "1"})
    with pytest.raises(ValueError, match="versions"):
        Vendor("App", {"app": ""})


def test_builders_are_fraud_header_sources(tmp_path: Path) -> None:
    from openmtd.sdk._seams import FraudHeaderSource

    sources = [
        desktop(tmp_path, NOW),
        batch(tmp_path, NOW),
        web(),
        web().for_request(browser_request(NOW)),
    ]
    assert all(isinstance(source, FraudHeaderSource) for source in sources)
    assert BatchProcessDirect.connection_method == "BATCH_PROCESS_DIRECT"


def test_settings_are_all_on_by_default() -> None:
    assert all(dataclasses.asdict(FraudHeaderSettings()).values())
