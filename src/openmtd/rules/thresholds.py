"""Qualifying income and the mandation thresholds.

Qualifying income is the total *gross* income (turnover before expenses) from self-employment
and from UK and foreign property; for jointly owned property only the person's share counts.
Employment, partnership income, dividends, pensions and savings are excluded (GOV.UK "Work out
your qualifying income", business rules §1.7).

Mandation for tax year N compares the qualifying income on the return for N-2 with N's
threshold: over £50,000 for 2026-27, over £30,000 for 2027-28, over £20,000 from 2028-29.
"Over" is strict: income exactly at the threshold is not mandated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from openmtd.rules.tax_year import TaxYear

#: The first tax year anyone is mandated into MTD for Income Tax.
FIRST_MANDATED_YEAR: Final = TaxYear(2026)

# (first tax year, threshold): each applies from its year until the next entry.
_THRESHOLDS: Final[tuple[tuple[TaxYear, Decimal], ...]] = (
    (TaxYear(2026), Decimal(50_000)),
    (TaxYear(2027), Decimal(30_000)),
    (TaxYear(2028), Decimal(20_000)),
)

#: The year the last (lowest) threshold starts; it applies from then on.
FINAL_THRESHOLD_YEAR: Final = _THRESHOLDS[-1][0]

_ZERO: Final = Decimal(0)
_WHOLE: Final = Decimal(1)


def threshold_for(tax_year: TaxYear) -> Decimal | None:
    """The qualifying-income threshold for being mandated in ``tax_year``.

    None before 2026-27, when nobody is mandated.

    >>> threshold_for(TaxYear(2027))
    Decimal('30000')
    """
    applicable = [amount for first, amount in _THRESHOLDS if tax_year >= first]
    return applicable[-1] if applicable else None


def threshold_amounts() -> tuple[Decimal, ...]:
    """Every threshold amount any year has, ascending.

    >>> threshold_amounts()
    (Decimal('20000'), Decimal('30000'), Decimal('50000'))
    """
    return tuple(sorted({amount for _, amount in _THRESHOLDS}))


def basis_year(tax_year: TaxYear) -> TaxYear:
    """The tax year whose return decides ``tax_year``'s status: two years before it."""
    return tax_year.shift(-2)


def is_over_threshold(qualifying: Decimal, tax_year: TaxYear) -> bool:
    """Whether qualifying income from ``basis_year(tax_year)`` mandates ``tax_year``.

    Strictly over: £50,000.00 exactly does not mandate 2026-27; £50,000.01 does.
    """
    threshold = threshold_for(tax_year)
    return threshold is not None and qualifying > threshold


@dataclass(frozen=True, slots=True)
class PropertyIncome:
    """Gross income from a property business and the person's share of it (1 = all of it)."""

    gross: Decimal
    share: Decimal = _WHOLE

    def __post_init__(self) -> None:
        if self.gross < _ZERO:
            raise ValueError("gross property income cannot be negative")
        if not _ZERO <= self.share <= _WHOLE:
            raise ValueError("a share of a property must be between 0 and 1")

    @property
    def persons_share(self) -> Decimal:
        return self.gross * self.share


@dataclass(frozen=True, slots=True)
class IncomeReturn:
    """The figures from one Self Assessment return that bear on qualifying income.

    The excluded kinds are fields too, so a caller can pass a whole return and see them
    ignored rather than wonder whether they were forgotten.
    """

    self_employment_turnover: tuple[Decimal, ...] = ()
    uk_property: tuple[PropertyIncome, ...] = ()
    foreign_property: tuple[PropertyIncome, ...] = ()
    employment: Decimal = _ZERO
    partnership: Decimal = _ZERO
    dividends: Decimal = _ZERO
    pensions: Decimal = _ZERO
    savings: Decimal = _ZERO

    def __post_init__(self) -> None:
        if any(turnover < _ZERO for turnover in self.self_employment_turnover):
            raise ValueError("self-employment turnover cannot be negative")


def qualifying_income(income: IncomeReturn) -> Decimal:
    """Gross self-employment turnover plus the person's share of UK and foreign property.

    >>> qualifying_income(IncomeReturn(
    ...     self_employment_turnover=(Decimal(30_000),),
    ...     uk_property=(PropertyIncome(Decimal(40_000), Decimal("0.5")),),
    ...     employment=Decimal(60_000),
    ... ))
    Decimal('50000.0')
    """
    property_income: Iterable[PropertyIncome] = (*income.uk_property, *income.foreign_property)
    return sum(income.self_employment_turnover, _ZERO) + sum(
        (item.persons_share for item in property_income), _ZERO
    )
