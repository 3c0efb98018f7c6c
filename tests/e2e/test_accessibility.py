"""Every page a person reaches in the emulator, checked with axe-core in a real Chromium against
WCAG 2.1 A and AA and axe's best practices (tests/support/axe.py), including the error states
with the GOV.UK error summary (whose links must each reach an element on the page).

One emulator serves the whole module (the demo world seeded, so the home page lists the demo
people). Each row of :data:`PAGES` is one test in a fresh browser: its steps (a function of a
:class:`Visit`) take the browser to the page, the test checks the page's heading (and that the
error summary is there for an error state) so a row cannot pass on the wrong page, and then
axe runs on the page as the person sees it.

To check a new page, add a row: a name, the heading the page shows, and the steps to reach it
(use the `Visit` helpers: `goto`, `new_account`, `sign_in`, `authorize`, ...; they make what
they need in the emulator itself, so a row needs no other row).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pyotp
import pytest
from playwright.sync_api import Page, expect

from openmtd.emulator import demo
from openmtd.emulator.gateway import two_step
from openmtd.emulator.gateway.accounts import MAX_PASSWORD_ATTEMPTS, AccountDetails, create_account
from openmtd.emulator.security import PasswordHasher
from openmtd.emulator.settings import EmulatorSettings, sqlite_url
from openmtd.emulator.storage import Account, AffinityGroup, Enrolment, TwoStepMethod
from openmtd.emulator.web.app import create_app
from openmtd.rules.identifiers import Nino, SaUtr
from support.axe import WCAG_21_AA, assert_no_axe_violations, axe_violations
from support.browser import PASSWORD, sign_in
from support.emulator import FAST_HASHING
from support.live_server import serve_in_thread

PHONE = "07700 900982"
REDIRECT_URI = "http://localhost:9/callback"  # never followed: the journey stops before it
OOB = "urn:ietf:wg:oauth:2.0:oob"
#: Each person who signs up needs their own NINO and UTR (the emulator serves the whole module).
_PEOPLE = itertools.count(200001)
#: WCAG 2.1 A and AA, and axe's best practices (landmarks, heading order, one main heading).
CHECKS = (*WCAG_21_AA, "best-practice")


@dataclass(frozen=True)
class Emulator:
    """The live emulator and the application registered in it for the OAuth journey."""

    base: str
    app: Any
    client_id: str
    client_secret: str


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    folder = tmp_path_factory.mktemp("accessibility")
    settings = EmulatorSettings(
        database_url=sqlite_url(folder / "emulator.sqlite3"), password_hashing=FAST_HASHING
    )
    app = create_app(settings)
    services = app.state.services
    with services.store.transaction() as tx:
        demo.seed(tx, PasswordHasher(FAST_HASHING), services.clock.now_in(tx))
    try:
        with serve_in_thread(app) as base:
            registered = httpx.post(
                f"{base}/emulator/applications",
                json={"name": "Accessible test software", "redirectUris": [REDIRECT_URI, OOB]},
            ).json()
            yield Emulator(
                base=base,
                app=app,
                client_id=registered["clientId"],
                client_secret=registered["clientSecret"],
            )
    finally:
        services.store.close()


@dataclass
class Visit:
    """One browser on the emulator, with the steps that rows of :data:`PAGES` are made of."""

    page: Page
    emulator: Emulator

    def goto(self, path: str) -> None:
        self.page.goto(self.emulator.base + path)

    def click(self, selector: str) -> None:
        """Click a link or button that loads another page, and wait until it has loaded (so
        the next step, or axe, never sees the page it came from)."""
        with self.page.expect_navigation():
            self.page.locator(selector).first.click()

    def submit(self) -> None:
        """Send the page's main form (its first submit button)."""
        self.click("main form button[type=submit]")

    # -- accounts ---------------------------------------------------------------------------

    def new_account(
        self,
        *,
        two_step_method: TwoStepMethod | None = None,
        confidence_level: int = 250,
        affinity_group: AffinityGroup = AffinityGroup.INDIVIDUAL,
        nino: str | None = None,
        enrolments: tuple[Enrolment, ...] = (),
    ) -> tuple[Account, str | None]:
        """An account made in the emulator's store (not in the browser); and its TOTP secret."""
        services = self.emulator.app.state.services
        secret = (
            two_step.new_totp_secret()
            if two_step_method is TwoStepMethod.AUTHENTICATOR_APP
            else None
        )
        with services.store.transaction() as tx:
            account = create_account(
                tx,
                services.hasher,
                services.clock.now_in(tx),
                AccountDetails(
                    password=PASSWORD,
                    first_name="Ida",
                    last_name="Newton",
                    email="ida@example.com",
                    confidence_level=confidence_level,
                    affinity_group=affinity_group,
                    nino=nino,
                    enrolments=enrolments,
                    two_step_method=two_step_method,
                    totp_secret=secret,
                    phone_number="+447700900982"
                    if two_step_method is TwoStepMethod.TEXT_MESSAGE
                    else None,
                ),
            )
        return account, secret

    def enter_sign_in(self, user_id: str, password: str = PASSWORD) -> None:
        self.goto("/gg/sign-in")
        sign_in(self.page, user_id, password)

    def sign_in(self, **account: Any) -> Account:
        """Sign in as a new account (entering its 2-step code when it has one)."""
        made, secret = self.new_account(**account)
        self.goto("/gg/sign-in")
        sign_in(self.page, made.user_id, totp_secret=secret)
        return made

    def fill_create_account(self) -> None:
        """Create your sign in details, filled in as an individual would."""
        self.goto("/gg/create-account")
        self.page.check("#affinity_group")
        self.page.fill("#first_name", "Ida")
        self.page.fill("#last_name", "Newton")
        self.page.fill("#email", "ida.newton@example.com")
        self.page.fill("#date_of_birth", "1")
        self.page.fill("#date_of_birth-month", "6")
        self.page.fill("#date_of_birth-year", "1960")
        self.page.fill("#address_line1", "45 Springfield Rise")
        self.page.fill("#postcode", "TS1 1PA")
        self.page.fill("#password", PASSWORD)
        self.page.fill("#confirm_password", PASSWORD)
        self.click("#continue")

    def choose_two_step(self, method: str) -> None:
        """After creating sign in details: choose `app` or `text`."""
        self.fill_create_account()
        self.page.check("#method" if method == "app" else "#method-text")
        self.submit()

    def text_setup_code_sent(self) -> None:
        self.choose_two_step("text")
        self.page.fill("#phone_number", PHONE)
        self.submit()

    def set_up_app(self) -> None:
        self.choose_two_step("app")
        secret = re.sub(r"\s", "", self.page.inner_text("#secret"))
        self.page.fill("#code", pyotp.TOTP(secret).now())
        self.submit()

    # -- the OAuth journey ------------------------------------------------------------------

    def authorize(self, redirect_uri: str = REDIRECT_URI) -> None:
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.emulator.client_id,
                "redirect_uri": redirect_uri,
                "scope": "read:self-assessment",
                "state": "xyz",
            }
        )
        self.goto(f"/oauth/authorize?{query}")

    def to_grant_page(self, redirect_uri: str = REDIRECT_URI, **account: Any) -> None:
        self.authorize(redirect_uri)
        self.click("#continue")
        made, _ = self.new_account(**account)
        sign_in(self.page, made.user_id)

    def to_identity_check(self) -> None:
        self.to_grant_page(confidence_level=50)

    def grant(self) -> None:
        """Sign in as an account that has given the application authority (the control API's
        headless journey, and the code exchanged for tokens, which makes the grant)."""
        account = self.sign_in()
        base, app = self.emulator.base, self.emulator
        granted = httpx.post(
            f"{base}/emulator/oauth/grant",
            json={
                "clientId": app.client_id,
                "redirectUri": REDIRECT_URI,
                "scope": "read:self-assessment",
                "userId": account.user_id,
                "password": PASSWORD,
            },
        )
        granted.raise_for_status()
        code = parse_qs(urlsplit(granted.json()["location"]).query)["code"][0]
        httpx.post(
            f"{base}/oauth/token",
            data={
                "grant_type": "authorization_code",
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "redirect_uri": REDIRECT_URI,
                "code": code,
            },
        ).raise_for_status()

    # -- sign-up for Making Tax Digital for Income Tax, and reporting obligations -------------

    def sign_in_taxpayer(self, **account: Any) -> None:
        """Sign in as an Individual with a NINO of their own and a UTR (who may sign up)."""
        number = next(_PEOPLE)
        account.setdefault("nino", str(Nino.parse(f"AA{number:06d}A")))
        utr = str(SaUtr.generate(f"{number:09d}"))
        account.setdefault("enrolments", (Enrolment("IR-SA", "UTR", utr),))
        self.sign_in(**account)

    def sign_in_to_sign_up(self, **account: Any) -> None:
        self.sign_in_taxpayer(**account)
        self.goto("/signup/begin")

    def to_income_sources(self) -> None:
        self.sign_in_to_sign_up()
        self.page.check("#tax_year")  # the current tax year
        self.submit()

    def add_business(self) -> None:
        """From your income sources: add a sole trader business, started before the limit."""
        self.click("#add-business")
        self.page.fill("#business_name", "Ida's Plumbing")
        self.page.fill("#trade", "Plumber")
        self.page.fill("#address_line1", "1 Pipe Street")
        self.page.fill("#postcode", "TS1 1PA")
        self.page.check("#start_choice-before")
        self.submit()

    def add_uk_property(self) -> None:
        self.click("#add-uk-property")
        self.page.check("#start_choice-before")
        self.submit()

    def to_paperless(self) -> None:
        self.to_income_sources()
        self.add_uk_property()
        self.submit()

    def to_check_your_answers(self) -> None:
        self.to_paperless()
        self.page.check("#paperless")
        self.submit()

    def sign_up(self) -> None:
        self.to_check_your_answers()
        self.submit()

    # -- agent services ---------------------------------------------------------------------

    def create_agent_services_account(self) -> None:
        """Sign in as an agent and create their agent services account."""
        self.sign_in(affinity_group=AffinityGroup.AGENT)
        self.goto("/agent-services-account/create")
        self.page.fill("#utr", str(SaUtr.generate(f"{next(_PEOPLE):09d}")))
        self.page.fill("#postcode", "LS1 4AP")
        self.page.fill("#agency_name", "Morgan Accountants")
        self.page.fill("#email", "desk@morgan.test")
        self.click("#create")

    # -- the Developer Hub ------------------------------------------------------------------

    def add_application(self) -> None:
        self.goto("/developer/applications/new")
        self.page.fill("#name", "Software from the Developer Hub")
        self.page.fill("#redirectUris", "http://localhost:8080/callback")
        self.click("#add")

    def application_page(self) -> None:
        self.goto(f"/developer/applications/{self.emulator.client_id}")


def _create_account_invalid(visit: Visit) -> None:
    visit.goto("/gg/create-account")
    visit.page.fill("#email", "not an email")
    visit.page.fill("#date_of_birth", "31")
    visit.page.fill("#date_of_birth-month", "2")
    visit.page.fill("#date_of_birth-year", "1960")
    visit.page.fill("#nino", "not a NINO")
    visit.page.fill("#password", "short")
    visit.page.fill("#confirm_password", "different")
    visit.click("#continue")


def _two_step_code_by_text(visit: Visit) -> None:
    account, _ = visit.new_account(two_step_method=TwoStepMethod.TEXT_MESSAGE)
    visit.enter_sign_in(account.user_id)


def _two_step_code_by_app(visit: Visit) -> None:
    account, _ = visit.new_account(two_step_method=TwoStepMethod.AUTHENTICATOR_APP)
    visit.enter_sign_in(account.user_id)


def _wrong_code(visit: Visit) -> None:
    _two_step_code_by_app(visit)
    visit.page.fill("#code", "000000")
    visit.submit()


def _identity_check_nothing_chosen(visit: Visit) -> None:
    visit.to_identity_check()
    # The first outcome is chosen for the tester; a person can still send none.
    visit.page.evaluate(
        "() => document.querySelectorAll('input[type=radio]')"
        ".forEach((radio) => { radio.checked = false; })"
    )
    visit.submit()


def _oob_code(visit: Visit) -> None:
    visit.to_grant_page(OOB)
    visit.click("#grant")


def _application_saved(visit: Visit) -> None:
    visit.application_page()
    visit.click("#save")


def _application_invalid(visit: Visit) -> None:
    visit.goto("/developer/applications/new")
    visit.page.fill("#redirectUris", "http://127.0.0.1/callback")
    visit.page.fill("#rateLimitPerSecond", "lots")
    visit.click("#add")


def _new_secret(visit: Visit) -> None:
    visit.add_application()
    visit.click("text=View the application")
    visit.click("#add-secret")


def _software_granted(visit: Visit) -> None:
    visit.grant()
    visit.goto("/applications/manage")
    expect(visit.page.locator("main tbody tr")).to_have_count(1)


def _authority_removed(visit: Visit) -> None:
    _software_granted(visit)
    visit.submit()


def _texts_on_the_phone(visit: Visit) -> None:
    _two_step_code_by_text(visit)
    visit.goto("/gg/phone?" + urlencode({"number": PHONE}))
    expect(visit.page.locator("main tbody tr").first).to_be_visible()


def _too_many_wrong_setup_codes(visit: Visit) -> None:
    visit.text_setup_code_sent()
    for _attempt in range(two_step.MAX_TWO_STEP_ATTEMPTS):
        visit.page.fill("#code", "000000")
        visit.submit()


def _signed_out(visit: Visit) -> None:
    visit.sign_in()
    visit.click("form.sign-out button")


def _form_expired(visit: Visit) -> None:
    visit.goto("/gg/sign-in")
    visit.page.evaluate("() => { document.querySelector('input[name=csrf_token]').value = ''; }")
    visit.submit()


def _locked_out(visit: Visit) -> None:
    account, _ = visit.new_account()
    for _attempt in range(MAX_PASSWORD_ATTEMPTS):
        visit.enter_sign_in(account.user_id, "the wrong password")


def _income_sources_with_both(visit: Visit) -> None:
    visit.to_income_sources()
    visit.add_business()
    visit.add_uk_property()
    expect(visit.page.locator("main tbody tr")).to_have_count(1)


def _business_invalid(visit: Visit) -> None:
    visit.to_income_sources()
    visit.click("#add-business")
    visit.page.fill("#business_name", "I")
    visit.page.check("#start_choice")
    visit.page.fill("#start_day", "31")
    visit.page.fill("#start_month", "2")
    visit.page.fill("#start_year", "2026")
    visit.submit()


def _remove_business(visit: Visit) -> None:
    visit.to_income_sources()
    visit.add_business()
    visit.click("main tbody a[href$='/remove']")


def _opt_out(visit: Visit) -> None:
    visit.sign_up()
    visit.goto("/reporting-obligations")
    visit.click("#opt-out")


@dataclass(frozen=True)
class Row:
    """A page to check: what it is, the heading it shows, and how a person gets there."""

    name: str
    heading: str
    steps: Callable[[Visit], object]
    error_summary: bool = False


#: Every page a person reaches, one row each. Add a row for a new page.
PAGES: tuple[Row, ...] = (
    Row("home", "openmtd HMRC emulator", lambda v: v.goto("/")),
    Row("404", "Page not found", lambda v: v.goto("/no-such-page")),
    Row("404: a control character", "Page not found", lambda v: v.goto("/gg/sign-in%01")),
    Row(
        "web address: a control character",
        "There is a problem with the web address",
        lambda v: v.goto("/gg/sign-in?user=%01"),
    ),
    # Create your sign in details, and 2-step verification set up by app and by text
    Row("create account", "Create your sign in details", lambda v: v.goto("/gg/create-account")),
    Row(
        "create account: nothing entered",
        "Create your sign in details",
        lambda v: (v.goto("/gg/create-account"), v.click("#continue")),
        error_summary=True,
    ),
    Row(
        "create account: invalid answers",
        "Create your sign in details",
        _create_account_invalid,
        error_summary=True,
    ),
    Row("2-step: choose how", "Set up 2-step verification", Visit.fill_create_account),
    Row(
        "2-step: nothing chosen",
        "Set up 2-step verification",
        lambda v: (v.fill_create_account(), v.submit()),
        error_summary=True,
    ),
    Row("2-step: app", "Set up your authenticator app", lambda v: v.choose_two_step("app")),
    Row(
        "2-step: app, wrong code",
        "Set up your authenticator app",
        lambda v: (v.choose_two_step("app"), v.page.fill("#code", "000000"), v.submit()),
        error_summary=True,
    ),
    Row("2-step: text", "Enter your mobile phone number", lambda v: v.choose_two_step("text")),
    Row(
        "2-step: text, not a mobile number",
        "Enter your mobile phone number",
        lambda v: (v.choose_two_step("text"), v.page.fill("#phone_number", "12"), v.submit()),
        error_summary=True,
    ),
    Row(
        "2-step: text, code sent",
        "Enter the code we sent to your phone",
        Visit.text_setup_code_sent,
    ),
    Row(
        "2-step: text, wrong code",
        "Enter the code we sent to your phone",
        lambda v: (v.text_setup_code_sent(), v.page.fill("#code", "000000"), v.submit()),
        error_summary=True,
    ),
    Row(
        "2-step: text, too many wrong codes",
        "You entered too many wrong codes",
        _too_many_wrong_setup_codes,
    ),
    Row("account created", "You have created your sign in details", Visit.set_up_app),
    Row(
        "2-step: details not entered",
        "Your session has ended",
        lambda v: v.goto("/gg/two-step/setup"),
    ),
    # Sign in and 2-step codes
    Row("sign in", "Sign in to HMRC online services", lambda v: v.goto("/gg/sign-in")),
    Row(
        "sign in: wrong password",
        "Sign in to HMRC online services",
        lambda v: v.enter_sign_in("123456789012", "the wrong password"),
        error_summary=True,
    ),
    Row("2-step code: app", "Enter your security code", _two_step_code_by_app),
    Row("2-step code: text", "Enter your security code", _two_step_code_by_text),
    Row("2-step code: wrong code", "Enter your security code", _wrong_code, error_summary=True),
    Row("locked out", "You have been locked out", _locked_out),
    Row("sign out", "Sign out", lambda v: (v.sign_in(), v.goto("/gg/sign-out"))),
    Row("signed out", "You have signed out", _signed_out),
    Row("not signed in", "You are not signed in", lambda v: v.goto("/gg/sign-out")),
    # The OAuth journey
    Row(
        "authorise software",
        "Authorise software to use HMRC's services",
        lambda v: v.authorize(),
    ),
    Row("identity check", "We need to confirm your identity", Visit.to_identity_check),
    Row(
        "identity check: nothing chosen",
        "We need to confirm your identity",
        _identity_check_nothing_chosen,
        error_summary=True,
    ),
    Row("grant authority", "Grant authority", Visit.to_grant_page),
    Row("grant authority: code to copy", "Authority granted", _oob_code),
    Row(
        "grant authority: not granted",
        "You did not grant authority",
        lambda v: (v.to_grant_page(OOB), v.click("#deny")),
    ),
    Row(
        "grant authority: refused",
        "You cannot give this software authority",
        # an agent without an agent services account
        lambda v: v.to_grant_page(affinity_group=AffinityGroup.AGENT),
    ),
    Row("session ended", "Your session has ended", lambda v: v.goto("/oauth/start")),
    Row("form expired", "This form has expired", _form_expired),
    # Manage authorised applications
    Row(
        "manage: nothing granted",
        "Manage authorised applications",
        lambda v: (v.sign_in(), v.goto("/applications/manage")),
    ),
    Row(
        "manage: software granted",
        "Manage authorised applications",
        _software_granted,
    ),
    Row("manage: authority removed", "You have removed authority", _authority_removed),
    Row(
        "manage: authority not found",
        "We could not find that authority",
        lambda v: (v.sign_in(), v.goto("/applications/manage/999999/removed")),
    ),
    # Sign up for Making Tax Digital for Income Tax, and reporting obligations
    Row(
        "sign up: start",
        "Sign up for Making Tax Digital for Income Tax",
        lambda v: v.goto("/signup"),
    ),
    Row(
        "sign up: identity check",
        "We need to confirm your identity",
        lambda v: v.sign_in_to_sign_up(confidence_level=50),
    ),
    Row(
        "sign up: identity check, nothing chosen",
        "We need to confirm your identity",
        lambda v: (v.sign_in_to_sign_up(confidence_level=50), v.submit()),
        error_summary=True,
    ),
    Row(
        "sign up: no National Insurance number",
        "You need a National Insurance number to sign up",
        lambda v: v.sign_in_to_sign_up(nino=None),
    ),
    Row(
        "sign up: tax year",
        "When do you want to start using Making Tax Digital for Income Tax?",
        Visit.sign_in_to_sign_up,
    ),
    Row(
        "sign up: tax year, nothing chosen",
        "When do you want to start using Making Tax Digital for Income Tax?",
        lambda v: (v.sign_in_to_sign_up(), v.submit()),
        error_summary=True,
    ),
    Row("sign up: income sources", "Your income sources", Visit.to_income_sources),
    Row(
        "sign up: income sources, none added",
        "Your income sources",
        lambda v: (v.to_income_sources(), v.submit()),
        error_summary=True,
    ),
    Row(
        "sign up: income sources, a business and a property",
        "Your income sources",
        _income_sources_with_both,
    ),
    Row(
        "sign up: add a business",
        "Add a sole trader business",
        lambda v: (v.to_income_sources(), v.click("#add-business")),
    ),
    Row(
        "sign up: add a business, nothing entered",
        "Add a sole trader business",
        lambda v: (v.to_income_sources(), v.click("#add-business"), v.submit()),
        error_summary=True,
    ),
    Row(
        "sign up: add a business, invalid answers",
        "Add a sole trader business",
        _business_invalid,
        error_summary=True,
    ),
    Row(
        "sign up: remove a business",
        "Are you sure you want to remove Ida's Plumbing?",
        _remove_business,
    ),
    Row(
        "sign up: UK property",
        "When did your UK property business start?",
        lambda v: (v.to_income_sources(), v.click("#add-uk-property")),
    ),
    Row(
        "sign up: UK property, nothing chosen",
        "When did your UK property business start?",
        lambda v: (v.to_income_sources(), v.click("#add-uk-property"), v.submit()),
        error_summary=True,
    ),
    Row(
        "sign up: partnership",
        "Income from a partnership",
        lambda v: (v.to_income_sources(), v.click("a[href='/signup/partnership']")),
    ),
    Row("sign up: paperless", "Go paperless", Visit.to_paperless),
    Row(
        "sign up: paperless, not agreed",
        "Go paperless",
        lambda v: (v.to_paperless(), v.submit()),
        error_summary=True,
    ),
    Row("sign up: check your answers", "Check your answers", Visit.to_check_your_answers),
    Row(
        "sign up: signed up",
        "You have signed up for Making Tax Digital for Income Tax",
        Visit.sign_up,
    ),
    Row(
        "sign up: already signed up",
        "You have already signed up",
        lambda v: (v.sign_up(), v.goto("/signup/begin")),
    ),
    Row(
        "reporting obligations",
        "Your reporting obligations",
        lambda v: (v.sign_up(), v.goto("/reporting-obligations")),
    ),
    Row("reporting obligations: opt out", "Opt out of quarterly reporting", _opt_out),
    Row(
        "reporting obligations: opt out, nothing chosen",
        "Opt out of quarterly reporting",
        lambda v: (_opt_out(v), v.submit()),
        error_summary=True,
    ),
    Row(
        "reporting obligations: confirm opting out",
        "Confirm you want to opt out",
        lambda v: (_opt_out(v), v.page.check("#tax_year"), v.submit()),
    ),
    # Agent services, and the client's side of an agent's authorisation
    Row(
        "agent: create an agent services account",
        "Create an agent services account",
        lambda v: (
            v.sign_in(affinity_group=AffinityGroup.AGENT),
            v.goto("/agent-services-account/create"),
        ),
    ),
    Row(
        "agent: create, nothing entered",
        "Create an agent services account",
        lambda v: (
            v.sign_in(affinity_group=AffinityGroup.AGENT),
            v.goto("/agent-services-account/create"),
            v.submit(),
        ),
        error_summary=True,
    ),
    Row(
        "agent: created",
        "You have created an agent services account",
        Visit.create_agent_services_account,
    ),
    Row(
        "agent: home",
        "Your agent services account",
        lambda v: (v.create_agent_services_account(), v.goto("/agent-services-account")),
    ),
    Row(
        "agent: ask a client",
        "Ask a client to authorise you",
        lambda v: (
            v.create_agent_services_account(),
            v.goto("/agent-services-account/authorisation-request"),
        ),
    ),
    Row(
        "agent: ask a client, nothing entered",
        "Ask a client to authorise you",
        lambda v: (
            v.create_agent_services_account(),
            v.goto("/agent-services-account/authorisation-request"),
            v.submit(),
        ),
        error_summary=True,
    ),
    Row(
        "agent: authorisation requests",
        "Track your authorisation requests",
        lambda v: (
            v.create_agent_services_account(),
            v.goto("/agent-services-account/authorisation-requests"),
        ),
    ),
    Row(
        "agent: clients",
        "Your clients",
        lambda v: (v.create_agent_services_account(), v.goto("/agent-services-account/clients")),
    ),
    Row(
        "client: manage who can deal with HMRC",
        "Manage who can deal with HMRC for you",
        lambda v: (
            v.sign_in_taxpayer(),
            v.goto("/agent-client-relationships/manage-who-can-deal-with-HMRC-for-you"),
        ),
    ),
    # The Developer Hub
    Row(
        "developer hub: applications",
        "Your applications",
        lambda v: v.goto("/developer/applications"),
    ),
    Row(
        "developer hub: add", "Add an application", lambda v: v.goto("/developer/applications/new")
    ),
    Row(
        "developer hub: add, nothing entered",
        "Add an application",
        lambda v: (v.goto("/developer/applications/new"), v.click("#add")),
        error_summary=True,
    ),
    Row(
        "developer hub: add, invalid answers",
        "Add an application",
        _application_invalid,
        error_summary=True,
    ),
    Row("developer hub: added", "Your application has been added", Visit.add_application),
    Row("developer hub: application", "Accessible test software", Visit.application_page),
    Row("developer hub: settings saved", "Accessible test software", _application_saved),
    Row("developer hub: new secret", "Your new client secret", _new_secret),
    Row(
        "developer hub: application not found",
        "Application not found",
        lambda v: v.goto("/developer/applications/no-such-client"),
    ),
    # The emulator's phone
    Row("phone", "The emulator's phone", lambda v: v.goto("/gg/phone")),
    Row("phone: texts", "The emulator's phone", _texts_on_the_phone),
    Row(
        "phone: no texts",
        "The emulator's phone",
        lambda v: v.goto("/gg/phone?" + urlencode({"number": "07700 900000"})),
    ),
    Row(
        "phone: not a mobile number",
        "The emulator's phone",
        lambda v: v.goto("/gg/phone?number=12"),
        error_summary=True,
    ),
)


@pytest.mark.parametrize("row", PAGES, ids=[row.name for row in PAGES])
def test_page_has_no_accessibility_violations(page: Page, emulator: Emulator, row: Row) -> None:
    row.steps(Visit(page, emulator))
    expect(page.locator("h1")).to_have_text(row.heading)
    summary = page.locator(".error-summary")
    if row.error_summary:
        expect(summary).to_be_visible()
        expect(summary.locator("a").first).to_be_visible()
        # Each of the summary's links goes to the answer it is about (GOV.UK error summary).
        missing = page.evaluate(
            """() => [...document.querySelectorAll(".error-summary a")]
                .map((link) => link.getAttribute("href"))
                .filter((href) => !document.getElementById(href.replace(/^#/, "")))"""
        )
        assert missing == [], f"error summary links to no element: {missing}"
        # Each error message beside a field is read out with it (GOV.UK error message: the
        # field's or its fieldset's aria-describedby names the message's id).
        unread = page.evaluate(
            """() => [...document.querySelectorAll("main .error-message")]
                .filter((message) => message.closest(".form-group")?.querySelector(
                    "input:not([type=hidden]), select, textarea"))
                .filter((message) => !message.id || !document.querySelector(
                    `[aria-describedby~="${CSS.escape(message.id)}"]`))
                .map((message) => message.textContent.trim())"""
        )
        assert unread == [], f"error messages no field is described by: {unread}"
    else:
        expect(summary).to_have_count(0)
    assert_no_axe_violations(page, CHECKS)


def test_axe_reports_what_is_wrong_and_where(page: Page) -> None:
    """The check itself can fail: a page with no language, an unlabelled field and an empty
    link breaks three WCAG rules, each named with the element it is about."""
    page.set_content('<title>Broken</title><main><input id="nameless"><a href="/"></a></main>')
    found = {violation["id"]: violation for violation in axe_violations(page)}
    assert {"html-has-lang", "label", "link-name"} <= found.keys()
    assert found["label"]["nodes"][0]["target"] == ["#nameless"]
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_no_axe_violations(page)
    report = str(failure.value)
    assert "- label (critical): Form elements must have labels" in report
    assert "    at #nameless" in report
