"""A synthetic population written in bulk (:mod:`openmtd.emulator.population`): bare customer
records (returns on file, ITSA statuses, subscriptions, agents' relationships), never
Government Gateway accounts, for benchmarks and load tests.

Rows are plain tuples in the column order given below, so that a million customers cost no
object per row; amounts are whole pence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

#: A return on file: NINO, tax year, filed on, self-employment turnover, UK property income,
#: foreign property income and their qualifying income (pence).
ReturnLine = tuple[str, str, date, int, int, int, int]

#: An ITSA status record: NINO, tax year, status, status reason, businessIncome2YearsPrior
#: (pence, or None).
StatusLine = tuple[str, str, str, str, int | None]

#: An ITSA subscription: NINO, MTDITID, UTR, tax year signed up from, the ARN of the agent who
#: signed the client up (or None).
SubscriptionLine = tuple[str, str, str, str, str | None]

#: An agent's relationship: ARN, client NINO, client MTDITID (or None), agent type.
RelationshipLine = tuple[str, str, str | None, str]


@dataclass(frozen=True, slots=True)
class PopulationBatch:
    """One batch of a population, every row made at ``at`` (statuses submitted then, returns
    recorded then, subscriptions and relationships made then)."""

    at: datetime
    returns: Sequence[ReturnLine]
    statuses: Sequence[StatusLine]
    subscriptions: Sequence[SubscriptionLine]
    relationships: Sequence[RelationshipLine]


class PopulationClashError(Exception):
    """A population's row collided with one the world already holds (an MTDITID)."""


class PopulationRepository(Protocol):
    """Bulk writes for a synthetic population. Used by ``emulator.population``."""

    def holds_customers(self, first_nino: str, last_nino: str) -> bool:
        """Whether any NINO from ``first_nino`` to ``last_nino`` (as text) has an ITSA
        status, a subscription, a return on file or an agent's relationship."""
        ...

    def holds_agents(self, arns: Sequence[str]) -> bool:
        """Whether any of ``arns`` has a relationship or an agent services account."""
        ...

    def add(self, batch: PopulationBatch) -> None:
        """Write the batch in bulk (a few statements per table).

        Raises:
            PopulationClashError: a subscription's MTDITID is already taken.
        """
        ...
