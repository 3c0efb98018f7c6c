"""Agents in MTD ITSA: agent types, what each may do, relationships and authorisation requests.

A client has at most one *main* agent (full access) and any number of *supporting* agents
(in-year work only); one agency cannot be both for the same client (hmrc-business-rules.md
§2.2). An agent gets a relationship by sending an authorisation request ("invitation") that the
client accepts within 21 days (§2.4). This module holds those rules as values and pure
functions, so the emulator, the SDK and the agent software all refuse the same things with
HMRC's codes.

ARNs and client ids (a NINO for ITSA) are plain, already-normalised strings here: validating
and normalising them is :mod:`openmtd.rules.identifiers`' job, as is postcode matching.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from openmtd.rules.clock import UK_TIMEZONE, uk_date
from openmtd.rules.errors import WIRE_MESSAGES, RuleError, TransitionNotAllowedError

# HMRC's exact messages for the agent codes, kept with the others in errors.WIRE_MESSAGES.
AGENT_WIRE_MESSAGES: Final[Mapping[str, str]] = MappingProxyType(
    {
        code: WIRE_MESSAGES[code]
        for code in (
            "CLIENT_OR_AGENT_NOT_AUTHORISED",
            "DUPLICATE_AUTHORISATION_REQUEST",
            "ALREADY_AUTHORISED",
            "AGENT_TYPE_NOT_SUPPORTED",
            "NO_RELATIONSHIP",
        )
    }
)

#: How long a client has to answer an authorisation request (ACR ``invitation.expiryDuration``).
INVITATION_VALIDITY: Final = timedelta(days=21)

#: How early before expiry HMRC starts warning the agent that a request is about to lapse.
EXPIRY_WARNING_WINDOW: Final = timedelta(days=5)


def _rule_error(code: str, message: str) -> RuleError:
    return RuleError(code, message, wire_message=AGENT_WIRE_MESSAGES[code])


# --------------------------------------------------------------------------------------------
# Agent types
# --------------------------------------------------------------------------------------------


class AgentType(StrEnum):
    """The two ITSA agent roles, spelt as the Agent Authorisation API's ``agentType``.

    Each role is a separate HMRC service with its own enrolment, invitation-id prefix and ETMP
    auth profile, which is why a role switch is a new relationship, not an edit.
    """

    MAIN = "main"
    SUPPORTING = "supporting"

    @property
    def service(self) -> str:
        """The HMRC service (enrolment key) the role maps to: ``HMRC-MTD-IT`` or ``-SUPP``."""
        return _SERVICES[self]

    @property
    def invitation_id_prefix(self) -> str:
        """The first character of this role's invitation ids: ``A`` main, ``L`` supporting."""
        return _INVITATION_PREFIXES[self]

    @property
    def auth_profile(self) -> str:
        """The ETMP relationship auth profile: ``ALL00001`` main, ``ITSAS001`` supporting."""
        return _AUTH_PROFILES[self]

    @property
    def is_exclusive(self) -> bool:
        """ETMP's ``isExclusiveAgent``: true for main, so a new main replaces the old one."""
        return self is AgentType.MAIN

    @property
    def delegated_auth_rule(self) -> str:
        """The delegated auth rule HMRC's APIs check for this role."""
        return _DELEGATED_AUTH_RULES[self]

    @classmethod
    def parse(cls, text: str | None) -> AgentType:
        """The role for an ``agentType`` value; absent means ``main``, as HMRC's API defaults.

        Raises:
            RuleError: ``AGENT_TYPE_NOT_SUPPORTED`` for any other value.
        """
        if text is None:
            return cls.MAIN
        try:
            return cls(text)
        except ValueError:
            raise _rule_error(
                "AGENT_TYPE_NOT_SUPPORTED",
                f"{text!r} is not an agent type: use 'main' or 'supporting'.",
            ) from None

    @classmethod
    def from_service(cls, service: str) -> AgentType:
        """The role an HMRC service key stands for (``HMRC-MTD-IT`` is main)."""
        for agent_type, agent_service in _SERVICES.items():
            if agent_service == service:
                return agent_type
        raise ValueError(f"{service!r} is not an MTD ITSA agent service")


_SERVICES: Final[Mapping[AgentType, str]] = {
    AgentType.MAIN: "HMRC-MTD-IT",
    AgentType.SUPPORTING: "HMRC-MTD-IT-SUPP",
}
_INVITATION_PREFIXES: Final[Mapping[AgentType, str]] = {
    AgentType.MAIN: "A",
    AgentType.SUPPORTING: "L",
}
_AUTH_PROFILES: Final[Mapping[AgentType, str]] = {
    AgentType.MAIN: "ALL00001",
    AgentType.SUPPORTING: "ITSAS001",
}
_DELEGATED_AUTH_RULES: Final[Mapping[AgentType, str]] = {
    AgentType.MAIN: "mtd-it-auth",
    AgentType.SUPPORTING: "mtd-it-auth-supp",
}


# --------------------------------------------------------------------------------------------
# Permissions per API operation
# --------------------------------------------------------------------------------------------


class Api(StrEnum):
    """The MTD ITSA APIs, named as HMRC's end-to-end service guide names them."""

    SA_INDIVIDUAL_DETAILS = "Self Assessment Individual Details"
    BUSINESS_DETAILS = "Business Details"
    OBLIGATIONS = "Obligations"
    SELF_EMPLOYMENT_BUSINESS = "Self Employment Business"
    PROPERTY_BUSINESS = "Property Business"
    SA_BSAS = "Self Assessment BSAS"
    SA_BISS = "Self Assessment BISS"
    INDIVIDUALS_LOSSES = "Individuals Losses"
    INDIVIDUALS_EXPENSES = "Individuals Expenses"
    INDIVIDUALS_RELIEFS = "Individuals Reliefs"
    OTHER_DEDUCTIONS = "Other Deductions"
    CIS_DEDUCTIONS = "CIS Deductions"
    INDIVIDUAL_CALCULATIONS = "Individual Calculations"
    INDIVIDUALS_INCOME_RECEIVED = "Individuals Income Received"


class Operation(StrEnum):
    """An MTD ITSA API operation whose access depends on the agent's role.

    Coarser than HMRC's endpoint list where every endpoint of a group shares one rule (a
    delete sits with its create-and-amend), finer where HMRC splits an API between roles.
    """

    # Self Assessment Individual Details: all endpoints open to supporting agents.
    RETRIEVE_ITSA_STATUS = "retrieve-itsa-status"
    # Business Details: a subset is open to supporting agents.
    LIST_BUSINESSES = "list-all-businesses"
    RETRIEVE_BUSINESS_DETAILS = "retrieve-business-details"
    AMEND_QUARTERLY_PERIOD_TYPE = "create-amend-quarterly-period-type"
    RETRIEVE_PERIODS_OF_ACCOUNT = "retrieve-periods-of-account"
    AMEND_PERIODS_OF_ACCOUNT = "create-update-periods-of-account"
    RETRIEVE_LATE_ACCOUNTING_DATE_RULE = "retrieve-late-accounting-date-rule"
    DISAPPLY_LATE_ACCOUNTING_DATE_RULE = "disapply-late-accounting-date-rule"
    WITHDRAW_LATE_ACCOUNTING_DATE_RULE = "withdraw-late-accounting-date-rule"
    RETRIEVE_ACCOUNTING_TYPE = "retrieve-accounting-type"
    UPDATE_ACCOUNTING_TYPE = "update-accounting-type"
    # Obligations: all.
    RETRIEVE_INCOME_AND_EXPENDITURE_OBLIGATIONS = "retrieve-income-and-expenditure-obligations"
    RETRIEVE_FINAL_DECLARATION_OBLIGATIONS = "retrieve-final-declaration-obligations"
    # Self Employment Business: all.
    SUBMIT_SELF_EMPLOYMENT_PERIOD = "submit-self-employment-period-summary"
    RETRIEVE_SELF_EMPLOYMENT_PERIOD = "retrieve-self-employment-period-summary"
    AMEND_SELF_EMPLOYMENT_ANNUAL = "create-amend-self-employment-annual-submission"
    RETRIEVE_SELF_EMPLOYMENT_ANNUAL = "retrieve-self-employment-annual-submission"
    # Property Business: all.
    SUBMIT_UK_PROPERTY_PERIOD = "submit-uk-property-period-summary"
    SUBMIT_FOREIGN_PROPERTY_PERIOD = "submit-foreign-property-period-summary"
    RETRIEVE_PROPERTY_PERIOD = "retrieve-property-period-summary"
    AMEND_PROPERTY_ANNUAL = "create-amend-property-annual-submission"
    RETRIEVE_PROPERTY_ANNUAL = "retrieve-property-annual-submission"
    # Self Assessment BSAS and BISS: all.
    TRIGGER_BSAS = "trigger-bsas"
    LIST_BSAS = "list-bsas"
    RETRIEVE_BSAS = "retrieve-bsas"
    SUBMIT_BSAS_ADJUSTMENTS = "submit-bsas-adjustments"
    RETRIEVE_BISS = "retrieve-biss"
    # Individuals Losses: all.
    RETRIEVE_LOSSES = "retrieve-losses"
    AMEND_BROUGHT_FORWARD_LOSSES = "create-amend-brought-forward-losses"
    AMEND_LOSS_CLAIMS = "create-amend-loss-claims"
    # Individuals Expenses: all.
    RETRIEVE_EXPENSES = "retrieve-expenses"
    AMEND_EXPENSES = "create-amend-expenses"
    # Individuals Reliefs: a subset is open to supporting agents.
    RETRIEVE_RELIEF_INVESTMENTS = "retrieve-relief-investments"
    AMEND_RELIEF_INVESTMENTS = "create-amend-relief-investments"
    RETRIEVE_OTHER_RELIEFS = "retrieve-other-reliefs"
    AMEND_OTHER_RELIEFS = "create-amend-other-reliefs"
    RETRIEVE_FOREIGN_RELIEFS = "retrieve-foreign-reliefs"
    AMEND_FOREIGN_RELIEFS = "create-amend-foreign-reliefs"
    RETRIEVE_PENSIONS_RELIEFS = "retrieve-pensions-reliefs"
    AMEND_PENSIONS_RELIEFS = "create-amend-pensions-reliefs"
    RETRIEVE_CHARITABLE_GIVING = "retrieve-charitable-giving"
    AMEND_CHARITABLE_GIVING = "create-amend-charitable-giving"
    # Other Deductions and CIS Deductions: all.
    RETRIEVE_OTHER_DEDUCTIONS = "retrieve-other-deductions"
    AMEND_OTHER_DEDUCTIONS = "create-amend-other-deductions"
    RETRIEVE_CIS_DEDUCTIONS = "retrieve-cis-deductions"
    AMEND_CIS_DEDUCTIONS = "create-amend-cis-deductions"
    # Individual Calculations: main agents only (no calculations, no final declaration).
    TRIGGER_CALCULATION = "trigger-calculation"
    LIST_CALCULATIONS = "list-calculations"
    RETRIEVE_CALCULATION = "retrieve-calculation"
    SUBMIT_FINAL_DECLARATION = "submit-final-declaration"
    # Individuals Income Received: an annual submission for main agents only.
    RETRIEVE_INCOME_RECEIVED = "retrieve-income-received"
    AMEND_INCOME_RECEIVED = "create-amend-income-received"

    @property
    def api(self) -> Api:
        """The HMRC API this operation belongs to."""
        return _OPERATION_RULES[self].api

    @property
    def action(self) -> str:
        """The operation in words, to finish "a supporting agent cannot ..."."""
        return _OPERATION_RULES[self].action

    @property
    def supporting_allowed(self) -> bool:
        """Whether HMRC lets a supporting agent call this operation."""
        return _OPERATION_RULES[self].supporting


@dataclass(frozen=True, slots=True)
class _OperationRule:
    api: Api
    action: str
    supporting: bool


def _rule(api: Api, action: str, *, supporting: bool) -> _OperationRule:
    return _OperationRule(api, action, supporting)


_SAID, _BD, _OBL = Api.SA_INDIVIDUAL_DETAILS, Api.BUSINESS_DETAILS, Api.OBLIGATIONS
_SE, _PB, _RELIEFS = Api.SELF_EMPLOYMENT_BUSINESS, Api.PROPERTY_BUSINESS, Api.INDIVIDUALS_RELIEFS
_CALC = Api.INDIVIDUAL_CALCULATIONS

# One row per operation: its API, its words, and whether a supporting agent may call it. The
# supporting column follows HMRC's end-to-end service guide, "Main and supporting agent access"
# (hmrc-business-rules.md §2.2): whole APIs marked "All" are open; for Business Details and
# Individuals Reliefs only the endpoints the guide names are; everything else is main-only.
_OPERATION_RULES: Final[Mapping[Operation, _OperationRule]] = MappingProxyType(
    {
        Operation.RETRIEVE_ITSA_STATUS: _rule(
            _SAID, "retrieve the client's ITSA status", supporting=True
        ),
        Operation.LIST_BUSINESSES: _rule(_BD, "list the client's businesses", supporting=True),
        Operation.RETRIEVE_BUSINESS_DETAILS: _rule(
            _BD, "retrieve the details of a business", supporting=True
        ),
        Operation.AMEND_QUARTERLY_PERIOD_TYPE: _rule(
            _BD, "set a business's quarterly period type", supporting=True
        ),
        Operation.RETRIEVE_PERIODS_OF_ACCOUNT: _rule(
            _BD, "retrieve a business's periods of account", supporting=True
        ),
        Operation.AMEND_PERIODS_OF_ACCOUNT: _rule(
            _BD, "create or update a business's periods of account", supporting=True
        ),
        Operation.RETRIEVE_LATE_ACCOUNTING_DATE_RULE: _rule(
            _BD, "retrieve a late accounting date rule election", supporting=True
        ),
        Operation.DISAPPLY_LATE_ACCOUNTING_DATE_RULE: _rule(
            _BD, "disapply the late accounting date rule", supporting=True
        ),
        Operation.WITHDRAW_LATE_ACCOUNTING_DATE_RULE: _rule(
            _BD, "withdraw a late accounting date rule election", supporting=True
        ),
        Operation.RETRIEVE_ACCOUNTING_TYPE: _rule(
            _BD, "retrieve a business's accounting type", supporting=False
        ),
        Operation.UPDATE_ACCOUNTING_TYPE: _rule(
            _BD, "change a business's accounting type", supporting=False
        ),
        Operation.RETRIEVE_INCOME_AND_EXPENDITURE_OBLIGATIONS: _rule(
            _OBL, "retrieve the client's quarterly update obligations", supporting=True
        ),
        Operation.RETRIEVE_FINAL_DECLARATION_OBLIGATIONS: _rule(
            _OBL, "retrieve the client's final declaration obligations", supporting=True
        ),
        Operation.SUBMIT_SELF_EMPLOYMENT_PERIOD: _rule(
            _SE, "submit a quarterly update for a self-employment", supporting=True
        ),
        Operation.RETRIEVE_SELF_EMPLOYMENT_PERIOD: _rule(
            _SE, "retrieve a self-employment quarterly update", supporting=True
        ),
        Operation.AMEND_SELF_EMPLOYMENT_ANNUAL: _rule(
            _SE, "submit a self-employment annual submission", supporting=True
        ),
        Operation.RETRIEVE_SELF_EMPLOYMENT_ANNUAL: _rule(
            _SE, "retrieve a self-employment annual submission", supporting=True
        ),
        Operation.SUBMIT_UK_PROPERTY_PERIOD: _rule(
            _PB, "submit a quarterly update for a UK property business", supporting=True
        ),
        Operation.SUBMIT_FOREIGN_PROPERTY_PERIOD: _rule(
            _PB, "submit a quarterly update for a foreign property business", supporting=True
        ),
        Operation.RETRIEVE_PROPERTY_PERIOD: _rule(
            _PB, "retrieve a property business quarterly update", supporting=True
        ),
        Operation.AMEND_PROPERTY_ANNUAL: _rule(
            _PB, "submit a property business annual submission", supporting=True
        ),
        Operation.RETRIEVE_PROPERTY_ANNUAL: _rule(
            _PB, "retrieve a property business annual submission", supporting=True
        ),
        Operation.TRIGGER_BSAS: _rule(
            Api.SA_BSAS, "trigger a business source adjustable summary", supporting=True
        ),
        Operation.LIST_BSAS: _rule(
            Api.SA_BSAS, "list business source adjustable summaries", supporting=True
        ),
        Operation.RETRIEVE_BSAS: _rule(
            Api.SA_BSAS, "retrieve a business source adjustable summary", supporting=True
        ),
        Operation.SUBMIT_BSAS_ADJUSTMENTS: _rule(
            Api.SA_BSAS, "submit accounting adjustments", supporting=True
        ),
        Operation.RETRIEVE_BISS: _rule(
            Api.SA_BISS, "retrieve a business income source summary", supporting=True
        ),
        Operation.RETRIEVE_LOSSES: _rule(
            Api.INDIVIDUALS_LOSSES, "retrieve the client's losses", supporting=True
        ),
        Operation.AMEND_BROUGHT_FORWARD_LOSSES: _rule(
            Api.INDIVIDUALS_LOSSES, "create or amend brought forward losses", supporting=True
        ),
        Operation.AMEND_LOSS_CLAIMS: _rule(
            Api.INDIVIDUALS_LOSSES, "create or amend loss claims", supporting=True
        ),
        Operation.RETRIEVE_EXPENSES: _rule(
            Api.INDIVIDUALS_EXPENSES, "retrieve the client's expenses", supporting=True
        ),
        Operation.AMEND_EXPENSES: _rule(
            Api.INDIVIDUALS_EXPENSES, "create or amend the client's expenses", supporting=True
        ),
        Operation.RETRIEVE_RELIEF_INVESTMENTS: _rule(
            _RELIEFS, "retrieve relief investments", supporting=True
        ),
        Operation.AMEND_RELIEF_INVESTMENTS: _rule(
            _RELIEFS, "create, amend or delete relief investments", supporting=True
        ),
        Operation.RETRIEVE_OTHER_RELIEFS: _rule(
            _RELIEFS, "retrieve other reliefs", supporting=True
        ),
        Operation.AMEND_OTHER_RELIEFS: _rule(
            _RELIEFS, "create, amend or delete other reliefs", supporting=True
        ),
        Operation.RETRIEVE_FOREIGN_RELIEFS: _rule(
            _RELIEFS, "retrieve foreign reliefs", supporting=True
        ),
        Operation.AMEND_FOREIGN_RELIEFS: _rule(
            _RELIEFS, "create, amend or delete foreign reliefs", supporting=True
        ),
        Operation.RETRIEVE_PENSIONS_RELIEFS: _rule(
            _RELIEFS, "retrieve pensions reliefs", supporting=False
        ),
        Operation.AMEND_PENSIONS_RELIEFS: _rule(
            _RELIEFS, "create, amend or delete pensions reliefs", supporting=False
        ),
        Operation.RETRIEVE_CHARITABLE_GIVING: _rule(
            _RELIEFS, "retrieve charitable giving tax relief", supporting=False
        ),
        Operation.AMEND_CHARITABLE_GIVING: _rule(
            _RELIEFS, "create, amend or delete charitable giving tax relief", supporting=False
        ),
        Operation.RETRIEVE_OTHER_DEDUCTIONS: _rule(
            Api.OTHER_DEDUCTIONS, "retrieve other deductions", supporting=True
        ),
        Operation.AMEND_OTHER_DEDUCTIONS: _rule(
            Api.OTHER_DEDUCTIONS, "create, amend or delete other deductions", supporting=True
        ),
        Operation.RETRIEVE_CIS_DEDUCTIONS: _rule(
            Api.CIS_DEDUCTIONS, "retrieve CIS deductions", supporting=True
        ),
        Operation.AMEND_CIS_DEDUCTIONS: _rule(
            Api.CIS_DEDUCTIONS, "create, amend or delete CIS deductions", supporting=True
        ),
        Operation.TRIGGER_CALCULATION: _rule(
            _CALC, "trigger a Self Assessment tax calculation", supporting=False
        ),
        Operation.LIST_CALCULATIONS: _rule(_CALC, "list tax calculations", supporting=False),
        Operation.RETRIEVE_CALCULATION: _rule(_CALC, "view a tax calculation", supporting=False),
        Operation.SUBMIT_FINAL_DECLARATION: _rule(
            _CALC, "make the final declaration (crystallisation)", supporting=False
        ),
        Operation.RETRIEVE_INCOME_RECEIVED: _rule(
            Api.INDIVIDUALS_INCOME_RECEIVED, "retrieve other income received", supporting=False
        ),
        Operation.AMEND_INCOME_RECEIVED: _rule(
            Api.INDIVIDUALS_INCOME_RECEIVED,
            "create, amend or delete an annual income submission",
            supporting=False,
        ),
    }
)

#: Everything a supporting agent may do; a main agent may do every :class:`Operation`.
SUPPORTING_AGENT_OPERATIONS: Final[frozenset[Operation]] = frozenset(
    operation for operation, rule in _OPERATION_RULES.items() if rule.supporting
)


def agent_may(agent_type: AgentType, operation: Operation) -> bool:
    """Whether an agent in this role may call ``operation`` for a client.

    >>> agent_may(AgentType.SUPPORTING, Operation.SUBMIT_SELF_EMPLOYMENT_PERIOD)
    True
    >>> agent_may(AgentType.SUPPORTING, Operation.SUBMIT_FINAL_DECLARATION)
    False
    """
    return agent_type is AgentType.MAIN or operation in SUPPORTING_AGENT_OPERATIONS


def require_agent_permission(agent_type: AgentType, operation: Operation) -> None:
    """Refuse an operation the agent's role does not allow, as HMRC's APIs do (403).

    Raises:
        RuleError: ``CLIENT_OR_AGENT_NOT_AUTHORISED`` for a supporting agent calling a
            main-only operation.
    """
    if not agent_may(agent_type, operation):
        raise _rule_error(
            "CLIENT_OR_AGENT_NOT_AUTHORISED",
            f"A supporting agent cannot {operation.action}. "
            "The client's main agent, or the client, must do this.",
        )


# --------------------------------------------------------------------------------------------
# Relationships
# --------------------------------------------------------------------------------------------


class EndedBy(StrEnum):
    """Who ended a relationship: the ``relationshipEndedBy`` HMRC records on the invitation."""

    AGENT = "Agent"
    CLIENT = "Client"
    HMRC = "HMRC"


@dataclass(frozen=True, slots=True)
class EndedRelationship:
    """A relationship that a change ended, so callers can de-authorise its invitation too."""

    arn: str
    agent_type: AgentType
    ended_by: EndedBy


@dataclass(frozen=True, slots=True)
class ClientAgents:
    """The ITSA agents one client has authorised: at most one main, any number supporting.

    Immutable: every change returns a new value with the relationships it ended, because
    ending one (the old main agent, or the same agency's other role) has side effects the
    caller must carry out (de-authorising invitations, removing enrolment allocations).
    """

    main: str | None = None
    supporting: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.main is not None and self.main in self.supporting:
            raise ValueError(f"{self.main} cannot be both main and supporting agent")

    def role_of(self, arn: str) -> AgentType | None:
        """The role ``arn`` holds for this client, or None when it holds none."""
        if arn == self.main:
            return AgentType.MAIN
        if arn in self.supporting:
            return AgentType.SUPPORTING
        return None

    def authorise(
        self, arn: str, agent_type: AgentType
    ) -> tuple[ClientAgents, tuple[EndedRelationship, ...]]:
        """Give ``arn`` the role ``agent_type``, as the client's acceptance does.

        The agency's other role for this client ends first (an agent cannot be both); a new
        main agent then replaces the old one. The client's acceptance ends both, so both are
        ended by ``Client``. Authorising a role the agency already holds changes nothing.
        """
        current = self.role_of(arn)
        if current is agent_type:
            return self, ()
        ended: list[EndedRelationship] = []
        if current is not None:
            ended.append(EndedRelationship(arn, current, EndedBy.CLIENT))
        supporting = self.supporting - {arn}
        if agent_type is AgentType.SUPPORTING:
            main = None if self.main == arn else self.main
            return ClientAgents(main, supporting | {arn}), tuple(ended)
        if self.main is not None:
            ended.append(EndedRelationship(self.main, AgentType.MAIN, EndedBy.CLIENT))
        return ClientAgents(arn, supporting), tuple(ended)

    def deauthorise(
        self, arn: str, agent_type: AgentType, ended_by: EndedBy
    ) -> tuple[ClientAgents, EndedRelationship]:
        """End ``arn``'s ``agent_type`` relationship with this client.

        Raises:
            RuleError: ``NO_RELATIONSHIP`` when ``arn`` does not hold that role, which is
                what HMRC's de-authorise endpoint answers.
        """
        if self.role_of(arn) is not agent_type:
            raise _rule_error(
                "NO_RELATIONSHIP",
                f"Agent {arn} is not this client's {agent_type} agent, so there is nothing to end.",
            )
        ended = EndedRelationship(arn, agent_type, ended_by)
        if agent_type is AgentType.MAIN:
            return ClientAgents(None, self.supporting), ended
        return ClientAgents(self.main, self.supporting - {arn}), ended


# --------------------------------------------------------------------------------------------
# Authorisation requests ("invitations")
# --------------------------------------------------------------------------------------------


class InvitationStatus(StrEnum):
    """An authorisation request's status, spelt as HMRC's API and ACR spell it."""

    PENDING = "Pending"
    ACCEPTED = "Accepted"
    REJECTED = "Rejected"
    CANCELLED = "Cancelled"
    EXPIRED = "Expired"
    DEAUTHORISED = "Deauthorised"
    PARTIALAUTH = "Partialauth"


#: Statuses nothing can leave: the request is over and the agent must send a new one.
TERMINAL_STATUSES: Final[frozenset[InvitationStatus]] = frozenset(
    {
        InvitationStatus.REJECTED,
        InvitationStatus.CANCELLED,
        InvitationStatus.EXPIRED,
        InvitationStatus.DEAUTHORISED,
    }
)


class Actor(StrEnum):
    """Who moves an authorisation request: the agent, the client, HMRC or HMRC's scheduler."""

    AGENT = "agent"
    CLIENT = "client"
    HMRC = "HMRC"
    SYSTEM = "system"


_ANY_ENDER: Final = frozenset({Actor.AGENT, Actor.CLIENT, Actor.HMRC})

#: The authorisation request state machine: (from, to) -> who may make that move.
#: Pending is answered by the client (accept, or partial auth before MTD sign-up; reject),
#: withdrawn by the agent (cancel), or lapses by HMRC's scheduler (expire). Partial auth
#: becomes a full acceptance when the client signs up. Either kind of acceptance can be ended
#: by the agent, the client or HMRC. Any move not listed is refused.
INVITATION_TRANSITIONS: Final[
    Mapping[tuple[InvitationStatus, InvitationStatus], frozenset[Actor]]
] = MappingProxyType(
    {
        (InvitationStatus.PENDING, InvitationStatus.ACCEPTED): frozenset({Actor.CLIENT}),
        (InvitationStatus.PENDING, InvitationStatus.PARTIALAUTH): frozenset({Actor.CLIENT}),
        (InvitationStatus.PENDING, InvitationStatus.REJECTED): frozenset({Actor.CLIENT}),
        (InvitationStatus.PENDING, InvitationStatus.CANCELLED): frozenset({Actor.AGENT}),
        (InvitationStatus.PENDING, InvitationStatus.EXPIRED): frozenset({Actor.SYSTEM}),
        (InvitationStatus.PARTIALAUTH, InvitationStatus.ACCEPTED): frozenset({Actor.SYSTEM}),
        (InvitationStatus.ACCEPTED, InvitationStatus.DEAUTHORISED): _ANY_ENDER,
        (InvitationStatus.PARTIALAUTH, InvitationStatus.DEAUTHORISED): _ANY_ENDER,
    }
)


def may_transition(status: InvitationStatus, target: InvitationStatus, actor: Actor) -> bool:
    """Whether ``actor`` may move a request from ``status`` to ``target``.

    >>> may_transition(InvitationStatus.PENDING, InvitationStatus.CANCELLED, Actor.AGENT)
    True
    >>> may_transition(InvitationStatus.PENDING, InvitationStatus.CANCELLED, Actor.CLIENT)
    False
    """
    return actor in INVITATION_TRANSITIONS.get((status, target), frozenset())


_ENDER_ACTORS: Final[Mapping[EndedBy, Actor]] = {
    EndedBy.AGENT: Actor.AGENT,
    EndedBy.CLIENT: Actor.CLIENT,
    EndedBy.HMRC: Actor.HMRC,
}

# Why a request in each status cannot make a move, and what to do instead.
_STATUS_EXPLANATIONS: Final[Mapping[InvitationStatus, str]] = {
    InvitationStatus.PENDING: "is still waiting for the client's answer",
    InvitationStatus.ACCEPTED: "has already been accepted by the client",
    InvitationStatus.PARTIALAUTH: (
        "has already been accepted by the client (who has not signed up for MTD yet)"
    ),
    InvitationStatus.REJECTED: (
        "was rejected by the client; the agent can send a new authorisation request"
    ),
    InvitationStatus.CANCELLED: (
        "was cancelled by the agent; the agent can send a new authorisation request"
    ),
    InvitationStatus.DEAUTHORISED: (
        "belongs to an authorisation that has ended; the agent can send a new request"
    ),
}


def _aware(name: str, instant: datetime) -> None:
    if instant.tzinfo is None:
        raise ValueError(f"{name} must be timezone-aware")


@dataclass(frozen=True, slots=True)
class Invitation:
    """One authorisation request from an agency to a client for one ITSA role.

    Immutable: each move returns a new value, so the emulator stores whatever it is given and
    the rules decide the moves. ``expires_on`` is the UK date 21 days after ``created``: from
    that date the request is Expired, whether or not HMRC's scheduler has marked it yet.
    """

    arn: str
    client_id: str
    agent_type: AgentType
    status: InvitationStatus
    created: datetime
    expires_on: date
    updated: datetime
    relationship_ended_by: EndedBy | None = None

    def __post_init__(self) -> None:
        _aware("created", self.created)
        _aware("updated", self.updated)
        if self.updated < self.created:
            raise ValueError("an invitation cannot be updated before it was created")
        if (
            self.relationship_ended_by is not None
            and self.status is not InvitationStatus.DEAUTHORISED
        ):
            raise ValueError("only a de-authorised invitation records who ended it")

    @classmethod
    def create(cls, arn: str, client_id: str, agent_type: AgentType, now: datetime) -> Invitation:
        """A new Pending request, sent at ``now``."""
        _aware("now", now)
        return cls(
            arn=arn,
            client_id=client_id,
            agent_type=agent_type,
            status=InvitationStatus.PENDING,
            created=now,
            expires_on=uk_date(now) + INVITATION_VALIDITY,
            updated=now,
        )

    @property
    def service(self) -> str:
        """The HMRC service requested (``HMRC-MTD-IT`` or ``HMRC-MTD-IT-SUPP``)."""
        return self.agent_type.service

    def effective_status(self, today: date) -> InvitationStatus:
        """The status as of ``today``: a Pending request on or past its expiry is Expired."""
        if self.status is InvitationStatus.PENDING and self.expires_on <= today:
            return InvitationStatus.EXPIRED
        return self.status

    def is_expired(self, today: date) -> bool:
        """Whether the request has lapsed unanswered by ``today``."""
        return self.effective_status(today) is InvitationStatus.EXPIRED

    def expiry_warning_due(self, today: date) -> bool:
        """Whether ``today`` falls in the 5 days before expiry while the request is Pending.

        HMRC emails the agent a warning in this window (ACR ``findAllForWarningEmail``).
        """
        return (
            self.effective_status(today) is InvitationStatus.PENDING
            and self.expires_on - EXPIRY_WARNING_WINDOW <= today
        )

    def cancel(self, by_arn: str, now: datetime) -> Invitation:
        """The agency withdraws its request.

        Raises:
            TransitionNotAllowedError: ``INVALID_INVITATION_STATUS`` unless the request is
                still Pending and unexpired; otherwise ``NO_PERMISSION_ON_AGENCY`` when
                ``by_arn`` did not send it. The status is checked first, as HMRC does.
        """
        self._require(InvitationStatus.CANCELLED, Actor.AGENT, now, "cancelled")
        if by_arn != self.arn:
            raise TransitionNotAllowedError(
                "NO_PERMISSION_ON_AGENCY",
                f"Agent {by_arn} cannot cancel this authorisation request: another agency sent it.",
            )
        return self._moved(InvitationStatus.CANCELLED, now)

    def accept(self, now: datetime, client_signed_up: bool) -> Invitation:
        """The client accepts: Accepted, or Partialauth while they are not signed up for MTD.

        Raises:
            TransitionNotAllowedError: ``INVALID_INVITATION_STATUS`` unless the request is
                still Pending and unexpired.
        """
        target = InvitationStatus.ACCEPTED if client_signed_up else InvitationStatus.PARTIALAUTH
        self._require(target, Actor.CLIENT, now, "accepted")
        return self._moved(target, now)

    def reject(self, now: datetime) -> Invitation:
        """The client says no.

        Raises:
            TransitionNotAllowedError: ``INVALID_INVITATION_STATUS`` unless the request is
                still Pending and unexpired.
        """
        self._require(InvitationStatus.REJECTED, Actor.CLIENT, now, "rejected")
        return self._moved(InvitationStatus.REJECTED, now)

    def expire(self, today: date, now: datetime | None = None) -> Invitation:
        """HMRC's scheduler lapses a Pending request whose expiry date is on or before today.

        ``updated`` becomes ``now`` when given, else the start of ``today`` in the UK.

        Raises:
            TransitionNotAllowedError: ``INVALID_INVITATION_STATUS`` when the request is not
                Pending or its expiry date is still ahead.
        """
        if self.status is InvitationStatus.PENDING and self.expires_on > today:
            raise TransitionNotAllowedError(
                "INVALID_INVITATION_STATUS",
                f"This authorisation request does not expire until {self.expires_on.isoformat()}.",
            )
        if not may_transition(self.status, InvitationStatus.EXPIRED, Actor.SYSTEM):
            raise self._refusal(self.status, "marked as expired")
        if now is None:
            now = datetime.combine(today, time(), tzinfo=UK_TIMEZONE).astimezone(UTC)
        return self._moved(InvitationStatus.EXPIRED, now)

    def complete_partial_auth(self, now: datetime) -> Invitation:
        """The client has signed up for MTD, so a partial authorisation becomes Accepted.

        Raises:
            TransitionNotAllowedError: ``INVALID_INVITATION_STATUS`` unless Partialauth.
        """
        self._require(InvitationStatus.ACCEPTED, Actor.SYSTEM, now, "completed")
        return self._moved(InvitationStatus.ACCEPTED, now)

    def deauthorise(self, now: datetime, ended_by: EndedBy) -> Invitation:
        """The authorisation this request created has ended; records who ended it.

        Raises:
            TransitionNotAllowedError: ``INVALID_INVITATION_STATUS`` unless Accepted or
                Partialauth.
        """
        self._require(InvitationStatus.DEAUTHORISED, _ENDER_ACTORS[ended_by], now, "ended")
        return replace(
            self._moved(InvitationStatus.DEAUTHORISED, now), relationship_ended_by=ended_by
        )

    def _require(self, target: InvitationStatus, actor: Actor, now: datetime, verb: str) -> None:
        _aware("now", now)
        current = self.effective_status(uk_date(now))
        if not may_transition(current, target, actor):
            raise self._refusal(current, verb)

    def _refusal(self, current: InvitationStatus, verb: str) -> TransitionNotAllowedError:
        if current is InvitationStatus.EXPIRED:
            why = (
                f"expired on {self.expires_on.isoformat()}; the agent can send a new "
                "authorisation request"
            )
        else:
            why = _STATUS_EXPLANATIONS[current]
        return TransitionNotAllowedError(
            "INVALID_INVITATION_STATUS",
            f"This authorisation request cannot be {verb}: it {why}.",
        )

    def _moved(self, status: InvitationStatus, now: datetime) -> Invitation:
        return replace(self, status=status, updated=now)


# --------------------------------------------------------------------------------------------
# New requests
# --------------------------------------------------------------------------------------------


def is_duplicate_request(
    existing: Iterable[Invitation],
    arn: str,
    client_id: str,
    agent_type: AgentType,
    today: date,
) -> bool:
    """Whether ``arn`` already has an unexpired Pending request to this client for this role."""
    return any(
        invitation.arn == arn
        and invitation.client_id == client_id
        and invitation.agent_type is agent_type
        and invitation.effective_status(today) is InvitationStatus.PENDING
        for invitation in existing
    )


def check_new_request(
    existing: Iterable[Invitation],
    client_agents: ClientAgents,
    arn: str,
    client_id: str,
    agent_type: AgentType,
    today: date,
) -> None:
    """Refuse a new authorisation request HMRC would refuse, in HMRC's order.

    Raises:
        RuleError: ``DUPLICATE_AUTHORISATION_REQUEST`` when the same request is still
            awaiting the client; ``ALREADY_AUTHORISED`` when ``arn`` already holds this role.
    """
    if is_duplicate_request(existing, arn, client_id, agent_type, today):
        raise _rule_error(
            "DUPLICATE_AUTHORISATION_REQUEST",
            f"You have already asked this client to authorise you as their {agent_type} "
            "agent and they have not answered yet. Wait for their answer, or cancel that "
            "request first.",
        )
    if client_agents.role_of(arn) is agent_type:
        raise _rule_error(
            "ALREADY_AUTHORISED",
            f"This client has already authorised you as their {agent_type} agent, so there "
            "is no need to ask again.",
        )
