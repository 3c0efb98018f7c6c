"""The web edge of HMRC's API platform: run an endpoint behind the gateway and render it."""

from __future__ import annotations

import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openmtd.emulator.platform.errors import ApiError
from openmtd.emulator.platform.gateway import (
    ApiResponse,
    CallContext,
    Endpoint,
    Handler,
    authorise,
)
from openmtd.emulator.web.context import Services, services_of


def standard_headers(correlation_id: str) -> dict[str, str]:
    return {"X-CorrelationId": correlation_id, "X-Content-Type-Options": "nosniff"}


def render(response: ApiResponse | ApiError, correlation_id: str) -> Response:
    """HMRC's JSON (or an empty body for 204), with the platform's headers."""
    headers = standard_headers(correlation_id)
    if isinstance(response, ApiError):
        headers.update(response.headers)
        return JSONResponse(response.body(), status_code=response.status_code, headers=headers)
    headers.update(response.headers)
    if response.status_code == 204 or response.body is None:
        return Response(status_code=response.status_code, headers=headers)
    return JSONResponse(response.body, status_code=response.status_code, headers=headers)


def call(request: Request, endpoint: Endpoint, handler: Handler) -> Response:
    """Run ``handler`` behind the platform's checks, in one transaction, and render it.

    Errors are rendered inside the transaction (not raised through it) so what the gateway
    counted (a rate-limit window, header feedback) is kept even when a call is refused.

    The rate-limit window is counted in this same transaction. Counting in a second, nested
    transaction would release the window's row sooner, but each request would then hold two
    pooled connections at once, and under load the pool runs dry and every request waits
    (seen in bench/api_throughput.py).
    """
    correlation_id = str(uuid.uuid4())
    services: Services = services_of(request)
    headers = {name.lower(): value for name, value in request.headers.items()}
    with services.store.transaction() as tx:
        try:
            context = authorise(tx, services.clock, headers, endpoint, correlation_id)
            if endpoint.fraud_headers and context.application is not None:
                record_fraud_headers(context, endpoint, request)
            result: ApiResponse | ApiError = handler(context)
        except ApiError as error:
            result = error
    return render(result, correlation_id)


def record_fraud_headers(context: CallContext, endpoint: Endpoint, request: Request) -> None:
    """Check the call's fraud prevention headers and keep the result for validation-feedback."""
    from openmtd.emulator.platform.fraud_feedback import record

    record(context, endpoint, request.method)
