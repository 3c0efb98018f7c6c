"""HMRC's Agent Authorisation API, v1.0 and v2.0 (wire facts §6; HMRC's OAS in
tests/conformance/hmrc-oas/agent-authorisation-1.0): an agency's software asks a client for
authorisation, tracks and cancels its requests, checks a relationship and (v2.0) ends one.

Paths have no context prefix: ``/agents/{arn}/...``. Every endpoint is user-restricted (an
agent's token) with its own scope, and answers Accept faults with the service's own codes
(:func:`.errors.check_accept`), before the token is looked at. Fraud prevention headers are not
required for this API (HMRC's overview), so they are not checked.

- :mod:`.errors`: the codes and messages, the Accept check;
- :mod:`.caller`: who is calling (an agent, its ARN the path's);
- :mod:`.validation`: the request bodies, in HMRC's order;
- :mod:`.requests`: create, list, get, cancel authorisation requests;
- :mod:`.relationships`: check a relationship, de-authorise a client.
"""

from __future__ import annotations

from typing import Final

from openmtd.emulator.apis.agent_authorisation.errors import VERSIONS, accept_check
from openmtd.emulator.platform.gateway import Access, Endpoint

API: Final = "agent-authorisation"
#: v2.0 alone serves de-authorise (HMRC's v1.0 OAS has no such path).
V2_ONLY: Final = frozenset({"2.0"})


def _endpoint(name: str, scope: str, path: str, versions: frozenset[str] = VERSIONS) -> Endpoint:
    return Endpoint(
        api=API,
        versions=versions,
        access=Access.USER,
        scope=scope,
        name=name,
        path=path,
        accept=accept_check(VERSIONS),
    )


CREATE_INVITATION: Final = _endpoint(
    "Create a new authorisation", "write:sent-invitations", "/agents/{arn}/invitations"
)
GET_INVITATIONS: Final = _endpoint(
    "Get all authorisation requests for the last 30 days",
    "read:sent-invitations",
    "/agents/{arn}/invitations",
)
GET_INVITATION: Final = _endpoint(
    "Get an invitation by id", "read:sent-invitations", "/agents/{arn}/invitations/{invitationId}"
)
CANCEL_INVITATION: Final = _endpoint(
    "Cancel an invitation by id",
    "write:cancel-invitations",
    "/agents/{arn}/invitations/{invitationId}",
)
CHECK_RELATIONSHIP: Final = _endpoint(
    "Get Status of a Relationship", "read:check-relationship", "/agents/{arn}/relationships"
)
DEAUTHORISE_CLIENT: Final = _endpoint(
    "De-authorise an existing client relationship",
    "write:relationships",
    "/agents/{arn}/deauthorise-client",
    V2_ONLY,
)
ENDPOINTS: Final = (
    CREATE_INVITATION,
    GET_INVITATIONS,
    GET_INVITATION,
    CANCEL_INVITATION,
    CHECK_RELATIONSHIP,
    DEAUTHORISE_CLIENT,
)
