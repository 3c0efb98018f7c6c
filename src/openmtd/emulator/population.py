"""A synthetic population of MTD ITSA customers, for benchmarks and load tests
(``POST /emulator/population``).

Bare customer records, written in bulk (never a Government Gateway account, whose argon2
password alone would cost more than everything else here): for each customer, returns on file
for the last three tax years that have ended, an ITSA status for the current year, and for some
an ITSA subscription and agents' relationships. Deterministic: the same ``count``, ``seed`` and
emulator clock give the same population, row for row (Python's ``random.Random(seed)``).

The spread, openmtd's choice (HMRC publishes none):

- NINOs: a block chosen by the seed (two-letter prefix and suffix letter), numbered from
  ``000000``; a million customers a prefix. The block must hold no customer yet.
- Income: sole traders (half), landlords (three in ten, a quarter of them with foreign
  property too) and both (one in five). A third of customers have an income within £3,000 of
  one of the thresholds (£50,000, £30,000, £20,000; one in twenty of those exactly on it, one
  in ten a penny either side); the rest are log-normal around £18,000. Each year's income moves
  by 3% ± 21% (uniformly) on the last, so some customers cross a threshold from year to year. One
  customer in twenty has no return for one of the three years.
- Statuses: the current year's as HMRC's review would have decided it from the return two
  years before (:class:`~openmtd.rules.bulk_review.BulkReview`); three in a hundred are exempt
  instead (MTD Exempt for one of the automatic categories, or Digitally Exempt); one in twenty
  signed-up voluntary customers has opted out; 15% of the others have no status yet.
- Sign-up: 85% of customers over the current year's threshold, 30% of the rest.
- Agents: one per 250 customers (ARNs only, no accounts); 60% of customers have a main agent,
  10% a supporting one; an agent signed half of their signed-up main clients up.
"""

from __future__ import annotations

import math
import random
import string
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Final

from openmtd.emulator.storage import Transaction
from openmtd.emulator.storage.population import (
    PopulationBatch,
    RelationshipLine,
    ReturnLine,
    StatusLine,
    SubscriptionLine,
)
from openmtd.rules.agents import AgentType
from openmtd.rules.bulk_review import BulkReview
from openmtd.rules.errors import InvalidIdentifierError
from openmtd.rules.identifiers import Arn, MtdItId, Nino, SaUtr
from openmtd.rules.itsa_status import ItsaStatus, StatusReason
from openmtd.rules.tax_year import TaxYear
from openmtd.rules.thresholds import threshold_amounts, threshold_for

#: The most customers one call makes.
MAX_COUNT: Final = 2_000_000
#: Customers written per batch (a few bulk statements per table each).
BATCH: Final = 10_000
#: Customers per NINO prefix (six digits).
PER_PREFIX: Final = 1_000_000
CLIENTS_PER_AGENT: Final = 250
SUFFIXES: Final = "ABCD"

_LOG_MEDIAN: Final = math.log(18_000)
_EXEMPT_REASONS: Final = (
    StatusReason.CAPACITOR,
    StatusReason.RESIDENCE_AND_REMITTANCE,
    StatusReason.MINISTERS_OF_RELIGION,
    StatusReason.LLOYDS_UNDERWRITERS,
    StatusReason.BLIND_PERSONS_ALLOWANCE,
    StatusReason.MARRIED_COUPLES_ALLOWANCE,
)


def _hmrc_prefixes() -> tuple[str, ...]:
    prefixes = []
    for first in string.ascii_uppercase:
        for second in string.ascii_uppercase:
            try:
                Nino.parse_wire(f"{first}{second}000000A")
            except InvalidIdentifierError:
                continue
            prefixes.append(first + second)
    return tuple(prefixes)


#: Every NINO prefix HMRC's pattern accepts, in order.
PREFIXES: Final = _hmrc_prefixes()


@dataclass(frozen=True, slots=True)
class Block:
    """Where a population's identifiers come from: its NINO prefixes and suffix."""

    count: int
    first_prefix: int
    suffix: int

    @classmethod
    def for_seed(cls, count: int, seed: int) -> Block:
        prefixes = math.ceil(count / PER_PREFIX)
        choices = len(PREFIXES) - prefixes + 1
        return cls(count, seed % choices, (seed // choices) % len(SUFFIXES))

    def nino(self, index: int) -> str:
        prefix = PREFIXES[self.first_prefix + index // PER_PREFIX]
        return f"{prefix}{index % PER_PREFIX:06d}{SUFFIXES[self.suffix]}"

    def mtditid(self, index: int) -> str:
        prefix = self.first_prefix + index // PER_PREFIX
        return MtdItId.generate(f"9{prefix:03d}{index % PER_PREFIX:06d}{self.suffix}").value

    def utr(self, index: int) -> str:
        prefix = self.first_prefix + index // PER_PREFIX
        return SaUtr.generate(f"{prefix:03d}{index % PER_PREFIX:06d}").value

    @property
    def agents(self) -> int:
        return max(1, math.ceil(self.count / CLIENTS_PER_AGENT))

    def arns(self) -> list[str]:
        base = (self.first_prefix * len(SUFFIXES) + self.suffix) * 10_000
        return [Arn.generate(f"{(base + j) % 10_000_000:07d}").value for j in range(self.agents)]


@dataclass(frozen=True, slots=True)
class Created:
    """What a population holds."""

    first_nino: str
    last_nino: str
    customers: int
    signed_up: int
    returns: int
    statuses: int
    agents: int
    relationships: int


class _Generator:
    """Customers one after another from one random stream (``random.Random(seed)``)."""

    def __init__(self, block: Block, seed: int, now: datetime) -> None:
        self.block = block
        self.random = random.Random(seed)
        self.now = now
        self.current = TaxYear.at(now)
        self.years = (self.current.shift(-3), self.current.shift(-2), self.current.shift(-1))
        self.year_texts = tuple(str(year) for year in self.years)
        self.bulk = BulkReview(self.current)
        self.arns = block.arns()
        self.thresholds = [int(amount * 100) for amount in threshold_amounts()]
        threshold = threshold_for(self.current)
        # Over the current year's threshold (strictly), in pence; nobody before 2026-27.
        self.mandating = None if threshold is None else int(threshold * 100)
        today = now.date()
        # Returns come in over the 300 days from 6 April after their year, never after today.
        self.filing_days = [
            [min(date(year.end_year, 4, 6) + timedelta(days=day), today) for day in range(300)]
            for year in self.years
        ]

    def income(self) -> list[int]:
        """Qualifying income in pence for the three years, oldest first."""
        draw = self.random.random
        if draw() < 1 / 3:
            threshold = self.thresholds[int(draw() * len(self.thresholds))]
            pick = draw()
            if pick < 0.05:
                anchor = threshold
            elif pick < 0.15:
                anchor = threshold + (1 if pick < 0.1 else -1)
            else:
                anchor = threshold + int((draw() * 2 - 1) * 300_000)
        else:
            anchor = int(min(math.exp(self.random.gauss(_LOG_MEDIAN, 0.9)), 2_000_000) * 100)
        anchored = int(draw() * 3)
        pence = [anchor, anchor, anchor]
        # About 3% a year, give or take 12% (uniform: cheap, and enough for a spread).
        for index in range(anchored + 1, 3):
            pence[index] = int(pence[index - 1] * (0.82 + draw() * 0.42))
        for index in range(anchored - 1, -1, -1):
            pence[index] = int(pence[index + 1] / (0.82 + draw() * 0.42))
        return pence

    def split(self, kind: float, total: int) -> tuple[int, int, int]:
        """Self-employment, UK property and foreign property pence adding up to ``total``."""
        if kind < 0.5:
            return total, 0, 0
        share = self.random.random()
        if kind < 0.8:
            foreign = int(total * (0.05 + share * 0.35)) if kind < 0.575 else 0
            return 0, total - foreign, foreign
        trade = int(total * (0.4 + share * 0.4))
        return trade, total - trade, 0

    def customers(self, start: int, stop: int) -> PopulationBatch:
        returns: list[ReturnLine] = []
        statuses: list[StatusLine] = []
        subscriptions: list[SubscriptionLine] = []
        relationships: list[RelationshipLine] = []
        draw = self.random.random
        current = str(self.current)
        agents = len(self.arns)
        main_type, supporting_type = AgentType.MAIN.value, AgentType.SUPPORTING.value
        for index in range(start, stop):
            nino = self.block.nino(index)
            kind = draw()
            pence = self.income()
            missing = int(draw() * 3) if draw() < 0.05 else None
            incomes: list[Decimal | None] = [None, None, None]
            for place in range(3):
                if place == missing:
                    continue
                total = pence[place]
                se, uk, foreign = self.split(kind, total)
                filed = self.filing_days[place][int(draw() * 300)]
                returns.append((nino, self.year_texts[place], filed, se, uk, foreign, total))
                incomes[place] = Decimal(total).scaleb(-2)
            over = (
                self.mandating is not None and incomes[1] is not None and pence[1] > self.mandating
            )
            signed_up = draw() < (0.85 if over else 0.3)
            exempt = draw()
            main = int(draw() * agents) if draw() < 0.6 else None
            supporting = int(draw() * agents) if draw() < 0.1 else None
            mtditid = self.block.mtditid(index) if signed_up else None
            status = self._status(signed_up, exempt, incomes, pence)
            if status is not None:
                statuses.append((nino, current, *status))
            if mtditid is not None:
                signed_by = self.arns[main] if main is not None and draw() < 0.5 else None
                subscriptions.append((nino, mtditid, self.block.utr(index), current, signed_by))
            if main is not None:
                relationships.append((self.arns[main], nino, mtditid, main_type))
            if supporting is not None and supporting != main:
                relationships.append((self.arns[supporting], nino, mtditid, supporting_type))
        return PopulationBatch(self.now, returns, statuses, subscriptions, relationships)

    def _status(
        self, signed_up: bool, exempt: float, incomes: list[Decimal | None], pence: list[int]
    ) -> tuple[str, str, int | None] | None:
        """The current year's status: (status, reason, businessIncome2YearsPrior in pence)."""
        r = self.random
        basis = pence[1] if incomes[1] is not None else None
        if exempt < 0.02:
            return ItsaStatus.EXEMPT.value, r.choice(_EXEMPT_REASONS).value, basis
        if exempt < 0.03:
            return ItsaStatus.DIGITALLY_EXEMPT.value, StatusReason.DIGITALLY_EXEMPT.value, basis
        # The bulk review's years are the current year's N-1, N-2, N-3: latest first.
        decision = self.bulk.decide(ItsaStatus.NO_STATUS, signed_up, incomes[::-1])
        if decision is None:
            if not signed_up:
                return None
            reason = StatusReason.SIGN_UP_NO_RETURN_AVAILABLE
            return ItsaStatus.VOLUNTARY.value, reason.value, None
        status, reason = decision.status, decision.reason
        if status is ItsaStatus.VOLUNTARY and r.random() < 0.05:
            return ItsaStatus.ANNUAL.value, StatusReason.OPT_OUT.value, basis
        if status is ItsaStatus.VOLUNTARY:
            reason = StatusReason.SIGN_UP_RETURN_AVAILABLE
        elif not signed_up and r.random() < 0.15:
            return None
        return status.value, reason.value, basis


def batches(count: int, seed: int, now: datetime) -> Iterator[PopulationBatch]:
    """The population for ``count``, ``seed`` and ``now``, a batch at a time."""
    generator = _Generator(Block.for_seed(count, seed), seed, now)
    for start in range(0, count, BATCH):
        yield generator.customers(start, min(start + BATCH, count))


def create(tx: Transaction, count: int, seed: int, now: datetime) -> Created | None:
    """Write the population; None (nothing written) when its NINO block or its agents'
    ARNs are already in the world."""
    block = Block.for_seed(count, seed)
    first, last = block.nino(0), block.nino(count - 1)
    if tx.population.holds_customers(first, last) or tx.population.holds_agents(block.arns()):
        return None
    signed_up = returns = statuses = relationships = 0
    for batch in batches(count, seed, now):
        tx.population.add(batch)
        signed_up += len(batch.subscriptions)
        returns += len(batch.returns)
        statuses += len(batch.statuses)
        relationships += len(batch.relationships)
    return Created(first, last, count, signed_up, returns, statuses, block.agents, relationships)
