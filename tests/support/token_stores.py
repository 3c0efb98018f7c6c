"""Token stores described by a picklable :class:`StoreSpec`, so another process (a
``multiprocessing`` spawn child) can open the same store: the file store, SQLite or PostgreSQL.

:func:`hold_lock` is a child's body for the contract's cross-process lock test.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

from openmtd.sdk._seams import TokenStore
from openmtd.sdk._stores import EncryptedFileStore, SqlTokenStore

KINDS = ("file", "sqlite", "postgres")


@dataclass(frozen=True)
class StoreSpec:
    kind: str
    location: str  # a file path (file) or a SQLAlchemy URL (sqlite, postgres)
    keys: tuple[str, ...] = ()

    def open(self, **options: Any) -> TokenStore:
        if self.kind == "file":
            return EncryptedFileStore(self.location, use_keyring=False, **options)
        return SqlTokenStore(self.location, keys=list(self.keys), **options)


def spec_for(kind: str, tmp_path: Path, postgres_url: str | None = None) -> StoreSpec:
    if kind == "file":
        return StoreSpec("file", str(tmp_path / "tokens.json"))
    key = Fernet.generate_key().decode()
    if kind == "sqlite":
        return StoreSpec("sqlite", f"sqlite:///{tmp_path / 'tokens.sqlite3'}", (key,))
    assert postgres_url is not None
    return StoreSpec("postgres", postgres_url, (key,))


def close(store: TokenStore) -> None:
    """Let go of a SQL store's connections (a PostgreSQL database can then be dropped)."""
    if isinstance(store, SqlTokenStore):
        store.engine.dispose()


def hold_lock(spec: StoreSpec, key: str, held: Any, release: Any) -> None:
    """Take ``key``'s lock, say so, and keep it until told (a child process's body)."""
    store = spec.open()
    try:
        with store.lock(key):
            held.set()
            release.wait(60)
    finally:
        close(store)
