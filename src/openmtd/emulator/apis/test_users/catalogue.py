"""The Create Test User API's endpoints, codes and the services a test user can have."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from openmtd.emulator.platform.errors import ApiError
from openmtd.emulator.platform.gateway import Access, Endpoint

API: Final = "create-test-user"
_VERSIONS: Final = frozenset({"1.0"})

INDIVIDUALS: Final = Endpoint(
    API, _VERSIONS, Access.APPLICATION, name="Create a test user which is an individual"
)
ORGANISATIONS: Final = Endpoint(
    API, _VERSIONS, Access.APPLICATION, name="Create a test user which is an organisation"
)
AGENTS: Final = Endpoint(
    API, _VERSIONS, Access.APPLICATION, name="Create a test user which is an agent"
)
SERVICES: Final = Endpoint(API, _VERSIONS, Access.APPLICATION, name="Get available services")

#: HMRC's error for a caller-supplied NINO that is taken (wire facts §4.1).
NINO_ALREADY_USED: Final = (400, "NINO_ALREADY_USED", "The nino specified has already been used")
#: openmtd's code for a malformed request (the OAS defines none; see the module docstring).
INVALID_REQUEST: Final = "INVALID_REQUEST"

#: Test users are strongly authenticated at confidence level 250 (wire facts §4.1).
CONFIDENCE_LEVEL: Final = 250
_ATTEMPTS: Final = 1000


class UserType(StrEnum):
    INDIVIDUAL = "INDIVIDUAL"
    ORGANISATION = "ORGANISATION"
    AGENT = "AGENT"


@dataclass(frozen=True, slots=True)
class Service:
    """A service a test user can be enrolled for."""

    key: str
    name: str
    user_types: tuple[UserType, ...]

    def body(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "allowedUserTypes": [user_type.value for user_type in self.user_types],
        }


_I, _O, _A = UserType.INDIVIDUAL, UserType.ORGANISATION, UserType.AGENT

#: HMRC's services in HMRC's order and names; user types as the OAS request schemas allow.
AVAILABLE_SERVICES: Final = (
    Service("national-insurance", "National Insurance", (_I, _O)),
    Service("self-assessment", "Self Assessment", (_I, _O)),
    Service("corporation-tax", "Corporation Tax", (_O,)),
    Service("paye-for-employers", "PAYE for Employers", (_O,)),
    Service("submit-vat-returns", "Submit VAT Returns", (_O,)),
    Service("mtd-vat", "MTD VAT", (_I, _O)),
    Service("mtd-income-tax", "MTD Income Tax", (_I, _O)),
    Service("agent-services", "Agent Services", (_A,)),
    Service("lisa", "Lifetime ISA", (_O,)),
    Service("secure-electronic-transfer", "Secure Electronic Transfer", (_O,)),
    Service("relief-at-source", "Relief at Source", (_O,)),
    Service("customs-services", "Customs Services", (_I, _O)),
    Service("goods-vehicle-movements", "Goods Vehicle Services", (_I, _O)),
    Service("import-control-system", "Import Control System", (_I, _O)),
    Service(
        "common-transit-convention-traders-legacy",
        "Common Transit Convention Traders Legacy",
        (_I, _O),
    ),
    Service("common-transit-convention-traders", "Common Transit Convention Traders", (_I, _O)),
    Service("safety-and-security", "Safety and Security", (_O,)),
    Service("excise-movement-control-system", "Excise Movement Control System", (_O,)),
    Service("modernisation-of-authorisations", "Modernisation of Authorisations", (_O,)),
    Service("pillar-2", "Pillar 2", (_O,)),
)

_NINO_SERVICES: Final = frozenset({"national-insurance", "mtd-income-tax"})
_VRN_SERVICES: Final = frozenset({"mtd-vat", "submit-vat-returns"})
_EORI_SERVICES: Final = frozenset(
    {
        "customs-services",
        "goods-vehicle-movements",
        "import-control-system",
        "safety-and-security",
        "common-transit-convention-traders",
        "common-transit-convention-traders-legacy",
        "modernisation-of-authorisations",
    }
)
_LABELS: Final = {_I: "an individual", _O: "an organisation", _A: "an agent"}


def _bad_request(message: str) -> ApiError:
    return ApiError(400, INVALID_REQUEST, message)
