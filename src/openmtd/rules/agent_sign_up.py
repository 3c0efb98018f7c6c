"""An agent signing a client up for MTD Income Tax: client matching, its lockout, and whether
the agent may go on (business rules §1.6).

The agent types the client's first name, last name, NINO and date of birth; HMRC counts
failed matches per agency (ARN) and locks the agency out of matching for a while after
:data:`MAX_FAILED_MATCHES`. A matched client who is not signed up yet may be signed up by an
agency with a legacy Self Assessment link or an accepted request (partial authorisation); a
client already signed up is "already signed up" to an agency that holds a relationship, and
not the agency's to sign up otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Final

from openmtd.rules.agents import AgentType
from openmtd.rules.identifiers import Nino

#: Failed client matches an agency may make before it is locked out (SU-FE's ``lockout``
#: ``maxAttempts``; production's value is UNCONFIRMED, business rules §1.6 and §5).
MAX_FAILED_MATCHES: Final = 3
#: How long the lockout lasts (SU-FE's ``lockOutSeconds``; production's is UNCONFIRMED).
MATCHING_LOCKOUT: Final = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class ClientDetails:
    """What client matching compares: the agent's entry, or HMRC's record of the person."""

    first_name: str
    last_name: str
    nino: Nino
    date_of_birth: date


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def client_details_match(supplied: ClientDetails, on_record: ClientDetails) -> bool:
    """Whether the agent's entry matches HMRC's record of the client.

    openmtd's choice (HMRC's matching service is not public): names match ignoring case and
    extra spaces; the NINO matches on its first 8 characters (the suffix is optional, wire
    facts §1.2); the date of birth must be the same day.
    """
    return (
        _name_key(supplied.first_name) == _name_key(on_record.first_name)
        and _name_key(supplied.last_name) == _name_key(on_record.last_name)
        and supplied.nino.without_suffix == on_record.nino.without_suffix
        and supplied.date_of_birth == on_record.date_of_birth
    )


def locked_out_until(failures: int, now: datetime) -> datetime | None:
    """When a lockout that starts with the ``failures``-th failed match ends; None when
    that many failures do not lock the agency out yet."""
    if failures < MAX_FAILED_MATCHES:
        return None
    return now + MATCHING_LOCKOUT


class SignUpAuthorisation(StrEnum):
    """What an agency may do for a matched client (business rules §1.6)."""

    #: Go on and sign the client up.
    AUTHORISED = "authorised"
    #: The client is signed up and the agency holds a relationship already.
    ALREADY_SIGNED_UP = "already-signed-up"
    #: "You are not authorised by your client": ask them to authorise you first.
    NOT_AUTHORISED = "not-authorised"
    #: The client is not registered for Self Assessment (no UTR) and cannot be signed up.
    NOT_REGISTERED_FOR_SELF_ASSESSMENT = "not-registered-for-self-assessment"


def sign_up_authorisation(
    *,
    client_signed_up: bool,
    role: AgentType | None,
    has_sa_utr: bool,
    legacy_sa_link: bool,
    partial_auth: bool,
) -> SignUpAuthorisation:
    """Whether an agency may sign up a matched client, in HMRC's order.

    Args:
        client_signed_up: the client holds ``HMRC-MTD-IT`` already.
        role: the agency's current relationship with a signed-up client, if any.
        has_sa_utr: the client is registered for Self Assessment.
        legacy_sa_link: the client has a legacy Self Assessment link (not ceased) to a
            reference the agency mapped to its ARN.
        partial_auth: the client accepted an authorisation request from this agency before
            signing up (either role: §1.6 names "an active partial auth").
    """
    if client_signed_up:
        if role is not None:
            return SignUpAuthorisation.ALREADY_SIGNED_UP
        return SignUpAuthorisation.NOT_AUTHORISED
    if not has_sa_utr:
        return SignUpAuthorisation.NOT_REGISTERED_FOR_SELF_ASSESSMENT
    if legacy_sa_link or partial_auth:
        return SignUpAuthorisation.AUTHORISED
    return SignUpAuthorisation.NOT_AUTHORISED
