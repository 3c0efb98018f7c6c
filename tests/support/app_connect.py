"""Connecting an app user to HMRC in the app's tests, through the real pages: the app's
``/connect`` form, then the emulator's own sign-in, 2-step, identity check and grant pages in a
browser of their own, and back to the app's callback.

    p = person(world)                     # signed in to openmtd, with an HMRC account
    connect(world, p)                     # -> the callback's answer (303 to /dashboard)

``customer(world)`` is an Individual signed up for MTD (HMRC-MTD-IT) with an authenticator
app; ``status(world, "2026-27")`` gives them an ITSA status for a year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from starlette.testclient import TestClient

from openmtd.emulator.storage import Account, StoredStatus, TwoStepMethod
from support.app import APP_URL, AppWorld, csrf_token
from support.app_accounts import DEFAULT_PASSWORD, create_signed_in_user, totp_now
from support.emulator import PASSWORD
from support.emulator import csrf_token as hmrc_csrf
from support.mtd_api import NINO, mtd_it

CALLBACK = f"{APP_URL}/connect/callback"
_FORMS = re.compile(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', re.DOTALL)
_TOKEN = re.compile(r'name="csrf_token" value="([^"]*)"')
BROWSER_FACTS = {
    "js_user_agent": "Mozilla/5.0 (X11; Linux x86_64) Chromium/120.0",
    "screen_width": "1920",
    "screen_height": "1080",
    "screen_scaling": "1",
    "screen_colour_depth": "24",
    "window_width": "1280",
    "window_height": "800",
    "utc_offset_minutes": "0",
}


@dataclass
class Person:
    """A signed-in openmtd user and their Government Gateway account at the emulator."""

    browser: TestClient
    user_id: int
    account: Account
    #: The openmtd account's authenticator secret (to sign in again after the clock moves).
    secret: str = ""


def customer(world: AppWorld, **options: Any) -> Account:
    """An Individual signed up for MTD (HMRC-MTD-IT), with an authenticator app."""
    options.setdefault("nino", NINO)
    options.setdefault("enrolments", (mtd_it(),))
    return world.emulator.account(two_step_method=TwoStepMethod.AUTHENTICATOR_APP, **options)


def status(world: AppWorld, tax_year: str = "2026-27", value: str = "MTD Mandated") -> None:
    """An ITSA status for the customer's NINO in ``tax_year``."""
    with world.emulator.services.store.transaction() as tx:
        tx.itsa_statuses.add(
            StoredStatus(
                NINO,
                tax_year,
                datetime(2026, 5, 1, tzinfo=UTC),
                value,
                "Sign up - no return available",
                None,
            )
        )


def person(world: AppWorld, **options: Any) -> Person:
    browser, user, secret = create_signed_in_user(world)
    return Person(browser, user.id, customer(world, **options), secret)


def form_token(html: str, action: str) -> str:
    """The CSRF token in the page's own form that posts to ``action`` (not the nav's)."""
    for found_action, body in _FORMS.findall(html):
        if found_action == action:
            match = _TOKEN.search(body)
            assert match, f"the form to {action} has no CSRF field"
            assert match.group(1), f"the form to {action} has an empty CSRF token"
            return match.group(1)
    raise AssertionError(f"the page has no form to {action}")


def start(p: Person, nino: str = NINO) -> str:
    """POST /connect: the location HMRC's /oauth/authorize is at."""
    form = p.browser.get("/connect")
    assert form.status_code == 200, form.text
    answer = p.browser.post(
        "/connect",
        data={"csrf_token": form_token(form.text, "/connect"), "nino": nino, **BROWSER_FACTS},
    )
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def at_hmrc(
    world: AppWorld,
    location: str,
    account: Account,
    *,
    decision: str = "grant",
    iv_outcome: str = "Success",
) -> str:
    """The person's half at the emulator's own pages (a browser of its own): sign in, 2-step,
    the identity check when asked, the grant page. Returns where HMRC sends the browser back."""
    hmrc = world.emulator.new_client()
    parts = urlsplit(location)
    answer = hmrc.get(f"{parts.path}?{parts.query}")
    assert answer.status_code == 303, answer.text
    token = hmrc_csrf(hmrc.get("/gg/sign-in").text)
    answer = hmrc.post(
        "/gg/sign-in", data={"csrf_token": token, "user_id": account.user_id, "password": PASSWORD}
    )
    assert answer.headers["location"] == "/gg/two-step"
    token = hmrc_csrf(hmrc.get("/gg/two-step").text)
    answer = hmrc.post(
        "/gg/two-step", data={"csrf_token": token, "code": world.emulator.totp(account)}
    )
    next_hop = hmrc.get("/oauth/continue").headers["location"]
    if next_hop == "/iv/journey":
        token = hmrc_csrf(hmrc.get("/iv/journey").text)
        answer = hmrc.post("/iv/journey", data={"csrf_token": token, "outcome": iv_outcome})
        if iv_outcome != "Success":
            return str(answer.headers["location"])
        next_hop = hmrc.get("/oauth/continue").headers["location"]
    assert next_hop == "/oauth/grantscope"
    page = hmrc.get("/oauth/grantscope")
    answer = hmrc.post(
        "/oauth/grantscope", data={"csrf_token": hmrc_csrf(page.text), "decision": decision}
    )
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"])


def back_to_app(p: Person, location: str) -> Any:
    assert location.startswith(CALLBACK + "?"), location
    return p.browser.get(location.removeprefix(APP_URL))


def connect(world: AppWorld, p: Person, **options: Any) -> Any:
    return back_to_app(p, at_hmrc(world, start(p), p.account, **options))


def audit_rows(world: AppWorld, user_id: int) -> list[Any]:
    with world.store.transaction() as tx:
        return list(reversed(tx.audit.for_user(user_id)))


def sign_in_again(world: AppWorld, browser: TestClient, secret: str) -> None:
    """Sign in through the pages (after the clock moved past the session's idle limit)."""
    form = browser.get("/sign-in")
    answer = browser.post(
        "/sign-in",
        data={
            "csrf_token": csrf_token(form.text),
            "email": "sam@example.com",
            "password": DEFAULT_PASSWORD,
        },
    )
    assert answer.status_code == 303, answer.text
    form = browser.get("/two-step")
    answer = browser.post(
        "/two-step", data={"csrf_token": csrf_token(form.text), "code": totp_now(world, secret)}
    )
    assert answer.status_code == 303, answer.text


def later(world: AppWorld, p: Person, secret: str, until: timedelta) -> None:
    """Move the clock to ``until`` after the grant, and sign in again."""
    world.emulator.advance(until.total_seconds())
    sign_in_again(world, p.browser, secret)
