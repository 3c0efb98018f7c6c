"""A one-shot loopback receiver for desktop apps: the redirect of one sign-in, on
``http://localhost:PORT/`` (wire facts §2.6: plain http is allowed only for localhost, and an IP
address is not a valid redirect host, so the URI names localhost while the socket is bound to
127.0.0.1 only).

Why the standard library's ``http.server``: what is needed is one listener that lives for one
sign-in, answers one GET with a small page and closes. The kept OAuth libraries either have no
receiver or ship one tied to their own client objects, and a web framework plus an ASGI server
is far more than a page and a query string need. A ``ThreadingHTTPServer`` in a background
thread means a browser's idle pre-connections (Chromium opens some) never hold up the real
callback.

::

    with LoopbackReceiver(port=8765) as receiver:
        request = oauth.authorization_url(scopes, redirect_uri=receiver.redirect_uri)
        webbrowser.open(request.url)
        code = receiver.wait(request, timeout=300)
    tokens = oauth.exchange_code(code, request)
"""

from __future__ import annotations

import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import anyio.to_thread

from openmtd.sdk._errors import OAuthError
from openmtd.sdk._oauth import AuthorizationDenied, AuthorizationRequest, parse_callback

__all__ = ["LoopbackReceiver", "LoopbackTimeout"]

_BIND_HOST = "127.0.0.1"
_URI_HOST = "localhost"
_CALLBACK_PARAMS = frozenset({"code", "state", "error"})
# A connection that sends nothing (a browser's speculative pre-connection) is dropped after this.
_IDLE_CONNECTION_S = 5.0


class LoopbackTimeout(OAuthError):  # noqa: N818 (the SDK's errors are named for users)
    """No redirect reached the loopback receiver in time (the person did not finish)."""

    def __init__(self, timeout: float) -> None:
        super().__init__(
            status=0, error="timeout", description=f"no sign-in redirect within {timeout:g}s"
        )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    receiver: LoopbackReceiver


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = _IDLE_CONNECTION_S
    server_version = "openmtd-loopback"
    sys_version = ""
    _HEADERS: ClassVar[dict[str, str]] = {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store",
        # The page's URL holds the code: no referrer, no sniffing, no framing.
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        "Connection": "close",
    }

    def do_GET(self) -> None:
        receiver = self.server.receiver
        status, title, text, finished = receiver._answer(self.path)
        try:
            self._page(status, title, text)
            self.wfile.flush()
        finally:
            # Only once the page is written: wait() then closes the server, and the app may exit.
            if finished:
                receiver._done.set()

    def do_POST(self) -> None:
        self._page(405, "Method not allowed", "This address only takes the sign-in redirect.")

    def _page(self, status: int, title: str, text: str) -> None:
        body = _PAGE.format(title=html.escape(title), text=html.escape(text)).encode()
        self.send_response(status)
        for name, value in self._HEADERS.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        # The request line carries the authorization code: never write it anywhere.
        return


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;\
line-height:1.5;color:#0b0c0c;background:#fff}}</style>
</head>
<body>
<main>
<h1>{title}</h1>
<p>{text}</p>
</main>
</body>
</html>
"""


class LoopbackReceiver:
    """Listens on 127.0.0.1 from ``__enter__`` (or :meth:`open`) until one sign-in redirect
    has come back, the wait times out, or the ``with`` block ends; the socket is closed in every
    case.

    ``port`` 0 picks a free port (the redirect URI then changes each time; register a fixed port
    with HMRC for real use). ``path`` is the redirect URI's path.
    """

    def __init__(self, port: int = 0, *, path: str = "/") -> None:
        if not path.startswith("/"):
            raise ValueError("the path starts with '/'")
        self._port = port
        self.path = path
        self._server: _Server | None = None
        self._bound_port: int | None = None
        self._thread: threading.Thread | None = None
        self._expected: AuthorizationRequest | None = None
        self._done = threading.Event()
        self._result: str | None = None
        self._error: OAuthError | None = None
        self._used = False
        self._recorded = False
        self._mutex = threading.Lock()

    def __repr__(self) -> str:
        where = self.redirect_uri if self._server else "closed"
        return f"LoopbackReceiver({where})"

    # --- life -----------------------------------------------------------------------------------
    def open(self) -> LoopbackReceiver:
        """Bind and listen (requests wait in the backlog until :meth:`wait` serves them)."""
        if self._server is None:
            server = _Server((_BIND_HOST, self._port), _Handler, bind_and_activate=True)
            server.receiver = self
            self._server = server
            self._bound_port = int(server.server_address[1])
        return self

    def close(self) -> None:
        """Stop serving and close the socket (safe to call more than once)."""
        server, self._server = self._server, None
        if server is None:
            return
        if self._thread is not None:
            server.shutdown()
            self._thread.join()
            self._thread = None
        server.server_close()

    def __enter__(self) -> LoopbackReceiver:
        return self.open()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def port(self) -> int:
        """The port listened on (still known once closed, for the redirect URI)."""
        if self._bound_port is None:
            raise RuntimeError("the receiver has not listened yet: open it first")
        return self._bound_port

    @property
    def redirect_uri(self) -> str:
        """The redirect URI to send to /oauth/authorize (and to register with HMRC)."""
        return f"http://{_URI_HOST}:{self.port}{self.path}"

    # --- the one callback -----------------------------------------------------------------------
    def wait(self, request: AuthorizationRequest, *, timeout: float = 300.0) -> str:
        """Serve until the redirect for ``request`` comes back; its authorization code.

        Raises :class:`~openmtd.sdk.StateMismatch`, :class:`~openmtd.sdk.AuthorizationDenied`
        or :class:`LoopbackTimeout`; the receiver is closed when this returns or raises.
        """
        if self._used:
            raise RuntimeError("a loopback receiver takes one sign-in; open another")
        if request.redirect_uri != self.redirect_uri:
            raise ValueError("the request was not made with this receiver's redirect_uri")
        self._used = True
        self._expected = request
        server = self.open()._server
        assert server is not None
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            daemon=True,
            name=f"openmtd-loopback:{self.port}",
        )
        try:
            self._thread.start()
            if not self._done.wait(timeout):
                raise LoopbackTimeout(timeout)
        finally:
            self.close()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    async def wait_async(self, request: AuthorizationRequest, *, timeout: float = 300.0) -> str:
        """:meth:`wait` in a worker thread, so an event loop keeps running meanwhile."""
        return await anyio.to_thread.run_sync(lambda: self.wait(request, timeout=timeout))

    def _answer(self, target: str) -> tuple[int, str, str, bool]:
        """The page for one GET, and whether it was the redirect (its outcome is recorded)."""
        parts = urlsplit(target)
        query = parse_qs(parts.query, keep_blank_values=True)
        if parts.path != self.path or not _CALLBACK_PARAMS.intersection(query):
            return 404, "Page not found", "This address only takes the sign-in redirect.", False
        with self._mutex:
            if self._recorded or self._expected is None:
                return 409, "Sign-in already finished", "You can close this window.", False
            self._recorded = True
            try:
                code = parse_callback(self._expected, parts.query)
            except AuthorizationDenied as error:
                self._error = error
                page: tuple[int, str, str] = (
                    200,
                    "Authority not granted",
                    "The software was not given access to your HMRC information. "
                    "You can close this window and try again from the software.",
                )
            except OAuthError as error:
                self._error = error
                page = (
                    400,
                    "Sign-in did not work",
                    "This answer did not come from the sign-in the software started, so it "
                    "was not used. Close this window and start again from the software.",
                )
            else:
                self._result = code
                page = (
                    200,
                    "You have signed in",
                    "The software now has the access you granted. "
                    "You can close this window and return to it.",
                )
        return (*page, True)
