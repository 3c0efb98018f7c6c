"""An agent signing a client up for MTD Income Tax (business rules §1.6), framework-free.

1. **Client matching**: the client's first name, last name, NINO and date of birth against
   HMRC's record (:func:`openmtd.rules.agent_sign_up.client_details_match`). Failed matches are
   counted per agency (ARN) in the attempt counters sign-in uses (``tx.sign_in_attempts``,
   under a key of their own), and the agency is locked out of matching for
   :data:`~openmtd.rules.agent_sign_up.MATCHING_LOCKOUT` at the
   :data:`~openmtd.rules.agent_sign_up.MAX_FAILED_MATCHES`-th failure, on the emulator's clock.
   A match clears the count; failures are forgotten a day after the last one (openmtd's
   choice, as for sign-in).
2. **The authorisation check** (:func:`openmtd.rules.agent_sign_up.sign_up_authorisation`):
   a legacy Self Assessment link or a partial authorisation, else "not authorised"; "already
   signed up" when the agency has a relationship with a signed-up client.
3. **The gate** (:func:`client_gate`): the check above, then the same eligibility and
   tax-year routing as the individual's sign-up (:func:`openmtd.rules.sign_up.gate_decision`
   on the client's facts), so the individual's journey pages serve the agent's too.

Completing the sign-up is the individual's :func:`~openmtd.emulator.sign_up.complete.
complete_sign_up` with the agency's ARN, the client's ``HMRC-MTD-IT`` allocated to the group
holding their ``IR-SA`` (auto-claim, §1.5), and the relationships it brings made at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Final

from openmtd.emulator.agents import relationships
from openmtd.emulator.agents.clients import Client, find_client
from openmtd.emulator.security import token_hash
from openmtd.emulator.sign_up.complete import auto_claim_group
from openmtd.emulator.sign_up.facts import current_year, reason_keys, status_history
from openmtd.emulator.sign_up.gate import GateResult, Person, already_signed_up
from openmtd.emulator.storage import Transaction
from openmtd.rules.agent_sign_up import (
    ClientDetails,
    SignUpAuthorisation,
    client_details_match,
    locked_out_until,
    sign_up_authorisation,
)
from openmtd.rules.identifiers import Nino
from openmtd.rules.sign_up import gate_decision

#: How long failed matches are remembered after the last one (openmtd's choice).
FAILURES_REMEMBERED: Final = timedelta(hours=24)
_KEY_PREFIX: Final = "agent-client-matching:"


def _key(arn: str) -> str:
    return token_hash(_KEY_PREFIX + arn)


@dataclass(frozen=True, slots=True)
class Locked:
    """The agency may not match clients until ``until``."""

    until: datetime


@dataclass(frozen=True, slots=True)
class NoMatch:
    """The details matched nobody; ``failures`` in a row so far."""

    failures: int


def locked_until(tx: Transaction, arn: str, now: datetime) -> datetime | None:
    """When the agency's matching lockout ends; None when it is not locked out."""
    record = tx.sign_in_attempts.get(_key(arn), now)
    if record is None or record.locked_until is None or record.locked_until <= now:
        return None
    return record.locked_until


def _on_record(client: Client) -> ClientDetails | None:
    account = client.account
    if account.date_of_birth is None:
        return None
    return ClientDetails(
        account.first_name, account.last_name, Nino(client.nino), account.date_of_birth
    )


def match_client(
    tx: Transaction,
    arn: str,
    first_name: str,
    last_name: str,
    nino: Nino,
    date_of_birth: date,
    now: datetime,
) -> Client | Locked | NoMatch:
    """Client matching for the agency, with its lockout (see the module docstring).

    The result is returned, never raised, so the caller's transaction keeps the count.
    """
    key = _key(arn)
    until = locked_until(tx, arn, now)
    if until is not None:
        return Locked(until)
    client = find_client(tx, nino)
    on_record = _on_record(client) if client is not None else None
    supplied = ClientDetails(first_name, last_name, nino, date_of_birth)
    if client is not None and on_record is not None and client_details_match(supplied, on_record):
        tx.sign_in_attempts.clear(key)
        return client
    failures = tx.sign_in_attempts.count_failure(key, now, now + FAILURES_REMEMBERED)
    lock = locked_out_until(failures, now)
    if lock is not None:
        tx.sign_in_attempts.lock(key, lock)
        return Locked(lock)
    return NoMatch(failures)


class AgentStop(StrEnum):
    """Why the agency cannot sign this client up, each with its own page."""

    NOT_AUTHORISED = "not-authorised"
    ALREADY_SIGNED_UP = "already-signed-up"
    NOT_REGISTERED_FOR_SELF_ASSESSMENT = "no-utr"
    CANNOT_SIGN_UP = "cannot-sign-up"
    NO_CLIENT = "no-client"


_STOPS: Final = {
    SignUpAuthorisation.NOT_AUTHORISED: AgentStop.NOT_AUTHORISED,
    SignUpAuthorisation.ALREADY_SIGNED_UP: AgentStop.ALREADY_SIGNED_UP,
    SignUpAuthorisation.NOT_REGISTERED_FOR_SELF_ASSESSMENT: (
        AgentStop.NOT_REGISTERED_FOR_SELF_ASSESSMENT
    ),
}


@dataclass(frozen=True, slots=True)
class ClientGate:
    """Where the agency's sign-up of a client goes: ``stop`` (a page), or on with ``result``
    (the individual's gate result for the client, their group being the one that holds their
    ``IR-SA``)."""

    stop: AgentStop | None
    result: GateResult


def client_gate(tx: Transaction, arn: str, nino: str, now: datetime) -> ClientGate:
    """The authorisation check, then eligibility and tax-year routing, for a matched client."""
    year = current_year(now)
    client = find_client(tx, nino)
    if client is None:
        return ClientGate(AgentStop.NO_CLIENT, GateResult(year))
    signed_up = already_signed_up(tx, client.nino, client.account, now) is not None
    check = sign_up_authorisation(
        client_signed_up=signed_up,
        role=relationships.client_agents(tx, client.nino).role_of(arn) if signed_up else None,
        has_sa_utr=client.sa_utr is not None,
        legacy_sa_link=relationships.has_legacy_link(tx, arn, client.nino),
        partial_auth=any(
            stored.invitation.arn == arn for stored in relationships.partial_auths(tx, client.nino)
        ),
    )
    if check is not SignUpAuthorisation.AUTHORISED:
        return ClientGate(_STOPS[check], GateResult(year))
    utr = client.sa_utr
    assert utr is not None
    group = auto_claim_group(tx, utr)
    person = Person(
        client.account.id, group if group is not None else client.account.group.id, client.nino, utr
    )
    decision = gate_decision(
        year,
        reason_keys(tx, client.nino, year),
        reason_keys(tx, client.nino, year.next),
        status_history(tx, client.nino),
    )
    if not decision.can_sign_up:
        return ClientGate(AgentStop.CANNOT_SIGN_UP, GateResult(year, None, person, decision))
    return ClientGate(None, GateResult(year, None, person, decision))
