"""The customer's position read through the SDK from the in-process emulator: the guidance,
this year's quarterly updates (one fulfilled) and final declaration, the income sources, and
the JSON the CLI and pages share, which never carries the raw status or reason."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest

from openmtd.app.services.position import read_position
from openmtd.rules.itsa_status import ItsaStatus, StatusReason
from openmtd.sdk._client import Client
from support.emulator import EmulatorHarness
from support.mtd_api import NINO, World, make_world
from support.sdk_client import ENVIRONMENT, Bearer
from support.sdk_oauth import PortalTransport

SE_ID = "XAIS00000000001"
TODAY = date(2026, 11, 26)
RAW_WORDS = [member.value for member in ItsaStatus] + [member.value for member in StatusReason]


@pytest.fixture
def world(emulator: EmulatorHarness) -> World:
    return make_world(emulator)


@pytest.fixture
def client(world: World) -> Iterator[Client]:
    transport = PortalTransport(world.emulator.app)
    with Client(ENVIRONMENT, auth=Bearer(world.token()), transport=transport) as made:
        yield made
    transport.shutdown()


def test_a_voluntary_sole_trader_with_one_update_sent(world: World, client: Client) -> None:
    world.subscription("2026-27")
    world.status("2026-27", "MTD Voluntary")
    world.status("2027-28", "MTD Mandated")
    world.signed_up_business(SE_ID)
    sent = world.emulator.client.post(
        f"/emulator/obligations/{NINO}/fulfil",
        json={
            "periodStartDate": "2026-04-06",
            "periodEndDate": "2026-07-05",
            "receivedDate": "2026-08-01",
        },
    )
    assert sent.status_code < 300, sent.text

    position = read_position(client, NINO, today=TODAY)

    assert position.signed_up
    assert [(s.kind, s.name, s.business_id) for s in position.income_sources] == [
        ("self-employment", "Ida's Plumbing", SE_ID)
    ]
    quarterly = [row for row in position.obligations if row.kind == "quarterly"]
    assert [row.due for row in quarterly] == [
        date(2026, 8, 7), date(2026, 11, 7), date(2027, 2, 7), date(2027, 5, 7)
    ]  # fmt: skip
    assert [row.state for row in quarterly] == ["fulfilled", "late", "open", "open"]
    assert quarterly[0].state_text == "sent 01 Aug 2026"
    assert quarterly[1].state_text == "late: send it now"
    assert quarterly[2].state_text == "to send"
    # Using MTD by choice: late quarterly updates bring no penalty points; the return does.
    assert not any(row.penalty_bearing for row in quarterly)
    final = [row for row in position.obligations if row.kind == "final-declaration"]
    assert [(row.due, row.penalty_bearing) for row in final] == [(date(2028, 1, 31), True)]
    assert position.obligations == tuple(sorted(position.obligations, key=lambda r: r.due))

    body = position.to_json()
    assert body["signedUp"] is True
    assert body["incomeSources"] == [
        {"kind": "self-employment", "name": "Ida's Plumbing", "businessId": SE_ID}
    ]
    assert body["obligations"][0]["received"] == "2026-08-01"
    assert body["obligations"][0]["kind"] == "quarterly"
    text = json.dumps(body)
    for word in RAW_WORDS:
        assert word not in text, word


def test_not_signed_up_reads_nothing_more(world: World) -> None:
    unenrolled = world.emulator.account(nino="AB123456C", enrolments=())
    transport = PortalTransport(world.emulator.app)
    token = world.token(account=unenrolled)
    with Client(ENVIRONMENT, auth=Bearer(token), transport=transport) as client:
        position = read_position(client, "AB123456C", today=TODAY)
    transport.shutdown()
    assert not position.signed_up
    assert position.obligations == ()
    assert position.income_sources == ()
    assert position.to_json()["signedUp"] is False


def test_signed_up_with_no_status_yet(world: World, client: Client) -> None:
    position = read_position(client, NINO, today=TODAY)
    assert position.signed_up
    assert position.income_sources == ()


def _voluntary_since_2025(world: World) -> None:
    world.subscription("2025-26")
    for year in ("2025-26", "2026-27", "2027-28"):
        world.status(year, "MTD Voluntary")
    world.signed_up_business(SE_ID)


def test_last_years_voluntary_year_can_be_opted_out_of_until_its_declaration(
    world: World, client: Client
) -> None:
    """Business rules §3.5: the previous year may be opted out of only while its final
    declaration has not been made; the position reads HMRC's obligation to know."""
    _voluntary_since_2025(world)
    before = read_position(client, NINO, today=TODAY)
    assert [str(year) for year in before.guidance.can_opt_out] == ["2025-26", "2026-27", "2027-28"]
    made = world.emulator.client.post(
        f"/emulator/obligations/{NINO}/fulfil",
        json={"taxYear": "2025-26", "receivedDate": "2026-10-01"},
    )
    assert made.status_code < 300, made.text
    after = read_position(client, NINO, today=TODAY)
    assert [str(year) for year in after.guidance.can_opt_out] == ["2026-27", "2027-28"]
    assert "2025-26" not in {str(deadline.tax_year) for deadline in after.guidance.deadlines}
