"""HMRC's API platform in front of every emulated API: one mechanism, declared per endpoint.

An :class:`Endpoint` says which API it belongs to (the subscription), which versions it serves,
whether it is user-restricted, application-restricted or open, and which scope it needs.
:func:`admit` and :meth:`Admission.enter` run the gateway's checks, in this order, then the
endpoint's handler runs:

The web edge (``web/api.py``) turns the result into a response. Checks:

1. ``Accept``: missing or not ``application/vnd.hmrc.X.Y+json`` → 406 ``ACCEPT_HEADER_INVALID``;
   a version the endpoint does not serve → 404 ``NOT_FOUND`` (wire facts §0, SAID's
   ``Versions``). *Choice*: the version is checked before credentials, as the gateway was
   observed doing on another API (UNCONFIRMED for the ITSA APIs).
2. Credentials: no ``Authorization: Bearer`` → 401 ``MISSING_CREDENTIALS``; an unknown,
   expired or revoked token → 401 ``INVALID_CREDENTIALS`` with
   ``WWW-Authenticate: Bearer realm="HMRC API Platform"``; an application token on a
   user-restricted endpoint → 401 ``INCORRECT_ACCESS_TOKEN_TYPE``.
3. Rate limit: more than the application's requests per second (real time, shared by every
   worker through the database) → 429 ``MESSAGE_THROTTLED_OUT``.
4. Subscription → 403 ``RESOURCE_FORBIDDEN``; scope → 403 ``INVALID_SCOPE``.
5. Fraud prevention headers are checked and the result kept for the Test Fraud Prevention
   Headers API; they never block a call (as in HMRC's sandbox).

:func:`admit` runs checks 1 to 3 and :meth:`Admission.enter` check 4; the web edge runs them
in two transactions (``web/api.py``) and keeps the header check after the handler.

Every API response carries ``X-CorrelationId`` (a UUID), ``X-Content-Type-Options: nosniff``
and ``Content-Type: application/json``; every error is HMRC's envelope.

What a call costs the database: one read from the token's hash to the token, its application,
its account (group and enrolments) and the clock offset (:meth:`PlatformRepository.caller`),
one upsert for the rate-limit window and, on MTD APIs, one upsert for the fraud-header
feedback; then the endpoint's own reads. Nothing is cached between calls, so a revoked token,
a changed subscription or a moved clock is seen by every worker on the next call.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Final

from openmtd.emulator.clock import EmulatorClock
from openmtd.emulator.platform import errors
from openmtd.emulator.platform.errors import ApiError
from openmtd.emulator.security import token_hash
from openmtd.emulator.storage import AccessToken, Account, Application, Caller, Transaction

# HMRC's microservices match the Accept header with exactly this pattern (SAID Versions.scala):
# a full match, with the dots unescaped as they are there.
_ACCEPT: Final = re.compile(r"application/vnd.hmrc.(\d.\d)\+json")
#: How often (in requests) old rate-limit windows are swept away.
_SWEEP_EVERY: Final = 500


class Access(Enum):
    """How an endpoint is protected (HMRC's three kinds)."""

    USER = "user-restricted"
    APPLICATION = "application-restricted"
    OPEN = "open"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One API endpoint as the platform sees it."""

    api: str
    versions: frozenset[str]
    access: Access
    scope: str | None = None
    fraud_headers: bool = False
    name: str = ""
    #: HMRC's path template (``/individuals/person/itsa-status/{nino}/{taxYear}``): the
    #: endpoint's identity in fraud-header validation-feedback. Required with ``fraud_headers``.
    path: str = ""
    #: The API's own Accept check, for an API whose service answers Accept faults itself
    #: (the Agent Authorisation API's filter): the version, or an :class:`ApiError`. Without
    #: it the platform's check (1. above) runs.
    accept: Callable[[Mapping[str, str]], str] | None = None

    def __post_init__(self) -> None:
        if self.fraud_headers and not self.path.startswith("/"):
            raise ValueError(
                f"endpoint {self.name or self.api!r} checks fraud headers: give its path"
            )


@dataclass(frozen=True, slots=True)
class CallContext:
    """What the handler of an allowed call gets."""

    tx: Transaction
    now: datetime
    version: str
    application: Application | None
    token: AccessToken | None
    account: Account | None
    headers: Mapping[str, str]
    correlation_id: str


@dataclass(frozen=True, slots=True)
class ApiResponse:
    """A neutral response: the web edge renders it."""

    status_code: int
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)


Handler = Callable[[CallContext], ApiResponse]


def _version(headers: Mapping[str, str], endpoint: Endpoint) -> str:
    if endpoint.accept is not None:
        version = endpoint.accept(headers)
        # A version the API serves whose definition has no such endpoint: no resource matches.
        if version not in endpoint.versions:
            raise ApiError.of(errors.MATCHING_RESOURCE_NOT_FOUND)
        return version
    match = _ACCEPT.fullmatch(headers.get("accept", ""))
    if match is None:
        raise ApiError.of(errors.ACCEPT_HEADER_INVALID)
    if match.group(1) not in endpoint.versions:
        raise ApiError.of(errors.VERSION_NOT_FOUND)
    return match.group(1)


def _bearer(headers: Mapping[str, str]) -> str | None:
    value = headers.get("authorization")
    if value is None:
        return None
    scheme, _, token = value.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _caller(tx: Transaction, presented: str) -> Caller:
    caller = tx.platform.caller(token_hash(presented)) if presented else None
    if caller is None:
        raise ApiError.of(errors.INVALID_CREDENTIALS, headers=errors.WWW_AUTHENTICATE)
    return caller


def _check_token(token: AccessToken, now: datetime) -> None:
    if token.revoked_at is not None or token.expires_at <= now:
        raise ApiError.of(errors.INVALID_CREDENTIALS, headers=errors.WWW_AUTHENTICATE)


def _count(tx: Transaction, application_id: int, window: int) -> int:
    counted = tx.platform.count_request(application_id, window)
    if counted == 1 and window % _SWEEP_EVERY == 0:
        tx.platform.forget_windows_before(window - 60)
    return counted


def _throttle(tx: Transaction, application: Application) -> None:
    # Rate limits count real seconds, whatever the emulator's clock says: they protect the
    # server from load, not dates from the past.
    if _count(tx, application.id, int(time.time())) > application.rate_limit_per_second:
        raise ApiError.of(errors.MESSAGE_THROTTLED_OUT)


@dataclass(frozen=True, slots=True)
class Admission:
    """A call past the checks that need only its token: version, credentials, rate limit.

    :meth:`enter` runs the rest (subscription, scope) in the transaction the handler runs in.
    The two are apart so the web edge can count the rate-limit window in a short transaction of
    its own, committed before the handler starts: the window's row (and on SQLite the database's
    write lock) is then held for one upsert, not for the whole call.
    """

    endpoint: Endpoint
    version: str
    now: datetime
    headers: Mapping[str, str]
    caller: Caller | None

    def enter(self, tx: Transaction, correlation_id: str) -> CallContext:
        """The subscription and scope checks, then who is calling and when, in ``tx``."""
        endpoint, caller = self.endpoint, self.caller
        if caller is None:
            return CallContext(
                tx, self.now, self.version, None, None, None, self.headers, correlation_id
            )
        if endpoint.api not in caller.application.apis:
            raise ApiError.of(errors.RESOURCE_FORBIDDEN)
        if endpoint.scope is not None and endpoint.scope not in caller.token.scopes:
            raise ApiError.of(errors.INVALID_SCOPE)
        return CallContext(
            tx,
            self.now,
            self.version,
            caller.application,
            caller.token,
            caller.account,
            self.headers,
            correlation_id,
        )


def admit(
    tx: Transaction, clock: EmulatorClock, headers: Mapping[str, str], endpoint: Endpoint
) -> Admission:
    """The gateway's checks up to the rate limit (see the module), counting the call's window.

    The emulator's time comes from the clock offset read with the caller's token (or, on an
    open endpoint, read on its own).
    """
    version = _version(headers, endpoint)
    if endpoint.access is Access.OPEN:
        return Admission(endpoint, version, clock.now_in(tx), headers, None)
    presented = _bearer(headers)
    if presented is None:
        raise ApiError.of(errors.MISSING_CREDENTIALS)
    caller = _caller(tx, presented)
    now = clock.at_offset(caller.clock_offset_seconds)
    _check_token(caller.token, now)
    if endpoint.access is Access.USER and caller.token.account_id is None:
        raise ApiError.of(errors.INCORRECT_ACCESS_TOKEN_TYPE)
    _throttle(tx, caller.application)
    return Admission(endpoint, version, now, headers, caller)
