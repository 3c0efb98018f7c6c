"""The SDK's pydantic models read every example HMRC publishes for the APIs vendored in
tests/conformance/hmrc-oas: each example file is mapped to the model that reads it (a file
with no mapping fails), a request example round-trips to HMRC's JSON exactly, a response
example leaves no field unnamed, and an error example becomes its typed error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from openmtd.sdk._errors import HmrcApiError, api_error_from_response
from openmtd.sdk._models.agent_authorisation import AuthorisationRequest, ClientAccess, Invitation
from openmtd.sdk._models.itsa_status import ItsaStatusResponse, SandboxItsaStatus
from openmtd.sdk._models.test_support import (
    CheckpointList,
    CreatedBusiness,
    CreatedCheckpoint,
    SandboxBusiness,
)
from openmtd.sdk._models.test_users import (
    AgentTestUser,
    IndividualTestUser,
    OrganisationTestUser,
    SandboxUserRequest,
    SandboxUserService,
)

HMRC_OAS = Path(__file__).parent / "hmrc-oas"
ERRORS = "errors"

#: Example file name → how the SDK reads it (a list means a JSON array of that model).
MODELS: dict[str, type[BaseModel] | list[type[BaseModel]] | str] = {
    # Retrieve ITSA Status
    "retrieveItsaStatus/def1/response.json": ItsaStatusResponse,
    # Self Assessment Test Support
    "itsaStatus/create_amend_request.json": SandboxItsaStatus,
    "businesses/create_request_self_employment_business.json": SandboxBusiness,
    "businesses/create_request_uk_property.json": SandboxBusiness,
    "businesses/create_request_foreign_property.json": SandboxBusiness,
    "businesses/create_response.json": CreatedBusiness,
    "checkpoints/create_response.json": CreatedCheckpoint,
    "checkpoints/list_response.json": CheckpointList,
    # Create Test User
    "create-individual-request.json": SandboxUserRequest,
    "create-organisation-request.json": SandboxUserRequest,
    "create-agent-request.json": SandboxUserRequest,
    "create-individual-response.json": IndividualTestUser,
    "create-organisation-response.json": OrganisationTestUser,
    "create-agent-response.json": AgentTestUser,
    "get-services-response.json": [SandboxUserService],
    # Agent Authorisation (1.0 and 2.0)
    "get-agency-invitation-pending-example.json": Invitation,
    "get-agency-invitation-responded-example.json": Invitation,
    "get-agency-invitations-example.json": [Invitation],
    "post-agency-invitations-itsa-example.json": AuthorisationRequest,
    "post-agency-invitations-itsa-main-example.json": AuthorisationRequest,
    "post-agency-invitations-itsa-supp-example.json": AuthorisationRequest,
    "post-agency-invitations-vat-example.json": AuthorisationRequest,
    "post-agency-check-relationship-itsa-example.json": ClientAccess,
    "post-agency-check-relationship-itsa-main-example.json": ClientAccess,
    "post-agency-check-relationship-itsa-supp-example.json": ClientAccess,
    "post-agency-check-relationship-vat-example.json": ClientAccess,
}
#: Response fields the models leave to ``model_extra`` on purpose (identifiers for taxes other
#: than Income Tax).
UNNAMED: dict[type[BaseModel], set[str]] = {
    OrganisationTestUser: {
        "empRef",
        "vatRegistrationDate",
        "lisaManagerReferenceNumber",
        "secureElectronicTransferReferenceNumber",
        "pensionSchemeAdministratorIdentifier",
        "eoriNumber",
        "exciseNumber",
        "crn",
        "taxPayerType",
        "pillar2Id",
    },
}


def examples() -> list[Path]:
    return sorted(HMRC_OAS.glob("*/*/examples/**/*.json"))


def key(path: Path) -> str:
    parts = path.relative_to(HMRC_OAS).parts
    inside = parts[parts.index("examples") + 1 :]
    return ERRORS if inside[0] == ERRORS else "/".join(inside)


def test_there_are_examples_of_every_vendored_api() -> None:
    folders = {path.relative_to(HMRC_OAS).parts[0] for path in examples()}
    assert folders == {
        "agent-authorisation-1.0",
        "create-test-user-1.0",
        "self-assessment-individual-details-2.0",
        "self-assessment-test-support-1.0",
    }


@pytest.mark.parametrize("path", examples(), ids=lambda p: str(p.relative_to(HMRC_OAS)))
def test_every_example_is_read_by_the_sdk(path: Path) -> None:
    example: Any = json.loads(path.read_text(encoding="utf-8"))
    how = MODELS.get(key(path), ERRORS if key(path) == ERRORS else None)
    assert how is not None, f"no SDK model reads {path.name}: map it in MODELS"
    if how == ERRORS:
        error = api_error_from_response(400, example, {})
        assert isinstance(error, HmrcApiError)
        assert (error.code, error.message) == (example["code"], example["message"])
        return
    if isinstance(how, list):
        (model,) = how
        items = example
    else:
        assert isinstance(how, type)
        model, items = how, [example]
    for item in items:
        read = model.model_validate(item)
        if hasattr(read, "body"):  # a request: what the SDK sends is HMRC's example
            assert read.body() == item
        else:
            assert set(read.model_extra or {}) == UNNAMED.get(model, set())
