"""Where the encrypted file store's key lives: the OS keyring when a usable one exists, else a
key file beside the store, created once with mode 0600.

A keyring "exists" only when ``keyring`` chose a real backend: its ``fail`` and ``null``
backends (no keyring service on this machine, or keyring switched off) and a backend that
errors when used (no D-Bus session on a headless Linux) all mean "use the key file".
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from cryptography.fernet import Fernet

from openmtd.sdk._stores._codec import TokenStoreError

__all__ = ["KEYRING", "KEY_FILE", "KeySource", "key_file_key", "keyring_key"]

KEYRING = "keyring"
KEY_FILE = "file"
KeySource = str
_SERVICE = "openmtd-sdk-token-store"


def _backend() -> object | None:
    try:
        import keyring
        from keyring.backends import fail, null
    except Exception:  # keyring missing or broken: there is no keyring to use
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring | null.Keyring):
        return None
    if getattr(backend, "backends", None) == []:  # a chainer with nothing in it
        return None
    return backend


def keyring_key(store_path: Path, *, create: bool) -> bytes | None:
    """The store's key from the keyring (made there when ``create``); None when there is no
    usable keyring or (not creating) no key in it."""
    if _backend() is None:
        return None
    import keyring

    name = str(store_path)
    try:
        existing = keyring.get_password(_SERVICE, name)
        if existing is not None:
            return existing.encode()
        if not create:
            return None
        key = Fernet.generate_key()
        keyring.set_password(_SERVICE, name, key.decode())
        return key
    except Exception:  # any backend failure (locked, no session bus, refused) means "unusable"
        return None


def key_file_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".key")


def key_file_key(store_path: Path, *, create: bool) -> bytes | None:
    """The key in the 0600 key file beside the store (made, with O_EXCL, when ``create``).

    The caller holds the store's file lock, so no other process is creating it meanwhile.
    """
    path = key_file_path(store_path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        if not create:
            return None
        return _create_key_file(path)
    with os.fdopen(fd, "rb") as file:
        if os.name == "posix" and stat.S_IMODE(os.fstat(file.fileno()).st_mode) & 0o077:
            raise TokenStoreError(f"{path} can be read by other users: make it mode 0600")
        key = file.read().strip()
    if not key:
        raise TokenStoreError(f"{path} is empty")
    return key


def _create_key_file(path: Path) -> bytes:
    key = Fernet.generate_key()
    # O_EXCL: never overwrite a key (that would make the store unreadable); 0600 from birth.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        os.write(fd, key + b"\n")
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    os.close(fd)
    return key
