"""What HMRC's sign-up service asks, checks and creates (business rules §1.2, §1.4, §1.5).

:mod:`openmtd.rules.eligibility` decides *whether* and *from when* a person may sign up; this
module holds the rest of HMRC's sign-up service as rules, so that the emulator's pages (and
anything else) only call them:

- the "already signed up" resolution (§1.2 step 2): an ``HMRC-MTD-IT`` enrolment allocated to
  no group is claimed; an ``Annual`` current year means the customer opted out; otherwise they
  are signed up;
- the gate's routing before any income source is entered (§1.2 step 7 does not look at
  income), with HMRC's mandation status for both years read from the status history;
- the fields captured for each income source (§1.4): a sole trader's business name (2 to 105
  characters) and trade (2 to 35), from HMRC's character set; a start date from the start date
  limit (6 April two years before the current tax year starts) to 6 days after today, or the
  answer "before the limit", which sends a contextual tax year instead of a date;
- the ITSA statuses sign-up writes (§1.5 item 4, §3.6): each signed-up year gets its mandation
  status, with reason ``Sign up - return available`` when a return is on file for the year
  HMRC reads for it (two years before, §1.7), else ``Sign up - no return available``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

from openmtd.rules.eligibility import (
    EligibilityReasonKey,
    IncomeSource,
    SignUpDecision,
    SignUpFacts,
    decide_sign_up,
)
from openmtd.rules.itsa_status import ItsaStatus, StatusHistory, StatusReason
from openmtd.rules.opt_out import StatusChange
from openmtd.rules.tax_year import TaxYear

# --- already signed up ---------------------------------------------------------------------


class AlreadySignedUp(StrEnum):
    """Where HMRC's ``AlreadySignedUpResolver`` sends someone who has a subscription."""

    #: The ``HMRC-MTD-IT`` enrolment exists but no group holds it: "add it to your account".
    CLAIM_ENROLMENT = "claim-enrolment"
    #: The current year's status is ``Annual``: they opted out ("Manage your reporting
    #: obligations").
    OPTED_OUT = "opted-out"
    #: "You're already signed up".
    SIGNED_UP = "signed-up"


def resolve_already_signed_up(
    *, enrolment_allocated: bool, current_status: ItsaStatus
) -> AlreadySignedUp:
    """HMRC's order (business rules §1.2 step 2): an unallocated enrolment first, then the
    opted-out customer, then everyone else. (HMRC-led, unconfirmed sign-ups are UNCONFIRMED
    and never made here.)"""
    if not enrolment_allocated:
        return AlreadySignedUp.CLAIM_ENROLMENT
    if current_status is ItsaStatus.ANNUAL:
        return AlreadySignedUp.OPTED_OUT
    return AlreadySignedUp.SIGNED_UP


# --- the gate's routing --------------------------------------------------------------------


def sign_up_mandation(history: StatusHistory, tax_year: TaxYear) -> ItsaStatus:
    """HMRC's mandation status for a year at sign-up: always Mandated or Voluntary (§1.5).

    A year whose status (or, for a gap, the status it rolls over from) is ``MTD Mandated`` is
    mandated; anything else, including no status at all, is voluntary.
    """
    if history.effective_status(tax_year) is ItsaStatus.MANDATED:
        return ItsaStatus.MANDATED
    return ItsaStatus.VOLUNTARY


#: Every source sign-up can take: the routing is decided before any is entered.
QUALIFYING_SOURCES: Final = frozenset(source for source in IncomeSource if source.qualifies)


def gate_decision(
    current_year: TaxYear,
    reason_keys_current_year: Iterable[EligibilityReasonKey],
    reason_keys_next_year: Iterable[EligibilityReasonKey],
    history: StatusHistory,
) -> SignUpDecision:
    """What HMRC's sign-up service offers at its gate, before income sources are entered.

    HMRC's routing (§1.2 step 7) reads the eligibility and the mandation statuses only, so the
    person is taken to have the sources sign-up can take; that at least one is entered is
    checked when they confirm (:func:`income_sources_problem`).
    """
    return decide_sign_up(
        SignUpFacts(
            current_year=current_year,
            income_sources=QUALIFYING_SOURCES,
            reason_keys_current_year=tuple(reason_keys_current_year),
            reason_keys_next_year=tuple(reason_keys_next_year),
            status_current_year=sign_up_mandation(history, current_year),
            status_next_year=sign_up_mandation(history, current_year.next),
        )
    )


def income_sources_problem(sources: Collection[IncomeSource]) -> str | None:
    """Why a sign-up cannot be confirmed with these sources, or None when it can: at least one
    self-employment or property source (partnership income is never one, §1.1)."""
    if not any(source.qualifies for source in sources):
        return "Add at least one sole trader business or property business"
    return None


# --- what is captured for each income source -----------------------------------------------

#: HMRC's lengths for a sole trader business (§1.4).
BUSINESS_NAME_LENGTHS: Final = (2, 105)
TRADE_LENGTHS: Final = (2, 35)
#: HMRC's character set for both: letters, digits, space and ``, . & ' \ / -`` (§1.4).
_CHARACTERS: Final = re.compile(r"[A-Za-z0-9 ,.&'\\/-]*")
ALLOWED_PUNCTUATION: Final = ", . & ' \\ / -"


class TextProblem(StrEnum):
    """Why a business name or trade is refused."""

    MISSING = "missing"
    TOO_SHORT = "too-short"
    TOO_LONG = "too-long"
    CHARACTERS = "characters"


def _text_problem(text: str, lengths: tuple[int, int]) -> TextProblem | None:
    shortest, longest = lengths
    if not text:
        return TextProblem.MISSING
    if not _CHARACTERS.fullmatch(text):
        return TextProblem.CHARACTERS
    if len(text) < shortest:
        return TextProblem.TOO_SHORT
    if len(text) > longest:
        return TextProblem.TOO_LONG
    return None


def business_name_problem(text: str) -> TextProblem | None:
    """A sole trader's business name (HMRC's ``tradingName``): 2 to 105 characters, trimmed."""
    return _text_problem(text.strip(), BUSINESS_NAME_LENGTHS)


def trade_problem(text: str) -> TextProblem | None:
    """A sole trader's trade (HMRC's ``typeOfBusiness`` at sign-up, the Business Details API's
    ``tradingType``): 2 to 35 characters, trimmed."""
    return _text_problem(text.strip(), TRADE_LENGTHS)


#: A start date may be up to this many days after today (HMRC's form maximum, §1.4).
DAYS_AHEAD: Final = 6


def start_date_limit(current_year: TaxYear) -> date:
    """6 April two years before the current tax year starts (``getStartDateLimit``)."""
    return current_year.shift(-2).start


def latest_start_date(today: date) -> date:
    """The latest start date HMRC's form accepts: today plus 6 days."""
    return today + timedelta(days=DAYS_AHEAD)


class StartDateProblem(StrEnum):
    """Why a start date is refused."""

    BEFORE_LIMIT = "before-limit"
    TOO_FAR_AHEAD = "too-far-ahead"


def start_date_problem(day: date, today: date) -> StartDateProblem | None:
    """A start date must fall between the limit and :func:`latest_start_date`. A date before
    the limit is answered "before <limit>" instead, so it is refused here."""
    if day < start_date_limit(TaxYear.containing(today)):
        return StartDateProblem.BEFORE_LIMIT
    if day > latest_start_date(today):
        return StartDateProblem.TOO_FAR_AHEAD
    return None


def contextual_tax_year(current_year: TaxYear) -> TaxYear:
    """The tax year sent instead of a start date answered "before the limit": the year after
    the limit date's (``contextualTaxYear``, written by HMRC as the year it ends in)."""
    return TaxYear.containing(start_date_limit(current_year))


# --- what sign-up writes -------------------------------------------------------------------


def signed_up_years(chosen: TaxYear, current_year: TaxYear) -> tuple[TaxYear, ...]:
    """The years sign-up writes a status for: from the chosen year to the next year.

    Raises:
        ValueError: ``chosen`` is neither the current nor the next year (§1.2: sign-up is for
            those two only).
    """
    if chosen not in (current_year, current_year.next):
        raise ValueError(f"sign-up is for {current_year} or {current_year.next}, not {chosen}")
    return tuple(TaxYear(year) for year in range(chosen.start_year, current_year.next.end_year))


def sign_up_reason(tax_year: TaxYear, returns_on_file: Collection[TaxYear]) -> StatusReason:
    """``Sign up - return available`` when a return is on file for the year HMRC reads for
    ``tax_year`` (two years before, §1.7), else ``Sign up - no return available``."""
    if tax_year.shift(-2) in returns_on_file:
        return StatusReason.SIGN_UP_RETURN_AVAILABLE
    return StatusReason.SIGN_UP_NO_RETURN_AVAILABLE


def sign_up_statuses(
    chosen: TaxYear,
    current_year: TaxYear,
    history: StatusHistory,
    returns_on_file: Collection[TaxYear],
) -> tuple[StatusChange, ...]:
    """The status each signed-up year gets: its mandation status at sign-up and the reason."""
    return tuple(
        StatusChange(year, sign_up_mandation(history, year), sign_up_reason(year, returns_on_file))
        for year in signed_up_years(chosen, current_year)
    )
