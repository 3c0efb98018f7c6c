"""The fulfilled-obligations repository's contract, on SQLite and PostgreSQL: quarterly updates
and final declarations (no business) round-trip per NINO, one per business and period
(recording one again replaces it), listed by business and period, emptied by a reset."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from openmtd.emulator.adapters.db.store import SqlStore
from openmtd.emulator.storage import FulfilledUpdate

T0 = datetime(2026, 11, 26, 10, 0, 0, 123456, tzinfo=UTC)
NINO = "AA123456A"
Q1 = FulfilledUpdate(
    nino=NINO,
    business_id="XAIS00000000001",
    period_start=date(2026, 4, 6),
    period_end=date(2026, 7, 5),
    received_on=date(2026, 8, 1),
    recorded_at=T0,
)
Q2 = replace(Q1, period_end=date(2026, 10, 5), received_on=date(2026, 11, 1))
OTHER_BUSINESS = replace(Q1, business_id="XAIS00000000000")
FINAL = replace(Q1, business_id=None, period_end=date(2027, 4, 5), received_on=date(2027, 5, 1))


def test_updates_round_trip_by_business_and_period(store: SqlStore) -> None:
    with store.transaction() as tx:
        assert tx.fulfilled_updates.for_nino(NINO) == []
        for record in (Q2, Q1, OTHER_BUSINESS, FINAL):
            tx.fulfilled_updates.put(record)
        assert tx.fulfilled_updates.for_nino(NINO) == [FINAL, OTHER_BUSINESS, Q1, Q2]
    with store.transaction() as tx:
        assert tx.fulfilled_updates.for_nino(NINO) == [FINAL, OTHER_BUSINESS, Q1, Q2]
        assert tx.fulfilled_updates.for_nino("AB123456C") == []


def test_recording_a_period_again_replaces_it(store: SqlStore) -> None:
    later = datetime(2026, 12, 1, tzinfo=UTC)
    with store.transaction() as tx:
        tx.fulfilled_updates.put(Q1)
        tx.fulfilled_updates.put(FINAL)
    with store.transaction() as tx:
        tx.fulfilled_updates.put(replace(Q1, received_on=date(2026, 9, 1), recorded_at=later))
        tx.fulfilled_updates.put(replace(FINAL, received_on=date(2027, 6, 1)))
    with store.transaction() as tx:
        assert tx.fulfilled_updates.for_nino(NINO) == [
            replace(FINAL, received_on=date(2027, 6, 1)),
            replace(Q1, received_on=date(2026, 9, 1), recorded_at=later),
        ]


def test_a_reset_empties_them(store: SqlStore) -> None:
    with store.transaction() as tx:
        tx.fulfilled_updates.put(Q1)
    store.reset()
    with store.transaction() as tx:
        assert tx.fulfilled_updates.for_nino(NINO) == []
