"""The emulator's clock: real time plus an offset every worker shares.

``POST /emulator/clock`` moves the offset (stored in the database), so every expiry (codes,
tokens, sessions, lockouts, grants) follows it, across all server workers. Services read it
inside their own transaction with :meth:`EmulatorClock.now_in`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from openmtd.emulator.storage import Store, Transaction
from openmtd.rules.clock import Clock, SystemClock


class EmulatorClock:
    """Real (or injected) time, shifted by the emulator's shared offset."""

    def __init__(self, store: Store, base: Clock | None = None) -> None:
        self._store = store
        self._base = base or SystemClock()

    def now_in(self, tx: Transaction) -> datetime:
        """The emulator's time, read within an open transaction."""
        return self.at_offset(tx.clock.offset_seconds())

    def at_offset(self, offset_seconds: float) -> datetime:
        """The emulator's time for an offset just read from the database (the API platform
        reads it in the same statement as the caller's token, sparing a read per call)."""
        return self._base.now() + timedelta(seconds=offset_seconds)

    def now(self) -> datetime:
        with self._store.transaction() as tx:
            return self.now_in(tx)

    def set(self, instant: datetime) -> datetime:
        """Make the emulator's time ``instant`` (time keeps running from there)."""
        if instant.utcoffset() is None:
            raise ValueError("the clock needs a timezone-aware time")
        with self._store.transaction() as tx:
            tx.clock.set_offset_seconds((instant - self._base.now()).total_seconds())
            return self.now_in(tx)

    def advance(self, seconds: float) -> datetime:
        """Move the emulator's time forward (or back, when negative)."""
        with self._store.transaction() as tx:
            tx.clock.set_offset_seconds(tx.clock.offset_seconds() + seconds)
            return self.now_in(tx)
