"""HMRC's annual review over every customer (``POST /emulator/annual-review/{taxYear}``):
each customer's ITSA status for a year from the return two years before (business rules
§3.3, §3.4), decided by :mod:`openmtd.rules.annual_review` through
:class:`~openmtd.rules.bulk_review.BulkReview` (the same decisions, each shape decided once).

Who is reviewed, and what the rule is told about each (openmtd's reading of the emulator's
storage; HMRC's own is not public):

- **every customer**: every NINO with an ITSA status for a year up to the one reviewed, an
  ITSA subscription, or a Self Assessment return on file for any year;
- ``previous``: the status in force for N-1, HMRC's rollover reading
  (:func:`~openmtd.rules.itsa_status.status_in_force` over each year's latest record);
- ``signed_up``: the customer has an ITSA subscription and has not opted out: their latest
  record with reason ``MTD ITSA Opt-Out`` or ``MTD ITSA Opt-In`` (by tax year, then
  ``submittedOn``), if any, is an opt-in;
- ``dormant``: never; the emulator holds no "no longer required to file" fact yet;
- ``returns``: the qualifying income of each return on file for N-1, N-2 and N-3, each a
  ``CESA SA return`` (the emulator has no final declarations yet).

A decision is written as a new record for the year, submitted at the emulator's time, when it
differs (status, reason or ``businessIncome2YearsPrior``) from the year's record in force;
so running the review again changes nothing, and it supersedes sign-up's or an earlier
review's record for the year. Customers read in batches: a handful of queries and one bulk
write per batch, never a round trip per customer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Final, cast

from openmtd.emulator.storage import Transaction
from openmtd.emulator.storage.annual_review import ReviewBatch, ReviewedStatus
from openmtd.rules.bulk_review import BulkReview
from openmtd.rules.errors import InvalidTaxYearError, RuleError
from openmtd.rules.itsa_status import ItsaStatus, StatusReason, status_in_force
from openmtd.rules.tax_year import TaxYear

#: Rows read from each table per batch.
BATCH_SIZE: Final = 20_000
#: The statuses a review can decide (everything but No Status), in a fixed order.
DECIDED: Final = tuple(status for status in ItsaStatus if status is not ItsaStatus.NO_STATUS)

#: Each status's and reason's text (an Enum's ``value`` is slow to read a million times).
_TEXT: Final[dict[str, str]] = {
    **{status: status.value for status in ItsaStatus},
    **{reason: reason.value for reason in StatusReason},
}
_OPT_OUT: Final = StatusReason.OPT_OUT.value
_OPT_CHOICES: Final = frozenset({StatusReason.OPT_OUT.value, StatusReason.OPT_IN.value})


@dataclass(frozen=True, slots=True)
class ReviewOutcome:
    """What a review did: how many customers it reviewed, what it decided for them, how many
    records it wrote and how many customers it had nothing to decide for."""

    tax_year: TaxYear
    reviewed: int
    status_counts: Mapping[ItsaStatus, int]
    recorded: int
    undecided: int


class _Reader:
    """Stored text as the rules' values, each distinct text parsed once. A record the rules
    cannot read (a tax year or status written by hand) is left out, never a failure, as
    sign-up's facts leave it out (:mod:`openmtd.emulator.sign_up.facts`)."""

    def __init__(self, tax_year: TaxYear) -> None:
        self.previous_year = tax_year.previous
        self._years: dict[str, TaxYear | None] = {}
        self._statuses: dict[str, ItsaStatus | None] = {}
        self._in_force: dict[tuple[tuple[str, ItsaStatus], ...], ItsaStatus] = {}

    def status(self, year_text: str, status_text: str) -> ItsaStatus | None:
        """The record's status, or None when its year or status cannot be read."""
        try:
            status = self._statuses[status_text]
        except KeyError:
            try:
                status = ItsaStatus.parse(status_text)
            except RuleError:
                status = None
            self._statuses[status_text] = status
        if status is None:
            return None
        try:
            year = self._years[year_text]
        except KeyError:
            try:
                year = TaxYear.parse(year_text)
            except InvalidTaxYearError:
                year = None
            self._years[year_text] = year
        return None if year is None else status

    def in_force(self, latest: dict[str, ItsaStatus]) -> ItsaStatus:
        """N-1's status in force, from each year's latest readable status."""
        key = tuple(latest.items())
        found = self._in_force.get(key)
        if found is None:
            # Only readable years are in ``latest`` (see status).
            statuses = {cast(TaxYear, self._years[year]): status for year, status in key}
            found = self._in_force[key] = status_in_force(statuses, self.previous_year)
        return found


def _review_batch(
    batch: ReviewBatch, year_text: str, bulk: BulkReview, reader: _Reader, counts: Counter[str]
) -> list[ReviewedStatus]:
    """The batch's decisions that differ from the year's record in force."""
    written: list[ReviewedStatus] = []
    no_returns: tuple[Decimal | None, ...] = (None,) * len(bulk.income_years)
    statuses, subscribed, incomes = batch.statuses, batch.subscribed, batch.incomes
    readable = reader.status
    for nino in batch.ninos:
        latest: dict[str, ItsaStatus] = {}
        in_force: tuple[str, str, Decimal | None] | None = None
        opted_out = False
        for tax_year, status_text, reason, income in statuses.get(nino, ()):
            if tax_year == year_text:
                # The year's record as Retrieve ITSA Status shows it, readable or not.
                in_force = (status_text, reason, income)
            status = readable(tax_year, status_text)
            if status is None:
                continue
            if tax_year != year_text:
                latest[tax_year] = status
            if reason in _OPT_CHOICES:
                opted_out = reason == _OPT_OUT
        decision = bulk.decide(
            reader.in_force(latest),
            nino in subscribed and not opted_out,
            incomes.get(nino, no_returns),
        )
        if decision is None:
            counts["undecided"] += 1
            continue
        status, reason = decision.status, decision.reason
        counts[status] += 1
        income = decision.business_income_2_years_prior
        if in_force != (status, reason, income):
            written.append((nino, _TEXT[status], _TEXT[reason], income))
    return written


def run(
    tx: Transaction, tax_year: TaxYear, now: datetime, batch_size: int = BATCH_SIZE
) -> ReviewOutcome:
    """Review every customer for ``tax_year`` and write the records that change."""
    bulk = BulkReview(tax_year)
    reader = _Reader(tax_year)
    year_text = str(tax_year)
    counts: Counter[str] = Counter()
    reviewed = recorded = 0
    for batch in tx.annual_review.batches(
        year_text, [str(year) for year in bulk.income_years], batch_size
    ):
        reviewed += len(batch.ninos)
        written = _review_batch(batch, year_text, bulk, reader, counts)
        tx.annual_review.add_statuses(year_text, now, written)
        recorded += len(written)
    return ReviewOutcome(
        tax_year,
        reviewed,
        {status: counts[status] for status in DECIDED},
        recorded,
        counts["undecided"],
    )
