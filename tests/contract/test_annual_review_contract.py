"""The annual review's storage and the review itself, on SQLite and PostgreSQL: batches that
hold every customer once, in NINO order, whichever table holds them; statuses in their order;
incomes pivoted per year; bulk writes read back as ITSA statuses; and the review's decisions
(rollover, the three-year exit, opting out and in, idempotence) end to end."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from openmtd.emulator import annual_review
from openmtd.emulator.adapters.db.store import SqlStore
from openmtd.emulator.storage import ReturnOnFile, StoredStatus, Subscription
from openmtd.rules.itsa_status import ItsaStatus
from openmtd.rules.tax_year import TaxYear

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
YEAR = TaxYear(2027)
INCOME_YEARS = ["2026-27", "2025-26", "2024-25"]


def _return(store: SqlStore, nino: str, year: str, income: str) -> None:
    amount = Decimal(income)
    with store.transaction() as tx:
        tx.returns.put(
            ReturnOnFile(nino, year, date(2026, 6, 1), T0, amount, Decimal(0), Decimal(0), amount)
        )


def _status(
    store: SqlStore,
    nino: str,
    year: str,
    status: str,
    reason: str = "CESA SA return",
    *,
    at: datetime = T0,
    income: Decimal | None = None,
) -> None:
    with store.transaction() as tx:
        tx.itsa_statuses.add(StoredStatus(nino, year, at, status, reason, income))


def _subscribe(store: SqlStore, nino: str, mtditid: str = "XAIT00000000001") -> None:
    with store.transaction() as tx:
        assert tx.subscriptions.add(Subscription(nino, mtditid, "1000057161", "2026-27", T0))


def _review(
    store: SqlStore, batch_size: int = annual_review.BATCH_SIZE
) -> annual_review.ReviewOutcome:
    with store.transaction() as tx:
        return annual_review.run(tx, YEAR, NOW, batch_size)


def _latest(store: SqlStore, nino: str, year: str = "2027-28") -> tuple[object, ...] | None:
    with store.transaction() as tx:
        held = [r for r in tx.itsa_statuses.for_nino(nino) if r.tax_year == year]
    if not held:
        return None
    last = held[-1]
    return last.status, last.status_reason, last.business_income_2_years_prior


# --- the repository ------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [1, 2, 3, 1000])
def test_batches_hold_every_customer_once_in_nino_order(store: SqlStore, size: int) -> None:
    _status(store, "AA000001A", "2026-27", "Annual")
    _status(store, "AA000001A", "2026-27", "MTD Voluntary", at=T0 + timedelta(seconds=1))
    _subscribe(store, "AA000002A")
    _return(store, "AA000003A", "2019-20", "10")  # a return for a year not asked about
    _return(store, "AA000004A", "2025-26", "40000.01")
    _return(store, "AA000004A", "2024-25", "30000")
    _status(store, "AA000004A", "2025-26", "Annual")
    _subscribe(store, "AA000005A", "XAIT00000000002")
    _status(store, "AA000005A", "2028-29", "Annual")  # after the year reviewed: left out

    with store.transaction() as tx:
        batches = list(tx.annual_review.batches("2027-28", INCOME_YEARS, size))

    ninos = [nino for batch in batches for nino in batch.ninos]
    assert ninos == ["AA000001A", "AA000002A", "AA000003A", "AA000004A", "AA000005A"]
    merged = {
        nino: (
            list(batch.statuses.get(nino, [])),
            nino in batch.subscribed,
            batch.incomes.get(nino),
        )
        for batch in batches
        for nino in batch.ninos
    }
    assert merged == {
        "AA000001A": (
            [
                ("2026-27", "Annual", "CESA SA return", None),
                ("2026-27", "MTD Voluntary", "CESA SA return", None),
            ],
            False,
            None,
        ),
        "AA000002A": ([], True, None),
        "AA000003A": ([], False, (None, None, None)),
        "AA000004A": (
            [("2025-26", "Annual", "CESA SA return", None)],
            False,
            (None, Decimal("40000.01"), Decimal("30000.00")),
        ),
        "AA000005A": ([], True, None),
    }
    if size == 1:
        assert len(batches) == 5


def test_statuses_come_by_year_then_submitted_on(store: SqlStore) -> None:
    _status(store, "AA000001A", "2026-27", "MTD Mandated", at=T0 + timedelta(hours=1))
    _status(store, "AA000001A", "2026-27", "Annual", at=T0)
    _status(store, "AA000001A", "2025-26", "MTD Voluntary", at=T0 + timedelta(days=9))

    with store.transaction() as tx:
        (batch,) = tx.annual_review.batches("2027-28", INCOME_YEARS, 10)

    assert [status for _, status, _, _ in batch.statuses["AA000001A"]] == [
        "MTD Voluntary",
        "Annual",
        "MTD Mandated",
    ]


def test_records_are_added_in_bulk_and_read_as_itsa_statuses(store: SqlStore) -> None:
    records = [
        ("AA000001A", "MTD Mandated", "CESA SA return", Decimal("50000.01")),
        ("AA000002A", "Annual", "Rollover", None),
    ]
    with store.transaction() as tx:
        tx.annual_review.add_statuses("2027-28", NOW, records)
        tx.annual_review.add_statuses("2027-28", NOW, [])

    with store.transaction() as tx:
        (first,) = tx.itsa_statuses.for_nino("AA000001A")
        (second,) = tx.itsa_statuses.for_nino("AA000002A")
    assert first == StoredStatus(
        "AA000001A", "2027-28", NOW, "MTD Mandated", "CESA SA return", Decimal("50000.01"), None
    )
    assert second.business_income_2_years_prior is None
    assert second.submitted_on == NOW


# --- the review, end to end -----------------------------------------------------------------------
def test_customers_are_decided_from_the_return_two_years_before(store: SqlStore) -> None:
    _return(store, "AA000001A", "2025-26", "30000.01")  # over 2027-28's £30,000
    _return(store, "AA000002A", "2025-26", "30000")  # exactly on it: not over
    _status(store, "AA000003A", "2026-27", "MTD Voluntary")  # no return: rollover
    _subscribe(store, "AA000004A")  # nothing to decide

    outcome = _review(store, batch_size=1)

    assert _latest(store, "AA000001A") == ("MTD Mandated", "CESA SA return", Decimal("30000.01"))
    assert _latest(store, "AA000002A") == ("Annual", "CESA SA return", Decimal("30000.00"))
    assert _latest(store, "AA000003A") == ("MTD Voluntary", "Rollover", None)
    assert _latest(store, "AA000004A") is None
    assert outcome.reviewed == 4
    assert outcome.recorded == 3
    assert outcome.undecided == 1
    assert outcome.status_counts[ItsaStatus.MANDATED] == 1
    assert outcome.status_counts[ItsaStatus.ANNUAL] == 1
    assert outcome.status_counts[ItsaStatus.VOLUNTARY] == 1
    assert ItsaStatus.NO_STATUS not in outcome.status_counts


def test_a_mandated_customer_leaves_after_three_years_at_or_below(store: SqlStore) -> None:
    for nino in ("AA000001A", "AA000002A"):
        _status(store, nino, "2026-27", "MTD Mandated")
        _return(store, nino, "2025-26", "25000")  # decides 2027-28: at or below £30,000
        _return(store, nino, "2024-25", "40000")  # decides 2026-27: at or below £50,000
    _return(store, "AA000001A", "2026-27", "20000")  # decides 2028-29: at or below £20,000

    _review(store)

    assert _latest(store, "AA000001A") == ("MTD Voluntary", "CESA SA return", Decimal(25000))
    # N-1's figure is missing: not below, so still mandated.
    assert _latest(store, "AA000002A") == ("MTD Mandated", "CESA SA return", Decimal(25000))


def test_opting_out_and_back_in_is_read_from_the_latest_choice(store: SqlStore) -> None:
    for number, nino in enumerate(("AA000001A", "AA000002A", "AA000003A"), start=1):
        _subscribe(store, nino, f"XAIT0000000000{number}")
        _return(store, nino, "2025-26", "10000")
        _status(store, nino, "2024-25", "MTD Voluntary", "Sign up - return available")
    _status(store, "AA000001A", "2025-26", "Annual", "MTD ITSA Opt-Out")
    _status(store, "AA000001A", "2026-27", "Annual", "CESA SA return")
    _status(store, "AA000002A", "2025-26", "Annual", "MTD ITSA Opt-Out")
    _status(store, "AA000002A", "2026-27", "MTD Voluntary", "MTD ITSA Opt-In")
    _status(store, "AA000003A", "2026-27", "Annual", "CESA SA return")

    _review(store)

    assert _latest(store, "AA000001A") == ("Annual", "CESA SA return", Decimal(10000))
    assert _latest(store, "AA000002A") == ("MTD Voluntary", "CESA SA return", Decimal(10000))
    # Signed up and never opted out: voluntary, whatever last year's record says.
    assert _latest(store, "AA000003A") == ("MTD Voluntary", "CESA SA return", Decimal(10000))


def test_statuses_are_read_with_hmrcs_rollover_and_the_legacy_name(store: SqlStore) -> None:
    _status(store, "AA000001A", "2025-26", "MTD Exempt", "Capacitor")
    _status(store, "AA000001A", "2026-27", "No Status")  # inherits 2025-26
    _status(store, "AA000002A", "2026-27", "Non Digital", "Digitally Exempt")
    _status(store, "AA000003A", "2026-27", "not a status")  # left out: nothing to decide
    _status(store, "AA000004A", "2026-27", "MTD Voluntary", at=T0)
    _status(store, "AA000004A", "2026-27", "garbage", at=T0 + timedelta(hours=1))
    _status(store, "AA000005A", "2026-28", "MTD Voluntary")  # a year written by hand

    outcome = _review(store)

    assert _latest(store, "AA000001A") == ("MTD Exempt", "Rollover", None)
    assert _latest(store, "AA000002A") == ("Digitally Exempt", "Rollover", None)
    assert _latest(store, "AA000003A") is None
    assert _latest(store, "AA000004A") == ("MTD Voluntary", "Rollover", None)
    assert _latest(store, "AA000005A") is None
    assert outcome.undecided == 2


def test_a_second_review_changes_nothing_and_a_changed_return_one_record(store: SqlStore) -> None:
    _return(store, "AA000001A", "2025-26", "30000.01")
    _return(store, "AA000002A", "2025-26", "100")
    for year in ("2026-27", "2027-28"):
        _status(store, "AA000003A", year, "MTD Voluntary", "Sign up - no return available")
    first = _review(store, batch_size=2)
    with store.transaction() as tx:
        before = [tx.itsa_statuses.for_nino(f"AA00000{n}A") for n in (1, 2, 3)]

    second = _review(store, batch_size=1)
    with store.transaction() as tx:
        after = [tx.itsa_statuses.for_nino(f"AA00000{n}A") for n in (1, 2, 3)]
    _return(store, "AA000002A", "2025-26", "100.01")
    third = _review(store)

    assert first.recorded == 3  # sign-up's record for the year is superseded by a rollover
    assert second.recorded == 0
    assert after == before
    assert second.status_counts == first.status_counts
    assert third.recorded == 1
    assert _latest(store, "AA000002A") == ("Annual", "CESA SA return", Decimal("100.01"))
