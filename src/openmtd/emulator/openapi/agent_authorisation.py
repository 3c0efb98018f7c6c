"""The emulator's OpenAPI document: the Agent Authorisation API v1.0/v2.0 (wire facts §6) and
the Agent Authorisation Test Support API v1.0 (§4.3). Codes, messages, versions and scopes come
from :mod:`openmtd.emulator.apis.agent_authorisation` and
:mod:`openmtd.emulator.apis.test_support.agent_authorisation`.

These APIs answer Accept faults themselves (406 ``ACCEPT_HEADER_INVALID`` twice over, 400
``BAD_REQUEST``), so their operations are built here rather than with the platform's
``_api_operation``; the rest of the gateway (credentials, rate limit, subscription, scope) is
the platform's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from openmtd.emulator.apis import agent_authorisation as aa
from openmtd.emulator.apis.agent_authorisation import errors as e
from openmtd.emulator.apis.test_support import agent_authorisation as aats
from openmtd.emulator.openapi.common import (
    JSON,
    ErrorSpec,
    _api_headers,
    _array,
    _authorization_parameter,
    _error_example,
    _error_responses,
    _json_content,
    _object,
    _path_parameter,
    _schema,
    _security,
    _string,
)
from openmtd.emulator.platform import errors as platform
from openmtd.emulator.platform.gateway import Access, Endpoint
from openmtd.rules.agents import InvitationStatus

TAG_AGENT_AUTHORISATION: Final = "Agent Authorisation 1.0 and 2.0"
TAG_AATS: Final = "Agent Authorisation Test Support 1.0"
_ARN: Final = _path_parameter(
    "arn", "The agency's Agent Reference Number; not the token's: 403.", example="TARN0000001"
)
_INVITATION_ID: Final = _path_parameter(
    "invitationId",
    "An authorisation request ID (13 characters, checksummed); malformed: 400 BAD_REQUEST.",
    example="ABERULMHCKKW3",
)
_ACCEPT_ERRORS: Final = (e.ACCEPT_MISSING, e.ACCEPT_INVALID)
_BAD_REQUESTS: Final = (e.UNSUPPORTED_VERSION, e.UNSUPPORTED_CONTENT_TYPE, e.BAD_REQUEST)
_CALLER: Final = (e.UNAUTHORIZED, e.NOT_AN_AGENT, e.AGENT_NOT_SUBSCRIBED, e.NO_PERMISSION_ON_AGENCY)
_BODY: Final = (
    e.SERVICE_NOT_SUPPORTED,
    e.AGENT_TYPE_NOT_SUPPORTED,
    e.CLIENT_TYPE_NOT_SUPPORTED,
    e.CLIENT_ID_DOES_NOT_MATCH_SERVICE,
    e.CLIENT_ID_FORMAT_INVALID,
    e.POSTCODE_FORMAT_INVALID,
    e.VAT_REG_DATE_FORMAT_INVALID,
)
_EXAMPLE_ID: Final = "ABERULMHCKKW3"


def _named(specs: Iterable[ErrorSpec]) -> dict[int, dict[str, JSON]]:
    """Examples named by code and message, so one code may have several (ACCEPT_HEADER_INVALID,
    BAD_REQUEST)."""
    by_status: dict[int, dict[str, JSON]] = {}
    for status, code, message in specs:
        examples = by_status.setdefault(status, {})
        name = code if code not in examples else f"{code}_{len(examples)}"
        examples[name] = _error_example(code, message)
    return by_status


def _accept(versions: Iterable[str]) -> JSON:
    values = [f"application/vnd.hmrc.{v}+json" for v in sorted(versions)]
    return {
        "name": "Accept",
        "in": "header",
        "required": True,
        "description": "The API version: " + ", ".join(values) + ". Missing or not "
        "application/vnd.hmrc.X+Y: 406 ACCEPT_HEADER_INVALID; another version, or a type "
        "other than json: 400 BAD_REQUEST.",
        "schema": {"type": "string", "enum": values},
    }


_CONTENT_TYPE: Final = {
    "name": "Content-Type",
    "in": "header",
    "required": True,
    "description": "application/json; a body sent as anything else is 400 BAD_REQUEST.",
    "schema": {"type": "string", "enum": ["application/json"]},
}


def _gateway(endpoint: Endpoint) -> list[ErrorSpec]:
    if endpoint.access is Access.OPEN:
        return []
    return [
        platform.MISSING_CREDENTIALS,
        platform.INVALID_CREDENTIALS,
        platform.INCORRECT_ACCESS_TOKEN_TYPE,
        platform.MESSAGE_THROTTLED_OUT,
        platform.RESOURCE_FORBIDDEN,
        platform.INVALID_SCOPE,
    ]


def _operation(
    endpoint: Endpoint,
    *,
    operation_id: str,
    tag: str,
    description: str,
    success: Mapping[int, JSON],
    errors_: Sequence[ErrorSpec],
    parameters: Sequence[JSON] = (),
    request_body: JSON | None = None,
) -> JSON:
    all_parameters = [*parameters, _accept(endpoint.versions)]
    if endpoint.access is not Access.OPEN:
        all_parameters.append(_authorization_parameter(endpoint))
    specs = [
        *_ACCEPT_ERRORS,
        *errors_,
        *_gateway(endpoint),
        # A path the router cannot match (a parameter it cannot take) is the gateway's 404.
        platform.MATCHING_RESOURCE_NOT_FOUND,
        platform.INTERNAL_SERVER_ERROR,
    ]
    responses: JSON = {str(status): response for status, response in success.items()}
    responses.update(_error_responses((), extra_examples=_named(specs)))
    operation: JSON = {
        "tags": [tag],
        "summary": endpoint.name,
        "description": description,
        "operationId": operation_id,
        "parameters": all_parameters,
        "responses": dict(sorted(responses.items())),
    }
    security = _security(endpoint)
    if security:
        operation["security"] = security
    if request_body is not None:
        operation["requestBody"] = request_body
    return operation


def _no_content(description: str, headers: Mapping[str, JSON] | None = None) -> JSON:
    return {"description": description, "headers": {**_api_headers(), **(headers or {})}}


def _location() -> JSON:
    return {
        "Location": {
            "description": "The authorisation request: /agents/{arn}/invitations/{invitationId}.",
            "schema": _string(example=f"/agents/TARN0000001/invitations/{_EXAMPLE_ID}"),
        }
    }


def _pending_example() -> JSON:
    return {
        "_links": {"self": {"href": f"/agents/TARN0000001/invitations/{_EXAMPLE_ID}"}},
        "created": "2026-11-26T10:00:00.000Z",
        "expiresOn": "2026-12-17T00:00:00.000",
        "arn": "TARN0000001",
        "service": ["MTD-IT"],
        "status": "Pending",
        "clientActionUrl": "http://localhost:8400/agent-client-relationships/appoint-someone-to-"
        "deal-with-HMRC-for-you/MN62GGBK/morgan-accountants/income-tax",
        "agentType": "main",
    }


def agent_authorisation_schemas() -> dict[str, JSON]:
    """The request bodies and the authorisation request."""
    service = {
        "oneOf": [_string(enum=["MTD-IT", "MTD-VAT"]), _array(_string(), minItems=1)],
        "description": "MTD-IT (or MTD-VAT); the legacy one-item array is accepted.",
    }
    agent_type = _string(
        "MTD-IT only; main when left out or null.", enum=["main", "supporting"], nullable=True
    )
    fields: dict[str, JSON] = {
        "service": service,
        "clientType": _string("personal (MTD-VAT: also business)."),
        "clientIdType": _string("ni (MTD-VAT: vrn); not checked."),
        "clientId": _string("The client's NINO (MTD-VAT: VRN)."),
        "knownFact": _string("The client's postcode (MTD-VAT: registration date)."),
        "agentType": agent_type,
    }

    def body(*names: str) -> JSON:
        required = [n for n in names if n != "agentType"]
        return _object({n: fields[n] for n in names}, required, closed=False)

    everything = ("service", "clientType", "clientIdType", "clientId", "knownFact", "agentType")
    return {
        "AgentAuthorisationRequestBody": body(*everything),
        "CheckRelationshipBody": body(*(n for n in everything if n != "clientType")),
        "DeauthoriseClientBody": body(*(n for n in everything if n != "knownFact")),
        "AgentAuthorisationRequest": _object(
            {
                "_links": _object(
                    {"self": _object({"href": _string("The request's path.")}, ["href"])},
                    ["self"],
                ),
                "service": _array(_string(enum=["MTD-IT", "MTD-VAT"]), maxItems=1),
                "arn": _string("The agency's ARN."),
                "created": _string("When it was sent (UTC, milliseconds).", format="date-time"),
                "updated": _string("When it last moved (not while Pending).", format="date-time"),
                "expiresOn": _string(
                    "Pending only: the start of its expiry date, 21 days after it was sent."
                ),
                "status": _string(enum=[status.value for status in InvitationStatus]),
                "clientActionUrl": _string(
                    "Pending only: the link the client follows (the agency's, on this "
                    "emulator's origin).",
                    format="uri",
                ),
                "agentType": _string(enum=["main", "supporting"]),
            },
            ["_links", "service", "arn", "created", "status"],
        ),
        "KnownFact": _object(
            {
                "service": _array(_string(enum=["MTD-IT"])),
                "clientType": _string(enum=["personal"]),
                "clientIdType": _string(enum=["ni"]),
                "clientId": _string(),
                "knownFact": _string("The client's postcode as held."),
            },
            ["service", "clientType", "clientIdType", "clientId", "knownFact"],
        ),
    }


def _body(name: str, example: JSON) -> JSON:
    return {
        "required": True,
        # One of HMRC's bodies (MTD-IT's; MTD-VAT's is read but finds no customer).
        "content": _json_content({"oneOf": [_schema(name)]}, {"example": {"value": example}}),
    }


def _itsa(**extra: Any) -> JSON:
    body: JSON = {
        "service": "MTD-IT",
        "clientType": "personal",
        "clientIdType": "ni",
        "clientId": "AA999999A",
        "knownFact": "AA11 1AA",
        "agentType": "main",
    }
    body.update(extra)
    return {k: v for k, v in body.items() if v is not None}


def agent_authorisation_paths() -> dict[str, JSON]:
    """The six operations of the Agent Authorisation API."""
    records = (
        e.CLIENT_REGISTRATION_NOT_FOUND,
        e.POSTCODE_DOES_NOT_MATCH,
    )
    order = (
        "Checks: Accept (406/400), the platform, the caller (401 UNAUTHORIZED when the "
        "token's person is gone; 403 NOT_AN_AGENT, AGENT_NOT_SUBSCRIBED, NO_PERMISSION_ON_"
        "AGENCY)"
    )
    request = _schema("AgentAuthorisationRequest")
    return {
        "/agents/{arn}/invitations": {
            "post": _operation(
                aa.CREATE_INVITATION,
                operation_id="createAuthorisationRequest",
                tag=TAG_AGENT_AUTHORISATION,
                description=f"Ask a client to authorise the agency (it expires after 21 "
                f"days). {order}, the body (400s, in HMRC's order), then the client's records "
                "and what is held (403s). A duplicate's 403 carries the waiting request's "
                "Location.",
                parameters=[_ARN, _CONTENT_TYPE],
                request_body=_body("AgentAuthorisationRequestBody", _itsa()),
                success={204: _no_content("The request was sent", _location())},
                errors_=[
                    *_BAD_REQUESTS,
                    *_BODY,
                    *_CALLER,
                    *records,
                    e.DUPLICATE_AUTHORISATION_REQUEST,
                    e.ALREADY_AUTHORISED,
                ],
            ),
            "get": _operation(
                aa.GET_INVITATIONS,
                operation_id="getAuthorisationRequests",
                tag=TAG_AGENT_AUTHORISATION,
                description=f"The agency's requests of the last 30 days, newest first. {order}.",
                parameters=[_ARN],
                success={
                    200: {
                        "description": "The requests",
                        "headers": _api_headers(),
                        "content": _json_content(
                            _array(request), {"example": {"value": [_pending_example()]}}
                        ),
                    },
                    204: _no_content("No request in the last 30 days"),
                },
                errors_=[*_BAD_REQUESTS, *_CALLER],
            ),
        },
        "/agents/{arn}/invitations/{invitationId}": {
            "get": _operation(
                aa.GET_INVITATION,
                operation_id="getAuthorisationRequest",
                tag=TAG_AGENT_AUTHORISATION,
                description=f"One request, as of the emulator's clock. The ID (400), {order}, "
                "then 404, or 403 for another agency's.",
                parameters=[_ARN, _INVITATION_ID],
                success={
                    200: {
                        "description": "The request",
                        "headers": _api_headers(),
                        "content": _json_content(
                            request, {"pending": {"value": _pending_example()}}
                        ),
                    }
                },
                errors_=[*_BAD_REQUESTS, *_CALLER, e.INVITATION_NOT_FOUND],
            ),
            "delete": _operation(
                aa.CANCEL_INVITATION,
                operation_id="cancelAuthorisationRequest",
                tag=TAG_AGENT_AUTHORISATION,
                description=f"Cancel a Pending request. The ID (400), {order}, then 404, "
                "403 INVALID_INVITATION_STATUS (not Pending), 403 for another agency's.",
                parameters=[_ARN, _INVITATION_ID, _CONTENT_TYPE | {"required": True}],
                success={204: _no_content("Cancelled")},
                errors_=[
                    *_BAD_REQUESTS,
                    *_CALLER,
                    e.INVALID_INVITATION_STATUS,
                    e.INVITATION_NOT_FOUND,
                ],
            ),
        },
        "/agents/{arn}/relationships": {
            "post": _operation(
                aa.CHECK_RELATIONSHIP,
                operation_id="checkRelationship",
                tag=TAG_AGENT_AUTHORISATION,
                description=f"Whether the agency holds the role (main by default). {order}, "
                "the body, the client's records, then 204 or 404. A main check that finds "
                "nothing first copies a due legacy Self Assessment authorisation.",
                parameters=[_ARN, _CONTENT_TYPE],
                request_body=_body("CheckRelationshipBody", _itsa(clientType=None)),
                success={204: _no_content("The agent is authorised")},
                errors_=[*_BAD_REQUESTS, *_BODY, *_CALLER, *records, e.RELATIONSHIP_NOT_FOUND],
            )
        },
        "/agents/{arn}/deauthorise-client": {
            "put": _operation(
                aa.DEAUTHORISE_CLIENT,
                operation_id="deauthoriseClient",
                tag=TAG_AGENT_AUTHORISATION,
                description=f"v2.0: end the agency's role for the client (v1.0: 404). {order}, "
                "the body, then 204 or 403 NO_RELATIONSHIP.",
                parameters=[_ARN, _CONTENT_TYPE],
                request_body=_body("DeauthoriseClientBody", _itsa(knownFact=None)),
                success={204: _no_content("The relationship has ended")},
                errors_=[
                    *_BAD_REQUESTS,
                    *_BODY,
                    *_CALLER,
                    e.NO_RELATIONSHIP,
                ],
            )
        },
    }


def aats_paths() -> dict[str, JSON]:
    """Agent Authorisation Test Support: answer as the client, and the known fact."""
    invitation = _path_parameter("id", "The authorisation request's ID.", example=_EXAMPLE_ID)
    answered = [e.UNSUPPORTED_VERSION, e.UNSUPPORTED_CONTENT_TYPE]
    answers = [*answered, aats.INVITATION_NOT_FOUND, aats.INVITATION_NOT_PENDING]
    return {
        aats.PREFIX + "/invitations/{id}": {
            "put": _operation(
                aats.ACCEPT,
                operation_id="aatsAcceptInvitation",
                tag=TAG_AATS,
                description="Accept as the client (a relationship, or a partial authorisation "
                "before sign-up). No token. 404: no such request; 409: not Pending.",
                parameters=[invitation],
                success={204: _no_content("Accepted")},
                errors_=answers,
            ),
            "delete": _operation(
                aats.REJECT,
                operation_id="aatsRejectInvitation",
                tag=TAG_AATS,
                description="Reject as the client. No token. 404: no such request; 409: not "
                "Pending.",
                parameters=[invitation],
                success={204: _no_content("Rejected")},
                errors_=answers,
            ),
        },
        aats.PREFIX + "/known-facts/mtd-it/nino/{nino}": {
            "get": _operation(
                aats.KNOWN_FACT,
                operation_id="aatsMtdItKnownFact",
                tag=TAG_AATS,
                description="The client's postcode, in the body a request takes. No token.",
                parameters=[_path_parameter("nino", "The client's NINO.", example="AA123456A")],
                success={
                    200: {
                        "description": "The known fact",
                        "headers": _api_headers(),
                        "content": _json_content(_schema("KnownFact")),
                    }
                },
                errors_=[*answered, aats.CLIENT_ID_FORMAT_INVALID, aats.CLIENT_NOT_FOUND],
            )
        },
    }
