"""Per-request context for the app's pages: the services, one transaction, the browser
session, CSRF, and who is signed in.

Sessions are server-side: the cookie holds a random id (stored as its SHA-256), HttpOnly,
SameSite=Lax, ``Secure`` when configured, ``Path=/``. A person is signed in only once both the
password and the second factor were right (:attr:`WebSession.signed_in`); the session id is
replaced at each step (no fixation). Every form carries the session's CSRF token, and
:meth:`PageContext.check_csrf` refuses a POST without it (:class:`CsrfError`, a clear page).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import Response

from openmtd.app.services.hmrc import Hmrc
from openmtd.app.settings import AppSettings
from openmtd.app.storage import Store, UnitOfWork, User, WebSession
from openmtd.rules.clock import Clock
from openmtd.webkit.forms import Form

SESSION_COOKIE: Final = "openmtd_session"
#: A random id this browser keeps for a year: Gov-Client-Device-ID's value.
DEVICE_COOKIE: Final = "openmtd_device"
_DEVICE_SECONDS: Final = 365 * 24 * 3600


def token_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Services:
    """What every request may use: ``hmrc`` is the one way to HMRC (the SDK, the token
    store, the audit log: :mod:`openmtd.app.services.hmrc`)."""

    settings: AppSettings
    store: Store
    clock: Clock
    hmrc: Hmrc


class CsrfError(Exception):
    """A form was posted without this session's CSRF token."""


class SignInRequired(Exception):  # noqa: N818 (a signal to the web edge, not a failure)
    """The page needs a signed-in person; the edge redirects to the sign-in page."""


class PageContext:
    """One request's view of the session, inside one transaction (``tx``)."""

    def __init__(
        self,
        request: Request,
        services: Services,
        tx: UnitOfWork,
        now: datetime,
        session: WebSession,
        cookie_value: str | None,
        *,
        is_new: bool,
        timed_out: bool = False,
    ) -> None:
        self.request = request
        self.services = services
        self.tx = tx
        self.now = now
        self.session = session
        self.cookie_value = cookie_value
        self.is_new = is_new
        self.timed_out = timed_out
        self._user: User | None = None
        self._new_device_id: str | None = None

    # --- journey state ---------------------------------------------------------------------
    def get(self, key: str, default: Any = None) -> Any:
        return self.session.data.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self.session.data[key] = value

    def pop(self, key: str) -> Any:
        return self.session.data.pop(key, None)

    # --- CSRF --------------------------------------------------------------------------------
    @property
    def csrf_token(self) -> str:
        return self.session.csrf_token

    def check_csrf(self, form: Form) -> None:
        supplied = form.get("csrf_token")
        if not supplied or not hmac.compare_digest(
            supplied.encode(), self.session.csrf_token.encode()
        ):
            raise CsrfError

    # --- this browser -------------------------------------------------------------------------
    @property
    def device_id(self) -> str:
        """This browser's id (a UUID kept in a cookie for a year; made on first use)."""
        sent = self.request.cookies.get(DEVICE_COOKIE, "")
        try:
            return str(uuid.UUID(sent)) if len(sent) == 36 else self._make_device_id()
        except ValueError:
            return self._make_device_id()

    def _make_device_id(self) -> str:
        if self._new_device_id is None:
            self._new_device_id = str(uuid.uuid4())
        return self._new_device_id

    # --- who is signed in ------------------------------------------------------------------
    @property
    def user(self) -> User | None:
        """The signed-in person (password and second factor both passed), or None."""
        if not self.session.signed_in or self.session.user_id is None:
            return None
        if self._user is None or self._user.id != self.session.user_id:
            self._user = self.tx.users.get(self.session.user_id)
        return self._user

    def require_user(self) -> User:
        """The signed-in person; :class:`SignInRequired` (a redirect to sign in) otherwise."""
        user = self.user
        if user is None:
            raise SignInRequired
        return user

    def password_passed(self, user: User) -> None:
        """The password was right: the session knows who, but is not signed in yet."""
        self._rotate()
        self.session.user_id = user.id
        self.session.second_factor_at = None
        self.session.second_factor_reference = None

    def second_factor_passed(self) -> None:
        """The authenticator (or a recovery) code was right: now signed in."""
        self._rotate()
        self.session.second_factor_at = self.now
        self.session.second_factor_reference = secrets.token_hex(16)
        self._user = None

    def sign_out(self) -> None:
        self.tx.sessions.delete(self.session.id_hash)
        self._rotate()
        self.session.user_id = None
        self.session.second_factor_at = None
        self.session.second_factor_reference = None
        self.session.data = {}
        self._user = None

    def _rotate(self) -> None:
        if not self.is_new:
            self.tx.sessions.delete(self.session.id_hash)
        self.cookie_value = secrets.token_urlsafe(32)
        self.session = WebSession(
            id_hash=token_hash(self.cookie_value),
            csrf_token=secrets.token_urlsafe(32),
            created_at=self.now,
            last_seen_at=self.now,
            user_id=self.session.user_id,
            second_factor_at=self.session.second_factor_at,
            second_factor_reference=self.session.second_factor_reference,
            data=dict(self.session.data),
        )
        self.is_new = True

    def finish(self, response: Response) -> Response:
        """Save the session and set the cookie on ``response``. Every page gets a session, so
        its forms carry a CSRF token; idle ones are deleted as new ones start."""
        if self.is_new:
            self.tx.sessions.add(self.session)
        else:
            self.session.last_seen_at = self.now
            self.tx.sessions.save(self.session)
        if self._new_device_id is not None:
            response.set_cookie(
                DEVICE_COOKIE,
                self._new_device_id,
                max_age=_DEVICE_SECONDS,
                httponly=True,
                secure=self.services.settings.secure_cookies,
                samesite="lax",
                path="/",
            )
        if self.cookie_value is not None:
            response.set_cookie(
                SESSION_COOKIE,
                self.cookie_value,
                httponly=True,
                secure=self.services.settings.secure_cookies,
                samesite="lax",
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
        now = services.clock.now()
        idle_limit = timedelta(seconds=services.settings.session_idle_seconds)
        cookie = request.cookies.get(SESSION_COOKIE)
        existing = tx.sessions.get(token_hash(cookie)) if cookie and len(cookie) < 100 else None
        if existing is not None and existing.last_seen_at + idle_limit <= now:
            tx.sessions.delete(existing.id_hash)
            existing = None
        timed_out = cookie is not None and existing is None
        if existing is not None:
            yield PageContext(request, services, tx, now, existing, None, is_new=False)
            return
        tx.sessions.delete_idle(now - idle_limit)
        value = secrets.token_urlsafe(32)
        fresh = WebSession(
            id_hash=token_hash(value),
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
        )
        yield PageContext(
            request, services, tx, now, fresh, value, is_new=True, timed_out=timed_out
        )
