"""A customer's position, read through the SDK and put in the rules' words: the guidance for
the previous, current and next tax year, this year's obligations, and the income sources HMRC
holds. Shared by the dashboard, the CLI (``openmtd status``, ``openmtd obligations``) and the
reminders. Never the raw ITSA status or reason: :meth:`Position.to_json` carries the guidance
object only.

The reads: one Retrieve ITSA Status from the previous tax year with ``futureYears`` (the
three years in one answer), the previous year's final declaration (made or not: it decides
whether that year can still be opted out of), this year's two Obligations calls, and
Business Details' list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from openmtd.rules.guidance import Deadline, Guidance, guidance
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

_SOURCES = {
    "self-employment": "self-employment",
    "uk-property": "UK property",
    "foreign-property": "foreign property",
}


@dataclass(frozen=True, slots=True)
class ObligationRow:
    """One quarterly update or the final declaration, in words."""

    what: str
    start: date
    end: date
    due: date
    fulfilled: bool
    late: bool
    received: date | None
    penalty_bearing: bool
    kind: str = "quarterly"
    #: The income source's business ID (quarterly updates; None for the final declaration).
    business_id: str | None = None

    @property
    def key(self) -> str:
        """A stable name for the obligation (reminders are given once per key)."""
        # Quarterly periods are cumulative from 6 April: their ends tell them apart.
        return "/".join((self.kind, self.business_id or "-", self.end.isoformat()))

    @property
    def state(self) -> str:
        return "fulfilled" if self.fulfilled else "late" if self.late else "open"

    @property
    def state_text(self) -> str:
        if self.fulfilled:
            return f"sent {self.received:%d %b %Y}" if self.received else "sent"
        return "late: send it now" if self.late else "to send"

    def to_dict(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "kind": self.kind,
            "periodStart": self.start.isoformat(),
            "periodEnd": self.end.isoformat(),
            "due": self.due.isoformat(),
            "state": self.state,
            "received": self.received.isoformat() if self.received else None,
            "penaltyBearing": self.penalty_bearing,
        }


@dataclass(frozen=True, slots=True)
class IncomeSource:
    """An income source HMRC holds (Business Details)."""

    kind: str
    name: str
    business_id: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "name": self.name, "businessId": self.business_id}


@dataclass(frozen=True, slots=True)
class Position:
    """What the customer must do, by when, and what HMRC holds for them."""

    guidance: Guidance
    signed_up: bool
    obligations: tuple[ObligationRow, ...]
    income_sources: tuple[IncomeSource, ...]

    def other_deadlines(self, *, later_years: bool = True) -> tuple[Deadline, ...]:
        """The rules' deadlines HMRC's obligations do not cover: those of the other tax years
        (the earlier ones only, without ``later_years``); every one when HMRC holds none."""
        if not self.obligations:
            return self.guidance.deadlines
        current = TaxYear.containing(self.guidance.today)
        return tuple(
            deadline
            for deadline in self.guidance.deadlines
            if deadline.tax_year < current or (later_years and deadline.tax_year > current)
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "signedUp": self.signed_up,
            "guidance": self.guidance.to_dict(),
            "obligations": [row.to_dict() for row in self.obligations],
            "incomeSources": [source.to_dict() for source in self.income_sources],
        }


def as_sentence(text: str) -> str:
    """A deadline's words (``"final declaration for ..."``) as the start of a sentence."""
    return text[:1].upper() + text[1:]


def latest_status(answer: ItsaStatusResponse | None, year: TaxYear) -> ItsaStatus | None:
    """The latest status HMRC gave for ``year``; None when none (or one this release does
    not know, kept as a string by the SDK: read as none determined)."""
    entry = answer.year(str(year)) if answer is not None else None
    latest = entry.latest if entry is not None else None
    return latest.status if latest is not None and isinstance(latest.status, ItsaStatus) else None


def read_statuses(client: Client, nino: str, today: date) -> tuple[ItsaStatusResponse | None, bool]:
    """One Retrieve ITSA Status call from the previous tax year with the years after it, and
    whether the customer is signed up (HMRC's NotSignedUp says not)."""
    previous = TaxYear.containing(today).previous
    try:
        return client.itsa_status.retrieve(nino, str(previous), future_years=True), True
    except NotSignedUp:
        return None, False
    except NotFound:
        return None, True


def guidance_from(
    answer: ItsaStatusResponse | None,
    signed_up: bool,
    today: date,
    *,
    previous_crystallised: bool = False,
) -> Guidance:
    current = TaxYear.containing(today)
    return guidance(
        today=today,
        previous=latest_status(answer, current.previous),
        current=latest_status(answer, current),
        next_year=latest_status(answer, current.next),
        previous_crystallised=previous_crystallised,
        signed_up=signed_up,
    )


def read_previous_crystallised(client: Client, nino: str, today: date) -> bool:
    """Whether the previous tax year's final declaration has been made (HMRC's Obligations
    API shows it fulfilled): then that year can no longer be opted out of, and its deadline
    is met. False when HMRC holds no final declaration for that year."""
    previous = TaxYear.containing(today).previous
    try:
        answer = client.obligations.final_declaration(nino, tax_year=str(previous))
    except (NotFound, NotSignedUp):
        return False
    return any(period.status == ObligationStatus.FULFILLED for period in answer.obligations)


def _row(
    what: str,
    period: ObligationPeriod,
    today: date,
    penalty: bool,
    kind: str,
    business_id: str | None = None,
) -> ObligationRow:
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
        kind=kind,
        business_id=business_id,
    )


def read_obligations(
    client: Client, nino: str, today: date, answer: ItsaStatusResponse | None
) -> tuple[ObligationRow, ...]:
    """This tax year's quarterly updates (per income source) and final declaration, soonest
    first; which are penalty-bearing follows the rules for HMRC's status of the year."""
    year = TaxYear.containing(today)
    penalties = {
        obligation.kind: obligation.penalty_bearing
        for obligation in obligations_for(latest_status(answer, year) or ItsaStatus.NO_STATUS, year)
    }
    rows: list[ObligationRow] = []
    try:
        quarterly = client.obligations.income_and_expenditure(
            nino, from_date=year.start, to_date=year.end
        )
    except (NotFound, NotSignedUp):
        quarterly = None
    for source in quarterly.obligations if quarterly else ():
        name = _SOURCES.get(str(source.type_of_business), "income")
        for period in source.obligation_details:
            rows.append(
                _row(
                    f"Quarterly update ({name})",
                    period,
                    today,
                    penalties.get(ObligationKind.QUARTERLY_UPDATES, False),
                    "quarterly",
                    source.business_id,
                )
            )
    try:
        final = client.obligations.final_declaration(nino, tax_year=str(year))
    except (NotFound, NotSignedUp):
        final = None
    for period in final.obligations if final else ():
        rows.append(
            _row(
                "Final declaration",
                period,
                today,
                penalties.get(ObligationKind.FINAL_DECLARATION, True),
                "final-declaration",
            )
        )
    return tuple(sorted(rows, key=lambda row: (row.due, row.what)))


def read_income_sources(client: Client, nino: str) -> tuple[IncomeSource, ...]:
    try:
        answer = client.business_details.list(nino)
    except (NotFound, NotSignedUp):
        return ()
    return tuple(
        IncomeSource(
            kind=_SOURCES.get(str(business.type_of_business), str(business.type_of_business)),
            name=business.trading_name or _SOURCES.get(str(business.type_of_business), "income"),
            business_id=business.business_id,
        )
        for business in answer.list_of_businesses
    )


def read_position(client: Client, nino: str, *, today: date) -> Position:
    """The customer's position on ``today`` (a UK date)."""
    answer, signed_up = read_statuses(client, nino, today)
    if not signed_up:
        return Position(guidance_from(None, False, today), False, (), ())
    crystallised = read_previous_crystallised(client, nino, today)
    return Position(
        guidance=guidance_from(answer, signed_up, today, previous_crystallised=crystallised),
        signed_up=signed_up,
        obligations=read_obligations(client, nino, today, answer),
        income_sources=read_income_sources(client, nino),
    )
