"""An agent services account's rules beyond the authorisation request itself: the client's
link, copying existing Self Assessment authorisations, and what a client is told before
accepting.

- **The client's link** (business rules §2.4): ``/agent-client-relationships/appoint-someone-
  to-deal-with-HMRC-for-you/{uid}/{normalised-agent-name}/income-tax``, where ``uid`` is 8
  characters per agency from the invitation-id alphabet and the name is lower-cased, spaces
  turned into ``-`` and anything else that is not a letter or digit stripped.
- **Copying existing Self Assessment authorisations** (§2.3): a client's legacy (CESA) agents
  that have not ceased, intersected with the legacy references the agency mapped to its ARN,
  become one main relationship, once; never a supporting one.
- **The client's known fact** (§2.4): an ITSA request names a client registered for Self
  Assessment whose postcode on record matches the one the agent gives.
- **Consent** (§2.2, §2.4): what a main and a supporting agent may do, and which current main
  agent a new main agent replaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from openmtd.rules.agents import AgentType, ClientAgents
from openmtd.rules.errors import RuleError
from openmtd.rules.identifiers import INVITATION_ID_ALPHABET, Postcode, postcodes_match

# --------------------------------------------------------------------------------------------
# The client's link
# --------------------------------------------------------------------------------------------

#: Where every client link starts (ACR ``InvitationLinkService``, business rules §2.4).
CLIENT_LINK_PREFIX: Final = "/agent-client-relationships/appoint-someone-to-deal-with-HMRC-for-you"
#: The link's last segment for MTD Income Tax.
CLIENT_LINK_SERVICE: Final = "income-tax"
#: Characters in an agency's link id, from :data:`INVITATION_ID_ALPHABET`.
CLIENT_LINK_UID_LENGTH: Final = 8
#: The name segment when an agency's name has no ASCII letter or digit at all. openmtd's
#: choice (HMRC's normalisation would leave the segment empty; an empty path segment is not
#: a link a person can follow).
EMPTY_NAME_SEGMENT: Final = "agent"

_UID: Final = re.compile(f"[{INVITATION_ID_ALPHABET}]{{{CLIENT_LINK_UID_LENGTH}}}")
_NOT_NAME: Final = re.compile(r"[^a-z0-9-]")


def is_client_link_uid(text: str) -> bool:
    """Whether ``text`` is shaped as an agency's link id (8 characters of the alphabet)."""
    return _UID.fullmatch(text) is not None


def normalised_agent_name(agency_name: str) -> str:
    """The agency's name as its client link writes it (business rules §2.4).

    >>> normalised_agent_name("Morgan & Co Accountants")
    'morgan--co-accountants'
    """
    lowered = "".join(char.lower() if char.isascii() else char for char in agency_name)
    segment = _NOT_NAME.sub("", lowered.replace(" ", "-"))
    return segment or EMPTY_NAME_SEGMENT


def client_link_path(uid: str, agency_name: str) -> str:
    """The path of the link an agency sends its clients (the same for every request).

    Raises:
        ValueError: when ``uid`` is not an agency link id.
    """
    if not is_client_link_uid(uid):
        raise ValueError("an agency's link id is 8 characters of the invitation-id alphabet")
    return f"{CLIENT_LINK_PREFIX}/{uid}/{normalised_agent_name(agency_name)}/{CLIENT_LINK_SERVICE}"


# --------------------------------------------------------------------------------------------
# The client's known fact
# --------------------------------------------------------------------------------------------


def check_client_known_fact(
    supplied_postcode: str, *, registered: bool, postcode_on_record: str | None
) -> Postcode:
    """Refuse a request HMRC's known-fact check would refuse, in HMRC's order; the supplied
    postcode, parsed, when it passes.

    Args:
        supplied_postcode: the client's postcode as the agent typed it.
        registered: HMRC holds the client's name and a Self Assessment UTR (§2.4).
        postcode_on_record: the postcode HMRC holds for the client, if any.

    Raises:
        InvalidIdentifierError: ``POSTCODE_FORMAT_INVALID`` for a malformed postcode (a
            format fault comes before any lookup).
        RuleError: ``CLIENT_REGISTRATION_NOT_FOUND`` when the client is not registered;
            ``POSTCODE_DOES_NOT_MATCH`` when the postcodes differ (or none is on record).
    """
    postcode = Postcode.parse(supplied_postcode)
    if not registered:
        raise RuleError(
            "CLIENT_REGISTRATION_NOT_FOUND",
            "We could not find a client registered for Self Assessment with this National "
            "Insurance number. Check the number, or ask your client whether they are "
            "registered for Self Assessment.",
        )
    if not postcode_on_record or not postcodes_match(supplied_postcode, postcode_on_record):
        raise RuleError(
            "POSTCODE_DOES_NOT_MATCH",
            "The postcode does not match the one HMRC holds for this client. Check it with "
            "your client and try again.",
        )
    return postcode


# --------------------------------------------------------------------------------------------
# Copying existing Self Assessment authorisations
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LegacySaLink:
    """One of a client's Self Assessment agents in HMRC's legacy system (CESA).

    ``ceased`` stands for CESA's ``agentCeasedDate``: a ceased link is never copied.
    """

    sa_agent_reference: str
    ceased: bool = False


def legacy_reference_to_copy(
    client_agents: ClientAgents,
    arn: str,
    mapped_references: Iterable[str],
    client_links: Iterable[LegacySaLink],
    *,
    already_copied: bool,
) -> str | None:
    """The legacy SA agent reference whose link becomes ``arn``'s main relationship, or None.

    HMRC (business rules §2.3) keeps the client's links that have not ceased, intersects them
    with the references mapped to the ARN, and copies a match as a main relationship once
    (never supporting). openmtd's choices where HMRC's copy runs only when the agency's own
    check finds nothing: no copy when the agency already holds either role for the client (an
    agency is never both, §2.2), and none when the client has another main agent (a copy
    never replaces the main agent the client chose). The lowest matching reference is
    returned, so the answer does not depend on the order of the inputs.
    """
    if already_copied or client_agents.role_of(arn) is not None:
        return None
    if client_agents.main is not None:
        return None
    mapped = set(mapped_references)
    matches = sorted(
        link.sa_agent_reference
        for link in client_links
        if not link.ceased and link.sa_agent_reference in mapped
    )
    return matches[0] if matches else None


# --------------------------------------------------------------------------------------------
# What the client is told before accepting
# --------------------------------------------------------------------------------------------

# What each role may and may not do, in the words of business rules §2.2 (HMRC's end-to-end
# service guide: a main agent has full access, including the final declaration and the
# calculations; a supporting agent sends in-year updates, but no final declaration, no Self
# Assessment return and no calculations).
_MAY: Final[Mapping[AgentType, tuple[str, ...]]] = MappingProxyType(
    {
        AgentType.MAIN: (
            "deal with all of your Income Tax through Making Tax Digital",
            "send your quarterly updates",
            "make your final declaration and send your tax return",
            "see your tax calculations",
        ),
        AgentType.SUPPORTING: ("send your quarterly updates (in-year updates)",),
    }
)
_MAY_NOT: Final[Mapping[AgentType, tuple[str, ...]]] = MappingProxyType(
    {
        AgentType.MAIN: (),
        AgentType.SUPPORTING: (
            "make your final declaration",
            "send your Self Assessment tax return",
            "see your tax calculations",
        ),
    }
)
_ROLE_SUMMARY: Final[Mapping[AgentType, str]] = MappingProxyType(
    {
        AgentType.MAIN: "You can have only one main agent.",
        AgentType.SUPPORTING: "You can have more than one supporting agent.",
    }
)


@dataclass(frozen=True, slots=True)
class Consent:
    """What accepting one request would mean, for the client to read first.

    ``replaces_main`` is the ARN of the current main agent a new main agent would replace;
    ``ends_own_role`` is the role this agency holds now and would lose (an agency cannot be
    both main and supporting for one client).
    """

    agent_type: AgentType
    may: tuple[str, ...]
    may_not: tuple[str, ...]
    summary: str
    replaces_main: str | None = None
    ends_own_role: AgentType | None = None


def consent(client_agents: ClientAgents, arn: str, agent_type: AgentType) -> Consent:
    """What the client is told before accepting ``arn`` as their ``agent_type`` agent.

    The relationships that would end are the ones :meth:`ClientAgents.authorise` would end,
    so the page and the acceptance cannot disagree.
    """
    _, ended = client_agents.authorise(arn, agent_type)
    replaces = next((end.arn for end in ended if end.arn != arn), None)
    own = next((end.agent_type for end in ended if end.arn == arn), None)
    return Consent(
        agent_type=agent_type,
        may=_MAY[agent_type],
        may_not=_MAY_NOT[agent_type],
        summary=_ROLE_SUMMARY[agent_type],
        replaces_main=replaces,
        ends_own_role=own,
    )
