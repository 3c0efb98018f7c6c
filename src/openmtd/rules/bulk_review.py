"""The annual review for many customers at once, with :func:`~openmtd.rules.annual_review.review`'s
own decisions.

HMRC reviews every customer's status every year (business rules §3.3); the emulator reviews a
million customers in one go. Building a :class:`~openmtd.rules.annual_review.CustomerState` and
calling ``review`` for each costs tens of microseconds, so :class:`BulkReview` calls ``review``
once per *shape* of customer and reuses its decision for every customer of that shape.

Why a shape decides: ``review`` uses a qualifying income in exactly two ways. It compares it
with a year's threshold (:func:`~openmtd.rules.thresholds.is_over_threshold`, strictly over),
and it hands the basis year's income back as ``business_income_2_years_prior``. So two states
that differ only in their incomes, each income over the same threshold amounts as its
counterpart, get the same status and reason. A customer's shape is therefore: the previous
status, ``signed_up``, ``dormant``, the kind of return, and for each year ``review`` reads (N-2,
the basis, and N-1 to N-3, the window for leaving mandation) whether a return is held and how
many of the threshold amounts its income is over. A shape's decision is ``review``'s for one
representative state of that shape; the customer's own basis income is then put back.

``tests/unit/rules/test_bulk_review.py`` holds :class:`BulkReview` to ``review`` for generated
states: a change to how ``review`` reads incomes must change this module too.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from decimal import Decimal
from typing import Final

from openmtd.rules.annual_review import (
    YEARS_BELOW_TO_LEAVE_MANDATION,
    CustomerState,
    FiledReturn,
    ReturnKind,
    ReviewDecision,
    review,
)
from openmtd.rules.itsa_status import ItsaStatus
from openmtd.rules.tax_year import TaxYear
from openmtd.rules.thresholds import basis_year, threshold_amounts

#: A year's place in a shape when no return is held for it.
_NO_RETURN: Final = -1

_Shape = tuple[ItsaStatus, bool, bool, ReturnKind, tuple[int, ...]]


def income_years(tax_year: TaxYear) -> tuple[TaxYear, ...]:
    """The years whose returns ``review`` reads for ``tax_year``, latest first: N-1, N-2, N-3.

    >>> [str(year) for year in income_years(TaxYear(2027))]
    ['2026-27', '2025-26', '2024-25']
    """
    # The window (N-1 back to N-3) holds the basis year, N-2.
    return tuple(tax_year.shift(-offset) for offset in range(1, YEARS_BELOW_TO_LEAVE_MANDATION + 1))


class BulkReview:
    """``review(tax_year, ...)`` for many customers, each shape decided once.

    >>> bulk = BulkReview(TaxYear(2026))
    >>> bulk.decide(ItsaStatus.ANNUAL, False, (None, Decimal("50000.01"), None)).status
    <ItsaStatus.MANDATED: 'MTD Mandated'>
    """

    def __init__(self, tax_year: TaxYear) -> None:
        self.tax_year = tax_year
        #: The years of ``decide``'s incomes, in that order.
        self.income_years = income_years(tax_year)
        self._basis = self.income_years.index(basis_year(tax_year))
        self._amounts = threshold_amounts()
        # Over none of the amounts: the lowest; over the first k: the next one up; over all:
        # a penny more than the highest (is_over_threshold is strictly over).
        self._representatives = (*self._amounts, self._amounts[-1] + Decimal("0.01"))
        self._decisions: dict[_Shape, ReviewDecision | None] = {}

    def decide(
        self,
        previous: ItsaStatus,
        signed_up: bool,
        incomes: Sequence[Decimal | None],
        *,
        dormant: bool = False,
        kind: ReturnKind = ReturnKind.CESA_RETURN,
    ) -> ReviewDecision | None:
        """What ``review`` decides for a customer.

        Args:
            previous, signed_up, dormant: as :class:`CustomerState` holds them.
            incomes: the qualifying income of the return held for each of
                :attr:`income_years` (None: no return for that year).
            kind: the kind of every return held.
        """
        amounts = self._amounts
        bands = tuple(
            _NO_RETURN if income is None else bisect_left(amounts, income) for income in incomes
        )
        shape = (previous, signed_up, dormant, kind, bands)
        try:
            decision = self._decisions[shape]
        except KeyError:
            decision = self._decisions[shape] = self._decide_shape(shape)
        basis = incomes[self._basis]
        if decision is None or decision.business_income_2_years_prior is None or basis is None:
            return decision
        return ReviewDecision(self.tax_year, decision.status, decision.reason, basis)

    def _decide_shape(self, shape: _Shape) -> ReviewDecision | None:
        previous, signed_up, dormant, kind, bands = shape
        returns = {
            year: FiledReturn(self._representatives[band], kind)
            for year, band in zip(self.income_years, bands, strict=True)
            if band != _NO_RETURN
        }
        decision = review(self.tax_year, CustomerState(previous, signed_up, dormant, returns))
        # review hands back the basis income or none: the representative's, replaced above.
        basis = returns.get(basis_year(self.tax_year))
        assert decision is None or decision.business_income_2_years_prior in (
            None,
            basis.qualifying_income if basis else None,
        )
        return decision
