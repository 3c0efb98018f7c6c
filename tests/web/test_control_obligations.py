"""The control API's ``POST /emulator/obligations/{nino}/fulfil``: its answers (a quarterly
update for one business or every one with the period, a final declaration, the received date
given or today, recorded again) and every refusal (the control envelope, nothing kept). The
clock is pinned at 2026-11-26."""

from __future__ import annotations

from typing import Any

import pytest

from support.emulator import EmulatorHarness
from support.mtd_api import NINO, World, make_world

PATH = f"/emulator/obligations/{NINO}/fulfil"
IE = f"/obligations/details/{NINO}/income-and-expenditure"
SE_ID = "XAIS00000000001"
PROPERTY_ID = "XBIS00000000002"
Q1 = {"periodStartDate": "2026-04-06", "periodEndDate": "2026-07-05"}
Q2 = {"periodStartDate": "2026-04-06", "periodEndDate": "2026-10-05"}


@pytest.fixture
def world(emulator: EmulatorHarness) -> World:
    world = make_world(emulator)
    world.status("2025-26", "MTD Voluntary")
    world.signed_up_business(SE_ID)
    world.signed_up_business(PROPERTY_ID, "uk-property")
    return world


def post(world: World, body: object, nino: str = NINO) -> Any:
    return world.emulator.client.post(f"/emulator/obligations/{nino}/fulfil", json=body)


def kept(world: World) -> list[Any]:
    with world.emulator.services.store.transaction() as tx:
        return tx.fulfilled_updates.for_nino(NINO)


def detail(end: str, due: str, received: str) -> dict[str, str]:
    return {
        "periodStartDate": "2026-04-06",
        "periodEndDate": end,
        "dueDate": due,
        "status": "fulfilled",
        "receivedDate": received,
    }


def test_a_quarterly_update_for_one_business(world: World) -> None:
    answer = post(world, {"businessId": SE_ID, **Q1, "receivedDate": "2026-08-01"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    assert answer.json() == {
        "nino": NINO,
        "obligations": [
            {
                "typeOfBusiness": "self-employment",
                "businessId": SE_ID,
                "obligationDetails": [detail("2026-07-05", "2026-08-07", "2026-08-01")],
            }
        ],
    }
    assert [(u.business_id, str(u.period_end), str(u.received_on)) for u in kept(world)] == [
        (SE_ID, "2026-07-05", "2026-08-01")
    ]


def test_without_a_business_every_one_with_the_period_today(world: World) -> None:
    answer = post(world, Q2)
    assert answer.status_code == 200, answer.text
    fulfilled = detail("2026-10-05", "2026-11-07", "2026-11-26")
    assert answer.json()["obligations"] == [
        {
            "typeOfBusiness": "self-employment",
            "businessId": SE_ID,
            "obligationDetails": [fulfilled],
        },
        {
            "typeOfBusiness": "uk-property",
            "businessId": PROPERTY_ID,
            "obligationDetails": [fulfilled],
        },
    ]
    # The API reads both, and Q1 as covered by the cumulative Q2 update.
    token = world.token()
    read = world.get(IE, "3.0", token=token, params={"status": "fulfilled", **_2026()})
    assert [len(b["obligationDetails"]) for b in read.json()["obligations"]] == [2, 2]


def _2026() -> dict[str, str]:
    return {"fromDate": "2026-04-06", "toDate": "2027-04-05"}


def test_recording_again_replaces_the_date(world: World) -> None:
    assert post(world, {"businessId": SE_ID, **Q1, "receivedDate": "2026-08-01"}).status_code == 200
    again = post(world, {"businessId": SE_ID, **Q1, "receivedDate": "2026-09-01"})
    assert again.json()["obligations"][0]["obligationDetails"][0]["receivedDate"] == "2026-09-01"
    assert len(kept(world)) == 1


def test_a_test_businesss_period_of_any_application(world: World) -> None:
    other_vendor = world.emulator.application(rate_limit_per_second=1000)
    test_id = world.test_business({"typeOfBusiness": "foreign-property"}, created=other_vendor)
    answer = post(world, {"businessId": test_id, **Q1})
    assert answer.status_code == 200, answer.text
    assert answer.json()["obligations"][0]["businessId"] == test_id


def test_the_final_declaration(world: World) -> None:
    answer = post(world, {"taxYear": "2025-26", "receivedDate": "2026-05-01"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "nino": NINO,
        "obligations": [
            {
                "periodStartDate": "2025-04-06",
                "periodEndDate": "2026-04-05",
                "dueDate": "2027-01-31",
                "status": "fulfilled",
                "receivedDate": "2026-05-01",
            }
        ],
    }
    assert [(u.business_id, str(u.period_start)) for u in kept(world)] == [(None, "2025-04-06")]
    today = post(world, {"taxYear": "2025-26"})
    assert today.json()["obligations"][0]["receivedDate"] == "2026-11-26"  # replaced: today


FIELD_FAULTS = [
    ({}, "FORMAT_VALUE", ""),
    ({**Q1, "taxYear": "2025-26"}, "FORMAT_VALUE", ""),
    ({"receivedDate": "2026-08-01"}, "FORMAT_VALUE", ""),
    ({"taxYear": "2025-26", "businessId": SE_ID}, "FORMAT_VALUE", "/businessId"),
    ({"periodStartDate": "2026-04-06"}, "FORMAT_FIELD_MISSING", "/periodEndDate"),
    ({"periodEndDate": "2026-07-05"}, "FORMAT_FIELD_MISSING", "/periodStartDate"),
    ({**Q1, "extra": 1}, "FORMAT_FIELD_UNKNOWN", "/extra"),
    ({**Q1, "businessId": 7}, "FORMAT_FIELD_TYPE", "/businessId"),
    ({**Q1, "businessId": "XAIS0000000000"}, "FORMAT_BUSINESS_ID", "/businessId"),
    ({"periodStartDate": "2026-04-06", "periodEndDate": "5 July"}, "FORMAT_DATE", "/periodEndDate"),
    (
        {"periodStartDate": "2026-4-6", "periodEndDate": "2026-07-05"},
        "FORMAT_DATE",
        "/periodStartDate",
    ),
    ({**Q1, "receivedDate": "2026-02-30"}, "FORMAT_DATE", "/receivedDate"),
    ({**Q1, "receivedDate": "2026-07-05"}, "RULE_RECEIVED_DATE", "/receivedDate"),
    ({**Q1, "receivedDate": "2026-11-27"}, "RULE_RECEIVED_DATE", "/receivedDate"),
    ({"taxYear": "2025"}, "FORMAT_TAX_YEAR", "/taxYear"),
    ({"taxYear": "2025-27"}, "RULE_TAX_YEAR_RANGE_INVALID", "/taxYear"),
    ({"taxYear": "2025-26", "receivedDate": "2026-04-05"}, "RULE_RECEIVED_DATE", "/receivedDate"),
]


@pytest.mark.parametrize(("body", "code", "where"), FIELD_FAULTS)
def test_a_faulty_body_is_refused_and_nothing_kept(
    world: World, body: dict[str, Any], code: str, where: str
) -> None:
    answer = post(world, body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == "INVALID_REQUEST"
    assert [(e["code"], e["path"]) for e in answer.json()["errors"]] == [(code, where)]
    assert kept(world) == []


@pytest.mark.parametrize(
    ("nino", "body", "status", "code"),
    [
        ("NOT-A-NINO", Q1, 400, "FORMAT_NINO"),
        (
            NINO,
            {"periodStartDate": "2026-04-06", "periodEndDate": "2027-01-05"},
            400,
            "RULE_PERIOD_NOT_ENDED",
        ),
        (NINO, {"taxYear": "2026-27"}, 404, "OBLIGATION_NOT_FOUND"),  # 2026-27: no status, ...
        (NINO, {"taxYear": "2024-25"}, 404, "OBLIGATION_NOT_FOUND"),  # ... before the first one
        (
            NINO,
            {"periodStartDate": "2026-04-07", "periodEndDate": "2026-07-05"},
            404,
            "OBLIGATION_NOT_FOUND",
        ),
        (NINO, {**Q1, "businessId": "XAIS99999999999"}, 404, "OBLIGATION_NOT_FOUND"),
        ("AB123456C", Q1, 404, "OBLIGATION_NOT_FOUND"),
    ],
)
def test_what_the_customer_does_not_have_or_not_yet_is_refused(
    world: World, nino: str, body: dict[str, str], status: int, code: str
) -> None:
    if code == "OBLIGATION_NOT_FOUND" and body.get("taxYear") == "2026-27":
        world.status("2026-27", "Annual")  # opted out: no final declaration this year
    answer = post(world, body, nino)
    assert answer.status_code == status, answer.text
    assert answer.json()["code"] == code
    assert kept(world) == []


def test_an_empty_or_non_json_body_is_refused(world: World) -> None:
    client = world.emulator.client
    assert client.post(PATH, content=b"").json()["code"] == "INVALID_REQUEST"
    refused = client.post(PATH, content=b"{", headers={"Content-Type": "application/json"})
    assert refused.status_code == 400
    assert refused.json()["code"] == "INVALID_REQUEST"
    assert post(world, [Q1]).json()["errors"][0]["code"] == "FORMAT_FIELD_TYPE"
    assert kept(world) == []


def test_it_is_not_served_without_the_control_api(tmp_path: Any) -> None:
    from starlette.testclient import TestClient

    from openmtd.emulator.settings import EmulatorSettings, sqlite_url
    from openmtd.emulator.web.app import create_app
    from support.emulator import FAST_HASHING

    settings = EmulatorSettings(
        database_url=sqlite_url(tmp_path / "off.sqlite3"),
        password_hashing=FAST_HASHING,
        control_enabled=False,
    )
    app = create_app(settings)
    with TestClient(app) as client:
        assert client.post(PATH, json=Q1).status_code == 404
    app.state.services.store.close()
