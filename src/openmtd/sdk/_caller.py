"""Who is signed in behind a client's token, as far as the SDK knows: used to say which of the
usual causes a 403 ``CLIENT_OR_AGENT_NOT_AUTHORISED`` has.

HMRC gives the same code for three different mistakes (wire facts §1.3): the NINO is wrong (or
nobody holds it), the person signed in with a Government Gateway account other than the one
holding their MTD enrolment, or the agent is not authorised by this client (or only as a
supporting agent where a main agent is needed). The client can narrow this down when it was
told who signs in (:class:`Caller`) or has learned it: a successful Agent Authorisation call
proves the token is that agent's, and a relationship check records whether the agent is the
client's main or supporting agent.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import StrEnum

from openmtd.rules.agents import AgentType

__all__ = ["Caller", "CallerKind", "CallerKnowledge", "not_authorised_hint"]


class CallerKind(StrEnum):
    """Whose token a client sends."""

    INDIVIDUAL = "individual"
    ORGANISATION = "organisation"
    AGENT = "agent"


@dataclass(frozen=True, slots=True)
class Caller:
    """Who signs in behind the token, when the software knows (it usually does).

    ``Caller.individual("AA123456A")``, ``Caller.agent("TARN0000001")``.
    """

    kind: CallerKind
    nino: str | None = None
    arn: str | None = None

    @classmethod
    def individual(cls, nino: str | None = None) -> Caller:
        """A person signed in as themselves (``nino``: their own, when known)."""
        return cls(CallerKind.INDIVIDUAL, nino=nino)

    @classmethod
    def organisation(cls, nino: str | None = None) -> Caller:
        """An organisation's sign-in (``nino``: the customer it holds the enrolment for)."""
        return cls(CallerKind.ORGANISATION, nino=nino)

    @classmethod
    def agent(cls, arn: str | None = None) -> Caller:
        """An agent signed in with their agent services account (``arn``)."""
        return cls(CallerKind.AGENT, arn=arn)


class CallerKnowledge:
    """What one client knows about its caller: told at construction, learned from answers.

    Thread-safe: one client may be used from many threads (or tasks).
    """

    def __init__(self, caller: Caller | None = None) -> None:
        self._lock = threading.Lock()
        self._caller = caller
        # (nino, agent type) -> whether the relationship check found it held
        self._relationships: dict[tuple[str, AgentType], bool] = {}

    @property
    def caller(self) -> Caller | None:
        return self._caller

    def learned_agent(self, arn: str) -> None:
        """An Agent Authorisation call for ``arn`` succeeded: the token is that agent's."""
        with self._lock:
            self._caller = Caller.agent(arn)

    def learned_relationship(self, nino: str, agent_type: AgentType, held: bool) -> None:
        with self._lock:
            self._relationships[(_normal(nino), agent_type)] = held

    def held_roles(self, nino: str) -> dict[AgentType, bool]:
        """The roles a relationship check answered for ``nino``: role → held."""
        wanted = _normal(nino)
        with self._lock:
            return {role: held for (n, role), held in self._relationships.items() if n == wanted}


def _normal(nino: str) -> str:
    return nino.replace(" ", "").upper()


def not_authorised_hint(knowledge: CallerKnowledge, nino: str | None) -> str:
    """The hint carried by :class:`~openmtd.sdk.NotAuthorised` for a call about ``nino``."""
    caller = knowledge.caller
    about = f"NINO {nino}" if nino else "this customer"
    if caller is None:
        return (
            f"one of: {about} is wrong or unknown to HMRC; the person signed in with a "
            "Government Gateway account other than the one holding their MTD enrolment; or the "
            "token is an agent's whom the client has not authorised (as main or supporting "
            "agent). Pass caller= to the client for a narrower hint"
        )
    if caller.kind is CallerKind.AGENT:
        agent = f"agent {caller.arn}" if caller.arn else "an agent"
        if not nino:
            return f"the token is {agent}'s and the client has not authorised it for this call"
        roles = knowledge.held_roles(nino)
        if roles.get(AgentType.MAIN):
            return (
                f"the token is {agent}'s, which held a main relationship with {about} when last "
                "checked: it may have ended since; check the relationship again"
            )
        if roles.get(AgentType.SUPPORTING):
            return (
                f"the token is {agent}'s, a supporting agent for {about}: this endpoint may be "
                "for main agents only, or the relationship has ended"
            )
        checked = " (a relationship check found none)" if roles else ""
        return (
            f"the token is {agent}'s and {about} has not authorised it{checked}: send an "
            "authorisation request and have the client accept it, or check the NINO"
        )
    who = "an individual's" if caller.kind is CallerKind.INDIVIDUAL else "an organisation's"
    if caller.nino and nino and _normal(caller.nino) != _normal(nino):
        return (
            f"the token is {who}, signed in as NINO {caller.nino}, not {nino}: a customer can "
            "only read their own records"
        )
    return (
        f"the token is {who}: check {about} is theirs, and that they signed in with the "
        "Government Gateway account holding their MTD enrolment (not another of their accounts)"
    )
