"""HMRC's annual review: year N's ITSA status from the N-2 return and the customer's state.

The public rules (business rules §3.2-§3.4, §1.7) and the choices openmtd makes where HMRC's
are not public (marked UNCONFIRMED in the reference; each is explained in docs/rules.md and
decided only here):

1. A dormant customer (no longer required to file Self Assessment) is ``Dormant``: no
   obligations. *Choice*: reason ``Ceased income source``.
2. ``MTD Exempt`` and ``Digitally Exempt`` persist year on year. *Choice*: reason ``Rollover``,
   since HMRC uses Rollover for a status carried forward.
3. No return for N-2: the previous status rolls over (reason ``Rollover``). With no previous
   status either, there is nothing to decide (None).
4. Before 2026-27 nobody is mandated: signed-up customers are voluntary, others annual.
5. Qualifying income strictly over N's threshold: ``MTD Mandated``.
6. At or below it: a mandated customer stays mandated until qualifying income has been at or
   below the threshold for three consecutive tax years, N-3, N-2 and N-1 (N-1 measured from
   its Q4 update or final declaration, as LITRG describes HMRC's test; UNCONFIRMED from
   HMRC's code). *Choices*: "below" is read as "not over", matching the voluntary
   definition; each income year is compared with the threshold of the year it decides; a
   missing figure counts as not below. Released customers become voluntary (they may then
   opt out). Other signed-up customers are voluntary; the rest are annual.

The reason for a decision from a return names the return: ``ITSA final declaration``,
``ITSA Q4 declaration`` or ``CESA SA return``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Final

from openmtd.rules.itsa_status import ItsaStatus, StatusReason
from openmtd.rules.tax_year import TaxYear
from openmtd.rules.thresholds import basis_year, is_over_threshold, threshold_for

#: How many consecutive determinations at or below the threshold release a mandated customer.
YEARS_BELOW_TO_LEAVE_MANDATION: Final = 3


class ReturnKind(Enum):
    """Which kind of return the qualifying income came from, and the reason HMRC records."""

    FINAL_DECLARATION = StatusReason.ITSA_FINAL_DECLARATION
    Q4_DECLARATION = StatusReason.ITSA_Q4_DECLARATION
    CESA_RETURN = StatusReason.CESA_SA_RETURN

    @property
    def reason(self) -> StatusReason:
        return self.value


@dataclass(frozen=True, slots=True)
class FiledReturn:
    """A return HMRC holds: its qualifying income and what kind of return it was."""

    qualifying_income: Decimal
    kind: ReturnKind = ReturnKind.CESA_RETURN


@dataclass(frozen=True, slots=True)
class CustomerState:
    """What the review knows about a customer.

    Attributes:
        previous: the status in force for N-1 (``No Status`` when HMRC holds none).
        signed_up: signed up for MTD and not opted out (a mandated or voluntary previous
            status also counts as signed up).
        dormant: no longer required to file Self Assessment.
        returns: returns held, keyed by the tax year each covers.
    """

    previous: ItsaStatus = ItsaStatus.NO_STATUS
    signed_up: bool = False
    dormant: bool = False
    returns: Mapping[TaxYear, FiledReturn] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ReviewDecision:
    """The status record the review writes for a year (not for display to customers)."""

    tax_year: TaxYear
    status: ItsaStatus
    reason: StatusReason
    business_income_2_years_prior: Decimal | None


def review(tax_year: TaxYear, state: CustomerState) -> ReviewDecision | None:
    """Decide ``tax_year``'s status; None when there is nothing to decide.

    >>> decision = review(TaxYear(2026), CustomerState(
    ...     returns={TaxYear(2024): FiledReturn(Decimal("50000.01"))}))
    >>> decision.status, decision.reason
    (<ItsaStatus.MANDATED: 'MTD Mandated'>, <StatusReason.CESA_SA_RETURN: 'CESA SA return'>)
    """
    basis = state.returns.get(basis_year(tax_year))
    income = basis.qualifying_income if basis else None

    if state.dormant:
        return ReviewDecision(
            tax_year, ItsaStatus.DORMANT, StatusReason.CEASED_INCOME_SOURCE, income
        )
    if state.previous.is_exempt:
        return ReviewDecision(tax_year, state.previous, StatusReason.ROLLOVER, income)
    if basis is None:
        if state.previous is ItsaStatus.NO_STATUS:
            return None
        return ReviewDecision(tax_year, state.previous, StatusReason.ROLLOVER, None)

    reason = basis.kind.reason
    stays_mandated = state.previous is ItsaStatus.MANDATED and not _released(tax_year, state)
    if is_over_threshold(basis.qualifying_income, tax_year) or stays_mandated:
        status = ItsaStatus.MANDATED
    elif state.signed_up or state.previous.is_in_mtd:
        # Still in MTD (signed up, or mandated until just now): voluntary until they opt out,
        # which sets an Annual status that this branch then keeps.
        status = ItsaStatus.VOLUNTARY
    else:
        status = ItsaStatus.ANNUAL
    return ReviewDecision(tax_year, status, reason, basis.qualifying_income)


def _released(tax_year: TaxYear, state: CustomerState) -> bool:
    """Whether qualifying income was at or below the threshold for three years in a row.

    The three income years are N-1, N-2 and N-3 (N-1's figure comes from its Q4 update or
    final declaration), each compared with the threshold of the status year it decides (its
    year + 2). So a customer whose income falls below in three consecutive years may leave
    from the year after the third.
    """
    for offset in range(1, YEARS_BELOW_TO_LEAVE_MANDATION + 1):
        income_year = tax_year.shift(-offset)
        decided_year = income_year.shift(2)
        filed = state.returns.get(income_year)
        if filed is None or threshold_for(decided_year) is None:
            return False
        if is_over_threshold(filed.qualifying_income, decided_year):
            return False
    return True
