"""What HMRC's annual review reads and writes, a batch of customers at a time
(:mod:`openmtd.emulator.annual_review`).

A *customer* is every NINO the emulator holds an ITSA status, an ITSA subscription or a
Self Assessment return on file for. The review reads them in NINO order, a batch of thousands
in a handful of queries (never one round trip per customer), and writes its records in bulk.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

#: One ITSA status record as the review reads it: tax year, status, status reason and
#: ``businessIncome2YearsPrior`` (None when the record has none).
HeldStatus = tuple[str, str, str, Decimal | None]

#: One record the review writes: NINO, status, status reason, ``businessIncome2YearsPrior``.
ReviewedStatus = tuple[str, str, str, Decimal | None]


@dataclass(frozen=True, slots=True)
class ReviewBatch:
    """Everything the review reads about one batch of customers.

    Attributes:
        ninos: every customer in the batch, ascending.
        statuses: each customer's ITSA status records for the years up to the one reviewed,
            oldest first (by tax year, then ``submittedOn``, then as written); customers with
            none are absent.
        subscribed: the customers with an ITSA subscription.
        incomes: for each customer with a return on file (for any year), the qualifying
            income of the return held for each of the years asked for, in that order (None:
            no return for that year).
    """

    ninos: Sequence[str]
    statuses: Mapping[str, Sequence[HeldStatus]]
    subscribed: Set[str]
    incomes: Mapping[str, tuple[Decimal | None, ...]]


class AnnualReviewRepository(Protocol):
    """The review's reads and writes over every customer. Used by ``emulator.annual_review``."""

    def batches(
        self, up_to_year: str, income_years: Sequence[str], size: int
    ) -> Iterator[ReviewBatch]:
        """Every customer once, in NINO order, in batches of at most about ``size`` rows read
        from each table; status records for tax years after ``up_to_year`` are left out."""
        ...

    def add_statuses(
        self, tax_year: str, submitted_on: datetime, records: Sequence[ReviewedStatus]
    ) -> None:
        """Add one ITSA status record for ``tax_year`` per item of ``records``, each submitted
        at ``submitted_on`` and tagged with no application, in bulk."""
        ...
