"""A user's connection to HMRC: the grant their software holds (tokens live in the SDK's
encrypted :class:`openmtd.sdk.SqlTokenStore`, keyed by :attr:`Connection.token_key`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Connection:
    """``nino`` is what the person gave (HMRC's APIs are addressed by it); ``authority_ends_at``
    is when the 18-month grant ends (from the token set), for the warning before it."""

    user_id: int
    nino: str
    connected_at: datetime
    authority_ends_at: datetime | None
    scopes: tuple[str, ...]
    token_key: str


class ConnectionRepository(Protocol):
    def get(self, user_id: int) -> Connection | None: ...

    def page(self, *, after: int = 0, limit: int = 100) -> list[Connection]:
        """Up to ``limit`` connections of users after ``after``, by user id (for a run over
        every connection, a page at a time)."""
        ...

    def save(self, connection: Connection) -> None:
        """Create or replace the user's connection."""
        ...

    def delete(self, user_id: int) -> None: ...
