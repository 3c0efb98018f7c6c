"""Who may sign up for MTD ITSA, and from which tax year.

Sign-up happens only in HMRC's own web service, never through software (business rules §1.1),
so openmtd cannot sign anyone up. What it can do is read the facts HMRC's sign-up service
reads and tell a person, or their agent, what that service will offer them and why:

- the person's income sources: only self-employment and UK or foreign property qualify;
  partnership income never does, it stays on the Self Assessment return (§1.1, §1.7);
- HMRC's eligibility reason keys for the current year and the next (HIP ``ReasonKeyCY`` and
  ``ReasonKeyCY1``): the keys are failure reasons, so a year with none is eligible (§1.3);
- the mandation status HMRC gives for both years at sign-up, which is always ``MTD Mandated``
  or ``MTD Voluntary`` (§1.5);

and route them as HMRC's sign-up service does (§1.2 step 7). The explanations never show a
raw ITSA status: HMRC forbids software from showing them to customers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from openmtd.rules.itsa_status import ItsaStatus
from openmtd.rules.tax_year import TaxYear

#: Where a person (or their agent) signs up. Sign-up is never done through software, so every
#: explanation points here rather than at anything openmtd can do.
HMRC_SIGN_UP_SERVICE: Final = "HMRC online services"


class IncomeSource(StrEnum):
    """A kind of income a person may have; only some of them bring a person into MTD ITSA."""

    SELF_EMPLOYMENT = "self-employment"
    UK_PROPERTY = "uk-property"
    FOREIGN_PROPERTY = "foreign-property"
    PARTNERSHIP = "partnership"

    @property
    def qualifies(self) -> bool:
        """Whether it is an MTD income source: partnership income stays on the SA return."""
        return self is not IncomeSource.PARTNERSHIP


class EligibilityReasonKey(StrEnum):
    """Why HMRC finds a person ineligible for a year, spelled as HMRC's eligibility API does.

    The spellings (including HMRC's ``Renumeration``) are the ones HMRC's eligibility service
    matches; any key it does not know it passes on as ``Other``, and so does :meth:`parse`.
    """

    NO_DATA_FOUND = "No Data Found"
    NON_RESIDENTS = "Non-residents"
    NON_RESIDENT_COMPANY_LANDLORD = "Non-resident Company Landlord"
    MINISTER_OF_RELIGION = "Minister of Religion"
    LLOYDS_UNDERWRITER = "Lloyds Underwriter"
    AVERAGING_ADJUSTMENT = "Averaging Adjustment"
    TRUST_INCOME = "Trust Income"
    PARTNERSHIP_INCOME = "Partnership Income"
    BLIND_PERSONS_ALLOWANCE = "Blind Person's Allowance"
    FOSTER_CARERS = "Foster Carers"
    MARRIED_COUPLES_ALLOWANCE = "Married Couple's Allowance"
    COMPLIANCE_ACTIVITY = "Compliance Activity"
    DEBT_MANAGEMENT = "Debt Management"
    BUDGET_PAYMENT_PLAN = "Budget Payment Plan"
    DEATH = "Death"
    CAPACITOR = "Capacitor"
    TIME_TO_PAY = "Time To Pay"
    TIME_TO_PAY_SELF_SERVE = "Time To Pay (Self Serve)"
    DISGUISED_RENUMERATION_INVOLVEMENT = "Disguised Renumeration Involvement"
    NO_REPAYMENT_SIGNAL = "No Repayment Signal"
    OUTSTANDING_RETURNS = "Outstanding Returns"
    ENFORCEMENT_SIGNAL = "Enforcement Signal"
    COLLECTION_PRIORITY_SIGNAL = "Collection Priority Signal"
    BANKRUPT_INSOLVENT = "Bankrupt - Insolvent"
    BANKRUPT_VOLUNTARY_ARRANGEMENT = "Bankrupt - Voluntary Arrangement"
    DIGITALLY_EXEMPT = "Digitally Exempt"
    MTD_EXEMPT_ENDURING = "MTD Exempt (Enduring)"
    MTD_EXEMPT_26_27 = "MTD Exempt 26/27"
    MTD_EXEMPT_27_28 = "MTD Exempt 27/28"
    MTD_EXEMPT_28_29 = "MTD Exempt 28/29"
    MANDATION_INHIBIT_26_27 = "Mandation Inhibit 26/27"
    MANDATION_INHIBIT_27_28 = "Mandation Inhibit 27/28"
    OTHER = "Other"

    @classmethod
    def parse(cls, text: str) -> EligibilityReasonKey:
        """The key for HMRC's exact spelling; an unknown key is ``Other``, as HMRC reads it."""
        try:
            return cls(text)
        except ValueError:
            return cls.OTHER


def parse_reason_keys(texts: Iterable[str]) -> tuple[EligibilityReasonKey, ...]:
    """Parse a whole ``ReasonKeyCY`` / ``ReasonKeyCY1`` list, keeping HMRC's order."""
    return tuple(EligibilityReasonKey.parse(text) for text in texts)


class ExemptionReason(StrEnum):
    """HMRC's ``exemptionReason``: which "cannot sign up" page a person ineligible for both
    years is shown. Values are HMRC's API strings; they are data, never display text.
    """

    DIGITALLY_EXEMPT = "Digitally Exempt"
    MTD_EXEMPT_ENDURING = "MTD Exempt Enduring"
    MTD_EXEMPT_26_27 = "MTD Exempt 26/27"
    NO_DATA = "No Data"


_Key = EligibilityReasonKey

#: The reason keys behind each exemption reason, in HMRC's priority order (business rules
#: §1.3): the first reason with any of its keys present wins.
EXEMPTION_REASON_KEYS: Final[Mapping[ExemptionReason, frozenset[EligibilityReasonKey]]] = {
    ExemptionReason.DIGITALLY_EXEMPT: frozenset({_Key.DIGITALLY_EXEMPT}),
    ExemptionReason.MTD_EXEMPT_ENDURING: frozenset(
        {
            _Key.MTD_EXEMPT_ENDURING,
            _Key.MTD_EXEMPT_28_29,
            _Key.MTD_EXEMPT_27_28,
            _Key.MARRIED_COUPLES_ALLOWANCE,
            _Key.MINISTER_OF_RELIGION,
            _Key.LLOYDS_UNDERWRITER,
            _Key.BLIND_PERSONS_ALLOWANCE,
        }
    ),
    ExemptionReason.MTD_EXEMPT_26_27: frozenset(
        {
            _Key.MTD_EXEMPT_26_27,
            _Key.AVERAGING_ADJUSTMENT,
            _Key.TRUST_INCOME,
            _Key.FOSTER_CARERS,
            _Key.NON_RESIDENTS,
        }
    ),
    ExemptionReason.NO_DATA: frozenset(
        {
            _Key.NO_DATA_FOUND,
            _Key.DEATH,
            _Key.CAPACITOR,
            _Key.NON_RESIDENT_COMPANY_LANDLORD,
            _Key.BANKRUPT_INSOLVENT,
            _Key.BANKRUPT_VOLUNTARY_ARRANGEMENT,
            _Key.MANDATION_INHIBIT_26_27,
            _Key.MANDATION_INHIBIT_27_28,
        }
    ),
}


def exemption_reason_for(keys: Iterable[EligibilityReasonKey]) -> ExemptionReason | None:
    """HMRC's ``exemptionReason`` for a list of (next-year) reason keys.

    The order of the keys does not matter, only HMRC's priority between reasons does. Keys
    that feed no reason (``Debt Management``, ``Other``, ...) give None: HMRC then shows its
    general "cannot sign up" page.
    """
    present = frozenset(keys)
    for reason, reason_keys in EXEMPTION_REASON_KEYS.items():
        if present & reason_keys:
            return reason
    return None


#: The statuses HMRC's sign-up service works with; it fails on anything else.
SIGN_UP_STATUSES: Final = frozenset({ItsaStatus.MANDATED, ItsaStatus.VOLUNTARY})


@dataclass(frozen=True, slots=True)
class SignUpFacts:
    """What HMRC's sign-up service knows about a person when it decides what to offer.

    Attributes:
        current_year: the tax year sign-up happens in (CY); the next is CY+1.
        income_sources: every kind of income the person has, qualifying or not.
        reason_keys_current_year: HIP ``ReasonKeyCY``; empty means eligible for CY.
        reason_keys_next_year: HIP ``ReasonKeyCY1``; empty means eligible for CY+1.
        status_current_year: HMRC's mandation status for CY at sign-up.
        status_next_year: HMRC's mandation status for CY+1 at sign-up.

    Raises:
        ValueError: a status other than ``MTD Mandated`` or ``MTD Voluntary``, because
            HMRC's sign-up service cannot go on without one of them for each year.
    """

    current_year: TaxYear
    income_sources: frozenset[IncomeSource]
    reason_keys_current_year: tuple[EligibilityReasonKey, ...]
    reason_keys_next_year: tuple[EligibilityReasonKey, ...]
    status_current_year: ItsaStatus
    status_next_year: ItsaStatus

    def __post_init__(self) -> None:
        # Callers often hold sets and lists; store hashable, immutable copies.
        object.__setattr__(self, "income_sources", frozenset(self.income_sources))
        object.__setattr__(self, "reason_keys_current_year", tuple(self.reason_keys_current_year))
        object.__setattr__(self, "reason_keys_next_year", tuple(self.reason_keys_next_year))
        for which, status in (
            ("current", self.status_current_year),
            ("next", self.status_next_year),
        ):
            if status not in SIGN_UP_STATUSES:
                raise ValueError(
                    f"HMRC's sign-up service needs the {which} year's mandation status to be "
                    f"mandated or voluntary, not {status!r}."
                )

    @property
    def next_year(self) -> TaxYear:
        return self.current_year.next

    @property
    def eligible_current_year(self) -> bool:
        """Reason keys are failure reasons: a year without any is eligible."""
        return not self.reason_keys_current_year

    @property
    def eligible_next_year(self) -> bool:
        return not self.reason_keys_next_year

    @property
    def qualifying_sources(self) -> tuple[IncomeSource, ...]:
        """The sources sign-up takes, in a stable order; never partnership income."""
        return tuple(
            source for source in IncomeSource if source in self.income_sources and source.qualifies
        )


class SignUpOutcome(StrEnum):
    """Where HMRC's sign-up service sends a person (the HMRC page is named on each)."""

    #: Eligible both years, voluntary both years: they choose (``WhenDoYouWantToStart``).
    CHOOSE_YEAR = "choose-year"
    #: Eligible this year, voluntary now but mandated next year: they may start now or next
    #: year (``NextYearMandatorySignUp``).
    NEXT_YEAR_MANDATORY = "next-year-mandatory"
    #: Eligible and mandated this year: this year only (``MandatoryBothSignUp``).
    MANDATORY_CURRENT_YEAR = "mandatory-current-year"
    #: Eligible next year only, voluntary then (``NonEligibleVoluntary``).
    NEXT_YEAR_ONLY_VOLUNTARY = "next-year-only-voluntary"
    #: Eligible next year only, mandated then (``NonEligibleMandated``).
    NEXT_YEAR_ONLY_MANDATORY = "next-year-only-mandatory"
    #: Eligible this year only and not mandated now: openmtd's reading of a case HMRC's
    #: routing table does not cover (this year, locked).
    CURRENT_YEAR_ONLY_VOLUNTARY = "current-year-only-voluntary"
    #: Eligible for neither year: HMRC's "cannot sign up" page for the exemption reason.
    CANNOT_SIGN_UP = "cannot-sign-up"
    #: No self-employment or property income, so MTD ITSA does not apply to them.
    NO_QUALIFYING_INCOME = "no-qualifying-income"


@dataclass(frozen=True, slots=True)
class SignUpDecision:
    """What HMRC's sign-up service will offer a person, with words for them and their agent.

    Attributes:
        outcome: the route HMRC's service takes.
        years: the tax years they may sign up from, earliest first (empty if none).
        default_year: the year to start from unless they choose otherwise; None when they
            cannot sign up or must choose between two equal options.
        eligible_current_year: HMRC found no reason to refuse the current year.
        eligible_next_year: HMRC found no reason to refuse the next year.
        exemption_reason: HMRC's ``exemptionReason``, from the next year's reason keys.
        income_sources: the sources they would sign up with; never partnership income.
        explanation: for the person ("you").
        agent_explanation: for their agent ("your client").
    """

    outcome: SignUpOutcome
    years: tuple[TaxYear, ...]
    default_year: TaxYear | None
    eligible_current_year: bool
    eligible_next_year: bool
    exemption_reason: ExemptionReason | None
    income_sources: tuple[IncomeSource, ...]
    explanation: str
    agent_explanation: str

    @property
    def can_sign_up(self) -> bool:
        return bool(self.years)

    @property
    def year_is_forced(self) -> bool:
        """The year is locked (HMRC's ``editable = false``): there is only one to offer."""
        return len(self.years) == 1


#: The years each outcome offers, as offsets from the current year, and the default among them.
_OFFERS: Final[Mapping[SignUpOutcome, tuple[tuple[int, ...], int | None]]] = {
    SignUpOutcome.CHOOSE_YEAR: ((0, 1), None),
    SignUpOutcome.NEXT_YEAR_MANDATORY: ((0, 1), 1),
    SignUpOutcome.MANDATORY_CURRENT_YEAR: ((0,), 0),
    SignUpOutcome.NEXT_YEAR_ONLY_VOLUNTARY: ((1,), 1),
    SignUpOutcome.NEXT_YEAR_ONLY_MANDATORY: ((1,), 1),
    SignUpOutcome.CURRENT_YEAR_ONLY_VOLUNTARY: ((0,), 0),
    SignUpOutcome.CANNOT_SIGN_UP: ((), None),
    SignUpOutcome.NO_QUALIFYING_INCOME: ((), None),
}


def route(facts: SignUpFacts) -> SignUpOutcome:
    """Route a person as HMRC's sign-up service does (business rules §1.2 step 7).

    In order:

    1. no self-employment or property income: nothing to sign up, whatever the eligibility;
    2. eligible for neither year: cannot sign up;
    3. eligible this year and mandated this year: this year, whatever next year's
       eligibility or status (HMRC's table: "true, Mandated, any");
    4. eligible this year but not next, voluntary this year: this year only (HMRC's table
       does not cover it; openmtd offers the one year HMRC finds eligible);
    5. eligible both years: mandated next year or not decides the page;
    6. eligible next year only: mandated next year or not decides the page.
    """
    if not facts.qualifying_sources:
        return SignUpOutcome.NO_QUALIFYING_INCOME
    next_mandated = facts.status_next_year == ItsaStatus.MANDATED
    if facts.eligible_current_year:
        if facts.status_current_year == ItsaStatus.MANDATED:
            return SignUpOutcome.MANDATORY_CURRENT_YEAR
        if not facts.eligible_next_year:
            return SignUpOutcome.CURRENT_YEAR_ONLY_VOLUNTARY
        if next_mandated:
            return SignUpOutcome.NEXT_YEAR_MANDATORY
        return SignUpOutcome.CHOOSE_YEAR
    if not facts.eligible_next_year:
        return SignUpOutcome.CANNOT_SIGN_UP
    if next_mandated:
        return SignUpOutcome.NEXT_YEAR_ONLY_MANDATORY
    return SignUpOutcome.NEXT_YEAR_ONLY_VOLUNTARY


def decide_sign_up(facts: SignUpFacts) -> SignUpDecision:
    """What HMRC's sign-up service will offer, and the words to explain it (see :func:`route`).

    ``exemption_reason`` is worked out from the next year's keys whatever the outcome, as
    HMRC's eligibility service does; only :attr:`SignUpOutcome.CANNOT_SIGN_UP` words use it.
    """
    outcome = route(facts)
    offsets, default_offset = _OFFERS[outcome]
    current = facts.current_year
    reason = exemption_reason_for(facts.reason_keys_next_year)
    return SignUpDecision(
        outcome=outcome,
        years=tuple(current.shift(offset) for offset in offsets),
        default_year=None if default_offset is None else current.shift(default_offset),
        eligible_current_year=facts.eligible_current_year,
        eligible_next_year=facts.eligible_next_year,
        exemption_reason=reason,
        income_sources=facts.qualifying_sources,
        explanation=explain(outcome, reason, current, agent=False),
        agent_explanation=explain(outcome, reason, current, agent=True),
    )


# --- Words -------------------------------------------------------------------------------
#
# Templates take {mtd}, {cy} and {ny} (the years as GOV.UK writes them), {service}, and
# {deadlines_cy} / {deadlines_ny} (the dates that follow from using MTD in that year). They
# must never name a raw ITSA status; tests check every one.

_MTD: Final = "Making Tax Digital for Income Tax"

_PERSON: Final[Mapping[SignUpOutcome, str]] = {
    SignUpOutcome.CHOOSE_YEAR: (
        "You can choose to sign up for {mtd}. You can start in the current tax year ({cy}) "
        "or the next tax year ({ny}). If you start in the current tax year, you will need to "
        "send any quarterly updates you have missed for the year so far. "
        "Sign up in {service}."
    ),
    SignUpOutcome.NEXT_YEAR_MANDATORY: (
        "You must use {mtd} from the next tax year ({ny}). You can choose to start earlier, "
        "in the current tax year ({cy}), or start from the next tax year. {deadlines_ny} "
        "Sign up in {service}."
    ),
    SignUpOutcome.MANDATORY_CURRENT_YEAR: (
        "You must use {mtd} now, from the current tax year ({cy}). {deadlines_cy} "
        "Sign up in {service}."
    ),
    SignUpOutcome.NEXT_YEAR_ONLY_VOLUNTARY: (
        "You can choose to sign up for {mtd} from the next tax year ({ny}). You cannot sign "
        "up for the current tax year ({cy}), so send your Self Assessment tax return for it as "
        "usual. Sign up in {service}."
    ),
    SignUpOutcome.NEXT_YEAR_ONLY_MANDATORY: (
        "You must use {mtd} from the next tax year ({ny}). You cannot sign up for the "
        "current tax year ({cy}), so send your Self Assessment tax return for it as usual. "
        "{deadlines_ny} Sign up in {service}."
    ),
    SignUpOutcome.CURRENT_YEAR_ONLY_VOLUNTARY: (
        "You can choose to sign up for {mtd} in the current tax year ({cy}) only: you cannot "
        "choose to start from the next tax year ({ny}). If you sign up, you will need to send "
        "any quarterly updates you have missed for the year so far. Sign up in {service}."
    ),
    SignUpOutcome.NO_QUALIFYING_INCOME: (
        "{mtd} is for sole traders and landlords: people with income from self-employment or "
        "from UK or foreign property. Income from a partnership stays on your Self Assessment "
        "tax return, so you do not need to sign up. If you start working for yourself or "
        "letting property, you can sign up in {service}."
    ),
}

_PERSON_CANNOT: Final[Mapping[ExemptionReason | None, str]] = {
    ExemptionReason.DIGITALLY_EXEMPT: (
        "You have an exemption from {mtd} (a digital exemption), so you do not need to use it "
        "and cannot sign up. Keep sending your Self Assessment tax return as usual. You can see "
        "your exemption in {service}."
    ),
    ExemptionReason.MTD_EXEMPT_ENDURING: (
        "You are exempt from {mtd}, so you do not need to use it and cannot sign up. Keep "
        "sending your Self Assessment tax return as usual. If your circumstances change, you "
        "can check again in {service}."
    ),
    ExemptionReason.MTD_EXEMPT_26_27: (
        "You are exempt from {mtd} at least until April 2027, so you do not need to use it "
        "and cannot sign up yet. Keep sending your Self Assessment tax return as usual. You "
        "can check again later in {service}."
    ),
    ExemptionReason.NO_DATA: (
        "You cannot sign up for {mtd} if you have not sent a Self Assessment tax return in "
        "the last 2 years, have never sent one, or are insolvent. Once you have sent a tax "
        "return, you can check again in {service}."
    ),
    None: (
        "You cannot sign up for {mtd} at the moment. Keep sending your Self Assessment tax "
        "return as usual. You can check again later in {service}."
    ),
}

_AGENT: Final[Mapping[SignUpOutcome, str]] = {
    SignUpOutcome.CHOOSE_YEAR: (
        "Your client can choose to sign up for {mtd}. They can start in the current tax year "
        "({cy}) or the next tax year ({ny}). If they start in the current tax year, they will "
        "need to send any quarterly updates missed for the year so far. Sign your client up "
        "in {service} for agents."
    ),
    SignUpOutcome.NEXT_YEAR_MANDATORY: (
        "Your client must use {mtd} from the next tax year ({ny}). They can choose to start "
        "earlier, in the current tax year ({cy}), or start from the next tax year. "
        "{deadlines_ny} Sign your client up in {service} for agents."
    ),
    SignUpOutcome.MANDATORY_CURRENT_YEAR: (
        "Your client must use {mtd} now, from the current tax year ({cy}). {deadlines_cy} "
        "Sign your client up in {service} for agents."
    ),
    SignUpOutcome.NEXT_YEAR_ONLY_VOLUNTARY: (
        "Your client can choose to sign up for {mtd} from the next tax year ({ny}). They "
        "cannot sign up for the current tax year ({cy}), so their Self Assessment tax return "
        "for it is sent as usual. Sign your client up in {service} for agents."
    ),
    SignUpOutcome.NEXT_YEAR_ONLY_MANDATORY: (
        "Your client must use {mtd} from the next tax year ({ny}). They cannot sign up for "
        "the current tax year ({cy}), so their Self Assessment tax return for it is sent as "
        "usual. {deadlines_ny} Sign your client up in {service} for agents."
    ),
    SignUpOutcome.CURRENT_YEAR_ONLY_VOLUNTARY: (
        "Your client can choose to sign up for {mtd} in the current tax year ({cy}) only: "
        "they cannot choose to start from the next tax year ({ny}). If they sign up, they will "
        "need to send any quarterly updates missed for the year so far. Sign your client up "
        "in {service} for agents."
    ),
    SignUpOutcome.NO_QUALIFYING_INCOME: (
        "{mtd} is for sole traders and landlords: people with income from self-employment or "
        "from UK or foreign property. Income from a partnership stays on your client's Self "
        "Assessment tax return, so your client does not need to sign up. If they start "
        "working for themselves or letting property, you can sign them up in {service} for "
        "agents."
    ),
}

_AGENT_CANNOT: Final[Mapping[ExemptionReason | None, str]] = {
    ExemptionReason.DIGITALLY_EXEMPT: (
        "Your client has an exemption from {mtd} (a digital exemption), so they do not need "
        "to use it and cannot be signed up. Their Self Assessment tax return is sent as usual. "
        "You can check their position in {service} for agents."
    ),
    ExemptionReason.MTD_EXEMPT_ENDURING: (
        "Your client is exempt from {mtd}, so they do not need to use it and cannot be "
        "signed up. Their Self Assessment tax return is sent as usual. If their circumstances "
        "change, you can check again in {service} for agents."
    ),
    ExemptionReason.MTD_EXEMPT_26_27: (
        "Your client is exempt from {mtd} at least until April 2027, so they do not need to "
        "use it and cannot be signed up yet. Their Self Assessment tax return is sent as "
        "usual. You can check again later in {service} for agents."
    ),
    ExemptionReason.NO_DATA: (
        "Your client cannot be signed up for {mtd} if they have not sent a Self Assessment "
        "tax return in the last 2 years, have never sent one, or are insolvent. Once they have "
        "sent a tax return, you can check again in {service} for agents."
    ),
    None: (
        "Your client cannot be signed up for {mtd} at the moment. Their Self Assessment tax "
        "return is sent as usual. You can check again later in {service} for agents."
    ),
}


def deadlines_sentence(tax_year: TaxYear) -> str:
    """The dates that follow from using MTD in ``tax_year`` (business rules §1.5, §3.2)."""
    start, end = tax_year.start_year, tax_year.end_year
    return (
        f"For the tax year {tax_year.label()}, quarterly updates are due by 7 August {start}, "
        f"7 November {start}, 7 February {end} and 7 May {end}, and the tax return and "
        f"payment by 31 January {end + 1}."
    )


def explain(
    outcome: SignUpOutcome,
    exemption_reason: ExemptionReason | None,
    current_year: TaxYear,
    *,
    agent: bool,
) -> str:
    """The words for an outcome, for the person or (``agent=True``) for their agent.

    ``exemption_reason`` chooses the words only for :attr:`SignUpOutcome.CANNOT_SIGN_UP`.
    """
    if outcome is SignUpOutcome.CANNOT_SIGN_UP:
        template = (_AGENT_CANNOT if agent else _PERSON_CANNOT)[exemption_reason]
    else:
        template = (_AGENT if agent else _PERSON)[outcome]
    following = current_year.next
    return template.format(
        cy=current_year.label(),
        ny=following.label(),
        mtd=_MTD,
        service=HMRC_SIGN_UP_SERVICE,
        deadlines_cy=deadlines_sentence(current_year),
        deadlines_ny=deadlines_sentence(following),
    )
