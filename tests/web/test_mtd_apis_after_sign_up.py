"""After signing up through HMRC's pages, the customer's software reads what sign-up created
through Business Details and Obligations (issue 9's records, issue 10's APIs), and a Self
Assessment Test Support business joins them in the same business ID space."""

from __future__ import annotations

from openmtd.emulator.devhub.applications import CreatedApplication
from openmtd.rules.deadlines import quarterly_periods, year_end_deadline
from openmtd.rules.tax_year import TaxYear
from support.emulator import EmulatorHarness
from support.mtd_api import World
from support.sign_up import BUSINESS, NINO, person, sign_in, sign_up


def test_sign_ups_income_sources_and_years_are_read_back(emulator: EmulatorHarness) -> None:
    account = person(emulator)
    sign_in(emulator.client, account)
    sign_up(emulator.client, year="current", business=BUSINESS, uk_property=True)
    with emulator.services.store.transaction() as tx:
        held = tx.accounts.get(account.id)
    assert held is not None
    created: CreatedApplication = emulator.application(rate_limit_per_second=1000)
    world = World(emulator, created, held)
    listed = world.get(f"/individuals/business/details/{NINO}/list", "2.0")
    assert listed.status_code == 200, listed.text
    businesses = listed.json()["listOfBusinesses"]
    assert [
        (b["typeOfBusiness"], b.get("tradingType"), b.get("tradingName")) for b in businesses
    ] == [
        ("self-employment", "Plumber", "Ida's Plumbing"),
        ("uk-property", None, None),
    ]
    test_id = world.test_business({"typeOfBusiness": "foreign-property"})
    assert test_id not in {b["businessId"] for b in businesses}
    # Signed up from 2026-27: this year's and next year's periods and final declarations.
    obligations = world.get(
        f"/obligations/details/{NINO}/income-and-expenditure", "3.0", params={"status": "open"}
    ).json()["obligations"]
    assert [o["businessId"] for o in obligations] == [b["businessId"] for b in businesses] + [
        test_id
    ]
    expected = [
        (p.end.isoformat(), p.due.isoformat())
        for year in (TaxYear(2026), TaxYear(2027))
        for p in quarterly_periods(year)
    ]
    for entry in obligations:
        got = [(d["periodEndDate"], d["dueDate"]) for d in entry["obligationDetails"]]
        assert got == expected
    final = world.get(f"/obligations/details/{NINO}/crystallisation", "3.0").json()
    assert [d["dueDate"] for d in final["obligations"]] == [
        year_end_deadline(TaxYear(2026)).isoformat()
    ]
