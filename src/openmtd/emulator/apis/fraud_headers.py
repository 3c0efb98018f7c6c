"""HMRC's Test Fraud Prevention Headers API v1.0 (sandbox only; wire facts §3.3).

- ``GET /test/fraud-prevention-headers/validate``: feedback on this request's headers.
- ``GET /test/fraud-prevention-headers/{api}/validation-feedback[?connectionMethod=]``: the
  latest check of each endpoint of ``{api}`` that this application called.

Choices (UNCONFIRMED in the reference, kept here): both endpoints take any valid access token
(application or user), as third-party clients use an application token; ``{api}`` is the API's
subscription name as the control API spells it (e.g. ``self-assessment-individual-details``);
an unknown ``{api}`` is 404 ``MATCHING_RESOURCE_NOT_FOUND``; an API with no recorded calls
answers ``{"requests": []}``.
"""

from __future__ import annotations

from typing import Final

from openmtd.emulator.devhub.applications import EMULATED_APIS
from openmtd.emulator.platform import errors
from openmtd.emulator.platform.errors import ApiError
from openmtd.emulator.platform.gateway import Access, ApiResponse, CallContext, Endpoint
from openmtd.rules.fraud_headers import ConnectionMethod, validate_headers

API: Final = "test-fraud-prevention-headers"
VALIDATE: Final = Endpoint(API, frozenset({"1.0"}), Access.APPLICATION, name="validate")
FEEDBACK: Final = Endpoint(API, frozenset({"1.0"}), Access.APPLICATION, name="validation-feedback")
#: What validation-feedback answers for a connectionMethod that is not one of the eight.
FORMAT_CONNECTION_METHOD: Final = (
    400,
    "FORMAT_CONNECTION_METHOD",
    "The connectionMethod query parameter is not a valid connection method",
)


def validate(ctx: CallContext) -> ApiResponse:
    verdict = validate_headers(ctx.headers, now=ctx.now)
    return ApiResponse(200, verdict.to_validate_body())


def feedback(ctx: CallContext, api: str, connection_method: str | None) -> ApiResponse:
    if api not in EMULATED_APIS:
        raise ApiError.of(errors.MATCHING_RESOURCE_NOT_FOUND)
    if connection_method is not None and connection_method not in set(ConnectionMethod):
        raise ApiError.of(FORMAT_CONNECTION_METHOD)
    assert ctx.application is not None
    kept = ctx.tx.platform.feedback(ctx.application.id, api)
    requests = [
        dict(item.result)
        for item in kept
        if connection_method is None or item.connection_method == connection_method
    ]
    return ApiResponse(200, {"requests": requests})
