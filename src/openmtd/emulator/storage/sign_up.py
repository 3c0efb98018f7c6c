"""Sign-up's data: ITSA subscriptions, the income sources they hold (HMRC's Business Details),
and the tester-set facts HMRC's sign-up service reads (eligibility reason keys, returns on file).

A :class:`Subscription` is what HMRC's sign-up creates in ETMP (business rules §1.5): the
person's NINO and UTR, the MTDITID it gives them, and how they signed up. The ``HMRC-MTD-IT``
enrolment for that MTDITID is a separate thing, allocated to a Government Gateway group (the
accounts' enrolments): a subscription whose enrolment no group holds is "allocated to no
group", and the person is offered to add it to their account (§1.2 step 2).

Each :class:`BusinessDetails` is one income source as HMRC's Business Details (MTD) API
describes it (wire facts §5): ``businessId`` (``X?IS`` + 11 digits), ``typeOfBusiness``,
``tradingName`` (the business name, at most 105 characters) and ``tradingType`` (the trade,
at most 35), with what sign-up captures (§1.4): an address for a sole trader, a trading start
date or the contextual tax year, and the accounting period (the signed-up tax year).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from openmtd.emulator.storage.accounts import Address


@dataclass(frozen=True, slots=True)
class Subscription:
    """A person signed up for MTD ITSA (ETMP's record; the MTDITID is HMRC's ``mtdbsa``).

    ``channel`` is HMRC's: ``1`` customer-led (the person or their agent signed up), ``2`` and
    ``3`` HMRC-led (never made here). ``arn`` names the agent who signed the client up, if one
    did; ``paperless_at`` is when the person agreed to go paperless.
    """

    nino: str
    mtditid: str
    utr: str
    tax_year: str
    signed_up_at: datetime
    channel: str = "1"
    arn: str | None = None
    paperless_at: datetime | None = None


class SubscriptionRepository(Protocol):
    """ITSA subscriptions, one per NINO. Used by ``emulator.sign_up`` and the agent journeys."""

    def add(self, subscription: Subscription) -> bool:
        """Keep a new subscription; False (nothing written) when the NINO or MTDITID already
        has one, atomically across workers."""
        ...

    def for_nino(self, nino: str) -> Subscription | None: ...

    def for_mtditid(self, mtditid: str) -> Subscription | None: ...


@dataclass(frozen=True, slots=True)
class BusinessDetails:
    """One income source of a subscription, as HMRC's Business Details hold it.

    ``type_of_business`` is ``self-employment``, ``uk-property`` or ``foreign-property``.
    Exactly one of ``trading_start_date`` and ``contextual_tax_year`` is set (§1.4: a start
    date, or "before the limit", which sends the contextual tax year instead).
    """

    business_id: str
    nino: str
    mtditid: str
    type_of_business: str
    accounting_period_start: date
    accounting_period_end: date
    created_at: datetime
    trading_name: str | None = None
    trading_type: str | None = None
    address: Address | None = None
    trading_start_date: date | None = None
    contextual_tax_year: str | None = None
    cessation_date: date | None = None


class BusinessDetailsRepository(Protocol):
    """Subscriptions' income sources. Used by ``emulator.sign_up`` and, later, the Business
    Details API; Self Assessment Test Support's own test businesses stay in ``sandbox``."""

    def add(self, details: BusinessDetails) -> None: ...

    def for_nino(self, nino: str) -> list[BusinessDetails]:
        """A NINO's income sources, in the order they were added."""
        ...

    def get(self, business_id: str) -> BusinessDetails | None: ...


@dataclass(frozen=True, slots=True)
class StoredEligibility:
    """HMRC's sign-up eligibility reason keys for a NINO and tax year, as a tester set them
    (HIP ``ReasonKeyCY`` / ``ReasonKeyCY1``, business rules §1.3). No keys: eligible."""

    nino: str
    tax_year: str
    reason_keys: tuple[str, ...]
    updated_at: datetime


class EligibilityRepository(Protocol):
    """Reason keys per NINO and tax year. Used by ``emulator.sign_up`` and the control API."""

    def put(self, record: StoredEligibility) -> None:
        """Keep ``record`` as its NINO's and year's keys, replacing any before."""
        ...

    def for_nino(self, nino: str) -> list[StoredEligibility]:
        """Every year held for a NINO, by tax year."""
        ...


@dataclass(frozen=True, slots=True)
class ReturnOnFile:
    """A Self Assessment return HMRC has on file for a NINO and tax year (set by a tester).

    The three incomes are the return's figures that bear on qualifying income, in pounds (0
    when the return shows none); ``qualifying_income`` is their total as
    :func:`openmtd.rules.thresholds.qualifying_income` works it out, kept with the return so
    the annual review reads one figure per return.
    """

    nino: str
    tax_year: str
    filed_on: date
    recorded_at: datetime
    self_employment_turnover: Decimal = Decimal(0)
    uk_property_income: Decimal = Decimal(0)
    foreign_property_income: Decimal = Decimal(0)
    qualifying_income: Decimal = Decimal(0)


class ReturnRepository(Protocol):
    """Returns on file. Used by sign-up (``Sign up - return available``) and opt-out (a
    previous year with a return is crystallised)."""

    def put(self, record: ReturnOnFile) -> None:
        """Keep ``record`` for its NINO and year, replacing any before."""
        ...

    def for_nino(self, nino: str) -> list[ReturnOnFile]:
        """Every return on file for a NINO, by tax year."""
        ...
