"""What every page handler works inside: one transaction, the time, and the browser session.

Browser sessions are server-side: the cookie holds a random id (stored as a SHA-256 hash);
the journey state lives in the database, so several workers share it. The cookie is HttpOnly,
SameSite=Lax and (over https) Secure; a session ends after ``session_idle_seconds`` without a
request (15 minutes), and its id is replaced at sign-in so a planted id is useless.

Every form carries the session's CSRF token; :meth:`PageContext.check_csrf` refuses a POST
without it.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.clock import EmulatorClock
from openmtd.emulator.security import PasswordHasher, token_hash
from openmtd.emulator.settings import EmulatorSettings
from openmtd.emulator.storage import Account, BrowserSession, Store, Transaction
from openmtd.webkit.forms import Form

SESSION_COOKIE: Final = "openmtd_emulator_session"


@dataclass(frozen=True, slots=True)
class Services:
    """Everything a route needs, built once by ``create_app``."""

    settings: EmulatorSettings
    store: Store
    clock: EmulatorClock
    hasher: PasswordHasher


class CsrfError(Exception):
    """A form was posted without this session's CSRF token."""


@dataclass
class PageContext:
    """One request's unit of work: ``tx``, ``now`` and the browser session's data."""

    request: Request
    services: Services
    tx: Transaction
    now: datetime
    session: BrowserSession
    cookie_value: str | None
    is_new: bool
    timed_out: bool = False
    changed: bool = False
    _old_id_hash: str | None = field(default=None)

    # --- session data -------------------------------------------------------------------
    def get(self, key: str, default: Any = None) -> Any:
        return self.session.data.get(key, default)

    def set(self, key: str, value: Any) -> None:
        data = dict(self.session.data)
        data[key] = value
        self.session = replace(self.session, data=data)
        self.changed = True

    def pop(self, key: str) -> Any:
        data = dict(self.session.data)
        value = data.pop(key, None)
        self.session = replace(self.session, data=data)
        self.changed = True
        return value

    @property
    def csrf_token(self) -> str:
        self.changed = self.changed or self.is_new
        return self.session.csrf_token

    def check_csrf(self, form: Form) -> None:
        supplied = form.get("csrf_token")
        # Compared as bytes: compare_digest refuses str with anything but ASCII in it.
        if self.is_new or not hmac.compare_digest(
            supplied.encode(), self.session.csrf_token.encode()
        ):
            raise CsrfError

    # --- who is signed in ---------------------------------------------------------------
    @property
    def account(self) -> Account | None:
        if self.session.account_id is None:
            return None
        return self.tx.accounts.get(self.session.account_id)

    def sign_in(self, account: Account) -> None:
        """Mark the session signed in, under a new id and a new CSRF token."""
        self._rotate()
        self.session = replace(self.session, account_id=account.id)

    def sign_out(self) -> None:
        self._rotate()
        self.session = replace(self.session, account_id=None, data={})

    def _rotate(self) -> None:
        if not self.is_new:
            self._old_id_hash = self.session.id_hash
        self.cookie_value = secrets.token_urlsafe(32)
        self.session = replace(
            self.session,
            id_hash=token_hash(self.cookie_value),
            csrf_token=secrets.token_urlsafe(32),
        )
        self.is_new = True
        self.changed = True

    # --- finishing ----------------------------------------------------------------------
    def finish(self, response: Response) -> Response:
        """Save the session (if it holds anything) and set the cookie on ``response``."""
        if not self.changed:
            if not self.is_new:
                self.tx.sessions.save(replace(self.session, last_seen_at=self.now))
            return response
        session = replace(self.session, last_seen_at=self.now)
        if self._old_id_hash:
            self.tx.sessions.delete(self._old_id_hash)
        if self.is_new:
            self.tx.sessions.add(session)
        else:
            self.tx.sessions.save(session)
        if self.cookie_value is not None:
            response.set_cookie(
                SESSION_COOKIE,
                self.cookie_value,
                httponly=True,
                samesite="lax",
                secure=self.services.settings.secure_cookies,
                path="/",
            )
        return response


def services_of(request: Request) -> Services:
    services = request.app.state.services
    assert isinstance(services, Services)
    return services


@contextmanager
def page_context(request: Request) -> Iterator[PageContext]:
    """Open a transaction and load (or start) the browser session."""
    services = services_of(request)
    with services.store.transaction() as tx:
        now = services.clock.now_in(tx)
        idle_limit = timedelta(seconds=services.settings.session_idle_seconds)
        cookie = request.cookies.get(SESSION_COOKIE)
        existing = tx.sessions.get(token_hash(cookie)) if cookie else None
        if existing is not None and existing.last_seen_at + idle_limit <= now:
            tx.sessions.delete(existing.id_hash)
            existing = None
        # A cookie with no live session behind it: the session ended (idle, or sign-out).
        timed_out = cookie is not None and existing is None
        if existing is not None:
            yield PageContext(request, services, tx, now, existing, None, is_new=False)
            return
        # Sessions idle past the limit are never used again: clear them out as new ones start.
        tx.sessions.delete_idle(now - idle_limit)
        value = secrets.token_urlsafe(32)
        fresh = BrowserSession(
            id_hash=token_hash(value),
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
        )
        yield PageContext(
            request, services, tx, now, fresh, value, is_new=True, timed_out=timed_out
        )
