"""The tokens one grant of authority gives, as the SDK keeps them.

HMRC's access tokens last 4 hours; refresh tokens are single-use and a refresh ends the previous
access token at once; the grant itself ends 18 months after the person granted it (wire facts
§2.4). A :class:`TokenSet` carries what is needed to decide, without a network call, whether to
refresh now and whether the authority is about to end.

Secrets never appear in a ``repr`` or ``str``: a token set may end up in a log line or a
traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

__all__ = ["DEFAULT_GRANT_LENGTH", "TokenSet"]

# HMRC's default grant length, EIGHTEEN_MONTHS = 547 days (wire facts §2.4). An application can
# be given another length, so it is a parameter wherever it matters.
DEFAULT_GRANT_LENGTH = timedelta(days=547)
# Refresh this long before the access token's expiry, so a call in flight does not carry a token
# that dies on the way.
_REFRESH_MARGIN = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class TokenSet:
    """One grant's current tokens. ``granted_at`` is when the person granted authority.

    ``authority_ends_at`` is when HMRC will stop accepting refreshes; refreshing does not move it
    (UNCONFIRMED at HMRC, documented in docs/sdk.md).
    """

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_at: datetime
    scopes: tuple[str, ...]
    granted_at: datetime
    authority_ends_at: datetime

    def __post_init__(self) -> None:
        for name in ("expires_at", "granted_at", "authority_ends_at"):
            if getattr(self, name).utcoffset() is None:
                raise ValueError(f"{name} must be timezone-aware")

    def needs_refresh(self, now: datetime, margin: timedelta = _REFRESH_MARGIN) -> bool:
        """True when the access token has expired or will within ``margin``."""
        return now + margin >= self.expires_at

    def authority_ended(self, now: datetime) -> bool:
        """True once the grant's end date has passed: only a new grant helps then."""
        return now >= self.authority_ends_at

    def authority_ends_within(self, now: datetime, period: timedelta) -> bool:
        """True when the grant ends within ``period`` (for a "reconnect soon" warning)."""
        return now + period >= self.authority_ends_at

    def rotated(
        self,
        *,
        access_token: str,
        refresh_token: str | None,
        expires_at: datetime,
        scopes: tuple[str, ...] | None = None,
    ) -> TokenSet:
        """The same grant after a refresh: new tokens, the same grant dates."""
        return replace(
            self,
            access_token=access_token,
            refresh_token=refresh_token,
            expires_at=expires_at,
            scopes=self.scopes if scopes is None else scopes,
        )
