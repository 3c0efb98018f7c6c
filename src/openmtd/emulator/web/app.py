"""``create_app``: the emulator as one ASGI application (HMRC's browser and API hosts on one
origin; their paths do not collide)."""

from __future__ import annotations

import logging
import time
from importlib import resources

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from openmtd.emulator.adapters.db.store import SqlStore
from openmtd.emulator.clock import EmulatorClock
from openmtd.emulator.platform import errors
from openmtd.emulator.platform.errors import ApiError
from openmtd.emulator.security import PasswordHasher
from openmtd.emulator.settings import EmulatorSettings
from openmtd.emulator.storage import Store
from openmtd.emulator.web.context import CsrfError, Services, page_context
from openmtd.emulator.web.edge import OAUTH_PATHS, Edge, allowed_methods
from openmtd.emulator.web.limits import BodyLimit
from openmtd.emulator.web.outage import DATABASE_UNAVAILABLE, unavailable
from openmtd.emulator.web.render import message
from openmtd.rules.clock import Clock

log = logging.getLogger("openmtd.emulator")


class RequestLog:
    """One log line per request: method, path (never the query, which can hold codes or
    state), status and time taken. Nothing secret is ever logged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            took = (time.perf_counter() - started) * 1000
            log.info("%s %s %d %.1fms", scope["method"], scope["path"], status, took)


def _envelope(spec: tuple[int, str, str]) -> Response:
    error = ApiError.of(spec)
    return JSONResponse(error.body(), status_code=error.status_code)


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def create_app(
    settings: EmulatorSettings,
    *,
    clock: Clock | None = None,
    store: Store | None = None,
) -> FastAPI:
    """The emulator, built from typed settings (nothing read at import time).

    Args:
        settings: where the database is, whether the control API is on, cookie security.
        clock: the base clock (tests pin it); the emulator adds its shared offset.
        store: storage to use instead of opening ``settings.database_url`` (tests).
    """
    from openmtd.emulator.web.routes import (
        accounts,
        agent_requests,
        agent_services,
        agent_sign_up,
        api_agent_authorisation,
        api_business_details,
        api_fraud_headers,
        api_itsa_status,
        api_obligations,
        api_test_support,
        api_test_users,
        client_authorisations,
        control,
        control_agents,
        control_obligations,
        control_people,
        control_review,
        devhub,
        gateway,
        home,
        manage,
        oauth,
        openapi,
        sign_up,
    )

    store = store or SqlStore.open(settings.database_url)
    services = Services(
        settings=settings,
        store=store,
        clock=EmulatorClock(store, clock),
        hasher=PasswordHasher(settings.password_hashing),
    )
    app = FastAPI(
        title="openmtd HMRC emulator",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.services = services
    app.state.templates = Jinja2Templates(
        directory=str(resources.files("openmtd.emulator.web") / "templates")
    )
    app.mount(
        "/emulator-assets",
        StaticFiles(directory=str(resources.files("openmtd.emulator.web") / "static")),
        name="assets",
    )
    # The hot API route first: routes are tried in order, and no other route takes its paths,
    # so it is found without trying the rest (docs/emulator.md, "Performance").
    for module in (
        api_itsa_status,
        home,
        accounts,
        gateway,
        oauth,
        manage,
        devhub,
        api_business_details,
        api_obligations,
        api_test_users,
        api_test_support,
        api_fraud_headers,
        api_agent_authorisation,
        sign_up,
        agent_services,
        agent_requests,
        agent_sign_up,
        client_authorisations,
    ):
        app.include_router(module.router)
    # HMRC's gateway answers a path with a stray trailing slash as unknown (404), not with a
    # redirect.
    app.router.redirect_slashes = False
    if settings.control_enabled:
        app.include_router(control.router)
        app.include_router(control_agents.router)
        app.include_router(control_people.router)
        app.include_router(control_review.router)
        app.include_router(control_obligations.router)
        app.include_router(openapi.router)

    @app.exception_handler(CsrfError)
    async def csrf_failed(request: Request, _error: CsrfError) -> Response:
        with page_context(request) as ctx:
            return message(
                ctx,
                "This form has expired",
                "For your security, the form could not be sent. Go back, reload the page and "
                "try again.",
                status_code=403,
                link=("/", "Go to the start"),
            )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 405:
            # Allow lists every method the path is served with (Starlette names only the
            # first route's), on every 405 (RFC 9110 §15.5.6).
            allow = {"Allow": ", ".join(allowed_methods(request.app.router.routes, request.scope))}
            if request.url.path in OAUTH_PATHS:
                body = {"error": "invalid_request", "error_description": "method not allowed"}
                return JSONResponse(body, status_code=405, headers=allow)
            spec = ApiError.of(errors.METHOD_NOT_ALLOWED)
            return JSONResponse(spec.body(), status_code=405, headers=allow)
        if error.status_code == 404 and _wants_html(request):
            return HTMLResponse(
                # As the edge's own 404 (edge._PAGE): a language and a main landmark.
                '<!doctype html><html lang="en"><head><meta charset="utf-8">'
                "<title>Page not found</title></head><body><main><h1>Page not found</h1>"
                '<p>If you typed the web address, check it is correct.</p><p><a href="/">'
                "Go to the emulator's home page</a></p></main></body></html>",
                status_code=404,
            )
        if error.status_code == 404:
            return _envelope(errors.MATCHING_RESOURCE_NOT_FOUND)
        if request.url.path in OAUTH_PATHS:
            body = {"error": "invalid_request", "error_description": str(error.detail)}
            return JSONResponse(body, error.status_code)
        return JSONResponse(
            {"code": "BAD_REQUEST", "message": str(error.detail)}, error.status_code
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, error: RequestValidationError) -> Response:
        return JSONResponse(
            {
                "code": "INVALID_REQUEST",
                "message": "Invalid request",
                "errors": [
                    {"code": "INVALID_FIELD", "message": str(item.get("msg", "invalid"))}
                    for item in error.errors()
                ],
            },
            status_code=400,
        )

    # Handled by the exception middleware (inside the platform's headers, connection kept),
    # not by the server-error middleware that an ``Exception`` handler belongs to.
    for unreachable in DATABASE_UNAVAILABLE:
        app.add_exception_handler(unreachable, unavailable)

    # Inside the platform's headers (a 413 gets them too); before any route reads a byte.
    app.add_middleware(BodyLimit)
    # Outermost but for the log: bounds, the control API's guard, every response's headers,
    # and the error boundary (an unexpected fault is HMRC's 500, the connection kept).
    app.add_middleware(
        Edge,
        control_enabled=settings.control_enabled,
        control_token=settings.control_token,
    )
    if settings.log_requests:
        app.add_middleware(RequestLog)
    return app
