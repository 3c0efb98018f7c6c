"""What HMRC has received against a customer's MTD obligations.

A :class:`FulfilledUpdate` is a cumulative quarterly update HMRC received for one income
source and period, or (with no business) the customer's final declaration for a tax year; the
control API sets them, as the emulator keeps no submissions yet. The Obligations (MTD) API
reads them to mark obligations fulfilled (a later update of a year covers the earlier periods
too: :func:`openmtd.rules.obligations.received_on`); a return on file
(:class:`~openmtd.emulator.storage.sign_up.ReturnOnFile`) fulfils a final declaration as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class FulfilledUpdate:
    """A quarterly update received for a NINO's income source and period; with no
    ``business_id``, the final declaration for the tax year the period spans."""

    nino: str
    business_id: str | None
    period_start: date
    period_end: date
    received_on: date
    recorded_at: datetime


class FulfilledUpdateRepository(Protocol):
    """Quarterly updates received. Used by the Obligations API and the control API."""

    def put(self, record: FulfilledUpdate) -> None:
        """Keep ``record``, replacing one for the same NINO, business (or none) and period."""
        ...

    def for_nino(self, nino: str) -> list[FulfilledUpdate]:
        """Every update held for a NINO, by business ID and period."""
        ...
