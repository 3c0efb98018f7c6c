"""Sign-up's journey, in process: the tax-year routing table page by page, paperless, check your
answers, and what confirming creates (business rules §1.2 steps 7-8, §1.5): the MTDITID, the
enrolment in the person's group, Business Details, the ITSA statuses (readable at once through
Retrieve ITSA Status), and Self Assessment Test Support seeing the property businesses."""

from __future__ import annotations

from typing import Any

import pytest

from openmtd.emulator.storage import Enrolment
from openmtd.rules.identifiers import SaUtr
from support.emulator import REDIRECT_URI, EmulatorHarness, csrf_token, query_of
from support.sign_up import (
    BUSINESS,
    NINO,
    add_status,
    begin,
    person,
    sign_in,
    sign_up,
    submit,
)

CHOOSE = "When do you want to start using Making Tax Digital for Income Tax?"
BLOCK = ["Debt Management"]


def _eligibility(emulator: EmulatorHarness, current: list[str], following: list[str]) -> None:
    response = emulator.client.put(
        f"/emulator/people/{NINO}/eligibility",
        json={"currentYear": current, "nextYear": following},
    )
    assert response.status_code == 200, response.text


def _statuses(emulator: EmulatorHarness) -> list[tuple[str, str, str]]:
    with emulator.services.store.transaction() as tx:
        return [
            (record.tax_year, record.status, record.status_reason)
            for record in tx.itsa_statuses.for_nino(NINO)
        ]


@pytest.mark.parametrize(
    ("current", "following", "held", "title", "choice", "written"),
    [
        ([], [], {}, CHOOSE, "current", ["2026-27", "2027-28"]),
        ([], [], {}, CHOOSE, "next", ["2027-28"]),
        ([], [], {"2027-28": "MTD Mandated"}, CHOOSE, "current", ["2026-27", "2027-28"]),
        (
            [],
            [],
            {"2026-27": "MTD Mandated"},
            "You must use Making Tax Digital for Income Tax now",
            None,
            ["2026-27", "2027-28"],
        ),
        ([], BLOCK, {}, "You can sign up for the current tax year", None, ["2026-27", "2027-28"]),
        (BLOCK, [], {}, "You can sign up from the next tax year", None, ["2027-28"]),
        (
            BLOCK,
            [],
            {"2027-28": "MTD Mandated"},
            "You must use Making Tax Digital for Income Tax from the next tax year",
            None,
            ["2027-28"],
        ),
    ],
)
def test_the_tax_year_routing_table(
    emulator: EmulatorHarness,
    current: list[str],
    following: list[str],
    held: dict[str, str],
    title: str,
    choice: str | None,
    written: list[str],
) -> None:
    account = person(emulator)
    _eligibility(emulator, current, following)
    for year, status in held.items():
        add_status(emulator, year, status, "CESA SA return")
    sign_in(emulator.client, account)
    assert begin(emulator.client).headers["location"] == "/signup/tax-year"
    page = emulator.client.get("/signup/tax-year")
    assert title in page.text
    mandated_next = held == {"2027-28": "MTD Mandated"} and choice is not None
    assert ('id="mandated-next"' in page.text) == mandated_next
    assert ('name="tax_year"' in page.text) == (choice is not None)
    confirmed = sign_up(emulator.client, year=choice, uk_property=True)
    assert confirmed.headers["location"] == "/signup/confirmation"
    signed_up = [row for row in _statuses(emulator) if row[2].startswith("Sign up")]
    assert [row[0] for row in signed_up] == written
    for year, status, _reason in signed_up:
        expected = (
            "MTD Mandated"
            if held.get(year) == "MTD Mandated"
            or (year == "2027-28" and held.get("2026-27") == "MTD Mandated")
            else "MTD Voluntary"
        )
        assert status == expected, year


def test_choosing_no_year_is_refused_and_the_page_kept(emulator: EmulatorHarness) -> None:
    sign_in(emulator.client, person(emulator))
    begin(emulator.client)
    refused = submit(emulator.client, "/signup/tax-year", {"tax_year": "2099"})
    assert refused.status_code == 400
    assert "There is a problem" in refused.text
    assert 'href="#tax_year"' in refused.text
    assert "Select when you want to start" in refused.text


def test_a_change_of_eligibility_mid_journey_sends_the_person_back_to_the_gate(
    emulator: EmulatorHarness,
) -> None:
    sign_in(emulator.client, person(emulator))
    begin(emulator.client)
    _eligibility(emulator, BLOCK, [])
    assert emulator.client.get("/signup/tax-year").headers["location"] == "/signup/begin"
    # Answered in full for this year, then found ineligible for it: confirming goes back.
    _eligibility(emulator, [], [])
    begin(emulator.client)
    submit(emulator.client, "/signup/tax-year", {"tax_year": "current"})
    submit(emulator.client, "/signup/property/uk", {"start_choice": "before"})
    submit(emulator.client, "/signup/paperless", {"paperless": "yes"})
    _eligibility(emulator, BLOCK, [])
    response = submit(emulator.client, "/signup/check-your-answers")
    assert response.headers["location"] == "/signup/begin"
    assert _statuses(emulator) == []
    begin(emulator.client)
    assert "6 April 2027 to 5 April 2028" in emulator.client.get("/signup/check-your-answers").text


def test_the_journey_pages_need_the_gate_first(emulator: EmulatorHarness) -> None:
    for path in (
        "/signup/tax-year",
        "/signup/income-sources",
        "/signup/business/new",
        "/signup/property/uk",
        "/signup/partnership",
        "/signup/paperless",
        "/signup/check-your-answers",
    ):
        assert emulator.client.get(path).headers["location"] == "/gg/sign-in", path
    sign_in(emulator.client, person(emulator))
    for path in ("/signup/tax-year", "/signup/paperless", "/signup/confirmation"):
        assert emulator.client.get(path).headers["location"] == "/signup/begin", path


def test_paperless_must_be_agreed(emulator: EmulatorHarness) -> None:
    sign_in(emulator.client, person(emulator))
    begin(emulator.client)
    submit(emulator.client, "/signup/tax-year", {"tax_year": "current"})
    refused = submit(emulator.client, "/signup/paperless", {})
    assert refused.status_code == 400
    assert "You need to agree to go paperless" in refused.text
    assert 'href="#paperless"' in refused.text


def test_check_your_answers_sends_the_person_to_what_is_missing(emulator: EmulatorHarness) -> None:
    sign_in(emulator.client, person(emulator))
    begin(emulator.client)
    assert emulator.client.get("/signup/check-your-answers").headers["location"] == (
        "/signup/tax-year"
    )
    submit(emulator.client, "/signup/tax-year", {"tax_year": "current"})
    assert emulator.client.get("/signup/check-your-answers").headers["location"] == (
        "/signup/income-sources"
    )
    submit(emulator.client, "/signup/property/foreign", {"start_choice": "before"})
    assert emulator.client.get("/signup/check-your-answers").headers["location"] == (
        "/signup/paperless"
    )
    token = csrf_token(emulator.client.get("/signup/income-sources").text)
    response = emulator.client.post("/signup/check-your-answers", data={"csrf_token": token})
    assert response.headers["location"] == "/signup/paperless"


def test_check_your_answers_shows_every_answer_with_change_links(
    emulator: EmulatorHarness,
) -> None:
    sign_in(emulator.client, person(emulator))
    begin(emulator.client)
    submit(emulator.client, "/signup/tax-year", {"tax_year": "next"})
    submit(emulator.client, "/signup/business/new", BUSINESS)
    submit(emulator.client, "/signup/property/uk", {"start_choice": "before"})
    submit(emulator.client, "/signup/income-sources")
    submit(emulator.client, "/signup/paperless", {"paperless": "yes"})
    page = emulator.client.get("/signup/check-your-answers").text
    for text in (
        "6 April 2027 to 5 April 2028",
        "Ida&#39;s Plumbing",
        "Plumber",
        "1 Pipe Street",
        "TS1 1PA",
        "Started: 1 May 2025",
        "UK property business",
        "Started: Before 6 April 2024",
        "You agree to go paperless",
        'href="/signup/business/b1"',
        'href="/signup/property/uk"',
        'href="/signup/tax-year"',
    ):
        assert text in page, text
    # Changing the year from the summary comes back to it.
    response = submit(emulator.client, "/signup/tax-year", {"tax_year": "current"})
    assert response.headers["location"] == "/signup/check-your-answers"


def _grant_token(emulator: EmulatorHarness, user_id: str) -> str:
    app = emulator.application(rate_limit_per_second=1000)
    answer = emulator.client.post(
        "/emulator/oauth/grant",
        json={
            "clientId": app.application.client_id,
            "redirectUri": REDIRECT_URI,
            "scope": "read:self-assessment write:self-assessment",
            "userId": user_id,
            "password": "correct horse battery",
        },
    )
    assert answer.status_code == 200, answer.text
    code = query_of(answer.json()["location"])["code"][0]
    token = emulator.client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": app.application.client_id,
            "client_secret": app.client_secret,
            "redirect_uri": REDIRECT_URI,
            "code": code,
        },
    )
    assert token.status_code == 200, token.text
    return str(token.json()["access_token"])


def _api(emulator: EmulatorHarness, token: str, method: str, path: str, **kw: Any) -> Any:
    headers = {"Accept": kw.pop("accept", "application/vnd.hmrc.2.0+json")}
    headers["Authorization"] = f"Bearer {token}"
    return emulator.client.request(method, path, headers=headers, **kw)


def test_signing_up_creates_everything_hmrc_creates(emulator: EmulatorHarness) -> None:
    account = person(emulator)
    sign_in(emulator.client, account)
    sign_up(emulator.client, year="current", business=BUSINESS, uk_property=True)
    with emulator.services.store.transaction() as tx:
        subscription = tx.subscriptions.for_nino(NINO)
        assert subscription is not None
        assert subscription.tax_year == "2026-27"
        assert subscription.paperless_at == emulator.now()
        held = tx.accounts.get(account.id)
        assert held is not None
        assert held.enrolment("HMRC-MTD-IT") == Enrolment(
            "HMRC-MTD-IT", "MTDITID", subscription.mtditid
        )
        sources = tx.business_details.for_nino(NINO)
    assert [s.type_of_business for s in sources] == ["self-employment", "uk-property"]
    business, uk = sources
    assert (business.trading_name, business.trading_type) == ("Ida's Plumbing", "Plumber")
    assert business.address is not None
    assert business.address.postcode == "TS1 1PA"
    assert str(business.trading_start_date) == "2025-05-01"
    assert business.contextual_tax_year is None
    assert (str(uk.accounting_period_start), str(uk.accounting_period_end)) == (
        "2026-04-06",
        "2027-04-05",
    )
    assert uk.trading_start_date is None
    assert uk.contextual_tax_year == "2024-25"
    for source in sources:
        assert source.mtditid == subscription.mtditid
        assert len(source.business_id) == 15
        assert source.business_id[0] == "X"
        assert source.business_id[2:4] == "IS"
    page = emulator.client.get("/signup/confirmation").text
    assert subscription.mtditid in page
    for due in ("7 August 2026", "7 November 2026", "7 February 2027", "7 May 2027"):
        assert due in page
    assert "31 January 2028" in page
    # The new status is readable at once through Retrieve ITSA Status.
    token = _grant_token(emulator, account.user_id)
    answer = _api(emulator, token, "GET", f"/individuals/person/itsa-status/{NINO}/2026-27")
    assert answer.status_code == 200, answer.text
    detail = answer.json()["itsaStatuses"][0]["itsaStatusDetails"][0]
    assert (detail["status"], detail["statusReason"]) == (
        "MTD Voluntary",
        "Sign up - no return available",
    )
    # Self Assessment Test Support counts the signed-up property business as added.
    created = _api(
        emulator,
        token,
        "POST",
        f"/individuals/self-assessment-test-support/business/{NINO}",
        accept="application/vnd.hmrc.1.0+json",
        json={"typeOfBusiness": "uk-property"},
    )
    assert created.status_code == 400, created.text
    assert created.json()["code"] == "RULE_PROPERTY_BUSINESS_ADDED"


def test_a_return_on_file_makes_the_reason_return_available(emulator: EmulatorHarness) -> None:
    sign_in(emulator.client, person(emulator))
    assert emulator.client.post(f"/emulator/returns/{NINO}/2024-25", json={}).status_code == 201
    sign_up(emulator.client, year="current")
    assert _statuses(emulator) == [
        ("2026-27", "MTD Voluntary", "Sign up - return available"),
        ("2027-28", "MTD Voluntary", "Sign up - no return available"),
    ]


def test_signing_up_twice_in_two_browsers_signs_up_once(emulator: EmulatorHarness) -> None:
    account = person(emulator)
    other = emulator.new_client()
    for client in (emulator.client, other):
        sign_in(client, account)
        begin(client)
        submit(client, "/signup/tax-year", {"tax_year": "current"})
        submit(client, "/signup/property/uk", {"start_choice": "before"})
        submit(client, "/signup/income-sources")
        submit(client, "/signup/paperless", {"paperless": "yes"})
    first = submit(emulator.client, "/signup/check-your-answers")
    assert first.headers["location"] == "/signup/confirmation"
    second = submit(other, "/signup/check-your-answers")
    assert second.headers["location"] == "/signup/begin"
    assert "You have already signed up" in begin(other).text
    with emulator.services.store.transaction() as tx:
        assert len(tx.business_details.for_nino(NINO)) == 1


def test_answers_belong_to_the_account_that_gave_them(emulator: EmulatorHarness) -> None:
    first = person(emulator)
    second = person(
        emulator,
        nino="AB123456C",
        email="second@example.com",
        enrolments=(Enrolment("IR-SA", "UTR", str(SaUtr.generate("000000002"))),),
    )
    sign_in(emulator.client, first)
    begin(emulator.client)
    submit(emulator.client, "/signup/business/new", BUSINESS)
    token = csrf_token(emulator.client.get("/signup").text)
    emulator.client.post("/gg/sign-out", data={"csrf_token": token})
    sign_in(emulator.client, second)
    assert emulator.client.get("/signup/income-sources").headers["location"] == "/signup/begin"
    begin(emulator.client)
    assert "Ida&#39;s Plumbing" not in emulator.client.get("/signup/income-sources").text
