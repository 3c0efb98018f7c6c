"""A customer's obligations, from the emulator's state: their income sources
(:mod:`openmtd.emulator.apis.income_sources`), the first year they signed up for (their
subscription), their ITSA statuses and what HMRC received (quarterly updates and final
declarations set through the control API, returns on file).

Which years and sources have obligations, their dates and when a submission fulfils them are
:mod:`openmtd.rules.obligations`' (dates from :mod:`openmtd.rules.deadlines`). Only the three
kinds of business the Obligations API names have quarterly obligations (wire facts §5:
``self-employment``, ``uk-property``, ``foreign-property``); a ``property-unspecified`` test
business has none (a choice).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from openmtd.emulator.apis.income_sources import IncomeSource, income_sources
from openmtd.emulator.sign_up.facts import status_history
from openmtd.emulator.storage import Transaction
from openmtd.rules.errors import InvalidTaxYearError
from openmtd.rules.itsa_status import ObligationKind
from openmtd.rules.obligations import (
    ObligationPeriod,
    Submission,
    final_declaration,
    quarterly_obligations,
    received_on,
    reports_quarterly,
    trades_in,
    years_with,
)
from openmtd.rules.tax_year import TaxYear

#: The kinds of business Obligations answers for (wire facts §5).
TYPES_OF_BUSINESS: Final = ("self-employment", "uk-property", "foreign-property")
OPEN: Final = "open"
FULFILLED: Final = "fulfilled"
STATUSES: Final = (OPEN, FULFILLED)


@dataclass(frozen=True, slots=True)
class Obligation:
    """One obligation: its period, due date and when it was fulfilled (None: open)."""

    period: ObligationPeriod
    received: date | None = None

    @property
    def status(self) -> str:
        return OPEN if self.received is None else FULFILLED

    def body(self) -> dict[str, Any]:
        """HMRC's obligation detail (wire facts §5)."""
        body: dict[str, Any] = {
            "periodStartDate": self.period.start.isoformat(),
            "periodEndDate": self.period.end.isoformat(),
            "dueDate": self.period.due.isoformat(),
            "status": self.status,
        }
        if self.received is not None:
            body["receivedDate"] = self.received.isoformat()
        return body


@dataclass(frozen=True, slots=True)
class BusinessObligations:
    """One income source's quarterly obligations, by period end."""

    source: IncomeSource
    obligations: tuple[Obligation, ...]

    def body(self, obligations: tuple[Obligation, ...] | None = None) -> dict[str, Any]:
        """HMRC's entry for the business, with ``obligations`` (by default, all of them)."""
        return {
            "typeOfBusiness": self.source.type_of_business,
            "businessId": self.source.business_id,
            "obligationDetails": [
                o.body() for o in (self.obligations if obligations is None else obligations)
            ],
        }


def _first_year(tx: Transaction, nino: str) -> TaxYear | None:
    subscription = tx.subscriptions.for_nino(nino)
    if subscription is None:
        return None
    try:
        return TaxYear.parse(subscription.tax_year)
    except InvalidTaxYearError:
        return None


def _years(
    tx: Transaction, nino: str, kind: ObligationKind, current: TaxYear
) -> tuple[TaxYear, ...]:
    return years_with(kind, status_history(tx, nino), first=_first_year(tx, nino), current=current)


def quarterly(
    tx: Transaction, nino: str, application_id: int | None, current: TaxYear
) -> list[BusinessObligations]:
    """Each income source with quarterly obligations and those obligations, in source order.

    Args:
        application_id: whose test businesses count (None: every application's).
        current: the tax year the emulator's clock is in.
    """
    years = _years(tx, nino, ObligationKind.QUARTERLY_UPDATES, current)
    received: dict[str, list[Submission]] = {}
    for update in tx.fulfilled_updates.for_nino(nino):
        if update.business_id is not None:
            received.setdefault(update.business_id, []).append(
                Submission(update.period_start, update.period_end, update.received_on)
            )
    answer = []
    for source in income_sources(tx, nino, application_id):
        if source.type_of_business not in TYPES_OF_BUSINESS:
            continue
        submissions = received.get(source.business_id, [])
        obligations = tuple(
            Obligation(period, received_on(period, submissions))
            for year in years
            if trades_in(year, commenced=source.commenced, ceased=source.ceased)
            and reports_quarterly(year, source.latency)
            for period in quarterly_obligations(year)
        )
        if obligations:
            answer.append(BusinessObligations(source, obligations))
    return answer


def final_declarations(tx: Transaction, nino: str, current: TaxYear) -> list[Obligation]:
    """The customer's final declaration obligations, by tax year.

    One is fulfilled by a final declaration set through the control API or by a return on
    file for the year (the year is then crystallised, as opt-out reads it), whichever came
    first.
    """
    submissions = [
        Submission(update.period_start, update.period_end, update.received_on)
        for update in tx.fulfilled_updates.for_nino(nino)
        if update.business_id is None
    ]
    for record in tx.returns.for_nino(nino):
        try:
            year = TaxYear.parse(record.tax_year)
        except InvalidTaxYearError:
            continue
        submissions.append(Submission(year.start, year.end, record.filed_on))
    return [
        Obligation(period, received_on(period, submissions))
        for period in (
            final_declaration(year)
            for year in _years(tx, nino, ObligationKind.FINAL_DECLARATION, current)
        )
    ]
