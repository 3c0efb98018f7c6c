"""What the account pages share: the :class:`Accounts` service of this app, the person part
way through signing in, and the safe ``next`` path."""

from __future__ import annotations

import threading
from typing import Final
from urllib.parse import urlsplit

from openmtd.app.services.accounts import LOCK_MINUTES, Accounts
from openmtd.app.storage import User
from openmtd.app.web.context import PageContext

#: Said for a locked account and for a locked unknown address alike.
LOCKED_MESSAGE: Final = (
    f"There have been too many wrong tries. For your security, wait {LOCK_MINUTES} minutes, "
    "then try again."
)
_MAX_NEXT: Final = 512
_made = threading.Lock()


def accounts_of(ctx: PageContext) -> Accounts:
    """The app's one :class:`Accounts` (its decoy hash is made once, on first use)."""
    state = ctx.request.app.state
    with _made:
        accounts = getattr(state, "accounts", None)
        if accounts is None:
            accounts = Accounts(ctx.services.settings.password_hashing)
            state.accounts = accounts
    assert isinstance(accounts, Accounts)
    return accounts


def pending_user(ctx: PageContext) -> User | None:
    """The person whose password was right but who has not passed the second factor yet."""
    if ctx.session.user_id is None or ctx.session.signed_in:
        return None
    return ctx.tx.users.get(ctx.session.user_id)


def safe_next(value: str | None) -> str | None:
    """``value`` if it is a path on this site (``/dashboard?x=1``), None otherwise: never an
    absolute or scheme-relative URL (``//evil``, ``/\\evil``), so sign-in is no open redirect."""
    if not value or len(value) > _MAX_NEXT or not value.startswith("/"):
        return None
    if value.startswith("//") or "\\" in value:
        return None
    if any(ord(char) < 0x21 or ord(char) == 0x7F for char in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value


def after_sign_in(ctx: PageContext) -> str:
    """Where a person goes once signed in: the page they first asked for, or the dashboard."""
    return safe_next(ctx.pop("next")) or "/dashboard"
