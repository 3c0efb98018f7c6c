"""Browser sessions for the web journeys, and the emulator's shared clock offset."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class BrowserSession:
    """A browser's session with the emulator's web pages (stored by id hash)."""

    id_hash: str
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    account_id: int | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


class SessionRepository(Protocol):
    """Browser sessions for the web journeys. Used by ``web``."""

    def add(self, session: BrowserSession) -> None: ...

    def get(self, id_hash: str) -> BrowserSession | None: ...

    def save(self, session: BrowserSession) -> None: ...

    def delete(self, id_hash: str) -> None: ...

    def delete_idle(self, before: datetime) -> int: ...


class ClockRepository(Protocol):
    """The emulator's clock offset from real time, shared by every worker."""

    def offset_seconds(self) -> float: ...

    def set_offset_seconds(self, offset: float) -> None: ...
