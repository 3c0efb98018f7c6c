"""``openmtd fph check``, in process, against a real emulator server on 127.0.0.1 (HMRC's Test
Fraud Prevention Headers API) and with ``--local``: the verdict, each header as sent, JSON, and
clear errors (exit status 2, no traceback) when the check cannot be made."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from openmtd.cli import app
from openmtd.emulator.settings import EmulatorSettings, sqlite_url
from openmtd.emulator.web.app import create_app
from support.emulator import FAST_HASHING
from support.live_server import serve_in_thread

runner = CliRunner()
SCREEN = ["--screen", "1920x1080@1.25:24", "--window", "1280x720"]
WEB = [
    "--connection-method",
    "web_app_via_server",
    "--public-ip",
    "81.2.69.160",
    "--public-port",
    "51234",
    "--vendor-public-ip",
    "81.2.69.142",
    "--browser-user-agent",
    "Mozilla/5.0 (X11; Linux x86_64)",
    "--browser-device-id",
    "beec798b-b366-47fa-b1f8-92cede14a1ce",
    "--utc-offset",
    "UTC+01:00",
    "--user-id",
    "my-web-app=ida",
    "--license",
    "my-web-app=LIC-1",
    *SCREEN,
]


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["fph", "check", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A live emulator and an application's credentials (as OPENMTD_CLIENT_* variables)."""
    settings = EmulatorSettings(
        database_url=sqlite_url(tmp_path / "emulator.sqlite3"), password_hashing=FAST_HASHING
    )
    emulator = create_app(settings)
    try:
        with serve_in_thread(emulator) as url:
            created = httpx.post(
                f"{url}/emulator/applications",
                json={"name": "FPH check", "redirectUris": ["http://localhost:9999/cb"]},
            )
            assert created.status_code == 201, created.text
            body: dict[str, Any] = created.json()
            yield (
                url,
                {
                    "OPENMTD_CLIENT_ID": body["clientId"],
                    "OPENMTD_CLIENT_SECRET": body["clientSecret"],
                },
            )
    finally:
        emulator.state.services.store.close()


def device(tmp_path: Path) -> list[str]:
    return ["--device-id-file", str(tmp_path / "device-id")]


def test_desktop_check_against_the_emulator(
    live: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    url, credentials = live
    code, out, err = run(
        "-e", url, *device(tmp_path), *SCREEN, "--user-id", "my-app=ida", env=credentials
    )
    assert err == ""
    assert code == 0, out
    assert f"checked by {url}/test/fraud-prevention-headers/validate" in out
    # Password-only sign-in: no multi-factor header, which HMRC's validator warns about.
    assert "POTENTIALLY_INVALID_HEADERS: At least 1 header is potentially invalid" in out
    assert "gov-client-multi-factor: MISSING_HEADER" in out
    assert "Errors" not in out
    assert "  Gov-Client-Connection-Method    DESKTOP_APP_DIRECT\n" in out
    assert "Gov-Client-Screens" in out
    assert "width=1920&height=1080&scaling-factor=1.25&colour-depth=24" in out
    assert (tmp_path / "device-id").is_file()


def test_json_and_web_app(live: tuple[str, dict[str, str]]) -> None:
    url, credentials = live
    code, out, err = run("-e", url, *WEB, "--json", env=credentials)
    assert (code, err) == (0, "")
    body = json.loads(out)
    assert body["connectionMethod"] == "WEB_APP_VIA_SERVER"
    assert body["checkedBy"] == f"{url}/test/fraud-prevention-headers/validate"
    assert body["result"]["code"] == "POTENTIALLY_INVALID_HEADERS"
    assert [w["headers"] for w in body["result"]["warnings"]] == [["gov-client-multi-factor"]]
    assert body["headers"]["Gov-Vendor-Forwarded"] == "by=81.2.69.142&for=81.2.69.160"
    assert body["headers"]["Gov-Vendor-Version"] == "openmtd=0.1.0"


def test_missing_facts_are_errors_and_exit_1(
    live: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    url, credentials = live
    code, out, _ = run("-e", url, *device(tmp_path), "--json", env=credentials)
    assert code == 1
    body = json.loads(out)
    assert body["result"]["code"] == "INVALID_HEADERS"
    missing = {h for e in body["result"]["errors"] for h in e["headers"]}
    assert missing == {"gov-client-screens", "gov-client-window-size"}
    assert "Gov-Client-Screens" not in body["headers"]


def test_bad_credentials_are_reported(live: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    url, _ = live
    code, out, err = run(
        "-e", url, *device(tmp_path), "--client-id", "nobody", "--client-secret", "wrong"
    )
    assert (code, out) == (2, "")
    assert err.startswith("error: the token endpoint refused: 401 invalid_client")
    assert "Traceback" not in err


def test_no_credentials(tmp_path: Path) -> None:
    code, out, err = run(
        *device(tmp_path), env={"OPENMTD_CLIENT_ID": "", "OPENMTD_CLIENT_SECRET": ""}
    )
    assert (code, out) == (2, "")
    assert "needs the application's credentials" in err


def test_no_server(tmp_path: Path) -> None:
    from support.live_server import free_port

    code, out, err = run(
        "-e",
        f"http://127.0.0.1:{free_port()}",
        *device(tmp_path),
        "--client-id",
        "a",
        "--client-secret",
        "b",
    )
    assert (code, out) == (2, "")
    assert err.startswith("error: no answer from http://127.0.0.1:")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-e", "production"], "sandbox only"),
        (["-e", "ftp://example.com"], "expected sandbox or an http(s) URL"),
        (["--screen", "big"], "WIDTHxHEIGHT"),
        (["--window", "0x10"], "WIDTHxHEIGHT"),
        (["--software", "no-version"], "NAME=VALUE"),
        (["--utc-offset", "+1", "-m", "WEB_APP_VIA_SERVER"], "UTC±hh:mm"),
        (["-m", "CARRIER_PIGEON"], "CARRIER_PIGEON"),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    code, out, err = run(*device(tmp_path), *args)
    assert (code, out) == (2, "")
    assert message in err
    assert "Traceback" not in err


def test_a_vendor_public_ip_that_is_no_address(tmp_path: Path) -> None:
    code, out, err = run("-m", "WEB_APP_VIA_SERVER", "--vendor-public-ip", "my-server", "--local")
    assert (code, out) == (2, "")
    assert err.startswith("error: vendor_public_ip is not an IP address")


def test_a_device_id_file_that_cannot_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run("--device-id-file", str(blocker / "device-id"), "--local")
    assert code == 2
    assert err.startswith("error: cannot keep the device id:")
