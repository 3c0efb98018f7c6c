"""Business Details (MTD) v2.0 in process (wire facts §5): the gateway, then HMRC's order of
checks (the NINO, the MTDITID lookup and who may act, the business ID, the scenario), every
error and scenario, and the answers from sign-up's income sources and the caller's test
businesses."""

from __future__ import annotations

import pytest

from openmtd.emulator.storage import AffinityGroup
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
    assert_platform_headers,
    make_world,
    mtd_it,
)

V = "2.0"
LIST = f"/individuals/business/details/{NINO}/list"
SE_ID = "XAIS00000000001"
PROPERTY_ID = "XBIS00000000002"
FORMAT_BUSINESS_ID = (400, "FORMAT_BUSINESS_ID", "The provided Business ID is invalid")
NO_BUSINESS_FOUND = (
    404,
    "NO_BUSINESS_FOUND",
    "No business found for the given NINO and business ID",
)
SE_TEST_BUSINESS = {
    "typeOfBusiness": "self-employment",
    "tradingName": "Ida's Joinery",
    "businessAddressLineOne": "2 Wood Lane",
    "businessAddressCountryCode": "GB",
    "businessAddressPostcode": "TS1 1PA",
    "accountingType": "CASH",
    "commencementDate": "2020-01-01",
    "latencyDetails": {
        "latencyEndDate": "2027-04-05",
        "taxYear1": "2025-26",
        "latencyIndicator1": "A",
        "taxYear2": "2026-27",
        "latencyIndicator2": "Q",
    },
}


def one(nino: str = NINO, business_id: str = SE_ID) -> str:
    return f"/individuals/business/details/{nino}/{business_id}"


@pytest.fixture
def world(emulator: EmulatorHarness) -> World:
    return make_world(emulator)


# --- the gateway ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, one()])
def test_the_gateway_comes_first(world: World, url: str) -> None:
    client = world.emulator.client
    response = client.get(url, headers={"Accept": "application/json"})
    assert_error(
        response, (406, "ACCEPT_HEADER_INVALID", "The accept header is missing or invalid")
    )
    response = client.get(url, headers={"Accept": "application/vnd.hmrc.1.0+json"})
    assert_error(response, (404, "NOT_FOUND", "The requested resource could not be found"))
    response = client.get(url, headers={"Accept": "application/vnd.hmrc.2.0+json"})
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
    unsubscribed = world.emulator.application(apis=["obligations"], rate_limit_per_second=1000)
    assert_error(
        world.get(url, V, token=world.token(created=unsubscribed)),
        (
            403,
            "RESOURCE_FORBIDDEN",
            "The application is not subscribed to the API which it is attempting to invoke",
        ),
    )


# --- 1: the NINO, the lookup and who may act --------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [f"/individuals/business/details/{n}/list" for n in ("AA12345", "aa123456a", "BG123456A")]
    + [one("AA12345", "x")],
)
def test_a_malformed_nino_is_400_before_the_lookup(world: World, url: str) -> None:
    assert_error(world.get(url, V), FORMAT_NINO)


@pytest.mark.parametrize("url", [LIST, one()])
def test_an_unknown_nino_is_403_not_authorised(world: World, url: str) -> None:
    assert_error(world.get(url.replace(NINO, "AB123456C"), V), NOT_AUTHORISED)


@pytest.mark.parametrize("url", [LIST, one(business_id="bad")])
def test_a_customer_without_hmrc_mtd_it_is_403_not_enrolled(
    emulator: EmulatorHarness, url: str
) -> None:
    world = make_world(emulator)
    other = emulator.account(nino="AB123456C", email="sam@example.com")
    assert_error(world.get(url.replace(NINO, "AB123456C"), V, as_account=other), NOT_ENROLLED)


@pytest.mark.parametrize(
    ("affinity_group", "confidence_level", "allowed"),
    [
        (AffinityGroup.INDIVIDUAL, 250, True),
        (AffinityGroup.INDIVIDUAL, 200, True),
        (AffinityGroup.INDIVIDUAL, 50, False),
        (AffinityGroup.ORGANISATION, 50, True),
    ],
)
def test_the_customer_themselves_may_at_confidence_level_200_or_as_an_organisation(
    emulator: EmulatorHarness,
    affinity_group: AffinityGroup,
    confidence_level: int,
    allowed: bool,
) -> None:
    customer = emulator.account(
        affinity_group=affinity_group,
        nino=NINO,
        enrolments=(mtd_it(),),
        confidence_level=confidence_level,
    )
    world = World(emulator, emulator.application(rate_limit_per_second=1000), customer)
    world.signed_up_business(SE_ID)
    for url in (LIST, one()):
        response = world.get(url, V)
        if allowed:
            assert response.status_code == 200, response.text
        else:
            assert_error(response, NOT_AUTHORISED)


def test_another_customer_may_not(world: World) -> None:
    world.signed_up_business(SE_ID)
    stranger = world.emulator.account(
        nino="AE123456C", enrolments=(mtd_it("XAIT00000000002"),), email="sam@example.com"
    )
    organisation = world.emulator.account(
        affinity_group=AffinityGroup.ORGANISATION, email="org@example.com"
    )
    for url in (LIST, one()):
        assert_error(world.get(url, V, as_account=stranger), NOT_AUTHORISED)
        assert_error(world.get(url, V, as_account=organisation), NOT_AUTHORISED)


@pytest.mark.parametrize("agent_type", ["main", "supporting"])
def test_main_and_supporting_agents_may_read_both(world: World, agent_type: str) -> None:
    world.signed_up_business(SE_ID)
    agent = world.agent()
    for url in (LIST, one()):
        assert_error(world.get(url, V, as_account=agent), NOT_AUTHORISED)
    world.relationship(agent_type)
    for url in (LIST, one()):
        assert world.get(url, V, as_account=agent).status_code == 200


def test_an_ended_relationship_gives_no_access(world: World) -> None:
    world.signed_up_business(SE_ID)
    world.relationship("main", ended=True)
    assert_error(world.get(LIST, V, as_account=world.agent()), NOT_AUTHORISED)


def test_the_lookup_comes_before_the_business_id_and_that_before_the_scenario(
    world: World,
) -> None:
    stranger = world.emulator.account(
        nino="AE123456C", enrolments=(mtd_it("XAIT00000000002"),), email="sam@example.com"
    )
    assert_error(world.get(one(business_id="bad"), V, as_account=stranger), NOT_AUTHORISED)
    assert_error(world.get(one(business_id="bad"), V, scenario="NOPE"), FORMAT_BUSINESS_ID)
    assert_error(world.get(LIST, V, scenario="NOPE"), BAD_SCENARIO)


# --- 2: the business ID -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("business_id", "valid"),
    [
        ("XAIS00000000001", True),
        ("XaIS00000000001", True),
        ("Xais00000000001", False),
        ("X1IS00000000001", True),
        ("XAIS0000000000", False),
        ("XAIS000000000011", False),
        ("YAIS00000000001", False),
        ("XAIT00000000001", False),
        ("XAIS0000000000A", False),
        ("XA1S00000000001", False),
        ("XAIS０0000000001", False),
    ],
)
def test_the_business_id_rule(world: World, business_id: str, valid: bool) -> None:
    response = world.get(one(business_id=business_id), V)
    if valid:
        assert_error(response, NOT_FOUND)  # well-formed: the customer has no business at all
    else:
        assert_error(response, FORMAT_BUSINESS_ID)


# --- 3: Gov-Test-Scenario ---------------------------------------------------------------------

SE_EXAMPLE = {
    "typeOfBusiness": "self-employment",
    "businessId": "XBIS12345678901",
    "tradingType": "Plastering",
    "tradingName": "Company X",
}


@pytest.mark.parametrize(
    ("scenario", "businesses"),
    [
        ("DEFAULT", [SE_EXAMPLE]),
        ("PROPERTY", [{"typeOfBusiness": "uk-property", "businessId": "XPIS12345678901"}]),
        (
            "FOREIGN_PROPERTY",
            [{"typeOfBusiness": "foreign-property", "businessId": "XFIS12345678901"}],
        ),
        (
            "BUSINESS_AND_PROPERTY",
            [SE_EXAMPLE, {"typeOfBusiness": "uk-property", "businessId": "XPIS12345678901"}],
        ),
        (
            "UNSPECIFIED",
            [{"typeOfBusiness": "property-unspecified", "businessId": "XUIS12345678901"}],
        ),
    ],
)
def test_list_scenarios_answer_their_example(
    world: World, scenario: str, businesses: list[dict[str, str]]
) -> None:
    response = world.get(LIST, V, scenario=scenario)
    assert response.status_code == 200, response.text
    assert response.json() == {"listOfBusinesses": businesses}
    assert_platform_headers(response)


@pytest.mark.parametrize(
    ("scenario", "spec"),
    [
        ("NOT_FOUND", NOT_FOUND),
        ("STATEFUL", NOT_FOUND),
        ("NOPE", BAD_SCENARIO),
        ("", BAD_SCENARIO),
        ("default", BAD_SCENARIO),
        ("NOT_ENROLLED", BAD_SCENARIO),
    ],
)
def test_list_scenarios_that_refuse(
    world: World, scenario: str, spec: tuple[int, str, str]
) -> None:
    assert_error(world.get(LIST, V, scenario=scenario), spec)


def test_retrieve_scenarios(world: World) -> None:
    world.signed_up_business(SE_ID)
    default = world.get(one(business_id="XAIS99999999999"), V, scenario="DEFAULT")
    assert default.status_code == 200
    assert default.json()["businessId"] == "XBIS12345678901"
    assert default.json()["firstAccountingPeriodStartDate"] == "2025-04-06"
    assert_error(world.get(one(), V, scenario="NOT_FOUND"), NOT_FOUND)
    assert world.get(one(), V, scenario="STATEFUL").json()["businessId"] == SE_ID
    for refused in ("PROPERTY", "NOPE", ""):
        assert_error(world.get(one(), V, scenario=refused), BAD_SCENARIO)


# --- 4: from state ----------------------------------------------------------------------------


def test_the_list_is_sign_ups_sources_then_the_callers_test_businesses(world: World) -> None:
    world.signed_up_business(SE_ID)
    world.signed_up_business(PROPERTY_ID, "uk-property")
    test_id = world.test_business(SE_TEST_BUSINESS)
    other_vendor = world.emulator.application(rate_limit_per_second=1000)
    world.test_business({"typeOfBusiness": "foreign-property"}, created=other_vendor)
    response = world.get(LIST, V)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "listOfBusinesses": [
            {
                "typeOfBusiness": "self-employment",
                "businessId": SE_ID,
                "tradingType": "Plumber",
                "tradingName": "Ida's Plumbing",
            },
            {"typeOfBusiness": "uk-property", "businessId": PROPERTY_ID},
            {
                "typeOfBusiness": "self-employment",
                "businessId": test_id,
                "tradingName": "Ida's Joinery",
            },
        ]
    }
    assert_platform_headers(response)
    # The other vendor sees its own test business after sign-up's.
    mine = world.get(LIST, V, token=world.token(created=other_vendor)).json()["listOfBusinesses"]
    assert [b["typeOfBusiness"] for b in mine] == [
        "self-employment",
        "uk-property",
        "foreign-property",
    ]


def test_no_business_at_all_is_404(world: World) -> None:
    assert_error(world.get(LIST, V), NOT_FOUND)
    assert_error(world.get(one(), V), NOT_FOUND)


def test_retrieve_a_signed_up_business(world: World) -> None:
    world.signed_up_business(SE_ID)
    world.signed_up_business(PROPERTY_ID, "uk-property", contextual_tax_year="2025-26")
    response = world.get(one(), V)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "businessId": SE_ID,
        "typeOfBusiness": "self-employment",
        "tradingName": "Ida's Plumbing",
        "businessAddressLineOne": "1 Pipe Street",
        "businessAddressLineTwo": "Leeds",
        "businessAddressPostcode": "TS1 1PA",
        "businessAddressCountryCode": "GB",
        "firstAccountingPeriodStartDate": "2026-04-06",
        "firstAccountingPeriodEndDate": "2027-04-05",
        "commencementDate": "2025-05-01",
    }
    assert world.get(one(business_id=PROPERTY_ID), V).json() == {
        "businessId": PROPERTY_ID,
        "typeOfBusiness": "uk-property",
        "firstAccountingPeriodStartDate": "2026-04-06",
        "firstAccountingPeriodEndDate": "2027-04-05",
    }


def test_retrieve_a_ceased_signed_up_business(world: World) -> None:
    from datetime import date

    world.signed_up_business(SE_ID, cessation_date=date(2026, 9, 30))
    assert world.get(one(), V).json()["cessationDate"] == "2026-09-30"


def test_retrieve_a_test_business_with_what_was_sent_but_its_accounting_type(world: World) -> None:
    test_id = world.test_business(SE_TEST_BUSINESS)
    response = world.get(one(business_id=test_id), V)
    assert response.status_code == 200, response.text
    expected = {k: v for k, v in SE_TEST_BUSINESS.items() if k != "accountingType"}
    assert response.json() == {"businessId": test_id, **expected}


def test_a_business_id_that_is_none_of_theirs_is_no_business_found(world: World) -> None:
    world.signed_up_business(SE_ID)
    other_vendor = world.emulator.application(rate_limit_per_second=1000)
    theirs = world.test_business({"typeOfBusiness": "uk-property"}, created=other_vendor)
    assert_error(world.get(one(business_id="XAIS99999999999"), V), NO_BUSINESS_FOUND)
    assert_error(world.get(one(business_id=theirs), V), NO_BUSINESS_FOUND)
    assert (
        world.get(one(business_id=theirs), V, token=world.token(created=other_vendor)).status_code
        == 200
    )


def test_list_is_not_a_business_id(world: World) -> None:
    # The list route is matched first, so "list" is never read as a (malformed) business ID.
    assert_error(world.get(LIST, V), NOT_FOUND)
