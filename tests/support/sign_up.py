"""Shortcuts for the sign-up and reporting-obligations tests: a person who can sign up, a
signed-in browser, and the journey's forms posted with the page's CSRF token."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from openmtd.emulator.storage import Account, Enrolment, StoredStatus
from support.emulator import PASSWORD, EmulatorHarness, csrf_token

NINO = "AA123456A"
UTR = "1000057161"
BUSINESS = {
    "business_name": "Ida's Plumbing",
    "trade": "Plumber",
    "address_line1": "1 Pipe Street",
    "address_line2": "Leeds",
    "postcode": "TS1 1PA",
    "start_choice": "date",
    "start_day": "1",
    "start_month": "5",
    "start_year": "2025",
}


def person(emulator: EmulatorHarness, **details: Any) -> Account:
    """An Individual with a NINO and IR-SA (so they may sign up), confidence level 250."""
    details.setdefault("nino", NINO)
    enrolments = details.pop("enrolments", (Enrolment("IR-SA", "UTR", UTR),))
    return emulator.account(enrolments=enrolments, **details)


def sign_in(client: TestClient, account: Account) -> Any:
    """Sign in with the user ID and password; returns the redirect after sign-in."""
    token = csrf_token(client.get("/gg/sign-in").text)
    response = client.post(
        "/gg/sign-in",
        data={"csrf_token": token, "user_id": account.user_id, "password": PASSWORD},
    )
    assert response.status_code == 303, response.text
    return response


def submit(client: TestClient, path: str, fields: dict[str, str] | None = None) -> Any:
    """GET the page, then POST its form with the page's CSRF token and ``fields``."""
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code, page.text[:500])
    return client.post(path, data={"csrf_token": csrf_token(page.text), **(fields or {})})


def begin(client: TestClient) -> Any:
    return client.get("/signup/begin")


def sign_up(
    client: TestClient,
    *,
    year: str | None = "current",
    business: dict[str, str] | None = None,
    uk_property: bool = True,
) -> Any:
    """The whole journey from the gate to the confirmation; returns the confirm response."""
    assert begin(client).headers["location"] == "/signup/tax-year"
    response = submit(client, "/signup/tax-year", {"tax_year": year} if year else {})
    assert response.status_code == 303, response.text
    if business is not None:
        assert submit(client, "/signup/business/new", business).status_code == 303
    if uk_property:
        fields = {"start_choice": "before"}
        assert submit(client, "/signup/property/uk", fields).status_code == 303
    assert submit(client, "/signup/income-sources").headers["location"] == "/signup/paperless"
    response = submit(client, "/signup/paperless", {"paperless": "yes"})
    assert response.headers["location"] == "/signup/check-your-answers"
    return submit(client, "/signup/check-your-answers")


def add_status(
    emulator: EmulatorHarness, tax_year: str, status: str, reason: str, nino: str = NINO
) -> None:
    with emulator.services.store.transaction() as tx:
        tx.itsa_statuses.add(StoredStatus(nino, tax_year, emulator.now(), status, reason))
