"""An agent signing a client up: client matching, the lockout and the authorisation check."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from openmtd.rules.agent_sign_up import (
    MATCHING_LOCKOUT,
    MAX_FAILED_MATCHES,
    ClientDetails,
    SignUpAuthorisation,
    client_details_match,
    locked_out_until,
    sign_up_authorisation,
)
from openmtd.rules.agents import AgentType
from openmtd.rules.identifiers import Nino

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
RECORD = ClientDetails("Sam", "Patel", Nino("AA123456A"), date(1980, 2, 29))
A = SignUpAuthorisation


def test_the_lockout_is_three_failures_for_a_minute() -> None:
    assert MAX_FAILED_MATCHES == 3
    assert timedelta(seconds=60) == MATCHING_LOCKOUT
    assert locked_out_until(1, NOW) is None
    assert locked_out_until(2, NOW) is None
    assert locked_out_until(3, NOW) == NOW + timedelta(seconds=60)
    assert locked_out_until(4, NOW) == NOW + timedelta(seconds=60)


@pytest.mark.parametrize(
    "supplied",
    [
        RECORD,
        ClientDetails("  sam ", "PATEL", Nino("AA123456A"), date(1980, 2, 29)),
        ClientDetails("Sam", "Patel", Nino("AA123456"), date(1980, 2, 29)),
        ClientDetails("Sam", "Patel", Nino("AA123456D"), date(1980, 2, 29)),
    ],
)
def test_details_that_match(supplied: ClientDetails) -> None:
    assert client_details_match(supplied, RECORD)


def test_names_with_inner_spaces_match_ignoring_how_many() -> None:
    record = ClientDetails("Mary  Ann", "de la Cruz", Nino("AA123456A"), date(1980, 1, 1))
    supplied = ClientDetails("mary ann", "De  La Cruz", Nino("AA123456A"), date(1980, 1, 1))
    assert client_details_match(supplied, record)


@pytest.mark.parametrize(
    "supplied",
    [
        ClientDetails("Samuel", "Patel", Nino("AA123456A"), date(1980, 2, 29)),
        ClientDetails("Sam", "Patil", Nino("AA123456A"), date(1980, 2, 29)),
        ClientDetails("Sam", "Patel", Nino("AA123457A"), date(1980, 2, 29)),
        ClientDetails("Sam", "Patel", Nino("AA123456A"), date(1980, 3, 1)),
    ],
)
def test_details_that_do_not_match(supplied: ClientDetails) -> None:
    assert not client_details_match(supplied, RECORD)


@pytest.mark.parametrize(
    ("signed_up", "role", "utr", "legacy", "partial", "expected"),
    [
        (True, AgentType.MAIN, True, False, False, A.ALREADY_SIGNED_UP),
        (True, AgentType.SUPPORTING, True, True, True, A.ALREADY_SIGNED_UP),
        (True, None, True, True, True, A.NOT_AUTHORISED),
        (False, None, False, True, True, A.NOT_REGISTERED_FOR_SELF_ASSESSMENT),
        (False, None, True, True, False, A.AUTHORISED),
        (False, None, True, False, True, A.AUTHORISED),
        (False, None, True, False, False, A.NOT_AUTHORISED),
    ],
)
def test_the_authorisation_check(
    signed_up: bool,
    role: AgentType | None,
    utr: bool,
    legacy: bool,
    partial: bool,
    expected: SignUpAuthorisation,
) -> None:
    assert (
        sign_up_authorisation(
            client_signed_up=signed_up,
            role=role,
            has_sa_utr=utr,
            legacy_sa_link=legacy,
            partial_auth=partial,
        )
        is expected
    )
