"""``create_app``: the app as one ASGI application, built from typed settings."""

from __future__ import annotations

import logging
from importlib import resources
from urllib.parse import urlencode, urlsplit

import httpx
from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from openmtd.app.adapters.db.store import SqlStore
from openmtd.app.services.hmrc import Hmrc
from openmtd.app.settings import AppSettings
from openmtd.app.storage import Store
from openmtd.app.web.context import CsrfError, Services, SignInRequired, page_context
from openmtd.app.web.edge import Edge, LoopbackHost
from openmtd.app.web.render import date_text, message
from openmtd.rules.clock import Clock, SystemClock

log = logging.getLogger("openmtd.app")

#: The route modules, in the order they are tried. Each has ``router``.
ROUTE_MODULES = ("home", "accounts", "connect", "dashboard", "income", "reminders")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def create_app(
    settings: AppSettings,
    *,
    clock: Clock | None = None,
    store: Store | None = None,
    hmrc_transport: httpx.BaseTransport | None = None,
) -> FastAPI:
    """The app, built from typed settings (nothing read at import time).

    Args:
        settings: the database, which HMRC, the app's credentials and keys.
        clock: the clock (tests pin it).
        store: storage to use instead of opening ``settings.database_url`` (tests).
        hmrc_transport: where the SDK's calls to HMRC go instead of the network (tests: the
            emulator's ASGI app through ``httpx.ASGITransport`` or a WSGI bridge).
    """
    from importlib import import_module

    sql = SqlStore.open(settings.database_url, settings.token_keys) if store is None else store
    if not isinstance(sql, SqlStore):
        raise TypeError("the app's store must be a SqlStore (HMRC tokens share its database)")
    clock = clock or SystemClock()
    app = FastAPI(title="openmtd", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.services = Services(
        settings=settings,
        store=sql,
        clock=clock,
        hmrc=Hmrc(settings, sql.engine, clock, transport=hmrc_transport),
    )
    templates = Jinja2Templates(directory=str(resources.files("openmtd.app.web") / "templates"))
    templates.env.filters["date_text"] = date_text
    app.state.templates = templates
    app.mount(
        "/assets",
        StaticFiles(directory=str(resources.files("openmtd.app.web") / "static")),
        name="assets",
    )
    for name in ROUTE_MODULES:
        app.include_router(import_module(f"openmtd.app.web.routes.{name}").router)

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

    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, _error: SignInRequired) -> Response:
        # A page asked for by GET is where the person goes once signed in (a path only).
        if request.method == "GET":
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/sign-in?{urlencode({'next': target})}", status_code=303)
        return RedirectResponse("/sign-in", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        with page_context(request) as ctx:
            if error.status_code == 404:
                return message(
                    ctx,
                    "Page not found",
                    "If you typed the web address, check it is correct.",
                    status_code=404,
                    link=("/", "Go to the start"),
                )
            if error.status_code == 405:
                return message(
                    ctx,
                    "That cannot be done here",
                    "This page cannot be used that way. Go back and use its buttons and links.",
                    status_code=405,
                    link=("/", "Go to the start"),
                )
            return message(
                ctx,
                "Something was not right with that request",
                str(error.detail),
                status_code=error.status_code,
                link=("/", "Go to the start"),
            )

    # Inside the edge, so its redirects carry the security headers too.
    if urlsplit(settings.public_url).hostname == "localhost":
        app.add_middleware(LoopbackHost, public_url=settings.public_url)
    app.add_middleware(Edge, hmrc_auth_origin=_origin(settings.hmrc.auth_base_url))
    return app
