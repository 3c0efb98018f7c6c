"""HMRC's Self Assessment Test Support (MTD) API v1.0 in process: every endpoint, every error
in the OAS for each (with HMRC's messages), and the round trips through storage."""

from __future__ import annotations

import copy
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from httpx2 import Response

from openmtd.emulator.apis import test_support as sats
from openmtd.emulator.devhub.applications import CreatedApplication
from openmtd.emulator.platform.errors import ApiError
from openmtd.emulator.platform.gateway import CallContext
from openmtd.emulator.storage import StoredStatus
from support.emulator import PASSWORD, REDIRECT_URI, EmulatorHarness, query_of

ACCEPT = "application/vnd.hmrc.1.0+json"
BASE = "/individuals/self-assessment-test-support"
NINO = "AA123456A"
OTHER_NINO = "AB123456C"
BOTH_SCOPES = "read:self-assessment write:self-assessment"
ENTRY = {
    "submittedOn": "2021-03-23T16:02:34.039Z",
    "status": "MTD Mandated",
    "statusReason": "Sign up - no return available",
    "businessIncome2YearsPrior": 4500.23,
}
SELF_EMPLOYMENT = {
    "typeOfBusiness": "self-employment",
    "tradingName": "MyBusiness Pvt Ltd",
    "firstAccountingPeriodStartDate": "2020-04-06",
    "firstAccountingPeriodEndDate": "2021-04-05",
    "latencyDetails": {
        "latencyEndDate": "2022-04-06",
        "taxYear1": "2020-21",
        "latencyIndicator1": "A",
        "taxYear2": "2021-22",
        "latencyIndicator2": "Q",
    },
    "quarterlyTypeChoice": {"quarterlyPeriodType": "standard", "taxYearOfChoice": "2023-24"},
    "accountingType": "CASH",
    "commencementDate": "2020-04-06",
    "cessationDate": "2025-04-06",
    "businessAddressLineOne": "221b Baker Street",
    "businessAddressLineTwo": "Marylebone",
    "businessAddressLineThree": "London",
    "businessAddressLineFour": "England",
    "businessAddressPostcode": "NW1 6XE",
    "businessAddressCountryCode": "GB",
}
UK_PROPERTY = {
    "typeOfBusiness": "uk-property",
    "firstAccountingPeriodStartDate": "2021-04-06",
    "firstAccountingPeriodEndDate": "2022-04-05",
    "latencyDetails": {
        "latencyEndDate": "2023-04-06",
        "taxYear1": "2021-22",
        "latencyIndicator1": "A",
        "taxYear2": "2022-23",
        "latencyIndicator2": "Q",
    },
    "quarterlyTypeChoice": {"quarterlyPeriodType": "standard", "taxYearOfChoice": "2022-23"},
    "accountingType": "CASH",
    "commencementDate": "2020-04-06",
    "cessationDate": "2025-04-06",
}
FOREIGN_PROPERTY = {**UK_PROPERTY, "typeOfBusiness": "foreign-property"}


def body_with(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"itsaStatusDetails": list(entries)}


def entry(**changes: Any) -> dict[str, Any]:
    """ENTRY with fields changed; a field given as None is left out."""
    result = {**ENTRY, **changes}
    return {name: value for name, value in result.items() if value is not None}


def changed(base: dict[str, Any], path: str, value: Any = None) -> dict[str, Any]:
    """A copy of ``base`` with the member at ``path`` set (or removed when value is None)."""
    result = copy.deepcopy(base)
    *parents, last = path.strip("/").split("/")
    target = result
    for part in parents:
        target = target[part]
    if value is None:
        del target[last]
    else:
        target[last] = value
    return result


@dataclass
class Vendor:
    """An application (the vendor) with a person's user-restricted token."""

    emulator: EmulatorHarness
    created: CreatedApplication
    token: str

    @property
    def id(self) -> int:
        return self.created.application.id

    def request(self, method: str, path: str, **options: Any) -> Response:
        headers = {"Accept": ACCEPT, "Authorization": f"Bearer {self.token}"}
        return self.emulator.client.request(method, BASE + path, headers=headers, **options)

    def set_status(self, nino: str, tax_year: str, body: Any) -> Response:
        return self.request("POST", f"/itsa-status/{nino}/{tax_year}", json=body)

    def create_business(self, nino: str, body: Any) -> Response:
        return self.request("POST", f"/business/{nino}", json=body)

    def business_id(self, nino: str, body: Any) -> str:
        response = self.create_business(nino, body)
        assert response.status_code == 201, response.text
        business_id: str = response.json()["businessId"]
        return business_id

    def checkpoint(self, nino: str) -> str:
        response = self.request("POST", "/vendor-state/checkpoints", params={"nino": nino})
        assert response.status_code == 201, response.text
        checkpoint_id: str = response.json()["checkpointId"]
        return checkpoint_id


def user_token(
    emulator: EmulatorHarness, created: CreatedApplication, user_id: str, scope: str
) -> str:
    grant = emulator.client.post(
        "/emulator/oauth/grant",
        json={
            "clientId": created.application.client_id,
            "redirectUri": REDIRECT_URI,
            "scope": scope,
            "userId": user_id,
            "password": PASSWORD,
        },
    )
    assert grant.status_code == 200, grant.text
    tokens = emulator.client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": created.application.client_id,
            "client_secret": created.client_secret,
            "redirect_uri": REDIRECT_URI,
            "code": query_of(grant.json()["location"])["code"][0],
        },
    )
    assert tokens.status_code == 200, tokens.text
    token: str = tokens.json()["access_token"]
    return token


def new_vendor(emulator: EmulatorHarness, user_id: str, scope: str = BOTH_SCOPES) -> Vendor:
    created = emulator.application(rate_limit_per_second=1000)
    return Vendor(emulator, created, user_token(emulator, created, user_id, scope))


@pytest.fixture
def user_id(emulator: EmulatorHarness) -> str:
    return emulator.account(nino=NINO).user_id


@pytest.fixture
def vendor(emulator: EmulatorHarness, user_id: str) -> Vendor:
    return new_vendor(emulator, user_id)


def statuses(emulator: EmulatorHarness, nino: str = NINO) -> list[StoredStatus]:
    with emulator.services.store.transaction() as tx:
        return tx.itsa_statuses.for_nino(nino)


def business_ids(emulator: EmulatorHarness, application_id: int, nino: str = NINO) -> list[str]:
    with emulator.services.store.transaction() as tx:
        found = tx.sandbox.businesses(application_id=application_id, nino=nino)
    return sorted(business.business_id for business in found)


def assert_error(
    response: Response, status: int, code: str, message: str, paths: list[str] | None = None
) -> None:
    assert response.status_code == status, response.text
    expected: dict[str, Any] = {"code": code, "message": message}
    if paths is not None:
        expected["paths"] = paths
    assert response.json() == expected
    assert len(response.headers["x-correlationid"]) == 36


def assert_bad(response: Response, code: str, paths: list[str] | None = None) -> None:
    assert_error(response, 400, code, sats.MESSAGES[code], paths)


def assert_invalid(response: Response, *errors: dict[str, Any]) -> None:
    assert response.status_code == 400, response.text
    assert response.json() == {
        "code": "INVALID_REQUEST",
        "message": "Invalid request",
        "errors": list(errors),
    }


def err(code: str, *paths: str) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": sats.MESSAGES[code]}
    if paths:
        error["paths"] = list(paths)
    return error


def test_messages_are_hmrcs() -> None:
    # A few checked against the OAS's common/errors.yaml by eye, the rest by the same table.
    assert sats.MESSAGES["FORMAT_NINO"] == "The provided NINO is invalid"
    assert sats.MESSAGES["FORMAT_TAX_YEAR"] == "The provided tax year is invalid"
    assert sats.MESSAGES["RULE_TAX_YEAR_RANGE_INVALID"] == "The tax year range is invalid"
    assert (
        sats.MESSAGES["DUPLICATE_SUBMITTED_ON"] == "The provided submittedOn values are not unique"
    )
    assert sats.MESSAGES["CLIENT_OR_AGENT_NOT_AUTHORISED"] == (
        "The client and/or agent is not authorised"
    )
    assert sats.MESSAGES["MATCHING_RESOURCE_NOT_FOUND"] == "Matching resource not found"
    assert len(sats.COUNTRY_CODES) == 249


# --- the platform ---------------------------------------------------------------------------------

ENDPOINTS = [
    ("POST", f"/itsa-status/{NINO}/2026-27", "write"),
    ("DELETE", "/vendor-state", "write"),
    ("POST", "/vendor-state/checkpoints?nino=AA123456A", "write"),
    ("GET", "/vendor-state/checkpoints", "read"),
    ("DELETE", f"/vendor-state/checkpoints/{uuid.uuid4()}", "write"),
    ("POST", f"/vendor-state/checkpoints/{uuid.uuid4()}/restore", "write"),
    ("POST", f"/business/{NINO}", "write"),
    ("DELETE", f"/business/{NINO}/XAIS12345678910", "write"),
]


@pytest.mark.parametrize(("method", "path", "scope"), ENDPOINTS)
def test_every_endpoint_is_user_restricted_with_its_scope(
    emulator: EmulatorHarness, user_id: str, method: str, path: str, scope: str
) -> None:
    client = emulator.client
    response = client.request(method, BASE + path, headers={"Accept": ACCEPT})
    assert_error(response, 401, "MISSING_CREDENTIALS", "Authentication information is not provided")
    created = emulator.application(rate_limit_per_second=1000)
    server_token = client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": created.application.client_id,
            "client_secret": created.client_secret,
        },
    ).json()["access_token"]
    response = client.request(
        method, BASE + path, headers={"Accept": ACCEPT, "Authorization": f"Bearer {server_token}"}
    )
    assert response.status_code == 401
    assert response.json()["code"] == "INCORRECT_ACCESS_TOKEN_TYPE"
    other = "write:self-assessment" if scope == "read" else "read:self-assessment"
    narrow = Vendor(emulator, created, user_token(emulator, created, user_id, other))
    response = narrow.request(method, path)
    assert_error(
        response,
        403,
        "INVALID_SCOPE",
        "Can not access the required resource. Ensure this token has all the required scopes.",
    )
    response = narrow.emulator.client.request(
        method,
        BASE + path,
        headers={"Accept": "application/vnd.hmrc.2.0+json", "Authorization": "Bearer x"},
    )
    assert_error(response, 404, "NOT_FOUND", "The requested resource could not be found")


def test_a_token_whose_person_is_gone_is_client_or_agent_not_authorised(
    emulator: EmulatorHarness, vendor: Vendor
) -> None:
    with emulator.services.store.transaction() as tx:
        ctx = CallContext(tx, emulator.now(), "1.0", vendor.created.application, None, None, {}, "")
        calls = [
            lambda: sats.create_amend_itsa_status(ctx, NINO, "2026-27", b"{}"),
            lambda: sats.delete_vendor_state(ctx, None),
            lambda: sats.create_checkpoint(ctx, NINO),
            lambda: sats.list_checkpoints(ctx, None),
            lambda: sats.delete_checkpoint(ctx, str(uuid.uuid4())),
            lambda: sats.restore_checkpoint(ctx, str(uuid.uuid4())),
            lambda: sats.create_business(ctx, NINO, b"{}"),
            lambda: sats.delete_business(ctx, NINO, "XAIS12345678910"),
        ]
        for call in calls:
            with pytest.raises(ApiError) as raised:
                call()
            assert raised.value.status_code == 403
            assert raised.value.body() == {
                "code": "CLIENT_OR_AGENT_NOT_AUTHORISED",
                "message": "The client and/or agent is not authorised",
            }


# --- Create and Amend Test ITSA Status ------------------------------------------------------------


def test_create_stores_the_records_for_this_vendor(
    emulator: EmulatorHarness, vendor: Vendor
) -> None:
    second = entry(submittedOn="2022-01-01T00:00:00.000Z", status="Annual", statusReason="Rollover")
    del second["businessIncome2YearsPrior"]
    response = vendor.set_status(NINO, "2023-24", body_with(ENTRY, second))
    assert response.status_code == 204
    assert response.content == b""
    assert len(response.headers["x-correlationid"]) == 36
    stored = statuses(emulator)
    assert [(s.tax_year, s.status, s.status_reason) for s in stored] == [
        ("2023-24", "MTD Mandated", "Sign up - no return available"),
        ("2023-24", "Annual", "Rollover"),
    ]
    assert stored[0].submitted_on.isoformat() == "2021-03-23T16:02:34.039000+00:00"
    assert stored[0].business_income_2_years_prior == Decimal("4500.23")
    assert stored[1].business_income_2_years_prior is None
    assert {s.application_id for s in stored} == {vendor.id}


def test_amend_replaces_the_year_and_leaves_other_years(
    emulator: EmulatorHarness, vendor: Vendor
) -> None:
    vendor.set_status(NINO, "2024-25", body_with(entry(status="Annual")))
    vendor.set_status(NINO, "2025-26", body_with(entry(status="Dormant")))
    response = vendor.set_status(NINO, "2025-26", body_with(entry(status="MTD Exempt")))
    assert response.status_code == 204
    assert [(s.tax_year, s.status) for s in statuses(emulator)] == [
        ("2024-25", "Annual"),
        ("2025-26", "MTD Exempt"),
    ]


def test_non_digital_is_accepted_and_stored_as_what_it_is_now(
    emulator: EmulatorHarness, vendor: Vendor
) -> None:
    response = vendor.set_status(NINO, "2026-27", body_with(entry(status="Non Digital")))
    assert response.status_code == 204
    assert [s.status for s in statuses(emulator)] == ["Digitally Exempt"]


@pytest.mark.parametrize("status", ["No Status", "MTD Voluntary", "Dormant", "MTD Exempt"])
def test_every_status_in_the_enum_is_accepted(vendor: Vendor, status: str) -> None:
    assert vendor.set_status(NINO, "2026-27", body_with(entry(status=status))).status_code == 204


@pytest.mark.parametrize("reason", sats.ACCEPTED_REASONS)
def test_every_reason_with_codes_00_to_12_is_accepted(vendor: Vendor, reason: str) -> None:
    assert (
        vendor.set_status(NINO, "2026-27", body_with(entry(statusReason=reason))).status_code == 204
    )


@pytest.mark.parametrize("income", [0, 0.01, 99999999999.99, 12])
def test_incomes_in_range_are_accepted(vendor: Vendor, income: float) -> None:
    body = body_with(entry(businessIncome2YearsPrior=income))
    assert vendor.set_status(NINO, "2026-27", body).status_code == 204


def test_any_well_formed_nino_is_accepted(emulator: EmulatorHarness, vendor: Vendor) -> None:
    # HMRC's service does not look the NINO up; neither does the emulator.
    assert vendor.set_status("ZZ", "2026-27", body_with(ENTRY)).status_code == 400
    assert vendor.set_status(OTHER_NINO, "2026-27", body_with(ENTRY)).status_code == 204
    assert len(statuses(emulator, OTHER_NINO)) == 1


@pytest.mark.parametrize(
    ("nino", "tax_year", "code"),
    [
        ("AA12345A", "2026-27", "FORMAT_NINO"),
        ("aa123456a", "2026-27", "FORMAT_NINO"),
        ("QQ123456A", "2026-27", "FORMAT_NINO"),
        (NINO, "2026", "FORMAT_TAX_YEAR"),
        (NINO, "2009-10", "FORMAT_TAX_YEAR"),
        (NINO, "2026-28", "RULE_TAX_YEAR_RANGE_INVALID"),
    ],
)
def test_path_parameters(vendor: Vendor, nino: str, tax_year: str, code: str) -> None:
    assert_bad(vendor.set_status(nino, tax_year, body_with(ENTRY)), code)


def test_both_path_parameters_bad_is_invalid_request_sorted(vendor: Vendor) -> None:
    response = vendor.set_status("AA12345A", "2026-28", {})
    assert_invalid(response, err("FORMAT_NINO"), err("RULE_TAX_YEAR_RANGE_INVALID"))


@pytest.mark.parametrize(
    ("changes", "code", "path"),
    [
        ({"status": "Digitally Exempt"}, "FORMAT_STATUS", "status"),
        ({"status": "MTD mandated"}, "FORMAT_STATUS", "status"),
        ({"statusReason": "Capacitor"}, "FORMAT_STATUS_REASON", "statusReason"),
        ({"statusReason": "01"}, "FORMAT_STATUS_REASON", "statusReason"),
        ({"businessIncome2YearsPrior": -1}, "FORMAT_BUSINESS_INCOME_2_YEARS_PRIOR", None),
        ({"businessIncome2YearsPrior": 1.234}, "FORMAT_BUSINESS_INCOME_2_YEARS_PRIOR", None),
        (
            {"businessIncome2YearsPrior": 100000000000},
            "FORMAT_BUSINESS_INCOME_2_YEARS_PRIOR",
            None,
        ),
        ({"submittedOn": "2021-03-23T16:02:34Z"}, "FORMAT_SUBMITTED_ON", "submittedOn"),
        ({"submittedOn": "2021-03-23T16:02:34.039"}, "FORMAT_SUBMITTED_ON", "submittedOn"),
        ({"submittedOn": "2021-13-23T16:02:34.039Z"}, "FORMAT_SUBMITTED_ON", "submittedOn"),
        ({"submittedOn": "2021-03-23 16:02:34.039Z"}, "FORMAT_SUBMITTED_ON", "submittedOn"),
    ],
)
def test_field_errors_carry_their_path(
    vendor: Vendor, changes: dict[str, Any], code: str, path: str | None
) -> None:
    field = path or "businessIncome2YearsPrior"
    response = vendor.set_status(NINO, "2026-27", body_with(ENTRY, entry(**changes)))
    assert_bad(response, code, [f"/itsaStatusDetails/1/{field}"])


def test_duplicate_submitted_on(vendor: Vendor) -> None:
    response = vendor.set_status(NINO, "2026-27", body_with(ENTRY, entry(status="Annual")))
    assert_bad(response, "DUPLICATE_SUBMITTED_ON")


@pytest.mark.parametrize(
    ("body", "paths"),
    [
        ({}, None),
        ([], None),
        ({"itsaStatusDetails": "x"}, None),
        ({"itsaStatusDetails": []}, ["/itsaStatusDetails"]),
        (body_with(entry(submittedOn=None)), ["/itsaStatusDetails/0/submittedOn"]),
        (body_with(entry(submittedOn=20210323)), ["/itsaStatusDetails/0/submittedOn"]),
        (
            body_with(entry(businessIncome2YearsPrior="4500")),
            ["/itsaStatusDetails/0/businessIncome2YearsPrior"],
        ),
        (
            body_with(entry(businessIncome2YearsPrior=True)),
            ["/itsaStatusDetails/0/businessIncome2YearsPrior"],
        ),
        (body_with(entry(status=None)), ["/itsaStatusDetails/0/status"]),
        (body_with(entry(statusReason=1)), ["/itsaStatusDetails/0/statusReason"]),
        (
            body_with(entry(status=None, statusReason=None), entry(status=None, statusReason=None)),
            [
                "/itsaStatusDetails/0/status",
                "/itsaStatusDetails/0/statusReason",
                "/itsaStatusDetails/1/status",
                "/itsaStatusDetails/1/statusReason",
            ],
        ),
        (
            {"itsaStatusDetails": [7]},
            ["/itsaStatusDetails/0/status", "/itsaStatusDetails/0/statusReason"],
        ),
    ],
)
def test_incorrect_or_empty_bodies(vendor: Vendor, body: Any, paths: list[str] | None) -> None:
    response = vendor.set_status(NINO, "2026-27", body)
    assert_bad(response, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED", paths)


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"itsaStatusDetails": NaN}'])
def test_a_body_that_is_not_json(vendor: Vendor, content: bytes) -> None:
    response = vendor.request("POST", f"/itsa-status/{NINO}/2026-27", content=content)
    assert_bad(response, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED")


def test_levels_stop_at_the_first_that_fails(vendor: Vendor) -> None:
    # A missing status is found before a bad submittedOn (HMRC's validator order).
    body = body_with(entry(status=None, submittedOn="bad"), entry(status="Annual"))
    response = vendor.set_status(NINO, "2026-27", body)
    assert_bad(response, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED", ["/itsaStatusDetails/0/status"])
    # Path parameters before the body.
    assert_bad(vendor.set_status("X", "2026-27", {}), "FORMAT_NINO")


def test_several_errors_in_one_level_are_invalid_request_sorted(vendor: Vendor) -> None:
    body = body_with(
        entry(status="Digitally Exempt", statusReason="Capacitor"),
        entry(submittedOn="2022-01-01T00:00:00.000Z", status="Nope"),
    )
    response = vendor.set_status(NINO, "2026-27", body)
    assert_invalid(
        response,
        err("FORMAT_STATUS", "/itsaStatusDetails/0/status", "/itsaStatusDetails/1/status"),
        err("FORMAT_STATUS_REASON", "/itsaStatusDetails/0/statusReason"),
    )
    body = body_with(entry(submittedOn="x", businessIncome2YearsPrior=-5))
    assert_invalid(
        vendor.set_status(NINO, "2026-27", body),
        err(
            "FORMAT_BUSINESS_INCOME_2_YEARS_PRIOR", "/itsaStatusDetails/0/businessIncome2YearsPrior"
        ),
        err("FORMAT_SUBMITTED_ON", "/itsaStatusDetails/0/submittedOn"),
    )


def test_a_refused_request_changes_nothing(emulator: EmulatorHarness, vendor: Vendor) -> None:
    vendor.set_status(NINO, "2026-27", body_with(ENTRY))
    vendor.set_status(NINO, "2026-27", body_with(ENTRY, entry(status="Annual")))
    assert [s.status for s in statuses(emulator)] == ["MTD Mandated"]


# --- Delete Stateful Test Data -------------------------------------------------------------------


def test_vendor_state_delete_removes_only_this_vendors_data(
    emulator: EmulatorHarness, vendor: Vendor, user_id: str
) -> None:
    other = new_vendor(emulator, user_id)
    vendor.set_status(NINO, "2025-26", body_with(ENTRY))
    vendor.set_status(OTHER_NINO, "2025-26", body_with(ENTRY))
    vendor.business_id(NINO, SELF_EMPLOYMENT)
    other.set_status(NINO, "2026-27", body_with(entry(status="Annual")))
    other_business = other.business_id(NINO, UK_PROPERTY)
    with emulator.services.store.transaction() as tx:  # HMRC-held data, as a sign-up leaves
        tx.itsa_statuses.add(
            StoredStatus(NINO, "2027-28", emulator.now(), "MTD Voluntary", "Complex")
        )
    checkpoint = vendor.checkpoint(NINO)
    response = vendor.request("DELETE", "/vendor-state")
    assert response.status_code == 204
    assert response.content == b""
    assert [(s.tax_year, s.application_id) for s in statuses(emulator)] == [
        ("2026-27", other.id),
        ("2027-28", None),
    ]
    assert statuses(emulator, OTHER_NINO) == []
    assert business_ids(emulator, vendor.id) == []
    assert business_ids(emulator, other.id) == [other_business]
    # Checkpoints are not vendor state.
    listed = vendor.request("GET", "/vendor-state/checkpoints").json()["checkpoints"]
    assert [c["checkpointId"] for c in listed] == [checkpoint]
    # Nothing left to delete.
    assert_error(
        vendor.request("DELETE", "/vendor-state"),
        404,
        "MATCHING_RESOURCE_NOT_FOUND",
        "Matching resource not found",
    )


def test_vendor_state_delete_for_one_nino(emulator: EmulatorHarness, vendor: Vendor) -> None:
    vendor.set_status(NINO, "2025-26", body_with(ENTRY))
    vendor.set_status(OTHER_NINO, "2025-26", body_with(ENTRY))
    vendor.business_id(OTHER_NINO, FOREIGN_PROPERTY)
    response = vendor.request("DELETE", "/vendor-state", params={"nino": OTHER_NINO})
    assert response.status_code == 204
    assert len(statuses(emulator)) == 1
    assert statuses(emulator, OTHER_NINO) == []
    assert business_ids(emulator, vendor.id, OTHER_NINO) == []
    response = vendor.request("DELETE", "/vendor-state", params={"nino": OTHER_NINO})
    assert_error(response, 404, "MATCHING_RESOURCE_NOT_FOUND", "Matching resource not found")


@pytest.mark.parametrize("nino", ["", "AA12345", "not a nino"])
def test_vendor_state_delete_with_a_bad_nino(vendor: Vendor, nino: str) -> None:
    assert_bad(vendor.request("DELETE", "/vendor-state", params={"nino": nino}), "FORMAT_NINO")


# --- checkpoints ----------------------------------------------------------------------------------


def test_create_and_list_checkpoints(emulator: EmulatorHarness, vendor: Vendor) -> None:
    vendor.set_status(NINO, "2025-26", body_with(ENTRY))
    vendor.business_id(OTHER_NINO, SELF_EMPLOYMENT)
    first = vendor.checkpoint(NINO)
    assert re.fullmatch(r"[A-Za-z0-9\-]{36}", first)
    emulator.advance(1.5)
    second = vendor.checkpoint(OTHER_NINO)
    response = vendor.request("GET", "/vendor-state/checkpoints")
    assert response.status_code == 200
    assert response.json() == {
        "checkpoints": [
            {
                "checkpointId": first,
                "nino": NINO,
                "checkpointCreationTimestamp": "2026-11-26T10:00:00.000Z",
            },
            {
                "checkpointId": second,
                "nino": OTHER_NINO,
                "checkpointCreationTimestamp": "2026-11-26T10:00:01.500Z",
            },
        ]
    }
    response = vendor.request("GET", "/vendor-state/checkpoints", params={"nino": OTHER_NINO})
    assert [c["checkpointId"] for c in response.json()["checkpoints"]] == [second]


def test_list_checkpoints_needs_only_read_and_may_be_empty(
    emulator: EmulatorHarness, user_id: str
) -> None:
    reader = new_vendor(emulator, user_id, "read:self-assessment")
    response = reader.request("GET", "/vendor-state/checkpoints")
    assert response.status_code == 200
    assert response.json() == {"checkpoints": []}


def test_checkpoints_belong_to_their_vendor(
    emulator: EmulatorHarness, vendor: Vendor, user_id: str
) -> None:
    vendor.set_status(NINO, "2025-26", body_with(ENTRY))
    checkpoint = vendor.checkpoint(NINO)
    other = new_vendor(emulator, user_id)
    assert other.request("GET", "/vendor-state/checkpoints").json() == {"checkpoints": []}
    not_found = ("MATCHING_RESOURCE_NOT_FOUND", "Matching resource not found")
    response = other.request("POST", f"/vendor-state/checkpoints/{checkpoint}/restore")
    assert_error(response, 404, *not_found)
    assert_error(
        other.request("DELETE", f"/vendor-state/checkpoints/{checkpoint}"), 404, *not_found
    )
    # Another vendor's data for the NINO is not this vendor's: nothing to copy.
    response = other.request("POST", "/vendor-state/checkpoints", params={"nino": NINO})
    assert_error(response, 404, *not_found)


@pytest.mark.parametrize("params", [{}, {"nino": ""}, {"nino": "AA1234567A"}])
def test_create_checkpoint_needs_a_valid_nino(vendor: Vendor, params: dict[str, str]) -> None:
    assert_bad(vendor.request("POST", "/vendor-state/checkpoints", params=params), "FORMAT_NINO")


def test_create_checkpoint_with_no_data_is_not_found(vendor: Vendor) -> None:
    response = vendor.request("POST", "/vendor-state/checkpoints", params={"nino": NINO})
    assert_error(response, 404, "MATCHING_RESOURCE_NOT_FOUND", "Matching resource not found")


def test_list_checkpoints_with_a_bad_nino(vendor: Vendor) -> None:
    response = vendor.request("GET", "/vendor-state/checkpoints", params={"nino": "123"})
    assert_bad(response, "FORMAT_NINO")


def test_restore_puts_back_the_statuses_and_businesses(
    emulator: EmulatorHarness, vendor: Vendor
) -> None:
    vendor.set_status(NINO, "2025-26", body_with(entry(status="Annual")))
    kept = vendor.business_id(NINO, SELF_EMPLOYMENT)
    checkpoint = vendor.checkpoint(NINO)
    saved = [
        (s.tax_year, s.status, s.submitted_on, s.business_income_2_years_prior)
        for s in statuses(emulator)
    ]
    # Change everything.
    vendor.set_status(NINO, "2025-26", body_with(entry(status="MTD Voluntary")))
    vendor.set_status(NINO, "2026-27", body_with(entry(status="Dormant")))
    assert vendor.request("DELETE", f"/business/{NINO}/{kept}").status_code == 204
    added = vendor.business_id(NINO, UK_PROPERTY)
    response = vendor.request("POST", f"/vendor-state/checkpoints/{checkpoint}/restore")
    assert response.status_code == 201
    assert response.content == b""
    restored = statuses(emulator)
    assert [
        (s.tax_year, s.status, s.submitted_on, s.business_income_2_years_prior) for s in restored
    ] == saved
    assert {s.application_id for s in restored} == {vendor.id}
    assert business_ids(emulator, vendor.id) == [kept]
    assert added != kept
    with emulator.services.store.transaction() as tx:
        (business,) = tx.sandbox.businesses(application_id=vendor.id, nino=NINO)
    assert business.type_of_business == "self-employment"
    assert business.details["tradingName"] == "MyBusiness Pvt Ltd"
    # The checkpoint can be restored again, and is still listed.
    assert (
        vendor.request("POST", f"/vendor-state/checkpoints/{checkpoint}/restore").status_code == 201
    )
    assert len(vendor.request("GET", "/vendor-state/checkpoints").json()["checkpoints"]) == 1


def test_restore_leaves_other_ninos_alone(emulator: EmulatorHarness, vendor: Vendor) -> None:
    vendor.set_status(NINO, "2025-26", body_with(ENTRY))
    checkpoint = vendor.checkpoint(NINO)
    vendor.set_status(OTHER_NINO, "2025-26", body_with(ENTRY))
    vendor.request("POST", f"/vendor-state/checkpoints/{checkpoint}/restore")
    assert len(statuses(emulator, OTHER_NINO)) == 1


def test_delete_checkpoint(vendor: Vendor) -> None:
    vendor.set_status(NINO, "2025-26", body_with(ENTRY))
    checkpoint = vendor.checkpoint(NINO)
    response = vendor.request("DELETE", f"/vendor-state/checkpoints/{checkpoint}")
    assert response.status_code == 204
    assert response.content == b""
    assert vendor.request("GET", "/vendor-state/checkpoints").json() == {"checkpoints": []}
    response = vendor.request("DELETE", f"/vendor-state/checkpoints/{checkpoint}")
    assert_error(response, 404, "MATCHING_RESOURCE_NOT_FOUND", "Matching resource not found")
    response = vendor.request("POST", f"/vendor-state/checkpoints/{checkpoint}/restore")
    assert_error(response, 404, "MATCHING_RESOURCE_NOT_FOUND", "Matching resource not found")


@pytest.mark.parametrize("checkpoint_id", ["abc", "a1e8057e_fbbc_47a8_a8b4_78d9f015c253", "x" * 37])
def test_bad_checkpoint_ids(vendor: Vendor, checkpoint_id: str) -> None:
    for method, path in (
        ("DELETE", f"/vendor-state/checkpoints/{checkpoint_id}"),
        ("POST", f"/vendor-state/checkpoints/{checkpoint_id}/restore"),
    ):
        assert_bad(vendor.request(method, path), "FORMAT_CHECKPOINT_ID")


# --- Create a Test Business -----------------------------------------------------------------------


@pytest.mark.parametrize("body", [SELF_EMPLOYMENT, UK_PROPERTY, FOREIGN_PROPERTY])
def test_create_the_oas_examples(emulator: EmulatorHarness, vendor: Vendor, body: Any) -> None:
    response = vendor.create_business(NINO, body)
    assert response.status_code == 201, response.text
    assert list(response.json()) == ["businessId"]
    business_id = response.json()["businessId"]
    assert re.fullmatch(r"X[A-Z0-9]IS[0-9]{11}", business_id)
    with emulator.services.store.transaction() as tx:
        (stored,) = tx.sandbox.businesses(application_id=vendor.id, nino=NINO)
    assert stored.business_id == business_id
    assert stored.type_of_business == body["typeOfBusiness"]
    assert stored.details == body
    assert stored.created_at == emulator.now()


def test_minimal_businesses(vendor: Vendor) -> None:
    assert (
        vendor.create_business(NINO, {"typeOfBusiness": "property-unspecified"}).status_code == 201
    )
    minimal = {
        "typeOfBusiness": "self-employment",
        "tradingName": "Odd Jobs",
        "businessAddressLineOne": "1 Rue de la Paix",
        "businessAddressCountryCode": "FR",
    }
    assert vendor.create_business(NINO, minimal).status_code == 201
    # Several self-employments are fine.
    assert vendor.create_business(NINO, minimal).status_code == 201


def test_one_property_business_of_each_type(
    vendor: Vendor, emulator: EmulatorHarness, user_id: str
) -> None:
    vendor.business_id(NINO, UK_PROPERTY)
    assert_bad(vendor.create_business(NINO, UK_PROPERTY), "RULE_PROPERTY_BUSINESS_ADDED")
    assert vendor.create_business(NINO, FOREIGN_PROPERTY).status_code == 201
    assert vendor.create_business(OTHER_NINO, UK_PROPERTY).status_code == 201
    assert new_vendor(emulator, user_id).create_business(NINO, UK_PROPERTY).status_code == 201


def test_business_ids_are_unique(vendor: Vendor) -> None:
    ids = {vendor.business_id(NINO, SELF_EMPLOYMENT) for _ in range(20)}
    assert len(ids) == 20


def test_create_business_with_a_bad_nino(vendor: Vendor) -> None:
    assert_bad(vendor.create_business("AA123456E", SELF_EMPLOYMENT), "FORMAT_NINO")
    # The NINO is checked before the body.
    assert_bad(vendor.create_business("AA123456E", {}), "FORMAT_NINO")


@pytest.mark.parametrize(
    ("path", "value", "code"),
    [
        ("/typeOfBusiness", "partnership", "FORMAT_TYPE_OF_BUSINESS"),
        ("/accountingType", "cash", "FORMAT_ACCOUNTING_TYPE"),
        ("/latencyDetails/latencyIndicator1", "M", "FORMAT_LATENCY_INDICATOR"),
        ("/latencyDetails/latencyIndicator2", "a", "FORMAT_LATENCY_INDICATOR"),
        ("/latencyDetails/taxYear1", "2020", "FORMAT_TAX_YEAR"),
        ("/latencyDetails/taxYear2", "2021-23", "RULE_TAX_YEAR_RANGE_INVALID"),
        ("/quarterlyTypeChoice/taxYearOfChoice", "23-24", "FORMAT_TAX_YEAR"),
        ("/businessAddressCountryCode", "UK", "FORMAT_COUNTRY_CODE"),
        ("/businessAddressCountryCode", "GBR", "FORMAT_COUNTRY_CODE"),
        ("/businessAddressPostcode", "NW1", "FORMAT_POSTCODE"),
        ("/businessAddressPostcode", "nw1 6xe", "FORMAT_POSTCODE"),
        ("/firstAccountingPeriodStartDate", "2020-4-6", "FORMAT_DATE"),
        ("/firstAccountingPeriodEndDate", "2021-02-30", "FORMAT_DATE"),
        ("/latencyDetails/latencyEndDate", "06/04/2022", "FORMAT_DATE"),
        ("/commencementDate", "yesterday", "FORMAT_DATE"),
        ("/cessationDate", "2025-04-06T00:00:00Z", "FORMAT_DATE"),
    ],
)
def test_field_formats(vendor: Vendor, path: str, value: str, code: str) -> None:
    response = vendor.create_business(NINO, changed(SELF_EMPLOYMENT, path, value))
    assert_bad(response, code, [path])


def test_bfpo_postcodes_are_accepted(vendor: Vendor) -> None:
    body = changed(SELF_EMPLOYMENT, "/businessAddressPostcode", "BFPO 105")
    assert vendor.create_business(NINO, body).status_code == 201


@pytest.mark.parametrize(
    ("body", "paths"),
    [
        ({}, None),
        ([SELF_EMPLOYMENT], None),
        ("self-employment", None),
        (changed(SELF_EMPLOYMENT, "/typeOfBusiness"), ["/typeOfBusiness"]),
        (changed(SELF_EMPLOYMENT, "/tradingName", 42), ["/tradingName"]),
        (changed(SELF_EMPLOYMENT, "/latencyDetails", "none"), ["/latencyDetails"]),
        (
            changed(SELF_EMPLOYMENT, "/latencyDetails/taxYear2"),
            ["/latencyDetails/taxYear2"],
        ),
        (
            changed(SELF_EMPLOYMENT, "/quarterlyTypeChoice/quarterlyPeriodType", "monthly"),
            ["/quarterlyTypeChoice/quarterlyPeriodType"],
        ),
        (
            changed(SELF_EMPLOYMENT, "/quarterlyTypeChoice/taxYearOfChoice"),
            ["/quarterlyTypeChoice/taxYearOfChoice"],
        ),
        ({**SELF_EMPLOYMENT, "tradingname": "typo"}, ["/tradingname"]),
        ({**SELF_EMPLOYMENT, "a/b": 1}, ["/a~1b"]),
        (
            {"typeOfBusiness": "uk-property", "commencementDate": 20200406, "extra": True},
            ["/extra", "/commencementDate"],
        ),
    ],
)
def test_bodies_that_do_not_match_the_schema(
    vendor: Vendor, body: Any, paths: list[str] | None
) -> None:
    assert_bad(vendor.create_business(NINO, body), "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED", paths)


def test_a_business_body_that_is_not_json(vendor: Vendor) -> None:
    response = vendor.request("POST", f"/business/{NINO}", content=b"{")
    assert_bad(response, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (changed(SELF_EMPLOYMENT, "/businessAddressPostcode"), "MISSING_POSTCODE"),
        (
            changed(SELF_EMPLOYMENT, "/firstAccountingPeriodStartDate"),
            "MISSING_FIRST_ACCOUNTING_PERIOD_START_DATE",
        ),
        (
            changed(SELF_EMPLOYMENT, "/firstAccountingPeriodEndDate"),
            "MISSING_FIRST_ACCOUNTING_PERIOD_END_DATE",
        ),
        (
            changed(SELF_EMPLOYMENT, "/firstAccountingPeriodEndDate", "2021-03-31"),
            "RULE_FIRST_ACCOUNTING_DATE_RANGE_INVALID",
        ),
        (
            changed(SELF_EMPLOYMENT, "/firstAccountingPeriodStartDate", "2020-04-01"),
            "RULE_FIRST_ACCOUNTING_DATE_RANGE_INVALID",
        ),
        (
            changed(
                changed(SELF_EMPLOYMENT, "/firstAccountingPeriodStartDate", "1999-04-06"),
                "/firstAccountingPeriodEndDate",
                "2000-04-05",
            ),
            "RULE_FIRST_ACCOUNTING_DATE_RANGE_INVALID",
        ),
        (
            {**UK_PROPERTY, "businessAddressLineOne": "1 High St"},
            "RULE_UNEXPECTED_BUSINESS_ADDRESS",
        ),
        ({**UK_PROPERTY, "businessAddressCountryCode": "GB"}, "RULE_UNEXPECTED_BUSINESS_ADDRESS"),
        (changed(SELF_EMPLOYMENT, "/businessAddressLineOne"), "RULE_MISSING_BUSINESS_ADDRESS"),
        ({**FOREIGN_PROPERTY, "tradingName": "Villa"}, "RULE_UNEXPECTED_TRADING_NAME"),
        (changed(SELF_EMPLOYMENT, "/tradingName"), "RULE_MISSING_TRADING_NAME"),
        (
            changed(SELF_EMPLOYMENT, "/commencementDate", "2026-11-26"),
            "RULE_COMMENCEMENT_DATE_NOT_SUPPORTED",
        ),
        (
            changed(SELF_EMPLOYMENT, "/commencementDate", "2027-01-01"),
            "RULE_COMMENCEMENT_DATE_NOT_SUPPORTED",
        ),
    ],
)
def test_business_rules(vendor: Vendor, body: Any, code: str) -> None:
    assert_bad(vendor.create_business(NINO, body), code)


def test_missing_country_code_is_a_missing_address(vendor: Vendor) -> None:
    body = changed(SELF_EMPLOYMENT, "/businessAddressCountryCode")
    assert_bad(vendor.create_business(NINO, body), "RULE_MISSING_BUSINESS_ADDRESS")


def test_several_rule_errors_are_invalid_request_sorted(vendor: Vendor) -> None:
    body = {
        "typeOfBusiness": "self-employment",
        "businessAddressCountryCode": "GB",
        "firstAccountingPeriodEndDate": "2021-04-05",
        "commencementDate": "2030-01-01",
    }
    assert_invalid(
        vendor.create_business(NINO, body),
        err("MISSING_FIRST_ACCOUNTING_PERIOD_START_DATE"),
        err("MISSING_POSTCODE"),
        err("RULE_COMMENCEMENT_DATE_NOT_SUPPORTED"),
        err("RULE_MISSING_BUSINESS_ADDRESS"),
        err("RULE_MISSING_TRADING_NAME"),
    )


def test_business_levels_stop_at_the_first_that_fails(vendor: Vendor) -> None:
    # Field formats come before the schema: a bad date hides the missing typeOfBusiness.
    body = changed(changed(SELF_EMPLOYMENT, "/typeOfBusiness"), "/cessationDate", "x")
    assert_bad(vendor.create_business(NINO, body), "FORMAT_DATE", ["/cessationDate"])
    body = changed(
        changed(SELF_EMPLOYMENT, "/accountingType", "X"), "/latencyDetails/taxYear1", "2020-22"
    )
    assert_invalid(
        vendor.create_business(NINO, body),
        err("FORMAT_ACCOUNTING_TYPE", "/accountingType"),
        err("RULE_TAX_YEAR_RANGE_INVALID", "/latencyDetails/taxYear1"),
    )


# --- Delete a Test Business -----------------------------------------------------------------------


def test_delete_business(emulator: EmulatorHarness, vendor: Vendor, user_id: str) -> None:
    business_id = vendor.business_id(NINO, SELF_EMPLOYMENT)
    other = new_vendor(emulator, user_id)
    not_found = ("MATCHING_RESOURCE_NOT_FOUND", "Matching resource not found")
    assert_error(other.request("DELETE", f"/business/{NINO}/{business_id}"), 404, *not_found)
    assert_error(vendor.request("DELETE", f"/business/{OTHER_NINO}/{business_id}"), 404, *not_found)
    response = vendor.request("DELETE", f"/business/{NINO}/{business_id}")
    assert response.status_code == 204
    assert response.content == b""
    assert business_ids(emulator, vendor.id) == []
    assert_error(vendor.request("DELETE", f"/business/{NINO}/{business_id}"), 404, *not_found)


def test_delete_business_bad_parameters(vendor: Vendor) -> None:
    assert_bad(vendor.request("DELETE", "/business/AA123/XAIS12345678910"), "FORMAT_NINO")
    assert_bad(vendor.request("DELETE", f"/business/{NINO}/XAIS1234567891"), "FORMAT_BUSINESS_ID")
    assert_bad(vendor.request("DELETE", f"/business/{NINO}/YAIS12345678910"), "FORMAT_BUSINESS_ID")
    assert_invalid(
        vendor.request("DELETE", "/business/AA123/XAIS1234"),
        err("FORMAT_BUSINESS_ID"),
        err("FORMAT_NINO"),
    )
