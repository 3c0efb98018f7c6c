"""A customer's income sources as the Business Details (MTD) and Obligations (MTD) APIs see
them: the ones sign-up created (HMRC's own record, ``tx.business_details``), then the test
businesses Self Assessment Test Support created (``tx.sandbox``, each vendor's own test data).

The two share one business ID space (``apis/test_support/businesses.py``). The APIs see the
calling application's test businesses only, as HMRC's sandbox keeps test data per vendor; the
control API, which no application calls, sees every application's.

Each source carries its details under the names HMRC's Create a Test Business request uses
(the Self Assessment Test Support OAS in ``tests/conformance/hmrc-oas``): the same names for
both kinds, which Retrieve Business Details answers with (docs/emulator.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from openmtd.emulator.storage import BusinessDetails, StoredBusiness, Transaction
from openmtd.rules.errors import RuleError
from openmtd.rules.obligations import LatencyIndicator
from openmtd.rules.tax_year import TaxYear

#: Test Support fields Retrieve Business Details does not answer with: the accounting type
#: has its own Business Details endpoint (wire facts §5).
_NOT_RETRIEVED: Final = frozenset({"accountingType", "typeOfBusiness"})


@dataclass(frozen=True, slots=True)
class IncomeSource:
    """One business as the MTD APIs read it."""

    business_id: str
    type_of_business: str
    trading_name: str | None = None
    trading_type: str | None = None
    #: HMRC's field names and values (Retrieve Business Details' body, less the two above).
    details: Mapping[str, Any] = field(default_factory=dict)
    commenced: date | None = None
    ceased: date | None = None
    latency: Mapping[TaxYear, LatencyIndicator] = field(default_factory=dict)


def income_sources(tx: Transaction, nino: str, application_id: int | None) -> list[IncomeSource]:
    """Sign-up's sources for ``nino`` (in the order added), then its test businesses (by
    creation): the calling application's, or every application's when ``None``."""
    signed_up = [_from_sign_up(record) for record in tx.business_details.for_nino(nino)]
    tests = tx.sandbox.businesses(application_id=application_id, nino=nino)
    return signed_up + [_from_test_support(business) for business in tests]


def _from_sign_up(record: BusinessDetails) -> IncomeSource:
    details: dict[str, Any] = {}
    if record.trading_name is not None:
        details["tradingName"] = record.trading_name
    address = record.address
    if address is not None:
        lines = (address.line1, address.line2, address.line3, address.line4)
        for name, line in zip(("One", "Two", "Three", "Four"), lines, strict=True):
            if line:
                details[f"businessAddressLine{name}"] = line
        if address.postcode:
            details["businessAddressPostcode"] = address.postcode
        details["businessAddressCountryCode"] = address.country_code
    details["firstAccountingPeriodStartDate"] = record.accounting_period_start.isoformat()
    details["firstAccountingPeriodEndDate"] = record.accounting_period_end.isoformat()
    if record.trading_start_date is not None:
        details["commencementDate"] = record.trading_start_date.isoformat()
    if record.cessation_date is not None:
        details["cessationDate"] = record.cessation_date.isoformat()
    return IncomeSource(
        business_id=record.business_id,
        type_of_business=record.type_of_business,
        trading_name=record.trading_name,
        trading_type=record.trading_type,
        details=details,
        commenced=record.trading_start_date,
        ceased=record.cessation_date,
    )


def _from_test_support(business: StoredBusiness) -> IncomeSource:
    sent = business.details
    name = sent.get("tradingName")
    return IncomeSource(
        business_id=business.business_id,
        type_of_business=business.type_of_business,
        trading_name=name if isinstance(name, str) else None,
        details={key: value for key, value in sent.items() if key not in _NOT_RETRIEVED},
        commenced=_date(sent.get("commencementDate")),
        ceased=_date(sent.get("cessationDate")),
        latency=_latency(sent.get("latencyDetails")),
    )


def _date(value: object) -> date | None:
    # Test Support checked the format; a value it kept that does not read is no date.
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _latency(value: object) -> dict[TaxYear, LatencyIndicator]:
    if not isinstance(value, Mapping):
        return {}
    latency: dict[TaxYear, LatencyIndicator] = {}
    for number in ("1", "2"):
        year, indicator = value.get(f"taxYear{number}"), value.get(f"latencyIndicator{number}")
        try:
            latency[TaxYear.parse(str(year))] = LatencyIndicator(str(indicator))
        except (RuleError, ValueError):
            continue
    return latency
