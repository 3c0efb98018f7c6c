"""Obligations (MTD) v3.0 in process (wire facts §5): the gateway, then HMRC's order of checks
(the NINO, the lookup and who may act, the query, the scenario), every query-parameter rule and
error, every scenario, and the obligations from state, their dates checked against
openmtd.rules.deadlines. The emulator's clock is pinned at 2026-11-26 (tax year 2026-27)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from openmtd.emulator.storage import Address
from openmtd.rules.deadlines import quarterly_periods, year_end_deadline
from openmtd.rules.tax_year import TaxYear
from support.emulator import EmulatorHarness
from support.mtd_api import (
    BAD_SCENARIO,
    FORMAT_NINO,
    NINO,
    NOT_AUTHORISED,
    NOT_ENROLLED,
    NOT_FOUND,
    World,
    assert_error,
    assert_invalid_request,
    assert_platform_headers,
    make_world,
    mtd_it,
)

V = "3.0"
IE = f"/obligations/details/{NINO}/income-and-expenditure"
FD = f"/obligations/details/{NINO}/crystallisation"
SE_ID = "XAIS00000000001"
PROPERTY_ID = "XBIS00000000002"
Y2025, Y2026, Y2027 = TaxYear(2025), TaxYear(2026), TaxYear(2027)
TODAY = date(2026, 11, 26)

FORMAT_TYPE_OF_BUSINESS = (
    400,
    "FORMAT_TYPE_OF_BUSINESS",
    "The provided typeOfBusiness field is invalid",
)
FORMAT_BUSINESS_ID = (400, "FORMAT_BUSINESS_ID", "The provided Business ID is invalid")
FORMAT_FROM_DATE = (400, "FORMAT_FROM_DATE", "The provided fromDate is invalid")
FORMAT_TO_DATE = (400, "FORMAT_TO_DATE", "The provided toDate is invalid")
FORMAT_STATUS = (400, "FORMAT_STATUS", "The provided status is invalid")
MISSING_FROM_DATE = (400, "MISSING_FROM_DATE", "The fromDate parameter is missing")
MISSING_TO_DATE = (400, "MISSING_TO_DATE", "The toDate parameter is missing")
RANGE_TO_DATE_BEFORE_FROM_DATE = (
    400,
    "RANGE_TO_DATE_BEFORE_FROM_DATE",
    "The toDate is before the fromDate",
)
MISSING_TYPE_OF_BUSINESS = (
    400,
    "MISSING_TYPE_OF_BUSINESS",
    "The typeOfBusiness parameter is required with a businessId",
)
RULE_DATE_RANGE_INVALID = (
    400,
    "RULE_DATE_RANGE_INVALID",
    "The fromDate and toDate are more than 366 days apart",
)
RULE_FROM_DATE_NOT_SUPPORTED = (
    400,
    "RULE_FROM_DATE_NOT_SUPPORTED",
    "The fromDate is before the earliest date supported",
)
RULE_INSOLVENT_TRADER = (400, "RULE_INSOLVENT_TRADER", "The trader is insolvent")
FORMAT_TAX_YEAR = (400, "FORMAT_TAX_YEAR", "The taxYear format is invalid")
RULE_TAX_YEAR_RANGE_INVALID = (
    400,
    "RULE_TAX_YEAR_RANGE_INVALID",
    "A tax year range of one year is required",
)
RULE_TAX_YEAR_NOT_SUPPORTED = (
    400,
    "RULE_TAX_YEAR_NOT_SUPPORTED",
    "The tax year is before the earliest tax year supported",
)
NO_OBLIGATIONS_FOUND = (404, "NO_OBLIGATIONS_FOUND", "No obligations found using this filter")
WHOLE_2026 = {"fromDate": "2026-04-06", "toDate": "2027-04-05"}


def detail(start: date, end: date, due: date, received: date | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "periodStartDate": start.isoformat(),
        "periodEndDate": end.isoformat(),
        "dueDate": due.isoformat(),
        "status": "open" if received is None else "fulfilled",
    }
    if received is not None:
        body["receivedDate"] = received.isoformat()
    return body


def quarters(year: TaxYear, received: dict[int, date] | None = None) -> list[dict[str, Any]]:
    """The year's four periods as the API answers them, from openmtd.rules.deadlines."""
    got = received or {}
    return [detail(p.start, p.end, p.due, got.get(p.number)) for p in quarterly_periods(year)]


def final(year: TaxYear, received: date | None = None) -> dict[str, Any]:
    return detail(year.start, year.end, year_end_deadline(year), received)


def business(
    business_id: str, details: list[dict[str, Any]], kind: str = "self-employment"
) -> dict[str, Any]:
    return {"typeOfBusiness": kind, "businessId": business_id, "obligationDetails": details}


@pytest.fixture
def world(emulator: EmulatorHarness) -> World:
    return make_world(emulator)


@pytest.fixture
def signed_up(world: World) -> World:
    """Signed up from 2026-27 (voluntary this year, mandated next) with a sole trader business."""
    world.subscription("2026-27")
    world.status("2026-27", "MTD Voluntary")
    world.status("2027-28", "MTD Mandated")
    world.signed_up_business(SE_ID)
    return world


def fulfil(world: World, body: dict[str, str]) -> None:
    response = world.emulator.client.post(f"/emulator/obligations/{NINO}/fulfil", json=body)
    assert response.status_code == 200, response.text


# --- the gateway ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [IE, FD])
def test_the_gateway_comes_first(world: World, url: str) -> None:
    client = world.emulator.client
    response = client.get(url, headers={"Accept": "application/json"})
    assert_error(
        response, (406, "ACCEPT_HEADER_INVALID", "The accept header is missing or invalid")
    )
    for version in ("1.0", "2.0"):
        response = client.get(url, headers={"Accept": f"application/vnd.hmrc.{version}+json"})
        assert_error(response, (404, "NOT_FOUND", "The requested resource could not be found"))
    response = client.get(url, headers={"Accept": "application/vnd.hmrc.3.0+json"})
    assert_error(
        response, (401, "MISSING_CREDENTIALS", "Authentication information is not provided")
    )
    token = world.token(scopes=("write:self-assessment",))
    assert_error(
        world.get(url, V, token=token),
        (
            403,
            "INVALID_SCOPE",
            "Can not access the required resource. Ensure this token has all the required scopes.",
        ),
    )
    unsubscribed = world.emulator.application(apis=["business-details"], rate_limit_per_second=1000)
    assert_error(
        world.get(url, V, token=world.token(created=unsubscribed)),
        (
            403,
            "RESOURCE_FORBIDDEN",
            "The application is not subscribed to the API which it is attempting to invoke",
        ),
    )


# --- 1: the NINO, the lookup and who may act --------------------------------------------------


@pytest.mark.parametrize("endpoint", ["income-and-expenditure", "crystallisation"])
def test_the_nino_and_the_lookup(emulator: EmulatorHarness, endpoint: str) -> None:
    world = make_world(emulator)
    url = f"/obligations/details/{{}}/{endpoint}"
    unenrolled = emulator.account(nino="AB123456C", email="sam@example.com")
    assert_error(world.get(url.format("AA12345"), V, params={"status": "bad"}), FORMAT_NINO)
    assert_error(world.get(url.format("AE123456C"), V), NOT_AUTHORISED)
    assert_error(world.get(url.format("AB123456C"), V, as_account=unenrolled), NOT_ENROLLED)


@pytest.mark.parametrize("agent_type", ["main", "supporting"])
def test_main_and_supporting_agents_may_read_both(signed_up: World, agent_type: str) -> None:
    agent = signed_up.agent()
    for url in (IE, FD):
        assert_error(signed_up.get(url, V, as_account=agent), NOT_AUTHORISED)
    signed_up.relationship(agent_type)
    for url in (IE, FD):
        assert signed_up.get(url, V, as_account=agent).status_code == 200


def test_another_customer_and_an_ended_relationship_may_not(signed_up: World) -> None:
    stranger = signed_up.emulator.account(
        nino="AE123456C", enrolments=(mtd_it("XAIT00000000002"),), email="sam@example.com"
    )
    agent = signed_up.agent()
    signed_up.relationship("main", ended=True)
    for url in (IE, FD):
        assert_error(signed_up.get(url, V, as_account=stranger), NOT_AUTHORISED)
        assert_error(signed_up.get(url, V, as_account=agent), NOT_AUTHORISED)


def test_who_may_act_comes_before_the_query_and_the_query_before_the_scenario(
    signed_up: World,
) -> None:
    stranger = signed_up.emulator.account(
        nino="AE123456C", enrolments=(mtd_it("XAIT00000000002"),), email="sam@example.com"
    )
    bad = {"status": "bad"}
    assert_error(signed_up.get(IE, V, as_account=stranger, params=bad), NOT_AUTHORISED)
    assert_error(signed_up.get(IE, V, params=bad, scenario="DEFAULT"), FORMAT_STATUS)
    assert_error(signed_up.get(FD, V, params=bad, scenario="NOPE"), FORMAT_STATUS)
    assert_error(signed_up.get(IE, V, scenario="NOPE"), BAD_SCENARIO)


# --- 2: income and expenditure's query ---------------------------------------------------------

IE_QUERY_FAULTS = [
    ({"typeOfBusiness": "property-unspecified"}, FORMAT_TYPE_OF_BUSINESS),
    ({"typeOfBusiness": ""}, FORMAT_TYPE_OF_BUSINESS),
    ({"typeOfBusiness": "Self-Employment"}, FORMAT_TYPE_OF_BUSINESS),
    ({"typeOfBusiness": "self-employment", "businessId": "XAIS0000000000"}, FORMAT_BUSINESS_ID),
    ({"typeOfBusiness": "self-employment", "businessId": ""}, FORMAT_BUSINESS_ID),
    ({"fromDate": "2026-13-01", "toDate": "2027-01-01"}, FORMAT_FROM_DATE),
    ({"fromDate": "2026-4-6", "toDate": "2027-01-01"}, FORMAT_FROM_DATE),
    ({"fromDate": "２026-04-06", "toDate": "2027-01-01"}, FORMAT_FROM_DATE),
    ({"fromDate": "2026-04-06", "toDate": "2027-02-30"}, FORMAT_TO_DATE),
    ({"fromDate": "2026-04-06", "toDate": ""}, FORMAT_TO_DATE),
    ({"status": "Open"}, FORMAT_STATUS),
    ({"status": ""}, FORMAT_STATUS),
    ({"businessId": SE_ID}, MISSING_TYPE_OF_BUSINESS),
    ({"fromDate": "2026-04-06"}, MISSING_TO_DATE),
    ({"toDate": "2027-04-05"}, MISSING_FROM_DATE),
    ({"fromDate": "2026-04-06", "toDate": "2026-04-05"}, RANGE_TO_DATE_BEFORE_FROM_DATE),
    ({"fromDate": "2026-04-06", "toDate": "2027-04-08"}, RULE_DATE_RANGE_INVALID),
    ({"fromDate": "2017-04-05", "toDate": "2017-05-05"}, RULE_FROM_DATE_NOT_SUPPORTED),
]


@pytest.mark.parametrize(("params", "spec"), IE_QUERY_FAULTS)
def test_each_query_fault_of_income_and_expenditure(
    signed_up: World, params: dict[str, str], spec: tuple[int, str, str]
) -> None:
    assert_error(signed_up.get(IE, V, params=params), spec)


def test_format_faults_are_reported_together(signed_up: World) -> None:
    params = {"businessId": "x", "fromDate": "soon", "status": "late"}
    assert_invalid_request(
        signed_up.get(IE, V, params=params),
        FORMAT_BUSINESS_ID,
        FORMAT_FROM_DATE,
        FORMAT_STATUS,
        MISSING_TYPE_OF_BUSINESS,
        MISSING_TO_DATE,
    )


def test_the_rules_between_dates_come_after_the_formats_and_together(signed_up: World) -> None:
    too_early_and_long = {"fromDate": "2016-01-01", "toDate": "2017-06-01"}
    assert_invalid_request(
        signed_up.get(IE, V, params=too_early_and_long),
        RULE_DATE_RANGE_INVALID,
        RULE_FROM_DATE_NOT_SUPPORTED,
    )
    assert_error(signed_up.get(IE, V, params={**too_early_and_long, "status": "x"}), FORMAT_STATUS)


@pytest.mark.parametrize(
    ("from_date", "to_date"),
    [("2026-04-06", "2027-04-07"), ("2017-04-06", "2017-04-06"), ("2026-05-01", "2026-05-01")],
)
def test_dates_at_the_limits_are_accepted(signed_up: World, from_date: str, to_date: str) -> None:
    response = signed_up.get(IE, V, params={"fromDate": from_date, "toDate": to_date})
    assert response.status_code in (200, 404), response.text
    if response.status_code == 404:
        assert_error(response, NO_OBLIGATIONS_FOUND)


def test_the_first_value_of_a_repeated_parameter_counts(signed_up: World) -> None:
    response = signed_up.emulator.client.get(
        IE + "?status=open&status=bad",
        headers={
            "Accept": "application/vnd.hmrc.3.0+json",
            "Authorization": f"Bearer {signed_up.token()}",
        },
    )
    assert response.status_code == 200, response.text


# --- 3: scenarios -----------------------------------------------------------------------------


def _example(received: set[int], year: TaxYear = Y2025) -> list[dict[str, Any]]:
    return [
        detail(p.start, p.end, p.due, p.due if p.number in received else None)
        for p in quarterly_periods(year)
    ]


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        ("DEFAULT", [business("XBIS12345678901", _example({1, 2}))]),
        ("OPEN", [business("XBIS12345678901", _example(set()))]),
        ("FULFILLED", [business("XBIS12345678901", _example({1, 2, 3, 4}))]),
        (
            "CUMULATIVE",
            [
                business("XBIS12345678901", _example({1})),
                business("XPIS12345678901", _example({1}), "uk-property"),
            ],
        ),
        # 2026-27 on the pinned clock: the first two quarters are due before today.
        ("DYNAMIC", [business("XBIS12345678901", _example({1, 2}, Y2026))]),
    ],
)
def test_income_and_expenditure_scenarios(
    world: World, scenario: str, expected: list[dict[str, Any]]
) -> None:
    response = world.get(IE, V, scenario=scenario, params={"status": "open"})
    assert response.status_code == 200, response.text
    assert response.json() == {"obligations": expected}
    assert_platform_headers(response)


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        ("DEFAULT", [final(Y2025)]),
        ("OPEN", [final(Y2025)]),
        ("FULFILLED", [final(Y2025, year_end_deadline(Y2025))]),
        ("DYNAMIC", [final(Y2025)]),  # 2025-26's is due on 2027-01-31, after today
    ],
)
def test_final_declaration_scenarios(
    world: World, scenario: str, expected: list[dict[str, Any]]
) -> None:
    response = world.get(FD, V, scenario=scenario)
    assert response.status_code == 200, response.text
    assert response.json() == {"obligations": expected}


@pytest.mark.parametrize("url", [IE, FD])
@pytest.mark.parametrize(
    ("scenario", "spec"),
    [
        ("INSOLVENT_TRADER", RULE_INSOLVENT_TRADER),
        ("NOT_FOUND", NOT_FOUND),
        ("NO_OBLIGATIONS_FOUND", NO_OBLIGATIONS_FOUND),
        ("STATEFUL", BAD_SCENARIO),
        ("NOT_ENROLLED", BAD_SCENARIO),
        ("default", BAD_SCENARIO),
        ("", BAD_SCENARIO),
    ],
)
def test_scenarios_that_refuse(
    signed_up: World, url: str, scenario: str, spec: tuple[int, str, str]
) -> None:
    assert_error(signed_up.get(url, V, scenario=scenario), spec)


def test_cumulative_is_income_and_expenditure_only(world: World) -> None:
    assert_error(world.get(FD, V, scenario="CUMULATIVE"), BAD_SCENARIO)


# --- 4: income and expenditure from state ------------------------------------------------------


def test_the_periods_are_the_deadlines_cumulative_quarters(signed_up: World) -> None:
    response = signed_up.get(IE, V, params=WHOLE_2026)
    assert response.status_code == 200, response.text
    assert response.json() == {"obligations": [business(SE_ID, quarters(Y2026))]}
    assert_platform_headers(response)
    body = response.json()["obligations"][0]["obligationDetails"]
    assert [d["dueDate"] for d in body] == ["2026-08-07", "2026-11-07", "2027-02-07", "2027-05-07"]
    assert {d["periodStartDate"] for d in body} == {"2026-04-06"}


def test_open_without_dates_is_every_open_obligation(signed_up: World) -> None:
    response = signed_up.get(IE, V, params={"status": "open"})
    assert response.json() == {"obligations": [business(SE_ID, quarters(Y2026) + quarters(Y2027))]}


def test_no_dates_is_a_year_from_today(signed_up: World) -> None:
    # Today is 2026-11-26: periods with a day from then to 2027-11-26.
    response = signed_up.get(IE, V)
    assert response.json() == {
        "obligations": [business(SE_ID, quarters(Y2026)[2:] + quarters(Y2027))]
    }
    signed_up.emulator.advance(365 * 24 * 3600)  # 2027-11-26: 2027-28's Q3 and Q4
    response = signed_up.get(IE, V)
    assert response.json() == {"obligations": [business(SE_ID, quarters(Y2027)[2:])]}


def test_a_period_is_in_a_range_when_any_of_its_days_is(signed_up: World) -> None:
    response = signed_up.get(IE, V, params={"fromDate": "2027-01-05", "toDate": "2027-01-05"})
    assert response.json() == {"obligations": [business(SE_ID, quarters(Y2026)[2:])]}
    response = signed_up.get(IE, V, params={"fromDate": "2026-01-01", "toDate": "2026-04-05"})
    assert_error(response, NO_OBLIGATIONS_FOUND)


@pytest.mark.parametrize(
    ("status", "has_obligations"),
    [
        ("MTD Mandated", True),
        ("MTD Voluntary", True),
        ("Annual", False),
        ("MTD Exempt", False),
        ("Digitally Exempt", False),
        ("Dormant", False),
        ("No Status", False),
    ],
)
def test_only_a_mandated_or_voluntary_year_has_obligations(
    world: World, status: str, has_obligations: bool
) -> None:
    world.status("2026-27", status)
    world.signed_up_business(SE_ID)
    for url in (IE, FD):
        response = world.get(url, V, params={"status": "open"})
        if has_obligations:
            assert response.status_code == 200, response.text
        else:
            assert_error(response, NOT_FOUND)


def test_years_before_the_signed_up_year_have_none(world: World) -> None:
    world.subscription("2026-27")
    world.status("2025-26", "MTD Voluntary")
    world.status("2026-27", "MTD Voluntary")
    world.signed_up_business(SE_ID)
    response = world.get(IE, V, params={"status": "open"})
    assert response.json() == {"obligations": [business(SE_ID, quarters(Y2026))]}


def test_without_a_subscription_every_mtd_year_held_counts_and_rolls_over(world: World) -> None:
    # Create Test User's people hold HMRC-MTD-IT and a status, with no subscription.
    world.status("2025-26", "MTD Voluntary")
    world.signed_up_business(SE_ID)
    response = world.get(IE, V, params={"status": "open"})
    assert response.json() == {"obligations": [business(SE_ID, quarters(Y2025) + quarters(Y2026))]}


def test_an_opted_out_year_has_none(signed_up: World) -> None:
    signed_up.status("2026-27", "Annual")  # a later record: opted out
    response = signed_up.get(IE, V, params={"status": "open"})
    assert response.json() == {"obligations": [business(SE_ID, quarters(Y2027))]}


def test_every_income_source_has_its_own_obligations(signed_up: World) -> None:
    signed_up.signed_up_business(PROPERTY_ID, "uk-property")
    test_id = signed_up.test_business({"typeOfBusiness": "foreign-property"})
    signed_up.test_business({"typeOfBusiness": "property-unspecified"})  # none: not a kind here
    other_vendor = signed_up.emulator.application(rate_limit_per_second=1000)
    signed_up.test_business(
        {
            "typeOfBusiness": "self-employment",
            "tradingName": "Theirs",
            "businessAddressLineOne": "1 Road",
            "businessAddressCountryCode": "FR",
        },
        created=other_vendor,
    )
    response = signed_up.get(IE, V, params=WHOLE_2026)
    assert response.json() == {
        "obligations": [
            business(SE_ID, quarters(Y2026)),
            business(PROPERTY_ID, quarters(Y2026), "uk-property"),
            business(test_id, quarters(Y2026), "foreign-property"),
        ]
    }


def test_filter_by_type_of_business_and_business_id(signed_up: World) -> None:
    signed_up.signed_up_business(PROPERTY_ID, "uk-property")
    by_type = signed_up.get(IE, V, params={**WHOLE_2026, "typeOfBusiness": "uk-property"})
    assert by_type.json() == {
        "obligations": [business(PROPERTY_ID, quarters(Y2026), "uk-property")]
    }
    by_id = {**WHOLE_2026, "typeOfBusiness": "self-employment", "businessId": SE_ID}
    assert signed_up.get(IE, V, params=by_id).json() == {
        "obligations": [business(SE_ID, quarters(Y2026))]
    }
    mismatched = {**by_id, "typeOfBusiness": "uk-property"}
    assert_error(signed_up.get(IE, V, params=mismatched), NO_OBLIGATIONS_FOUND)
    unknown = {**by_id, "businessId": "XAIS99999999999"}
    assert_error(signed_up.get(IE, V, params=unknown), NO_OBLIGATIONS_FOUND)
    foreign = {**WHOLE_2026, "typeOfBusiness": "foreign-property"}
    assert_error(signed_up.get(IE, V, params=foreign), NO_OBLIGATIONS_FOUND)


def test_fulfilled_periods_and_the_status_filter(signed_up: World) -> None:
    assert_error(
        signed_up.get(IE, V, params={**WHOLE_2026, "status": "fulfilled"}), NO_OBLIGATIONS_FOUND
    )
    fulfil(
        signed_up,
        {
            "periodStartDate": "2026-04-06",
            "periodEndDate": "2026-07-05",
            "receivedDate": "2026-08-01",
        },
    )
    fulfilled = signed_up.get(IE, V, params={**WHOLE_2026, "status": "fulfilled"})
    assert fulfilled.json() == {
        "obligations": [business(SE_ID, quarters(Y2026, {1: date(2026, 8, 1)})[:1])]
    }
    still_open = signed_up.get(IE, V, params={**WHOLE_2026, "status": "open"})
    assert still_open.json() == {"obligations": [business(SE_ID, quarters(Y2026)[1:])]}


def test_a_later_cumulative_update_fulfils_the_earlier_periods(signed_up: World) -> None:
    fulfil(
        signed_up,
        {
            "periodStartDate": "2026-04-06",
            "periodEndDate": "2026-10-05",
            "receivedDate": "2026-11-01",
        },
    )
    response = signed_up.get(IE, V, params=WHOLE_2026)
    received = {1: date(2026, 11, 1), 2: date(2026, 11, 1)}
    assert response.json() == {"obligations": [business(SE_ID, quarters(Y2026, received))]}


def test_a_business_ceased_before_a_year_has_none_that_year(world: World) -> None:
    world.status("2025-26", "MTD Voluntary")
    world.signed_up_business(SE_ID, cessation_date=date(2026, 3, 31))
    response = world.get(IE, V, params={"status": "open"})
    assert response.json() == {"obligations": [business(SE_ID, quarters(Y2025))]}


def test_a_business_that_commences_after_a_year_has_none_that_year(world: World) -> None:
    world.status("2025-26", "MTD Voluntary")
    world.signed_up_business(SE_ID, trading_start_date=date(2026, 5, 1))
    response = world.get(IE, V, params={"status": "open"})
    assert response.json() == {"obligations": [business(SE_ID, quarters(Y2026))]}


def test_an_annual_latency_year_has_no_quarterly_obligations(world: World) -> None:
    world.status("2025-26", "MTD Voluntary")
    test_id = world.test_business(
        {
            "typeOfBusiness": "uk-property",
            "latencyDetails": {
                "latencyEndDate": "2027-04-05",
                "taxYear1": "2025-26",
                "latencyIndicator1": "A",
                "taxYear2": "2026-27",
                "latencyIndicator2": "Q",
            },
        }
    )
    response = world.get(IE, V, params={"status": "open"})
    assert response.json() == {"obligations": [business(test_id, quarters(Y2026), "uk-property")]}


def test_no_income_source_is_404_matching_resource(world: World) -> None:
    world.status("2026-27", "MTD Voluntary")
    assert_error(world.get(IE, V), NOT_FOUND)
    assert final(Y2026) in world.get(FD, V).json()["obligations"]


# --- 4: the final declaration from state --------------------------------------------------------


def test_the_final_declaration_is_the_whole_year_due_31_january_after(signed_up: World) -> None:
    response = signed_up.get(FD, V)
    assert response.status_code == 200, response.text
    assert response.json() == {"obligations": [final(Y2026)]}
    assert response.json()["obligations"][0]["dueDate"] == "2028-01-31"
    assert_platform_headers(response)
    assert signed_up.get(FD, V, params={"taxYear": "2027-28"}).json() == {
        "obligations": [final(Y2027)]
    }


def test_without_a_tax_year_the_current_year_and_the_three_before(world: World) -> None:
    for year in range(2021, 2028):
        world.status(str(TaxYear(year)), "MTD Voluntary")
    response = world.get(FD, V)
    assert response.json() == {"obligations": [final(TaxYear(y)) for y in range(2023, 2027)]}


@pytest.mark.parametrize(
    ("tax_year", "spec"),
    [
        ("2026", FORMAT_TAX_YEAR),
        ("2026-2027", FORMAT_TAX_YEAR),
        ("", FORMAT_TAX_YEAR),
        ("2026-28", RULE_TAX_YEAR_RANGE_INVALID),
        ("2016-17", RULE_TAX_YEAR_NOT_SUPPORTED),
        ("2010-11", RULE_TAX_YEAR_NOT_SUPPORTED),
    ],
)
def test_each_tax_year_fault(signed_up: World, tax_year: str, spec: tuple[int, str, str]) -> None:
    assert_error(signed_up.get(FD, V, params={"taxYear": tax_year}), spec)


def test_final_declaration_faults_together_and_the_earliest_year(signed_up: World) -> None:
    assert_invalid_request(
        signed_up.get(FD, V, params={"taxYear": "26-27", "status": "x"}),
        FORMAT_STATUS,
        FORMAT_TAX_YEAR,
    )
    assert_error(signed_up.get(FD, V, params={"taxYear": "2017-18"}), NO_OBLIGATIONS_FOUND)


def test_a_return_on_file_or_a_fulfilled_declaration_fulfils_it(world: World) -> None:
    world.status("2024-25", "MTD Voluntary")
    world.status("2025-26", "MTD Voluntary")
    client = world.emulator.client
    filed = client.post(f"/emulator/returns/{NINO}/2024-25", json={"filedOn": "2026-01-20"})
    assert filed.status_code == 201, filed.text
    fulfil(world, {"taxYear": "2025-26", "receivedDate": "2026-06-01"})
    both = world.get(FD, V).json()["obligations"]
    assert both == [
        final(TaxYear(2024), date(2026, 1, 20)),
        final(Y2025, date(2026, 6, 1)),
        final(Y2026),
    ]
    assert world.get(FD, V, params={"status": "open"}).json() == {"obligations": [final(Y2026)]}
    fulfilled = world.get(FD, V, params={"status": "fulfilled", "taxYear": "2025-26"})
    assert fulfilled.json() == {"obligations": [final(Y2025, date(2026, 6, 1))]}
    assert_error(
        world.get(FD, V, params={"status": "fulfilled", "taxYear": "2026-27"}),
        NO_OBLIGATIONS_FOUND,
    )


def test_no_mtd_year_at_all_is_404_and_a_filter_leaving_none_is_no_obligations(
    world: World,
) -> None:
    assert_error(world.get(FD, V), NOT_FOUND)
    world.status("2030-31", "MTD Voluntary")
    assert_error(world.get(FD, V), NO_OBLIGATIONS_FOUND)
    assert world.get(FD, V, params={"taxYear": "2030-31"}).json() == {
        "obligations": [final(TaxYear(2030))]
    }


def test_dates_follow_the_clock_into_the_next_year(signed_up: World) -> None:
    signed_up.emulator.advance((date(2027, 4, 6) - TODAY) / timedelta(seconds=1))
    assert signed_up.get(FD, V).json() == {"obligations": [final(Y2026), final(Y2027)]}


def test_the_default_range_from_29_february_ends_on_28_february(signed_up: World) -> None:
    signed_up.emulator.advance((date(2028, 2, 29) - TODAY) / timedelta(seconds=1))
    # From 2028-02-29 to 2029-02-28: 2027-28's last period only (2028-29 holds no status yet,
    # and the current year is the last one looked at).
    assert signed_up.get(IE, V).json() == {"obligations": [business(SE_ID, quarters(Y2027)[3:])]}


def test_a_fulfilled_final_declaration_leaves_the_quarters_open(world: World) -> None:
    world.status("2025-26", "MTD Voluntary")
    world.signed_up_business(SE_ID)
    fulfil(world, {"taxYear": "2025-26"})
    response = world.get(IE, V, params={"fromDate": "2025-04-06", "toDate": "2026-04-05"})
    assert response.json() == {"obligations": [business(SE_ID, quarters(Y2025))]}


def test_stored_records_the_rules_cannot_read_are_passed_over(world: World) -> None:
    from openmtd.emulator.storage import ReturnOnFile, StoredBusiness, Subscription
    from support.mtd_api import AT, MTDITID

    world.status("2026-27", "MTD Voluntary")
    world.signed_up_business(SE_ID, address=Address(line1="1 Pipe Street"))
    with world.emulator.services.store.transaction() as tx:
        assert tx.subscriptions.add(Subscription(NINO, MTDITID, "1000057161", "2026-2", AT))
        tx.returns.put(ReturnOnFile(NINO, "26-27", date(2027, 5, 1), AT))
        tx.sandbox.add_business(
            StoredBusiness(
                business_id=PROPERTY_ID,
                nino=NINO,
                application_id=world.created.application.id,
                type_of_business="uk-property",
                details={
                    "typeOfBusiness": "uk-property",
                    "commencementDate": "2026-02-30",
                    "latencyDetails": {"taxYear1": "26-27", "latencyIndicator1": "Z"},
                },
                created_at=AT,
            )
        )
    response = world.get(IE, V, params=WHOLE_2026)
    assert response.json() == {
        "obligations": [
            business(SE_ID, quarters(Y2026)),
            business(PROPERTY_ID, quarters(Y2026), "uk-property"),
        ]
    }
    assert world.get(FD, V).json() == {"obligations": [final(Y2026)]}
    listed = world.get(f"/individuals/business/details/{NINO}/{SE_ID}", "2.0").json()
    assert "businessAddressPostcode" not in listed
    assert listed["businessAddressLineOne"] == "1 Pipe Street"


@pytest.mark.parametrize(
    ("api", "url", "version", "template"),
    [
        ("obligations", IE, V, "/obligations/details/{nino}/income-and-expenditure"),
        ("obligations", FD, V, "/obligations/details/{nino}/crystallisation"),
        (
            "business-details",
            f"/individuals/business/details/{NINO}/list",
            "2.0",
            "/individuals/business/details/{nino}/list",
        ),
        (
            "business-details",
            f"/individuals/business/details/{NINO}/{SE_ID}",
            "2.0",
            "/individuals/business/details/{nino}/{businessId}",
        ),
    ],
)
def test_fraud_headers_are_kept_per_endpoint_under_hmrcs_template(
    signed_up: World, api: str, url: str, version: str, template: str
) -> None:
    token = signed_up.token()
    assert signed_up.get(url, version, token=token).status_code == 200
    feedback = signed_up.emulator.client.get(
        f"/test/fraud-prevention-headers/{api}/validation-feedback",
        headers={"Accept": "application/vnd.hmrc.1.0+json", "Authorization": f"Bearer {token}"},
    )
    assert feedback.status_code == 200, feedback.text
    assert [(r["method"], r["path"]) for r in feedback.json()["requests"]] == [("GET", template)]
