"""The control API's annual review at scale, in process: returns with their incomes
(``POST /emulator/returns/{nino}/{taxYear}``), the review (``POST /emulator/annual-review/
{taxYear}``), whose records Retrieve ITSA Status shows at once, and a synthetic population
(``POST /emulator/population``); every refusal in the control envelope, nothing written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from openmtd.emulator import population
from openmtd.emulator.adapters.db.tables import Base
from openmtd.emulator.sign_up.facts import returns_on_file
from openmtd.emulator.storage import Subscription
from openmtd.rules.tax_year import TaxYear
from support.emulator import START, EmulatorHarness
from support.mtd_api import NINO, make_world

RETURNS = f"/emulator/returns/{NINO}"


def _rows(emulator: EmulatorHarness) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows (but the clock's), to show a refusal wrote nothing."""
    engine = sa.create_engine(emulator.settings.database_url)
    try:
        with engine.connect() as connection:
            return {
                table.name: sorted(map(tuple, connection.execute(sa.select(table))), key=repr)
                for table in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


# --- returns with their incomes ----------------------------------------------------------------
def test_a_return_keeps_its_incomes_and_their_qualifying_income(
    emulator: EmulatorHarness,
) -> None:
    answer = emulator.client.post(
        f"{RETURNS}/2024-25",
        json={
            "selfEmploymentTurnover": 30000.5,
            "ukPropertyIncome": 12000,
            "foreignPropertyIncome": 7999.49,
            "filedOn": "2026-01-31",
        },
    )

    assert answer.status_code == 201
    assert answer.json() == {
        "nino": NINO,
        "taxYear": "2024-25",
        "filedOn": "2026-01-31",
        "selfEmploymentTurnover": 30000.5,
        "ukPropertyIncome": 12000,
        "foreignPropertyIncome": 7999.49,
        "qualifyingIncome": 49999.99,
    }
    with emulator.services.store.transaction() as tx:
        (held,) = tx.returns.for_nino(NINO)
        # Sign-up's "return available" and opt-out's crystallised year read the same return.
        assert returns_on_file(tx, NINO) == frozenset({TaxYear(2024)})
    assert held.filed_on == date(2026, 1, 31)
    assert (
        held.self_employment_turnover,
        held.uk_property_income,
        held.foreign_property_income,
        held.qualifying_income,
    ) == (Decimal("30000.50"), Decimal(12000), Decimal("7999.49"), Decimal("49999.99"))


def test_incomes_left_out_are_none_and_a_return_again_replaces_them(
    emulator: EmulatorHarness,
) -> None:
    emulator.client.post(f"{RETURNS}/2024-25", json={"ukPropertyIncome": 60000})
    again = emulator.client.post(f"{RETURNS}/2024-25", json={"selfEmploymentTurnover": 100})

    assert again.json()["ukPropertyIncome"] == 0
    assert again.json()["qualifyingIncome"] == 100
    with emulator.services.store.transaction() as tx:
        (held,) = tx.returns.for_nino(NINO)
    assert held.qualifying_income == Decimal(100)


@pytest.mark.parametrize(
    ("body", "code", "path"),
    [
        ({"selfEmploymentTurnover": "30000"}, "FORMAT_FIELD_TYPE", "/selfEmploymentTurnover"),
        ({"ukPropertyIncome": True}, "FORMAT_FIELD_TYPE", "/ukPropertyIncome"),
        ({"selfEmploymentTurnover": -0.01}, "FORMAT_INCOME", "/selfEmploymentTurnover"),
        ({"ukPropertyIncome": 10.001}, "FORMAT_INCOME", "/ukPropertyIncome"),
        ({"ukPropertyIncome": 1e20}, "FORMAT_INCOME", "/ukPropertyIncome"),
        ({"foreignPropertyIncome": 100000000000}, "FORMAT_INCOME", "/foreignPropertyIncome"),
        (
            {"selfEmploymentTurnover": 99999999999.99, "ukPropertyIncome": 0.01},
            "RULE_QUALIFYING_INCOME",
            "",
        ),
        ({"turnover": 1}, "FORMAT_FIELD_UNKNOWN", "/turnover"),
    ],
)
def test_a_return_with_bad_incomes_is_refused_and_nothing_kept(
    emulator: EmulatorHarness, body: dict[str, Any], code: str, path: str
) -> None:
    before = _rows(emulator)
    answer = emulator.client.post(f"{RETURNS}/2024-25", json=body)

    assert answer.status_code == 400
    assert answer.json()["code"] == "INVALID_REQUEST"
    assert {"code": code, "path": path} in [
        {"code": error["code"], "path": error["path"]} for error in answer.json()["errors"]
    ]
    assert _rows(emulator) == before


def test_each_bad_income_is_named(emulator: EmulatorHarness) -> None:
    answer = emulator.client.post(
        f"{RETURNS}/2024-25",
        json={"selfEmploymentTurnover": "x", "ukPropertyIncome": -1, "foreignPropertyIncome": 1},
    )

    assert [error["path"] for error in answer.json()["errors"]] == [
        "/selfEmploymentTurnover",
        "/ukPropertyIncome",
    ]
    assert "from 0 to 99999999999.99" in answer.json()["errors"][1]["message"]


# --- the review ----------------------------------------------------------------------------------
def test_the_review_writes_records_retrieve_itsa_status_shows_at_once(
    emulator: EmulatorHarness,
) -> None:
    world = make_world(emulator)
    world.status("2026-27", "MTD Voluntary")
    emulator.client.post(f"{RETURNS}/2025-26", json={"selfEmploymentTurnover": 30000.01})
    emulator.client.post("/emulator/returns/AB123456C/2025-26", json={"ukPropertyIncome": 5})

    answer = emulator.client.post("/emulator/annual-review/2027-28")

    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    assert answer.json() == {
        "taxYear": "2027-28",
        "reviewed": 2,
        "statusCounts": {
            "MTD Mandated": 1,
            "MTD Voluntary": 0,
            "Annual": 1,
            "Digitally Exempt": 0,
            "Dormant": 0,
            "MTD Exempt": 0,
        },
        "recorded": 2,
        "undecided": 0,
    }
    read = world.get(
        f"/individuals/person/itsa-status/{NINO}/2027-28", "2.0", params={"history": "true"}
    )
    assert read.status_code == 200, read.text
    (year,) = read.json()["itsaStatuses"]
    assert year["taxYear"] == "2027-28"
    assert year["itsaStatusDetails"] == [
        {
            "submittedOn": "2026-11-26T10:00:00.000Z",
            "status": "MTD Mandated",
            "statusReason": "CESA SA return",
            "businessIncome2YearsPrior": 30000.01,
        }
    ]


def test_running_the_review_again_changes_nothing(emulator: EmulatorHarness) -> None:
    emulator.client.post(f"{RETURNS}/2025-26", json={"selfEmploymentTurnover": 1000})
    first = emulator.client.post("/emulator/annual-review/2027-28", json={})
    before = _rows(emulator)
    emulator.advance(3600)

    second = emulator.client.post("/emulator/annual-review/2027-28", content=b"  ")

    assert first.json()["recorded"] == 1
    assert second.json() == {**first.json(), "recorded": 0}
    assert _rows(emulator) == before


@pytest.mark.parametrize(
    ("year", "body", "code"),
    [
        ("2027", None, "FORMAT_TAX_YEAR"),
        ("2027-29", None, "RULE_TAX_YEAR_RANGE_INVALID"),
        ("2027-28", {"taxYear": "2027-28"}, "INVALID_REQUEST"),
        ("2027-28", [], "INVALID_REQUEST"),
    ],
)
def test_a_bad_review_request_is_refused_and_nothing_written(
    emulator: EmulatorHarness, year: str, body: object, code: str
) -> None:
    emulator.client.post(f"{RETURNS}/2025-26", json={"selfEmploymentTurnover": 1000})
    before = _rows(emulator)

    answer = emulator.client.post(f"/emulator/annual-review/{year}", json=body)

    assert answer.status_code == 400
    assert answer.json()["code"] == code
    assert _rows(emulator) == before


# --- a synthetic population ----------------------------------------------------------------------
def test_a_population_is_made_and_the_same_seed_makes_the_same_one(
    emulator: EmulatorHarness,
) -> None:
    made = emulator.client.post("/emulator/population", json={"count": 300, "seed": 42})
    first = _rows(emulator)
    emulator.client.post("/emulator/reset")
    again = emulator.client.post("/emulator/population", json={"count": 300, "seed": 42})

    assert made.status_code == 201
    body = made.json()
    assert body["count"] == 300
    assert body["seed"] == 42
    assert body["firstNino"].endswith("000000" + body["firstNino"][-1])
    assert body["returns"] == len(first["sa_returns_on_file"])
    assert body["signedUp"] == len(first["itsa_subscriptions"]) > 0
    assert body["statuses"] == len(first["itsa_statuses"]) > 0
    assert body["relationships"] == len(first["agent_relationships"]) > 0
    assert body["agents"] == 2
    assert first["gg_accounts"] == []
    assert again.json() == body
    assert _rows(emulator) == first


def test_a_population_where_customers_are_already_is_refused(emulator: EmulatorHarness) -> None:
    emulator.client.post("/emulator/population", json={"count": 10, "seed": 7})
    before = _rows(emulator)

    answer = emulator.client.post("/emulator/population", json={"count": 10, "seed": 7})

    assert answer.status_code == 409
    assert answer.json()["code"] == "POPULATION_OVERLAPS"
    assert _rows(emulator) == before
    other = emulator.client.post("/emulator/population", json={"count": 10, "seed": 8})
    assert other.status_code == 201


@pytest.mark.parametrize(
    ("body", "inner"),
    [
        ({"count": 0, "seed": 1}, "FORMAT_VALUE"),
        ({"count": 2_000_001, "seed": 1}, "FORMAT_VALUE"),
        ({"count": 10, "seed": -1}, "FORMAT_VALUE"),
        ({"count": "10", "seed": 1}, "FORMAT_FIELD_TYPE"),
        ({"count": 10.0, "seed": 1}, "FORMAT_FIELD_TYPE"),
        ({"count": 10}, "FORMAT_FIELD_MISSING"),
        ({"count": 10, "seed": 1, "size": 2}, "FORMAT_FIELD_UNKNOWN"),
    ],
)
def test_a_bad_population_request_is_refused_and_nothing_written(
    emulator: EmulatorHarness, body: dict[str, Any], inner: str
) -> None:
    before = _rows(emulator)

    answer = emulator.client.post("/emulator/population", json=body)

    assert answer.status_code == 400
    assert inner in {error["code"] for error in answer.json()["errors"]}
    assert _rows(emulator) == before
    assert emulator.client.post("/emulator/population").status_code == 400


def test_a_population_whose_mtditid_is_taken_is_refused(emulator: EmulatorHarness) -> None:
    taken = next(
        batch.subscriptions[0][1]
        for batch in population.batches(50, 5, emulator.now())
        if batch.subscriptions
    )
    with emulator.services.store.transaction() as tx:
        tx.subscriptions.add(Subscription("AB123456C", taken, "1000057161", "2026-27", START))
    before = _rows(emulator)

    answer = emulator.client.post("/emulator/population", json={"count": 50, "seed": 5})

    assert answer.status_code == 409
    assert answer.json()["code"] == "POPULATION_OVERLAPS"
    assert _rows(emulator) == before
