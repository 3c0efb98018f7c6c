"""Identity verification (IV), as HMRC's stub models it (business rules §4.1, §4.2).

When a requested scope needs confidence level 250 (``read:self-assessment`` and
``write:self-assessment`` do) and an Individual is below it, the journey sends them through an
IV page where the outcome is chosen, as in HMRC's stub. ``Success`` raises them to 250; every
other outcome returns the failure to the software. Agents and organisations are never
IV-checked.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from typing import Final

from openmtd.emulator.oauth.scopes import required_confidence_level
from openmtd.emulator.storage import Account, AffinityGroup, Transaction

#: The level a successful check raises the account to (HMRC's stub default).
TARGET_CONFIDENCE_LEVEL: Final = 250


class IvOutcome(StrEnum):
    """The outcomes HMRC's IV stub lets a tester choose (AES-FE)."""

    SUCCESS = "Success"
    FAILED_MATCHING = "FailedMatching"
    LOCKED_OUT = "LockedOut"
    INSUFFICIENT_EVIDENCE = "InsufficientEvidence"
    TECHNICAL_ISSUE = "TechnicalIssue"
    USER_ABORTED = "UserAborted"
    TIMED_OUT = "TimedOut"
    INCOMPLETE = "Incomplete"
    PRECONDITION_FAILED = "PreconditionFailed"
    FAILED_IV = "FailedIV"


#: What the IV page offers, with the words a tester sees.
OUTCOME_LABELS: Final[dict[IvOutcome, str]] = {
    IvOutcome.SUCCESS: "Success: my identity is confirmed",
    IvOutcome.FAILED_MATCHING: "Failed matching: my details do not match HMRC's records",
    IvOutcome.LOCKED_OUT: "Locked out: too many failed attempts",
    IvOutcome.INSUFFICIENT_EVIDENCE: "Insufficient evidence: I could not answer enough questions",
    IvOutcome.TECHNICAL_ISSUE: "Technical issue: the service had a problem",
    IvOutcome.USER_ABORTED: "User aborted: I chose to stop",
    IvOutcome.TIMED_OUT: "Timed out: I took too long",
    IvOutcome.INCOMPLETE: "Incomplete: I did not finish",
    IvOutcome.PRECONDITION_FAILED: "Precondition failed: I cannot be checked online",
    IvOutcome.FAILED_IV: "Failed IV: my identity could not be confirmed",
}


def needs_identity_check(account: Account, scopes: tuple[str, ...]) -> bool:
    """Whether an Individual must pass IV before granting ``scopes``."""
    required = required_confidence_level(scopes)
    return (
        account.affinity_group is AffinityGroup.INDIVIDUAL
        and required is not None
        and account.confidence_level < required
    )


def record_success(tx: Transaction, account: Account) -> Account:
    """A successful check raises the account to confidence level 250."""
    account = replace(
        account, confidence_level=max(account.confidence_level, TARGET_CONFIDENCE_LEVEL)
    )
    tx.accounts.save(account)
    return account
