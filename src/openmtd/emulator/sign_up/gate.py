"""The sign-up gate, in HMRC's order (business rules §1.2 steps 1, 2, 4 and 7).

1. Sign-in: the affinity group is Individual or Organisation (an Agent is on the wrong
   account); the credential role is the administrator's (``User``); an Individual needs
   confidence level 250 (below it, the identity check lifts it, §1.2 step 1); a NINO; a UTR
   (the group's ``IR-SA`` enrolment; none: "register for Self Assessment first").
2. Already signed up: a subscription for the NINO (or an ``HMRC-MTD-IT`` enrolment the
   person's group already holds, as Create Test User's users do) is resolved by
   :func:`openmtd.rules.sign_up.resolve_already_signed_up`.
3. Eligibility and the tax-year routing: :func:`openmtd.rules.sign_up.gate_decision` from the
   reason keys for the current and next year and the status history.

Choices (docs/emulator.md): Organisations are not identity-checked (HMRC's stubs give
confidence levels to Individuals only), but still need a NINO; the throttle and the IR-SA
credential check (steps 3 and 6) are not emulated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from openmtd.emulator.gateway.identity import TARGET_CONFIDENCE_LEVEL
from openmtd.emulator.sign_up.facts import (
    IR_SA,
    MTD_IT,
    current_year,
    reason_keys,
    status_history,
)
from openmtd.emulator.storage import Account, AffinityGroup, CredentialRole, Transaction
from openmtd.rules.eligibility import SignUpDecision
from openmtd.rules.sign_up import AlreadySignedUp, gate_decision, resolve_already_signed_up
from openmtd.rules.tax_year import TaxYear

#: The confidence level sign-up needs (business rules §1.2, §4.1).
SIGN_UP_CONFIDENCE_LEVEL: Final = TARGET_CONFIDENCE_LEVEL


class Stop(StrEnum):
    """Why the gate stops a person before the journey, each with its own page."""

    AGENT = "agent"
    NOT_ADMINISTRATOR = "not-administrator"
    IDENTITY_CHECK = "identity-check"
    NO_NINO = "no-nino"
    NO_UTR = "no-utr"
    CLAIM_ENROLMENT = "claim-enrolment"
    OPTED_OUT = "opted-out"
    ALREADY_SIGNED_UP = "already-signed-up"
    CANNOT_SIGN_UP = "cannot-sign-up"


_ALREADY: Final = {
    AlreadySignedUp.CLAIM_ENROLMENT: Stop.CLAIM_ENROLMENT,
    AlreadySignedUp.OPTED_OUT: Stop.OPTED_OUT,
    AlreadySignedUp.SIGNED_UP: Stop.ALREADY_SIGNED_UP,
}


@dataclass(frozen=True, slots=True)
class Person:
    """Who passed the sign-in checks: their NINO and UTR."""

    account_id: int
    group_id: int
    nino: str
    utr: str


@dataclass(frozen=True, slots=True)
class GateResult:
    """Where the gate sends a person: ``stop`` (a page), or on with ``decision``."""

    current_year: TaxYear
    stop: Stop | None = None
    person: Person | None = None
    decision: SignUpDecision | None = None
    mtditid: str | None = None


def sign_in_stop(account: Account) -> Stop | None:
    """The sign-in checks (step 1), in HMRC's order; None when the account may go on."""
    if account.affinity_group is AffinityGroup.AGENT:
        return Stop.AGENT
    if account.credential_role is not CredentialRole.USER:
        return Stop.NOT_ADMINISTRATOR
    if (
        account.affinity_group is AffinityGroup.INDIVIDUAL
        and account.confidence_level < SIGN_UP_CONFIDENCE_LEVEL
    ):
        return Stop.IDENTITY_CHECK
    if not account.nino:
        return Stop.NO_NINO
    if account.enrolment(IR_SA) is None:
        return Stop.NO_UTR
    return None


def already_signed_up(
    tx: Transaction, nino: str, account: Account, now: datetime
) -> tuple[Stop, str] | None:
    """Step 2: the page for someone already signed up, with their MTDITID; None otherwise."""
    subscription = tx.subscriptions.for_nino(nino)
    held = account.enrolment(MTD_IT)
    if subscription is None and held is None:
        return None
    if subscription is not None:
        mtditid = subscription.mtditid
    else:
        assert held is not None
        mtditid = held.identifier_value
    allocated = held is not None or tx.accounts.enrolment_owner(MTD_IT, mtditid) is not None
    history = status_history(tx, nino)
    route = resolve_already_signed_up(
        enrolment_allocated=allocated,
        current_status=history.effective_status(current_year(now)),
    )
    return _ALREADY[route], mtditid


def check(tx: Transaction, account: Account, now: datetime) -> GateResult:
    """Run the gate for a signed-in account."""
    year = current_year(now)
    stop = sign_in_stop(account)
    if stop is not None:
        return GateResult(year, stop)
    assert account.nino is not None
    sa = account.enrolment(IR_SA)
    assert sa is not None
    person = Person(account.id, account.group.id, account.nino, sa.identifier_value)
    signed_up = already_signed_up(tx, person.nino, account, now)
    if signed_up is not None:
        return GateResult(year, signed_up[0], person, mtditid=signed_up[1])
    decision = gate_decision(
        year,
        reason_keys(tx, person.nino, year),
        reason_keys(tx, person.nino, year.next),
        status_history(tx, person.nino),
    )
    if not decision.can_sign_up:
        return GateResult(year, Stop.CANNOT_SIGN_UP, person, decision)
    return GateResult(year, None, person, decision)
