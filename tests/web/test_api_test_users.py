"""HMRC's Create Test User API v1.0 in process: every endpoint, every error, the identifiers,
and a created user signing in through the grant-authority journey."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from httpx2 import Response

from openmtd.emulator.apis import test_users
from openmtd.emulator.apis.test_users import identifiers
from openmtd.emulator.devhub.applications import CreatedApplication
from openmtd.emulator.storage import AffinityGroup, Enrolment
from openmtd.rules.identifiers import Arn, MtdItId, Nino, SaUtr
from support.emulator import REDIRECT_URI, EmulatorHarness, query_of

ACCEPT = "application/vnd.hmrc.1.0+json"
ITSA_SERVICES = ["national-insurance", "self-assessment", "mtd-income-tax"]
INDIVIDUAL_SERVICES = [
    "national-insurance",
    "self-assessment",
    "mtd-income-tax",
    "customs-services",
    "goods-vehicle-movements",
    "import-control-system",
    "mtd-vat",
    "common-transit-convention-traders",
    "common-transit-convention-traders-legacy",
]
ORGANISATION_SERVICES = [
    "corporation-tax",
    "paye-for-employers",
    "submit-vat-returns",
    "national-insurance",
    "self-assessment",
    "mtd-income-tax",
    "mtd-vat",
    "lisa",
    "secure-electronic-transfer",
    "relief-at-source",
    "customs-services",
    "goods-vehicle-movements",
    "import-control-system",
    "safety-and-security",
    "common-transit-convention-traders",
    "common-transit-convention-traders-legacy",
    "excise-movement-control-system",
    "modernisation-of-authorisations",
    "pillar-2",
]
USER_FIELDS = ["userId", "password", "userFullName", "emailAddress"]


@dataclass
class Api:
    """The emulator with an application and its application-restricted token."""

    emulator: EmulatorHarness
    created: CreatedApplication
    token: str

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Accept": ACCEPT, "Authorization": f"Bearer {self.token}", **extra}

    def post(self, kind: str, body: Any = None, *, content: bytes | None = None) -> Response:
        path = f"/create-test-user/{kind}"
        if content is not None:
            return self.emulator.client.post(path, content=content, headers=self.headers())
        if body is None:
            return self.emulator.client.post(path, headers=self.headers())
        return self.emulator.client.post(path, json=body, headers=self.headers())

    def individual(self, services: list[str], **fields: Any) -> dict[str, Any]:
        response = self.post("individuals", {"serviceNames": services, **fields})
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body


def application_token(emulator: EmulatorHarness, created: CreatedApplication) -> str:
    response = emulator.client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": created.application.client_id,
            "client_secret": created.client_secret,
        },
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


@pytest.fixture
def api(emulator: EmulatorHarness) -> Api:
    created = emulator.application(rate_limit_per_second=1000)
    return Api(emulator, created, application_token(emulator, created))


def assert_error(response: Response, status: int, code: str, message: str | None = None) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    if message is not None:
        assert body["message"] == message
    assert set(body) == {"code", "message"}


def is_vrn(value: str) -> bool:
    if not re.fullmatch(r"[0-9]{9}", value):
        return False
    total = sum(w * int(d) for w, d in zip((8, 7, 6, 5, 4, 3, 2), value[:7], strict=True))
    return int(value[7:]) == 97 - total % 97


# --- GET /services and the platform -------------------------------------------------------------


def test_services_lists_hmrcs_services_and_who_may_have_them(api: Api) -> None:
    response = api.emulator.client.get("/create-test-user/services", headers=api.headers())
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert len(response.headers["x-correlationid"]) == 36
    assert response.headers["x-content-type-options"] == "nosniff"
    services = response.json()
    assert all(set(service) == {"key", "name", "allowedUserTypes"} for service in services)
    by_type: dict[str, list[str]] = {"INDIVIDUAL": [], "ORGANISATION": [], "AGENT": []}
    for service in services:
        for user_type in service["allowedUserTypes"]:
            by_type[user_type].append(service["key"])
    assert sorted(by_type["INDIVIDUAL"]) == sorted(INDIVIDUAL_SERVICES)
    assert sorted(by_type["ORGANISATION"]) == sorted(ORGANISATION_SERVICES)
    assert by_type["AGENT"] == ["agent-services"]
    assert {"key": "mtd-income-tax", "name": "MTD Income Tax"}.items() <= next(
        s for s in services if s["key"] == "mtd-income-tax"
    ).items()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/create-test-user/services"),
        ("POST", "/create-test-user/individuals"),
        ("POST", "/create-test-user/organisations"),
        ("POST", "/create-test-user/agents"),
    ],
)
def test_every_endpoint_is_behind_the_platform(api: Api, method: str, path: str) -> None:
    client = api.emulator.client
    assert_error(
        client.request(method, path, headers={"Accept": ACCEPT}),
        401,
        "MISSING_CREDENTIALS",
        "Authentication information is not provided",
    )
    assert_error(
        client.request(method, path, headers=api.headers(Accept="application/json")),
        406,
        "ACCEPT_HEADER_INVALID",
    )
    assert_error(
        client.request(method, path, headers=api.headers(Accept="application/vnd.hmrc.2.0+json")),
        404,
        "NOT_FOUND",
    )


def test_an_application_not_subscribed_is_refused(emulator: EmulatorHarness) -> None:
    created = emulator.application(rate_limit_per_second=1000, apis=["agent-authorisation"])
    token = application_token(emulator, created)
    response = emulator.client.post(
        "/create-test-user/individuals",
        headers={"Accept": ACCEPT, "Authorization": f"Bearer {token}"},
    )
    assert_error(response, 403, "RESOURCE_FORBIDDEN")


# --- individuals --------------------------------------------------------------------------------


def test_individual_with_every_service(api: Api) -> None:
    body = api.individual(INDIVIDUAL_SERVICES)
    assert list(body) == [
        *USER_FIELDS,
        "individualDetails",
        "saUtr",
        "nino",
        "mtdItId",
        "vrn",
        "vatRegistrationDate",
        "eoriNumber",
    ]
    assert re.fullmatch(r"[0-9]{12}", body["userId"])
    assert re.fullmatch(r"[A-Za-z0-9]{12}", body["password"])
    details = body["individualDetails"]
    assert body["userFullName"] == f"{details['firstName']} {details['lastName']}"
    assert (
        body["emailAddress"] == f"{details['firstName']}.{details['lastName']}@example.com".lower()
    )
    assert date.fromisoformat(details["dateOfBirth"]) < date(2001, 1, 1)
    assert set(details["address"]) == {"line1", "line2", "postcode"}
    assert SaUtr.parse(body["saUtr"]).value == body["saUtr"]
    assert Nino.parse_wire(body["nino"]).value == body["nino"]
    assert len(body["nino"]) == 9
    assert MtdItId.parse(body["mtdItId"]).is_generated_form
    assert is_vrn(body["vrn"])
    assert date.fromisoformat(body["vatRegistrationDate"]) < date(2026, 11, 26)
    assert re.fullmatch(r"GB[0-9]{12}", body["eoriNumber"])


def test_individual_is_a_gateway_account_with_the_enrolments(api: Api) -> None:
    body = api.individual(ITSA_SERVICES)
    with api.emulator.services.store.transaction() as tx:
        account = tx.accounts.get_by_user_id(body["userId"])
    assert account is not None
    assert account.affinity_group is AffinityGroup.INDIVIDUAL
    assert account.confidence_level == 250
    assert account.two_step_method is None
    assert account.nino == body["nino"]
    assert account.full_name == body["userFullName"]
    assert account.email == body["emailAddress"]
    assert account.date_of_birth == date.fromisoformat(body["individualDetails"]["dateOfBirth"])
    assert account.address.postcode == body["individualDetails"]["address"]["postcode"]
    assert set(account.group.enrolments) == {
        Enrolment("IR-SA", "UTR", body["saUtr"]),
        Enrolment("HMRC-MTD-IT", "MTDITID", body["mtdItId"]),
    }
    # The password is stored hashed, never as given.
    assert body["password"] not in account.password_hash


def test_mtd_income_tax_signs_the_individual_up_from_the_current_tax_year(api: Api) -> None:
    body = api.individual(["mtd-income-tax"])
    assert set(body) == {*USER_FIELDS, "individualDetails", "nino", "mtdItId"}
    with api.emulator.services.store.transaction() as tx:
        statuses = tx.itsa_statuses.for_nino(body["nino"])
    assert len(statuses) == 1
    status = statuses[0]
    assert status.tax_year == "2026-27"  # the emulator clock says 26 November 2026
    assert status.status == "MTD Voluntary"
    assert status.status_reason == "Sign up - no return available"
    assert status.submitted_on == api.emulator.now()
    assert status.business_income_2_years_prior is None
    assert status.application_id is None


def test_sign_up_year_follows_the_uk_date(api: Api) -> None:
    # 5 April 2027 23:30 UTC is 6 April in the UK (BST): the 2027-28 tax year.
    api.emulator.clock.set(api.emulator.clock.instant.replace(year=2027, month=4, day=5, hour=23))
    api.emulator.advance(30 * 60)
    api.token = application_token(api.emulator, api.created)  # the old one has expired
    body = api.individual(["mtd-income-tax"])
    with api.emulator.services.store.transaction() as tx:
        assert [s.tax_year for s in tx.itsa_statuses.for_nino(body["nino"])] == ["2027-28"]


def test_national_insurance_alone_gives_a_nino_and_no_status(api: Api) -> None:
    body = api.individual(["national-insurance"])
    assert set(body) == {*USER_FIELDS, "individualDetails", "nino"}
    with api.emulator.services.store.transaction() as tx:
        assert tx.itsa_statuses.for_nino(body["nino"]) == []
        account = tx.accounts.get_by_user_id(body["userId"])
    assert account is not None
    assert account.group.enrolments == ()


@pytest.mark.parametrize("request_body", [None, {}, {"serviceNames": []}])
def test_no_body_or_no_services_creates_a_user_with_none(api: Api, request_body: Any) -> None:
    response = api.post("individuals", request_body)
    assert response.status_code == 201
    assert list(response.json()) == [*USER_FIELDS, "individualDetails"]


def test_a_supplied_nino_is_used_once(api: Api) -> None:
    body = api.individual(["mtd-income-tax"], nino="AA123456C")
    assert body["nino"] == "AA123456C"
    response = api.post(
        "individuals", {"serviceNames": ["national-insurance"], "nino": "AA123456C"}
    )
    assert_error(response, 400, "NINO_ALREADY_USED", "The nino specified has already been used")
    # The same person whatever the suffix.
    response = api.post(
        "individuals", {"serviceNames": ["national-insurance"], "nino": "AA123456A"}
    )
    assert_error(response, 400, "NINO_ALREADY_USED", "The nino specified has already been used")


def test_a_nino_already_held_by_any_account_is_used(api: Api) -> None:
    api.emulator.account(nino="AB123456C")
    response = api.post("individuals", {"serviceNames": ["mtd-income-tax"], "nino": "AB123456C"})
    assert_error(response, 400, "NINO_ALREADY_USED", "The nino specified has already been used")
    with api.emulator.services.store.transaction() as tx:
        assert tx.itsa_statuses.for_nino("AB123456C") == []


def test_a_supplied_nino_without_a_nino_service_is_ignored(api: Api) -> None:
    body = api.individual(["self-assessment"], nino="AA123456C")
    assert "nino" not in body
    assert api.individual(["national-insurance"], nino="AA123456C")["nino"] == "AA123456C"


def test_a_supplied_eori_number_is_used_for_the_customs_services(api: Api) -> None:
    assert api.individual(["customs-services"], eoriNumber="XI1234567890123")["eoriNumber"] == (
        "XI1234567890123"
    )
    assert "eoriNumber" not in api.individual(["mtd-vat"], eoriNumber="GB123456789012")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "The request body is not valid JSON"),
        (b"[]", "The request body must be a JSON object"),
        (b'{"serviceNames": "mtd-income-tax"}', "serviceNames must be a list of service names"),
        (
            b'{"serviceNames": ["mtd-income-tax", "agent-services"]}',
            "serviceNames[1] is not a service an individual can have: "
            "GET /create-test-user/services lists them",
        ),
        (
            b'{"serviceNames": ["corporation-tax"]}',
            "serviceNames[0] is not a service an individual can have: "
            "GET /create-test-user/services lists them",
        ),
        (
            b'{"serviceNames": [7]}',
            "serviceNames[0] is not a service an individual can have: "
            "GET /create-test-user/services lists them",
        ),
        (
            b'{"serviceNames": ["mtd-vat", "mtd-vat"]}',
            "serviceNames must not list a service more than once",
        ),
        (
            b'{"serviceNames": ["national-insurance"], "nino": "AA12345C"}',
            "nino must be a National Insurance number: 2 letters, 6 numbers and A, B, C or D, "
            "like AB123456C",
        ),
        (b'{"serviceNames": [], "nino": 123456}', "nino must be a string"),
        (
            b'{"serviceNames": [], "eoriNumber": "12345"}',
            "eoriNumber must be a GB or XI EORI (GB or XI then 12 to 15 numbers) or an EU EORI "
            "(2 letters then up to 15 numbers)",
        ),
    ],
)
def test_bad_individual_bodies_are_400_invalid_request(
    api: Api, content: bytes, message: str
) -> None:
    assert_error(api.post("individuals", content=content), 400, "INVALID_REQUEST", message)


# --- organisations and agents ---------------------------------------------------------------------


def test_organisation_with_every_service(api: Api) -> None:
    response = api.post(
        "organisations",
        {
            "serviceNames": ORGANISATION_SERVICES,
            "eoriNumber": "GB123456789012",
            "exciseNumber": "GBWK254706100",
            "taxpayerType": "Individual",
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert list(body) == [
        *USER_FIELDS,
        "organisationDetails",
        "individualDetails",
        "saUtr",
        "nino",
        "empRef",
        "ctUtr",
        "vrn",
        "vatRegistrationDate",
        "mtdItId",
        "lisaManagerReferenceNumber",
        "secureElectronicTransferReferenceNumber",
        "pensionSchemeAdministratorIdentifier",
        "eoriNumber",
        "exciseNumber",
        "crn",
        "taxPayerType",
        "pillar2Id",
    ]
    assert re.fullmatch(r"Company [A-Z0-9]{6}", body["organisationDetails"]["name"])
    assert set(body["organisationDetails"]["address"]) == {"line1", "line2", "postcode"}
    assert re.fullmatch(r"[0-9]{3}/[A-Z0-9]{10}", body["empRef"])
    assert SaUtr.is_valid(body["ctUtr"])
    assert is_vrn(body["vrn"])
    assert re.fullmatch(r"Z([0-9]{4}|[0-9]{6})", body["lisaManagerReferenceNumber"])
    assert re.fullmatch(r"[1-9][0-9]{11}", body["secureElectronicTransferReferenceNumber"])
    assert re.fullmatch(r"A[0-9]{7}", body["pensionSchemeAdministratorIdentifier"])
    assert body["eoriNumber"] == "GB123456789012"
    assert body["exciseNumber"] == "GBWK254706100"
    assert re.fullmatch(r"[0-9]{8}", body["crn"])
    assert body["taxPayerType"] == "Individual"
    assert re.fullmatch(r"X[A-Z]PLR[0-9]{10}", body["pillar2Id"])
    with api.emulator.services.store.transaction() as tx:
        account = tx.accounts.get_by_user_id(body["userId"])
        statuses = tx.itsa_statuses.for_nino(body["nino"])
    assert account is not None
    assert account.affinity_group is AffinityGroup.ORGANISATION
    assert account.confidence_level == 250
    assert account.nino == body["nino"]
    assert account.address.line1 == body["organisationDetails"]["address"]["line1"]
    assert {e.key for e in account.group.enrolments} == {"IR-SA", "HMRC-MTD-IT"}
    assert [(s.tax_year, s.status) for s in statuses] == [("2026-27", "MTD Voluntary")]


def test_organisation_with_no_services(api: Api) -> None:
    response = api.post("organisations")
    assert response.status_code == 201
    assert list(response.json()) == [*USER_FIELDS, "organisationDetails", "individualDetails"]


def test_organisation_fields_as_the_schema_spells_them(api: Api) -> None:
    response = api.post(
        "organisations",
        {
            "serviceNames": ["pillar-2"],
            "taxPayerType": "Partnership",
            "pillar2Id": "XAPLR0123456789",
        },
    )
    body = response.json()
    assert body["taxPayerType"] == "Partnership"
    assert body["pillar2Id"] == "XAPLR0123456789"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"serviceNames": ["agent-services"]}, None),
        ({"serviceNames": [], "exciseNumber": "GB123"}, None),
        (
            {"serviceNames": [], "taxPayerType": "Company"},
            "taxPayerType must be Individual or Partnership",
        ),
        ({"serviceNames": [], "pillar2Id": "X A"}, None),
        ({"serviceNames": ["national-insurance"], "nino": "NOPE"}, None),
    ],
)
def test_bad_organisation_bodies(api: Api, body: dict[str, Any], message: str | None) -> None:
    assert_error(api.post("organisations", body), 400, "INVALID_REQUEST", message)


def test_organisation_nino_already_used(api: Api) -> None:
    nino = api.individual(["national-insurance"])["nino"]
    response = api.post("organisations", {"serviceNames": ["mtd-income-tax"], "nino": nino})
    assert_error(response, 400, "NINO_ALREADY_USED", "The nino specified has already been used")


def test_agent_with_agent_services(api: Api) -> None:
    response = api.post("agents", {"serviceNames": ["agent-services"]})
    assert response.status_code == 201, response.text
    body = response.json()
    assert list(body) == [*USER_FIELDS, "agentServicesAccountNumber"]
    arn = body["agentServicesAccountNumber"]
    assert Arn.parse(arn).value == arn
    with api.emulator.services.store.transaction() as tx:
        account = tx.accounts.get_by_user_id(body["userId"])
    assert account is not None
    assert account.affinity_group is AffinityGroup.AGENT
    assert account.confidence_level == 250
    assert account.nino is None
    assert account.group.enrolments == (Enrolment("HMRC-AS-AGENT", "AgentReferenceNumber", arn),)


def test_agent_without_services(api: Api) -> None:
    response = api.post("agents", {"serviceNames": []})
    assert list(response.json()) == USER_FIELDS


@pytest.mark.parametrize(
    "body", [{"serviceNames": ["mtd-income-tax"]}, {"serviceNames": ["pillar-2"]}, [1]]
)
def test_bad_agent_bodies(api: Api, body: Any) -> None:
    assert_error(api.post("agents", body), 400, "INVALID_REQUEST")


# --- identifiers --------------------------------------------------------------------------------


def test_fifty_users_have_distinct_valid_identifiers(api: Api) -> None:
    individuals = [api.individual(ITSA_SERVICES) for _ in range(50)]
    agents = [api.post("agents", {"serviceNames": ["agent-services"]}).json() for _ in range(50)]
    for field, parse in (
        ("nino", Nino.parse_wire),
        ("saUtr", SaUtr.parse),
        ("mtdItId", MtdItId.parse),
    ):
        values = [body[field] for body in individuals]
        assert len(set(values)) == 50, field
        assert all(parse(value).value == value for value in values), field
    assert len({body["nino"][:8] for body in individuals}) == 50
    assert all(MtdItId.parse(body["mtdItId"]).is_generated_form for body in individuals)
    arns = [body["agentServicesAccountNumber"] for body in agents]
    assert len(set(arns)) == 50
    assert all(Arn.parse(arn).value == arn for arn in arns)
    user_ids = [body["userId"] for body in individuals + agents]
    assert len(set(user_ids)) == 100


def test_generated_identifiers_skip_ones_already_held(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    held_utr = SaUtr.generate("000057161").value
    held_mtditid = MtdItId.generate("00000328268").value
    held_arn = Arn.generate("0000001").value
    api.emulator.account(
        nino="AA123456C",
        enrolments=(
            Enrolment("IR-SA", "UTR", held_utr),
            Enrolment("HMRC-MTD-IT", "MTDITID", held_mtditid),
        ),
    )
    api.emulator.account(
        affinity_group=AffinityGroup.AGENT,
        enrolments=(Enrolment("HMRC-AS-AGENT", "AgentReferenceNumber", held_arn),),
    )
    draws = iter(["000057161", "000057162", "00000328268", "00000328269", "0000001", "0000002"])
    monkeypatch.setattr(identifiers, "_digits", lambda count: next(draws))
    monkeypatch.setattr(identifiers, "_random_nino", iter(["AA123456A", "AA654321C"]).__next__)
    with api.emulator.services.store.transaction() as tx:
        assert test_users.new_sa_utr(tx).value == SaUtr.generate("000057162").value
        assert test_users.new_mtditid(tx).value == MtdItId.generate("00000328269").value
        assert test_users.new_arn(tx).value == Arn.generate("0000002").value
        assert test_users.new_nino(tx).value == "AA654321C"


# --- a created user signs in ----------------------------------------------------------------------


def test_a_created_individual_signs_in_and_gets_a_token(api: Api) -> None:
    body = api.individual(ITSA_SERVICES)
    client = api.emulator.client
    grant = client.post(
        "/emulator/oauth/grant",
        json={
            "clientId": api.created.application.client_id,
            "redirectUri": REDIRECT_URI,
            "scope": "read:self-assessment write:self-assessment",
            "userId": body["userId"],
            "password": body["password"],
        },
    )
    assert grant.status_code == 200, grant.text
    tokens = client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": api.created.application.client_id,
            "client_secret": api.created.client_secret,
            "redirect_uri": REDIRECT_URI,
            "code": query_of(grant.json()["location"])["code"][0],
        },
    )
    assert tokens.status_code == 200, tokens.text
    assert tokens.json()["scope"] == "read:self-assessment write:self-assessment"
    # The token works on a user-restricted API: set the user's status for next year.
    response = client.post(
        f"/individuals/self-assessment-test-support/itsa-status/{body['nino']}/2027-28",
        json={
            "itsaStatusDetails": [
                {
                    "submittedOn": "2026-11-26T10:00:00.000Z",
                    "status": "MTD Mandated",
                    "statusReason": "ITSA final declaration",
                    "businessIncome2YearsPrior": 60000,
                }
            ]
        },
        headers={"Accept": ACCEPT, "Authorization": f"Bearer {tokens.json()['access_token']}"},
    )
    assert response.status_code == 204, response.text
    with api.emulator.services.store.transaction() as tx:
        statuses = tx.itsa_statuses.for_nino(body["nino"])
    assert [(s.tax_year, s.status, s.business_income_2_years_prior) for s in statuses] == [
        ("2026-27", "MTD Voluntary", None),
        ("2027-28", "MTD Mandated", Decimal("60000")),
    ]


def test_a_created_agent_signs_in(api: Api) -> None:
    body = api.post("agents", {"serviceNames": ["agent-services"]}).json()
    grant = api.emulator.client.post(
        "/emulator/oauth/grant",
        json={
            "clientId": api.created.application.client_id,
            "redirectUri": REDIRECT_URI,
            "scope": "read:self-assessment",
            "userId": body["userId"],
            "password": body["password"],
        },
    )
    assert grant.status_code == 200, grant.text
    assert "code" in query_of(grant.json()["location"])
