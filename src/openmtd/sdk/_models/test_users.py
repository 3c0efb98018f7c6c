"""Create Test User API v1.0 (wire facts §4.1): sandbox individuals, organisations and agents.

A test user's password is left out of ``repr``: it signs in as that user.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from openmtd.sdk._models._base import HmrcModel, RequestModel

__all__ = [
    "Address",
    "AgentTestUser",
    "IndividualDetails",
    "IndividualTestUser",
    "OrganisationDetails",
    "OrganisationTestUser",
    "SandboxUserRequest",
    "SandboxUserService",
    "UserType",
]


class UserType(StrEnum):
    """Who a test user's service may be given to."""

    INDIVIDUAL = "INDIVIDUAL"
    ORGANISATION = "ORGANISATION"
    AGENT = "AGENT"


class SandboxUserRequest(RequestModel):
    """The body of a create request: the services the user should hold, and the optional
    identifiers HMRC lets a caller choose."""

    service_names: tuple[str, ...]
    nino: str | None = None
    eori_number: str | None = None
    excise_number: str | None = None
    taxpayer_type: str | None = None


class Address(HmrcModel):
    """A test user's address."""

    line1: str
    line2: str
    postcode: str


class IndividualDetails(HmrcModel):
    """A test individual's name, birth date and address."""

    first_name: str
    last_name: str
    date_of_birth: date
    address: Address


class OrganisationDetails(HmrcModel):
    """A test organisation's name and address."""

    name: str
    address: Address


class _TestUser(HmrcModel):
    user_id: str
    password: str = Field(repr=False)
    user_full_name: str
    email_address: str


class IndividualTestUser(_TestUser):
    """A test individual; identifiers appear for the services asked for."""

    individual_details: IndividualDetails
    sa_utr: str | None = None
    nino: str | None = None
    mtd_it_id: str | None = None
    vrn: str | None = None
    vat_registration_date: date | None = None
    eori_number: str | None = None


class OrganisationTestUser(_TestUser):
    """A test organisation (HMRC's many identifiers beyond these are in ``model_extra``)."""

    organisation_details: OrganisationDetails
    individual_details: IndividualDetails | None = None
    sa_utr: str | None = None
    nino: str | None = None
    mtd_it_id: str | None = None
    ct_utr: str | None = None
    vrn: str | None = None


class AgentTestUser(_TestUser):
    """A test agent with an agent services account (``agent_services_account_number``)."""

    agent_services_account_number: str | None = None


class SandboxUserService(HmrcModel):
    """One service a test user can be given (``GET /create-test-user/services``)."""

    key: str
    name: str
    allowed_user_types: tuple[UserType | str, ...]
