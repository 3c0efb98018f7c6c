"""Request bodies are bounded while they are read: an over-large body is refused with 413
before it is held in memory.

A pure ASGI middleware, because the check must happen chunk by chunk as the server hands the
body over (``Request.body()`` would read it all first) and before any route, form parser or
JSON decoder sees it. A declared ``Content-Length`` over the limit is refused without reading
a byte; a chunked or lying body is counted as it streams and refused at the first byte over.

The limits (openmtd's choices; HMRC does not publish its own) are far above what any request
the emulator serves needs: HMRC's test-support and Create Test User bodies are a few hundred
bytes, a sign-in or Developer Hub form a few kilobytes.
"""

from __future__ import annotations

from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from openmtd.emulator.web.edge import Answer, Problem, answer_for, send_answer

#: Largest body, in bytes, per kind of endpoint (by path prefix; the first match wins).
BODY_LIMITS: Final[tuple[tuple[str, int], ...]] = (
    ("/oauth/", 16 * 1024),  # the token and authorize forms
    ("/emulator/", 256 * 1024),  # the control API's JSON bodies
    ("/gg/", 64 * 1024),  # Government Gateway pages' forms
    ("/developer/", 64 * 1024),  # Developer Hub pages' forms
)
#: Every other path: the MTD APIs and their test support.
DEFAULT_BODY_LIMIT: Final = 256 * 1024
REQUEST_TOO_LARGE: Final = "REQUEST_TOO_LARGE"


def body_limit(path: str) -> int:
    for prefix, limit in BODY_LIMITS:
        if path.startswith(prefix):
            return limit
    return DEFAULT_BODY_LIMIT


class BodyTooLargeError(Exception):
    """Raised from ``receive`` when the body passes the limit (caught by :class:`BodyLimit`)."""


def too_large_envelope(limit: int) -> dict[str, str]:
    """The 413's envelope (HMRC's APIs and the control API) for a path of ``limit`` bytes."""
    return {
        "code": REQUEST_TOO_LARGE,
        "message": f"The request body is larger than this endpoint accepts ({limit} bytes)",
    }


def too_large_oauth(limit: int) -> dict[str, str]:
    """The 413's RFC 6749 body (the OAuth endpoints) for a path of ``limit`` bytes."""
    return {
        "error": "invalid_request",
        "error_description": f"The request body is larger than {limit} bytes",
    }


def _too_large(scope: Scope, limit: int) -> Answer:
    """The 413 in the shape the caller expects (built by ``web/edge.py``)."""
    return answer_for(
        scope,
        Problem(
            413,
            too_large_envelope(limit),
            too_large_oauth(limit),
            "The form is too large",
            f"What you sent is larger than this page accepts ({limit // 1024} KB). "
            "Go back and shorten it.",
            # The rest of the body is not read: the connection cannot be reused.
            {"connection": "close"},
            oauth_prefix=True,
            page_everywhere=True,
        ),
    )


class BodyLimit:
    """Refuse any request body over :func:`body_limit` with 413, without buffering it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope.get("path", ""))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await self._refuse(scope, send, limit)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLargeError:
            if started:  # pragma: no cover - a handler answered before reading its body
                raise
            await self._refuse(scope, send, limit)

    @staticmethod
    async def _refuse(scope: Scope, send: Send, limit: int) -> None:
        await send_answer(_too_large(scope, limit), send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or []:
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            # A malformed length is the server's to refuse (h11 answers 400 before us).
            return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None
    return None
