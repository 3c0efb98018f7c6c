"""The ITSA status model: statuses, reasons, records, per-year histories and obligations.

Values and downstream codes are HMRC's (hmrc-wire-facts.md §1.5): the Retrieve ITSA Status
v2.0 strings and the two-digit codes HMRC's downstream systems use. Code ``04`` was
``Non Digital`` and is now ``Digitally Exempt``; the Self Assessment Test Support API still
accepts ``Non Digital`` on input, so :meth:`ItsaStatus.parse` takes it as the same status.

Software may use a status to decide what to tell a customer, but must never show the raw
value or reason: :mod:`openmtd.rules.guidance` turns statuses into words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Final

from openmtd.rules.errors import RuleError
from openmtd.rules.tax_year import TaxYear


class ItsaStatus(StrEnum):
    """A customer's ITSA status for one tax year, as the v2.0 API spells it."""

    NO_STATUS = "No Status"
    MANDATED = "MTD Mandated"
    VOLUNTARY = "MTD Voluntary"
    ANNUAL = "Annual"
    DIGITALLY_EXEMPT = "Digitally Exempt"
    DORMANT = "Dormant"
    EXEMPT = "MTD Exempt"

    @property
    def downstream_code(self) -> str:
        """HMRC's downstream two-digit code (``01`` for MTD Mandated)."""
        return _STATUS_CODES[self]

    @classmethod
    def from_downstream(cls, code: str) -> ItsaStatus:
        """The status for a downstream code; ``04`` reads as Digitally Exempt."""
        for status, status_code in _STATUS_CODES.items():
            if status_code == code:
                return status
        raise RuleError("FORMAT_STATUS", f"{code!r} is not an ITSA status code.")

    @classmethod
    def parse(cls, text: str) -> ItsaStatus:
        """The status for its API string; the legacy ``Non Digital`` is Digitally Exempt."""
        if text == LEGACY_NON_DIGITAL:
            return cls.DIGITALLY_EXEMPT
        try:
            return cls(text)
        except ValueError:
            raise RuleError("FORMAT_STATUS", f"{text!r} is not an ITSA status.") from None

    @property
    def is_exempt(self) -> bool:
        """MTD Exempt and Digitally Exempt: a tax return only; MTD cannot be required."""
        return self in (ItsaStatus.EXEMPT, ItsaStatus.DIGITALLY_EXEMPT)

    @property
    def is_in_mtd(self) -> bool:
        """Mandated or voluntary: the customer reports through MTD software this year."""
        return self in (ItsaStatus.MANDATED, ItsaStatus.VOLUNTARY)


#: The pre-2026 spelling of downstream code ``04``, still accepted by test support.
LEGACY_NON_DIGITAL: Final = "Non Digital"

_STATUS_CODES: Final[Mapping[ItsaStatus, str]] = {
    ItsaStatus.NO_STATUS: "00",
    ItsaStatus.MANDATED: "01",
    ItsaStatus.VOLUNTARY: "02",
    ItsaStatus.ANNUAL: "03",
    ItsaStatus.DIGITALLY_EXEMPT: "04",
    ItsaStatus.DORMANT: "05",
    ItsaStatus.EXEMPT: "99",
}


class StatusReason(StrEnum):
    """Why HMRC set a status, as the v2.0 API spells it; the member order is the code order."""

    SIGN_UP_RETURN_AVAILABLE = "Sign up - return available"
    SIGN_UP_NO_RETURN_AVAILABLE = "Sign up - no return available"
    ITSA_FINAL_DECLARATION = "ITSA final declaration"
    ITSA_Q4_DECLARATION = "ITSA Q4 declaration"
    CESA_SA_RETURN = "CESA SA return"
    COMPLEX = "Complex"
    CEASED_INCOME_SOURCE = "Ceased income source"
    REINSTATED_INCOME_SOURCE = "Reinstated income source"
    ROLLOVER = "Rollover"
    INCOME_SOURCE_LATENCY_CHANGES = "Income Source Latency Changes"
    OPT_OUT = "MTD ITSA Opt-Out"
    OPT_IN = "MTD ITSA Opt-In"
    DIGITALLY_EXEMPT = "Digitally Exempt"
    CAPACITOR = "Capacitor"
    RESIDENCE_AND_REMITTANCE = "Residence and remittance"
    MINISTERS_OF_RELIGION = "Ministers of religion"
    LLOYDS_UNDERWRITERS = "Lloyds underwriters"
    BLIND_PERSONS_ALLOWANCE = "Blind persons allowance"
    MARRIED_COUPLES_ALLOWANCE = "Married couples allowance"
    RETURN_NOT_CONSIDERED = "Return not considered"

    @property
    def downstream_code(self) -> str:
        """HMRC's downstream two-digit code, ``00`` to ``19``."""
        return f"{list(StatusReason).index(self):02d}"

    @classmethod
    def from_downstream(cls, code: str) -> StatusReason:
        members = list(cls)
        if len(code) == 2 and code.isascii() and code.isdigit() and int(code) < len(members):
            return members[int(code)]
        raise RuleError("FORMAT_STATUS_REASON", f"{code!r} is not an ITSA status reason code.")

    @classmethod
    def parse(cls, text: str) -> StatusReason:
        try:
            return cls(text)
        except ValueError:
            raise RuleError(
                "FORMAT_STATUS_REASON", f"{text!r} is not an ITSA status reason."
            ) from None


#: The largest businessIncome2YearsPrior HMRC's schema allows.
MAX_BUSINESS_INCOME: Final = Decimal("99999999999.99")


@dataclass(frozen=True, slots=True)
class StatusRecord:
    """One status determination for a tax year (an ``itsaStatusDetails`` entry)."""

    submitted_on: datetime
    status: ItsaStatus
    reason: StatusReason
    business_income_2_years_prior: Decimal | None = None

    def __post_init__(self) -> None:
        if self.submitted_on.utcoffset() is None:
            raise ValueError("submitted_on must be timezone-aware (HMRC writes it in UTC)")
        income = self.business_income_2_years_prior
        if income is not None and not (
            income.is_finite()
            and Decimal(0) <= income <= MAX_BUSINESS_INCOME
            and income == income.quantize(Decimal("0.01"))
        ):
            raise RuleError(
                "FORMAT_BUSINESS_INCOME_2_YEARS_PRIOR",
                "Business income two years prior must be between 0 and 99999999999.99, "
                "with at most two decimal places.",
            )


@dataclass(frozen=True, slots=True)
class YearHistory:
    """Every status record HMRC holds for one tax year, oldest first."""

    tax_year: TaxYear
    records: tuple[StatusRecord, ...]

    def __post_init__(self) -> None:
        if not self.records:
            raise ValueError("a year's history holds at least one record")
        ordered = tuple(sorted(self.records, key=lambda record: record.submitted_on))
        object.__setattr__(self, "records", ordered)

    @property
    def latest(self) -> StatusRecord:
        """The record in force: the one submitted last."""
        return self.records[-1]

    @property
    def status(self) -> ItsaStatus:
        return self.latest.status


@dataclass(frozen=True, slots=True)
class StatusHistory:
    """A customer's statuses across tax years."""

    years: Mapping[TaxYear, YearHistory]

    @classmethod
    def of(cls, histories: Iterable[YearHistory]) -> StatusHistory:
        return cls({history.tax_year: history for history in histories})

    def status_for(self, tax_year: TaxYear) -> ItsaStatus | None:
        """The latest status held for ``tax_year``, or None when HMRC holds none."""
        history = self.years.get(tax_year)
        return history.status if history else None

    def effective_status(self, tax_year: TaxYear) -> ItsaStatus:
        """The status that governs ``tax_year``, following HMRC's rollover reading.

        A year with ``No Status`` (or no record at all) inherits the nearest earlier year that
        has a status; with nothing earlier it is ``No Status``. HMRC's own frontends read a
        ``No Status`` next year as the current year's status (VC-FE ``ITSAStatusService``,
        business rules §3.4); openmtd applies the same reading to any gap (a choice, since
        HMRC does not define No Status: see docs/rules.md).
        """
        return status_in_force(
            {year: history.status for year, history in self.years.items()}, tax_year
        )


def status_in_force(statuses: Mapping[TaxYear, ItsaStatus], tax_year: TaxYear) -> ItsaStatus:
    """:meth:`StatusHistory.effective_status` from each year's latest status alone.

    The status of the latest year up to ``tax_year`` that holds one other than ``No Status``;
    ``No Status`` when there is none. For callers that read many customers' statuses at once
    (the emulator's annual review) and need not build a :class:`StatusHistory` for each.

    >>> status_in_force({TaxYear(2026): ItsaStatus.VOLUNTARY}, TaxYear(2027))
    <ItsaStatus.VOLUNTARY: 'MTD Voluntary'>
    """
    held = [
        year
        for year, status in statuses.items()
        if year <= tax_year and status is not ItsaStatus.NO_STATUS
    ]
    return statuses[max(held)] if held else ItsaStatus.NO_STATUS


def inherit_no_status(current: ItsaStatus, following: ItsaStatus) -> ItsaStatus:
    """The following year's status as HMRC's services read it: No Status inherits the year before.

    >>> inherit_no_status(ItsaStatus.VOLUNTARY, ItsaStatus.NO_STATUS)
    <ItsaStatus.VOLUNTARY: 'MTD Voluntary'>
    """
    return current if following is ItsaStatus.NO_STATUS else following


class ObligationKind(Enum):
    """What a customer must send HMRC for a tax year."""

    QUARTERLY_UPDATES = "quarterly updates"
    FINAL_DECLARATION = "final declaration"
    TAX_RETURN = "Self Assessment tax return"


@dataclass(frozen=True, slots=True)
class Obligation:
    """One kind of obligation for a year, and whether missing it can bring penalty points."""

    kind: ObligationKind
    penalty_bearing: bool


#: Years in which late quarterly updates bring no penalty points: HMRC's first-year easement
#: for customers mandated from 6 April 2026 (business rules §3.7). Late returns and late
#: payments are still penalised. Kept here, in one place, should HMRC extend it.
QUARTERLY_POINTS_EASEMENT_YEARS: Final = frozenset({TaxYear(2026)})


def obligations_for(status: ItsaStatus, tax_year: TaxYear) -> tuple[Obligation, ...]:
    """The obligations a status creates for ``tax_year`` (hmrc-wire-facts.md §1.5, rules §3.2).

    - MTD Mandated: quarterly updates and the final declaration, both penalty-bearing
      (quarterly updates are not in an easement year).
    - MTD Voluntary: the same obligations; only the final declaration is penalty-bearing.
    - Annual, MTD Exempt, Digitally Exempt: a Self Assessment tax return, penalty-bearing.
    - Dormant: none. No Status: none determined yet.
    """
    if status is ItsaStatus.MANDATED:
        quarterly_points = tax_year not in QUARTERLY_POINTS_EASEMENT_YEARS
        return (
            Obligation(ObligationKind.QUARTERLY_UPDATES, penalty_bearing=quarterly_points),
            Obligation(ObligationKind.FINAL_DECLARATION, penalty_bearing=True),
        )
    if status is ItsaStatus.VOLUNTARY:
        return (
            Obligation(ObligationKind.QUARTERLY_UPDATES, penalty_bearing=False),
            Obligation(ObligationKind.FINAL_DECLARATION, penalty_bearing=True),
        )
    if status in (ItsaStatus.ANNUAL, ItsaStatus.EXEMPT, ItsaStatus.DIGITALLY_EXEMPT):
        return (Obligation(ObligationKind.TAX_RETURN, penalty_bearing=True),)
    return ()
