"""Where the file store's key comes from, on the paths a desktop can meet: a keyring that
refuses, a chainer with no backend, no key yet when only reading, an empty key file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer

from openmtd.sdk import TokenStoreError
from openmtd.sdk._stores._keys import key_file_key, key_file_path, keyring_key


class RefusingKeyring(KeyringBackend):
    """A keyring that is there but refuses every call (locked, no session bus)."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("the keyring is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError("the keyring is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise RuntimeError("the keyring is locked")


@pytest.fixture
def restore_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    yield
    keyring.set_keyring(previous)


def test_a_refusing_keyring_is_no_keyring(tmp_path: Path, restore_keyring: None) -> None:
    keyring.set_keyring(RefusingKeyring())
    assert keyring_key(tmp_path / "tokens.json", create=True) is None


def test_an_empty_chainer_is_no_keyring(
    tmp_path: Path, restore_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = chainer.ChainerBackend()
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    keyring.set_keyring(empty)
    assert keyring_key(tmp_path / "tokens.json", create=True) is None


def test_reading_without_a_key_anywhere(tmp_path: Path) -> None:
    assert key_file_key(tmp_path / "tokens.json", create=False) is None
    assert not key_file_path(tmp_path / "tokens.json").exists()


def test_an_empty_key_file_is_refused(tmp_path: Path) -> None:
    path = key_file_path(tmp_path / "tokens.json")
    path.write_bytes(b"\n")
    path.chmod(0o600)
    with pytest.raises(TokenStoreError, match="is empty"):
        key_file_key(tmp_path / "tokens.json", create=False)
