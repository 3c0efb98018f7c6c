"""Agent services in a real browser (issue 9): an agent creates an agent services account, asks
a client to authorise it, the client follows the link, confirms their identity and accepts, and
the agent reads the client's ITSA status through the API with a token from the grant journey.
Every page on the way is checked with axe-core (WCAG 2.1 A and AA), a refusal page included;
screenshots of the key pages are kept in the test's tmp_path.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from openmtd.emulator.gateway.accounts import AccountDetails, create_account
from openmtd.emulator.settings import EmulatorSettings, sqlite_url
from openmtd.emulator.storage import Account, Address, AffinityGroup, Enrolment, StoredStatus
from openmtd.emulator.web.app import create_app
from openmtd.rules.identifiers import Arn, MtdItId
from support.axe import assert_no_axe_violations
from support.browser import PASSWORD, sign_in
from support.emulator import FAST_HASHING
from support.live_server import serve_in_thread

NINO = "AA123456A"
REDIRECT_URI = "http://localhost:9/callback"


@dataclass
class Live:
    base: str
    app: Any

    def account(self, affinity_group: AffinityGroup, **details: Any) -> Account:
        services = self.app.state.services
        with services.store.transaction() as tx:
            return create_account(
                tx,
                services.hasher,
                services.clock.now_in(tx),
                AccountDetails(
                    password=PASSWORD,
                    affinity_group=affinity_group,
                    **details,
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


def _client(live: Live) -> Account:
    """Sam: registered for Self Assessment and signed up for MTD, confidence level 200."""
    return live.account(
        AffinityGroup.INDIVIDUAL,
        first_name="Sam",
        last_name="Patel",
        email="sam@example.com",
        confidence_level=200,
        nino=NINO,
        address=Address("2 Albert Terrace", postcode="SW1A 2AA"),
        enrolments=(
            Enrolment("IR-SA", "UTR", "1000057161"),
            Enrolment("HMRC-MTD-IT", "MTDITID", str(MtdItId.generate("00000000101"))),
        ),
    )


def _agent_token(live: Live, user_id: str) -> str:
    """A user token for the agent from the grant journey (the headless grant, then /oauth/token)."""
    app = httpx.post(
        f"{live.base}/emulator/applications",
        json={"name": "Agent software", "redirectUris": [REDIRECT_URI]},
    ).json()
    grant = httpx.post(
        f"{live.base}/emulator/oauth/grant",
        json={
            "clientId": app["clientId"],
            "redirectUri": REDIRECT_URI,
            "scope": "read:self-assessment",
            "userId": user_id,
            "password": PASSWORD,
        },
    )
    assert grant.status_code == 200, grant.text
    code = re.search(r"[?&]code=([^&]+)", grant.json()["location"])
    assert code
    tokens = httpx.post(
        f"{live.base}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": app["clientId"],
            "client_secret": app["clientSecret"],
            "redirect_uri": REDIRECT_URI,
            "code": code.group(1),
        },
    )
    assert tokens.status_code == 200, tokens.text
    return str(tokens.json()["access_token"])


def test_an_agent_is_authorised_by_a_client_and_reads_their_status(
    page: Page, browser: Browser, live: Live, tmp_path: Path
) -> None:
    client = _client(live)
    with live.transaction() as tx:
        tx.itsa_statuses.add(
            StoredStatus(NINO, "2026-27", client.created_at, "MTD Voluntary", "Rollover")
        )
    agent = live.account(
        AffinityGroup.AGENT, first_name="Alex", last_name="Morgan", email="alex@morgan.test"
    )

    # The agent: sign in, create the agent services account.
    page.goto(f"{live.base}/")
    page.click("text=Agent services account")
    sign_in(page, agent.user_id, axe=True)
    _heading(page, "Create an agent services account")
    page.fill("#utr", "1234")
    page.click("#create")
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    page.fill("#utr", "1000057162")
    page.fill("#postcode", "LS1 4AP")
    page.fill("#agency_name", "Morgan Accountants")
    page.fill("#email", "desk@morgan.test")
    page.click("#create")
    _heading(page, "You have created an agent services account")
    arn = page.inner_text("#arn").strip()
    assert Arn.is_valid(arn)
    page.screenshot(path=str(tmp_path / "agent-services-account.png"), full_page=True)
    page.click("text=Go to your agent services account")
    _heading(page, "Your agent services account")

    # Ask the client; a wrong postcode first (a refusal page), then the right one.
    page.click("main a[href='/agent-services-account/authorisation-request']")
    _heading(page, "Ask a client to authorise you")
    page.fill("#client_nino", "AA 12 34 56 A")
    page.fill("#postcode", "LS1 4AP")
    page.check("#agent_type")  # main agent
    page.click("#send")
    _heading(page, "The postcode does not match")
    page.click("main a.button")  # Try again
    page.fill("#client_nino", "AA 12 34 56 A")
    page.fill("#postcode", "sw1a 2aa")
    page.check("#agent_type")
    page.click("#send")
    _heading(page, "You have created an authorisation request")
    link = page.inner_text("#client-link").strip()
    assert "/appoint-someone-to-deal-with-HMRC-for-you/" in link
    assert link.endswith("/morgan-accountants/income-tax")
    page.screenshot(path=str(tmp_path / "request-sent.png"), full_page=True)
    page.click("text=Track your authorisation requests")
    _heading(page, "Track your authorisation requests")
    expect(page.locator("td.status")).to_have_text("Waiting for the client")

    # The client, in a browser of their own: the link, sign-in, identity check, consent.
    context = browser.new_context()
    try:
        other = context.new_page()
        other.goto(link)
        sign_in(other, client.user_id, axe=True)
        _heading(other, "We need to confirm your identity")
        other.check("#outcome-Success")
        other.click("button[type=submit]")
        _heading(other, "Morgan Accountants wants to deal with your Income Tax")
        expect(other.locator("main")).to_contain_text("see your tax calculations")
        other.screenshot(path=str(tmp_path / "consent.png"), full_page=True)
        other.click("button[value=accept]")
        _heading(other, "You have authorised Morgan Accountants")
        other.click("main a.button")  # Manage who can deal with HMRC for you
        _heading(other, "Manage who can deal with HMRC for you")
        expect(other.locator("main")).to_contain_text("Morgan Accountants")
    finally:
        context.close()

    page.reload()
    expect(page.locator("td.status")).to_have_text("Accepted")
    page.goto(f"{live.base}/agent-services-account")
    page.click("main a[href='/agent-services-account/clients']")
    _heading(page, "Your clients")
    expect(page.locator("main")).to_contain_text("Sam Patel")

    # The agent's software reads the client's status with the agent's own token.
    token = _agent_token(live, agent.user_id)
    answer = httpx.get(
        f"{live.base}/individuals/person/itsa-status/{NINO}/2026-27",
        headers={"Accept": "application/vnd.hmrc.2.0+json", "Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["itsaStatuses"][0]["itsaStatusDetails"][0]["status"] == "MTD Voluntary"
    for name in ("agent-services-account", "request-sent", "consent"):
        assert (tmp_path / f"{name}.png").read_bytes().startswith(b"\x89PNG")


def test_an_agent_copies_a_self_assessment_authorisation_and_signs_the_client_up(
    page: Page, live: Live, tmp_path: Path
) -> None:
    live.account(
        AffinityGroup.INDIVIDUAL,
        first_name="Sam",
        last_name="Patel",
        email="sam@example.com",
        confidence_level=250,
        nino=NINO,
        date_of_birth=date(1980, 2, 29),
        address=Address("2 Albert Terrace", postcode="SW1A 2AA"),
        enrolments=(Enrolment("IR-SA", "UTR", "1000057161"),),
    )
    added = httpx.post(
        f"{live.base}/emulator/people/{NINO}/legacy-sa-agents", json={"saAgentReference": "SA0001"}
    )
    assert added.status_code == 201, added.text
    agent = live.account(
        AffinityGroup.AGENT,
        first_name="Alex",
        last_name="Morgan",
        email="alex@morgan.test",
        enrolments=(
            Enrolment("HMRC-AS-AGENT", "AgentReferenceNumber", "TARN0000001"),
            Enrolment("IR-SA-AGENT", "IRAgentReference", "SA0001"),
        ),
    )

    page.goto(f"{live.base}/agent-services-account")
    sign_in(page, agent.user_id, axe=True)
    _heading(page, "Your agent services account")
    page.click("main a[href='/agent-services-account/copy-self-assessment-authorisations']")
    _heading(page, "Copy existing Self Assessment authorisations")
    page.click("#copy-own")
    _heading(page, "Self Assessment authorisations copied")
    page.goto(f"{live.base}/agent-services-account")
    page.click("main a[href='/agent-services-account/sign-up-client']")

    _heading(page, "Enter your client's details")
    page.fill("#first_name", "Sam")
    page.fill("#last_name", "Smith")
    page.fill("#nino", "AA 12 34 56 A")
    page.fill("#date_of_birth", "29")
    page.fill("#dob_month", "2")
    page.fill("#dob_year", "1980")
    page.click("#continue")
    expect(page.locator(".error-summary")).to_contain_text("We could not find your client")
    assert_no_axe_violations(page)
    page.fill("#last_name", "Patel")
    page.click("#continue")

    expect(page.locator("h1")).to_contain_text("Making Tax Digital for Income Tax")
    assert_no_axe_violations(page)
    if page.locator("input[name=tax_year]").count():
        page.check("#tax_year")  # the current tax year
    page.click("#continue")
    _heading(page, "Your income sources")
    page.click("#add-uk-property")
    page.check("#start_choice-before")
    page.click("#continue")
    _heading(page, "Your income sources")
    page.click("#continue")
    _heading(page, "Check your answers")
    page.click("#confirm")

    expect(page.locator("h1")).to_contain_text(
        "Your client is signed up for Making Tax Digital for Income Tax from"
    )
    expect(page.locator("h1")).to_contain_text("onwards")
    assert_no_axe_violations(page)
    page.screenshot(path=str(tmp_path / "client-signed-up.png"), full_page=True)
    page.click("main a.button")  # Your clients
    _heading(page, "Your clients")
    expect(page.locator(f"#client-{NINO}-main")).to_contain_text("Sam Patel")
    with live.transaction() as tx:
        (relationship,) = tx.relationships.active(client_nino=NINO)
    assert (relationship.arn, relationship.agent_type) == ("TARN0000001", "main")
    assert relationship.sa_agent_reference == "SA0001"
    assert (tmp_path / "client-signed-up.png").read_bytes().startswith(b"\x89PNG")
