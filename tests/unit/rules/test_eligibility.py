"""Sign-up eligibility: HMRC's routing table, exemption reasons and the words shown."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmtd.rules.eligibility import (
    EXEMPTION_REASON_KEYS,
    HMRC_SIGN_UP_SERVICE,
    EligibilityReasonKey,
    ExemptionReason,
    IncomeSource,
    SignUpDecision,
    SignUpFacts,
    SignUpOutcome,
    deadlines_sentence,
    decide_sign_up,
    exemption_reason_for,
    explain,
    parse_reason_keys,
    route,
)
from openmtd.rules.itsa_status import ItsaStatus
from openmtd.rules.tax_year import TaxYear

Key = EligibilityReasonKey
MANDATED, VOLUNTARY = ItsaStatus.MANDATED, ItsaStatus.VOLUNTARY
CY = TaxYear(2026)
NY = TaxYear(2027)
SOLE_TRADER = frozenset({IncomeSource.SELF_EMPLOYMENT})
BLOCKED = (Key.DEBT_MANAGEMENT,)  # ineligible, but feeds no exemption reason

BANNED = (
    "annual",
    "dormant",
    "no status",
    "mtd mandated",
    "mtd voluntary",
    "mtd exempt",
    "digitally exempt",
)

# Every key in business rules §1.3, spelled exactly as HMRC's eligibility service does.
HMRC_KEYS = (
    "No Data Found",
    "Non-residents",
    "Non-resident Company Landlord",
    "Minister of Religion",
    "Lloyds Underwriter",
    "Averaging Adjustment",
    "Trust Income",
    "Partnership Income",
    "Blind Person's Allowance",
    "Foster Carers",
    "Married Couple's Allowance",
    "Compliance Activity",
    "Debt Management",
    "Budget Payment Plan",
    "Death",
    "Capacitor",
    "Time To Pay",
    "Time To Pay (Self Serve)",
    "Disguised Renumeration Involvement",
    "No Repayment Signal",
    "Outstanding Returns",
    "Enforcement Signal",
    "Collection Priority Signal",
    "Bankrupt - Insolvent",
    "Bankrupt - Voluntary Arrangement",
    "Digitally Exempt",
    "MTD Exempt (Enduring)",
    "MTD Exempt 26/27",
    "MTD Exempt 27/28",
    "MTD Exempt 28/29",
    "Mandation Inhibit 26/27",
    "Mandation Inhibit 27/28",
)

# The §1.3 grouping, written out independently of the module's table.
GROUPS = {
    ExemptionReason.DIGITALLY_EXEMPT: ("Digitally Exempt",),
    ExemptionReason.MTD_EXEMPT_ENDURING: (
        "MTD Exempt (Enduring)",
        "MTD Exempt 28/29",
        "MTD Exempt 27/28",
        "Married Couple's Allowance",
        "Minister of Religion",
        "Lloyds Underwriter",
        "Blind Person's Allowance",
    ),
    ExemptionReason.MTD_EXEMPT_26_27: (
        "MTD Exempt 26/27",
        "Averaging Adjustment",
        "Trust Income",
        "Foster Carers",
        "Non-residents",
    ),
    ExemptionReason.NO_DATA: (
        "No Data Found",
        "Death",
        "Capacitor",
        "Non-resident Company Landlord",
        "Bankrupt - Insolvent",
        "Bankrupt - Voluntary Arrangement",
        "Mandation Inhibit 26/27",
        "Mandation Inhibit 27/28",
    ),
}
GROUPED = {key for keys in GROUPS.values() for key in keys}
UNGROUPED = (*(Key(text) for text in HMRC_KEYS if text not in GROUPED), Key.OTHER)


def facts(
    *,
    sources: frozenset[IncomeSource] = SOLE_TRADER,
    cy_keys: tuple[EligibilityReasonKey, ...] = (),
    ny_keys: tuple[EligibilityReasonKey, ...] = (),
    cy: ItsaStatus = VOLUNTARY,
    ny: ItsaStatus = VOLUNTARY,
) -> SignUpFacts:
    return SignUpFacts(CY, sources, cy_keys, ny_keys, cy, ny)


def assert_clean(text: str) -> None:
    lowered = text.lower()
    for banned in BANNED:
        assert banned not in lowered, (banned, text)
    assert HMRC_SIGN_UP_SERVICE in text


# --- Reason keys ----------------------------------------------------------------------------


def test_every_hmrc_reason_key_is_spelled_exactly() -> None:
    assert [key.value for key in EligibilityReasonKey] == [*HMRC_KEYS, "Other"]


@pytest.mark.parametrize("text", HMRC_KEYS)
def test_parse_reads_each_known_key(text: str) -> None:
    assert EligibilityReasonKey.parse(text).value == text


@pytest.mark.parametrize(
    "text", ["Other", "Something New", "no data found", "Digitally exempt", "", "MTD Exempt"]
)
def test_parse_reads_an_unknown_or_misspelt_key_as_other(text: str) -> None:
    assert EligibilityReasonKey.parse(text) is Key.OTHER


def test_parse_reason_keys_keeps_hmrc_order() -> None:
    assert parse_reason_keys(["Death", "Brand New Key", "Digitally Exempt"]) == (
        Key.DEATH,
        Key.OTHER,
        Key.DIGITALLY_EXEMPT,
    )
    assert parse_reason_keys([]) == ()


# --- Exemption reason -----------------------------------------------------------------------


def test_module_table_matches_the_reference_grouping_in_priority_order() -> None:
    assert list(EXEMPTION_REASON_KEYS) == list(GROUPS)
    for reason, texts in GROUPS.items():
        assert EXEMPTION_REASON_KEYS[reason] == {Key(text) for text in texts}


@pytest.mark.parametrize(
    ("text", "reason"), [(text, reason) for reason, texts in GROUPS.items() for text in texts]
)
def test_each_grouped_key_gives_its_reason(text: str, reason: ExemptionReason) -> None:
    assert exemption_reason_for([Key(text)]) is reason
    # Ungrouped keys alongside change nothing.
    assert exemption_reason_for([*UNGROUPED, Key(text)]) is reason


@pytest.mark.parametrize("key", UNGROUPED)
def test_ungrouped_key_gives_no_reason(key: EligibilityReasonKey) -> None:
    assert exemption_reason_for([key]) is None


def test_no_keys_give_no_reason() -> None:
    assert exemption_reason_for([]) is None
    assert exemption_reason_for(UNGROUPED) is None


def test_priority_across_groups() -> None:
    no_data, exempt_26_27 = Key.NO_DATA_FOUND, Key.FOSTER_CARERS
    enduring, digital = Key.LLOYDS_UNDERWRITER, Key.DIGITALLY_EXEMPT
    # Lowest priority first in the list, to show list order is not what decides.
    assert exemption_reason_for([no_data, exempt_26_27, enduring, digital]) is (
        ExemptionReason.DIGITALLY_EXEMPT
    )
    assert exemption_reason_for([no_data, exempt_26_27, enduring]) is (
        ExemptionReason.MTD_EXEMPT_ENDURING
    )
    assert exemption_reason_for([no_data, exempt_26_27]) is ExemptionReason.MTD_EXEMPT_26_27
    assert exemption_reason_for([no_data, Key.OTHER]) is ExemptionReason.NO_DATA


@given(st.lists(st.sampled_from(list(EligibilityReasonKey))))
def test_reason_is_the_highest_priority_group_present(keys: list[EligibilityReasonKey]) -> None:
    present = {key.value for key in keys}
    expected = next(
        (reason for reason, texts in GROUPS.items() if present & set(texts)),
        None,
    )
    assert exemption_reason_for(keys) is expected
    assert exemption_reason_for(reversed(keys)) is expected


def test_exemption_reason_values_are_hmrcs() -> None:
    assert [reason.value for reason in ExemptionReason] == [
        "Digitally Exempt",
        "MTD Exempt Enduring",
        "MTD Exempt 26/27",
        "No Data",
    ]


# --- Facts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", [status for status in ItsaStatus if status not in (MANDATED, VOLUNTARY)]
)
def test_facts_refuse_a_current_year_status_hmrc_never_gives_at_sign_up(
    status: ItsaStatus,
) -> None:
    with pytest.raises(ValueError, match="current year's mandation status"):
        facts(cy=status)


@pytest.mark.parametrize(
    "status", [status for status in ItsaStatus if status not in (MANDATED, VOLUNTARY)]
)
def test_facts_refuse_a_next_year_status_hmrc_never_gives_at_sign_up(status: ItsaStatus) -> None:
    with pytest.raises(ValueError, match="next year's mandation status"):
        facts(ny=status)


def test_facts_store_immutable_hashable_copies() -> None:
    built = SignUpFacts(
        CY,
        {IncomeSource.UK_PROPERTY},  # type: ignore[arg-type]
        [Key.DEATH],  # type: ignore[arg-type]
        [],  # type: ignore[arg-type]
        VOLUNTARY,
        MANDATED,
    )
    assert built.income_sources == frozenset({IncomeSource.UK_PROPERTY})
    assert built.reason_keys_current_year == (Key.DEATH,)
    assert built.reason_keys_next_year == ()
    assert hash(built) == hash(
        SignUpFacts(
            CY, frozenset({IncomeSource.UK_PROPERTY}), (Key.DEATH,), (), VOLUNTARY, MANDATED
        )
    )
    assert built.next_year == NY
    assert (built.eligible_current_year, built.eligible_next_year) == (False, True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.current_year = NY  # type: ignore[misc]


def test_partnership_never_qualifies() -> None:
    assert [source for source in IncomeSource if source.qualifies] == [
        IncomeSource.SELF_EMPLOYMENT,
        IncomeSource.UK_PROPERTY,
        IncomeSource.FOREIGN_PROPERTY,
    ]


# --- Routing (business rules §1.2 step 7) --------------------------------------------------


@pytest.mark.parametrize(
    ("cy", "ny", "outcome", "years", "default"),
    [
        # true | Voluntary | Voluntary -> WhenDoYouWantToStart
        (VOLUNTARY, VOLUNTARY, SignUpOutcome.CHOOSE_YEAR, (CY, NY), None),
        # true | Voluntary | Mandated -> NextYearMandatorySignUp
        (VOLUNTARY, MANDATED, SignUpOutcome.NEXT_YEAR_MANDATORY, (CY, NY), NY),
        # true | Mandated | any -> MandatoryBothSignUp
        (MANDATED, VOLUNTARY, SignUpOutcome.MANDATORY_CURRENT_YEAR, (CY,), CY),
        (MANDATED, MANDATED, SignUpOutcome.MANDATORY_CURRENT_YEAR, (CY,), CY),
    ],
)
def test_routing_when_eligible_both_years(
    cy: ItsaStatus,
    ny: ItsaStatus,
    outcome: SignUpOutcome,
    years: tuple[TaxYear, ...],
    default: TaxYear | None,
) -> None:
    decision = decide_sign_up(facts(cy=cy, ny=ny))
    assert decision.outcome is outcome
    assert decision.years == years
    assert decision.default_year == default
    assert decision.can_sign_up
    assert decision.year_is_forced is (len(years) == 1)
    assert (decision.eligible_current_year, decision.eligible_next_year) == (True, True)
    assert decision.exemption_reason is None


@pytest.mark.parametrize("cy", [MANDATED, VOLUNTARY])
@pytest.mark.parametrize(
    ("ny", "outcome"),
    [
        # false | any | Voluntary -> NonEligibleVoluntary
        (VOLUNTARY, SignUpOutcome.NEXT_YEAR_ONLY_VOLUNTARY),
        # false | any | Mandated -> NonEligibleMandated
        (MANDATED, SignUpOutcome.NEXT_YEAR_ONLY_MANDATORY),
    ],
)
def test_routing_when_eligible_next_year_only(
    cy: ItsaStatus, ny: ItsaStatus, outcome: SignUpOutcome
) -> None:
    decision = decide_sign_up(facts(cy_keys=(Key.OUTSTANDING_RETURNS,), cy=cy, ny=ny))
    assert decision.outcome is outcome
    assert decision.years == (NY,)
    assert decision.default_year == NY
    assert decision.can_sign_up
    assert decision.year_is_forced
    assert (decision.eligible_current_year, decision.eligible_next_year) == (False, True)


@pytest.mark.parametrize("ny", [MANDATED, VOLUNTARY])
def test_mandated_now_is_forced_to_current_year_even_when_next_year_is_ineligible(
    ny: ItsaStatus,
) -> None:
    decision = decide_sign_up(facts(ny_keys=(Key.MTD_EXEMPT_27_28,), cy=MANDATED, ny=ny))
    assert decision.outcome is SignUpOutcome.MANDATORY_CURRENT_YEAR
    assert decision.years == (CY,)
    assert decision.year_is_forced
    assert decision.exemption_reason is ExemptionReason.MTD_EXEMPT_ENDURING


@pytest.mark.parametrize("ny", [MANDATED, VOLUNTARY])
def test_eligible_current_year_only_and_voluntary_offers_current_year_locked(
    ny: ItsaStatus,
) -> None:
    decision = decide_sign_up(facts(ny_keys=(Key.MTD_EXEMPT_27_28,), ny=ny))
    assert decision.outcome is SignUpOutcome.CURRENT_YEAR_ONLY_VOLUNTARY
    assert decision.years == (CY,)
    assert decision.default_year == CY
    assert decision.can_sign_up
    assert decision.year_is_forced
    assert (decision.eligible_current_year, decision.eligible_next_year) == (True, False)
    assert CY.label() in decision.explanation
    assert "missed" in decision.explanation


@pytest.mark.parametrize("cy", [MANDATED, VOLUNTARY])
@pytest.mark.parametrize("ny", [MANDATED, VOLUNTARY])
def test_ineligible_both_years_cannot_sign_up(cy: ItsaStatus, ny: ItsaStatus) -> None:
    decision = decide_sign_up(facts(cy_keys=BLOCKED, ny_keys=BLOCKED, cy=cy, ny=ny))
    assert decision.outcome is SignUpOutcome.CANNOT_SIGN_UP
    assert decision.years == ()
    assert decision.default_year is None
    assert not decision.can_sign_up
    assert not decision.year_is_forced
    assert decision.exemption_reason is None


def test_exemption_reason_comes_from_next_year_keys_only() -> None:
    only_now = decide_sign_up(facts(cy_keys=(Key.DIGITALLY_EXEMPT,), ny_keys=BLOCKED))
    assert only_now.exemption_reason is None
    next_too = decide_sign_up(facts(cy_keys=BLOCKED, ny_keys=(Key.DEATH, Key.DIGITALLY_EXEMPT)))
    assert next_too.exemption_reason is ExemptionReason.DIGITALLY_EXEMPT


def test_partnership_only_has_no_qualifying_income() -> None:
    decision = decide_sign_up(facts(sources=frozenset({IncomeSource.PARTNERSHIP}), cy=MANDATED))
    assert decision.outcome is SignUpOutcome.NO_QUALIFYING_INCOME
    assert decision.income_sources == ()
    assert decision.years == ()
    assert decision.default_year is None
    assert not decision.can_sign_up
    assert "sole traders and landlords" in decision.explanation
    assert "partnership stays on your Self Assessment tax return" in decision.explanation
    assert "do not need to sign up" in decision.explanation
    assert "your client does not need to sign up" in decision.agent_explanation


def test_no_qualifying_income_comes_before_eligibility() -> None:
    decision = decide_sign_up(
        facts(
            sources=frozenset({IncomeSource.PARTNERSHIP}),
            cy_keys=(Key.PARTNERSHIP_INCOME,),
            ny_keys=(Key.DIGITALLY_EXEMPT,),
        )
    )
    assert decision.outcome is SignUpOutcome.NO_QUALIFYING_INCOME
    assert decision.exemption_reason is ExemptionReason.DIGITALLY_EXEMPT
    assert (decision.eligible_current_year, decision.eligible_next_year) == (False, False)


def test_no_sources_at_all_has_no_qualifying_income() -> None:
    decision = decide_sign_up(facts(sources=frozenset()))
    assert decision.outcome is SignUpOutcome.NO_QUALIFYING_INCOME
    assert decision.income_sources == ()
    assert not decision.can_sign_up


def test_partnership_and_sole_trader_route_normally_without_partnership() -> None:
    sources = frozenset(
        {IncomeSource.PARTNERSHIP, IncomeSource.FOREIGN_PROPERTY, IncomeSource.SELF_EMPLOYMENT}
    )
    decision = decide_sign_up(facts(sources=sources, ny=MANDATED))
    assert decision.outcome is SignUpOutcome.NEXT_YEAR_MANDATORY
    assert decision.income_sources == (IncomeSource.SELF_EMPLOYMENT, IncomeSource.FOREIGN_PROPERTY)


def test_route_agrees_with_decide() -> None:
    some = facts(cy_keys=BLOCKED, ny=MANDATED)
    assert route(some) is decide_sign_up(some).outcome is SignUpOutcome.NEXT_YEAR_ONLY_MANDATORY


# --- Words ----------------------------------------------------------------------------------


MUST = (
    SignUpOutcome.NEXT_YEAR_MANDATORY,
    SignUpOutcome.MANDATORY_CURRENT_YEAR,
    SignUpOutcome.NEXT_YEAR_ONLY_MANDATORY,
)


@pytest.mark.parametrize("agent", [False, True])
@pytest.mark.parametrize(
    ("outcome", "year"),
    [
        (SignUpOutcome.NEXT_YEAR_MANDATORY, NY),
        (SignUpOutcome.MANDATORY_CURRENT_YEAR, CY),
        (SignUpOutcome.NEXT_YEAR_ONLY_MANDATORY, NY),
    ],
)
def test_must_sign_up_words_give_the_deadlines(
    outcome: SignUpOutcome, year: TaxYear, agent: bool
) -> None:
    text = explain(outcome, None, CY, agent=agent)
    assert "must use Making Tax Digital for Income Tax" in text
    assert year.label() in text
    assert deadlines_sentence(year) in text
    assert_clean(text)


def test_deadlines_sentence_names_the_dates() -> None:
    assert deadlines_sentence(CY) == (
        "For the tax year 6 April 2026 to 5 April 2027, quarterly updates are due by "
        "7 August 2026, 7 November 2026, 7 February 2027 and 7 May 2027, and the tax return "
        "and payment by 31 January 2028."
    )


@pytest.mark.parametrize("agent", [False, True])
@pytest.mark.parametrize(
    "outcome",
    [
        SignUpOutcome.CHOOSE_YEAR,
        SignUpOutcome.NEXT_YEAR_ONLY_VOLUNTARY,
        SignUpOutcome.CURRENT_YEAR_ONLY_VOLUNTARY,
    ],
)
def test_voluntary_words_offer_a_choice_and_name_both_years(
    outcome: SignUpOutcome, agent: bool
) -> None:
    text = explain(outcome, None, CY, agent=agent)
    assert "can choose to sign up" in text
    assert CY.label() in text
    assert NY.label() in text
    assert "quarterly updates are due" not in text
    assert_clean(text)


@pytest.mark.parametrize(
    ("reason", "phrase"),
    [
        (ExemptionReason.DIGITALLY_EXEMPT, "digital exemption"),
        (ExemptionReason.MTD_EXEMPT_ENDURING, "exempt from Making Tax Digital for Income Tax,"),
        (ExemptionReason.MTD_EXEMPT_26_27, "at least until April 2027"),
        (ExemptionReason.NO_DATA, "in the last 2 years, have never sent one, or are insolvent"),
        (None, "at the moment"),
    ],
)
def test_cannot_sign_up_words_follow_the_exemption_reason(
    reason: ExemptionReason | None, phrase: str
) -> None:
    texts = [
        explain(SignUpOutcome.CANNOT_SIGN_UP, reason, CY, agent=agent) for agent in (False, True)
    ]
    for text in texts:
        assert phrase in text
        assert_clean(text)
    assert texts[1].startswith("Your client")
    others = {
        explain(SignUpOutcome.CANNOT_SIGN_UP, other, CY, agent=False)
        for other in [*ExemptionReason, None]
        if other is not reason
    }
    assert texts[0] not in others


def test_decision_uses_the_exemption_words_when_it_cannot_sign_up() -> None:
    decision = decide_sign_up(facts(cy_keys=BLOCKED, ny_keys=(Key.FOSTER_CARERS,)))
    assert decision.outcome is SignUpOutcome.CANNOT_SIGN_UP
    assert decision.exemption_reason is ExemptionReason.MTD_EXEMPT_26_27
    assert "at least until April 2027" in decision.explanation
    assert "at least until April 2027" in decision.agent_explanation


@pytest.mark.parametrize(
    "outcome", [o for o in SignUpOutcome if o is not SignUpOutcome.CANNOT_SIGN_UP]
)
def test_person_words_say_you_and_agent_words_say_your_client(outcome: SignUpOutcome) -> None:
    person = explain(outcome, None, CY, agent=False)
    agent = explain(outcome, None, CY, agent=True)
    assert "you" in person.lower().split()
    assert "your client" not in person.lower()
    assert "your client" in agent.lower()
    assert f"{HMRC_SIGN_UP_SERVICE} for agents" in agent
    assert_clean(person)
    assert_clean(agent)


def test_explanations_name_the_years_for_the_current_year() -> None:
    later = SignUpFacts(TaxYear(2030), SOLE_TRADER, (), (), VOLUNTARY, VOLUNTARY)
    text = decide_sign_up(later).explanation
    assert "6 April 2030 to 5 April 2031" in text
    assert "6 April 2031 to 5 April 2032" in text


# --- Properties -----------------------------------------------------------------------------

sign_up_facts = st.builds(
    SignUpFacts,
    current_year=st.builds(TaxYear, st.integers(min_value=2010, max_value=2090)),
    income_sources=st.frozensets(st.sampled_from(list(IncomeSource))),
    reason_keys_current_year=st.lists(st.sampled_from(list(EligibilityReasonKey)), max_size=4).map(
        tuple
    ),
    reason_keys_next_year=st.lists(st.sampled_from(list(EligibilityReasonKey)), max_size=4).map(
        tuple
    ),
    status_current_year=st.sampled_from([MANDATED, VOLUNTARY]),
    status_next_year=st.sampled_from([MANDATED, VOLUNTARY]),
)


@given(sign_up_facts)
def test_every_combination_has_a_coherent_decision(given_facts: SignUpFacts) -> None:
    decision = decide_sign_up(given_facts)
    assert isinstance(decision, SignUpDecision)
    assert decision.can_sign_up == bool(decision.years)
    if decision.year_is_forced:
        assert len(decision.years) == 1
        assert decision.default_year == decision.years[0]
    assert decision.default_year is None or decision.default_year in decision.years
    assert set(decision.years) <= {given_facts.current_year, given_facts.current_year.next}
    assert list(decision.years) == sorted(decision.years)
    assert IncomeSource.PARTNERSHIP not in decision.income_sources
    assert set(decision.income_sources) == given_facts.income_sources - {IncomeSource.PARTNERSHIP}
    assert decision.exemption_reason is exemption_reason_for(given_facts.reason_keys_next_year)
    if decision.can_sign_up:
        assert decision.income_sources
    if given_facts.current_year in decision.years:
        assert decision.eligible_current_year
    if given_facts.current_year.next in decision.years:
        assert decision.eligible_next_year
    for text in (decision.explanation, decision.agent_explanation):
        assert_clean(text)
        for year in decision.years:
            assert year.label() in text
