"""The app's edge, before any route: bounded bodies, the headers every response carries, and
the error boundary (an unexpected fault is a plain 500 page with a reference, never a trace).

A pure ASGI middleware because a body must be counted chunk by chunk as it arrives (413
before it is held in memory) and the headers must reach every response, errors included.
"""

from __future__ import annotations

import logging
import secrets
from typing import Final
from urllib.parse import quote, urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("openmtd.app")

#: The largest body any of the app's forms needs (a CSV import comes with openmtd.app II).
MAX_BODY: Final = 256 * 1024


def security_headers(hmrc_auth_origin: str) -> list[tuple[bytes, bytes]]:
    """Headers on every response: no framing (clickjacking), no sniffing, no referrer beyond
    the origin, and a CSP allowing only the app's own scripts, styles and images. Forms may
    be sent to the app and, through its redirect, on to HMRC's sign-in."""
    csp = (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        f"frame-ancestors 'none'; form-action 'self' {hmrc_auth_origin}"
    )
    return [
        (b"x-frame-options", b"DENY"),
        (b"content-security-policy", csp.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    ]


_TOO_LARGE: Final = (
    b'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Too much was sent'
    b"</title></head><body><main><h1>Too much was sent</h1><p>The form sent more than this "
    b'service accepts. Go back and try again.</p><p><a href="/">Go to the start</a></p>'
    b"</main></body></html>"
)


def _error_page(reference: str) -> bytes:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sorry, there is a '
        "problem with the service</title></head><body><main><h1>Sorry, there is a problem "
        "with the service</h1><p>Nothing you sent has been lost where it was saved; try again "
        f"in a moment. If it happens again, quote reference {reference}.</p><p>"
        '<a href="/">Go to the start</a></p></main></body></html>'
    ).encode()


class _TooLargeError(Exception):
    pass


class Edge:
    def __init__(self, app: ASGIApp, *, hmrc_auth_origin: str, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body
        self.headers = security_headers(hmrc_auth_origin)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in self.headers if n not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            await self._page(send_with_headers, 413, _TOO_LARGE)
            return
        seen = 0

        async def bounded_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _TooLargeError
            return message

        try:
            await self.app(scope, bounded_receive, send_with_headers)
        except _TooLargeError:
            if not started:
                await self._page(send_with_headers, 413, _TOO_LARGE)
        except Exception:
            reference = secrets.token_hex(4).upper()
            log.exception("unexpected error, reference %s", reference)
            if not started:
                await self._page(send_with_headers, 500, _error_page(reference))

    @staticmethod
    async def _page(send: Send, status: int, body: bytes) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class LoopbackHost:
    """Send a page asked for on a loopback address to the same page on ``localhost``.

    HMRC accepts a plain-http redirect URI only on ``localhost``, so the app's local address
    is ``http://localhost:PORT``. Someone who opens ``http://127.0.0.1:PORT`` instead would
    start connecting on one host and come back from HMRC to the other (another set of
    cookies), and the connection would fail as "not finished". A GET or HEAD on the loopback
    address of the app's own port is redirected (307) to the public URL; anything else passes.
    Used only when the public URL's host is ``localhost``.
    """

    def __init__(self, app: ASGIApp, *, public_url: str) -> None:
        self.app = app
        parts = urlsplit(public_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        port = parts.port or (443 if parts.scheme == "https" else 80)
        self.loopback = {f"127.0.0.1:{port}".encode(), f"[::1]:{port}".encode()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            host = dict(scope.get("headers", [])).get(b"host")
            if host in self.loopback:
                query = scope.get("query_string", b"").decode("latin-1")
                raw = scope.get("raw_path")
                path = raw.decode("latin-1") if raw else quote(scope["path"])
                target = self.origin + path + (f"?{query}" if query else "")
                await send(
                    {
                        "type": "http.response.start",
                        "status": 307,
                        "headers": [
                            (b"location", target.encode("latin-1")),
                            (b"content-length", b"0"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)
