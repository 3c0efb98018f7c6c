"""The sign-in attempts repository's contract (wrong passwords per typed user ID, known or not),
on SQLite and PostgreSQL: counting, locking, clearing, expiry, atomic counting across threads,
and migration 0004 carrying the accounts' own counters over."""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import MetaData, Table, insert, select

from openmtd.emulator.adapters.db.engine import create_database_engine, migrate
from openmtd.emulator.adapters.db.store import SqlStore
from openmtd.emulator.gateway.accounts import attempts_key
from openmtd.emulator.storage import SignInAttempts

T0 = datetime(2026, 11, 26, 10, 0, 0, 123456, tzinfo=UTC)
KEY = "a" * 64
OTHER = "b" * 64


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_nothing_is_held_for_a_user_id_never_counted(store: SqlStore) -> None:
    with store.transaction() as tx:
        assert tx.sign_in_attempts.get(KEY, T0) is None


def test_failures_count_up_and_round_trip(store: SqlStore) -> None:
    with store.transaction() as tx:
        assert tx.sign_in_attempts.count_failure(KEY, T0, at(100)) == 1
    with store.transaction() as tx:
        assert tx.sign_in_attempts.count_failure(KEY, at(10), at(200)) == 2
        assert tx.sign_in_attempts.count_failure(OTHER, at(10), at(200)) == 1
    with store.transaction() as tx:
        assert tx.sign_in_attempts.get(KEY, at(20)) == SignInAttempts(KEY, 2, at(200), None)
        assert tx.sign_in_attempts.get(OTHER, at(20)) == SignInAttempts(OTHER, 1, at(200), None)


def test_a_lock_starts_the_count_again_and_expires_with_itself(store: SqlStore) -> None:
    with store.transaction() as tx:
        tx.sign_in_attempts.count_failure(KEY, T0, at(100))
        tx.sign_in_attempts.lock(KEY, at(900))
    with store.transaction() as tx:
        assert tx.sign_in_attempts.get(KEY, at(899)) == SignInAttempts(KEY, 0, at(900), at(900))
        assert tx.sign_in_attempts.get(KEY, at(900)) is None


def test_an_expired_record_is_not_seen_and_counting_starts_again(store: SqlStore) -> None:
    with store.transaction() as tx:
        for _ in range(3):
            tx.sign_in_attempts.count_failure(KEY, T0, at(100))
        tx.sign_in_attempts.lock(KEY, at(50))
    with store.transaction() as tx:
        assert tx.sign_in_attempts.get(KEY, at(100)) is None
        # Past its expiry the record restarts at 1 and loses its lock.
        assert tx.sign_in_attempts.count_failure(KEY, at(100), at(300)) == 1
        assert tx.sign_in_attempts.get(KEY, at(101)) == SignInAttempts(KEY, 1, at(300), None)


def test_clear_forgets_one_user_id(store: SqlStore) -> None:
    with store.transaction() as tx:
        tx.sign_in_attempts.count_failure(KEY, T0, at(100))
        tx.sign_in_attempts.count_failure(OTHER, T0, at(100))
        tx.sign_in_attempts.clear(KEY)
        tx.sign_in_attempts.clear("c" * 64)  # nothing to clear: no error
    with store.transaction() as tx:
        assert tx.sign_in_attempts.get(KEY, T0) is None
        assert tx.sign_in_attempts.get(OTHER, T0) is not None


def test_forget_expired_deletes_only_expired_records(store: SqlStore) -> None:
    with store.transaction() as tx:
        tx.sign_in_attempts.count_failure(KEY, T0, at(100))
        tx.sign_in_attempts.count_failure(OTHER, T0, at(200))
    with store.transaction() as tx:
        assert tx.sign_in_attempts.forget_expired(at(100)) == 1
        assert tx.sign_in_attempts.forget_expired(at(100)) == 0
    with store.transaction() as tx:
        assert tx.sign_in_attempts.count_failure(KEY, at(150), at(300)) == 1
        assert tx.sign_in_attempts.count_failure(OTHER, at(150), at(300)) == 2


def test_counting_is_atomic_between_threads(store: SqlStore) -> None:
    contenders = 6
    start = threading.Barrier(contenders)

    def attempt() -> int:
        start.wait(timeout=10)
        with store.transaction() as tx:
            return tx.sign_in_attempts.count_failure(KEY, T0, at(100))

    with ThreadPoolExecutor(contenders) as pool:
        futures = [pool.submit(attempt) for _ in range(contenders)]
        counts = [future.result(timeout=60) for future in futures]
    assert sorted(counts) == list(range(1, contenders + 1))
    with store.transaction() as tx:
        record = tx.sign_in_attempts.get(KEY, T0)
    assert record is not None
    assert record.failures == contenders


def test_reset_forgets_every_count(store: SqlStore) -> None:
    with store.transaction() as tx:
        tx.sign_in_attempts.count_failure(KEY, T0, at(100))
    store.reset()
    with store.transaction() as tx:
        assert tx.sign_in_attempts.get(KEY, T0) is None


# --- migration 0004 ----------------------------------------------------------------------------
def _account_row(
    group: int, user_id: str, failures: int, locked: datetime | None
) -> dict[str, object]:
    return {
        "user_id": user_id,
        "password_hash": "x",
        "group_pk": group,
        "credential_role": "User",
        "confidence_level": 50,
        "first_name": "A",
        "last_name": "B",
        "email": "a@example.com",
        "created_at": T0,
        "address_line1": "",
        "address_line2": "",
        "address_line3": "",
        "address_line4": "",
        "postcode": "",
        "country_code": "GB",
        "failed_password_attempts": failures,
        "password_locked_until": locked,
        "failed_two_step_attempts": 0,
    }


def test_0004_carries_the_accounts_counters_over_keyed_by_the_user_ids_hash(
    database_url: str,
) -> None:
    engine = create_database_engine(database_url)
    now = datetime.now(UTC)
    later = (now + timedelta(minutes=10)).replace(microsecond=0)
    try:
        migrate(engine, "0003")
        metadata = MetaData()
        metadata.reflect(bind=engine)
        groups: Table = metadata.tables["gg_groups"]
        accounts: Table = metadata.tables["gg_accounts"]
        with engine.begin() as connection:
            group = connection.execute(
                insert(groups)
                .values(group_id="G-1", affinity_group="Individual")
                .returning(groups.c.id)
            ).scalar_one()
            connection.execute(
                insert(accounts),
                [
                    _account_row(group, "100000000001", 3, None),
                    _account_row(group, "100000000002", 0, later),
                    _account_row(group, "100000000003", 0, None),
                    _account_row(group, "100000000004", 0, now - timedelta(hours=1)),
                ],
            )
        migrate(engine, "0004")
        with engine.connect() as connection:
            left = connection.execute(
                select(accounts.c.failed_password_attempts, accounts.c.password_locked_until)
            ).all()
        assert {tuple(row) for row in left} == {(0, None)}
        migrate(engine)  # 0009 drops the columns 0004 emptied
    finally:
        engine.dispose()
    store = SqlStore.open(database_url)
    try:
        with store.transaction() as tx:
            counted = tx.sign_in_attempts.get(attempts_key("100000000001"), now)
            locked = tx.sign_in_attempts.get(attempts_key("100000000002"), now)
            assert tx.sign_in_attempts.get(attempts_key("100000000003"), now) is None
            assert tx.sign_in_attempts.get(attempts_key("100000000004"), now) is None
        assert counted is not None
        assert counted.failures == 3
        assert counted.locked_until is None
        assert counted.expires_at > now + timedelta(hours=23)
        assert locked == SignInAttempts(attempts_key("100000000002"), 0, later, later)
    finally:
        store.close()


def test_the_key_is_a_sha256_of_the_user_id_and_never_the_id() -> None:
    key = attempts_key("100000000001")
    assert key == hashlib.sha256(b"gg-user-id:100000000001").hexdigest()
    assert "100000000001" not in key
