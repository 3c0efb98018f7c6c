"""The README's first command as a newcomer meets it, in a real Chromium: `openmtd up` (the
emulator and the app, two real servers on loopback, its demo world), then a person checks
their income, creates an account with an authenticator app, connects to HMRC through the
emulator's own sign-in and grant pages and reads their dashboard; a voluntary landlord
follows the dashboard's opt-out link to the emulator's opt-out journey, and afterwards the
dashboard's guidance has changed. Every app page on the way passes axe-core; screenshots are
kept in the test's temporary folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Page, expect

from openmtd.emulator import demo
from support.axe import WCAG_21_AA, assert_no_axe_violations
from support.emulator_process import OPENMTD
from support.live_server import free_port, serve_in_subprocess

CHECKS = (*WCAG_21_AA, "best-practice")
APP_PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class System:
    app: str
    emulator: str


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    port, app_port = free_port(), free_port()
    data = tmp_path_factory.mktemp("up") / "data"
    args = [
        OPENMTD,
        "up",
        "--port",
        str(port),
        "--app-port",
        str(app_port),
        "--data-dir",
        str(data),
    ]
    with serve_in_subprocess(args, f"http://localhost:{app_port}/"):
        yield System(app=f"http://localhost:{app_port}", emulator=f"http://127.0.0.1:{port}")


def _submit(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def _checked(page: Page, heading: str, shot: Path | None = None) -> None:
    expect(page.locator("h1")).to_have_text(heading)
    assert_no_axe_violations(page, CHECKS)
    if shot is not None:
        page.screenshot(path=str(shot), full_page=True)


def _create_account(page: Page, app: str, email: str) -> None:
    page.goto(f"{app}/create-account")
    page.get_by_label("Your name").fill("Demo Person")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(APP_PASSWORD)
    page.get_by_label("Type the password again").fill(APP_PASSWORD)
    _submit(page, "Create account")
    secret = re.sub(r"\s", "", page.locator("#secret").inner_text())
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    _submit(page, "Check the code")
    _submit(page, "I have saved these")


def _connect(page: Page, system: System, person: demo.DemoPerson) -> None:
    """From the connect form, through the emulator's sign-in and grant, to the dashboard."""
    assert person.nino
    page.goto(f"{system.app}/connect")
    page.get_by_label("National Insurance number").fill(person.nino)
    _submit(page, "Continue to HMRC")
    page.click("#continue")
    page.wait_for_load_state()
    page.fill("#user_id", person.user_id)
    page.fill("#password", person.password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    expect(page.locator("h1")).to_have_text("Grant authority")
    with page.expect_navigation(url=re.compile(r"/dashboard$")):
        page.click("#grant")


def test_a_newcomer_checks_their_income_then_connects_and_reads_their_deadlines(
    page: Page, system: System, tmp_path: Path
) -> None:
    page.goto(f"{system.app}/check-income")
    _checked(page, "Do I need Making Tax Digital?")
    page.get_by_label("Self-employment turnover").fill("12,500.555")
    _submit(page, "Check")
    expect(page.locator(".error-summary")).to_contain_text("more than two decimal places")
    _checked(page, "Do I need Making Tax Digital?")
    page.get_by_label("6 April 2024 to 5 April 2025").check()
    page.get_by_label("Self-employment turnover").fill("62,400")
    _submit(page, "Check")
    expect(page.locator("#result-title")).to_have_text(
        "You must use Making Tax Digital for Income Tax from 6 April 2026"
    )
    _checked(page, "Do I need Making Tax Digital?", tmp_path / "check-income.png")

    _create_account(page, system.app, "ida@example.com")
    _checked(page, "Your dashboard")  # not connected yet: how to connect
    expect(page.get_by_role("link", name="Connect to HMRC")).to_be_visible()

    _connect(page, system, demo.SIGNED_UP)
    _checked(page, "Your dashboard", tmp_path / "dashboard-mandated.png")
    headline = page.locator("#headline")
    expect(headline).to_contain_text("You must use Making Tax Digital for Income Tax")
    timeline = page.locator("ol.timeline")
    # Four quarterly updates and the declaration, and (her 2025-26 was a tax-return year) last
    # year's Self Assessment return.
    expect(timeline.locator("li")).to_have_count(6)
    expect(timeline).to_contain_text("Self Assessment tax return and payment for 6 April 2025")
    expect(timeline).to_contain_text("Quarterly update (self-employment)")
    expect(timeline).to_contain_text("Due by 31 January 2028")
    # 2026-27 is the first-year easement: no points for late quarterly updates.
    expect(timeline.get_by_text("no penalty point if late")).to_have_count(4)
    expect(page.locator("main")).to_contain_text("Newton Joinery")
    expect(page.get_by_role("link", name="Opt out with HMRC")).to_have_count(0)
    page.get_by_text("How penalty points work").click()
    expect(page.locator("details")).to_contain_text("When the points reach 4")


def test_a_voluntary_landlord_opts_out_and_the_dashboard_changes(
    page: Page, system: System, tmp_path: Path
) -> None:
    _create_account(page, system.app, "jo@example.com")
    _connect(page, system, demo.VOLUNTARY)
    _checked(page, "Your dashboard", tmp_path / "dashboard-voluntary.png")
    expect(page.locator("#headline")).to_contain_text("by choice")
    expect(page.locator("ol.timeline")).to_contain_text("Quarterly update (UK property)")

    with page.expect_navigation(url=re.compile(r"/reporting-obligations$")):
        page.get_by_role("link", name="Opt out with HMRC").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Opt out of quarterly reporting").click()
    page.get_by_label("6 April 2026 to 5 April 2027").check()
    with page.expect_navigation(url=re.compile(r"/opt-out/check$")):
        page.locator("main form button[type=submit]").first.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm and opt out").click()
    expect(page.locator("main")).to_contain_text("This applies to: 6 April 2026 to 5 April 2027")

    page.goto(f"{system.app}/dashboard")
    _checked(page, "Your dashboard", tmp_path / "dashboard-after-opt-out.png")
    headline = page.locator("#headline")
    expect(headline).not_to_contain_text("by choice")
    expect(page.locator("table")).to_contain_text("A Self Assessment tax return is enough.")
    expect(page.get_by_role("link", name="Opt out with HMRC")).to_have_count(0)
    expect(page.get_by_role("link", name="Choose to use MTD with HMRC")).to_be_visible()


def test_reminder_settings_and_the_outbox_in_a_browser(
    page: Page, system: System, tmp_path: Path
) -> None:
    _create_account(page, system.app, "chris@example.com")
    page.get_by_role("link", name="Reminders").click()
    _checked(page, "Reminders")
    page.get_by_label("14 days before").uncheck()
    page.get_by_label("3 days before").uncheck()
    _submit(page, "Save")
    expect(page.locator(".error-summary")).to_contain_text("Choose at least one")
    _checked(page, "Reminders")
    page.get_by_label("30 days before").check()
    page.get_by_label("No, only on my dashboard").check()
    _submit(page, "Save")
    expect(page.get_by_role("status")).to_have_text("Your reminder settings are saved.")
    expect(page.get_by_label("30 days before")).to_be_checked()
    _checked(page, "Reminders", tmp_path / "reminders.png")
    page.get_by_role("link", name="your outbox").click()
    _checked(page, "Your reminder emails")
