"""What confirming a sign-up creates (business rules §1.5), for an individual or, with an
agent's ARN, for their client:

1. the subscription, with a new MTDITID (HMRC's ``mtdbsa``);
2. the ``HMRC-MTD-IT`` enrolment (identifier ``MTDITID``), allocated to a group: the
   person's own, or for an agent's client the group holding the client's ``IR-SA`` enrolment
   (:func:`auto_claim_group`); with no group it is allocated to none, and the person adds it
   to their account later (:func:`claim_enrolment`);
3. the income sources, as Business Details, each with the signed-up tax year as its
   accounting period (§1.4);
4. the ITSA status of each signed-up year (:func:`openmtd.rules.sign_up.sign_up_statuses`);
5. the agents' relationships sign-up brings: partial authorisations and legacy Self
   Assessment links become relationships
   (:func:`openmtd.emulator.agents.relationships.relationships_after_sign_up`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from openmtd.emulator.agents.relationships import relationships_after_sign_up
from openmtd.emulator.sign_up.facts import (
    IR_SA,
    MTD_IT,
    MTDITID,
    current_year,
    returns_on_file,
    status_history,
)
from openmtd.emulator.sign_up.identifiers import new_business_id, new_mtditid
from openmtd.emulator.sign_up.journey import SoleTrader, StartDate
from openmtd.emulator.storage import (
    Address,
    BusinessDetails,
    Enrolment,
    StoredStatus,
    Subscription,
    Transaction,
)
from openmtd.rules.eligibility import IncomeSource
from openmtd.rules.sign_up import contextual_tax_year, sign_up_statuses
from openmtd.rules.tax_year import TaxYear


class AlreadySubscribedError(Exception):
    """The NINO was signed up meanwhile (another browser, or the agent)."""


@dataclass(frozen=True, slots=True)
class SignUpRequest:
    """A confirmed sign-up: who, from which year, with which income sources.

    ``group_id`` is the group (:attr:`Group.id`) the enrolment is allocated to, None for
    none; ``arn`` the agent signing their client up; ``paperless`` the individual's agreement.
    """

    nino: str
    utr: str
    tax_year: TaxYear
    businesses: tuple[SoleTrader, ...] = ()
    uk_property: StartDate | None = None
    foreign_property: StartDate | None = None
    group_id: int | None = None
    arn: str | None = None
    paperless: bool = False


def auto_claim_group(tx: Transaction, utr: str) -> int | None:
    """The group an agent's client's enrolment goes to: the one whose administrator holds
    ``IR-SA`` for the UTR (§1.5 item 3), if any."""
    owner = tx.accounts.enrolment_owner(IR_SA, utr)
    return owner.group.id if owner is not None else None


@dataclass(frozen=True, slots=True)
class _Source:
    """One income source to write, before it has a business ID."""

    kind: IncomeSource
    start: StartDate
    name: str | None = None
    trade: str | None = None
    address: Address | None = None


def _wanted(request: SignUpRequest) -> list[_Source]:
    sources = [
        _Source(
            IncomeSource.SELF_EMPLOYMENT,
            business.start,
            business.name,
            business.trade,
            Address(
                business.address_line1,
                business.address_line2,
                business.address_line3,
                business.address_line4,
                business.postcode,
                "GB",
            ),
        )
        for business in request.businesses
    ]
    for kind, start in (
        (IncomeSource.UK_PROPERTY, request.uk_property),
        (IncomeSource.FOREIGN_PROPERTY, request.foreign_property),
    ):
        if start is not None:
            sources.append(_Source(kind, start))
    return sources


def _sources(
    tx: Transaction, request: SignUpRequest, mtditid: str, now: datetime
) -> list[BusinessDetails]:
    """The income sources as Business Details: the signed-up year is each one's accounting
    period; a start "before the limit" sends the contextual tax year instead (§1.4)."""
    contextual = str(contextual_tax_year(current_year(now)))
    taken: set[str] = set()
    details = []
    for source in _wanted(request):
        business_id = new_business_id(tx, frozenset(taken))
        taken.add(business_id)
        details.append(
            BusinessDetails(
                business_id=business_id,
                nino=request.nino,
                mtditid=mtditid,
                type_of_business=source.kind.value,
                accounting_period_start=request.tax_year.start,
                accounting_period_end=request.tax_year.end,
                created_at=now,
                trading_name=source.name,
                trading_type=source.trade,
                address=source.address,
                trading_start_date=source.start.day,
                contextual_tax_year=None if source.start.day else contextual,
            )
        )
    return details


def complete_sign_up(tx: Transaction, now: datetime, request: SignUpRequest) -> Subscription:
    """Sign the person up (see the module docstring).

    Raises:
        AlreadySubscribedError: the NINO has a subscription already (nothing is written).
    """
    current = current_year(now)
    # Read before writing: the statuses depend on what was held before sign-up.
    history = status_history(tx, request.nino)
    returns = returns_on_file(tx, request.nino)
    subscription = Subscription(
        nino=request.nino,
        mtditid=new_mtditid(tx),
        utr=request.utr,
        tax_year=str(request.tax_year),
        signed_up_at=now,
        arn=request.arn,
        paperless_at=now if request.paperless else None,
    )
    if not tx.subscriptions.add(subscription):
        raise AlreadySubscribedError(request.nino)
    if request.group_id is not None:
        tx.accounts.add_enrolment(
            request.group_id, Enrolment(MTD_IT, MTDITID, subscription.mtditid)
        )
    for source in _sources(tx, request, subscription.mtditid, now):
        tx.business_details.add(source)
    for change in sign_up_statuses(request.tax_year, current, history, returns):
        tx.itsa_statuses.add(
            StoredStatus(
                nino=request.nino,
                tax_year=str(change.tax_year),
                submitted_on=now,
                status=change.status.value,
                status_reason=change.reason.value,
            )
        )
    relationships_after_sign_up(tx, request.nino, now, arn=request.arn)
    return subscription


def claim_enrolment(tx: Transaction, mtditid: str, group_id: int) -> bool:
    """Allocate a subscription's ``HMRC-MTD-IT`` enrolment to a group ("add it to your
    account", §1.2 step 2); False when a group holds it already."""
    if tx.accounts.enrolment_owner(MTD_IT, mtditid) is not None:
        return False
    tx.accounts.add_enrolment(group_id, Enrolment(MTD_IT, MTDITID, mtditid))
    return True
