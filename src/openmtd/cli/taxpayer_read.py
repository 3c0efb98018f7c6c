"""What ``openmtd status`` and ``openmtd obligations`` read through the SDK, turned into the
rules' words (never a raw status or reason).

Why here and not the shared ``openmtd.app.services.position``: it had not landed when the
commands were written; ``status`` moves to ``read_position`` once it does (same calls).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from openmtd.rules.guidance import Guidance, guidance
from openmtd.rules.itsa_status import ItsaStatus, ObligationKind, obligations_for
from openmtd.rules.tax_year import TaxYear
from openmtd.sdk import (
    Client,
    ItsaStatusResponse,
    NotFound,
    NotSignedUp,
    ObligationPeriod,
    ObligationStatus,
)


@dataclass(frozen=True, slots=True)
class ReadGuidance:
    """The guidance for the three years, and whether HMRC holds an MTD sign-up."""

    guidance: Guidance
    signed_up: bool


def _latest(answer: ItsaStatusResponse | None, year: TaxYear) -> ItsaStatus | None:
    entry = answer.year(str(year)) if answer is not None else None
    latest = entry.latest if entry is not None else None
    # A status HMRC adds after this release stays a string: read as "none determined".
    return latest.status if latest is not None and isinstance(latest.status, ItsaStatus) else None


def _statuses(client: Client, nino: str, today: date) -> tuple[ItsaStatusResponse | None, bool]:
    """One Retrieve ITSA Status call from the previous tax year with the years after it."""
    previous = TaxYear.containing(today).previous
    try:
        return client.itsa_status.retrieve(nino, str(previous), future_years=True), True
    except NotSignedUp:
        return None, False
    except NotFound:
        return None, True


def read_guidance(client: Client, nino: str, today: date) -> ReadGuidance:
    """The rules' guidance from HMRC's statuses for the previous, current and next year."""
    answer, signed_up = _statuses(client, nino, today)
    current = TaxYear.containing(today)
    return ReadGuidance(
        guidance(
            today=today,
            previous=_latest(answer, current.previous),
            current=_latest(answer, current),
            next_year=_latest(answer, current.next),
            signed_up=signed_up,
        ),
        signed_up,
    )


@dataclass(frozen=True, slots=True)
class ObligationRow:
    """One quarterly update or final declaration, in words."""

    what: str
    start: date
    end: date
    due: date
    fulfilled: bool
    late: bool
    received: date | None
    penalty_bearing: bool

    @property
    def state_text(self) -> str:
        if self.fulfilled:
            return f"sent {self.received:%d %b %Y}" if self.received else "sent"
        return "late: send it now" if self.late else "to send"

    @property
    def state(self) -> str:
        return "fulfilled" if self.fulfilled else "late" if self.late else "open"

    def to_dict(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "periodStart": self.start.isoformat(),
            "periodEnd": self.end.isoformat(),
            "due": self.due.isoformat(),
            "state": self.state,
            "received": self.received.isoformat() if self.received else None,
            "penaltyBearing": self.penalty_bearing,
        }


def _row(what: str, period: ObligationPeriod, today: date, penalty: bool) -> ObligationRow:
    fulfilled = period.status == ObligationStatus.FULFILLED
    return ObligationRow(
        what=what,
        start=period.period_start_date,
        end=period.period_end_date,
        due=period.due_date,
        fulfilled=fulfilled,
        late=not fulfilled and period.due_date < today,
        received=period.received_date,
        penalty_bearing=penalty,
    )


_SOURCES = {
    "self-employment": "self-employment",
    "uk-property": "UK property",
    "foreign-property": "foreign property",
}


def obligations_rows(client: Client, nino: str, today: date) -> list[ObligationRow]:
    """This tax year's quarterly updates (each income source) and final declaration, soonest
    first; which are penalty-bearing follows the rules for HMRC's status of the year."""
    year = TaxYear.containing(today)
    answer, _ = _statuses(client, nino, today)
    penalties = {
        obligation.kind: obligation.penalty_bearing
        for obligation in obligations_for(_latest(answer, year) or ItsaStatus.NO_STATUS, year)
    }
    rows: list[ObligationRow] = []
    try:
        quarterly = client.obligations.income_and_expenditure(
            nino, from_date=year.start, to_date=year.end
        )
    except NotFound:
        quarterly = None
    for source in quarterly.obligations if quarterly else ():
        name = _SOURCES.get(str(source.type_of_business), "income")
        for period in source.obligation_details:
            rows.append(
                _row(
                    f"Quarterly update ({name}) to {period.period_end_date:%d %B %Y}",
                    period,
                    today,
                    penalties.get(ObligationKind.QUARTERLY_UPDATES, False),
                )
            )
    try:
        final = client.obligations.final_declaration(nino, tax_year=str(year))
    except NotFound:
        final = None
    for period in final.obligations if final else ():
        rows.append(
            _row(
                f"Final declaration for {year.label()}",
                period,
                today,
                penalties.get(ObligationKind.FINAL_DECLARATION, True),
            )
        )
    return sorted(rows, key=lambda row: (row.due, row.what))
