"""The Retrieve ITSA Status service's pure parts: validation, year selection and wire values."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmtd.emulator.apis import itsa_status
from openmtd.emulator.apis.itsa_status import (
    Query,
    parse_flag,
    select_years,
    status_details,
    statuses,
    validate,
    wire_instant,
    wire_money,
)
from openmtd.emulator.platform.errors import ApiError
from openmtd.emulator.storage import StoredStatus
from openmtd.rules.tax_year import TaxYear

NINO = "AA123456A"
AT = datetime(2025, 5, 23, 12, 29, 27, 566000, tzinfo=UTC)


def stored(tax_year: str, at: datetime = AT, status: str = "Annual") -> StoredStatus:
    return StoredStatus(NINO, tax_year, at, status, "CESA SA return", None)


def test_the_endpoint_is_declared_as_hmrc_publishes_it() -> None:
    endpoint = itsa_status.ENDPOINT
    assert endpoint.api == "self-assessment-individual-details"
    assert endpoint.versions == frozenset({"2.0"})
    assert endpoint.access.value == "user-restricted"
    assert endpoint.scope == "read:self-assessment"
    assert endpoint.fraud_headers


def test_the_default_example_serialises_as_hmrcs_example() -> None:
    text = json.dumps(itsa_status.default_example(), separators=(",", ":"))
    assert text.endswith('"businessIncome2YearsPrior":99999999999.99}]}]}')
    assert itsa_status.default_example() is not itsa_status.default_example()


@pytest.mark.parametrize(
    ("text", "expected"),
    [(None, False), ("true", True), ("false", False), ("True", None), ("", None), ("1", None)],
)
def test_parse_flag(text: str | None, expected: bool | None) -> None:
    assert parse_flag(text) is expected


def test_validate_returns_the_query() -> None:
    assert validate("2025-26", "true", None) == Query(TaxYear(2025), True, False)


def test_validate_wraps_several_failures_sorted() -> None:
    with pytest.raises(ApiError) as caught:
        validate("2025-27", "no", "no")
    assert caught.value.body() == {
        "code": "INVALID_REQUEST",
        "message": "Invalid request",
        "errors": [
            {
                "code": "FORMAT_FUTURE_YEARS",
                "message": "The provided futureYears value should be true or false",
            },
            {
                "code": "FORMAT_HISTORY",
                "message": "The provided history value should be true or false",
            },
            {
                "code": "RULE_TAX_YEAR_RANGE_INVALID",
                "message": "A tax year range of one year is required",
            },
        ],
    }


def test_select_years_without_future_years_is_the_requested_year_or_404() -> None:
    held = {TaxYear(2024): 1, TaxYear(2025): 1, TaxYear(2026): 1}
    assert select_years(held, Query(TaxYear(2025), False, False)) == [TaxYear(2025)]
    with pytest.raises(ApiError) as caught:
        select_years({TaxYear(2026): 1}, Query(TaxYear(2025), False, False))
    assert caught.value.code == "MATCHING_RESOURCE_NOT_FOUND"


def test_select_years_with_future_years_is_every_later_year_held() -> None:
    held = {TaxYear(2027): 1, TaxYear(2023): 1, TaxYear(2026): 1}
    query = Query(TaxYear(2025), True, False)
    assert select_years(held, query) == [TaxYear(2026), TaxYear(2027)]
    with pytest.raises(ApiError):
        select_years({TaxYear(2023): 1}, query)


def test_statuses_picks_the_latest_by_submitted_on_unless_history() -> None:
    records = [
        stored("2025-26", AT + timedelta(days=1), "MTD Voluntary"),
        stored("2025-26", AT, "No Status"),
    ]
    latest = statuses(records, Query(TaxYear(2025), False, False))
    assert [d["status"] for d in latest[0]["itsaStatusDetails"]] == ["MTD Voluntary"]
    everything = statuses(records, Query(TaxYear(2025), False, True))
    assert [d["status"] for d in everything[0]["itsaStatusDetails"]] == [
        "No Status",
        "MTD Voluntary",
    ]


def test_a_record_the_v2_enums_cannot_express_is_a_500() -> None:
    for bad in (
        stored("2025-26", status="Mandated"),
        StoredStatus(NINO, "2025-26", AT, "Annual", "Because"),
        StoredStatus(NINO, "2025-26", AT, "Annual", "Complex", Decimal("NaN")),
    ):
        with pytest.raises(ApiError) as caught:
            status_details(bad)
        assert caught.value.status_code == 500
    with pytest.raises(ApiError):
        statuses([stored("25-26")], Query(TaxYear(2025), False, False))


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2023, 5, 23, 12, 29, 27, 566000, tzinfo=UTC), "2023-05-23T12:29:27.566Z"),
        (datetime(2023, 5, 23, 12, 29, 27, tzinfo=UTC), "2023-05-23T12:29:27.000Z"),
        (datetime(2023, 5, 23, 12, 29, 27, 999999, tzinfo=UTC), "2023-05-23T12:29:27.999Z"),
        (
            datetime(2023, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))),
            "2022-12-31T23:30:00.000Z",
        ),
        (datetime(2023, 5, 23, 12, 29, 27, 1000), "2023-05-23T12:29:27.001Z"),
    ],
)
def test_wire_instant(moment: datetime, expected: str) -> None:
    assert wire_instant(moment) == expected


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        ("23600.99", "23600.99"),
        ("23600.90", "23600.9"),
        ("100.00", "100"),
        ("0", "0"),
        ("0.01", "0.01"),
        ("99999999999.99", "99999999999.99"),
    ],
)
def test_wire_money_writes_as_play_json_does(amount: str, written: str) -> None:
    assert json.dumps(wire_money(Decimal(amount))) == written


@given(st.integers(min_value=0, max_value=9_999_999_999_999))
def test_wire_money_keeps_every_amount_exactly(pence: int) -> None:
    amount = Decimal(pence) / 100
    text = json.dumps(wire_money(amount))
    assert Decimal(text) == amount
    assert text == format(amount.normalize(), "f")


def test_wire_money_refuses_what_json_cannot_carry() -> None:
    with pytest.raises(ValueError, match="finite"):
        wire_money(Decimal("Infinity"))
