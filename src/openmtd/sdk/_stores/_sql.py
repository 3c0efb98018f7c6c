"""A token store in a SQLAlchemy 2 table, for servers with many users (SQLite or PostgreSQL).

Each row is one store key and its token set encrypted with Fernet. Keys are configured, newest
first: the first encrypts, every one decrypts (``MultiFernet``), so a new key can be put in front
and old rows re-encrypted with :meth:`SqlTokenStore.rotate` at leisure.

The table (``openmtd_sdk_tokens`` unless told) is created on first use with
``metadata.create_all``; an application that manages its schema with migrations can create it
from :attr:`SqlTokenStore.table` instead.

The lock (:meth:`SqlTokenStore.lock`) is a transaction on a connection of its own:

- PostgreSQL: ``pg_advisory_xact_lock`` on a number derived from the table and key, so only the
  same key waits and the rows stay readable and writable by everyone else;
- SQLite: ``BEGIN IMMEDIATE``, which takes the database's write lock (SQLite has no finer one):
  other processes' writes wait until the refresh is saved, their reads do not.

Loads and saves of the locked key made meanwhile (by the refresh) go through that transaction,
and are committed when the lock is released.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError

from openmtd.sdk._stores._codec import TokenStoreError, decrypt, encrypt
from openmtd.sdk._tokens import TokenSet

__all__ = ["SqlTokenStore"]

DEFAULT_TABLE = "openmtd_sdk_tokens"
_DIALECTS = frozenset({"sqlite", "postgresql"})


@dataclass
class _Held:
    connection: Connection
    mutex: threading.Lock


class SqlTokenStore:
    """Token sets in a table reached through ``engine`` (an Engine or a database URL).

    ``keys``: Fernet keys (``Fernet.generate_key()``), the one to encrypt with first.
    ``lock_timeout``: seconds to wait for another process's refresh before
    :class:`TokenStoreError`.
    """

    def __init__(
        self,
        engine: Engine | str,
        keys: Sequence[str | bytes],
        *,
        table_name: str = DEFAULT_TABLE,
        lock_timeout: float = 120.0,
    ) -> None:
        if not keys:
            raise ValueError("at least one encryption key is needed")
        try:
            self._fernet = MultiFernet([Fernet(key) for key in keys])
        except ValueError:
            raise ValueError("each key must be a Fernet key (Fernet.generate_key())") from None
        if isinstance(engine, str):
            engine = create_engine(engine)
        if engine.dialect.name not in _DIALECTS:
            raise ValueError(
                f"SqlTokenStore supports SQLite and PostgreSQL, not {engine.dialect.name}"
            )
        self.engine = engine
        self.lock_timeout = lock_timeout
        self.table = Table(
            table_name,
            MetaData(),
            Column("store_key", String(255), primary_key=True),
            Column("ciphertext", Text, nullable=False),
            Column("updated_at", DateTime(timezone=True), nullable=False),
        )
        self._sqlite = engine.dialect.name == "sqlite"
        self._held: dict[str, _Held] = {}
        self._created = False
        self._create_mutex = threading.Lock()

    def __repr__(self) -> str:
        where = self.engine.url.render_as_string(hide_password=True)
        return f"SqlTokenStore({where!r}, table={self.table.name!r})"

    # --- TokenStore -----------------------------------------------------------------------------
    def load(self, key: str) -> TokenSet | None:
        query = select(self.table.c.ciphertext).where(self.table.c.store_key == key)
        with self._connection(key, write=False) as connection:
            ciphertext = connection.execute(query).scalar_one_or_none()
        if ciphertext is None:
            return None
        return decrypt(self._fernet, ciphertext.encode(), f"{self!r} key {key!r}")

    def save(self, key: str, tokens: TokenSet) -> None:
        values = {
            "store_key": key,
            "ciphertext": encrypt(self._fernet, tokens).decode(),
            "updated_at": datetime.now(UTC),
        }
        insert = (sqlite.insert if self._sqlite else postgresql.insert)(self.table).values(values)
        upsert = insert.on_conflict_do_update(
            index_elements=[self.table.c.store_key],
            set_={"ciphertext": values["ciphertext"], "updated_at": values["updated_at"]},
        )
        with self._connection(key, write=True) as connection:
            connection.execute(upsert)

    def delete(self, key: str) -> None:
        with self._connection(key, write=True) as connection:
            connection.execute(delete(self.table).where(self.table.c.store_key == key))

    @contextlib.contextmanager
    def lock(self, key: str) -> Iterator[None]:
        self._ensure_table()
        with self.engine.connect() as connection:
            try:
                self._begin_locked(connection, key)
            except OperationalError:
                connection.rollback()
                raise TokenStoreError(
                    f"{self!r}: another process held the lock on {key!r} too long"
                ) from None
            self._held[key] = _Held(connection, threading.Lock())
            try:
                yield
            except BaseException:
                self._held.pop(key, None)
                self._end(connection, commit=False)
                raise
            self._held.pop(key, None)
            self._end(connection, commit=True)

    # --- key rotation ---------------------------------------------------------------------------
    def rotate(self) -> int:
        """Re-encrypt every row with the first key; the number of rows rewritten.

        Each row is replaced only if nobody changed it meanwhile (compare and swap), so a refresh
        running at the same time is never overwritten with older tokens. Run it after putting a
        new key first; drop the old key from the configuration once it has returned.
        """
        self._ensure_table()
        with self.engine.connect() as connection:
            rows = connection.execute(select(self.table.c.store_key, self.table.c.ciphertext)).all()
        rewritten = 0
        for key, ciphertext in rows:
            try:
                rotated = self._fernet.rotate(ciphertext.encode()).decode()
            except InvalidToken:
                raise TokenStoreError(
                    f"{self!r}: no configured key decrypts the row {key!r}"
                ) from None
            change = (
                update(self.table)
                .where(self.table.c.store_key == key, self.table.c.ciphertext == ciphertext)
                .values(ciphertext=rotated)
            )
            with self._connection(key, write=True) as connection:
                rewritten += connection.execute(change).rowcount
        return rewritten

    # --- connections ----------------------------------------------------------------------------
    def _ensure_table(self) -> None:
        if self._created:
            return
        with self._create_mutex:  # create_all checks first, so a second thread finds it made
            try:
                self.table.metadata.create_all(self.engine)
            except DBAPIError:
                # Another process created it between the check and the CREATE: look again.
                self.table.metadata.create_all(self.engine)
            self._created = True

    @contextlib.contextmanager
    def _connection(self, key: str, *, write: bool) -> Iterator[Connection]:
        """The locked transaction when ``key`` is locked by this store, else a short one."""
        held = self._held.get(key)
        if held is not None:
            with held.mutex:
                yield held.connection
            return
        self._ensure_table()
        with self.engine.connect() as connection:
            if write and self._sqlite:
                # Take the write lock up front: a deferred transaction that upgrades to writing
                # while another holds the lock fails at once instead of waiting.
                self._begin_locked(connection, None)
                try:
                    yield connection
                except BaseException:
                    self._end(connection, commit=False)
                    raise
                self._end(connection, commit=True)
                return
            with connection.begin():
                yield connection

    def _begin_locked(self, connection: Connection, key: str | None) -> None:
        if self._sqlite:
            # pysqlite's own transaction handling off, so BEGIN IMMEDIATE is ours to send.
            connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(self.lock_timeout * 1000)}")
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        connection.begin()
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(self.lock_timeout * 1000)}ms'")
        assert key is not None
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": self._lock_id(key)})

    def _end(self, connection: Connection, *, commit: bool) -> None:
        if self._sqlite:
            connection.exec_driver_sql("COMMIT" if commit else "ROLLBACK")
        elif commit:
            connection.commit()
        else:
            connection.rollback()

    def _lock_id(self, key: str) -> int:
        digest = hashlib.sha256(f"{self.table.name}\0{key}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)
