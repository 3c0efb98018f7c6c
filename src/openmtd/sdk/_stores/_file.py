"""An encrypted token store in one file, for desktop software (one user, a few grants).

The file (mode 0600) is JSON: which key source encrypts it and, per store key, the token set
encrypted with Fernet. Store keys (e.g. ``"default"``) are names and are not encrypted; never use
a secret as one. Every write replaces the file atomically (a temporary file, fsync, os.replace),
so a crash leaves the old or the new file, never half of one.

Locks (``filelock``: ``flock`` on POSIX, held by open file, so also between threads):

- ``<store>.lock``: held for each read-modify-write of the file (and while the key is made);
- ``<store>.<hash of key>.lock``: :meth:`EncryptedFileStore.lock`, held by a refresh.

A refresh takes the key's lock and then, to save, the file's lock; nothing takes them the other
way round, so they cannot deadlock.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from filelock import FileLock, Timeout

from openmtd.sdk._stores._codec import TokenStoreError, decrypt, encrypt
from openmtd.sdk._stores._keys import KEY_FILE, KEYRING, key_file_key, keyring_key
from openmtd.sdk._tokens import TokenSet

__all__ = ["EncryptedFileStore"]

_VERSION = 1


class EncryptedFileStore:
    """Token sets in one encrypted file at ``path`` (created on first save).

    ``use_keyring=False`` keeps the key in the key file (``<path>.key``, 0600) even when a
    keyring exists; with a keyring, the key is stored under the service
    ``openmtd-sdk-token-store`` and the store's absolute path. ``lock_timeout`` bounds the wait
    for another process's refresh (seconds; None waits for ever).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        use_keyring: bool = True,
        lock_timeout: float | None = 120.0,
    ) -> None:
        self.path = Path(path).absolute()
        self.use_keyring = use_keyring
        self.lock_timeout = -1 if lock_timeout is None else lock_timeout
        self._file_lock = FileLock(f"{self.path}.lock", timeout=self.lock_timeout, mode=0o600)
        self._key_locks: dict[str, FileLock] = {}
        self._key_locks_mutex = threading.Lock()
        self._fernet: MultiFernet | None = None

    def __repr__(self) -> str:
        return f"EncryptedFileStore({str(self.path)!r})"

    # --- TokenStore -----------------------------------------------------------------------------
    def load(self, key: str) -> TokenSet | None:
        with self._locked(self._file_lock):
            document = self._read()
            if document is None or (entry := document["tokens"].get(key)) is None:
                return None
            fernet = self._cipher(document, create=False)
        return decrypt(fernet, entry.encode(), str(self.path))

    def save(self, key: str, tokens: TokenSet) -> None:
        with self._locked(self._file_lock):
            document = self._read() or {"v": _VERSION, "key": None, "tokens": {}}
            fernet = self._cipher(document, create=True)
            document["tokens"][key] = encrypt(fernet, tokens).decode()
            self._write(document)

    def delete(self, key: str) -> None:
        with self._locked(self._file_lock):
            document = self._read()
            if document and document["tokens"].pop(key, None) is not None:
                self._write(document)

    @contextlib.contextmanager
    def lock(self, key: str) -> Iterator[None]:
        with self._key_locks_mutex:
            lock = self._key_locks.get(key)
            if lock is None:
                digest = hashlib.sha256(key.encode()).hexdigest()[:24]
                lock = FileLock(f"{self.path}.{digest}.lock", timeout=self.lock_timeout, mode=0o600)
                self._key_locks[key] = lock
        with self._locked(lock):
            yield

    # --- the file -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self, lock: FileLock) -> Iterator[None]:
        try:
            lock.acquire()
        except Timeout:
            raise TokenStoreError(
                f"{self.path}: another process held the token store's lock too long"
            ) from None
        try:
            yield
        finally:
            lock.release()

    def _read(self) -> dict[str, Any] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            document = json.loads(raw)
            if document.get("v") != _VERSION or not isinstance(document.get("tokens"), dict):
                raise ValueError("not a token store")
        except (ValueError, AttributeError):
            raise TokenStoreError(f"{self.path} is not an openmtd token store") from None
        return dict(document)

    def _write(self, document: dict[str, Any]) -> None:
        # mkstemp makes the file 0600; os.replace keeps that mode for the store.
        fd, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(json.dumps(document, separators=(",", ":")).encode())
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        with contextlib.suppress(OSError):  # the rename itself durable (POSIX directories)
            directory = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)

    def _cipher(self, document: dict[str, Any], *, create: bool) -> MultiFernet:
        """The store's key, from where the document says it is (chosen on first save)."""
        if self._fernet is not None:
            return self._fernet
        source = document.get("key")
        key: bytes | None = None
        if source == KEYRING:
            key = keyring_key(self.path, create=False)
            if key is None:
                raise TokenStoreError(
                    f"{self.path} is encrypted with a key in the OS keyring, which is not "
                    "available now"
                )
        elif source == KEY_FILE or not (create and self.use_keyring):
            key = key_file_key(self.path, create=create)
            source = KEY_FILE
        else:
            key = keyring_key(self.path, create=True)
            source = KEYRING
            if key is None:  # no usable keyring after all
                key = key_file_key(self.path, create=True)
                source = KEY_FILE
        if key is None:
            raise TokenStoreError(f"{self.path}: its key file is missing")
        document["key"] = source
        try:
            self._fernet = MultiFernet([Fernet(key)])
        except ValueError:
            raise TokenStoreError(f"{self.path}: its key is not a Fernet key") from None
        return self._fernet
