"""Obligations (MTD) API v3.0 (wire facts §5): a customer's quarterly update obligations
(``GET /obligations/details/{nino}/income-and-expenditure``) and final declaration
obligations (``GET /obligations/details/{nino}/crystallisation``), user-restricted with
``read:self-assessment``, supporting agents allowed.

- :mod:`.common`: the endpoints, errors and scenario values;
- :mod:`.query`: the query parameters' rules;
- :mod:`.state`: the obligations from the emulator's state (:mod:`openmtd.rules.obligations`);
- :mod:`.scenarios`: what each ``Gov-Test-Scenario`` answers;
- :mod:`.handlers`: the two endpoints, in HMRC's order of checks.
"""

from __future__ import annotations

from openmtd.emulator.apis.obligations.common import FINAL_DECLARATION, INCOME_AND_EXPENDITURE
from openmtd.emulator.apis.obligations.handlers import (
    retrieve_final_declaration,
    retrieve_income_and_expenditure,
)

#: The query parameters each endpoint reads.
INCOME_AND_EXPENDITURE_PARAMETERS = ("typeOfBusiness", "businessId", "fromDate", "toDate", "status")
FINAL_DECLARATION_PARAMETERS = ("taxYear", "status")

__all__ = [
    "FINAL_DECLARATION",
    "FINAL_DECLARATION_PARAMETERS",
    "INCOME_AND_EXPENDITURE",
    "INCOME_AND_EXPENDITURE_PARAMETERS",
    "retrieve_final_declaration",
    "retrieve_income_and_expenditure",
]
