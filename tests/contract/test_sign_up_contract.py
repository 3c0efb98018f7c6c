"""Sign-up's repositories' contract, on SQLite and PostgreSQL: subscriptions (one per NINO and
per MTDITID, atomically), income sources as Business Details, eligibility reason keys and
returns on file (both replaced per NINO and year), and a reset that empties them."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from openmtd.emulator.adapters.db.store import SqlStore
from openmtd.emulator.storage import (
    Address,
    BusinessDetails,
    ReturnOnFile,
    StoredEligibility,
    Subscription,
)

T0 = datetime(2026, 11, 26, 10, 0, 0, 123456, tzinfo=UTC)
NINO = "AA123456A"
OTHER_NINO = "AB123456C"
SUBSCRIPTION = Subscription(
    nino=NINO,
    mtditid="XJIT00000328268",
    utr="1000057161",
    tax_year="2026-27",
    signed_up_at=T0,
    paperless_at=T0,
)


def _business(business_id: str, **changes: object) -> BusinessDetails:
    details = BusinessDetails(
        business_id=business_id,
        nino=NINO,
        mtditid=SUBSCRIPTION.mtditid,
        type_of_business="self-employment",
        accounting_period_start=date(2026, 4, 6),
        accounting_period_end=date(2027, 4, 5),
        created_at=T0,
        trading_name="Ida's Plumbing",
        trading_type="Plumber",
        address=Address(line1="1 Pipe Street", line2="Leeds", postcode="TS1 1PA"),
        trading_start_date=date(2025, 1, 2),
    )
    return replace(details, **changes)  # type: ignore[arg-type]


def test_a_subscription_round_trips_by_nino_and_mtditid(store: SqlStore) -> None:
    with store.transaction() as tx:
        assert tx.subscriptions.for_nino(NINO) is None
        assert tx.subscriptions.add(SUBSCRIPTION)
        assert tx.subscriptions.for_nino(NINO) == SUBSCRIPTION
    with store.transaction() as tx:
        assert tx.subscriptions.for_nino(NINO) == SUBSCRIPTION
        assert tx.subscriptions.for_mtditid(SUBSCRIPTION.mtditid) == SUBSCRIPTION
        assert tx.subscriptions.for_mtditid("XAIT00000000000") is None


def test_a_nino_or_an_mtditid_is_subscribed_once(store: SqlStore) -> None:
    with store.transaction() as tx:
        assert tx.subscriptions.add(SUBSCRIPTION)
        assert not tx.subscriptions.add(replace(SUBSCRIPTION, mtditid="XAIT00000000001"))
        assert not tx.subscriptions.add(replace(SUBSCRIPTION, nino=OTHER_NINO))
        agent_led = replace(SUBSCRIPTION, nino=OTHER_NINO, mtditid="XAIT00000000001")
        assert tx.subscriptions.add(replace(agent_led, arn="TARN0000001", paperless_at=None))
    with store.transaction() as tx:
        assert tx.subscriptions.for_nino(NINO) == SUBSCRIPTION
        other = tx.subscriptions.for_nino(OTHER_NINO)
        assert other is not None
        assert other.arn == "TARN0000001"
        assert other.paperless_at is None


def test_two_workers_signing_the_same_person_up_leave_one_subscription(store: SqlStore) -> None:
    barrier = threading.Barrier(4)

    def attempt(number: int) -> bool:
        barrier.wait()
        with store.transaction() as tx:
            return tx.subscriptions.add(replace(SUBSCRIPTION, mtditid=f"XAIT0000000000{number}"))

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(attempt, range(4)))
    assert results.count(True) == 1


def test_income_sources_round_trip_in_the_order_added(store: SqlStore) -> None:
    property_business = _business(
        "XBIS00000000002",
        type_of_business="uk-property",
        trading_name=None,
        trading_type=None,
        address=None,
        trading_start_date=None,
        contextual_tax_year="2024-25",
    )
    with store.transaction() as tx:
        tx.business_details.add(_business("XAIS00000000001"))
        tx.business_details.add(property_business)
        tx.business_details.add(_business("XCIS00000000003", nino=OTHER_NINO))
    with store.transaction() as tx:
        held = tx.business_details.for_nino(NINO)
        assert held == [_business("XAIS00000000001"), property_business]
        assert tx.business_details.get("XBIS00000000002") == property_business
        assert tx.business_details.get("XZIS99999999999") is None
        assert [b.business_id for b in tx.business_details.for_nino(OTHER_NINO)] == [
            "XCIS00000000003"
        ]


def test_a_full_address_and_the_longest_names_are_kept(store: SqlStore) -> None:
    full = _business(
        "XAIS00000000009",
        trading_name="N" * 105,
        trading_type="T" * 35,
        address=Address("l1", "l2", "l3", "l4", "TS1 1PA", "GB"),
        cessation_date=date(2027, 1, 1),
    )
    with store.transaction() as tx:
        tx.business_details.add(full)
    with store.transaction() as tx:
        assert tx.business_details.get("XAIS00000000009") == full


def test_eligibility_is_kept_per_nino_and_year_and_replaced(store: SqlStore) -> None:
    first = StoredEligibility(NINO, "2026-27", ("Digitally Exempt",), T0)
    with store.transaction() as tx:
        assert tx.eligibility.for_nino(NINO) == []
        tx.eligibility.put(first)
        tx.eligibility.put(StoredEligibility(NINO, "2027-28", (), T0))
        tx.eligibility.put(StoredEligibility(OTHER_NINO, "2026-27", ("Death",), T0))
    later = T0 + timedelta(hours=1)
    with store.transaction() as tx:
        assert tx.eligibility.for_nino(NINO)[0] == first
        tx.eligibility.put(StoredEligibility(NINO, "2026-27", ("No Data Found", "Death"), later))
        assert tx.eligibility.for_nino(NINO) == [
            StoredEligibility(NINO, "2026-27", ("No Data Found", "Death"), later),
            StoredEligibility(NINO, "2027-28", (), T0),
        ]
    with store.transaction() as tx:
        assert [e.reason_keys for e in tx.eligibility.for_nino(NINO)] == [
            ("No Data Found", "Death"),
            (),
        ]


def test_returns_on_file_are_kept_per_nino_and_year_and_replaced(store: SqlStore) -> None:
    with store.transaction() as tx:
        tx.returns.put(ReturnOnFile(NINO, "2025-26", date(2026, 6, 1), T0))
        tx.returns.put(ReturnOnFile(NINO, "2024-25", date(2025, 6, 1), T0))
        tx.returns.put(ReturnOnFile(NINO, "2025-26", date(2026, 7, 1), T0))
    with store.transaction() as tx:
        assert tx.returns.for_nino(NINO) == [
            ReturnOnFile(NINO, "2024-25", date(2025, 6, 1), T0),
            ReturnOnFile(NINO, "2025-26", date(2026, 7, 1), T0),
        ]
        assert tx.returns.for_nino(OTHER_NINO) == []


def test_reset_empties_sign_ups_data(store: SqlStore) -> None:
    with store.transaction() as tx:
        tx.subscriptions.add(SUBSCRIPTION)
        tx.business_details.add(_business("XAIS00000000001"))
        tx.eligibility.put(StoredEligibility(NINO, "2026-27", ("Death",), T0))
        tx.returns.put(ReturnOnFile(NINO, "2025-26", date(2026, 6, 1), T0))
    store.reset()
    with store.transaction() as tx:
        assert tx.subscriptions.for_nino(NINO) is None
        assert tx.business_details.for_nino(NINO) == []
        assert tx.eligibility.for_nino(NINO) == []
        assert tx.returns.for_nino(NINO) == []
