"""HMRC online services for an individual in a real browser (issue 9): a person signs up with a
sole trader business and a UK property business, and a voluntary customer opts out, after which
Retrieve ITSA Status shows the opt-out record. Every page on the way is checked with axe-core
(WCAG 2.1 A and AA, tests/support/axe.py), an error state included; screenshots of the key
pages are kept in the test's tmp_path (pytest keeps the last runs' folders).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from openmtd.emulator.gateway.accounts import AccountDetails, create_account
from openmtd.emulator.settings import EmulatorSettings, sqlite_url
from openmtd.emulator.storage import Account, AffinityGroup, Enrolment, StoredStatus
from openmtd.emulator.web.app import create_app
from support.browser import PASSWORD, sign_in
from support.emulator import FAST_HASHING
from support.live_server import serve_in_thread

try:
    from support.axe import assert_no_axe_violations
except ImportError:  # the shared axe harness (tests/support/axe.py) not there yet: the same check

    def assert_no_axe_violations(page: Page) -> None:
        """axe-core (tests/e2e/node_modules, installed by scripts/install) on the page as it
        is now, WCAG 2.1 A and AA: no violation."""
        script = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
        assert script.is_file(), f"axe-core not found at {script}: run scripts/install"
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(script.read_text(encoding="utf-8"))
        violations = page.evaluate(
            """async () => (await window.axe.run(document, {runOnly: {type: "tag",
                values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})).violations"""
        )
        assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]


NINO = "AA123456A"
UTR = "1000057161"
REDIRECT_URI = "http://localhost:9/callback"


@dataclass
class Live:
    base: str
    app: Any

    def account(self, *enrolments: Enrolment) -> Account:
        services = self.app.state.services
        with services.store.transaction() as tx:
            return create_account(
                tx,
                services.hasher,
                services.clock.now_in(tx),
                AccountDetails(
                    password=PASSWORD,
                    first_name="Ida",
                    last_name="Newton",
                    email="ida@example.com",
                    affinity_group=AffinityGroup.INDIVIDUAL,
                    confidence_level=250,
                    nino=NINO,
                    enrolments=(Enrolment("IR-SA", "UTR", UTR), *enrolments),
                ),
            )

    def transaction(self) -> Any:
        return self.app.state.services.store.transaction()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    settings = EmulatorSettings(
        database_url=sqlite_url(tmp_path / "emulator.sqlite3"), password_hashing=FAST_HASHING
    )
    app = create_app(settings)
    with serve_in_thread(app) as base:
        yield Live(base, app)
    app.state.services.store.close()


def _heading(page: Page, text: str) -> None:
    expect(page.locator("h1")).to_have_text(text)
    assert_no_axe_violations(page)


def test_an_individual_signs_up_with_a_business_and_a_uk_property(
    page: Page, live: Live, tmp_path: Path
) -> None:
    account = live.account()
    page.goto(f"{live.base}/")
    page.click("text=Sign up for Making Tax Digital for Income Tax")
    _heading(page, "Sign up for Making Tax Digital for Income Tax")
    page.click("#start")
    sign_in(page, account.user_id, axe=True)

    _heading(page, "When do you want to start using Making Tax Digital for Income Tax?")
    page.click("#continue")  # nothing chosen: the error summary
    expect(page.locator(".error-summary")).to_contain_text("Select when you want to start")
    assert_no_axe_violations(page)
    page.check("#tax_year")  # the current tax year
    page.click("#continue")

    _heading(page, "Your income sources")
    page.click("#add-business")
    _heading(page, "Add a sole trader business")
    page.fill("#business_name", "Ida's Plumbing & Heating")
    page.fill("#trade", "P")
    page.fill("#address_line1", "1 Pipe Street")
    page.fill("#address_line3", "Leeds")
    page.fill("#postcode", "ts1 1pa")
    page.check("#start_choice")
    page.fill("#start_day", "1")
    page.fill("#start_month", "5")
    page.fill("#start_year", "2025")
    page.click("#continue")
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Trade must be 2 characters or more")
    expect(page.locator("#business_name")).to_have_value("Ida's Plumbing & Heating")
    assert_no_axe_violations(page)
    page.screenshot(path=str(tmp_path / "business-error.png"), full_page=True)
    page.click(".error-summary a")  # the summary's link lands on the field
    expect(page.locator("#trade")).to_be_focused()
    page.fill("#trade", "Plumber")
    page.click("#continue")

    _heading(page, "Your income sources")
    expect(page.locator("main")).to_contain_text("Ida's Plumbing & Heating")
    page.click("#add-uk-property")
    _heading(page, "When did your UK property business start?")
    page.check("#start_choice-before")
    page.click("#continue")
    _heading(page, "Your income sources")
    expect(page.locator("main")).to_contain_text("Before 6 April 2024")
    page.click("#continue")

    _heading(page, "Go paperless")
    page.check("#paperless")
    page.click("#continue")

    _heading(page, "Check your answers")
    main = page.locator("main")
    for text in ("6 April 2026 to 5 April 2027", "Plumber", "TS1 1PA", "Started: 1 May 2025"):
        expect(main).to_contain_text(text)
    page.screenshot(path=str(tmp_path / "check-your-answers.png"), full_page=True)
    page.click("#confirm")

    _heading(page, "You have signed up for Making Tax Digital for Income Tax")
    mtditid = page.inner_text("#mtditid").strip()
    expect(page.locator("#deadlines")).to_contain_text("7 August 2026")
    expect(page.locator("#deadlines")).to_contain_text("7 May 2027")
    expect(page.locator("#final-declaration")).to_have_text("31 January 2028")
    page.screenshot(path=str(tmp_path / "signed-up.png"), full_page=True)

    with live.transaction() as tx:
        subscription = tx.subscriptions.for_nino(NINO)
        assert subscription is not None
        assert subscription.mtditid == mtditid
        sources = tx.business_details.for_nino(NINO)
        statuses = tx.itsa_statuses.for_nino(NINO)
        held = tx.accounts.get(account.id)
    assert [(s.type_of_business, s.trading_name) for s in sources] == [
        ("self-employment", "Ida's Plumbing & Heating"),
        ("uk-property", None),
    ]
    assert [(s.tax_year, s.status) for s in statuses] == [
        ("2026-27", "MTD Voluntary"),
        ("2027-28", "MTD Voluntary"),
    ]
    assert held is not None
    assert held.enrolment("HMRC-MTD-IT") is not None
    for name in ("business-error", "check-your-answers", "signed-up"):
        assert (tmp_path / f"{name}.png").read_bytes().startswith(b"\x89PNG")


def _token(live: Live, account: Account) -> str:
    with httpx.Client(base_url=live.base, trust_env=False) as client:
        app = client.post(
            "/emulator/applications",
            json={"name": "Tiny", "redirectUris": [REDIRECT_URI], "rateLimitPerSecond": 100},
        ).json()
        grant = client.post(
            "/emulator/oauth/grant",
            json={
                "clientId": app["clientId"],
                "redirectUri": REDIRECT_URI,
                "scope": "read:self-assessment",
                "userId": account.user_id,
                "password": PASSWORD,
            },
        ).json()
        code = httpx.URL(grant["location"]).params["code"]
        token = client.post(
            "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "client_id": app["clientId"],
                "client_secret": app["clientSecret"],
                "redirect_uri": REDIRECT_URI,
                "code": code,
            },
        ).json()
    return str(token["access_token"])


def test_a_voluntary_customer_opts_out_and_retrieve_itsa_status_shows_it(
    page: Page, live: Live, tmp_path: Path
) -> None:
    account = live.account(Enrolment("HMRC-MTD-IT", "MTDITID", "XAIT00000000001"))
    services = live.app.state.services
    with live.transaction() as tx:
        tx.itsa_statuses.add(
            StoredStatus(
                NINO,
                "2026-27",
                services.clock.now_in(tx),
                "MTD Voluntary",
                "Sign up - no return available",
            )
        )
    page.goto(f"{live.base}/reporting-obligations")
    sign_in(page, account.user_id, axe=True)
    _heading(page, "Your reporting obligations")
    expect(page.locator("#years")).to_contain_text("You report quarterly")
    page.click("#opt-out")

    _heading(page, "Opt out of quarterly reporting")
    expect(page.locator("main")).to_contain_text("will be deleted")
    page.click("#continue")
    expect(page.locator(".error-summary")).to_contain_text("Select a tax year")
    assert_no_axe_violations(page)
    page.check("#tax_year")  # the first offered: the current tax year
    page.click("#continue")

    _heading(page, "Confirm you want to opt out")
    expect(page.locator("#changed-years")).to_have_text("6 April 2026 to 5 April 2027")
    page.screenshot(path=str(tmp_path / "opt-out-check.png"), full_page=True)
    page.click("#confirm")
    _heading(page, "You have opted out of quarterly reporting")
    page.screenshot(path=str(tmp_path / "opted-out.png"), full_page=True)

    token = _token(live, account)
    with httpx.Client(base_url=live.base, trust_env=False) as client:
        answer = client.get(
            f"/individuals/person/itsa-status/{NINO}/2026-27",
            headers={
                "Accept": "application/vnd.hmrc.2.0+json",
                "Authorization": f"Bearer {token}",
            },
        )
    assert answer.status_code == 200, answer.text
    latest = answer.json()["itsaStatuses"][0]["itsaStatusDetails"][-1]
    assert (latest["status"], latest["statusReason"]) == ("Annual", "MTD ITSA Opt-Out")
    assert (tmp_path / "opted-out.png").read_bytes().startswith(b"\x89PNG")
