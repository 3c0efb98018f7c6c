"""The client-side rate limiter (issue 11 item 6): :class:`ApplicationRateLimiter` paces one
application's requests to :class:`RateLimit` (HMRC's 3 per second by default) on pyrate-limiter,
in memory, in SQLite, in Redis or in PostgreSQL, and holds every caller back after a 429."""

from openmtd.sdk._rate_limit._limiter import ApplicationRateLimiter
from openmtd.sdk._rate_limit._settings import DEFAULT_REQUESTS_PER_SECOND, RateLimit

__all__ = ["DEFAULT_REQUESTS_PER_SECOND", "ApplicationRateLimiter", "RateLimit"]
