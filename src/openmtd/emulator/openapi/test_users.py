"""The emulator's OpenAPI document: Create Test User 1.0."""

from __future__ import annotations

from openmtd.emulator.apis import test_users
from openmtd.emulator.openapi.common import (
    JSON,
    TAG_CTU,
    _api_operation,
    _array,
    _json_content,
    _object,
    _schema,
    _string,
    _success,
)


# --- Create Test User ----------------------------------------------------------------------
def _services_for(user_type: test_users.UserType) -> list[str]:
    return [s.key for s in test_users.AVAILABLE_SERVICES if user_type in s.user_types]


def _ctu_schemas() -> dict[str, JSON]:
    def service_names(user_type: test_users.UserType) -> JSON:
        return _array(
            _string(enum=_services_for(user_type)),
            "The services to enrol the user for (none: an empty list, or no body).",
            uniqueItems=True,
        )

    eori = _string(
        "An EORI: GB or XI then 12 to 15 digits, or 2 letters then up to 15 digits.",
        minLength=3,
        maxLength=17,
    )
    nino = _string("Use this NINO (with national-insurance or mtd-income-tax).")
    address = _object(
        {"line1": _string(), "line2": _string(), "postcode": _string()},
        ["line1", "line2", "postcode"],
    )
    individual_details = _object(
        {
            "firstName": _string(),
            "lastName": _string(),
            "dateOfBirth": _string(format="date"),
            "address": address,
        },
        ["firstName", "lastName", "dateOfBirth", "address"],
    )
    user = {
        "userId": _string("Government Gateway user ID (12 digits)."),
        "password": _string("Government Gateway password; shown once."),
        "userFullName": _string(),
        "emailAddress": _string(),
    }
    user_required = ["userId", "password", "userFullName", "emailAddress"]
    identifiers = {
        "saUtr": _string("Self Assessment UTR."),
        "nino": _string("National Insurance number."),
        "mtdItId": _string("MTD Income Tax ID."),
        "eoriNumber": _string(),
        "vrn": _string("VAT registration number."),
        "vatRegistrationDate": _string(format="date"),
    }
    return {
        "CreateIndividual": _object(
            {
                "serviceNames": service_names(test_users.UserType.INDIVIDUAL),
                "eoriNumber": eori,
                "nino": nino,
            },
            closed=False,
        ),
        "CreateOrganisation": _object(
            {
                "serviceNames": service_names(test_users.UserType.ORGANISATION),
                "eoriNumber": eori,
                "exciseNumber": _string(
                    minLength=13, maxLength=13, pattern="^[A-Z]{2}[a-zA-Z0-9]{11}$"
                ),
                "nino": nino,
                "taxPayerType": _string(enum=["Individual", "Partnership"]),
                "pillar2Id": _string(),
            },
            closed=False,
        ),
        "CreateAgent": _object(
            {"serviceNames": service_names(test_users.UserType.AGENT)}, closed=False
        ),
        "IndividualCreated": _object(
            {**user, "individualDetails": individual_details, **identifiers},
            [*user_required, "individualDetails"],
        ),
        "OrganisationCreated": _object(
            {
                **user,
                "organisationDetails": _object(
                    {"name": _string(), "address": address}, ["name", "address"]
                ),
                "individualDetails": individual_details,
                **identifiers,
                "empRef": _string(),
                "ctUtr": _string(),
                "lisaManagerReferenceNumber": _string(),
                "secureElectronicTransferReferenceNumber": _string(),
                "pensionSchemeAdministratorIdentifier": _string(),
                "exciseNumber": _string(),
                "crn": _string(),
                "taxPayerType": _string(),
                "pillar2Id": _string(),
            },
            [*user_required, "organisationDetails"],
        ),
        "AgentCreated": _object(
            {**user, "agentServicesAccountNumber": _string("Agent reference number (ARN).")},
            user_required,
        ),
        "Services": _array(
            _object(
                {
                    "key": _string(),
                    "name": _string(),
                    "allowedUserTypes": _array(
                        _string(enum=[user_type.value for user_type in test_users.UserType])
                    ),
                },
                ["key", "name", "allowedUserTypes"],
            )
        ),
    }


def _ctu_paths() -> dict[str, JSON]:
    invalid = (400, test_users.INVALID_REQUEST, "The request body must be a JSON object")
    paths: dict[str, JSON] = {}
    for kind, endpoint, request_schema, created, extra in (
        ("individuals", test_users.INDIVIDUALS, "CreateIndividual", "IndividualCreated", True),
        (
            "organisations",
            test_users.ORGANISATIONS,
            "CreateOrganisation",
            "OrganisationCreated",
            True,
        ),
        ("agents", test_users.AGENTS, "CreateAgent", "AgentCreated", False),
    ):
        specs = [invalid, test_users.NINO_ALREADY_USED] if extra else [invalid]
        paths[f"/create-test-user/{kind}"] = {
            "post": _api_operation(
                endpoint,
                operation_id=f"createTest{kind.capitalize()[:-1]}",
                tag=TAG_CTU,
                description="Create a Government Gateway test user (confidence level 250, "
                "no 2-step verification) enrolled for the services asked for; it signs in "
                "through the grant-authority journey like any account. With mtd-income-tax "
                "the user is signed up for MTD from the current tax year. A malformed body is "
                "400 INVALID_REQUEST naming the problem (openmtd's; HMRC's OAS has none).",
                request_body={
                    "required": False,
                    "content": _json_content(_schema(request_schema)),
                },
                success={201: _success("The test user", _schema(created))},
                errors_=specs,
            )
        }
    paths["/create-test-user/services"] = {
        "get": _api_operation(
            test_users.SERVICES,
            operation_id="getTestUserServices",
            tag=TAG_CTU,
            description="Every service a test user can be enrolled for, and which user types "
            "may have it.",
            success={200: _success("The services", _schema("Services"))},
        )
    }
    return paths
