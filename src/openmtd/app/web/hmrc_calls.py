"""Calling HMRC from a page: an SDK client for the signed-in person, with fraud prevention
headers for this browser (WEB_APP_VIA_SERVER) and every call written to the audit log.

    with hmrc_client(ctx) as client:
        answer = client.itsa_status.retrieve(connection.nino, "2026-27", future_years=True)

The audit rows are written in the page's transaction (``ctx.tx``) when the ``with`` block
ends, error or not: a page that handles the SDK's errors (every route does) keeps them. They
are held until then because the SDK's token store writes (a refresh) on a connection of its
own, and on SQLite a row written earlier in the page's transaction would hold the write lock
it waits for.

What only a script can read in the browser (``navigator.userAgent``, the screen, the window's
size, the time zone) is sent by the connect form's ``/assets/browser.js`` and kept in the
session (:func:`remember_browser`); without script those headers are left out, never invented.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, Final

import httpx

from openmtd import __version__
from openmtd.app.services.hmrc import CallRecord
from openmtd.app.storage import AuditEntry
from openmtd.app.web.context import PageContext
from openmtd.sdk import (
    Client,
    FactorType,
    FraudHeaderSource,
    MultiFactor,
    Screen,
    Vendor,
    WebAppViaServer,
    WebRequest,
    WindowSize,
)
from openmtd.webkit.forms import Form

PRODUCT_NAME = "openmtd"
#: The session key of what the browser's script reported (see :func:`remember_browser`).
BROWSER_KEY: Final = "browser"
#: The form fields ``browser.js`` fills, with the largest value each may take.
BROWSER_FIELDS: Final = {
    "screen_width": 100_000,
    "screen_height": 100_000,
    "screen_colour_depth": 64,
    "window_width": 100_000,
    "window_height": 100_000,
    "utc_offset_minutes": 14 * 60,
}
_USER_AGENT_LIMIT: Final = 1000


def _small_int(text: str | None) -> int | None:
    """An ASCII integer of at most 7 characters (``str.isdigit`` would take "²")."""
    value = (text or "").strip()
    digits = value.removeprefix("-")
    if not digits or len(value) > 7 or not all("0" <= char <= "9" for char in digits):
        return None
    return int(value)


def remember_browser(ctx: PageContext, form: Form) -> None:
    """Keep what ``browser.js`` put in the form's hidden fields (bounded numbers, a
    printable user agent); a field left empty (no script) or out of range is not kept."""
    facts: dict[str, Any] = {}
    for name, limit in BROWSER_FIELDS.items():
        number = _small_int(form.get(name))
        if number is not None and abs(number) <= limit:
            facts[name] = number
    scaling = (form.get("screen_scaling") or "").strip()
    try:
        if scaling and len(scaling) <= 12 and 0 < float(scaling) <= 20:
            facts["screen_scaling"] = float(scaling)
    except ValueError:
        pass  # not a number: left out
    agent = (form.get("js_user_agent") or "").strip()
    if agent and len(agent) <= _USER_AGENT_LIMIT and agent.isprintable():
        facts["js_user_agent"] = agent
    if facts:
        ctx.set(BROWSER_KEY, facts)


def _browser(ctx: PageContext) -> dict[str, Any]:
    facts = ctx.get(BROWSER_KEY)
    if not isinstance(facts, dict):
        return {}
    screens: list[Screen] = []
    if facts.get("screen_width", 0) > 0 and facts.get("screen_height", 0) > 0:
        screens.append(
            Screen(
                facts["screen_width"],
                facts["screen_height"],
                facts.get("screen_scaling"),
                facts.get("screen_colour_depth"),
            )
        )
    window = None
    if facts.get("window_width", 0) > 0 and facts.get("window_height", 0) > 0:
        window = WindowSize(facts["window_width"], facts["window_height"])
    offset = facts.get("utc_offset_minutes")
    return {
        "js_user_agent": facts.get("js_user_agent"),
        "screens": screens,
        "window_size": window,
        "utc_offset": timedelta(minutes=offset) if isinstance(offset, int) else None,
    }


def _public_ip(host: str | None) -> str | None:
    """The browser's address, if it is a public one (a loopback or private address says
    nothing to HMRC, and the spec asks for the public IP)."""
    if not host:
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    return host if address.is_global else None


def fraud_headers(ctx: PageContext) -> FraudHeaderSource:
    """The headers for calls made while serving this request: what the request tells about
    the browser, the app's own user id, and the second factor passed at sign-in. What cannot
    be known (a browser's screen without script, say) is left out, never invented."""
    user = ctx.require_user()
    session = ctx.session
    client = ctx.request.client
    factors = []
    if session.second_factor_at is not None and session.second_factor_reference:
        factors.append(
            MultiFactor(FactorType.TOTP, session.second_factor_at, session.second_factor_reference)
        )
    request = WebRequest(
        public_ip=_public_ip(client.host if client else None),
        public_port=client.port if client and _public_ip(client.host) else None,
        seen_at=ctx.now,
        device_id=ctx.device_id,
        user_ids={PRODUCT_NAME: str(user.id)},
        multi_factor=factors,
        **_browser(ctx),
    )
    vendor = Vendor(PRODUCT_NAME, {PRODUCT_NAME: __version__})
    source = WebAppViaServer(vendor, vendor_public_ip=ctx.services.settings.vendor_public_ip)
    return source.for_request(request)


class AuditTrail:
    """The audit rows of one page's calls, held until :meth:`write` (see the module
    docstring): who, when, which customer, the answer and HMRC's correlation id."""

    def __init__(self, ctx: PageContext, user_id: int, nino: str | None) -> None:
        self._ctx = ctx
        self._user_id = user_id
        self._nino = nino
        self._calls: list[CallRecord] = []

    def record(self, call: CallRecord) -> None:
        self._calls.append(call)

    def write(self) -> None:
        for call in self._calls:
            self._ctx.tx.audit.add(
                AuditEntry(
                    at=call.at,
                    user_id=self._user_id,
                    nino=self._nino,
                    method=call.method,
                    path=call.path,
                    status=call.status,
                    correlation_id=call.correlation_id,
                    outcome=call.outcome,
                )
            )
        self._calls.clear()


@contextmanager
def hmrc_client(ctx: PageContext, *, trail: AuditTrail | None = None) -> Iterator[Client]:
    """An SDK client for the signed-in person (see the module docstring). With ``trail`` the
    calls join it and the caller writes it (a page that must touch the token store after its
    calls, and so writes nothing before)."""
    user = ctx.require_user()
    own = trail is None
    if trail is None:
        connection = ctx.tx.connections.get(user.id)
        trail = AuditTrail(ctx, user.id, connection.nino if connection else None)
    try:
        with ctx.services.hmrc.client(
            user.id, record=trail.record, fraud_headers=fraud_headers(ctx)
        ) as client:
            yield client
    finally:
        if own:
            trail.write()


@contextmanager
def hmrc_http(ctx: PageContext, trail: AuditTrail) -> Iterator[httpx.Client]:
    """A plain httpx client to HMRC for the OAuth calls made outside an SDK client (the code
    exchange), its calls added to ``trail`` (the caller writes it)."""
    with ctx.services.hmrc.http(record=trail.record) as http:
        yield http
