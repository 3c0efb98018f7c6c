"""The emulator's outermost layer (inside the request log): what every request and response
passes through, whatever route serves it.

One pure ASGI middleware, :class:`Edge`, in this order:

1. **The request's head is bounded** (:func:`head_problem`): a path with a control
   character, a query parameter with one (a value may hold tabs and line breaks, as a form
   field may), a path over :data:`MAX_PATH` characters or a query string over
   :data:`MAX_QUERY` bytes, or a header value with a control character (but tab), is
   refused before routing: 404 for a path (it names nothing), 400 otherwise. HMRC's APIs judge
   their own path and query parameters, after the gateway and in HMRC's order, with HMRC's
   validators (each is a fixed pattern or list), so their paths are left to them.
2. **The control API's guard** (:mod:`openmtd.emulator.control.access`) on ``/emulator/*``.
3. **Headers on every response**: ``X-CorrelationId`` (a UUID, unless the API handler gave
   its own) and ``X-Content-Type-Options: nosniff`` (wire facts §0); on every HTML page also
   ``X-Frame-Options: DENY`` and :data:`CONTENT_SECURITY_POLICY` (the pages have no script
   and no inline style, so nothing but our own stylesheet and images is allowed, and no page
   can be framed).
4. **The error boundary**: an exception no handler took is logged and answered with HMRC's
   500 envelope (RFC 6749's ``server_error`` on ``/oauth/authorize`` and ``/oauth/token``),
   with the headers above, and is not raised further, so the server keeps the connection
   alive (an exception reaching uvicorn after a response began makes it drop the connection).

A refusal here drains what is left of the request body first (up to :data:`DRAIN_LIMIT`; past
that it says ``Connection: close``), so the connection stays usable.

Every error answered before (or instead of) a route is built here, by :func:`answer_for` from a
:class:`Problem` (the shapes a caller may expect): the refusals above, the 413 of
``web/limits.py`` and the 503 of ``web/outage.py``.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import parse_qsl

from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from openmtd.emulator.control.access import ControlCall, is_loopback_name, refusal
from openmtd.emulator.oauth.errors import ServerError
from openmtd.emulator.platform import errors
from openmtd.emulator.platform.errors import ApiError
from openmtd.webkit.wire import text_problem

log = logging.getLogger("openmtd.emulator")

#: Characters a path may have, and bytes a query string may have (far above any real URL).
MAX_PATH: Final = 2048
MAX_QUERY: Final = 8192
#: Bytes of a refused request's body read and thrown away to keep the connection usable.
DRAIN_LIMIT: Final = 1024 * 1024
#: Where HMRC's APIs live: their own validators judge their parameters (see the docstring).
API_PREFIXES: Final = (
    "/individuals/",
    "/create-test-user/",
    "/test/fraud-prevention-headers/",
    "/agents/",
    "/agent-authorisation-test-support/",
)
#: The endpoints that answer in RFC 6749's shape (wire facts §2).
OAUTH_PATHS: Final = frozenset({"/oauth/authorize", "/oauth/token"})
CONTROL_PREFIX: Final = "/emulator/"
_METHODS: Final = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
CONTENT_SECURITY_POLICY: Final = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
    "frame-ancestors 'none'"
)
#: A control character in a header value (tab is allowed there, RFC 9110 §5.5).
_HEADER_CONTROL: Final = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
_PAGE: Final = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
    '<link rel="stylesheet" href="/emulator-assets/emulator.css"></head><body><main>'
    '<h1>{title}</h1><p>{text}</p><p><a href="/">Go to the emulator\'s home page</a></p>'
    "</main></body></html>"
)

Answer = tuple[int, dict[str, str], bytes]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def _wants_html(scope: Scope) -> bool:
    return "text/html" in (_header(scope, b"accept") or "")


def _json(status: int, body: object, headers: dict[str, str] | None = None) -> Answer:
    return (
        status,
        {"content-type": "application/json", **(headers or {})},
        json.dumps(body, separators=(",", ":")).encode(),
    )


@dataclass(frozen=True)
class Problem:
    """One error the edge answers, in each shape a caller may expect (:func:`answer_for`)."""

    status: int
    #: HMRC's envelope, ``{"code", "message"}`` (the control API's too).
    envelope: Mapping[str, object]
    #: RFC 6749's ``{"error", "error_description"}``, for the OAuth endpoints.
    oauth: Mapping[str, str]
    #: A browser's page: its title (and heading) and its one paragraph.
    title: str
    text: str
    headers: Mapping[str, str] = field(default_factory=dict)
    #: RFC 6749's shape on every ``/oauth/`` path, not only :data:`OAUTH_PATHS`.
    oauth_prefix: bool = False
    #: A page for a browser on every path, the control API's and HMRC's APIs' too.
    page_everywhere: bool = False


def answer_for(scope: Scope, problem: Problem) -> Answer:
    """``problem`` in the shape the path's callers expect: RFC 6749's on the OAuth endpoints,
    a page for a browser, else the envelope (HMRC's, and the control API's)."""
    path = scope.get("path", "")
    headers = dict(problem.headers)
    if path in OAUTH_PATHS or (problem.oauth_prefix and path.startswith("/oauth/")):
        return _json(problem.status, dict(problem.oauth), headers)
    if _wants_html(scope) and (
        problem.page_everywhere or not path.startswith((CONTROL_PREFIX, *API_PREFIXES))
    ):
        page = _PAGE.format(title=problem.title, text=problem.text).encode()
        return (problem.status, {"content-type": "text/html; charset=utf-8", **headers}, page)
    return _json(problem.status, dict(problem.envelope), headers)


def as_response(answer: Answer) -> Response:
    """An :data:`Answer` as a Starlette response (for an exception handler)."""
    status, headers, body = answer
    return Response(body, status_code=status, headers=headers)


def refused(scope: Scope, status: int, what: str) -> Answer:
    """The refusal of a request whose ``what`` (path, query string, header) is unusable."""
    oauth = {"error": "invalid_request", "error_description": f"{what} is invalid"}
    if status == 404:
        return answer_for(
            scope,
            Problem(
                404,
                ApiError.of(errors.MATCHING_RESOURCE_NOT_FOUND).body(),
                oauth,
                "Page not found",
                "If you typed the web address, check it is correct.",
            ),
        )
    return answer_for(
        scope,
        Problem(
            status,
            {"code": "INVALID_REQUEST", "message": f"The {what} is not valid"},
            oauth,
            "There is a problem with the web address",
            f"The {what} holds characters a web address cannot use. Check it is correct.",
        ),
    )


def head_problem(scope: Scope) -> Answer | None:
    """The refusal for a request whose path, query string or headers cannot be accepted."""
    path: str = scope.get("path", "")
    api = path.startswith(API_PREFIXES)
    if not api and text_problem(path, MAX_PATH):
        return refused(scope, 404, "path")
    query: bytes = scope.get("query_string", b"")
    if not api and query:
        if len(query) > MAX_QUERY:
            return refused(scope, 400, "query string")
        # Decoded as Starlette decodes it for the routes, so what is checked is what is read.
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            # Values may hold tabs and line breaks, as form fields may (``state`` is opaque).
            if text_problem(name, MAX_QUERY) or text_problem(value, MAX_QUERY, line_breaks=True):
                return refused(scope, 400, name if path in OAUTH_PATHS else "query string")
    for _, value in scope.get("headers") or ():
        if _HEADER_CONTROL.search(value):
            return refused(scope, 400, "request header")
    return None


def _control_call(scope: Scope) -> ControlCall:
    host = _header(scope, b"host")
    if host is None and scope.get("server"):
        server_host, server_port = scope["server"]
        host = f"{server_host}:{server_port}"
    return ControlCall(
        method=scope.get("method", "GET"),
        path=scope.get("path", ""),
        scheme=scope.get("scheme", "http"),
        host=host,
        on_loopback=bool(scope.get("server")) and is_loopback_name(str(scope["server"][0])),
        origin=_header(scope, b"origin"),
        fetch_site=_header(scope, b"sec-fetch-site"),
        content_type=_header(scope, b"content-type"),
        authorization=_header(scope, b"authorization"),
    )


def server_error(scope: Scope) -> Answer:
    """The answer to an unexpected fault: RFC 6749's ``server_error`` on the OAuth endpoints
    (as HMRC's are), HMRC's 500 envelope everywhere else (wire facts §0)."""
    if scope.get("path") in OAUTH_PATHS:
        status, body, headers = ServerError().response()
        return _json(status, body, dict(headers))
    return _json(500, ApiError.of(errors.INTERNAL_SERVER_ERROR).body())


class Edge:
    """See the module docstring."""

    def __init__(
        self, app: ASGIApp, *, control_enabled: bool = True, control_token: str | None = None
    ) -> None:
        self.app = app
        self.control_enabled = control_enabled
        self.control_token = control_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                if "x-correlationid" not in headers:
                    headers["X-CorrelationId"] = str(uuid.uuid4())
                headers["X-Content-Type-Options"] = "nosniff"
                if headers.get("content-type", "").startswith("text/html"):
                    headers["X-Frame-Options"] = "DENY"
                    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
            await send(message)

        answer = head_problem(scope)
        if answer is None and self.control_enabled and scope["path"].startswith(CONTROL_PREFIX):
            error = refusal(_control_call(scope), self.control_token)
            if error is not None:
                answer = _json(error.status_code, error.body, error.headers)
        if answer is not None:
            await _answer(answer, receive, send_with_headers)
            return
        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as error:
            if started:  # too late for an answer: the server closes the connection
                raise
            log.exception("unexpected error: %s", type(error).__name__)
            await send_answer(server_error(scope), send_with_headers)


async def _answer(answer: Answer, receive: Receive, send: Send) -> None:
    """Send a refusal, after reading (and dropping) the rest of the request's body."""
    status, headers, body = answer
    read = 0
    more = True
    while more and read <= DRAIN_LIMIT:
        message = await receive()
        if message["type"] != "http.request":
            break
        read += len(message.get("body", b""))
        more = bool(message.get("more_body", False))
    if more:
        headers = {**headers, "connection": "close"}
    await send_answer((status, headers, body), send)


async def send_answer(answer: Answer, send: Send) -> None:
    """Send ``answer`` as it is (its ``Content-Length`` added), its body unread."""
    status, headers, body = answer
    raw = [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
    ]
    raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def allowed_methods(routes: Sequence[BaseRoute], scope: Scope) -> list[str]:
    """Every method some route serves ``scope``'s path with (for a 405's ``Allow``), found by
    asking each route whether it would take the path with that method."""
    return [
        method
        for method in _METHODS
        if any(route.matches({**scope, "method": method})[0] is Match.FULL for route in routes)
    ]
