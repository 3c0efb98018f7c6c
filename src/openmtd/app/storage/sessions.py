"""Browser sessions: the cookie holds a random id, the database its SHA-256 and the state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(slots=True)
class WebSession:
    """One browser's session.

    ``user_id`` is set once the password is right; ``second_factor_at`` once the
    authenticator code (or a recovery code) is right too: only then is the person signed in
    (:attr:`signed_in`). ``second_factor_reference`` is a random reference of that sign-in,
    for the ``Gov-Client-Multi-Factor`` header. ``data`` holds journey state (JSON values).
    """

    id_hash: str
    csrf_token: str = field(repr=False)
    created_at: datetime
    last_seen_at: datetime
    user_id: int | None = None
    second_factor_at: datetime | None = None
    second_factor_reference: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def signed_in(self) -> bool:
        return self.user_id is not None and self.second_factor_at is not None


class SessionRepository(Protocol):
    def add(self, session: WebSession) -> None: ...

    def get(self, id_hash: str) -> WebSession | None: ...

    def save(self, session: WebSession) -> None: ...

    def delete(self, id_hash: str) -> None: ...

    def delete_idle(self, last_seen_before: datetime) -> None: ...

    def delete_for_user(self, user_id: int) -> None:
        """End every session of a user (password changed, account removed)."""
        ...
