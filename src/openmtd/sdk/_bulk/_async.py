"""Bulk ITSA status for agents (issue 11 item 7), async: many clients' statuses, one request
each.

Each client is read with one Retrieve ITSA Status call for the current tax year with
``futureYears=true``: HMRC answers that year and every later year it holds (hmrc-wire-facts
§1), the fewest calls that give the current and later years. Calls run concurrently, a bounded
number in flight, each paced by the client's rate limiter (``AsyncClient(rate_limiter=...)``):
the bulk read adds no pacing of its own, so every other caller sharing the limiter is counted
too. Results stream back as they arrive, in no promised order; a client whose read fails gives
a result carrying its typed error, and the batch goes on. It is cancellable with
:meth:`BulkItsaStatus.cancel` or by cancelling the task that reads it.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Iterable, Sized
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Final, Self

from openmtd.rules.tax_year import TaxYear
from openmtd.sdk._async_client import AsyncClient
from openmtd.sdk._errors import OpenMtdError
from openmtd.sdk._models.itsa_status import ItsaStatusResponse

__all__ = [
    "DEFAULT_MAX_IN_FLIGHT",
    "BulkItsaStatus",
    "BulkProgress",
    "ClientStatus",
    "bulk_itsa_status",
    "checked_in_flight",
    "tax_year_of",
]

#: Enough to keep a 50-per-second limit busy when a call takes a tenth of a second; more only
#: queue at the rate limiter.
DEFAULT_MAX_IN_FLIGHT: Final = 16


@dataclass(frozen=True)
class ClientStatus:
    """One client's answer: ``status`` (the typed response) or ``error`` (the typed error:
    :class:`~openmtd.sdk.NotAuthorised`, :class:`~openmtd.sdk.NotSignedUp`, ...)."""

    nino: str
    status: ItsaStatusResponse | None = None
    error: OpenMtdError | None = None

    @property
    def ok(self) -> bool:
        """True when the status was read."""
        return self.error is None


@dataclass(frozen=True)
class BulkProgress:
    """How far a bulk read is: results given so far, how many of them are errors, and the
    number of clients (None when the NINOs came from an iterator of unknown length)."""

    done: int
    total: int | None
    errors: int


def tax_year_of(tax_year: TaxYear | str | None) -> str:
    if tax_year is None:
        return str(TaxYear.at(datetime.now(UTC)))
    return str(tax_year if isinstance(tax_year, TaxYear) else TaxYear.parse(tax_year))


def checked_in_flight(max_in_flight: int) -> int:
    if isinstance(max_in_flight, bool) or not isinstance(max_in_flight, int) or max_in_flight < 1:
        raise ValueError(f"max_in_flight must be a whole number of at least 1: {max_in_flight!r}")
    return max_in_flight


class BulkItsaStatus:
    """An async iterator of :class:`ClientStatus`, one per NINO, as the answers arrive.

    Use it with ``async with`` (or call :meth:`aclose`) so that nothing is left running when
    you stop early. :meth:`cancel` (from any thread) stops it: no request starts after it, the
    calls waiting for the rate limiter are cancelled and the iteration ends.
    """

    def __init__(
        self,
        client: AsyncClient,
        ninos: Iterable[str],
        *,
        tax_year: TaxYear | str | None = None,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        progress: Callable[[BulkProgress], None] | None = None,
    ) -> None:
        self._client = client
        self._year = tax_year_of(tax_year)
        self._max = checked_in_flight(max_in_flight)
        self._total = len(ninos) if isinstance(ninos, Sized) else None
        self._ninos = iter(ninos)  # drawn one at a time: 10,000 NINOs are never all in flight
        self._progress = progress
        self._pending: set[asyncio.Task[ClientStatus]] = set()
        self._ready: deque[ClientStatus] = deque()
        self._failure: BaseException | None = None
        self._exhausted = False
        self._cancelled = False
        self._done = 0
        self._errors = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        # Bound to a loop only when first waited on (Python 3.10+), so made here.
        self._wakeup = asyncio.Event()

    @property
    def tax_year(self) -> str:
        """The tax year asked for (the current one unless given)."""
        return self._year

    def cancel(self) -> None:
        """Stop: start no more requests, cancel those not yet answered (any thread)."""
        self._cancelled = True
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            here = asyncio.get_running_loop() is loop
        except RuntimeError:
            here = False
        if here:
            self._cancel_pending()  # at once: none of them runs another step
        else:
            loop.call_soon_threadsafe(self._cancel_pending)

    async def aclose(self) -> None:
        """Cancel what is left and wait until it has stopped."""
        self.cancel()
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> ClientStatus:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        while True:
            if self._failure is not None:
                failure, self._failure = self._failure, None
                await self.aclose()
                raise failure
            if self._cancelled:
                raise StopAsyncIteration
            if self._ready:
                return self._give(self._ready.popleft())
            self._fill()
            if not self._pending:
                raise StopAsyncIteration
            self._wakeup.clear()
            await self._wakeup.wait()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    # --- internals --------------------------------------------------------------------------

    def _give(self, result: ClientStatus) -> ClientStatus:
        self._done += 1
        self._errors += not result.ok
        self._fill()  # the freed place goes to the next client before the caller's turn
        if self._progress is not None:
            self._progress(BulkProgress(self._done, self._total, self._errors))
        return result

    def _fill(self) -> None:
        # Answers not yet taken count against the bound too, so a slow reader of the results
        # holds the batch back rather than letting them pile up.
        while (
            not self._cancelled
            and not self._exhausted
            and len(self._pending) + len(self._ready) < self._max
        ):
            nino = next(self._ninos, None)
            if nino is None:
                self._exhausted = True
                return
            assert self._loop is not None
            task = self._loop.create_task(self._read(nino))
            self._pending.add(task)
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[ClientStatus]) -> None:
        self._pending.discard(task)
        if not task.cancelled():
            failure = task.exception()
            if failure is not None:  # not an HMRC answer: a bug, which must not pass quietly
                self._failure = self._failure or failure
            else:
                self._ready.append(task.result())
                self._fill()
        self._wakeup.set()

    def _cancel_pending(self) -> None:
        for task in self._pending:
            task.cancel()
        self._wakeup.set()

    async def _read(self, nino: str) -> ClientStatus:
        try:
            status = await self._client.itsa_status.retrieve(nino, self._year, future_years=True)
        except OpenMtdError as error:
            return ClientStatus(nino, error=error)
        return ClientStatus(nino, status=status)


def bulk_itsa_status(
    client: AsyncClient,
    ninos: Iterable[str],
    *,
    tax_year: TaxYear | str | None = None,
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
    progress: Callable[[BulkProgress], None] | None = None,
) -> BulkItsaStatus:
    """Read the ITSA status of every client in ``ninos`` (current tax year and later years).

    ``client`` is the agent's :class:`~openmtd.sdk.AsyncClient` (give it a ``rate_limiter``:
    the calls are paced by it). ``tax_year`` defaults to the one running today. At most
    ``max_in_flight`` calls are under way at once. ``progress(BulkProgress)`` is called after
    each result::

        async with bulk_itsa_status(client, ninos) as results:
            async for result in results:
                ...  # result.status, or result.error
    """
    return BulkItsaStatus(
        client, ninos, tax_year=tax_year, max_in_flight=max_in_flight, progress=progress
    )
