"""The web edge of HMRC's API platform: run an endpoint behind the gateway and render it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openmtd.emulator.platform.errors import ApiError
from openmtd.emulator.platform.gateway import (
    ApiResponse,
    CallContext,
    Endpoint,
    Handler,
    admit,
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
    """Run ``handler`` behind the platform's checks and render it, in two short transactions
    on one session (one pooled connection at a time, never two at once).

    The first reads the caller and counts the rate-limit window (``gateway.admit``) and commits
    at once; the second runs the subscription and scope checks, the handler, and then keeps the
    fraud-header feedback. So the window's row (and, on SQLite, the database's write lock) is
    held for one upsert, not while the handler and the header check run: one application's
    concurrent calls do not queue on it, and SQLite's busy waits (sleeps of a millisecond and
    more) stay rare.

    Errors are rendered inside the transaction (not raised through it) so what the gateway
    counted (a rate-limit window, header feedback) is kept even when a call is refused.
    Feedback is kept for every call past the gateway, whatever the handler answered.
    """
    correlation_id = str(uuid.uuid4())
    services: Services = services_of(request)
    headers = {name.lower(): value for name, value in request.headers.items()}
    with services.store.transaction() as tx:
        try:
            admission = admit(tx, services.clock, headers, endpoint)
        except ApiError as refused:
            return render(refused, correlation_id)
        tx.commit()
        context: CallContext | None = None
        try:
            context = admission.enter(tx, correlation_id)
            result: ApiResponse | ApiError = handler(context)
        except ApiError as error:
            result = error
        if endpoint.fraud_headers and context is not None and context.application is not None:
            record_fraud_headers(context, endpoint, request)
    return render(result, correlation_id)


def record_fraud_headers(context: CallContext, endpoint: Endpoint, request: Request) -> None:
    """Check the call's fraud prevention headers and keep the result for validation-feedback."""
    from openmtd.emulator.platform.fraud_feedback import record

    record(context, endpoint, request.method)


class PlainApiRoute(APIRoute):
    """A route whose endpoint takes the request and its path parameters (strings, as sent),
    called as a plain Starlette endpoint is: in the thread pool, with nothing resolved per call.

    FastAPI resolves an endpoint's parameters on every call (dependencies, validation of each
    path parameter, the response model); HMRC's APIs read their own parameters and answer
    through :func:`call`, so for them that work finds nothing to do, and costs a hot route
    (Retrieve ITSA Status) a tenth of its time. The route stays FastAPI's in every other way
    (matching, 405s, the exception handlers, the route lists the tests and documents read). An
    endpoint that asks for anything else (a query or header parameter, a body, a dependency,
    a typed path parameter) is refused when the route is made.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        dependant = self.dependant
        other = (
            dependant.query_params
            or dependant.header_params
            or dependant.cookie_params
            or dependant.body_params
            or dependant.dependencies
        )
        typed = [p.name for p in dependant.path_params if p.field_info.annotation is not str]
        if other or typed or dependant.request_param_name != "request":
            raise TypeError(
                f"{path}: a PlainApiRoute endpoint takes `request` and str path parameters only"
            )

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint = self.endpoint

        async def handler(request: Request) -> Response:
            response: Response = await run_in_threadpool(endpoint, request, **request.path_params)
            return response

        return handler
