"""Every HMRC answer that is not a success becomes a typed error (pure): each code the tree
names, each status, an unknown code, a body that is not HMRC's; the NotAuthorised hint for
each thing the client may know; 2xx bodies the SDK cannot read."""

from __future__ import annotations

import httpx
import pytest

from openmtd.rules.agents import AgentType
from openmtd.sdk._apis.itsa_status import retrieve_call
from openmtd.sdk._caller import Caller, CallerKnowledge, not_authorised_hint
from openmtd.sdk._errors import (
    AgentNotPermitted,
    Conflict,
    FieldError,
    Forbidden,
    HmrcApiError,
    InsufficientScope,
    InvalidCredentials,
    InvalidRequest,
    NotAuthorised,
    NotFound,
    NotSignedUp,
    NotSubscribed,
    ServerError,
    Throttled,
)
from openmtd.sdk._response import UNEXPECTED, result_of

CASES: list[tuple[int, str, type[HmrcApiError]]] = [
    (400, "FORMAT_NINO", InvalidRequest),
    (400, "INVALID_REQUEST", InvalidRequest),
    (401, "INVALID_CREDENTIALS", InvalidCredentials),
    (401, "MISSING_CREDENTIALS", InvalidCredentials),
    (403, "CLIENT_NOT_MTD_ENROLLED", NotSignedUp),
    (403, "CLIENT_OR_AGENT_NOT_AUTHORISED", NotAuthorised),
    (403, "INVALID_SCOPE", InsufficientScope),
    (403, "RESOURCE_FORBIDDEN", NotSubscribed),
    (403, "NOT_AN_AGENT", AgentNotPermitted),
    (403, "AGENT_NOT_SUBSCRIBED", AgentNotPermitted),
    (403, "NO_PERMISSION_ON_AGENCY", AgentNotPermitted),
    (403, "POSTCODE_DOES_NOT_MATCH", Forbidden),
    (404, "MATCHING_RESOURCE_NOT_FOUND", NotFound),
    (409, "INVALID_INVITATION_STATUS", Conflict),
    (429, "MESSAGE_THROTTLED_OUT", Throttled),
    (500, "INTERNAL_SERVER_ERROR", ServerError),
    (503, "SCHEDULED_MAINTENANCE", ServerError),
    (406, "ACCEPT_HEADER_INVALID", HmrcApiError),
    (418, "A_CODE_NOBODY_KNOWS", HmrcApiError),
    (403, "A_NEW_403_CODE", Forbidden),
]
CALL = retrieve_call("AA123456A", "2025-26")
REQUEST = httpx.Request("GET", "https://test-api.service.hmrc.gov.uk/individuals/x")


def read(
    status: int, content: bytes, knowledge: CallerKnowledge | None = None, **headers: str
) -> object:
    response = httpx.Response(status, content=content, headers=headers, request=REQUEST)
    return result_of(response, CALL, knowledge or CallerKnowledge())


@pytest.mark.parametrize(("status", "code", "kind"), CASES)
def test_each_code_is_its_class_with_hmrcs_fields(
    status: int, code: str, kind: type[HmrcApiError]
) -> None:
    body = f'{{"code":"{code}","message":"what HMRC said"}}'.encode()
    with pytest.raises(HmrcApiError) as raised:
        read(status, body, **{"X-CorrelationId": "c0ffee", "Retry-After": "2"})
    error = raised.value
    assert type(error) is kind
    assert (error.status, error.code, error.message, error.correlation_id) == (
        status,
        code,
        "what HMRC said",
        "c0ffee",
    )
    if kind is Throttled:
        assert isinstance(error, Throttled)
        assert error.retry_after == 2.0
    assert (error.hint is not None) == (kind is NotAuthorised)


def test_field_errors_are_kept() -> None:
    body = (
        b'{"code":"INVALID_REQUEST","message":"Invalid request","errors":['
        b'{"code":"FORMAT_STATUS","message":"bad","paths":["/a/0/status"]},'
        b'{"code":"FORMAT_TAX_YEAR","message":"worse"}]}'
    )
    with pytest.raises(InvalidRequest) as raised:
        read(400, body)
    assert raised.value.errors == (
        FieldError("FORMAT_STATUS", "bad", ("/a/0/status",)),
        FieldError("FORMAT_TAX_YEAR", "worse"),
    )


@pytest.mark.parametrize("content", [b"", b"<html>oops</html>", b"[1, 2]"])
def test_a_body_that_is_not_hmrcs_envelope_is_still_typed(content: bytes) -> None:
    with pytest.raises(ServerError) as raised:
        read(502, content)
    assert raised.value.code == "UNEXPECTED_RESPONSE"


@pytest.mark.parametrize("content", [b"not json", b'{"itsaStatuses": "nope"}', b"[]"])
def test_a_success_the_sdk_cannot_read_is_an_error_not_a_dict(content: bytes) -> None:
    with pytest.raises(HmrcApiError) as raised:
        read(200, content)
    assert raised.value.code == UNEXPECTED
    assert raised.value.status == 200


# --- the NotAuthorised hint --------------------------------------------------------------------
NINO = "AA123456A"


def test_the_hint_without_knowledge_names_the_three_causes() -> None:
    hint = not_authorised_hint(CallerKnowledge(), NINO)
    assert "NINO AA123456A is wrong" in hint
    assert "Government Gateway account" in hint
    assert "main or supporting" in hint


def test_the_hint_for_an_individual() -> None:
    own = not_authorised_hint(CallerKnowledge(Caller.individual(NINO)), NINO)
    assert own.startswith("the token is an individual's: check NINO AA123456A is theirs")
    other = not_authorised_hint(CallerKnowledge(Caller.individual("AB123456C")), NINO)
    assert "signed in as NINO AB123456C, not AA123456A" in other
    organisation = not_authorised_hint(CallerKnowledge(Caller.organisation()), NINO)
    assert organisation.startswith("the token is an organisation's")


def test_the_hint_for_an_agent_by_what_the_relationship_check_said() -> None:
    knowledge = CallerKnowledge()
    knowledge.learned_agent("TARN0000001")
    assert "has not authorised it: send an authorisation request" in not_authorised_hint(
        knowledge, NINO
    )
    knowledge.learned_relationship("aa 123456 a", AgentType.MAIN, False)
    assert "(a relationship check found none)" in not_authorised_hint(knowledge, NINO)
    knowledge.learned_relationship(NINO, AgentType.SUPPORTING, True)
    assert "a supporting agent for NINO AA123456A" in not_authorised_hint(knowledge, NINO)
    knowledge.learned_relationship(NINO, AgentType.MAIN, True)
    assert "held a main relationship" in not_authorised_hint(knowledge, NINO)
    assert not_authorised_hint(CallerKnowledge(Caller.agent()), None) == (
        "the token is an agent's and the client has not authorised it for this call"
    )


def test_the_hint_reaches_the_error_raised() -> None:
    body = (
        b'{"code":"CLIENT_OR_AGENT_NOT_AUTHORISED",'
        b'"message":"The client or agent is not authorised"}'
    )
    with pytest.raises(NotAuthorised) as raised:
        read(403, body, CallerKnowledge(Caller.agent("TARN0000001")))
    assert raised.value.hint is not None
    assert "agent TARN0000001's" in raised.value.hint
    assert raised.value.hint in str(raised.value)
