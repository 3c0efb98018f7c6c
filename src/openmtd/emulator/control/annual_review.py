"""Control endpoints for HMRC's annual review at scale:

- ``POST /emulator/annual-review/{taxYear}`` (no body, or ``{}``): review every customer for
  the year (:mod:`openmtd.emulator.annual_review`); 200 ``{"taxYear", "reviewed",
  "statusCounts", "recorded", "undecided"}``.
- ``POST /emulator/population`` with ``{"count": n, "seed": s}``: a synthetic population of
  ``n`` bare customers (:mod:`openmtd.emulator.population`); 201 with what it holds.

Codes and messages are openmtd's (HMRC has no control API); the tax year in the path is
checked with HMRC's own rule.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from openmtd.emulator import annual_review, population
from openmtd.emulator.control.errors import FORMAT_VALUE, ControlError, FieldError
from openmtd.emulator.control.people import _tax_year
from openmtd.emulator.control.requests import _Body, _validate, parse_json
from openmtd.emulator.storage import Transaction
from openmtd.emulator.storage.population import PopulationClashError

#: The largest seed: any JSON integer the control API reads (18 digits).
MAX_SEED: Final = 10**18 - 1
POPULATION_OVERLAPS: Final = "POPULATION_OVERLAPS"


class ReviewRequest(_Body):
    """``POST /emulator/annual-review/{taxYear}``: no fields."""


class PopulationRequest(_Body):
    """``POST /emulator/population``."""

    count: int
    seed: int


def review(tx: Transaction, now: datetime, year_text: str, raw: bytes) -> dict[str, Any]:
    """Review every customer for the year in the path."""
    year = _tax_year(year_text)
    if raw.strip():
        _validate(ReviewRequest, parse_json(raw))
    outcome = annual_review.run(tx, year, now)
    return {
        "taxYear": str(outcome.tax_year),
        "reviewed": outcome.reviewed,
        "statusCounts": {status.value: count for status, count in outcome.status_counts.items()},
        "recorded": outcome.recorded,
        "undecided": outcome.undecided,
    }


def create_population(tx: Transaction, now: datetime, raw: bytes) -> dict[str, Any]:
    """Make a synthetic population (nothing is written when it is refused)."""
    request = _validate(PopulationRequest, parse_json(raw))
    faults = []
    if not 1 <= request.count <= population.MAX_COUNT:
        faults.append(
            FieldError(
                FORMAT_VALUE,
                f"count must be a whole number from 1 to {population.MAX_COUNT}",
                "/count",
            )
        )
    if not 0 <= request.seed <= MAX_SEED:
        faults.append(
            FieldError(FORMAT_VALUE, f"seed must be a whole number from 0 to {MAX_SEED}", "/seed")
        )
    if faults:
        raise ControlError.invalid(*faults)
    overlaps = ControlError.of(
        409,
        POPULATION_OVERLAPS,
        "The world already holds customers or agents where this seed's population would go: "
        "reset the world or choose another seed",
    )
    try:
        created = population.create(tx, request.count, request.seed, now)
    except PopulationClashError:
        raise overlaps from None
    if created is None:
        raise overlaps
    return {
        "count": created.customers,
        "seed": request.seed,
        "firstNino": created.first_nino,
        "lastNino": created.last_nino,
        "signedUp": created.signed_up,
        "returns": created.returns,
        "statuses": created.statuses,
        "agents": created.agents,
        "relationships": created.relationships,
    }
