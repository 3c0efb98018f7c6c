"""A token set as the bytes a store encrypts (JSON, versioned so the shape can change)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from cryptography.fernet import InvalidToken, MultiFernet

from openmtd.sdk._errors import OpenMtdError
from openmtd.sdk._tokens import TokenSet

__all__ = ["TokenStoreError", "decrypt", "encrypt"]

_VERSION = 1


class TokenStoreError(OpenMtdError):
    """A store cannot be read: a wrong or missing key, or a damaged file or row.

    The message never holds key or token material.
    """


def _encode(tokens: TokenSet) -> bytes:
    document: dict[str, Any] = {
        "v": _VERSION,
        "access_token": tokens.access_token,
        "refresh_token": tokens.refresh_token,
        "expires_at": tokens.expires_at.isoformat(),
        "scopes": list(tokens.scopes),
        "granted_at": tokens.granted_at.isoformat(),
        "authority_ends_at": tokens.authority_ends_at.isoformat(),
    }
    return json.dumps(document, separators=(",", ":")).encode()


def _decode(raw: bytes) -> TokenSet:
    try:
        document = json.loads(raw)
        if document.get("v") != _VERSION:
            raise ValueError("unknown version")
        return TokenSet(
            access_token=str(document["access_token"]),
            refresh_token=document["refresh_token"],
            expires_at=datetime.fromisoformat(document["expires_at"]),
            scopes=tuple(str(scope) for scope in document["scopes"]),
            granted_at=datetime.fromisoformat(document["granted_at"]),
            authority_ends_at=datetime.fromisoformat(document["authority_ends_at"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        raise TokenStoreError("a stored token set is damaged") from None


def encrypt(fernet: MultiFernet, tokens: TokenSet) -> bytes:
    """The token set encrypted with the first key (Fernet: AES-128-CBC with HMAC-SHA256)."""
    return fernet.encrypt(_encode(tokens))


def decrypt(fernet: MultiFernet, ciphertext: bytes, where: str) -> TokenSet:
    """The token set back; :class:`TokenStoreError` when no key opens it."""
    try:
        raw = fernet.decrypt(ciphertext)
    except InvalidToken:
        raise TokenStoreError(
            f"{where}: no configured key decrypts the stored tokens (wrong key, or damaged)"
        ) from None
    return _decode(raw)
