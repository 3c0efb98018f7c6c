"""Relationships through the API: check one (``POST /agents/{arn}/relationships``) and end one
(``PUT /agents/{arn}/deauthorise-client``, v2.0), over the web journeys' records
(:mod:`openmtd.emulator.agents.relationships`, wire facts §6, business rules §2.2, §2.3).

Order of checks, after the platform's: the caller (:func:`.caller.agent_arn`), the body
(:mod:`.validation`), then:

- check: the client's records and known fact (403 ``CLIENT_REGISTRATION_NOT_FOUND``,
  ``POSTCODE_DOES_NOT_MATCH``, the create's checks), then the role asked for (``agentType``,
  main by default): held → 204, else 404 ``RELATIONSHIP_NOT_FOUND``. A relationship counts, and
  so does a partial authorisation (a request the client accepted before signing up; openmtd's
  reading, UNCONFIRMED). For main, a check that finds nothing first copies the client's legacy
  Self Assessment authorisation where one is due (business rules §2.3, ACR's check-and-copy).
- de-authorise: the agency must hold the role for the client (a relationship or a partial
  authorisation), else 403 ``NO_RELATIONSHIP``; then it ends, ended by the ``Agent``, and the
  request behind it becomes ``Deauthorised``: 204.
"""

from __future__ import annotations

from openmtd.emulator.agents import relationships
from openmtd.emulator.agents.clients import find_client, parse_nino
from openmtd.emulator.apis.agent_authorisation import errors
from openmtd.emulator.apis.agent_authorisation.caller import agent_arn
from openmtd.emulator.apis.agent_authorisation.errors import fail, from_rule
from openmtd.emulator.apis.agent_authorisation.validation import client_access
from openmtd.emulator.platform.gateway import ApiResponse, CallContext
from openmtd.rules.agent_services import check_client_known_fact
from openmtd.rules.agents import AgentType, EndedBy
from openmtd.rules.errors import RuleError


def check(ctx: CallContext, path_arn: str, raw: bytes) -> ApiResponse:
    """Whether the agency holds the role for the client: 204, or 404."""
    arn = agent_arn(ctx, path_arn)
    access = client_access(raw, client_type=False)
    if not access.itsa or access.agent_type is None or access.known_fact is None:
        raise fail(errors.CLIENT_REGISTRATION_NOT_FOUND)
    try:
        client = find_client(ctx.tx, parse_nino(access.client_id))
        registered = client is not None and client.sa_utr is not None and bool(client.name)
        check_client_known_fact(
            access.known_fact,
            registered=registered,
            postcode_on_record=client.postcode if client is not None else None,
        )
    except RuleError as error:
        raise from_rule(error) from None
    assert client is not None
    role = access.agent_type
    if _holds(ctx, client.nino, arn, role):
        return ApiResponse(204)
    if role is AgentType.MAIN and client.signed_up:
        relationships.copy_legacy_for_client(ctx.tx, client.nino, ctx.now, first_arn=arn)
        if _holds(ctx, client.nino, arn, role):
            return ApiResponse(204)
    raise fail(errors.RELATIONSHIP_NOT_FOUND)


def _holds(ctx: CallContext, nino: str, arn: str, role: AgentType) -> bool:
    return relationships.client_agents(ctx.tx, nino).role_of(arn) is role


def deauthorise(ctx: CallContext, path_arn: str, raw: bytes) -> ApiResponse:
    """End the agency's role for the client: 204, or 403 ``NO_RELATIONSHIP``."""
    arn = agent_arn(ctx, path_arn)
    access = client_access(raw, known_fact=False)
    if not access.itsa or access.agent_type is None:
        raise fail(errors.NO_RELATIONSHIP)
    client = find_client(ctx.tx, parse_nino(access.client_id))
    if client is None:
        raise fail(errors.NO_RELATIONSHIP)
    try:
        relationships.deauthorise(
            ctx.tx, client.nino, arn, access.agent_type, EndedBy.AGENT, ctx.now
        )
    except RuleError as error:
        raise from_rule(error) from None
    return ApiResponse(204)
