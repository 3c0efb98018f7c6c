"""What HMRC's sign-up and reporting-obligations services read about a person, from storage:
their ITSA status history, the eligibility reason keys a tester set, and the returns on file.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from openmtd.emulator.storage import StoredStatus, Transaction
from openmtd.rules.eligibility import EligibilityReasonKey, parse_reason_keys
from openmtd.rules.errors import InvalidTaxYearError, RuleError
from openmtd.rules.itsa_status import (
    ItsaStatus,
    StatusHistory,
    StatusReason,
    StatusRecord,
    YearHistory,
)
from openmtd.rules.tax_year import TaxYear

MTD_IT = "HMRC-MTD-IT"
MTDITID = "MTDITID"
IR_SA = "IR-SA"


def current_year(now: datetime) -> TaxYear:
    """The tax year the emulator's clock is in (judged by the UK date)."""
    return TaxYear.at(now)


def _records(stored: Iterable[StoredStatus]) -> dict[TaxYear, list[StatusRecord]]:
    years: dict[TaxYear, list[StatusRecord]] = {}
    for record in stored:
        # A record the rules cannot read (written by hand) is left out, never a failure.
        try:
            year = TaxYear.parse(record.tax_year)
            status = StatusRecord(
                record.submitted_on,
                ItsaStatus.parse(record.status),
                StatusReason.parse(record.status_reason),
                record.business_income_2_years_prior,
            )
        except (RuleError, InvalidTaxYearError, ValueError):
            continue
        years.setdefault(year, []).append(status)
    return years


def status_history(tx: Transaction, nino: str) -> StatusHistory:
    """Every ITSA status HMRC holds for a NINO, as the rules read them."""
    return StatusHistory.of(
        YearHistory(year, tuple(records))
        for year, records in _records(tx.itsa_statuses.for_nino(nino)).items()
    )


def reason_keys(tx: Transaction, nino: str, tax_year: TaxYear) -> tuple[EligibilityReasonKey, ...]:
    """The reason keys set for a NINO and year; none (eligible) when a tester set none."""
    for record in tx.eligibility.for_nino(nino):
        if record.tax_year == str(tax_year):
            return parse_reason_keys(record.reason_keys)
    return ()


def returns_on_file(tx: Transaction, nino: str) -> frozenset[TaxYear]:
    """The tax years a return is on file for."""
    years: set[TaxYear] = set()
    for record in tx.returns.for_nino(nino):
        try:
            years.add(TaxYear.parse(record.tax_year))
        except InvalidTaxYearError:
            continue
    return frozenset(years)
