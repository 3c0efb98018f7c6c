"""Manage your reporting obligations, in process: opt out and opt in offer exactly the years
openmtd.rules.opt_out allows, state the consequences, and record HMRC's statuses and reasons,
readable at once (business rules §3.5, §3.6)."""

from __future__ import annotations

from typing import Any

from openmtd.emulator.storage import AffinityGroup, Enrolment
from openmtd.emulator.web.routes.reporting import Subject, reporting_router
from support.emulator import EmulatorHarness, csrf_token
from support.sign_up import NINO, UTR, add_status, person, sign_in, submit

MTD = Enrolment("HMRC-MTD-IT", "MTDITID", "XAIT00000000001")
BASE = "/reporting-obligations"


def _signed_up(emulator: EmulatorHarness, *statuses: tuple[str, str]) -> Any:
    account = person(emulator, enrolments=(Enrolment("IR-SA", "UTR", UTR), MTD))
    for year, status in statuses:
        add_status(emulator, year, status, "Sign up - no return available")
    sign_in(emulator.client, account)
    return account


def _latest(emulator: EmulatorHarness) -> dict[str, tuple[str, str]]:
    with emulator.services.store.transaction() as tx:
        records = tx.itsa_statuses.for_nino(NINO)
    return {record.tax_year: (record.status, record.status_reason) for record in records}


def _choices(html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split('name="tax_year" value="')[1:]]


def test_the_pages_need_sign_in_and_come_back(emulator: EmulatorHarness) -> None:
    account = person(emulator, enrolments=(Enrolment("IR-SA", "UTR", UTR), MTD))
    assert emulator.client.get(BASE).headers["location"] == "/gg/sign-in"
    assert sign_in(emulator.client, account).headers["location"] == BASE


def test_someone_not_signed_up_is_sent_to_sign_up(emulator: EmulatorHarness) -> None:
    sign_in(emulator.client, person(emulator))
    page = emulator.client.get(BASE)
    assert page.status_code == 403
    assert 'href="/signup"' in page.text


def test_a_voluntary_customer_opts_out_of_this_year(emulator: EmulatorHarness) -> None:
    _signed_up(emulator, ("2026-27", "MTD Voluntary"))
    overview = emulator.client.get(BASE).text
    assert "6 April 2026 to 5 April 2027" in overview
    assert "You report quarterly" in overview
    assert 'id="opt-out"' in overview
    assert 'id="opt-in"' not in overview
    choose = emulator.client.get(f"{BASE}/opt-out").text
    assert _choices(choose) == ["2026-27", "2027-28"]
    assert "will be deleted" in choose
    assert "31 January 2028" in choose
    refused = submit(emulator.client, f"{BASE}/opt-out", {"tax_year": "2025-26"})
    assert refused.status_code == 400
    assert "Select a tax year" in refused.text
    chosen = submit(emulator.client, f"{BASE}/opt-out", {"tax_year": "2026-27"})
    assert chosen.headers["location"] == f"{BASE}/opt-out/check"
    check = emulator.client.get(f"{BASE}/opt-out/check").text
    assert "6 April 2026 to 5 April 2027" in check
    # A next year with no status of its own inherits the change: it is not written.
    assert "6 April 2027 to 5 April 2028" not in check
    done = submit(emulator.client, f"{BASE}/opt-out/check")
    assert done.status_code == 200
    assert "You have opted out of quarterly reporting" in done.text
    assert _latest(emulator) == {"2026-27": ("Annual", "MTD ITSA Opt-Out")}
    overview = emulator.client.get(BASE).text
    assert "You report annually" in overview
    assert 'id="opt-in"' in overview
    # Confirming again without choosing goes back to the choice.
    assert emulator.client.get(f"{BASE}/opt-out/check").headers["location"] == f"{BASE}/opt-out"


def test_opting_out_from_last_year_carries_through_later_voluntary_years(
    emulator: EmulatorHarness,
) -> None:
    _signed_up(
        emulator,
        ("2025-26", "MTD Voluntary"),
        ("2026-27", "MTD Voluntary"),
        ("2027-28", "MTD Voluntary"),
    )
    assert _choices(emulator.client.get(f"{BASE}/opt-out").text) == [
        "2025-26",
        "2026-27",
        "2027-28",
    ]
    submit(emulator.client, f"{BASE}/opt-out", {"tax_year": "2025-26"})
    submit(emulator.client, f"{BASE}/opt-out/check")
    assert _latest(emulator) == dict.fromkeys(
        ("2025-26", "2026-27", "2027-28"), ("Annual", "MTD ITSA Opt-Out")
    )


def test_a_crystallised_last_year_is_not_offered(emulator: EmulatorHarness) -> None:
    _signed_up(emulator, ("2025-26", "MTD Voluntary"), ("2026-27", "MTD Voluntary"))
    assert emulator.client.post(f"/emulator/returns/{NINO}/2025-26", json={}).status_code == 201
    assert _choices(emulator.client.get(f"{BASE}/opt-out").text) == ["2026-27", "2027-28"]


def test_a_mandated_customer_cannot_opt_out(emulator: EmulatorHarness) -> None:
    _signed_up(emulator, ("2026-27", "MTD Mandated"), ("2027-28", "MTD Mandated"))
    overview = emulator.client.get(BASE).text
    assert 'id="opt-out"' not in overview
    assert "There is nothing you can change" in overview
    page = emulator.client.get(f"{BASE}/opt-out")
    assert page.status_code == 409
    token = csrf_token(overview)
    refused = emulator.client.post(
        f"{BASE}/opt-out", data={"csrf_token": token, "tax_year": "2026-27"}
    )
    assert refused.status_code == 409
    assert _latest(emulator) == {
        "2026-27": ("MTD Mandated", "Sign up - no return available"),
        "2027-28": ("MTD Mandated", "Sign up - no return available"),
    }


def test_an_opted_out_customer_opts_back_in(emulator: EmulatorHarness) -> None:
    _signed_up(emulator, ("2026-27", "Annual"))
    choose = emulator.client.get(f"{BASE}/opt-in").text
    assert _choices(choose) == ["2026-27", "2027-28"]
    assert "missed for the year so far" in choose
    submit(emulator.client, f"{BASE}/opt-in", {"tax_year": "2027-28"})
    done = submit(emulator.client, f"{BASE}/opt-in/check")
    assert "You have signed up to report quarterly" in done.text
    assert _latest(emulator) == {
        "2026-27": ("Annual", "Sign up - no return available"),
        "2027-28": ("MTD Voluntary", "MTD ITSA Opt-In"),
    }


def test_a_choice_no_longer_allowed_is_not_recorded(emulator: EmulatorHarness) -> None:
    _signed_up(emulator, ("2026-27", "MTD Voluntary"))
    submit(emulator.client, f"{BASE}/opt-out", {"tax_year": "2026-27"})
    emulator.advance(1)
    add_status(emulator, "2026-27", "MTD Mandated", "CESA SA return")
    token = csrf_token(emulator.client.get(BASE).text)
    answer = emulator.client.post(f"{BASE}/opt-out/check", data={"csrf_token": token})
    assert answer.headers["location"] == f"{BASE}/opt-out"
    assert _latest(emulator)["2026-27"] == ("MTD Mandated", "CESA SA return")


def test_an_unknown_action_is_not_found(emulator: EmulatorHarness) -> None:
    _signed_up(emulator, ("2026-27", "MTD Voluntary"))
    assert emulator.client.get(f"{BASE}/opt-sideways").status_code == 404
    assert emulator.client.get(f"{BASE}/opt-sideways/check").status_code == 404


def test_its_forms_need_the_sessions_csrf_token(emulator: EmulatorHarness) -> None:
    _signed_up(emulator, ("2026-27", "MTD Voluntary"))
    submit(emulator.client, f"{BASE}/opt-out", {"tax_year": "2026-27"})
    for path, fields in (
        (f"{BASE}/opt-out", {"tax_year": "2026-27"}),
        (f"{BASE}/opt-out/check", {}),
        (f"{BASE}/opt-in/check", {}),
    ):
        answer = emulator.client.post(path, data={"csrf_token": "nope", **fields})
        assert answer.status_code == 403, path
    assert _latest(emulator) == {"2026-27": ("MTD Voluntary", "Sign up - no return available")}


def test_the_pages_can_be_mounted_for_someone_acting_for_a_client(
    emulator: EmulatorHarness,
) -> None:
    """The agent's pages reuse the router with their own resolver (here: a fixed client)."""
    emulator.app.include_router(
        reporting_router("/test-agent/client", lambda _ctx, _prefix: Subject(NINO, agent=True))
    )
    add_status(emulator, "2026-27", "MTD Voluntary", "Sign up - no return available")
    emulator.account(
        affinity_group=AffinityGroup.AGENT,
        confidence_level=50,
        enrolments=(Enrolment("HMRC-AS-AGENT", "AgentReferenceNumber", "TARN0000001"),),
    )
    overview = emulator.client.get("/test-agent/client").text
    assert "Your client&#39;s reporting obligations" in overview
    assert "Your client reports quarterly" in overview
    choose = emulator.client.get("/test-agent/client/opt-out").text
    assert "quarterly updates your client has already sent" in choose
    submit(emulator.client, "/test-agent/client/opt-out", {"tax_year": "2026-27"})
    submit(emulator.client, "/test-agent/client/opt-out/check")
    assert _latest(emulator) == {"2026-27": ("Annual", "MTD ITSA Opt-Out")}
