"""The audit log: each call the app made to HMRC (who, when, which customer, the answer and
HMRC's correlation id). Never a token, secret or body."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    user_id: int | None
    nino: str | None
    method: str
    path: str
    status: int | None
    correlation_id: str | None
    outcome: str = ""


class AuditRepository(Protocol):
    def add(self, entry: AuditEntry) -> None: ...

    def for_user(self, user_id: int, *, limit: int = 100) -> list[AuditEntry]:
        """The user's most recent entries first."""
        ...
