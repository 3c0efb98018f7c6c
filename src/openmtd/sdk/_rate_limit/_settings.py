"""The limiter's settings (:class:`RateLimit`) and the pyrate-limiter rates they stand for.

HMRC's limit is per application and per second (3 by default; hmrc-wire-facts §0). How HMRC
counts is not published; the emulator counts fixed one-second windows of wall-clock time
(``int(time.time())``), every request that reaches it, throttled or not. The limiter must keep
both from throttling a client it paces, so it guarantees the stronger property, which holds for
any way of counting: **never more than N acquisitions in any interval of 1 s + margin**. A
request's arrival lags its acquisition by a delay that varies (the event loop, the network,
the server's queue); as long as that delay varies by less than the margin, no one-second
interval, aligned or sliding, sees more than N arrivals.

Two sliding-window rates give that (pyrate-limiter's SlidingWindowLog, one entry per request):

- ``Rate(N, 999 + margin_ms)``: pyrate-limiter admits the next request 1 ms after an entry
  leaves the window (its lower bound is inclusive), so requests *i* and *i + N* are always at
  least 1000 ms + margin apart.
- ``Rate(k, 1000·k/N - 2)`` with ``k = N // 10`` (at least 1): the N requests of a second are
  spread in ten small groups instead of one burst (- 2: the inclusive bound's 1 ms and the 1 ms
  the limiter adds to each wait bring a group's slot back to 1000·k/N, so this rate never
  paces slower than N a second and the window above decides). A burst of N queues at the
  server, and the last of the burst arrives later than the first by the whole queue: that
  spread is the delay variation the margin must cover. Small groups keep it to a few
  milliseconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pyrate_limiter import Rate

__all__ = ["DEFAULT_REQUESTS_PER_SECOND", "RateLimit"]

#: HMRC's standard limit per application (hmrc-wire-facts §0).
DEFAULT_REQUESTS_PER_SECOND = 3
#: Beyond this the sub-window of the spreading rate would fall under pyrate-limiter's 1 ms.
MAX_REQUESTS_PER_SECOND = 1000
#: More margin than a second halves the rate: surely a mistake in the settings.
MAX_MARGIN_S = 1.0


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"RateLimit: {name} must be a finite number of seconds, not {value!r}")
    return float(value)


@dataclass(frozen=True)
class RateLimit:
    """How fast one application may call HMRC, and how it backs off when told to slow down.

    - ``requests_per_second``: the application's limit (HMRC's default is 3; the emulator's
      is the application's ``rateLimitPerSecond``). A whole number from 1 to 1000.
    - ``margin``: seconds added to each one-second window, covering how much the delay from
      "may send" to "counted by HMRC" varies between requests (default 10 ms; the rate paced is
      N per 1 s + margin).
    - ``backoff`` / ``max_backoff``: after a 429 without ``Retry-After``, every caller waits
      ``backoff`` seconds, doubling for each further 429 that follows a wait, up to
      ``max_backoff``. A 429 with ``Retry-After`` waits exactly that long.
    """

    requests_per_second: int = DEFAULT_REQUESTS_PER_SECOND
    margin: float = 0.010
    backoff: float = 1.0
    max_backoff: float = 60.0

    def __post_init__(self) -> None:
        per_second = self.requests_per_second
        if (
            isinstance(per_second, bool)
            or not isinstance(per_second, int)
            or not 1 <= per_second <= MAX_REQUESTS_PER_SECOND
        ):
            raise ValueError(
                "RateLimit: requests_per_second must be a whole number from 1 to "
                f"{MAX_REQUESTS_PER_SECOND}, not {per_second!r}"
            )
        if not 0 <= _number("margin", self.margin) <= MAX_MARGIN_S:
            raise ValueError(
                f"RateLimit: margin must be from 0 to {MAX_MARGIN_S} seconds, not {self.margin!r}"
            )
        if _number("backoff", self.backoff) <= 0:
            raise ValueError(
                f"RateLimit: backoff must be more than 0 seconds, not {self.backoff!r}"
            )
        if _number("max_backoff", self.max_backoff) < self.backoff:
            raise ValueError(
                f"RateLimit: max_backoff ({self.max_backoff!r}) must be at least backoff "
                f"({self.backoff!r})"
            )

    def rates(self) -> list[Rate]:
        """The pyrate-limiter rates that pace this limit (see the module's docstring)."""
        per_second = self.requests_per_second
        window = Rate(per_second, 999 + round(self.margin * 1000))
        group = max(1, per_second // 10)
        if group >= per_second:  # one request a second: the window alone spreads them
            return [window]
        return [Rate(group, 1000 * group // per_second - 2), window]
