"""An HMRC answer read into the call's result or a typed error, for both clients.

Every non-2xx answer becomes an error from :func:`~openmtd.sdk._errors.api_error_from_response`
(an unknown code still gets the class of its HTTP status); a 403
``CLIENT_OR_AGENT_NOT_AUTHORISED`` carries a hint from what the client knows about its caller.
A 2xx answer whose body the SDK cannot read (not JSON, or not HMRC's schema) is an
:class:`~openmtd.sdk.HmrcApiError` with the code ``UNEXPECTED_RESPONSE``, never a bare dict.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

import httpx
import pydantic

from openmtd.sdk._caller import CallerKnowledge, not_authorised_hint
from openmtd.sdk._errors import HmrcApiError, api_error_from_response
from openmtd.sdk._request import Answer, ApiCall

__all__ = ["UNEXPECTED", "decoded", "error_of", "model_reader", "no_content", "result_of"]

T = TypeVar("T")
M = TypeVar("M", bound=pydantic.BaseModel)

UNEXPECTED: Final = "UNEXPECTED_RESPONSE"
_NOT_AUTHORISED: Final = "CLIENT_OR_AGENT_NOT_AUTHORISED"


def decoded(response: httpx.Response) -> Any:
    """The JSON body, None when there is none; raises ValueError when it is not JSON."""
    if not response.content.strip():
        return None
    return json.loads(response.content)


def error_of(
    response: httpx.Response, call: ApiCall[Any], knowledge: CallerKnowledge
) -> HmrcApiError:
    """The typed error for a non-2xx answer (never raises)."""
    try:
        body = decoded(response)
    except ValueError:
        body = None
    hint = None
    if isinstance(body, Mapping) and body.get("code") == _NOT_AUTHORISED:
        hint = not_authorised_hint(knowledge, call.nino)
    return api_error_from_response(response.status_code, body, response.headers, hint=hint)


def _unexpected(response: httpx.Response, why: str) -> HmrcApiError:
    return HmrcApiError(
        status=response.status_code,
        code=UNEXPECTED,
        message=f"{response.request.method} {response.request.url.path} answered {why}",
        correlation_id=response.headers.get("x-correlationid"),
    )


def result_of(response: httpx.Response, call: ApiCall[T], knowledge: CallerKnowledge) -> T:
    """The call's result, or its error raised."""
    if not response.is_success:
        error = error_of(response, call, knowledge)
        if call.on_error is None:
            raise error
        result = call.on_error(error)
    else:
        result = _read(response, call)
    if call.learn is not None:
        call.learn(knowledge, result)
    return result


def _read(response: httpx.Response, call: ApiCall[T]) -> T:
    try:
        answer = Answer(response.status_code, decoded(response), response.headers)
    except ValueError:
        raise _unexpected(response, "a body that is not JSON") from None
    try:
        return call.read(answer)
    except pydantic.ValidationError as error:
        raise _unexpected(response, f"a body the SDK cannot read: {error}") from error
    except (KeyError, TypeError, ValueError) as error:
        raise _unexpected(response, f"a body the SDK cannot read: {error!r}") from error


def model_reader(model: type[M]) -> Callable[[Answer], M]:
    """A reader validating the body with ``model``."""

    def read(answer: Answer) -> M:
        return model.model_validate(answer.body)

    return read


def no_content(answer: Answer) -> None:
    """A reader for answers whose body (if any) carries nothing (204, or a bare 201)."""
    del answer
