"""Agents: roles, permissions, relationships and the authorisation request lifecycle."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmtd.rules.agents import (
    AGENT_WIRE_MESSAGES,
    INVITATION_TRANSITIONS,
    SUPPORTING_AGENT_OPERATIONS,
    TERMINAL_STATUSES,
    Actor,
    AgentType,
    Api,
    ClientAgents,
    EndedBy,
    EndedRelationship,
    Invitation,
    InvitationStatus,
    Operation,
    agent_may,
    check_new_request,
    is_duplicate_request,
    may_transition,
    require_agent_permission,
)
from openmtd.rules.errors import WIRE_MESSAGES, RuleError, TransitionNotAllowedError

MAIN = AgentType.MAIN
SUPP = AgentType.SUPPORTING
S = InvitationStatus

ARN = "TARN0000001"
OTHER_ARN = "AARN9999999"
THIRD_ARN = "BARN1234567"
NINO = "AA999999A"
OTHER_NINO = "AB123456C"

# Created 14:00 UK time (BST) on 1 May 2026, so the request expires on 22 May 2026.
CREATED = datetime(2026, 5, 1, 13, 0, tzinfo=UTC)
EXPIRES = date(2026, 5, 22)

DUPLICATE_MESSAGE = (
    "An authorisation request for this service has already been created and is awaiting the "
    "client\u2019s response."
)
ALREADY_AUTHORISED_MESSAGE = (
    "The client has already authorised the agent for this service. The agent does not need ask "
    "the client for this authorisation again."
)


def pending(
    arn: str = ARN, client_id: str = NINO, agent_type: AgentType = MAIN, created: datetime = CREATED
) -> Invitation:
    return Invitation.create(arn, client_id, agent_type, created)


def in_status(status: InvitationStatus, ended_by: EndedBy | None = None) -> Invitation:
    invitation = pending()
    return dataclasses.replace(
        invitation,
        status=status,
        updated=CREATED + timedelta(days=1),
        relationship_ended_by=ended_by,
    )


def day(n: int) -> datetime:
    """Noon UK time, ``n`` days after the request was created."""
    return CREATED + timedelta(days=n, hours=-2)


# ------------------------------------------------------------------------------------------
# Agent types
# ------------------------------------------------------------------------------------------


class TestAgentType:
    @pytest.mark.parametrize(
        ("agent_type", "value", "service", "prefix", "profile", "rule", "exclusive"),
        [
            (MAIN, "main", "HMRC-MTD-IT", "A", "ALL00001", "mtd-it-auth", True),
            (SUPP, "supporting", "HMRC-MTD-IT-SUPP", "L", "ITSAS001", "mtd-it-auth-supp", False),
        ],
    )
    def test_each_role_maps_to_hmrc_service_prefix_and_auth_profile(
        self,
        agent_type: AgentType,
        value: str,
        service: str,
        prefix: str,
        profile: str,
        rule: str,
        exclusive: bool,
    ) -> None:
        assert agent_type.value == value
        assert agent_type.service == service
        assert agent_type.invitation_id_prefix == prefix
        assert agent_type.auth_profile == profile
        assert agent_type.delegated_auth_rule == rule
        assert agent_type.is_exclusive is exclusive
        assert AgentType.from_service(service) is agent_type

    def test_only_two_roles(self) -> None:
        assert {agent_type.value for agent_type in AgentType} == {"main", "supporting"}

    @pytest.mark.parametrize(
        ("text", "expected"), [("main", MAIN), ("supporting", SUPP), (None, MAIN)]
    )
    def test_parse_defaults_to_main_like_hmrc(self, text: str | None, expected: AgentType) -> None:
        assert AgentType.parse(text) is expected

    @pytest.mark.parametrize("text", ["Main", "SUPPORTING", "", "secondary", "supp"])
    def test_parse_refuses_anything_else(self, text: str) -> None:
        with pytest.raises(RuleError) as caught:
            AgentType.parse(text)

        assert caught.value.code == "AGENT_TYPE_NOT_SUPPORTED"
        assert caught.value.wire_message == (
            "The agent type requested is not supported. "
            "Check the API documentation to find which agent types are supported."
        )
        assert "'main' or 'supporting'" in caught.value.message

    @pytest.mark.parametrize("service", ["HMRC-MTD-VAT", "MTD-IT", "hmrc-mtd-it", ""])
    def test_from_service_refuses_other_services(self, service: str) -> None:
        with pytest.raises(ValueError, match="not an MTD ITSA agent service"):
            AgentType.from_service(service)


# ------------------------------------------------------------------------------------------
# Permissions
# ------------------------------------------------------------------------------------------

Op = Operation

# Our own statement of HMRC's table (E2E guide "Main and supporting agent access"), written
# out here rather than read from the module so a wrong row in either shows up.
SUPPORTING_MAY: dict[Operation, bool] = {
    # Self Assessment Individual Details: All.
    Op.RETRIEVE_ITSA_STATUS: True,
    # Business Details: the named subset only.
    Op.LIST_BUSINESSES: True,
    Op.RETRIEVE_BUSINESS_DETAILS: True,
    Op.AMEND_QUARTERLY_PERIOD_TYPE: True,
    Op.RETRIEVE_PERIODS_OF_ACCOUNT: True,
    Op.AMEND_PERIODS_OF_ACCOUNT: True,
    Op.RETRIEVE_LATE_ACCOUNTING_DATE_RULE: True,
    Op.DISAPPLY_LATE_ACCOUNTING_DATE_RULE: True,
    Op.WITHDRAW_LATE_ACCOUNTING_DATE_RULE: True,
    Op.RETRIEVE_ACCOUNTING_TYPE: False,
    Op.UPDATE_ACCOUNTING_TYPE: False,
    # Obligations: All.
    Op.RETRIEVE_INCOME_AND_EXPENDITURE_OBLIGATIONS: True,
    Op.RETRIEVE_FINAL_DECLARATION_OBLIGATIONS: True,
    # Self Employment Business: All.
    Op.SUBMIT_SELF_EMPLOYMENT_PERIOD: True,
    Op.RETRIEVE_SELF_EMPLOYMENT_PERIOD: True,
    Op.AMEND_SELF_EMPLOYMENT_ANNUAL: True,
    Op.RETRIEVE_SELF_EMPLOYMENT_ANNUAL: True,
    # Property Business: All.
    Op.SUBMIT_UK_PROPERTY_PERIOD: True,
    Op.SUBMIT_FOREIGN_PROPERTY_PERIOD: True,
    Op.RETRIEVE_PROPERTY_PERIOD: True,
    Op.AMEND_PROPERTY_ANNUAL: True,
    Op.RETRIEVE_PROPERTY_ANNUAL: True,
    # Self Assessment BSAS and BISS: All.
    Op.TRIGGER_BSAS: True,
    Op.LIST_BSAS: True,
    Op.RETRIEVE_BSAS: True,
    Op.SUBMIT_BSAS_ADJUSTMENTS: True,
    Op.RETRIEVE_BISS: True,
    # Individuals Losses and Expenses: All.
    Op.RETRIEVE_LOSSES: True,
    Op.AMEND_BROUGHT_FORWARD_LOSSES: True,
    Op.AMEND_LOSS_CLAIMS: True,
    Op.RETRIEVE_EXPENSES: True,
    Op.AMEND_EXPENSES: True,
    # Individuals Reliefs: relief investments, other and foreign reliefs only.
    Op.RETRIEVE_RELIEF_INVESTMENTS: True,
    Op.AMEND_RELIEF_INVESTMENTS: True,
    Op.RETRIEVE_OTHER_RELIEFS: True,
    Op.AMEND_OTHER_RELIEFS: True,
    Op.RETRIEVE_FOREIGN_RELIEFS: True,
    Op.AMEND_FOREIGN_RELIEFS: True,
    Op.RETRIEVE_PENSIONS_RELIEFS: False,
    Op.AMEND_PENSIONS_RELIEFS: False,
    Op.RETRIEVE_CHARITABLE_GIVING: False,
    Op.AMEND_CHARITABLE_GIVING: False,
    # Other Deductions and CIS Deductions: All.
    Op.RETRIEVE_OTHER_DEDUCTIONS: True,
    Op.AMEND_OTHER_DEDUCTIONS: True,
    Op.RETRIEVE_CIS_DEDUCTIONS: True,
    Op.AMEND_CIS_DEDUCTIONS: True,
    # Calculations, final declaration (SA filing), other annual submissions: main only.
    Op.TRIGGER_CALCULATION: False,
    Op.LIST_CALCULATIONS: False,
    Op.RETRIEVE_CALCULATION: False,
    Op.SUBMIT_FINAL_DECLARATION: False,
    Op.RETRIEVE_INCOME_RECEIVED: False,
    Op.AMEND_INCOME_RECEIVED: False,
}

ALL_SUPPORTING_APIS = {
    Api.SA_INDIVIDUAL_DETAILS,
    Api.OBLIGATIONS,
    Api.SELF_EMPLOYMENT_BUSINESS,
    Api.PROPERTY_BUSINESS,
    Api.SA_BSAS,
    Api.SA_BISS,
    Api.INDIVIDUALS_LOSSES,
    Api.INDIVIDUALS_EXPENSES,
    Api.OTHER_DEDUCTIONS,
    Api.CIS_DEDUCTIONS,
}
SUBSET_APIS = {Api.BUSINESS_DETAILS, Api.INDIVIDUALS_RELIEFS}
MAIN_ONLY_APIS = {Api.INDIVIDUAL_CALCULATIONS, Api.INDIVIDUALS_INCOME_RECEIVED}


class TestPermissions:
    def test_expected_table_covers_every_operation(self) -> None:
        assert set(SUPPORTING_MAY) == set(Operation)

    @pytest.mark.parametrize("operation", list(Operation))
    def test_main_agent_may_do_everything(self, operation: Operation) -> None:
        assert agent_may(MAIN, operation) is True
        require_agent_permission(MAIN, operation)

    @pytest.mark.parametrize(("operation", "allowed"), list(SUPPORTING_MAY.items()))
    def test_supporting_agent_follows_hmrc_table(self, operation: Operation, allowed: bool) -> None:
        assert agent_may(SUPP, operation) is allowed
        assert operation.supporting_allowed is allowed
        assert (operation in SUPPORTING_AGENT_OPERATIONS) is allowed

    @pytest.mark.parametrize(
        "operation", [operation for operation, allowed in SUPPORTING_MAY.items() if allowed]
    )
    def test_require_lets_supporting_agent_through_where_allowed(
        self, operation: Operation
    ) -> None:
        require_agent_permission(SUPP, operation)  # raises if refused

    @pytest.mark.parametrize(
        "operation", [operation for operation, allowed in SUPPORTING_MAY.items() if not allowed]
    )
    def test_require_refuses_supporting_agent_with_hmrc_403(self, operation: Operation) -> None:
        with pytest.raises(RuleError) as caught:
            require_agent_permission(SUPP, operation)

        error = caught.value
        assert error.code == "CLIENT_OR_AGENT_NOT_AUTHORISED"
        assert error.wire_message == "The client or agent is not authorised"
        assert error.message.startswith(f"A supporting agent cannot {operation.action}.")
        assert "main agent, or the client, must" in error.message

    def test_refusal_names_the_operation_in_words(self) -> None:
        with pytest.raises(RuleError, match=r"cannot make the final declaration"):
            require_agent_permission(SUPP, Operation.SUBMIT_FINAL_DECLARATION)

    @pytest.mark.parametrize("api", sorted(ALL_SUPPORTING_APIS))
    def test_apis_hmrc_lists_as_all_are_wholly_open(self, api: Api) -> None:
        operations = [operation for operation in Operation if operation.api is api]
        assert operations
        assert all(operation.supporting_allowed for operation in operations)

    @pytest.mark.parametrize("api", sorted(SUBSET_APIS))
    def test_apis_hmrc_lists_as_subsets_are_split(self, api: Api) -> None:
        allowed = {op.supporting_allowed for op in Operation if op.api is api}
        assert allowed == {True, False}

    @pytest.mark.parametrize("api", sorted(MAIN_ONLY_APIS))
    def test_other_apis_are_main_only(self, api: Api) -> None:
        operations = [operation for operation in Operation if operation.api is api]
        assert operations
        assert not any(operation.supporting_allowed for operation in operations)

    def test_every_api_is_classified(self) -> None:
        assert set(Api) == ALL_SUPPORTING_APIS | SUBSET_APIS | MAIN_ONLY_APIS

    @pytest.mark.parametrize(
        ("operation", "api"),
        [
            (Op.RETRIEVE_ITSA_STATUS, Api.SA_INDIVIDUAL_DETAILS),
            (Op.LIST_BUSINESSES, Api.BUSINESS_DETAILS),
            (Op.SUBMIT_SELF_EMPLOYMENT_PERIOD, Api.SELF_EMPLOYMENT_BUSINESS),
            (Op.SUBMIT_UK_PROPERTY_PERIOD, Api.PROPERTY_BUSINESS),
            (Op.SUBMIT_FINAL_DECLARATION, Api.INDIVIDUAL_CALCULATIONS),
            (Op.RETRIEVE_CALCULATION, Api.INDIVIDUAL_CALCULATIONS),
            (Op.RETRIEVE_BISS, Api.SA_BISS),
        ],
    )
    def test_operations_belong_to_their_api(self, operation: Operation, api: Api) -> None:
        assert operation.api is api

    def test_every_operation_has_words(self) -> None:
        for operation in Operation:
            assert operation.action
            assert operation.action == operation.action.strip()
            assert not operation.action.endswith(".")


# ------------------------------------------------------------------------------------------
# Relationships
# ------------------------------------------------------------------------------------------


class TestClientAgents:
    def test_starts_with_nobody(self) -> None:
        agents = ClientAgents()

        assert agents.main is None
        assert agents.supporting == frozenset()
        assert agents.role_of(ARN) is None

    def test_refuses_one_agent_in_both_roles(self) -> None:
        with pytest.raises(ValueError, match="both main and supporting"):
            ClientAgents(main=ARN, supporting=frozenset({ARN}))

    def test_first_main_agent_ends_nothing(self) -> None:
        agents, ended = ClientAgents().authorise(ARN, MAIN)

        assert agents == ClientAgents(main=ARN)
        assert agents.role_of(ARN) is MAIN
        assert ended == ()

    def test_new_main_replaces_old_main_ended_by_client(self) -> None:
        agents, ended = ClientAgents(main=ARN).authorise(OTHER_ARN, MAIN)

        assert agents == ClientAgents(main=OTHER_ARN)
        assert agents.role_of(ARN) is None
        assert ended == (EndedRelationship(ARN, MAIN, EndedBy.CLIENT),)

    def test_new_main_leaves_supporting_agents_alone(self) -> None:
        start = ClientAgents(main=ARN, supporting=frozenset({THIRD_ARN}))

        agents, ended = start.authorise(OTHER_ARN, MAIN)

        assert agents == ClientAgents(main=OTHER_ARN, supporting=frozenset({THIRD_ARN}))
        assert ended == (EndedRelationship(ARN, MAIN, EndedBy.CLIENT),)

    def test_many_supporting_agents_alongside_a_main(self) -> None:
        agents = ClientAgents(main=ARN)
        for arn in (OTHER_ARN, THIRD_ARN, "CARN7654321"):
            agents, ended = agents.authorise(arn, SUPP)
            assert ended == ()

        assert agents.main == ARN
        assert agents.supporting == {OTHER_ARN, THIRD_ARN, "CARN7654321"}
        assert agents.role_of(THIRD_ARN) is SUPP

    def test_supporting_to_main_switch_ends_the_supporting_role(self) -> None:
        start = ClientAgents(supporting=frozenset({ARN, THIRD_ARN}))

        agents, ended = start.authorise(ARN, MAIN)

        assert agents == ClientAgents(main=ARN, supporting=frozenset({THIRD_ARN}))
        assert ended == (EndedRelationship(ARN, SUPP, EndedBy.CLIENT),)

    def test_supporting_to_main_switch_also_replaces_the_old_main(self) -> None:
        start = ClientAgents(main=OTHER_ARN, supporting=frozenset({ARN}))

        agents, ended = start.authorise(ARN, MAIN)

        assert agents == ClientAgents(main=ARN)
        assert ended == (
            EndedRelationship(ARN, SUPP, EndedBy.CLIENT),
            EndedRelationship(OTHER_ARN, MAIN, EndedBy.CLIENT),
        )

    def test_main_to_supporting_switch_leaves_no_main(self) -> None:
        start = ClientAgents(main=ARN, supporting=frozenset({THIRD_ARN}))

        agents, ended = start.authorise(ARN, SUPP)

        assert agents == ClientAgents(main=None, supporting=frozenset({ARN, THIRD_ARN}))
        assert agents.role_of(ARN) is SUPP
        assert ended == (EndedRelationship(ARN, MAIN, EndedBy.CLIENT),)

    @pytest.mark.parametrize("agent_type", list(AgentType))
    def test_authorising_a_role_already_held_changes_nothing(self, agent_type: AgentType) -> None:
        start, _ = ClientAgents(main=OTHER_ARN).authorise(ARN, agent_type)
        start, _ = start.authorise(THIRD_ARN, SUPP)

        agents, ended = start.authorise(ARN, agent_type)

        assert agents is start
        assert ended == ()

    @pytest.mark.parametrize("ended_by", list(EndedBy))
    def test_deauthorise_main(self, ended_by: EndedBy) -> None:
        start = ClientAgents(main=ARN, supporting=frozenset({OTHER_ARN}))

        agents, ended = start.deauthorise(ARN, MAIN, ended_by)

        assert agents == ClientAgents(main=None, supporting=frozenset({OTHER_ARN}))
        assert ended == EndedRelationship(ARN, MAIN, ended_by)

    @pytest.mark.parametrize("ended_by", list(EndedBy))
    def test_deauthorise_one_supporting_agent(self, ended_by: EndedBy) -> None:
        start = ClientAgents(main=ARN, supporting=frozenset({OTHER_ARN, THIRD_ARN}))

        agents, ended = start.deauthorise(OTHER_ARN, SUPP, ended_by)

        assert agents == ClientAgents(main=ARN, supporting=frozenset({THIRD_ARN}))
        assert ended == EndedRelationship(OTHER_ARN, SUPP, ended_by)

    @pytest.mark.parametrize(
        ("start", "arn", "agent_type"),
        [
            (ClientAgents(), ARN, MAIN),
            (ClientAgents(), ARN, SUPP),
            (ClientAgents(main=ARN), ARN, SUPP),
            (ClientAgents(supporting=frozenset({ARN})), ARN, MAIN),
            (ClientAgents(main=OTHER_ARN), ARN, MAIN),
        ],
    )
    def test_deauthorise_without_that_relationship_is_no_relationship(
        self, start: ClientAgents, arn: str, agent_type: AgentType
    ) -> None:
        with pytest.raises(RuleError) as caught:
            start.deauthorise(arn, agent_type, EndedBy.AGENT)

        assert caught.value.code == "NO_RELATIONSHIP"
        assert caught.value.wire_message == "The specified relationship does not exist."
        assert arn in caught.value.message

    def test_is_immutable(self) -> None:
        agents = ClientAgents(main=ARN)
        with pytest.raises(dataclasses.FrozenInstanceError):
            agents.main = OTHER_ARN  # type: ignore[misc]


POOL = [ARN, OTHER_ARN, THIRD_ARN, "CARN7654321"]
relationship_steps = st.lists(
    st.tuples(
        st.sampled_from(["authorise", "deauthorise"]),
        st.sampled_from(POOL),
        st.sampled_from(list(AgentType)),
        st.sampled_from(list(EndedBy)),
    ),
    max_size=30,
)


def relationships(agents: ClientAgents) -> set[tuple[str, AgentType]]:
    held = {(arn, SUPP) for arn in agents.supporting}
    if agents.main is not None:
        held.add((agents.main, MAIN))
    return held


@given(relationship_steps)
def test_relationship_invariants_hold_under_any_sequence(
    steps: list[tuple[str, str, AgentType, EndedBy]],
) -> None:
    agents = ClientAgents()
    for action, arn, agent_type, ended_by in steps:
        before = relationships(agents)
        if action == "authorise":
            agents, ended = agents.authorise(arn, agent_type)
            assert agents.role_of(arn) is agent_type
            gone = {(item.arn, item.agent_type) for item in ended}
            assert all(item.ended_by is EndedBy.CLIENT for item in ended)
        elif agents.role_of(arn) is agent_type:
            agents, one = agents.deauthorise(arn, agent_type, ended_by)
            assert one.ended_by is ended_by
            gone = {(one.arn, one.agent_type)}
        else:
            with pytest.raises(RuleError):
                agents.deauthorise(arn, agent_type, ended_by)
            gone = set()
        after = relationships(agents)
        # At most one main, no agency in both roles, and what vanished is what was reported.
        assert agents.main is None or agents.main not in agents.supporting
        assert len({arn for arn, _ in after}) == len(after)
        assert before - after == gone


# ------------------------------------------------------------------------------------------
# Authorisation requests: creation and expiry
# ------------------------------------------------------------------------------------------


class TestInvitationCreation:
    def test_a_new_request_is_pending_for_21_days(self) -> None:
        invitation = pending(agent_type=SUPP)

        assert invitation.status is S.PENDING
        assert invitation.created == CREATED
        assert invitation.updated == CREATED
        assert invitation.expires_on == EXPIRES
        assert invitation.relationship_ended_by is None
        assert invitation.service == "HMRC-MTD-IT-SUPP"
        assert pending().service == "HMRC-MTD-IT"

    @pytest.mark.parametrize(
        ("created", "expires_on"),
        [
            # 22:59 UTC on 5 April is 23:59 BST on 5 April: still 5 April in the UK.
            (datetime(2026, 4, 5, 22, 59, tzinfo=UTC), date(2026, 4, 26)),
            # 23:30 UTC on 5 April is 00:30 BST on 6 April: the new tax year in the UK.
            (datetime(2026, 4, 5, 23, 30, tzinfo=UTC), date(2026, 4, 27)),
            # Winter (GMT): the UTC and UK dates agree.
            (datetime(2026, 1, 10, 23, 30, tzinfo=UTC), date(2026, 1, 31)),
            # The evening before BST starts (29 March 2026) is still GMT...
            (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 4, 18)),
            # ...and the evening after it is BST, a day ahead of UTC at 23:30.
            (datetime(2026, 3, 29, 23, 30, tzinfo=UTC), date(2026, 4, 20)),
            # The evening BST ends (25 October 2026) is GMT again.
            (datetime(2026, 10, 25, 23, 30, tzinfo=UTC), date(2026, 11, 15)),
        ],
    )
    def test_expiry_is_21_days_after_the_uk_date_of_creation(
        self, created: datetime, expires_on: date
    ) -> None:
        assert pending(created=created).expires_on == expires_on

    def test_create_refuses_a_naive_time(self) -> None:
        with pytest.raises(ValueError, match="now must be timezone-aware"):
            Invitation.create(ARN, NINO, MAIN, datetime(2026, 5, 1, 12))

    def test_refuses_a_naive_creation_time(self) -> None:
        with pytest.raises(ValueError, match="created must be timezone-aware"):
            dataclasses.replace(pending(), created=datetime(2026, 5, 1, 12))

    def test_refuses_a_naive_update_time(self) -> None:
        with pytest.raises(ValueError, match="updated must be timezone-aware"):
            dataclasses.replace(pending(), updated=datetime(2026, 5, 1, 12))

    def test_refuses_an_update_before_creation(self) -> None:
        with pytest.raises(ValueError, match="updated before it was created"):
            dataclasses.replace(pending(), updated=CREATED - timedelta(seconds=1))

    @pytest.mark.parametrize("status", sorted(set(InvitationStatus) - {S.DEAUTHORISED}))
    def test_only_a_deauthorised_request_records_who_ended_it(
        self, status: InvitationStatus
    ) -> None:
        with pytest.raises(ValueError, match="only a de-authorised invitation"):
            in_status(status, ended_by=EndedBy.CLIENT)

    def test_a_deauthorised_request_may_lack_who_ended_it(self) -> None:
        assert in_status(S.DEAUTHORISED).relationship_ended_by is None


class TestExpiry:
    @pytest.mark.parametrize(
        ("days_after", "expired"),
        [(0, False), (20, False), (21, True), (22, True), (60, True)],
    )
    def test_boundary_is_the_expiry_date_itself(self, days_after: int, expired: bool) -> None:
        invitation = pending()
        today = date(2026, 5, 1) + timedelta(days=days_after)

        assert invitation.is_expired(today) is expired
        assert invitation.effective_status(today) is (S.EXPIRED if expired else S.PENDING)
        assert invitation.status is S.PENDING

    @pytest.mark.parametrize("status", sorted(set(InvitationStatus) - {S.PENDING}))
    def test_only_pending_requests_lapse(self, status: InvitationStatus) -> None:
        invitation = in_status(status)
        later = EXPIRES + timedelta(days=30)

        assert invitation.effective_status(later) is status
        assert invitation.is_expired(later) is (status is S.EXPIRED)

    def test_accept_on_day_20_succeeds(self) -> None:
        assert pending().accept(day(20), client_signed_up=True).status is S.ACCEPTED

    @pytest.mark.parametrize("days_after", [21, 22])
    def test_accept_from_day_21_is_refused(self, days_after: int) -> None:
        with pytest.raises(TransitionNotAllowedError) as caught:
            pending().accept(day(days_after), client_signed_up=True)

        assert caught.value.code == "INVALID_INVITATION_STATUS"
        assert "expired on 2026-05-22" in caught.value.message
        assert "send a new authorisation request" in caught.value.message

    def test_the_uk_date_decides_not_the_utc_date(self) -> None:
        # 23:30 UTC on 21 May is 00:30 BST on 22 May: the expiry date in the UK.
        late_evening = datetime(2026, 5, 21, 23, 30, tzinfo=UTC)

        with pytest.raises(TransitionNotAllowedError):
            pending().reject(late_evening)
        assert pending().reject(late_evening - timedelta(hours=1)).status is S.REJECTED

    def test_scheduler_expires_a_due_request_at_the_start_of_the_uk_day(self) -> None:
        expired = pending().expire(EXPIRES)

        assert expired.status is S.EXPIRED
        # Midnight BST on 22 May 2026 is 23:00 UTC on 21 May.
        assert expired.updated == datetime(2026, 5, 21, 23, 0, tzinfo=UTC)
        assert expired.expires_on == EXPIRES

    def test_scheduler_records_its_own_run_time_when_given(self) -> None:
        run = datetime(2026, 5, 23, 2, 15, tzinfo=UTC)

        expired = pending().expire(EXPIRES + timedelta(days=1), now=run)

        assert expired.status is S.EXPIRED
        assert expired.updated == run

    def test_scheduler_leaves_a_request_that_is_not_yet_due(self) -> None:
        with pytest.raises(TransitionNotAllowedError) as caught:
            pending().expire(EXPIRES - timedelta(days=1))

        assert caught.value.code == "INVALID_INVITATION_STATUS"
        assert "does not expire until 2026-05-22" in caught.value.message

    @pytest.mark.parametrize(
        ("today", "due"),
        [
            (date(2026, 5, 1), False),
            (date(2026, 5, 16), False),
            (date(2026, 5, 17), True),  # 5 days before expiry
            (date(2026, 5, 21), True),  # the last day it can be accepted
            (date(2026, 5, 22), False),  # expired: the expiry email takes over
            (date(2026, 5, 30), False),
        ],
    )
    def test_expiry_warning_window_is_the_5_days_before_expiry(
        self, today: date, due: bool
    ) -> None:
        assert pending().expiry_warning_due(today) is due

    @pytest.mark.parametrize("status", sorted(set(InvitationStatus) - {S.PENDING}))
    def test_no_expiry_warning_once_answered(self, status: InvitationStatus) -> None:
        assert in_status(status).expiry_warning_due(date(2026, 5, 20)) is False


# ------------------------------------------------------------------------------------------
# Authorisation requests: the state machine
# ------------------------------------------------------------------------------------------

NOW = day(3)
TODAY_LATE = EXPIRES + timedelta(days=1)

# Each move, by name, applied at a time when the request has not lapsed.
MOVES: dict[str, Callable[[Invitation], Invitation]] = {
    "cancel": lambda inv: inv.cancel(ARN, NOW),
    "cancel-by-other": lambda inv: inv.cancel(OTHER_ARN, NOW),
    "accept": lambda inv: inv.accept(NOW, client_signed_up=True),
    "accept-not-signed-up": lambda inv: inv.accept(NOW, client_signed_up=False),
    "reject": lambda inv: inv.reject(NOW),
    "expire": lambda inv: inv.expire(TODAY_LATE),
    "complete-partial-auth": lambda inv: inv.complete_partial_auth(NOW),
    "deauthorise-by-agent": lambda inv: inv.deauthorise(NOW, EndedBy.AGENT),
    "deauthorise-by-client": lambda inv: inv.deauthorise(NOW, EndedBy.CLIENT),
    "deauthorise-by-hmrc": lambda inv: inv.deauthorise(NOW, EndedBy.HMRC),
}

# (status, move) -> the new status, or the code HMRC refuses it with.
DEAUTH = {
    "deauthorise-by-agent": S.DEAUTHORISED,
    "deauthorise-by-client": S.DEAUTHORISED,
    "deauthorise-by-hmrc": S.DEAUTHORISED,
}
EXPECTED_MOVES: dict[InvitationStatus, dict[str, InvitationStatus | str]] = {
    S.PENDING: {
        "cancel": S.CANCELLED,
        "cancel-by-other": "NO_PERMISSION_ON_AGENCY",
        "accept": S.ACCEPTED,
        "accept-not-signed-up": S.PARTIALAUTH,
        "reject": S.REJECTED,
        "expire": S.EXPIRED,
    },
    S.ACCEPTED: dict(DEAUTH),
    S.PARTIALAUTH: {"complete-partial-auth": S.ACCEPTED, **DEAUTH},
    S.REJECTED: {},
    S.CANCELLED: {},
    S.EXPIRED: {},
    S.DEAUTHORISED: {},
}
CASES = [
    (status, move, EXPECTED_MOVES[status].get(move, "INVALID_INVITATION_STATUS"))
    for status in InvitationStatus
    for move in MOVES
]


class TestTransitions:
    @pytest.mark.parametrize(("status", "move", "expected"), CASES)
    def test_every_move_from_every_status(
        self, status: InvitationStatus, move: str, expected: InvitationStatus | str
    ) -> None:
        invitation = in_status(status)
        if isinstance(expected, InvitationStatus):
            moved = MOVES[move](invitation)
            assert moved.status is expected
            assert moved.arn == invitation.arn
            assert moved.client_id == invitation.client_id
            assert moved.created == invitation.created
            assert moved.expires_on == invitation.expires_on
            assert invitation.status is status  # the original is untouched
        else:
            with pytest.raises(TransitionNotAllowedError) as caught:
                MOVES[move](invitation)
            assert caught.value.code == expected
            assert caught.value.wire_message == WIRE_MESSAGES[expected]

    def test_moves_stamp_the_time(self) -> None:
        assert pending().accept(NOW, client_signed_up=True).updated == NOW
        assert pending().cancel(ARN, NOW).updated == NOW
        assert pending().reject(NOW).updated == NOW

    @pytest.mark.parametrize("ended_by", list(EndedBy))
    @pytest.mark.parametrize("status", [S.ACCEPTED, S.PARTIALAUTH])
    def test_deauthorise_records_who_ended_it(
        self, status: InvitationStatus, ended_by: EndedBy
    ) -> None:
        later = day(40)
        ended = in_status(status).deauthorise(later, ended_by)

        assert ended.status is S.DEAUTHORISED
        assert ended.relationship_ended_by is ended_by
        assert ended.updated == later

    def test_partial_auth_completes_on_sign_up(self) -> None:
        partial = pending().accept(NOW, client_signed_up=False)
        signed_up = day(90)

        accepted = partial.complete_partial_auth(signed_up)

        assert partial.status is S.PARTIALAUTH
        assert accepted.status is S.ACCEPTED
        assert accepted.updated == signed_up

    def test_partial_auth_does_not_lapse(self) -> None:
        partial = pending().accept(NOW, client_signed_up=False)

        assert partial.effective_status(EXPIRES + timedelta(days=100)) is S.PARTIALAUTH
        assert partial.complete_partial_auth(day(100)).status is S.ACCEPTED

    def test_another_agency_cannot_cancel(self) -> None:
        with pytest.raises(TransitionNotAllowedError) as caught:
            pending().cancel(OTHER_ARN, NOW)

        assert caught.value.code == "NO_PERMISSION_ON_AGENCY"
        assert OTHER_ARN in caught.value.message

    def test_status_is_checked_before_the_agency_as_hmrc_does(self) -> None:
        with pytest.raises(TransitionNotAllowedError) as caught:
            in_status(S.ACCEPTED).cancel(OTHER_ARN, NOW)

        assert caught.value.code == "INVALID_INVITATION_STATUS"

    @pytest.mark.parametrize(
        ("move", "verb"),
        [
            (lambda inv: inv.cancel(ARN, day(21)), "cancelled"),
            (lambda inv: inv.accept(day(21), client_signed_up=False), "accepted"),
            (lambda inv: inv.reject(day(30)), "rejected"),
        ],
    )
    def test_a_lapsed_request_cannot_be_answered_before_the_scheduler_runs(
        self, move: Callable[[Invitation], Invitation], verb: str
    ) -> None:
        with pytest.raises(TransitionNotAllowedError) as caught:
            move(pending())

        assert caught.value.code == "INVALID_INVITATION_STATUS"
        assert caught.value.message == (
            f"This authorisation request cannot be {verb}: it expired on 2026-05-22; "
            "the agent can send a new authorisation request."
        )

    @pytest.mark.parametrize(
        ("status", "explanation"),
        [
            (S.ACCEPTED, "has already been accepted by the client"),
            (S.PARTIALAUTH, "(who has not signed up for MTD yet)"),
            (S.REJECTED, "was rejected by the client"),
            (S.CANCELLED, "was cancelled by the agent"),
            (S.DEAUTHORISED, "authorisation that has ended"),
            (S.EXPIRED, "expired on 2026-05-22"),
        ],
    )
    def test_refusals_explain_the_status(self, status: InvitationStatus, explanation: str) -> None:
        with pytest.raises(TransitionNotAllowedError) as caught:
            in_status(status).reject(NOW)

        assert explanation in caught.value.message
        assert caught.value.message.startswith("This authorisation request cannot be rejected")

    def test_pending_cannot_be_deauthorised(self) -> None:
        with pytest.raises(TransitionNotAllowedError, match="still waiting for the client"):
            pending().deauthorise(NOW, EndedBy.CLIENT)

    def test_an_expired_request_cannot_be_expired_again(self) -> None:
        with pytest.raises(TransitionNotAllowedError, match="cannot be marked as expired"):
            pending().expire(EXPIRES).expire(TODAY_LATE)

    @pytest.mark.parametrize(
        "move",
        [
            lambda inv: inv.cancel(ARN, datetime(2026, 5, 2, 12)),
            lambda inv: inv.accept(datetime(2026, 5, 2, 12), client_signed_up=True),
            lambda inv: inv.reject(datetime(2026, 5, 2, 12)),
        ],
    )
    def test_moves_refuse_a_naive_time(self, move: Callable[[Invitation], Invitation]) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            move(pending())

    def test_is_immutable(self) -> None:
        invitation = pending()
        with pytest.raises(dataclasses.FrozenInstanceError):
            invitation.status = S.ACCEPTED  # type: ignore[misc]


# Our own statement of the state machine, compared with the module's table cell by cell.
ALLOWED_TRIPLES = {
    (S.PENDING, S.ACCEPTED, Actor.CLIENT),
    (S.PENDING, S.PARTIALAUTH, Actor.CLIENT),
    (S.PENDING, S.REJECTED, Actor.CLIENT),
    (S.PENDING, S.CANCELLED, Actor.AGENT),
    (S.PENDING, S.EXPIRED, Actor.SYSTEM),
    (S.PARTIALAUTH, S.ACCEPTED, Actor.SYSTEM),
    (S.ACCEPTED, S.DEAUTHORISED, Actor.AGENT),
    (S.ACCEPTED, S.DEAUTHORISED, Actor.CLIENT),
    (S.ACCEPTED, S.DEAUTHORISED, Actor.HMRC),
    (S.PARTIALAUTH, S.DEAUTHORISED, Actor.AGENT),
    (S.PARTIALAUTH, S.DEAUTHORISED, Actor.CLIENT),
    (S.PARTIALAUTH, S.DEAUTHORISED, Actor.HMRC),
}


class TestTransitionTable:
    @pytest.mark.parametrize("status", list(InvitationStatus))
    @pytest.mark.parametrize("target", list(InvitationStatus))
    @pytest.mark.parametrize("actor", list(Actor))
    def test_may_transition_matches_the_state_machine(
        self, status: InvitationStatus, target: InvitationStatus, actor: Actor
    ) -> None:
        assert may_transition(status, target, actor) is ((status, target, actor) in ALLOWED_TRIPLES)

    def test_table_constant_lists_exactly_the_allowed_moves(self) -> None:
        flattened = {
            (status, target, actor)
            for (status, target), actors in INVITATION_TRANSITIONS.items()
            for actor in actors
        }
        assert flattened == ALLOWED_TRIPLES

    def test_nothing_leaves_a_terminal_status(self) -> None:
        assert {S.REJECTED, S.CANCELLED, S.EXPIRED, S.DEAUTHORISED} == TERMINAL_STATUSES
        assert not any(status in TERMINAL_STATUSES for status, _ in INVITATION_TRANSITIONS)

    def test_table_is_read_only(self) -> None:
        with pytest.raises(TypeError):
            INVITATION_TRANSITIONS[(S.REJECTED, S.PENDING)] = frozenset({Actor.HMRC})  # type: ignore[index]


# Random lifecycles: (move, days since the last move) from a fresh request.
ACTOR_OF_MOVE: dict[str, Actor] = {
    "cancel": Actor.AGENT,
    "cancel-by-other": Actor.AGENT,
    "accept": Actor.CLIENT,
    "accept-not-signed-up": Actor.CLIENT,
    "reject": Actor.CLIENT,
    "expire": Actor.SYSTEM,
    "complete-partial-auth": Actor.SYSTEM,
    "deauthorise-by-agent": Actor.AGENT,
    "deauthorise-by-client": Actor.CLIENT,
    "deauthorise-by-hmrc": Actor.HMRC,
}


def apply(invitation: Invitation, move: str, when: datetime) -> Invitation:
    today = when.date()
    if move == "cancel":
        return invitation.cancel(ARN, when)
    if move == "cancel-by-other":
        return invitation.cancel(OTHER_ARN, when)
    if move == "accept":
        return invitation.accept(when, client_signed_up=True)
    if move == "accept-not-signed-up":
        return invitation.accept(when, client_signed_up=False)
    if move == "reject":
        return invitation.reject(when)
    if move == "expire":
        return invitation.expire(today, now=when)
    if move == "complete-partial-auth":
        return invitation.complete_partial_auth(when)
    ender = {"deauthorise-by-agent": EndedBy.AGENT, "deauthorise-by-client": EndedBy.CLIENT}
    return invitation.deauthorise(when, ender.get(move, EndedBy.HMRC))


lifecycles = st.lists(
    st.tuples(st.sampled_from(sorted(ACTOR_OF_MOVE)), st.integers(min_value=0, max_value=12)),
    max_size=12,
)


@given(lifecycles)
def test_random_lifecycles_only_make_moves_the_table_allows(
    steps: list[tuple[str, int]],
) -> None:
    invitation = pending()
    when = CREATED
    for move, days in steps:
        when += timedelta(days=days)
        today = when.date()  # 14:00 UK time: the UTC date is the UK date
        before = invitation.effective_status(today)
        try:
            moved = apply(invitation, move, when)
        except TransitionNotAllowedError:
            continue
        # A request in a terminal status (including a lapsed one) never moves again, and the
        # lapsed-but-unmarked request can only be marked Expired.
        assert before not in TERMINAL_STATUSES or (move == "expire" and before is S.EXPIRED)
        assert invitation.status not in TERMINAL_STATUSES
        assert may_transition(invitation.status, moved.status, ACTOR_OF_MOVE[move])
        assert moved.updated == when
        invitation = moved


# ------------------------------------------------------------------------------------------
# New requests: duplicates and existing authorisations
# ------------------------------------------------------------------------------------------


class TestNewRequests:
    def test_wire_messages_are_hmrcs(self) -> None:
        assert AGENT_WIRE_MESSAGES["DUPLICATE_AUTHORISATION_REQUEST"] == DUPLICATE_MESSAGE
        assert AGENT_WIRE_MESSAGES["ALREADY_AUTHORISED"] == ALREADY_AUTHORISED_MESSAGE
        assert "\u2019" in AGENT_WIRE_MESSAGES["DUPLICATE_AUTHORISATION_REQUEST"]

    def test_a_pending_request_for_the_same_role_is_a_duplicate(self) -> None:
        today = date(2026, 5, 10)

        assert is_duplicate_request([pending()], ARN, NINO, MAIN, today) is True
        with pytest.raises(RuleError) as caught:
            check_new_request([pending()], ClientAgents(), ARN, NINO, MAIN, today)

        assert caught.value.code == "DUPLICATE_AUTHORISATION_REQUEST"
        assert caught.value.wire_message == DUPLICATE_MESSAGE
        assert "main agent" in caught.value.message

    @pytest.mark.parametrize(
        ("arn", "client_id", "agent_type"),
        [(OTHER_ARN, NINO, MAIN), (ARN, OTHER_NINO, MAIN), (ARN, NINO, SUPP)],
    )
    def test_a_different_agency_client_or_role_is_not_a_duplicate(
        self, arn: str, client_id: str, agent_type: AgentType
    ) -> None:
        today = date(2026, 5, 10)

        assert is_duplicate_request([pending()], arn, client_id, agent_type, today) is False
        check_new_request([pending()], ClientAgents(), arn, client_id, agent_type, today)

    def test_a_lapsed_request_is_not_a_duplicate_even_before_the_scheduler_runs(self) -> None:
        assert is_duplicate_request([pending()], ARN, NINO, MAIN, EXPIRES - timedelta(1)) is True
        assert is_duplicate_request([pending()], ARN, NINO, MAIN, EXPIRES) is False

    @pytest.mark.parametrize("status", sorted(set(InvitationStatus) - {S.PENDING}))
    def test_an_answered_request_is_not_a_duplicate(self, status: InvitationStatus) -> None:
        assert is_duplicate_request([in_status(status)], ARN, NINO, MAIN, date(2026, 5, 2)) is False

    def test_no_requests_no_duplicate(self) -> None:
        assert is_duplicate_request([], ARN, NINO, MAIN, date(2026, 5, 2)) is False

    def test_duplicate_found_among_many(self) -> None:
        others = [pending(arn=OTHER_ARN), pending(agent_type=SUPP), in_status(S.REJECTED)]

        assert is_duplicate_request(iter([*others, pending()]), ARN, NINO, MAIN, date(2026, 5, 2))
        assert not is_duplicate_request(iter(others), ARN, NINO, MAIN, date(2026, 5, 2))

    @pytest.mark.parametrize(
        ("agents", "agent_type"),
        [
            (ClientAgents(main=ARN), MAIN),
            (ClientAgents(main=OTHER_ARN, supporting=frozenset({ARN})), SUPP),
        ],
    )
    def test_asking_for_a_role_already_held_is_already_authorised(
        self, agents: ClientAgents, agent_type: AgentType
    ) -> None:
        with pytest.raises(RuleError) as caught:
            check_new_request([], agents, ARN, NINO, agent_type, date(2026, 5, 2))

        assert caught.value.code == "ALREADY_AUTHORISED"
        assert caught.value.wire_message == ALREADY_AUTHORISED_MESSAGE
        assert f"{agent_type} agent" in caught.value.message

    @pytest.mark.parametrize(
        ("agents", "agent_type"),
        [
            (ClientAgents(main=ARN), SUPP),
            (ClientAgents(supporting=frozenset({ARN})), MAIN),
            (ClientAgents(main=OTHER_ARN), MAIN),
        ],
    )
    def test_asking_to_switch_role_or_replace_another_main_is_allowed(
        self, agents: ClientAgents, agent_type: AgentType
    ) -> None:
        check_new_request([], agents, ARN, NINO, agent_type, date(2026, 5, 2))  # no error

    def test_duplicate_is_reported_before_already_authorised(self) -> None:
        with pytest.raises(RuleError) as caught:
            check_new_request(
                [pending()], ClientAgents(main=ARN), ARN, NINO, MAIN, date(2026, 5, 2)
            )

        assert caught.value.code == "DUPLICATE_AUTHORISATION_REQUEST"
