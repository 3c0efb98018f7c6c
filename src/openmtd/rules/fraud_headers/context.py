"""What a header's check may need besides the value: the connection method and the clock,
and the span of clock readings its verdict holds for (so the validator can reuse it)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from threading import Lock
from typing import Final

from openmtd.rules.fraud_headers.results import HeaderResult
from openmtd.rules.fraud_headers.spec import ConnectionMethod

_EARLIEST: Final = datetime.min.replace(tzinfo=UTC)
_LATEST: Final = datetime.max.replace(tzinfo=UTC)
_TICK: Final = timedelta(microseconds=1)


def _shifted(moment: datetime, delta: timedelta) -> datetime:
    try:
        return moment + delta
    except OverflowError:
        return _EARLIEST if delta < timedelta(0) else _LATEST


@dataclass(slots=True)
class Context:
    """What a check may need besides the value: the connection method and the clock.

    A check compares with the clock only through :meth:`ahead` and :meth:`older`, which also
    narrow ``[holds_from, holds_until)``: the clock readings for which every comparison made so
    far gives the same answer, so the validator can reuse a verdict while the clock is in it.
    """

    method: ConnectionMethod | None
    now: datetime
    holds_from: datetime = _EARLIEST
    holds_until: datetime = _LATEST

    def ahead(self, moment: datetime, by: timedelta) -> bool:
        """``moment - now > by``: true exactly while the clock is before ``moment - by``."""
        edge = _shifted(moment, -by)
        return self._before(edge)

    def older(self, moment: datetime, age: timedelta) -> bool:
        """``now - moment > age``: true exactly from ``moment + age`` plus a microsecond."""
        edge = _shifted(_shifted(moment, age), _TICK)
        return not self._before(edge)

    def _before(self, edge: datetime) -> bool:
        if self.now < edge:
            self.holds_until = min(self.holds_until, edge)
            return True
        self.holds_from = max(self.holds_from, edge)
        return False


#: A verdict's key: the header's name, its value (None: not sent), the connection method.
VerdictKey = tuple[str, str | None, ConnectionMethod | None]


class ClockedVerdicts:
    """A bounded LRU of verdicts on headers whose check reads the clock, each kept with the
    span of clock readings it holds for (``Context.holds_from`` to ``holds_until``); shared
    by the server's threads."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._kept: OrderedDict[VerdictKey, tuple[HeaderResult, datetime, datetime]] = OrderedDict()
        self._lock = Lock()

    def get(self, key: VerdictKey, now: datetime) -> HeaderResult | None:
        with self._lock:
            kept = self._kept.get(key)
            if kept is None or not kept[1] <= now < kept[2]:
                return None
            self._kept.move_to_end(key)
            return kept[0]

    def put(self, key: VerdictKey, result: HeaderResult, context: Context) -> None:
        with self._lock:
            self._kept[key] = (result, context.holds_from, context.holds_until)
            self._kept.move_to_end(key)
            if len(self._kept) > self._size:
                self._kept.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
