"""One contract for the SDK's token stores, run on the encrypted file store, SQLite and a real
PostgreSQL: load/save/delete, encrypted at rest, and a lock that is exclusive across threads and
across processes (a refresh's load-refresh-save never loses another's update)."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from openmtd.sdk._seams import TokenStore
from openmtd.sdk._stores._codec import TokenStoreError
from openmtd.sdk._tokens import TokenSet
from support.token_stores import StoreSpec, close, hold_lock, spec_for

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
ACCESS = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"
REFRESH = "f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1"


def tokens(access: str = ACCESS, refresh: str | None = REFRESH) -> TokenSet:
    return TokenSet(
        access_token=access,
        refresh_token=refresh,
        expires_at=NOW + timedelta(hours=4),
        scopes=("read:self-assessment", "write:self-assessment"),
        granted_at=NOW,
        authority_ends_at=NOW + timedelta(days=547),
    )


@pytest.fixture(params=["file", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def spec(request: pytest.FixtureRequest, tmp_path: Path) -> StoreSpec:
    url = request.getfixturevalue("postgres_database") if request.param == "postgres" else None
    return spec_for(request.param, tmp_path, url)


@pytest.fixture
def store(spec: StoreSpec) -> Iterator[TokenStore]:
    opened = spec.open()
    yield opened
    close(opened)


def at_rest(spec: StoreSpec) -> bytes:
    """Everything the store has written, as stored."""
    if spec.kind == "file":
        return Path(spec.location).read_bytes()
    engine = create_engine(spec.location)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT store_key, ciphertext FROM openmtd_sdk_tokens"))
            return repr(rows.all()).encode()
    finally:
        engine.dispose()


def test_it_is_a_token_store(store: TokenStore) -> None:
    assert isinstance(store, TokenStore)


def test_save_load_replace_delete(store: TokenStore) -> None:
    assert store.load("ida") is None
    store.save("ida", tokens())
    assert store.load("ida") == tokens()
    store.save("ida", tokens("b" * 32, None))
    assert store.load("ida") == tokens("b" * 32, None)
    store.save("isaac", tokens("c" * 32))
    store.delete("ida")
    assert store.load("ida") is None
    assert store.load("isaac") == tokens("c" * 32)
    store.delete("nobody")  # no error


def test_another_opening_of_the_same_store_reads_what_was_saved(
    store: TokenStore, spec: StoreSpec
) -> None:
    store.save("ida", tokens())
    again = spec.open()
    try:
        assert again.load("ida") == tokens()
    finally:
        close(again)


def test_tokens_are_encrypted_at_rest(store: TokenStore, spec: StoreSpec) -> None:
    store.save("ida", tokens())
    stored = at_rest(spec)
    assert b"ida" in stored  # the store key is a name, kept plain
    assert ACCESS.encode() not in stored
    assert REFRESH.encode() not in stored
    assert b"read:self-assessment" not in stored


def test_the_lock_is_exclusive_across_threads(store: TokenStore) -> None:
    """Each thread adds one under the lock; a lost update would leave the count short."""
    store.save("ida", tokens("0"))
    start = threading.Barrier(6)
    failures: list[BaseException] = []

    def add_one() -> None:
        try:
            start.wait(30)
            for _ in range(5):
                with store.lock("ida"):
                    current = store.load("ida")
                    assert current is not None
                    store.save("ida", tokens(str(int(current.access_token) + 1)))
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=add_one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    final = store.load("ida")
    assert final is not None
    assert final.access_token == "30"


def test_the_lock_is_exclusive_across_processes(store: TokenStore, spec: StoreSpec) -> None:
    context = multiprocessing.get_context("spawn")
    held, release = context.Event(), context.Event()
    holder = context.Process(target=hold_lock, args=(spec, "ida", held, release))
    holder.start()
    try:
        assert held.wait(60), "the other process never took the lock"
        waiting = spec.open(lock_timeout=0.2)
        try:
            with pytest.raises(TokenStoreError, match="held the"), waiting.lock("ida"):
                pytest.fail("took a lock another process holds")
            # Another key is not held by that process on these stores... except SQLite, whose
            # lock is the database's write lock.
            if spec.kind != "sqlite":
                with waiting.lock("isaac"):
                    pass
        finally:
            close(waiting)
        release.set()
        holder.join(60)
        assert holder.exitcode == 0
        with store.lock("ida"):
            store.save("ida", tokens())
        assert store.load("ida") == tokens()
    finally:
        release.set()
        holder.join(60)
        if holder.is_alive():
            holder.kill()


def test_a_save_under_the_lock_is_kept_when_it_is_released(
    store: TokenStore, spec: StoreSpec
) -> None:
    with store.lock("ida"):
        store.save("ida", tokens())
        assert store.load("ida") == tokens()
    again = spec.open()
    try:
        assert again.load("ida") == tokens()
    finally:
        close(again)


def test_a_failure_under_the_lock_releases_it(store: TokenStore) -> None:
    with pytest.raises(RuntimeError), store.lock("ida"):
        raise RuntimeError("the refresh failed")
    with store.lock("ida"):
        store.save("ida", tokens())
    assert store.load("ida") == tokens()


def test_secrets_are_in_no_repr(store: TokenStore, spec: StoreSpec) -> None:
    store.save("ida", tokens())
    for shown in (repr(store), str(store), repr(store.load("ida")), str(store.load("ida"))):
        assert ACCESS not in shown
        assert REFRESH not in shown
        for key in spec.keys:
            assert key not in shown
