"""What software tells a customer (or their agent) from their ITSA statuses.

HMRC lets software read a customer's ITSA status but not show it: software must use it to
encourage the customer to meet their obligations, warn of penalties, and say whether they can
opt out or sign up, sending them to HMRC online services to do so. :func:`guidance` turns the
statuses of the previous, current and next tax years and today's date into a plain
:class:`Guidance` object that web pages, the CLI and JSON output all render.

No text here ever contains a raw status value or reason: the tests check every combination.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Final

from openmtd.rules.deadlines import quarterly_periods, year_end_deadline
from openmtd.rules.itsa_status import (
    ItsaStatus,
    Obligation,
    ObligationKind,
    obligations_for,
)
from openmtd.rules.opt_out import ReportingYears, opt_in_years, opt_out_years
from openmtd.rules.tax_year import TaxYear

#: Where a customer acts: sign-up, opt-out and opt-in exist only in HMRC's own web services.
HMRC_ONLINE_SERVICES: Final = "HMRC online services"
#: Where an agent acts for a client.
AGENT_SERVICES_ACCOUNT: Final = "your agent services account"
#: The name software uses for the scheme, spelled out as GOV.UK does.
MTD: Final = "Making Tax Digital for Income Tax"

#: Late-submission penalty for each late submission once the points threshold is reached.
LATE_SUBMISSION_PENALTY: Final = "£200"


class Audience(StrEnum):
    """Who reads the guidance: the customer, or an agent looking at a client."""

    CUSTOMER = "customer"
    AGENT = "agent"


class Situation(StrEnum):
    """The customer's situation for the current year, in software's own words.

    A stable key for pages and JSON (to pick an icon or a colour); deliberately not HMRC's
    status values, which software must not show.
    """

    MUST_USE_MTD = "must-use-mtd"
    MUST_SIGN_UP = "must-sign-up"
    USING_MTD_BY_CHOICE = "using-mtd-by-choice"
    TAX_RETURN_ONLY = "tax-return-only"
    EXEMPT = "exempt"
    NOTHING_TO_SEND = "nothing-to-send"
    NOT_YET_DECIDED = "not-yet-decided"


@dataclass(frozen=True, slots=True)
class Deadline:
    """Something due by a date, and whether missing it can bring a penalty."""

    due: date
    tax_year: TaxYear
    what: str
    penalty_points: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "due": self.due.isoformat(),
            "taxYear": str(self.tax_year),
            "what": self.what,
            "penaltyPoints": self.penalty_points,
        }


@dataclass(frozen=True, slots=True)
class YearSummary:
    """One tax year in words: how the customer reports and what that means."""

    tax_year: TaxYear
    label: str
    summary: str
    uses_mtd: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "taxYear": str(self.tax_year),
            "label": self.label,
            "summary": self.summary,
            "usesMtd": self.uses_mtd,
        }


@dataclass(frozen=True, slots=True)
class Guidance:
    """What to tell the customer (or agent): a plain data object for pages, CLI and JSON."""

    audience: Audience
    today: date
    situation: Situation
    headline: str
    what_to_do: tuple[str, ...]
    deadlines: tuple[Deadline, ...]
    penalties_apply: bool
    penalty_warning: str | None
    can_opt_out: tuple[TaxYear, ...]
    can_sign_up: tuple[TaxYear, ...]
    where_to_act: str
    next_step: str
    years: tuple[YearSummary, ...] = field(default=())

    def texts(self) -> tuple[str, ...]:
        """Every sentence the guidance can show, for renderers and for tests."""
        return (
            self.headline,
            *self.what_to_do,
            *(deadline.what for deadline in self.deadlines),
            *((self.penalty_warning,) if self.penalty_warning else ()),
            self.where_to_act,
            self.next_step,
            *(year.summary for year in self.years),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (camelCase, ISO dates, tax years as ``2026-27``)."""
        return {
            "audience": self.audience.value,
            "today": self.today.isoformat(),
            "situation": self.situation.value,
            "headline": self.headline,
            "whatToDo": list(self.what_to_do),
            "deadlines": [deadline.to_dict() for deadline in self.deadlines],
            "penaltiesApply": self.penalties_apply,
            "penaltyWarning": self.penalty_warning,
            "canOptOut": [str(year) for year in self.can_opt_out],
            "canSignUp": [str(year) for year in self.can_sign_up],
            "whereToAct": self.where_to_act,
            "nextStep": self.next_step,
            "years": [year.to_dict() for year in self.years],
        }


@dataclass(frozen=True, slots=True)
class _Voice:
    """The words that change between a customer ("you") and an agent ("your client")."""

    you: str
    you_cap: str
    your: str
    you_must: str
    you_can: str
    you_do_not: str
    you_have: str

    def cap(self, text: str) -> str:
        return text[:1].upper() + text[1:]


_CUSTOMER = _Voice(
    you="you",
    you_cap="You",
    your="your",
    you_must="you must",
    you_can="you can",
    you_do_not="you do not",
    you_have="you have",
)
_AGENT = _Voice(
    you="your client",
    you_cap="Your client",
    your="your client's",
    you_must="your client must",
    you_can="your client can",
    you_do_not="your client does not",
    you_have="your client has",
)


def guidance(
    *,
    today: date,
    previous: ItsaStatus | None,
    current: ItsaStatus | None,
    next_year: ItsaStatus | None,
    previous_crystallised: bool = False,
    signed_up: bool = True,
    audience: Audience = Audience.CUSTOMER,
) -> Guidance:
    """The guidance for the tax year containing ``today``.

    Args:
        today: the UK date (the current tax year is the one containing it).
        previous, current, next_year: the latest status HMRC holds for each year, or None
            when it holds none (read as ``No Status``).
        previous_crystallised: the previous year's final declaration has been made.
        signed_up: the customer has signed up for MTD (holds the MTD enrolment).
        audience: word it for the customer, or for an agent looking at a client.
    """
    voice = _AGENT if audience is Audience.AGENT else _CUSTOMER
    where = AGENT_SERVICES_ACCOUNT if audience is Audience.AGENT else HMRC_ONLINE_SERVICES
    current_year = TaxYear.containing(today)
    years = ReportingYears(
        current_year=current_year,
        previous=previous or ItsaStatus.NO_STATUS,
        current=current or ItsaStatus.NO_STATUS,
        next=next_year or ItsaStatus.NO_STATUS,
        previous_crystallised=previous_crystallised,
    )
    effective_next = years.effective_next
    statuses = (
        (years.previous_year, years.previous),
        (current_year, years.current),
        (years.next_year, effective_next),
    )

    deadlines = _deadlines(today, statuses, previous_crystallised)
    can_opt_out = opt_out_years(years) if signed_up else ()
    can_sign_up = opt_in_years(years) if signed_up else _first_sign_up_years(years)
    situation = _situation(years.current, effective_next, signed_up)
    penalties_apply = any(deadline.penalty_points for deadline in deadlines)

    what_to_do = list(_what_to_do(situation, current_year, voice))
    what_to_do.extend(_change_next_year(years.current, effective_next, signed_up, voice, years))
    if can_opt_out:
        what_to_do.append(
            f"{voice.you_cap} can choose to stop using {MTD} from "
            f"{_years_text(can_opt_out)}. {_where_to_do_it(audience)}"
        )
    if can_sign_up and situation is not Situation.MUST_SIGN_UP:
        what_to_do.append(
            f"{voice.you_cap} can choose to use {MTD} from {_years_text(can_sign_up)}. "
            f"{_where_to_do_it(audience)}"
        )

    return Guidance(
        audience=audience,
        today=today,
        situation=situation,
        headline=_headline(situation, current_year, voice),
        what_to_do=tuple(what_to_do),
        deadlines=deadlines,
        penalties_apply=penalties_apply,
        penalty_warning=_penalty_warning(statuses, today, voice),
        can_opt_out=can_opt_out,
        can_sign_up=can_sign_up,
        where_to_act=where,
        next_step=_next_step(situation, deadlines, can_sign_up, audience, voice, current_year),
        years=tuple(_year_summary(year, status, voice) for year, status in statuses),
    )


def _situation(current: ItsaStatus, effective_next: ItsaStatus, signed_up: bool) -> Situation:
    if current is ItsaStatus.MANDATED:
        return Situation.MUST_USE_MTD if signed_up else Situation.MUST_SIGN_UP
    if current is ItsaStatus.VOLUNTARY:
        return Situation.USING_MTD_BY_CHOICE
    if current is ItsaStatus.ANNUAL:
        if effective_next is ItsaStatus.MANDATED and not signed_up:
            return Situation.MUST_SIGN_UP
        return Situation.TAX_RETURN_ONLY
    if current.is_exempt:
        return Situation.EXEMPT
    if current is ItsaStatus.DORMANT:
        return Situation.NOTHING_TO_SEND
    if effective_next is ItsaStatus.MANDATED and not signed_up:
        return Situation.MUST_SIGN_UP
    return Situation.NOT_YET_DECIDED


def _headline(situation: Situation, year: TaxYear, voice: _Voice) -> str:
    label = year.label()
    headlines = {
        Situation.MUST_USE_MTD: f"{voice.cap(voice.you_must)} use {MTD} for {label}.",
        Situation.MUST_SIGN_UP: f"{voice.cap(voice.you_must)} sign up for {MTD}.",
        Situation.USING_MTD_BY_CHOICE: (
            f"{voice.you_cap} {'are' if voice is _CUSTOMER else 'is'} using {MTD} "
            f"by choice for {label}."
        ),
        Situation.TAX_RETURN_ONLY: (
            f"{voice.cap(voice.you_do_not)} need to use {MTD} for {label}: "
            "a Self Assessment tax return is enough."
        ),
        Situation.EXEMPT: (
            f"{voice.you_cap} {'are' if voice is _CUSTOMER else 'is'} exempt from {MTD} "
            f"for {label}."
        ),
        Situation.NOTHING_TO_SEND: (
            f"{voice.cap(voice.you_do_not)} need to send HMRC any updates or a tax return "
            f"for {label}."
        ),
        Situation.NOT_YET_DECIDED: (
            f"HMRC has not yet worked out how {voice.you} must report income for {label}."
        ),
    }
    return headlines[situation]


def _what_to_do(situation: Situation, year: TaxYear, voice: _Voice) -> tuple[str, ...]:
    label = year.label()
    if situation in (Situation.MUST_USE_MTD, Situation.USING_MTD_BY_CHOICE):
        return (
            f"Keep digital records of {voice.your} self-employment and property income and "
            "expenses in software that works with MTD.",
            "Send a quarterly update from that software by 7 August, 7 November, 7 February "
            "and 7 May.",
            f"Make the final declaration and pay any tax due by 31 January {year.end_year + 1}.",
        )
    if situation is Situation.MUST_SIGN_UP:
        return (
            f"HMRC expects {voice.you} to use {MTD}, so {voice.you_must} sign up before "
            "the first quarterly update is due.",
            "Sign-up happens only in HMRC's own online service, not in software.",
        )
    if situation in (Situation.TAX_RETURN_ONLY, Situation.EXEMPT):
        return (
            f"Send a Self Assessment tax return for {label} and pay any tax due by "
            f"31 January {year.end_year + 1}.",
        )
    if situation is Situation.NOTHING_TO_SEND:
        return (
            f"Tell HMRC if {voice.you} start{'s' if voice is _AGENT else ''} self-employment "
            "or receive property income again.",
        )
    return (
        f"Keep records of {voice.your} income and expenses; HMRC reviews this each year "
        "from the latest tax return and writes when something changes.",
    )


def _change_next_year(
    current: ItsaStatus,
    effective_next: ItsaStatus,
    signed_up: bool,
    voice: _Voice,
    years: ReportingYears,
) -> tuple[str, ...]:
    start = f"6 April {years.next_year.start_year}"
    if effective_next is ItsaStatus.MANDATED and current is not ItsaStatus.MANDATED:
        if signed_up:
            return (
                f"From {start} {voice.you_must} use {MTD}: staying in is no longer a choice "
                "from then.",
            )
        return (
            f"From {start} {voice.you_must} use {MTD}. Get software that works with MTD "
            "before then.",
        )
    if current is ItsaStatus.MANDATED and effective_next is ItsaStatus.VOLUNTARY:
        return (f"From {start} {voice.you_do_not} have to use {MTD}, but can keep using it.",)
    return ()


def _deadlines(
    today: date,
    statuses: tuple[tuple[TaxYear, ItsaStatus], ...],
    previous_crystallised: bool,
) -> tuple[Deadline, ...]:
    """Every deadline on or after ``today`` for the three years, soonest first."""
    found: list[Deadline] = []
    for index, (year, status) in enumerate(statuses):
        for obligation in obligations_for(status, year):
            if (
                index == 0
                and previous_crystallised
                and obligation.kind is not (ObligationKind.TAX_RETURN)
            ):
                continue
            found.extend(_obligation_deadlines(year, obligation))
    return tuple(sorted((d for d in found if d.due >= today), key=lambda d: (d.due, d.what)))


def _obligation_deadlines(year: TaxYear, obligation: Obligation) -> list[Deadline]:
    if obligation.kind is ObligationKind.QUARTERLY_UPDATES:
        return [
            Deadline(
                due=period.due,
                tax_year=year,
                what=f"Quarterly update {period.number} for {year.label()} (income and "
                f"expenses to {period.end.day} {period.end:%B %Y})",
                penalty_points=obligation.penalty_bearing,
            )
            for period in quarterly_periods(year)
        ]
    what = (
        f"Final declaration and payment for {year.label()}"
        if obligation.kind is ObligationKind.FINAL_DECLARATION
        else f"Self Assessment tax return and payment for {year.label()}"
    )
    return [Deadline(year_end_deadline(year), year, what, obligation.penalty_bearing)]


def _penalty_warning(
    statuses: tuple[tuple[TaxYear, ItsaStatus], ...], today: date, voice: _Voice
) -> str | None:
    current_year, current = statuses[1]
    points = (
        f"Each late submission can bring a penalty point; once {voice.you} reach"
        f"{'es' if voice is _AGENT else ''} the points threshold, HMRC charges a "
        f"{LATE_SUBMISSION_PENALTY} penalty for each further late submission."
    )
    if current is ItsaStatus.MANDATED:
        quarterly, _ = obligations_for(current, current_year)
        if not quarterly.penalty_bearing:
            return (
                f"For {current_year.label()} late quarterly updates do not bring penalty "
                "points, but a late final declaration still does, and paying late brings "
                "late-payment penalties. " + points
            )
        return points
    if current is ItsaStatus.VOLUNTARY:
        return (
            "Late quarterly updates do not bring penalty points while using MTD by choice, "
            "but a late final declaration does. " + points
        )
    if obligations_for(current, current_year):
        return f"A late tax return or late payment can bring a penalty. {points}"
    if any(obligations_for(status, year) for year, status in statuses if year != current_year):
        return f"Deadlines for other tax years still apply. {points}"
    return None


def _next_step(
    situation: Situation,
    deadlines: tuple[Deadline, ...],
    can_sign_up: tuple[TaxYear, ...],
    audience: Audience,
    voice: _Voice,
    year: TaxYear,
) -> str:
    if situation is Situation.MUST_SIGN_UP:
        if audience is Audience.AGENT:
            return (
                f"Sign your client up for {MTD} with {AGENT_SERVICES_ACCOUNT} (you need "
                "their authorisation first)."
            )
        return f"Sign up for {MTD} in {HMRC_ONLINE_SERVICES}."
    if deadlines:
        soonest = deadlines[0]
        return f"Next deadline: {soonest.what}, due by {_date_text(soonest.due)}."
    if can_sign_up:
        return f"{voice.you_cap} can sign up for {MTD} from {_years_text(can_sign_up)}."
    if situation is Situation.NOTHING_TO_SEND:
        return f"Nothing is due now. Check again after 6 April {year.end_year}."
    return (
        f"Nothing is due now. Check again after HMRC's next review, or after 6 April "
        f"{year.end_year}."
    )


def _year_summary(year: TaxYear, status: ItsaStatus, voice: _Voice) -> YearSummary:
    summaries = {
        ItsaStatus.MANDATED: f"{voice.you_cap} must use {MTD}.",
        ItsaStatus.VOLUNTARY: f"{voice.you_cap} use{'s' if voice is _AGENT else ''} {MTD} "
        "by choice.",
        ItsaStatus.ANNUAL: "A Self Assessment tax return is enough.",
        ItsaStatus.EXEMPT: f"Exempt from {MTD}: a Self Assessment tax return is enough.",
        ItsaStatus.DIGITALLY_EXEMPT: (
            f"Exempt from {MTD}: a Self Assessment tax return is enough."
        ),
        ItsaStatus.DORMANT: "Nothing to send HMRC.",
        ItsaStatus.NO_STATUS: "Not yet worked out by HMRC.",
    }
    return YearSummary(year, year.label(), summaries[status], status.is_in_mtd)


def _where_to_do_it(audience: Audience) -> str:
    if audience is Audience.AGENT:
        return f"You can do this for your client in {AGENT_SERVICES_ACCOUNT}."
    return f"Do this in {HMRC_ONLINE_SERVICES}."


def _first_sign_up_years(years: ReportingYears) -> tuple[TaxYear, ...]:
    """Years a customer who has never signed up could sign up for (current or next).

    Mirrors HMRC's sign-up routing (business rules §1.2): a mandated current year forces the
    current year; exempt or dormant years cannot be signed up for.
    """
    if years.current is ItsaStatus.MANDATED:
        return (years.current_year,)
    if years.current.is_exempt or years.current is ItsaStatus.DORMANT:
        return ()
    if years.effective_next.is_exempt or years.effective_next is ItsaStatus.DORMANT:
        return (years.current_year,)
    return (years.current_year, years.next_year)


def _years_text(years: tuple[TaxYear, ...]) -> str:
    return " or ".join(f"6 April {year.start_year}" for year in years)


def _date_text(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


__all__ = [
    "AGENT_SERVICES_ACCOUNT",
    "HMRC_ONLINE_SERVICES",
    "Audience",
    "Deadline",
    "Guidance",
    "Situation",
    "YearSummary",
    "guidance",
]
