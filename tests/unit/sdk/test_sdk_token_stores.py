"""What each token store does beyond the shared contract: the file store's modes, key file and
keyring; the SQL store's key rotation; and no secret in any repr or message."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import pytest
from cryptography.fernet import Fernet
from keyring.backend import KeyringBackend
from keyring.backends import fail
from sqlalchemy import create_engine, text

from openmtd.sdk import OAuthClient
from openmtd.sdk._auth import ApplicationAuth, UserAuth
from openmtd.sdk._environment import SANDBOX
from openmtd.sdk._errors import ReauthorisationReason, ReauthorisationRequired
from openmtd.sdk._oauth import ApplicationToken
from openmtd.sdk._stores import EncryptedFileStore, SqlTokenStore
from openmtd.sdk._stores._codec import TokenStoreError
from openmtd.sdk._tokens import TokenSet

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
ACCESS = "0123456789abcdef0123456789abcdef"
REFRESH = "fedcba9876543210fedcba9876543210"
SECRET = "the-client-secret-value"


def tokens(access: str = ACCESS) -> TokenSet:
    return TokenSet(
        access_token=access,
        refresh_token=REFRESH,
        expires_at=NOW + timedelta(hours=4),
        scopes=("read:self-assessment",),
        granted_at=NOW,
        authority_ends_at=NOW + timedelta(days=547),
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


class MemoryKeyring(KeyringBackend):
    """A working keyring backend held in memory (a desktop's keyring, for the test)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


@pytest.fixture
def desktop_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


# --- the encrypted file store -----------------------------------------------------------------
def test_without_a_keyring_the_key_is_a_0600_file_beside_a_0600_store(
    tmp_path: Path, no_keyring: None
) -> None:
    previous = os.umask(0o022)  # a usual umask would leave new files 0644
    try:
        store = EncryptedFileStore(tmp_path / "tokens.json")
        store.save("default", tokens())
    finally:
        os.umask(previous)
    key_file = tmp_path / "tokens.json.key"
    assert mode(tmp_path / "tokens.json") == 0o600
    assert mode(key_file) == 0o600
    assert json.loads((tmp_path / "tokens.json").read_text())["key"] == "file"
    key = key_file.read_bytes()
    store.save("default", tokens("b" * 32))  # the key is made once, never replaced
    assert key_file.read_bytes() == key
    assert EncryptedFileStore(tmp_path / "tokens.json").load("default") == tokens("b" * 32)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tokens")] == []


def test_with_a_usable_keyring_the_key_is_kept_there(
    tmp_path: Path, desktop_keyring: MemoryKeyring
) -> None:
    store = EncryptedFileStore(tmp_path / "tokens.json")
    store.save("default", tokens())
    assert not (tmp_path / "tokens.json.key").exists()
    ((service, username),) = desktop_keyring.passwords
    assert service == "openmtd-sdk-token-store"
    assert username == str(tmp_path / "tokens.json")
    assert json.loads((tmp_path / "tokens.json").read_text())["key"] == "keyring"
    assert EncryptedFileStore(tmp_path / "tokens.json").load("default") == tokens()


def test_a_store_keyed_in_the_keyring_says_so_when_the_keyring_is_gone(
    tmp_path: Path, desktop_keyring: MemoryKeyring
) -> None:
    EncryptedFileStore(tmp_path / "tokens.json").save("default", tokens())
    desktop_keyring.passwords.clear()
    with pytest.raises(TokenStoreError, match="OS keyring"):
        EncryptedFileStore(tmp_path / "tokens.json").load("default")


def test_use_keyring_false_keeps_the_key_in_the_file(
    tmp_path: Path, desktop_keyring: MemoryKeyring
) -> None:
    EncryptedFileStore(tmp_path / "tokens.json", use_keyring=False).save("default", tokens())
    assert desktop_keyring.passwords == {}
    assert (tmp_path / "tokens.json.key").exists()


def test_a_key_file_others_can_read_is_refused(tmp_path: Path, no_keyring: None) -> None:
    EncryptedFileStore(tmp_path / "tokens.json").save("default", tokens())
    (tmp_path / "tokens.json.key").chmod(0o644)
    with pytest.raises(TokenStoreError, match="mode 0600"):
        EncryptedFileStore(tmp_path / "tokens.json").load("default")


def test_another_key_cannot_read_the_store(tmp_path: Path, no_keyring: None) -> None:
    EncryptedFileStore(tmp_path / "tokens.json").save("default", tokens())
    key_file = tmp_path / "tokens.json.key"
    key_file.write_bytes(Fernet.generate_key())
    with pytest.raises(TokenStoreError, match="no configured key") as raised:
        EncryptedFileStore(tmp_path / "tokens.json").load("default")
    assert ACCESS not in str(raised.value)


def test_a_damaged_store_is_a_clear_error(tmp_path: Path, no_keyring: None) -> None:
    (tmp_path / "tokens.json").write_text("{not json")
    with pytest.raises(TokenStoreError, match="not an openmtd token store"):
        EncryptedFileStore(tmp_path / "tokens.json").load("default")


# --- the SQL store: key rotation --------------------------------------------------------------
def ciphertexts(url: str) -> dict[str, str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT store_key, ciphertext FROM openmtd_sdk_tokens"))
            return {str(row[0]): str(row[1]) for row in rows}
    finally:
        engine.dispose()


def test_rotation_new_key_first_old_still_decrypts_then_rotate(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tokens.sqlite3'}"
    old, new = Fernet.generate_key(), Fernet.generate_key()
    SqlTokenStore(url, keys=[old]).save("ida", tokens())
    SqlTokenStore(url, keys=[old]).save("isaac", tokens("c" * 32))

    both = SqlTokenStore(url, keys=[new, old])
    assert both.load("ida") == tokens()  # the old key still decrypts
    both.save("ada", tokens("d" * 32))  # new writes use the new key
    assert Fernet(new).decrypt(ciphertexts(url)["ada"].encode())
    before = ciphertexts(url)
    assert both.rotate() == 3
    after = ciphertexts(url)
    assert all(after[key] != before[key] for key in before)

    only_new = SqlTokenStore(url, keys=[new])
    assert only_new.load("ida") == tokens()
    assert only_new.load("isaac") == tokens("c" * 32)
    with pytest.raises(TokenStoreError, match="no configured key"):
        SqlTokenStore(url, keys=[old]).load("ida")


def test_the_sql_store_needs_fernet_keys_and_a_known_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tokens.sqlite3'}"
    with pytest.raises(ValueError, match="at least one"):
        SqlTokenStore(url, keys=[])
    with pytest.raises(ValueError, match="Fernet key"):
        SqlTokenStore(url, keys=["not a key"])


# --- nothing secret is shown --------------------------------------------------------------------
def test_no_secret_in_any_repr_or_message(tmp_path: Path) -> None:
    key = Fernet.generate_key()
    file_store = EncryptedFileStore(tmp_path / "tokens.json", use_keyring=False)
    sql_store = SqlTokenStore("postgresql+psycopg://user:db-password@127.0.0.1:1/db", keys=[key])
    oauth = OAuthClient(SANDBOX, "client-id", SECRET, redirect_uri="http://localhost:1/")
    request = oauth.authorization_url(["read:self-assessment"])
    shown = [
        repr(tokens()),
        str(tokens()),
        repr(file_store),
        repr(sql_store),
        repr(oauth),
        repr(request),
        repr(UserAuth(file_store, "ida", oauth)),
        repr(ApplicationAuth(oauth)),
        repr(ApplicationToken(ACCESS, NOW, ())),
        str(ReauthorisationRequired(ReauthorisationReason.REFRESH_REFUSED)),
        repr(oauth.refresh_request(tokens())),
    ]
    for text_shown in shown:
        for secret in (ACCESS, REFRESH, SECRET, key.decode(), "db-password", request.code_verifier):
            assert secret not in text_shown, text_shown
