"""Bulk ITSA status for code that is not async: :func:`bulk_itsa_status_sync` runs
:func:`~openmtd.sdk._bulk._async.bulk_itsa_status` on an event loop in a thread of its own and
hands the results over through a bounded queue, so they stream and never pile up."""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable, Iterable, Sized
from types import TracebackType
from typing import Final, Self

from openmtd.rules.tax_year import TaxYear
from openmtd.sdk._async_client import AsyncClient
from openmtd.sdk._bulk._async import (
    DEFAULT_MAX_IN_FLIGHT,
    BulkItsaStatus,
    BulkProgress,
    ClientStatus,
    bulk_itsa_status,
    checked_in_flight,
    tax_year_of,
)

__all__ = ["BulkItsaStatusSync", "bulk_itsa_status_sync"]

#: How often a producer whose consumer has not caught up looks again.
_QUEUE_POLL_S: Final = 0.01


class _End:
    """Put on the queue last, with the failure that ended the read, if any."""

    def __init__(self, failure: BaseException | None = None) -> None:
        self.failure = failure


class BulkItsaStatusSync:
    """The sync form of :class:`BulkItsaStatus`: an iterator of :class:`ClientStatus`.

    The read runs on an event loop in a thread of its own, with a client made there by
    ``make_client`` (and closed there). Use it with ``with`` (or call :meth:`close`) when you
    may stop early; :meth:`cancel` may be called from any thread. ``progress`` is called in
    the thread that iterates.
    """

    def __init__(
        self,
        make_client: Callable[[], AsyncClient],
        ninos: Iterable[str],
        *,
        tax_year: TaxYear | str | None = None,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        progress: Callable[[BulkProgress], None] | None = None,
    ) -> None:
        self._make_client = make_client
        self._ninos = ninos
        self._year = tax_year_of(tax_year)
        self._max = checked_in_flight(max_in_flight)
        self._total = len(ninos) if isinstance(ninos, Sized) else None
        self._progress = progress
        self._queue: queue.Queue[ClientStatus | _End] = queue.Queue(maxsize=self._max)
        self._reader: BulkItsaStatus | None = None
        self._ready = threading.Event()  # the reader exists (cancel() needs it)
        self._thread: threading.Thread | None = None
        self._cancelled = False
        self._finished = False
        self._done = 0
        self._errors = 0

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> ClientStatus:
        if self._finished or self._cancelled:
            self.close()
            raise StopIteration
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="openmtd-bulk", daemon=True)
            self._thread.start()
        item = self._queue.get()
        if isinstance(item, _End):
            self._finish()
            if item.failure is not None:
                raise item.failure
            raise StopIteration
        self._done += 1
        self._errors += not item.ok
        if self._progress is not None:
            self._progress(BulkProgress(self._done, self._total, self._errors))
        return item

    def cancel(self) -> None:
        """Stop: no request starts after this; iteration ends (any thread)."""
        self._cancelled = True
        if self._thread is not None:
            self._ready.wait()
            assert self._reader is not None
            self._reader.cancel()

    def close(self) -> None:
        """Cancel what is left and wait for the read's thread to end."""
        self.cancel()
        if self._thread is not None and not self._finished:
            while not isinstance(self._queue.get(), _End):
                pass  # results no one will read, taken so the producer is not kept waiting
            self._finish()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _finish(self) -> None:
        self._finished = True
        assert self._thread is not None
        self._thread.join()

    def _run(self) -> None:
        asyncio.run(self._pump())

    async def _pump(self) -> None:
        failure: BaseException | None = None
        try:
            async with self._make_client() as client:
                self._reader = bulk_itsa_status(
                    client, self._ninos, tax_year=self._year, max_in_flight=self._max
                )
                self._ready.set()
                if self._cancelled:
                    self._reader.cancel()
                async with self._reader as results:
                    async for result in results:
                        await self._put(result)
        except Exception as error:  # handed to the iterating thread, raised there
            failure = error
        finally:
            self._ready.set()
            await self._put(_End(failure))

    async def _put(self, item: ClientStatus | _End) -> None:
        # Never block the loop on a full queue: the calls in flight must go on being served.
        while True:
            try:
                self._queue.put_nowait(item)
            except queue.Full:
                await asyncio.sleep(_QUEUE_POLL_S)
            else:
                return


def bulk_itsa_status_sync(
    make_client: Callable[[], AsyncClient],
    ninos: Iterable[str],
    *,
    tax_year: TaxYear | str | None = None,
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
    progress: Callable[[BulkProgress], None] | None = None,
) -> BulkItsaStatusSync:
    """:func:`bulk_itsa_status` for code that is not async::

        with bulk_itsa_status_sync(lambda: AsyncClient(...), ninos) as results:
            for result in results:
                ...

    ``make_client`` is called once, in the read's own thread; the client is closed there.
    """
    return BulkItsaStatusSync(
        make_client, ninos, tax_year=tax_year, max_in_flight=max_in_flight, progress=progress
    )
