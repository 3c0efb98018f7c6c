"""The taxpayer commands in process: `openmtd link` through the SDK's real loopback receiver
(on 127.0.0.1) and the emulator's own sign-in and grant pages, then `status` and
`obligations`, each against the in-process emulator (the SDK's calls carried by
``PortalTransport``); every refusal's message and exit status.
"""

from __future__ import annotations

import json
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from typer.testing import CliRunner

from openmtd.cli import app, taxpayer
from openmtd.rules.itsa_status import ItsaStatus, StatusReason
from support.app_connect import at_hmrc, customer, status
from support.emulator import EmulatorHarness
from support.live_server import free_port
from support.mtd_api import NINO
from support.sdk_oauth import BASE_URL, PortalTransport

runner = CliRunner()
RAW_WORDS = [member.value for member in ItsaStatus] + [member.value for member in StatusReason]


@dataclass
class Cli:
    emulator: EmulatorHarness
    config_dir: Path
    port: int
    client_id: str
    client_secret: str
    transport: PortalTransport
    account: Any = None
    decision: str = "grant"
    browser_error: BaseException | None = None

    def run(self, *args: str) -> Any:
        result = runner.invoke(app, [*args, "--config-dir", str(self.config_dir)])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception
        )
        return result

    def link(self, *extra: str, nino: str = NINO) -> Any:
        return self.run(
            "link", "--hmrc", BASE_URL, "--client-id", self.client_id,
            "--client-secret", self.client_secret, "--nino", nino, "--port", str(self.port),
            "--wait", "20", *extra,
        )  # fmt: skip

    def browser(self, url: str) -> None:
        """The person: HMRC's own pages in a browser of their own, then back to the receiver
        (on a thread, as a real browser is another process while `link` waits)."""

        def person() -> None:
            try:
                world = SimpleNamespace(emulator=self.emulator)
                back = at_hmrc(world, url, self.account, decision=self.decision)  # type: ignore[arg-type]
                parts = urlsplit(back)
                assert parts.hostname == "localhost", back
                # The receiver listens on 127.0.0.1 only; localhost may resolve to ::1 first.
                with httpx.Client(trust_env=False, timeout=10) as http:
                    http.get(f"http://127.0.0.1:{parts.port}{parts.path}?{parts.query}")
            except BaseException as error:
                self.browser_error = error

        threading.Thread(target=person, daemon=True).start()


@pytest.fixture
def cli(emulator: EmulatorHarness, tmp_path: Path) -> Iterator[Cli]:
    port = free_port()
    created = emulator.application(
        redirect_uris=[f"http://localhost:{port}/"], rate_limit_per_second=1000
    )
    transport = PortalTransport(emulator.app)
    made = Cli(
        emulator,
        tmp_path / "config",
        port,
        created.application.client_id,
        created.client_secret,
        transport,
    )
    saved = taxpayer.SEAMS
    taxpayer.SEAMS = taxpayer.Seams(
        transport=transport, clock=emulator.clock, open_browser=made.browser, use_keyring=False
    )
    try:
        yield made
    finally:
        taxpayer.SEAMS = saved
        transport.shutdown()


def _world(cli: Cli) -> Any:
    return SimpleNamespace(emulator=cli.emulator)


def _no_raw_status(text: str) -> None:
    for word in RAW_WORDS:
        assert word not in text, word


def test_link_keeps_the_tokens_encrypted_then_status_and_obligations(cli: Cli) -> None:
    cli.account = customer(_world(cli))
    status(_world(cli), "2026-27", "MTD Mandated")
    result = cli.link()
    assert cli.browser_error is None
    assert result.exit_code == 0, result.output
    assert "Linked: openmtd can now read your HMRC records for AA 12 34 56 A." in result.output
    assert f"http://localhost:{cli.port}/" in result.output
    for name in ("link.json", "tokens.json", "tokens.json.key", "device-id"):
        path = cli.config_dir / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    kept = json.loads((cli.config_dir / "link.json").read_text())
    assert kept["nino"] == NINO
    assert kept["hmrc"] == BASE_URL
    tokens = (cli.config_dir / "tokens.json").read_text()
    assert "access_token" not in tokens
    assert "refresh_token" not in tokens
    # The calls carried the desktop's fraud prevention headers, the device id kept.
    sent = [r for r in cli.transport.sent if r.url.path.startswith("/individuals/")]
    assert sent
    assert sent[-1].headers["Gov-Client-Connection-Method"] == "DESKTOP_APP_DIRECT"
    device = (cli.config_dir / "device-id").read_text().strip()
    assert sent[-1].headers["Gov-Client-Device-ID"] == device
    assert "Gov-Client-Multi-Factor" not in sent[-1].headers

    shown = cli.run("status")
    assert shown.exit_code == 0, shown.output
    assert "Making Tax Digital for Income Tax" in shown.output
    assert "Year by year" in shown.output
    _no_raw_status(shown.output)

    as_json = cli.run("status", "--json")
    assert as_json.exit_code == 0, as_json.output
    body = json.loads(as_json.stdout)
    assert body["nino"] == NINO
    assert body["guidance"]["situation"] == "must-use-mtd"
    _no_raw_status(as_json.stdout)

    other_year = cli.run("status", "--tax-year", "2027-28", "--json")
    assert other_year.exit_code == 0, other_year.output
    assert json.loads(other_year.stdout)["guidance"]["today"].startswith("2027-04-06")

    table = cli.run("obligations")
    assert table.exit_code == 0, table.output
    assert "Final declaration" in table.output
    _no_raw_status(table.output)
    listed = cli.run("obligations", "--json")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)["obligations"]
    assert rows
    assert {row["state"] for row in rows} <= {"open", "fulfilled", "late"}
    final = [row for row in rows if row["what"].startswith("Final declaration")]
    assert final
    assert final[0]["penaltyBearing"] is True


def test_a_second_link_reuses_what_the_first_kept(cli: Cli) -> None:
    cli.account = customer(_world(cli))
    assert cli.link().exit_code == 0
    cli.emulator.advance(30)  # the next 2-step code: a used one is refused, as at HMRC
    again = cli.run(
        "link", "--wait", "20"
    )  # credentials, NINO, HMRC and redirect URI from the link file
    assert cli.browser_error is None, cli.browser_error
    assert again.exit_code == 0, again.output


def test_status_before_any_link(cli: Cli) -> None:
    for command in ("status", "obligations"):
        result = cli.run(command)
        assert result.exit_code == 1
        assert "not linked to HMRC on this computer yet" in result.output
        assert "openmtd link" in result.output


def test_a_bad_tax_year_gets_the_rules_message(cli: Cli) -> None:
    result = cli.run("status", "--tax-year", "2026-28")
    assert result.exit_code == 2
    assert "That value cannot be used" in result.output
    assert "Traceback" not in result.output


def test_link_without_credentials_or_nino(cli: Cli) -> None:
    result = cli.run("link", "--hmrc", BASE_URL, "--nino", NINO)
    assert result.exit_code == 2
    assert "$OPENMTD_CLIENT_ID" in result.output
    result = cli.run("link", "--hmrc", BASE_URL, "--client-id", "a", "--client-secret", "b")
    assert result.exit_code == 2
    assert "--nino" in result.output
    result = cli.link(nino="not a nino")
    assert result.exit_code == 2
    assert "National Insurance number" in result.output
    result = cli.run("link", "--hmrc", "ftp://x", "--nino", NINO)
    assert result.exit_code == 2
    assert "sandbox" in result.output


def test_link_denied(cli: Cli) -> None:
    cli.account = customer(_world(cli))
    cli.decision = "deny"
    result = cli.link()
    assert result.exit_code == 1
    assert "Authority was not granted" in result.output
    assert not (cli.config_dir / "link.json").exists()


def test_link_for_someone_not_signed_up_says_how_to_sign_up(cli: Cli) -> None:
    cli.account = customer(_world(cli), enrolments=())
    result = cli.link()
    assert result.exit_code == 0, result.output
    assert "no Making Tax Digital for Income Tax sign-up for AA 12 34 56 A" in result.output
    assert f"{BASE_URL}/signup" in result.output
    shown = cli.run("status")
    assert shown.exit_code == 0, shown.output
    assert f"{BASE_URL}/signup" in shown.output
    _no_raw_status(shown.output)
    listed = cli.run("obligations")
    assert listed.exit_code == 0, listed.output
    assert "no Making Tax Digital for Income Tax sign-up for AA 12 34 56 A" in listed.output
    assert f"{BASE_URL}/signup" in listed.output
    assert "holds no quarterly updates" not in listed.output


def test_link_with_a_nino_that_is_not_theirs_keeps_nothing(cli: Cli) -> None:
    cli.account = customer(_world(cli))
    result = cli.link(nino="AB123456C")
    assert result.exit_code == 1, result.output
    assert "HMRC did not let openmtd read these records" in result.output
    assert "Reference: CLIENT_OR_AGENT_NOT_AUTHORISED" in result.output
    assert not (cli.config_dir / "link.json").exists()


def test_tokens_gone_or_authority_ended_asks_to_link_again(cli: Cli) -> None:
    cli.account = customer(_world(cli))
    assert cli.link().exit_code == 0
    cli.emulator.advance(548 * 24 * 3600)  # past the 18-month grant
    result = cli.run("status")
    assert result.exit_code == 1
    assert "Link openmtd to HMRC again" in result.output
    assert "18 months" in result.output
    (cli.config_dir / "tokens.json").unlink()
    result = cli.run("obligations")
    assert result.exit_code == 1
    assert "holds no authority from HMRC" in result.output


def test_hmrc_not_answering(cli: Cli) -> None:
    cli.account = customer(_world(cli))
    assert cli.link().exit_code == 0
    link_file = cli.config_dir / "link.json"
    kept = json.loads(link_file.read_text())
    kept["hmrc"] = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    link_file.write_text(json.dumps(kept))
    taxpayer.SEAMS.transport = None  # a real socket to a closed port
    result = cli.run("status")
    assert result.exit_code == 3
    assert "HMRC could not be reached" in result.output


def test_an_unreadable_link_file(cli: Cli) -> None:
    cli.config_dir.mkdir()
    (cli.config_dir / "link.json").write_text("{not json")
    result = cli.run("status")
    assert result.exit_code == 1
    assert "link file cannot be used" in result.output
    assert "openmtd link" in result.output
