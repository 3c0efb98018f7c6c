"""The SDK's seams: what the client needs from token storage, fraud prevention headers and rate
limiting, as protocols. Each has implementations in the SDK; a vendor may plug in its own.

Used by:

- :class:`TokenStore`: the refreshing ``httpx.Auth`` flow (``_auth.py``) loads, saves and locks;
  the OAuth helpers save the first tokens of a grant.
- :class:`FraudHeaderSource`: the clients add its headers to every API call.
- :class:`RateLimiter`: the clients wait on it before every request they send (retries included)
  and tell it about HMRC's 429 answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

from openmtd.sdk._tokens import TokenSet

__all__ = ["FraudHeaderSource", "RateLimiter", "TokenStore"]


@runtime_checkable
class TokenStore(Protocol):
    """Keeps token sets by key (one key per grant: a user, a practice, a desktop install).

    ``lock(key)`` is exclusive across threads **and processes** sharing the store: the refresh
    flow holds it while it reloads, refreshes and saves, so a single-use refresh token is never
    spent twice.
    """

    def load(self, key: str) -> TokenSet | None:
        """The stored token set, or None when there is none."""
        ...

    def save(self, key: str, tokens: TokenSet) -> None:
        """Store (replace) the token set for ``key``, durably, before returning."""
        ...

    def delete(self, key: str) -> None:
        """Forget ``key``'s tokens (sign-out, revoked grant); no error when absent."""
        ...

    def lock(self, key: str) -> AbstractContextManager[None]:
        """An exclusive lock on ``key`` across threads and processes."""
        ...


@runtime_checkable
class FraudHeaderSource(Protocol):
    """Gives the fraud prevention headers for one API request (HMRC spec v3.3)."""

    def headers_for(self, method: str, url: str) -> Mapping[str, str]:
        """The ``Gov-Client-*`` / ``Gov-Vendor-*`` headers to send; never a placeholder."""
        ...


@runtime_checkable
class RateLimiter(Protocol):
    """Paces one application's requests to HMRC's per-application limit."""

    def acquire(self) -> None:
        """Block until one more request may be sent."""
        ...

    async def acquire_async(self) -> None:
        """Wait (without blocking the event loop) until one more request may be sent."""
        ...

    def throttled(self, retry_after: float | None) -> None:
        """HMRC answered 429: hold every caller back for ``retry_after`` seconds (or a backoff)."""
        ...
