"""uvicorn's HTTP/1.1 protocol with deadlines, so a slow client cannot hold a connection.

uvicorn times out only an idle keep-alive connection *after* a response; a client that opens a
connection and trickles its request head (or its body) a byte at a time holds it, and a
worker's file descriptors, for as long as it likes ("slowloris"). No server option bounds
that, so this subclass of uvicorn's h11 protocol adds two timers, written by hand because no
library does it for uvicorn:

- the request head (request line and headers) must arrive within :data:`HEAD_TIMEOUT_S` of its
  first byte (or of the connection opening);
- the body within :data:`BODY_TIMEOUT_S` of the head.

On a deadline the client gets ``408 Request Timeout`` with ``Connection: close`` and the
connection is closed; a route that was reading the body sees the client disconnect. The head's
size is bounded by uvicorn (``h11_max_incomplete_event_size``) and the body's by
``web/limits.py``. The values are openmtd's choice and can be changed here.
"""

from __future__ import annotations

import asyncio
from typing import Final

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

HEAD_TIMEOUT_S: Final = 10.0
BODY_TIMEOUT_S: Final = 30.0

#: The 408's body (plain text: it is sent before any route, whatever the path).
TIMEOUT_TEXT: Final = "The request took too long to send."
_REQUEST_TIMEOUT: Final = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\ncontent-length: %d\r\n\r\n%s"
    % (len(TIMEOUT_TEXT.encode()), TIMEOUT_TEXT.encode())
)


class BoundedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, with a deadline for each request's head and body."""

    head_timeout: float = HEAD_TIMEOUT_S
    body_timeout: float = BODY_TIMEOUT_S

    _deadline: asyncio.TimerHandle | None = None
    _waiting_for: str = ""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm("head", self.head_timeout)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._follow()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # Between requests uvicorn's keep-alive timeout applies; a pipelined request that is
        # already in is followed again.
        self._disarm()
        if self.conn.their_state is h11.SEND_BODY:
            self._arm("body", self.body_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _follow(self) -> None:
        """Arm, move or drop the deadline for what the client is sending now."""
        state = self.conn.their_state
        if state is h11.IDLE:
            # Part of a request head is in (or nothing yet): its clock runs from the first byte.
            if self._waiting_for != "head":
                self._arm("head", self.head_timeout)
        elif state is h11.SEND_BODY:
            if self._waiting_for != "body":
                self._arm("body", self.body_timeout)
        else:  # the request is complete (or the connection is ending): nothing to wait for
            self._disarm()

    def _arm(self, what: str, seconds: float) -> None:
        self._disarm()
        self._waiting_for = what
        self._deadline = self.loop.call_later(seconds, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = None
        self._waiting_for = ""

    def _too_slow(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if cycle is None or cycle.response_complete or not cycle.response_started:
            self.transport.write(_REQUEST_TIMEOUT)
        self.transport.close()
