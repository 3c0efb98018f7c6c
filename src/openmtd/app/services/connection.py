"""Connecting a person's openmtd account to HMRC: the journey kept between the two requests
of the OAuth web flow, saving and removing the grant, the warning before the 18-month
authority ends, and where to sign up for MTD.

Framework-free: the web routes (``app/web/routes/connect.py``) call these with the page's
unit of work and plain values.

Order matters on SQLite: the SDK's token store writes on a connection of its own and takes the
database's write lock, so tokens are saved or deleted *before* the page's transaction writes
anything (the connection row, audit rows); the other order would wait on our own lock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Protocol

from openmtd.app.services.hmrc import INDIVIDUAL_SCOPES, token_key
from openmtd.app.storage import Connection, UnitOfWork, User
from openmtd.sdk import AuthorizationRequest, Environment, OAuthClient, TokenSet, TokenStore

#: How long before the authority ends the dashboard starts to warn (openmtd's choice: HMRC
#: only says the grant lasts 18 months; 30 days leaves a month of visits to act on it).
AUTHORITY_WARNING_PERIOD: Final = timedelta(days=30)

#: How long a journey may take from ``POST /connect`` to the callback (openmtd's choice: HMRC's
#: code lives 10 minutes from the grant, and signing in with an identity check takes a while).
JOURNEY_LIFETIME: Final = timedelta(hours=1)

#: The session key of a journey in progress (between ``POST /connect`` and the callback).
JOURNEY_KEY: Final = "connect_journey"

#: HMRC's sign-up service when the app talks to the real HMRC (sandbox or production): the
#: GOV.UK guide that starts it. UNCONFIRMED: the address is not in the reference material;
#: change it here.
GOV_UK_SIGN_UP: Final = (
    "https://www.gov.uk/guidance/sign-up-your-business-for-making-tax-digital-for-income-tax"
)

#: HMRC online services' page where an individual opts out of, or back into, MTD (the
#: "reporting frequency" page of HMRC's view-and-change service), when the app talks to the
#: real HMRC. UNCONFIRMED: the address is not in the reference material; change it here.
HMRC_REPORTING_FREQUENCY: Final = (
    "https://www.tax.service.gov.uk/report-quarterly/income-and-expenses/view/reporting-frequency"
)

#: What HMRC puts in ``error_description`` when the identity check failed (the emulator's
#: choice, docs/emulator.md "Identity check failures"; HMRC does not publish its own).
IDENTITY_FAILED_DESCRIPTION: Final = "identity verification failed"


def sign_up_url(environment: Environment) -> str:
    """Where a person signs up for MTD: the emulator's own sign-up pages when pointed at it,
    GOV.UK's start page otherwise (sign-up is never an API)."""
    if environment.name == "emulator":
        return environment.auth_url("/signup")
    return GOV_UK_SIGN_UP


def reporting_obligations_url(environment: Environment) -> str:
    """Where a person opts out or opts back in (never an API): the emulator's reporting
    obligations pages when pointed at it, HMRC online services otherwise."""
    if environment.name == "emulator":
        return environment.auth_url("/reporting-obligations")
    return HMRC_REPORTING_FREQUENCY


# --- the journey between the two requests ---------------------------------------------------
@dataclass(frozen=True, slots=True)
class Journey:
    """A grant in progress: the SDK's request (state and PKCE verifier: secrets kept server
    side, in the session) and the NINO the person gave."""

    request: AuthorizationRequest
    nino: str
    started_at: datetime

    def expired(self, now: datetime) -> bool:
        """Whether it is past :data:`JOURNEY_LIFETIME` (its answer is no longer believed)."""
        return now >= self.started_at + JOURNEY_LIFETIME

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.request.url,
            "state": self.request.state,
            "code_verifier": self.request.code_verifier,
            "redirect_uri": self.request.redirect_uri,
            "scopes": list(self.request.scopes),
            "nino": self.nino,
            "started_at": self.started_at.isoformat(),
        }

    @classmethod
    def from_json(cls, value: object) -> Journey | None:
        """The journey kept in the session, or None if there is none (or it is not ours)."""
        if not isinstance(value, dict):
            return None
        try:
            request = AuthorizationRequest(
                url=str(value["url"]),
                state=str(value["state"]),
                code_verifier=str(value["code_verifier"]),
                redirect_uri=str(value["redirect_uri"]),
                scopes=tuple(str(scope) for scope in value["scopes"]),
            )
            return cls(request, str(value["nino"]), datetime.fromisoformat(value["started_at"]))
        except (KeyError, TypeError, ValueError):
            return None


def start(oauth: OAuthClient, nino: str, now: datetime) -> Journey:
    """A new journey: a fresh ``state`` and PKCE pair for the individual's scopes."""
    return Journey(oauth.authorization_url(INDIVIDUAL_SCOPES), nino, now)


# --- the grant --------------------------------------------------------------------------------
def keep_tokens(tokens: TokenStore, user_id: int, granted: TokenSet) -> None:
    """Keep a new grant's tokens (encrypted by the store) before anything else is written."""
    tokens.save(token_key(user_id), granted)


def record_connection(
    tx: UnitOfWork, user_id: int, nino: str, granted: TokenSet, now: datetime
) -> Connection:
    """The connection row for a grant whose tokens are kept (:func:`keep_tokens`)."""
    connection = Connection(
        user_id=user_id,
        nino=nino,
        connected_at=now,
        authority_ends_at=granted.authority_ends_at,
        scopes=granted.scopes,
        token_key=token_key(user_id),
    )
    tx.connections.save(connection)
    return connection


def disconnect(tx: UnitOfWork, tokens: TokenStore, user_id: int) -> bool:
    """Forget the grant (tokens first, see the module docstring); False if there was none."""
    connection = tx.connections.get(user_id)
    tokens.delete(token_key(user_id))
    if connection is None:
        return False
    tx.connections.delete(user_id)
    return True


# --- the 18-month authority -----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class AuthorityWarning:
    """The dashboard's warning: ``ended`` once the authority is over, else ``days_left``."""

    ends_at: datetime
    days_left: int
    ended: bool
    nino: str


def authority_warning(connection: Connection | None, now: datetime) -> AuthorityWarning | None:
    """A warning from :data:`AUTHORITY_WARNING_PERIOD` before the authority ends, or None."""
    if connection is None or connection.authority_ends_at is None:
        return None
    ends_at = connection.authority_ends_at
    if now < ends_at - AUTHORITY_WARNING_PERIOD:
        return None
    left = ends_at - now
    days = math.ceil(left / timedelta(days=1)) if left > timedelta(0) else 0
    return AuthorityWarning(ends_at, days, now >= ends_at, connection.nino)


class _Page(Protocol):
    """What :func:`connection_banner` reads of a page's context (the web's ``PageContext``)."""

    @property
    def tx(self) -> UnitOfWork: ...

    @property
    def now(self) -> datetime: ...

    @property
    def user(self) -> User | None: ...


def connection_banner(ctx: _Page) -> dict[str, Any] | None:
    """The values of ``_connection_banner.html`` for a page, or None when there is nothing to
    say. A page passes it as ``connection_banner=connection_banner(ctx)`` and includes the
    template, which draws the warning and its one-click Reconnect form."""
    user = ctx.user
    if user is None:
        return None
    warning = authority_warning(ctx.tx.connections.get(user.id), ctx.now)
    if warning is None:
        return None
    return {
        "ends_at": warning.ends_at,
        "days_left": warning.days_left,
        "ended": warning.ended,
    }
