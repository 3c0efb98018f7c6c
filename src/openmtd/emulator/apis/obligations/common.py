"""Obligations (MTD) API v3.0: its endpoints, errors and Gov-Test-Scenario values (wire facts
§5), in one place.

The codes are HMRC's (§5). Where a code is shared with Retrieve ITSA Status its text is §1.6's;
``NO_OBLIGATIONS_FOUND``'s is §5's; the Test Support OAS gives ``FORMAT_TYPE_OF_BUSINESS``,
``FORMAT_BUSINESS_ID`` and ``FORMAT_STATUS``; every other text is openmtd's wording
(UNCONFIRMED, docs/emulator.md).
"""

from __future__ import annotations

from typing import Final

from openmtd.emulator.apis import business_details, itsa_status
from openmtd.emulator.platform import authorisation
from openmtd.emulator.platform.gateway import Access, Endpoint
from openmtd.rules.errors import WIRE_MESSAGES
from openmtd.rules.tax_year import TaxYear

API: Final = "obligations"
_VERSIONS: Final = frozenset({"3.0"})
_READ: Final = "read:self-assessment"

INCOME_AND_EXPENDITURE: Final = Endpoint(
    api=API,
    versions=_VERSIONS,
    access=Access.USER,
    scope=_READ,
    fraud_headers=True,
    name="Retrieve Income Tax (Self Assessment) Income and Expenditure Obligations",
    path="/obligations/details/{nino}/income-and-expenditure",
)
FINAL_DECLARATION: Final = Endpoint(
    api=API,
    versions=_VERSIONS,
    access=Access.USER,
    scope=_READ,
    fraud_headers=True,
    name="Retrieve Income Tax (Self Assessment) Final Declaration Obligations",
    path="/obligations/details/{nino}/crystallisation",
)

Spec = tuple[int, str, str]


def _bad(code: str, message: str) -> Spec:
    return (400, code, message)


FORMAT_NINO: Final = authorisation.FORMAT_NINO
FORMAT_TAX_YEAR: Final = _bad("FORMAT_TAX_YEAR", WIRE_MESSAGES["FORMAT_TAX_YEAR"])
RULE_TAX_YEAR_RANGE_INVALID: Final = _bad(
    "RULE_TAX_YEAR_RANGE_INVALID", WIRE_MESSAGES["RULE_TAX_YEAR_RANGE_INVALID"]
)
FORMAT_TYPE_OF_BUSINESS: Final = _bad(
    "FORMAT_TYPE_OF_BUSINESS", "The provided typeOfBusiness field is invalid"
)
FORMAT_BUSINESS_ID: Final = business_details.FORMAT_BUSINESS_ID
FORMAT_FROM_DATE: Final = _bad("FORMAT_FROM_DATE", "The provided fromDate is invalid")
FORMAT_TO_DATE: Final = _bad("FORMAT_TO_DATE", "The provided toDate is invalid")
FORMAT_STATUS: Final = _bad("FORMAT_STATUS", WIRE_MESSAGES["FORMAT_STATUS"])
MISSING_FROM_DATE: Final = _bad("MISSING_FROM_DATE", "The fromDate parameter is missing")
MISSING_TO_DATE: Final = _bad("MISSING_TO_DATE", "The toDate parameter is missing")
RANGE_TO_DATE_BEFORE_FROM_DATE: Final = _bad(
    "RANGE_TO_DATE_BEFORE_FROM_DATE", "The toDate is before the fromDate"
)
MISSING_TYPE_OF_BUSINESS: Final = _bad(
    "MISSING_TYPE_OF_BUSINESS", "The typeOfBusiness parameter is required with a businessId"
)
RULE_DATE_RANGE_INVALID: Final = _bad(
    "RULE_DATE_RANGE_INVALID", "The fromDate and toDate are more than 366 days apart"
)
RULE_FROM_DATE_NOT_SUPPORTED: Final = _bad(
    "RULE_FROM_DATE_NOT_SUPPORTED", "The fromDate is before the earliest date supported"
)
RULE_TAX_YEAR_NOT_SUPPORTED: Final = _bad(
    "RULE_TAX_YEAR_NOT_SUPPORTED", "The tax year is before the earliest tax year supported"
)
RULE_INSOLVENT_TRADER: Final = _bad("RULE_INSOLVENT_TRADER", "The trader is insolvent")
RULE_INCORRECT_GOV_TEST_SCENARIO: Final = itsa_status.RULE_INCORRECT_GOV_TEST_SCENARIO
CLIENT_OR_AGENT_NOT_AUTHORISED: Final = authorisation.CLIENT_OR_AGENT_NOT_AUTHORISED
CLIENT_NOT_MTD_ENROLLED: Final = authorisation.CLIENT_NOT_MTD_ENROLLED
MATCHING_RESOURCE_NOT_FOUND: Final = itsa_status.MATCHING_RESOURCE_NOT_FOUND
NO_OBLIGATIONS_FOUND: Final = (
    404,
    "NO_OBLIGATIONS_FOUND",
    "No obligations found using this filter",
)

#: The earliest tax year the final declaration endpoint takes (wire facts §5); choice: the
#: earliest fromDate income-and-expenditure takes is its first day.
EARLIEST_TAX_YEAR: Final = TaxYear(2017)
#: How far apart fromDate and toDate may be (wire facts §5).
MAX_RANGE_DAYS: Final = 366
#: Years the final declaration endpoint answers for when no taxYear is given: the current
#: one and the three before it (wire facts §5).
DEFAULT_YEARS: Final = 4

SCENARIO_HEADER: Final = itsa_status.SCENARIO_HEADER
DEFAULT: Final = "DEFAULT"
OPEN: Final = "OPEN"
FULFILLED: Final = "FULFILLED"
INSOLVENT_TRADER: Final = "INSOLVENT_TRADER"
NOT_FOUND: Final = "NOT_FOUND"
NO_OBLIGATIONS_FOUND_SCENARIO: Final = "NO_OBLIGATIONS_FOUND"
DYNAMIC: Final = "DYNAMIC"
CUMULATIVE: Final = "CUMULATIVE"
#: Income and expenditure's values (wire facts §5); there is no STATEFUL.
INCOME_AND_EXPENDITURE_SCENARIOS: Final = (
    DEFAULT,
    OPEN,
    FULFILLED,
    INSOLVENT_TRADER,
    NOT_FOUND,
    NO_OBLIGATIONS_FOUND_SCENARIO,
    DYNAMIC,
    CUMULATIVE,
)
#: The final declaration's (a choice: §5 lists none; the same less CUMULATIVE).
FINAL_DECLARATION_SCENARIOS: Final = tuple(
    s for s in INCOME_AND_EXPENDITURE_SCENARIOS if s != CUMULATIVE
)
