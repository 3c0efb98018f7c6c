"""What the Obligations API's ``Gov-Test-Scenario`` values answer (wire facts §5 names them;
the bodies are openmtd's, UNCONFIRMED). Every date comes from :mod:`openmtd.rules.obligations`
(so from :mod:`openmtd.rules.deadlines`); a received date is the obligation's due date.

- ``DEFAULT``: the self-employment business of Business Details' default scenario with the
  four cumulative periods of 2025-26, the first two fulfilled, the others open;
  ``OPEN`` / ``FULFILLED``: the same periods, all open / all fulfilled;
  ``CUMULATIVE``: that business and a UK property business, each with 2025-26's periods, the
  first fulfilled; ``DYNAMIC``: the self-employment business with the periods of the tax
  year the emulator's clock is in, those due before today fulfilled.
- The final declaration: ``DEFAULT`` and ``OPEN`` 2025-26's, open; ``FULFILLED`` fulfilled;
  ``DYNAMIC`` the year before the current one's, fulfilled once due.
- ``INSOLVENT_TRADER``: 400 ``RULE_INSOLVENT_TRADER``; ``NOT_FOUND``: 404
  ``MATCHING_RESOURCE_NOT_FOUND``; ``NO_OBLIGATIONS_FOUND``: 404 ``NO_OBLIGATIONS_FOUND``.

Canned answers do not read the query, as HMRC's sandbox's do not (its default ITSA status
answer is the same whatever was asked).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Final

from openmtd.emulator.apis.business_details import EXAMPLE_BUSINESS_ID
from openmtd.emulator.apis.obligations import common as c
from openmtd.emulator.apis.obligations import state
from openmtd.emulator.platform.errors import ApiError
from openmtd.rules.obligations import ObligationPeriod, final_declaration, quarterly_obligations
from openmtd.rules.tax_year import TaxYear

#: The tax year the static answers use: the first year of cumulative periods.
EXAMPLE_YEAR: Final = TaxYear(2025)
_UK_PROPERTY_ID: Final = "XPIS12345678901"

_Fulfilled = Callable[[int, ObligationPeriod], bool]


def _detail(period: ObligationPeriod, fulfilled: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "periodStartDate": period.start.isoformat(),
        "periodEndDate": period.end.isoformat(),
        "dueDate": period.due.isoformat(),
        "status": state.FULFILLED if fulfilled else state.OPEN,
    }
    if fulfilled:
        body["receivedDate"] = period.due.isoformat()
    return body


def _business(kind: str, business_id: str, year: TaxYear, fulfilled: _Fulfilled) -> Any:
    return {
        "typeOfBusiness": kind,
        "businessId": business_id,
        "obligationDetails": [
            _detail(period, fulfilled(number, period))
            for number, period in enumerate(quarterly_obligations(year), 1)
        ],
    }


def _refusal(scenario: str) -> ApiError | None:
    if scenario == c.INSOLVENT_TRADER:
        return ApiError.of(c.RULE_INSOLVENT_TRADER)
    if scenario == c.NOT_FOUND:
        return ApiError.of(c.MATCHING_RESOURCE_NOT_FOUND)
    if scenario == c.NO_OBLIGATIONS_FOUND_SCENARIO:
        return ApiError.of(c.NO_OBLIGATIONS_FOUND)
    return None


def income_and_expenditure(scenario: str, today: date) -> dict[str, Any]:
    """The canned answer for ``scenario``.

    Raises:
        ApiError: the scenario's error, or 400 ``RULE_INCORRECT_GOV_TEST_SCENARIO`` for a
            value this endpoint does not know (``STATEFUL`` included).
    """
    refusal = _refusal(scenario)
    if refusal is not None:
        raise refusal
    self_employment = "self-employment"
    fulfilled: dict[str, _Fulfilled] = {
        c.DEFAULT: lambda number, _: number <= 2,
        c.OPEN: lambda _number, _period: False,
        c.FULFILLED: lambda _number, _period: True,
        c.CUMULATIVE: lambda number, _: number == 1,
    }
    if scenario == c.DYNAMIC:
        year = TaxYear.containing(today)
        business = _business(self_employment, EXAMPLE_BUSINESS_ID, year, lambda _, p: p.due < today)
        return {"obligations": [business]}
    if scenario not in fulfilled:
        raise ApiError.of(c.RULE_INCORRECT_GOV_TEST_SCENARIO)
    rule = fulfilled[scenario]
    businesses = [_business(self_employment, EXAMPLE_BUSINESS_ID, EXAMPLE_YEAR, rule)]
    if scenario == c.CUMULATIVE:
        businesses.append(_business("uk-property", _UK_PROPERTY_ID, EXAMPLE_YEAR, rule))
    return {"obligations": businesses}


def final_declaration_answer(scenario: str, today: date) -> dict[str, Any]:
    """The canned answer for ``scenario``; raises as :func:`income_and_expenditure` does."""
    refusal = _refusal(scenario)
    if refusal is not None:
        raise refusal
    if scenario in (c.DEFAULT, c.OPEN):
        detail = _detail(final_declaration(EXAMPLE_YEAR), False)
    elif scenario == c.FULFILLED:
        detail = _detail(final_declaration(EXAMPLE_YEAR), True)
    elif scenario == c.DYNAMIC:
        period = final_declaration(TaxYear.containing(today).previous)
        detail = _detail(period, period.due < today)
    else:
        raise ApiError.of(c.RULE_INCORRECT_GOV_TEST_SCENARIO)
    return {"obligations": [detail]}
