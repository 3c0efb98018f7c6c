"""Reminders in process: given on the dashboard before a penalty-bearing deadline at the
person's intervals, once each, with an email in the outbox; the settings page; marking one
read; the outbox page shows only the person's own emails; delivery through a real SMTP server
on loopback (aiosmtpd), refusals kept with their reason."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from openmtd.app.services.reminders import Delivery, deliver
from openmtd.app.settings import SmtpSettings
from support.app import AppWorld
from support.app_accounts import create_signed_in_user
from support.app_connect import Person, connect, form_token, later, person, status
from support.live_server import free_port
from support.mtd_api import World

SE_ID = "XAIS00000000001"
#: From the pinned 26 November 2026 to 20 January 2027: 11 days before last year's tax
#: return and payment are due (31 January 2027).
TO_JANUARY = timedelta(days=55)


def _words(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _mandated_sole_trader(world: AppWorld) -> Person:
    """Mandated from 2026-27, after a Self Assessment return for 2025-26."""
    status(world, "2025-26", "Annual")
    status(world, "2026-27", "MTD Mandated")
    p = person(world)
    assert connect(world, p).status_code == 303
    mtd = World(world.emulator, world.application, p.account)
    mtd.subscription("2026-27")
    mtd.signed_up_business(SE_ID)
    return p


def _outbox(world: AppWorld) -> list[Any]:
    with world.store.transaction() as tx:
        return tx.outbox.recent()


def test_a_reminder_comes_before_the_deadline_once_with_an_email(app_world: AppWorld) -> None:
    p = _mandated_sole_trader(app_world)
    assert 'id="reminders-title"' not in p.browser.get("/dashboard").text  # 66 days to go

    later(app_world, p, p.secret, TO_JANUARY)
    page = p.browser.get("/dashboard")
    words = _words(page.text)
    expected = (
        "Self Assessment tax return and payment for 6 April 2025 to 5 April 2026 is due by "
        "31 January 2027, if you have not sent it yet. Sent late, it can bring a penalty."
    )
    assert expected in words
    # The quarterly update due on 7 February is 18 days off, and bears no points this year.
    assert page.text.count("Mark as read") == 1
    (email,) = _outbox(app_world)
    assert email.to == "sam@example.com"
    assert email.subject == (
        "openmtd reminder: Self Assessment tax return and payment for 6 April 2025 to 5 April "
        "2026 due by 31 January 2027"
    )
    assert f"{expected} That is in 11 days." in email.body
    assert email.sent_at is None  # no SMTP here: it waits in the outbox

    p.browser.get("/dashboard")
    assert len(_outbox(app_world)) == 1  # given once
    with app_world.store.transaction() as tx:
        assert len(tx.notices.for_user(p.user_id)) == 1


def test_marking_a_reminder_read_takes_it_off_the_dashboard(app_world: AppWorld) -> None:
    p = _mandated_sole_trader(app_world)
    later(app_world, p, p.secret, TO_JANUARY)
    page = p.browser.get("/dashboard")
    (notice_id,) = re.findall(r'action="/reminders/(\d+)/read"', page.text)
    token = form_token(page.text, f"/reminders/{notice_id}/read")
    answer = p.browser.post(
        f"/reminders/{notice_id}/read", data={"csrf_token": token, "back": "dashboard"}
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/dashboard")
    assert "Mark as read" not in p.browser.get("/dashboard").text
    assert "(20 January 2027, read)" in _words(p.browser.get("/reminders").text)


def test_someone_elses_reminder_cannot_be_marked(app_world: AppWorld) -> None:
    p = _mandated_sole_trader(app_world)
    later(app_world, p, p.secret, TO_JANUARY)
    p.browser.get("/dashboard")
    with app_world.store.transaction() as tx:
        (notice,) = tx.notices.for_user(p.user_id)
    other, _user, _secret = create_signed_in_user(
        app_world, email="other@example.com", client=app_world.new_client()
    )
    page = other.get("/reminders")
    for target in (str(notice.id), "１", "9" * 40):
        answer = other.post(
            f"/reminders/{target}/read",
            data={"csrf_token": form_token(page.text, "/reminders")},
        )
        assert answer.status_code == 303
    with app_world.store.transaction() as tx:
        assert tx.notices.for_user(p.user_id, unread_only=True) == [notice]


def test_the_settings_choose_the_intervals_and_the_email(app_world: AppWorld) -> None:
    p = _mandated_sole_trader(app_world)
    page = p.browser.get("/reminders")
    assert page.status_code == 200
    assert re.search(r'value="14" checked', page.text)
    assert re.search(r'value="3" checked', page.text)
    token = form_token(page.text, "/reminders")
    none = p.browser.post("/reminders", data={"csrf_token": token, "email": "yes"})
    assert none.status_code == 400
    assert "Choose at least one" in html.unescape(none.text)
    saved = p.browser.post(
        "/reminders",
        data={"csrf_token": token, "days_before": ["30", "7", "99"], "email": "no"},
    )
    assert (saved.status_code, saved.headers["location"]) == (303, "/reminders?saved=1")
    assert "Your reminder settings are saved." in p.browser.get("/reminders?saved=1").text
    with app_world.store.transaction() as tx:
        preferences = tx.reminders.get(p.user_id)
    assert (preferences.days_before, preferences.email) == ((30, 7), False)

    later(app_world, p, p.secret, TO_JANUARY)
    assert "is due by 31 January 2027" in _words(p.browser.get("/dashboard").text)  # 30 days
    assert _outbox(app_world) == []  # no email asked for


def test_the_outbox_page_shows_only_the_persons_own_emails(app_world: AppWorld) -> None:
    p = _mandated_sole_trader(app_world)
    with app_world.store.transaction() as tx:
        tx.outbox.add(
            to="someone.else@example.com",
            subject="Not yours",
            body="b",
            now=app_world.emulator.now(),
        )
    later(app_world, p, p.secret, TO_JANUARY)
    p.browser.get("/dashboard")
    page = p.browser.get("/reminders/outbox")
    assert page.status_code == 200
    words = _words(page.text)
    assert "openmtd reminder: Self Assessment tax return" in words
    assert "Not yours" not in words
    assert "no email server set up" in words


# --- delivery through SMTP --------------------------------------------------------------------
@dataclass
class _Inbox:
    """What a real SMTP server on loopback received; it refuses ``refused@example.com``."""

    received: list[Envelope]

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address == "refused@example.com":
            return "550 no such mailbox"
        if address == "later@example.com":
            return "450 mailbox busy"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        self.received.append(envelope)
        return "250 Message accepted"


class _BusyAfterOne(_Inbox):
    """Accepts one email, then answers every MAIL FROM with a temporary refusal."""

    async def handle_MAIL(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.received:
            return "451 try again later"
        envelope.mail_from = address
        return "250 OK"


def test_a_temporary_refusal_midway_keeps_what_was_sent_and_stops(
    app_world: AppWorld,
) -> None:
    inbox = _BusyAfterOne([])
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    now = app_world.emulator.now()
    try:
        with app_world.store.transaction() as tx:
            first = tx.outbox.add(to="a@example.com", subject="s", body="b", now=now)
            second = tx.outbox.add(to="b@example.com", subject="s", body="b", now=now)
        smtp = SmtpSettings(host="127.0.0.1", port=port, starttls=False)
        delivery = deliver(app_world.store, smtp, now)
        assert delivery.sent == 1
        assert delivery.stopped is not None
        assert "451" in delivery.stopped
        with app_world.store.transaction() as tx:
            assert [m.id for m in tx.outbox.unsent()] == [second.id]  # the first is not resent
            assert {m.id: m.sent_at for m in tx.outbox.recent()}[first.id] == now
    finally:
        controller.stop()
    assert [e.rcpt_tos for e in inbox.received] == [["a@example.com"]]


@pytest.fixture
def smtp_server() -> Iterator[tuple[_Inbox, SmtpSettings]]:
    inbox = _Inbox([])
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, SmtpSettings(host="127.0.0.1", port=port, starttls=False)
    finally:
        controller.stop()


def test_delivery_sends_the_outbox_and_keeps_refusals(
    app_world: AppWorld, smtp_server: tuple[_Inbox, SmtpSettings]
) -> None:
    inbox, smtp = smtp_server
    now = app_world.emulator.now()
    with app_world.store.transaction() as tx:
        good = tx.outbox.add(to="ida@example.com", subject="Due soon", body="Hello", now=now)
        bad = tx.outbox.add(to="refused@example.com", subject="Due soon", body="Hi", now=now)
    delivery = deliver(app_world.store, smtp, now)
    assert (delivery.sent, delivery.refused, delivery.stopped) == (1, 1, None)
    (envelope,) = inbox.received
    assert envelope.rcpt_tos == ["ida@example.com"]
    assert isinstance(envelope.content, bytes)
    email = message_from_bytes(envelope.content)
    assert (email["Subject"], email["From"]) == ("Due soon", "openmtd <noreply@localhost>")
    with app_world.store.transaction() as tx:
        by_id = {m.id: m for m in tx.outbox.recent()}
        assert by_id[good.id].sent_at == now
        assert by_id[bad.id].error is not None
        assert "refused" in by_id[bad.id].error
        assert tx.outbox.unsent() == []  # neither is tried again
    assert deliver(app_world.store, smtp, now).sent == 0


def test_without_smtp_nothing_is_delivered(app_world: AppWorld) -> None:
    now = app_world.emulator.now()
    with app_world.store.transaction() as tx:
        tx.outbox.add(to="ida@example.com", subject="s", body="b", now=now)
    assert deliver(app_world.store, None, now) == Delivery()
    with app_world.store.transaction() as tx:
        assert len(tx.outbox.unsent()) == 1
        tx.outbox.mark_sent(tx.outbox.unsent()[0].id, now)
    unused = replace(SmtpSettings(host="127.0.0.1"), port=free_port())
    assert deliver(app_world.store, unused, now) == Delivery()  # nothing to send: no connection


# --- the daily run ------------------------------------------------------------------------------
def test_the_daily_run_reminds_everyone_and_sends_the_emails(
    app_world: AppWorld, smtp_server: tuple[_Inbox, SmtpSettings], tmp_path: Any
) -> None:
    from openmtd.app.services.remind_run import remind_everyone

    inbox, smtp = smtp_server
    p = _mandated_sole_trader(app_world)
    # A second person whose connection holds no grant (as after the tokens were lost).
    _other_browser, other, _secret = create_signed_in_user(
        app_world, email="other@example.com", client=app_world.new_client()
    )
    with app_world.store.transaction() as tx:
        mine = tx.connections.get(p.user_id)
        assert mine is not None
        tx.connections.save(replace(mine, user_id=other.id, nino="AB123456C"))
    app_world.emulator.advance(TO_JANUARY.total_seconds())
    settings = replace(app_world.settings, smtp=smtp)
    seen: list[int] = []

    summary = remind_everyone(
        app_world.store,
        app_world.services.hmrc,
        settings,
        app_world.emulator.clock,
        tmp_path / "device-id",
        on_person=lambda done: seen.append(done.people),
    )

    assert seen == [1, 2]
    assert (summary.people, summary.reminders, summary.emails_queued) == (2, 1, 1)
    assert summary.emails_sent == 1
    assert summary.failed == [(other.id, "ReauthorisationRequired")]
    assert summary.delivery_error is None
    (envelope,) = inbox.received
    assert envelope.rcpt_tos == ["sam@example.com"]
    # No one at a screen: HMRC is told so, with the job's own device id.
    calls = [r for r in app_world.transport.sent if "/itsa-status/" in r.url.path]
    assert calls[-1].headers["Gov-Client-Connection-Method"] == "BATCH_PROCESS_DIRECT"
    assert (tmp_path / "device-id").is_file()
    with app_world.store.transaction() as tx:
        audited = [entry.path for entry in tx.audit.for_user(other.id)]
    assert audited == []  # no grant, so HMRC was not called
    # A second run the same day gives nothing again.
    again = remind_everyone(
        app_world.store, app_world.services.hmrc, settings, app_world.emulator.clock,
        tmp_path / "device-id",
    )  # fmt: skip
    assert (again.reminders, again.emails_sent) == (0, 0)


def test_an_smtp_server_that_cannot_be_reached_leaves_the_emails_queued(
    app_world: AppWorld, tmp_path: Any
) -> None:
    from openmtd.app.services.remind_run import remind_everyone

    _mandated_sole_trader(app_world)
    app_world.emulator.advance(TO_JANUARY.total_seconds())
    settings = replace(
        app_world.settings, smtp=SmtpSettings(host="127.0.0.1", port=free_port(), starttls=False)
    )
    summary = remind_everyone(
        app_world.store, app_world.services.hmrc, settings, app_world.emulator.clock,
        tmp_path / "device-id",
    )  # fmt: skip
    assert summary.emails_queued == 1
    assert summary.delivery_error is not None
    assert summary.delivery_error.startswith("ConnectionRefusedError")
    with app_world.store.transaction() as tx:
        assert len(tx.outbox.unsent()) == 1


def test_a_reminder_leaves_the_dashboard_once_its_deadline_has_passed(
    app_world: AppWorld,
) -> None:
    p = _mandated_sole_trader(app_world)
    later(app_world, p, p.secret, TO_JANUARY)
    assert 'id="reminders-title"' in p.browser.get("/dashboard").text
    later(app_world, p, p.secret, timedelta(days=12))  # 1 February 2027
    page = p.browser.get("/dashboard")
    assert 'id="reminders-title"' not in page.text
    assert "(20 January 2027)" in _words(p.browser.get("/reminders").text)  # still listed there


class _RefusesMail(_Inbox):
    """Signs the sender in, then refuses every message for good (550)."""

    async def handle_MAIL(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        return "550 not from you"


def test_a_permanent_refusal_after_signing_in_is_kept_and_not_retried(
    app_world: AppWorld,
) -> None:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    logins: list[tuple[bytes, bytes]] = []

    def authenticator(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        return AuthResult(success=True)

    port = free_port()
    controller = Controller(
        _RefusesMail([]),
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_require_tls=False,
    )
    controller.start()
    now = app_world.emulator.now()
    try:
        with app_world.store.transaction() as tx:
            tx.outbox.add(to="a@example.com", subject="s", body="b", now=now)
        smtp = SmtpSettings(
            host="127.0.0.1", port=port, username="mailer", password="secret", starttls=False
        )
        delivery = deliver(app_world.store, smtp, now)
    finally:
        controller.stop()
    assert logins == [(b"mailer", b"secret")]
    assert (delivery.sent, delivery.refused, delivery.stopped) == (0, 1, None)
    with app_world.store.transaction() as tx:
        (message,) = tx.outbox.recent()
        assert message.error is not None
        assert message.error.startswith("550")
        assert tx.outbox.unsent() == []


def test_a_busy_mailbox_or_no_starttls_stops_the_delivery_and_keeps_the_email(
    app_world: AppWorld, smtp_server: tuple[_Inbox, SmtpSettings]
) -> None:
    _inbox, smtp = smtp_server
    now = app_world.emulator.now()
    with app_world.store.transaction() as tx:
        tx.outbox.add(to="later@example.com", subject="s", body="b", now=now)
    busy = deliver(app_world.store, smtp, now)
    assert busy.stopped is not None
    assert busy.stopped.startswith("the server refused for now: 450")
    # A server without STARTTLS when it is asked for: nothing is sent in the clear.
    no_tls = deliver(app_world.store, replace(smtp, starttls=True), now)
    assert no_tls.stopped is not None
    assert no_tls.stopped.startswith("SMTPNotSupportedError")
    with app_world.store.transaction() as tx:
        assert len(tx.outbox.unsent()) == 1
