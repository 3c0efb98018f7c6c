"""Create Test User's people use HMRC online services' journeys (issue 9): one with a NINO and
Self Assessment signs up in the pages; one without Self Assessment must register first; one
made with ``mtd-income-tax`` is already signed up and opts out."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from support.emulator import EmulatorHarness, csrf_token
from support.sign_up import submit


def _app_token(emulator: EmulatorHarness) -> str:
    created = emulator.application(rate_limit_per_second=1000)
    response = emulator.client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": created.application.client_id,
            "client_secret": created.client_secret,
        },
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _test_user(emulator: EmulatorHarness, services: list[str]) -> dict[str, Any]:
    response = emulator.client.post(
        "/create-test-user/individuals",
        json={"serviceNames": services},
        headers={
            "Accept": "application/vnd.hmrc.1.0+json",
            "Authorization": f"Bearer {_app_token(emulator)}",
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _sign_in(client: TestClient, user: dict[str, Any]) -> None:
    token = csrf_token(client.get("/gg/sign-in").text)
    response = client.post(
        "/gg/sign-in",
        data={"csrf_token": token, "user_id": user["userId"], "password": user["password"]},
    )
    assert response.status_code == 303, response.text


def test_a_test_user_with_self_assessment_signs_up(emulator: EmulatorHarness) -> None:
    user = _test_user(emulator, ["national-insurance", "self-assessment"])
    client = emulator.new_client()
    _sign_in(client, user)
    assert client.get("/signup/begin").headers["location"] == "/signup/tax-year"
    submit(client, "/signup/tax-year", {"tax_year": "next"})
    submit(client, "/signup/property/foreign", {"start_choice": "before"})
    submit(client, "/signup/income-sources")
    submit(client, "/signup/paperless", {"paperless": "yes"})
    assert submit(client, "/signup/check-your-answers").headers["location"] == (
        "/signup/confirmation"
    )
    with emulator.services.store.transaction() as tx:
        subscription = tx.subscriptions.for_nino(user["nino"])
        assert subscription is not None
        assert subscription.utr == user["saUtr"]
        statuses = tx.itsa_statuses.for_nino(user["nino"])
    assert [(s.tax_year, s.status) for s in statuses] == [("2027-28", "MTD Voluntary")]


def test_a_test_user_without_self_assessment_must_register_first(
    emulator: EmulatorHarness,
) -> None:
    user = _test_user(emulator, ["national-insurance"])
    client = emulator.new_client()
    _sign_in(client, user)
    assert "You need to register for Self Assessment" in client.get("/signup/begin").text


def test_a_test_user_signed_up_for_mtd_opts_out(emulator: EmulatorHarness) -> None:
    user = _test_user(emulator, ["self-assessment", "mtd-income-tax"])
    client = emulator.new_client()
    _sign_in(client, user)
    assert "You have already signed up" in client.get("/signup/begin").text
    submit(client, "/reporting-obligations/opt-out", {"tax_year": "2026-27"})
    done = submit(client, "/reporting-obligations/opt-out/check")
    assert "You have opted out of quarterly reporting" in done.text
    assert "Manage your reporting obligations" in client.get("/signup/begin").text
