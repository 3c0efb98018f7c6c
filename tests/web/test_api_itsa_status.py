"""Retrieve ITSA Status v2.0 in process: the gateway, then HMRC's checks in order (wire facts §1).

Tokens are minted with ``journey.grant`` inside a store transaction and exchanged at
``POST /oauth/token``; statuses and agent relationships are seeded through the storage layer.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from httpx2 import Response

from openmtd.emulator.security import token_hash
from openmtd.emulator.storage import Account, AffinityGroup, Enrolment, StoredStatus
from support import mtd_api
from support.emulator import EmulatorHarness
from support.mtd_api import (
    BAD_SCENARIO,
    FORMAT_NINO,
    NINO,
    NOT_AUTHORISED,
    NOT_ENROLLED,
    NOT_FOUND,
    assert_platform_headers,
    mtd_it,
)

API = "self-assessment-individual-details"
ACCEPT = "application/vnd.hmrc.2.0+json"
YEAR = "2025-26"
AT = datetime(2025, 5, 23, 12, 29, 27, 566000, tzinfo=UTC)

# HMRC's OAS example (examples/retrieveItsaStatus/def1/response.json), compact as sent.
DEFAULT_BODY = (
    b'{"itsaStatuses":[{"taxYear":"2019-20","itsaStatusDetails":[{"submittedOn":'
    b'"2023-05-23T12:29:27.566Z","status":"No Status","statusReason":'
    b'"Sign up - return available","businessIncome2YearsPrior":99999999999.99}]}]}'
)


def path(nino: str = NINO, tax_year: str = YEAR) -> str:
    return f"/individuals/person/itsa-status/{nino}/{tax_year}"


def record(
    tax_year: str = YEAR,
    *,
    at: datetime = AT,
    status: str = "MTD Mandated",
    reason: str = "Sign up - return available",
    income: Decimal | None = Decimal("23600.99"),
    nino: str = NINO,
) -> StoredStatus:
    return StoredStatus(nino, tax_year, at, status, reason, income)


def details(
    *,
    at: str = "2025-05-23T12:29:27.566Z",
    status: str = "MTD Mandated",
    reason: str = "Sign up - return available",
    income: float | int | None = 23600.99,
) -> dict[str, object]:
    body: dict[str, object] = {"submittedOn": at, "status": status, "statusReason": reason}
    if income is not None:
        body["businessIncome2YearsPrior"] = income
    return body


@dataclass
class World(mtd_api.World):
    """The MTD APIs' world (``support.mtd_api``); its ``get`` asks for the customer's own
    status with this API's Accept unless told."""

    def get(  # type: ignore[override]
        self,
        url: str | None = None,
        *,
        token: str | None = None,
        as_account: Account | None = None,
        accept: str | None = ACCEPT,
        scenario: str | None = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """GET ``url`` (the customer's own status by default) as the customer, unless told."""
        return self.request(
            url or path(),
            accept=accept,
            token=token,
            as_account=as_account,
            scenario=scenario,
            params=params,
            headers=headers,
        )


def send(
    emulator: EmulatorHarness,
    url: str,
    *,
    accept: str | None = ACCEPT,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
) -> Response:
    """A GET with exactly these headers, Retrieve ITSA Status's Accept unless told."""
    return mtd_api.send(emulator, url, accept=accept, headers=headers, params=params)


@pytest.fixture
def world(emulator: EmulatorHarness) -> World:
    created = emulator.application(rate_limit_per_second=1000)
    return World(emulator, created, emulator.account(nino=NINO, enrolments=(mtd_it(),)))


def assert_error(response: Response, status: int, code: str, message: str) -> None:
    mtd_api.assert_error(response, (status, code, message))


def assert_ok(response: Response, statuses: object) -> None:
    assert response.status_code == 200, response.text
    assert response.json() == {"itsaStatuses": statuses}
    assert_platform_headers(response)


FORMAT_TAX_YEAR = (400, "FORMAT_TAX_YEAR", "The taxYear format is invalid")
RANGE_INVALID = (400, "RULE_TAX_YEAR_RANGE_INVALID", "A tax year range of one year is required")
FORMAT_FUTURE_YEARS = (
    400,
    "FORMAT_FUTURE_YEARS",
    "The provided futureYears value should be true or false",
)
FORMAT_HISTORY = (400, "FORMAT_HISTORY", "The provided history value should be true or false")


# --- the gateway, in order --------------------------------------------------------------------


@pytest.mark.parametrize("accept", [None, "", "application/json", "application/vnd.hmrc.2.0+xml"])
def test_missing_or_malformed_accept_is_406_before_anything_else(
    world: World, accept: str | None
) -> None:
    response = send(world.emulator, path("not-a-nino", "bad"), accept=accept)
    assert_error(response, 406, "ACCEPT_HEADER_INVALID", "The accept header is missing or invalid")


@pytest.mark.parametrize("version", ["1.0", "3.0"])
def test_a_version_this_endpoint_does_not_serve_is_404_before_credentials(
    world: World, version: str
) -> None:
    response = send(world.emulator, path(), accept=f"application/vnd.hmrc.{version}+json")
    assert_error(response, 404, "NOT_FOUND", "The requested resource could not be found")


def test_no_token_is_401_missing_credentials(world: World) -> None:
    response = send(world.emulator, path("not-a-nino"))
    assert_error(response, 401, "MISSING_CREDENTIALS", "Authentication information is not provided")


def assert_invalid_credentials(response: Response) -> None:
    assert_error(
        response, 401, "INVALID_CREDENTIALS", "Invalid Authentication information provided"
    )
    assert response.headers["www-authenticate"] == 'Bearer realm="HMRC API Platform"'


def test_an_unknown_token_is_401_invalid_credentials(world: World) -> None:
    assert_invalid_credentials(world.get(token="0" * 32))


def test_an_expired_token_is_401_invalid_credentials(world: World) -> None:
    token = world.token(world.customer)
    world.seed(record())
    assert world.get(token=token).status_code == 200
    world.emulator.advance(4 * 60 * 60)
    assert_invalid_credentials(world.get(token=token))


def test_a_revoked_token_is_401_invalid_credentials(world: World) -> None:
    token = world.token(world.customer)
    with world.emulator.services.store.transaction() as tx:
        tx.oauth.revoke_access_token(token_hash(token), world.emulator.services.clock.now_in(tx))
    assert_invalid_credentials(world.get(token=token))


def test_an_application_token_is_401_incorrect_access_token_type(world: World) -> None:
    response = world.emulator.client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": world.created.application.client_id,
            "client_secret": world.created.client_secret,
        },
    )
    assert response.status_code == 200, response.text
    response = world.get(path("not-a-nino"), token=response.json()["access_token"])
    assert_error(
        response,
        401,
        "INCORRECT_ACCESS_TOKEN_TYPE",
        "The access token type used is not supported when invoking the API",
    )


def test_an_application_not_subscribed_is_403_resource_forbidden(world: World) -> None:
    created = world.emulator.application(
        apis=["self-assessment-test-support"], rate_limit_per_second=1000
    )
    token = world.token(world.customer, created=created)
    response = world.get(path("not-a-nino"), token=token)
    assert_error(
        response,
        403,
        "RESOURCE_FORBIDDEN",
        "The application is not subscribed to the API which it is attempting to invoke",
    )


def test_a_token_without_read_self_assessment_is_403_invalid_scope(world: World) -> None:
    token = world.token(world.customer, scopes=("write:self-assessment",))
    response = world.get(path("not-a-nino"), token=token)
    assert_error(
        response,
        403,
        "INVALID_SCOPE",
        "Can not access the required resource. Ensure this token has all the required scopes.",
    )


def test_the_fourth_call_in_a_second_is_429_with_a_limit_of_three(world: World) -> None:
    created = world.emulator.application(rate_limit_per_second=3)
    token = world.token(world.customer, created=created)
    world.seed(record())
    # Start at the beginning of a real second, so the four calls share its window.
    time.sleep(1 - time.time() % 1 + 0.01)
    responses = [world.get(token=token) for _ in range(4)]
    assert [r.status_code for r in responses[:3]] == [200, 200, 200]
    assert_error(
        responses[3],
        429,
        "MESSAGE_THROTTLED_OUT",
        "The request for the API is throttled as you have exceeded your quota.",
    )


# --- 1-2: NINO format and the MTDITID lookup --------------------------------------------------


@pytest.mark.parametrize(
    "nino",
    [
        "aa123456a",  # no normalisation: lower case fails as at HMRC
        "AA 12 34 56 A",
        "AA123456E",
        "AA12345A",
        "BG123456A",
        "QQ1234567",
        "DA123456A",
    ],
)
def test_a_malformed_nino_is_400_format_nino(world: World, nino: str) -> None:
    assert_error(world.get(path(nino)), *FORMAT_NINO)


def test_a_bad_nino_and_a_bad_tax_year_give_format_nino_only(world: World) -> None:
    response = world.get(path("nonsense", "2023"), params={"futureYears": "yes"})
    assert_error(response, *FORMAT_NINO)


def test_a_nino_no_account_holds_is_403_not_authorised_before_validation(world: World) -> None:
    assert_error(world.get(path("AB123456C")), *NOT_AUTHORISED)
    assert_error(world.get(path("AB123456C", "2023-25")), *NOT_AUTHORISED)


def test_a_nino_without_its_suffix_does_not_find_an_account_stored_with_one(
    world: World,
) -> None:
    # HMRC's regex allows no suffix; the lookup is exact (a documented choice).
    assert_error(world.get(path("AA123456")), *NOT_AUTHORISED)


def test_a_client_without_hmrc_mtd_it_is_403_client_not_mtd_enrolled(world: World) -> None:
    world.emulator.account(nino="AB123456C", email="sam@example.com")
    assert_error(world.get(path("AB123456C")), *NOT_ENROLLED)
    assert_error(world.get(path("AB123456C", "nonsense")), *NOT_ENROLLED)


def test_an_enrolment_that_is_not_activated_is_not_an_mtd_enrolment(world: World) -> None:
    world.emulator.account(
        nino="AB123456C",
        email="sam@example.com",
        enrolments=(
            Enrolment("HMRC-MTD-IT", "MTDITID", "XAIT00000000002", state="NotYetActivated"),
        ),
    )
    assert_error(world.get(path("AB123456C")), *NOT_ENROLLED)


# --- 3: who may see the statuses --------------------------------------------------------------


@pytest.mark.parametrize("confidence_level", [200, 250])
def test_the_individual_themselves_at_cl200_or_more_may(
    emulator: EmulatorHarness, confidence_level: int
) -> None:
    client = emulator.account(nino=NINO, enrolments=(mtd_it(),), confidence_level=confidence_level)
    world = World(emulator, emulator.application(rate_limit_per_second=1000), client)
    world.seed(record())
    assert_ok(world.get(), [{"taxYear": YEAR, "itsaStatusDetails": [details()]}])


def test_the_individual_at_cl50_may_not(emulator: EmulatorHarness) -> None:
    client = emulator.account(nino=NINO, enrolments=(mtd_it(),), confidence_level=50)
    world = World(emulator, emulator.application(rate_limit_per_second=1000), client)
    world.seed(record())
    assert_error(world.get(), *NOT_AUTHORISED)


def test_another_individual_may_not(world: World) -> None:
    other = world.emulator.account(
        nino="AB123456C", enrolments=(mtd_it("XAIT00000000002"),), email="sam@example.com"
    )
    world.seed(record())
    assert_error(world.get(as_account=other), *NOT_AUTHORISED)
    # Their own is fine.
    world.seed(record(nino="AB123456C"))
    assert world.get(path("AB123456C"), as_account=other).status_code == 200


def test_an_individual_without_any_enrolment_may_not(world: World) -> None:
    stranger = world.emulator.account(email="stranger@example.com")
    world.seed(record())
    assert_error(world.get(as_account=stranger), *NOT_AUTHORISED)


def test_an_organisation_holding_the_clients_mtd_enrolment_may(emulator: EmulatorHarness) -> None:
    organisation = emulator.account(
        affinity_group=AffinityGroup.ORGANISATION,
        nino=NINO,
        enrolments=(mtd_it(),),
        confidence_level=50,
    )
    world = World(emulator, emulator.application(rate_limit_per_second=1000), organisation)
    world.seed(record())
    assert_ok(world.get(), [{"taxYear": YEAR, "itsaStatusDetails": [details()]}])


def test_an_organisation_without_it_may_not(world: World) -> None:
    organisation = world.emulator.account(
        affinity_group=AffinityGroup.ORGANISATION, email="org@example.com"
    )
    world.seed(record())
    assert_error(world.get(as_account=organisation), *NOT_AUTHORISED)


@pytest.mark.parametrize("agent_type", ["main", "supporting"])
def test_a_main_or_supporting_agent_with_an_active_relationship_may(
    world: World, agent_type: str
) -> None:
    agent = world.agent()
    world.relationship(agent_type)
    world.seed(record())
    assert_ok(world.get(as_account=agent), [{"taxYear": YEAR, "itsaStatusDetails": [details()]}])


def test_a_relationship_without_a_recorded_mtditid_still_counts(world: World) -> None:
    agent = world.agent()
    world.relationship("supporting", mtditid=None)
    world.seed(record())
    assert world.get(as_account=agent).status_code == 200


def test_an_agent_whose_relationship_ended_may_not(world: World) -> None:
    agent = world.agent()
    world.relationship("main", ended=True)
    world.seed(record())
    assert_error(world.get(as_account=agent), *NOT_AUTHORISED)


def test_an_agent_without_a_relationship_may_not(world: World) -> None:
    agent = world.agent()
    world.relationship("main", arn="TARN0000002")
    world.seed(record())
    assert_error(world.get(as_account=agent), *NOT_AUTHORISED)


def test_a_relationship_naming_another_mtditid_does_not_count(world: World) -> None:
    agent = world.agent()
    world.relationship("main", mtditid="XAIT00000000009")
    world.seed(record())
    assert_error(world.get(as_account=agent), *NOT_AUTHORISED)


def test_an_agent_without_an_agent_services_account_may_not(world: World) -> None:
    agent = world.emulator.account(affinity_group=AffinityGroup.AGENT, email="a@example.com")
    world.relationship("main")
    world.seed(record())
    assert_error(world.get(as_account=agent), *NOT_AUTHORISED)


def test_authorisation_comes_before_validation(world: World) -> None:
    stranger = world.emulator.account(email="stranger@example.com")
    assert_error(world.get(path(tax_year="2023-25"), as_account=stranger), *NOT_AUTHORISED)


# --- 4: Gov-Test-Scenario NOT_ENROLLED ---------------------------------------------------------


def test_not_enrolled_is_403_client_not_mtd_enrolled(world: World) -> None:
    world.seed(record())
    assert_error(world.get(scenario="NOT_ENROLLED"), *NOT_ENROLLED)


def test_not_enrolled_beats_a_bad_tax_year_and_bad_flags(world: World) -> None:
    response = world.get(
        path(tax_year="2023"), scenario="NOT_ENROLLED", params={"history": "maybe"}
    )
    assert_error(response, *NOT_ENROLLED)


def test_not_enrolled_comes_after_the_nino_and_authorisation(world: World) -> None:
    stranger = world.emulator.account(email="stranger@example.com")
    assert_error(world.get(path("nonsense"), scenario="NOT_ENROLLED"), *FORMAT_NINO)
    assert_error(world.get(path("AB123456C"), scenario="NOT_ENROLLED"), *NOT_AUTHORISED)
    assert_error(world.get(as_account=stranger, scenario="NOT_ENROLLED"), *NOT_AUTHORISED)


# --- 5: validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tax_year", ["2023", "2023-2024", "23-24", "2009-10", "2023_24", "2023-4", "1999-00"]
)
def test_a_malformed_tax_year_is_400_format_tax_year(world: World, tax_year: str) -> None:
    assert_error(world.get(path(tax_year=tax_year)), *FORMAT_TAX_YEAR)


@pytest.mark.parametrize("tax_year", ["2023-25", "2023-23", "2023-22"])
def test_a_tax_year_not_one_year_long_is_400_range_invalid(world: World, tax_year: str) -> None:
    assert_error(world.get(path(tax_year=tax_year)), *RANGE_INVALID)


@pytest.mark.parametrize("value", ["True", "FALSE", "yes", "1", "", " true"])
def test_a_bad_future_years_is_400(world: World, value: str) -> None:
    assert_error(world.get(params={"futureYears": value}), *FORMAT_FUTURE_YEARS)


@pytest.mark.parametrize("value", ["True", "no", "0", ""])
def test_a_bad_history_is_400(world: World, value: str) -> None:
    assert_error(world.get(params={"history": value}), *FORMAT_HISTORY)


def test_several_failures_are_invalid_request_sorted_by_code(world: World) -> None:
    response = world.get(path(tax_year="2023"), params={"futureYears": "x", "history": "y"})
    assert response.status_code == 400
    assert response.json() == {
        "code": "INVALID_REQUEST",
        "message": "Invalid request",
        "errors": [
            {"code": FORMAT_FUTURE_YEARS[1], "message": FORMAT_FUTURE_YEARS[2]},
            {"code": FORMAT_HISTORY[1], "message": FORMAT_HISTORY[2]},
            {"code": FORMAT_TAX_YEAR[1], "message": FORMAT_TAX_YEAR[2]},
        ],
    }
    assert_platform_headers(response)
    response = world.get(path(tax_year="2023-25"), params={"history": "y"})
    assert response.json() == {
        "code": "INVALID_REQUEST",
        "message": "Invalid request",
        "errors": [
            {"code": FORMAT_HISTORY[1], "message": FORMAT_HISTORY[2]},
            {"code": RANGE_INVALID[1], "message": RANGE_INVALID[2]},
        ],
    }


def test_there_is_no_minimum_tax_year_and_no_tax_year_not_supported(world: World) -> None:
    assert_error(world.get(path(tax_year="2010-11")), *NOT_FOUND)
    world.seed(record("2010-11"))
    assert_ok(
        world.get(path(tax_year="2010-11")),
        [{"taxYear": "2010-11", "itsaStatusDetails": [details()]}],
    )
    assert_error(world.get(path(tax_year="2098-99")), *NOT_FOUND)


def test_the_first_of_a_repeated_flag_counts(world: World) -> None:
    world.seed(record())
    response = world.get(path() + "?history=true&history=nonsense")
    assert response.status_code == 200
    response = world.get(path() + "?history=nonsense&history=true")
    assert_error(response, *FORMAT_HISTORY)


# --- 6: scenarios and state -------------------------------------------------------------------


def test_default_returns_hmrcs_example_byte_for_byte_whatever_was_asked(world: World) -> None:
    world.seed(record())
    for url, params in ((path(), None), (path(tax_year="2030-31"), {"futureYears": "true"})):
        response = world.get(url, scenario="DEFAULT", params=params)
        assert response.status_code == 200
        assert response.content == DEFAULT_BODY
        assert_platform_headers(response)


def test_default_still_validates(world: World) -> None:
    assert_error(world.get(path(tax_year="2023"), scenario="DEFAULT"), *FORMAT_TAX_YEAR)


def test_not_found_scenario_is_404_even_with_data(world: World) -> None:
    world.seed(record())
    assert_error(world.get(scenario="NOT_FOUND"), *NOT_FOUND)
    assert_error(world.get(path(tax_year="2023"), scenario="NOT_FOUND"), *FORMAT_TAX_YEAR)


def test_stateful_answers_from_state_like_no_header(world: World) -> None:
    world.seed(record())
    expected = [{"taxYear": YEAR, "itsaStatusDetails": [details()]}]
    assert_ok(world.get(scenario="STATEFUL"), expected)
    assert_ok(world.get(), expected)


@pytest.mark.parametrize("scenario", ["not_found", "Default", "SOMETHING_ELSE", ""])
def test_an_unknown_scenario_is_400_after_validation(world: World, scenario: str) -> None:
    world.seed(record())
    assert_error(world.get(scenario=scenario), *BAD_SCENARIO)
    assert_error(world.get(path(tax_year="2023-25"), scenario=scenario), *RANGE_INVALID)


def test_no_record_for_the_year_is_404(world: World) -> None:
    world.seed(record("2024-25"), record("2026-27"))
    assert_error(world.get(), *NOT_FOUND)
    assert_error(world.get(params={"history": "true"}), *NOT_FOUND)


def test_history_false_gives_the_latest_and_true_gives_all_in_order(world: World) -> None:
    first = record(at=AT, status="No Status", income=None)
    second = record(at=AT + timedelta(days=30), status="MTD Voluntary", reason="MTD ITSA Opt-In")
    third = record(at=AT + timedelta(days=60), status="Annual", reason="MTD ITSA Opt-Out")
    world.seed(second, third, first)  # stored out of order
    latest = details(at="2025-07-22T12:29:27.566Z", status="Annual", reason="MTD ITSA Opt-Out")
    assert_ok(world.get(), [{"taxYear": YEAR, "itsaStatusDetails": [latest]}])
    assert_ok(
        world.get(params={"history": "false"}), [{"taxYear": YEAR, "itsaStatusDetails": [latest]}]
    )
    assert_ok(
        world.get(params={"history": "true"}),
        [
            {
                "taxYear": YEAR,
                "itsaStatusDetails": [
                    details(status="No Status", income=None),
                    details(
                        at="2025-06-22T12:29:27.566Z",
                        status="MTD Voluntary",
                        reason="MTD ITSA Opt-In",
                    ),
                    latest,
                ],
            }
        ],
    )


def test_future_years_adds_later_years_in_order_and_never_earlier_ones(world: World) -> None:
    world.seed(
        record("2027-28", status="MTD Voluntary"),
        record("2024-25", status="Annual"),
        record("2026-27", at=AT, status="No Status"),
        record("2026-27", at=AT + timedelta(hours=1), status="MTD Mandated"),
        record(YEAR),
    )
    later = details(at="2025-05-23T13:29:27.566Z")
    assert_ok(
        world.get(params={"futureYears": "true"}),
        [
            {"taxYear": YEAR, "itsaStatusDetails": [details()]},
            {"taxYear": "2026-27", "itsaStatusDetails": [later]},
            {"taxYear": "2027-28", "itsaStatusDetails": [details(status="MTD Voluntary")]},
        ],
    )
    assert_ok(
        world.get(params={"futureYears": "true", "history": "true"}),
        [
            {"taxYear": YEAR, "itsaStatusDetails": [details()]},
            {"taxYear": "2026-27", "itsaStatusDetails": [details(status="No Status"), later]},
            {"taxYear": "2027-28", "itsaStatusDetails": [details(status="MTD Voluntary")]},
        ],
    )
    assert_ok(
        world.get(params={"futureYears": "false"}),
        [{"taxYear": YEAR, "itsaStatusDetails": [details()]}],
    )


def test_future_years_with_nothing_for_the_requested_year_returns_the_later_ones(
    world: World,
) -> None:
    world.seed(record("2024-25"), record("2026-27"))
    assert_ok(
        world.get(params={"futureYears": "true"}),
        [{"taxYear": "2026-27", "itsaStatusDetails": [details()]}],
    )
    assert_error(world.get(path(tax_year="2027-28"), params={"futureYears": "true"}), *NOT_FOUND)


def test_another_ninos_statuses_are_not_mixed_in(world: World) -> None:
    world.seed(record(nino="AB123456C", status="Dormant"), record())
    assert_ok(world.get(), [{"taxYear": YEAR, "itsaStatusDetails": [details()]}])


def test_stored_values_are_written_as_hmrc_writes_them(world: World) -> None:
    world.seed(
        record("2022-23", status="Non Digital", income=Decimal("23600.90")),
        record(
            "2023-24",
            at=datetime(2023, 5, 23, 13, 29, 27, 999999, tzinfo=timezone(timedelta(hours=1))),
        ),
        record("2024-25", income=Decimal("100.00")),
        record(YEAR, income=Decimal("99999999999.99"), status="MTD Exempt"),
    )
    assert_ok(
        world.get(path(tax_year="2022-23"), params={"futureYears": "true"}),
        [
            {
                "taxYear": "2022-23",
                "itsaStatusDetails": [details(status="Digitally Exempt", income=23600.9)],
            },
            {
                "taxYear": "2023-24",
                "itsaStatusDetails": [details(at="2023-05-23T12:29:27.999Z")],
            },
            {"taxYear": "2024-25", "itsaStatusDetails": [details(income=100)]},
            {
                "taxYear": YEAR,
                "itsaStatusDetails": [details(status="MTD Exempt", income=99999999999.99)],
            },
        ],
    )
    text = world.get(path(tax_year="2024-25")).text
    assert '"businessIncome2YearsPrior":100}' in text


def test_replace_year_replaces_the_history(world: World) -> None:
    world.seed(record(status="Annual"))
    with world.emulator.services.store.transaction() as tx:
        tx.itsa_statuses.replace_year(NINO, YEAR, [record(status="MTD Voluntary")])
    assert_ok(
        world.get(params={"history": "true"}),
        [{"taxYear": YEAR, "itsaStatusDetails": [details(status="MTD Voluntary")]}],
    )


def test_a_stored_record_the_api_cannot_express_is_500(world: World) -> None:
    world.seed(record(status="Something odd"))
    assert_error(world.get(), 500, "INTERNAL_SERVER_ERROR", "An internal server error occurred")


# --- every response: correlation id, nosniff; fraud header feedback ---------------------------


def test_every_response_carries_a_fresh_correlation_id_and_nosniff(world: World) -> None:
    world.seed(record())
    token = world.token(world.customer)
    responses = [
        world.get(token=token),
        world.get(token=token, scenario="DEFAULT"),
        world.get(path("nonsense"), token=token),
        world.get(path("AB123456C"), token=token),
        world.get(path(tax_year="2023-25"), token=token),
        world.get(path(tax_year="2030-31"), token=token),
        world.get(token=token, scenario="BAD"),
        send(world.emulator, path(), accept=None),
        send(world.emulator, path()),
        world.get(token="nope"),
    ]
    for response in responses:
        assert_platform_headers(response)
    ids = {response.headers["x-correlationid"] for response in responses}
    assert len(ids) == len(responses)


TEMPLATE = "/individuals/person/itsa-status/{nino}/{taxYear}"


def test_fraud_header_feedback_is_kept_per_endpoint_and_never_blocks(world: World) -> None:
    application_id = world.created.application.id
    world.seed(record())

    def feedback() -> dict[str, tuple[datetime, str]]:
        with world.emulator.services.store.transaction() as tx:
            return {
                entry.path: (entry.requested_at, str(entry.result["code"]))
                for entry in tx.platform.feedback(application_id, API)
            }

    assert world.get().status_code == 200  # no fraud prevention headers at all
    first = feedback()
    assert list(first) == [TEMPLATE]
    world.emulator.advance(60)
    # Another tax year is the same endpoint: its check replaces the one before.
    response = world.get(
        path(tax_year="2025-26"), headers={"Gov-Client-Connection-Method": "NOT_A_METHOD"}
    )
    assert response.status_code == 200
    second = feedback()
    assert list(second) == [TEMPLATE]
    assert second[TEMPLATE] == (first[TEMPLATE][0] + timedelta(seconds=60), "INVALID_HEADERS")
    # A call the endpoint refuses (another NINO) is still checked, and is the same endpoint.
    world.emulator.advance(60)
    assert world.get(path("AB123456C")).status_code == 403
    third = feedback()
    assert list(third) == [TEMPLATE]
    assert third[TEMPLATE][0] == second[TEMPLATE][0] + timedelta(seconds=60)
