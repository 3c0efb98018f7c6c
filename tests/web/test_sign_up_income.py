"""Sign-up's income sources, in process: sole trader businesses (HMRC's lengths and characters,
address, start date or "before <limit>", add / change / remove several), UK and foreign property
(add, change, remove), the partnership page, and every refusal with its message, the GOV.UK
error summary and what was typed kept (business rules §1.1, §1.4)."""

from __future__ import annotations

import pytest

from support.emulator import EmulatorHarness, csrf_token
from support.sign_up import BUSINESS, begin, person, sign_in, submit


@pytest.fixture
def journey(emulator: EmulatorHarness) -> EmulatorHarness:
    sign_in(emulator.client, person(emulator))
    begin(emulator.client)
    submit(emulator.client, "/signup/tax-year", {"tax_year": "current"})
    return emulator


def _post(emulator: EmulatorHarness, path: str, fields: dict[str, str]) -> str:
    response = submit(emulator.client, path, fields)
    assert response.status_code == 400, response.status_code
    assert "There is a problem" in response.text
    return str(response.text)


def test_the_list_starts_empty_and_needs_one_source(journey: EmulatorHarness) -> None:
    page = journey.client.get("/signup/income-sources").text
    assert "You have not added a sole trader business." in page
    assert 'href="/signup/partnership"' in page
    refused = _post(journey, "/signup/income-sources", {})
    assert "Add at least one sole trader business or property business" in refused
    assert 'href="#income-sources"' in refused


def test_businesses_are_added_changed_and_removed(journey: EmulatorHarness) -> None:
    client = journey.client
    assert submit(client, "/signup/business/new", BUSINESS).headers["location"] == (
        "/signup/income-sources"
    )
    second = BUSINESS | {
        "business_name": "Ida Bookkeeping",
        "trade": "Bookkeeper",
        "start_choice": "before",
    }
    submit(client, "/signup/business/new", second)
    page = client.get("/signup/income-sources").text
    assert "Ida&#39;s Plumbing" in page
    assert "Ida Bookkeeping" in page
    assert "Before 6 April 2024" in page
    # Change keeps what was saved in the form.
    form = client.get("/signup/business/b1").text
    assert 'value="Ida&#39;s Plumbing"' in form
    assert 'value="2025"' in form
    changed = submit(client, "/signup/business/b1", BUSINESS | {"trade": "Heating engineer"})
    assert changed.status_code == 303
    assert "Heating engineer" in client.get("/signup/income-sources").text
    # Removing asks first; "no" keeps it.
    question = client.get("/signup/business/b2/remove").text
    assert "Are you sure you want to remove Ida Bookkeeping?" in question
    refused = _post(journey, "/signup/business/b2/remove", {})
    assert "Select yes if you want to remove this business" in refused
    submit(client, "/signup/business/b2/remove", {"confirm": "no"})
    assert "Ida Bookkeeping" in client.get("/signup/income-sources").text
    submit(client, "/signup/business/b2/remove", {"confirm": "yes"})
    page = client.get("/signup/income-sources").text
    assert "Ida Bookkeeping" not in page
    assert "Heating engineer" in page


def test_an_unknown_business_is_not_found(journey: EmulatorHarness) -> None:
    for path in ("/signup/business/b9", "/signup/business/b9/remove", "/signup/business/%3Cx%3E"):
        page = journey.client.get(path)
        assert page.status_code == 404, path
        assert "There is no such business" in page.text
    token = csrf_token(journey.client.get("/signup/income-sources").text)
    for path in ("/signup/business/b9", "/signup/business/b9/remove"):
        response = journey.client.post(path, data={"csrf_token": token, **BUSINESS})
        assert response.status_code == 404, path


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"business_name": ""}, "business_name", "Enter your business name"),
        ({"business_name": "A"}, "business_name", "Business name must be 2 characters or more"),
        (
            {"business_name": "A" * 106},
            "business_name",
            "Business name must be 105 characters or fewer",
        ),
        (
            {"business_name": "Café <b>"},
            "business_name",
            "Business name must only include letters a to z",
        ),
        ({"trade": ""}, "trade", "Enter your trade"),
        ({"trade": "T" * 36}, "trade", "Trade must be 35 characters or fewer"),
        ({"trade": "Plumber!"}, "trade", "Trade must only include letters a to z"),
        ({"address_line1": ""}, "address_line1", "Enter the first line of the business address"),
        (
            {"address_line2": "x" * 101},
            "address_line2",
            "Address line 2 must be 100 characters or fewer",
        ),
        ({"postcode": ""}, "postcode", "Enter the postcode of the business address"),
        ({"postcode": "NOPE"}, "postcode", "Enter a real UK postcode"),
        ({"start_choice": ""}, "start_choice", "Select when the business started"),
        (
            {"start_day": "", "start_month": "", "start_year": ""},
            "start_day",
            "Enter the date the business started",
        ),
        ({"start_day": "31", "start_month": "2"}, "start_day", "must be a real date"),
        ({"start_year": "25"}, "start_day", "must be a real date"),
        ({"start_day": "１"}, "start_day", "must be a real date"),
        (
            {"start_day": "5", "start_month": "4", "start_year": "2024"},
            "start_day",
            "The date must be on or after 6 April 2024",
        ),
        (
            {"start_day": "3", "start_month": "12", "start_year": "2026"},
            "start_day",
            "must be on or before 2 December 2026",
        ),
        ({"business_name": "x\x00y"}, "business_name", "must not contain control characters"),
    ],
)
def test_a_bad_business_is_refused_and_what_was_typed_kept(
    journey: EmulatorHarness, changes: dict[str, str], field: str, message: str
) -> None:
    fields = BUSINESS | changes
    page = _post(journey, "/signup/business/new", fields)
    assert f'href="#{field}"' in page
    assert message in page
    assert f'id="{field}-error"' in page
    kept = "address_line1" if "address_line1" not in changes else "trade"
    assert f'value="{BUSINESS[kept]}"' in page
    assert (
        "You have not added a sole trader business."
        in journey.client.get("/signup/income-sources").text
    )


def test_the_latest_and_earliest_start_dates_are_accepted(journey: EmulatorHarness) -> None:
    for day, month, year in (("2", "12", "2026"), ("6", "4", "2024")):
        fields = BUSINESS | {"start_day": day, "start_month": month, "start_year": year}
        assert submit(journey.client, "/signup/business/new", fields).status_code == 303


@pytest.mark.parametrize(
    ("kind", "label"), [("uk", "UK property"), ("foreign", "foreign property")]
)
def test_one_property_business_of_each_kind(
    journey: EmulatorHarness, kind: str, label: str
) -> None:
    client = journey.client
    page = client.get(f"/signup/property/{kind}").text
    assert f"When did your {label} business start?" in page
    refused = _post(journey, f"/signup/property/{kind}", {})
    assert f"Select when the {label} business started" in refused
    refused = _post(
        journey,
        f"/signup/property/{kind}",
        {"start_choice": "date", "start_day": "1", "start_month": "1", "start_year": "2020"},
    )
    assert "Before 6 April 2024" in refused
    assert 'value="2020"' in refused
    fields = {"start_choice": "date", "start_day": "1", "start_month": "6", "start_year": "2026"}
    assert submit(client, f"/signup/property/{kind}", fields).status_code == 303
    listing = client.get("/signup/income-sources").text
    assert "1 June 2026" in listing
    assert f'id="remove-{kind}-property"' in listing
    assert 'value="2026"' in client.get(f"/signup/property/{kind}").text
    submit(client, f"/signup/property/{kind}", {"start_choice": "before"})
    assert 'value="before" checked' in client.get(f"/signup/property/{kind}").text
    assert "Are you sure you want to remove" in client.get(f"/signup/property/{kind}/remove").text
    refused = _post(journey, f"/signup/property/{kind}/remove", {})
    assert "Select yes if you want to remove" in refused
    submit(client, f"/signup/property/{kind}/remove", {"confirm": "yes"})
    assert f'id="add-{kind}-property"' in client.get("/signup/income-sources").text
    assert client.get(f"/signup/property/{kind}/remove").status_code == 404


def test_an_unknown_kind_of_property_is_not_found(journey: EmulatorHarness) -> None:
    assert journey.client.get("/signup/property/moon").status_code == 404
    token = csrf_token(journey.client.get("/signup/income-sources").text)
    answer = journey.client.post(
        "/signup/property/moon", data={"csrf_token": token, "start_choice": "before"}
    )
    assert answer.status_code == 404
    answer = journey.client.post(
        "/signup/property/moon/remove", data={"csrf_token": token, "confirm": "yes"}
    )
    assert answer.status_code == 404


def test_partnership_income_is_explained_never_entered(journey: EmulatorHarness) -> None:
    page = journey.client.get("/signup/partnership").text
    assert "Income from a partnership" in page
    assert "stays on your Self Assessment tax return" in page
    assert "<form" not in page.split("<main", 1)[1]


def test_at_most_fifty_businesses(journey: EmulatorHarness) -> None:
    for _ in range(50):
        assert submit(journey.client, "/signup/business/new", BUSINESS).status_code == 303
    listing = journey.client.get("/signup/income-sources").text
    assert 'id="add-business"' not in listing
    token = csrf_token(listing)
    refused = journey.client.post("/signup/business/new", data={"csrf_token": token, **BUSINESS})
    assert refused.status_code == 400
    assert "You can add up to 50 businesses" in refused.text


def test_every_sign_up_form_needs_the_sessions_csrf_token(journey: EmulatorHarness) -> None:
    client = journey.client
    submit(client, "/signup/business/new", BUSINESS)
    submit(client, "/signup/property/uk", {"start_choice": "before"})
    posts = {
        "/signup/tax-year": {"tax_year": "current"},
        "/signup/income-sources": {},
        "/signup/business/new": BUSINESS,
        "/signup/business/b1": BUSINESS,
        "/signup/business/b1/remove": {"confirm": "yes"},
        "/signup/property/uk": {"start_choice": "before"},
        "/signup/property/uk/remove": {"confirm": "yes"},
        "/signup/paperless": {"paperless": "yes"},
        "/signup/check-your-answers": {},
        "/signup/identity": {"outcome": "Success"},
        "/signup/add-to-account": {},
    }
    for path, fields in posts.items():
        answer = client.post(path, data={"csrf_token": "wrong", **fields})
        assert answer.status_code == 403, path
        assert "This form has expired" in answer.text
    # Nothing changed.
    listing = client.get("/signup/income-sources").text
    assert "Ida&#39;s Plumbing" in listing
    assert 'id="remove-uk-property"' in listing
