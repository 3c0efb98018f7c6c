"""Agent services: the client's link, copying legacy Self Assessment authorisations, consent."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmtd.rules.agent_services import (
    CLIENT_LINK_PREFIX,
    EMPTY_NAME_SEGMENT,
    LegacySaLink,
    check_client_known_fact,
    client_link_path,
    consent,
    is_client_link_uid,
    legacy_reference_to_copy,
    normalised_agent_name,
)
from openmtd.rules.agents import AgentType, ClientAgents
from openmtd.rules.errors import InvalidIdentifierError, RuleError
from openmtd.rules.identifiers import Postcode

MAIN = AgentType.MAIN
SUPP = AgentType.SUPPORTING
ARN = "TARN0000001"
OTHER_ARN = "BARN1234567"
UID = "ABCD1234"


@pytest.mark.parametrize(
    ("name", "segment"),
    [
        ("Morgan Accountants", "morgan-accountants"),
        ("Morgan & Co. Ltd", "morgan--co-ltd"),
        ("  A-B  ", "--a-b--"),
        ("Zoë's Books 24", "zos-books-24"),
        ("\u212a", EMPTY_NAME_SEGMENT),  # the Kelvin sign lower-cases to an ASCII k: dropped
        ("!!!", EMPTY_NAME_SEGMENT),
        ("", EMPTY_NAME_SEGMENT),
    ],
)
def test_the_agency_name_is_normalised_for_the_link(name: str, segment: str) -> None:
    assert normalised_agent_name(name) == segment


@given(st.text())
def test_a_normalised_name_is_always_a_path_segment(name: str) -> None:
    segment = normalised_agent_name(name)
    assert segment
    assert all(char in "abcdefghijklmnopqrstuvwxyz0123456789-" for char in segment)


def test_the_client_link_is_hmrcs_path() -> None:
    assert client_link_path(UID, "Morgan Accountants") == (
        f"{CLIENT_LINK_PREFIX}/ABCD1234/morgan-accountants/income-tax"
    )
    assert CLIENT_LINK_PREFIX == (
        "/agent-client-relationships/appoint-someone-to-deal-with-HMRC-for-you"
    )


@pytest.mark.parametrize("uid", ["ABCD123", "ABCD12345", "abcd1234", "ABCD0234", "ABCDI234", ""])
def test_a_link_id_is_8_characters_of_the_alphabet(uid: str) -> None:
    assert not is_client_link_uid(uid)
    with pytest.raises(ValueError, match="8 characters"):
        client_link_path(uid, "Morgan")


def test_a_link_id_of_the_alphabet_is_accepted() -> None:
    assert is_client_link_uid("ZZ998877")


# --- copying legacy Self Assessment authorisations ------------------------------------------


def test_an_active_link_to_a_mapped_reference_is_copied() -> None:
    links = [LegacySaLink("SA0002"), LegacySaLink("SA0001")]
    assert (
        legacy_reference_to_copy(
            ClientAgents(), ARN, ["SA0001", "SA0002"], links, already_copied=False
        )
        == "SA0001"
    )


def test_a_ceased_link_or_an_unmapped_reference_is_not_copied() -> None:
    links = [LegacySaLink("SA0001", ceased=True), LegacySaLink("SA0002")]
    assert (
        legacy_reference_to_copy(ClientAgents(), ARN, ["SA0001"], links, already_copied=False)
        is None
    )


def test_a_link_is_copied_only_once() -> None:
    links = [LegacySaLink("SA0001")]
    assert (
        legacy_reference_to_copy(ClientAgents(), ARN, ["SA0001"], links, already_copied=True)
        is None
    )


@pytest.mark.parametrize(
    "agents",
    [
        ClientAgents(main=ARN),
        ClientAgents(supporting=frozenset({ARN})),
        ClientAgents(main=OTHER_ARN),
    ],
)
def test_no_copy_when_the_agency_has_a_role_or_the_client_a_main_agent(
    agents: ClientAgents,
) -> None:
    links = [LegacySaLink("SA0001")]
    assert legacy_reference_to_copy(agents, ARN, ["SA0001"], links, already_copied=False) is None


def test_another_agencys_supporting_role_does_not_stop_a_copy() -> None:
    agents = ClientAgents(supporting=frozenset({OTHER_ARN}))
    links = [LegacySaLink("SA0001")]
    assert (
        legacy_reference_to_copy(agents, ARN, ["SA0001"], links, already_copied=False) == "SA0001"
    )


# --- consent ------------------------------------------------------------------------------


def test_a_new_main_agent_is_told_which_main_agent_it_replaces() -> None:
    told = consent(ClientAgents(main=OTHER_ARN), ARN, MAIN)
    assert told.agent_type is MAIN
    assert told.replaces_main == OTHER_ARN
    assert told.ends_own_role is None
    assert "see your tax calculations" in told.may
    assert told.may_not == ()
    assert told.summary == "You can have only one main agent."


def test_a_supporting_agent_replaces_nobody_and_is_told_what_it_cannot_do() -> None:
    told = consent(ClientAgents(main=OTHER_ARN), ARN, SUPP)
    assert told.replaces_main is None
    assert told.ends_own_role is None
    assert "make your final declaration" in told.may_not
    assert told.summary == "You can have more than one supporting agent."


def test_an_agency_switching_role_is_told_it_loses_the_other() -> None:
    told = consent(ClientAgents(supporting=frozenset({ARN})), ARN, MAIN)
    assert told.ends_own_role is SUPP
    assert told.replaces_main is None
    switched = consent(ClientAgents(main=ARN), ARN, SUPP)
    assert switched.ends_own_role is MAIN
    assert switched.replaces_main is None


def test_accepting_the_role_already_held_ends_nothing() -> None:
    told = consent(ClientAgents(main=ARN), ARN, MAIN)
    assert (told.replaces_main, told.ends_own_role) == (None, None)


# --- the client's known fact -------------------------------------------------------------


def test_a_matching_postcode_passes_and_is_parsed() -> None:
    passed = check_client_known_fact("sw1a2aa", registered=True, postcode_on_record="SW1A 2AA")
    assert passed == Postcode("SW1A 2AA")


def test_a_malformed_postcode_is_refused_before_anything_else() -> None:
    with pytest.raises(InvalidIdentifierError) as raised:
        check_client_known_fact("not a postcode", registered=False, postcode_on_record=None)
    assert raised.value.code == "POSTCODE_FORMAT_INVALID"


def test_a_client_not_registered_for_self_assessment_is_not_found() -> None:
    with pytest.raises(RuleError) as raised:
        check_client_known_fact("SW1A 2AA", registered=False, postcode_on_record="SW1A 2AA")
    assert raised.value.code == "CLIENT_REGISTRATION_NOT_FOUND"


@pytest.mark.parametrize("on_record", ["AB12 3CD", "", None])
def test_another_postcode_or_none_on_record_does_not_match(on_record: str | None) -> None:
    with pytest.raises(RuleError) as raised:
        check_client_known_fact("SW1A 2AA", registered=True, postcode_on_record=on_record)
    assert raised.value.code == "POSTCODE_DOES_NOT_MATCH"
    assert raised.value.wire_message == (
        "The postcode provided does not match HMRC's record for the client."
    )
