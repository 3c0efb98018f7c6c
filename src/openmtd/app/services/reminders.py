"""Reminders before penalty-bearing deadlines, given from a customer's position.

:func:`give` works out which reminders are due today (``openmtd.rules.reminders``, at the
intervals the person chose), records each as a notice in the app once, and, when the person
wants email, puts one email per new notice in the outbox. :func:`deliver` sends the outbox
through SMTP when it is configured; on the embedded default (no SMTP) the emails stay in the
outbox, which the person reads at ``/reminders/outbox``. Nothing here calls HMRC: the page or
the ``openmtd app remind`` run that read the position passes it in.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from typing import Final

from openmtd.app.services.position import Position, as_sentence
from openmtd.app.settings import SmtpSettings
from openmtd.app.storage import Notice, Store, UnitOfWork, User
from openmtd.rules.reminders import Due, due_reminders

#: How long one SMTP conversation may take, in seconds.
SMTP_TIMEOUT_S: Final = 30.0
SUBJECT: Final = "openmtd reminder: {what} due by {deadline}"


def dues_of(position: Position, nino: str) -> list[Due]:
    """What the customer must send, each under a key unique to this NINO: this year's
    obligations as HMRC holds them, and the rules' deadlines for the years HMRC's list does
    not cover (last year's tax return, say; every deadline when HMRC holds no obligations)."""
    rows = position.obligations
    dues = [
        Due(f"{nino}/{row.key}", row.what, row.due, row.penalty_bearing, row.fulfilled)
        for row in rows
    ]
    in_mtd = {year.tax_year for year in position.guidance.years if year.uses_mtd}
    for deadline in position.other_deadlines():
        dues.append(
            Due(
                f"{nino}/{deadline.tax_year}/{deadline.due.isoformat()}",
                as_sentence(deadline.what),
                deadline.due,
                deadline.penalty_points,
                # A Self Assessment return is not in HMRC's MTD APIs: it may have been sent.
                may_be_met=deadline.tax_year not in in_mtd,
            )
        )
    return dues


@dataclass(frozen=True, slots=True)
class Given:
    """The notices given this time, and how many emails were put in the outbox."""

    notices: tuple[Notice, ...]
    emails: int
    #: The keys of what HMRC already has (a reminder for one of them is no longer shown).
    met_keys: frozenset[str] = frozenset()


def give(
    tx: UnitOfWork, user: User, nino: str, position: Position, today: date, now: datetime
) -> Given:
    """Record today's due reminders for ``user`` (each once), emailing those that are new."""
    preferences = tx.reminders.get(user.id)
    new: list[Notice] = []
    emails = 0
    dues = dues_of(position, nino)
    for reminder in due_reminders(dues, today, preferences.days_before):
        notice = tx.notices.add_once(
            user_id=user.id,
            key=reminder.due.key,
            deadline=reminder.due.deadline,
            days_before=reminder.days_before,
            message=reminder.message,
            now=now,
        )
        if notice is None:
            continue
        new.append(notice)
        if preferences.email:
            tx.outbox.add(
                to=user.email,
                subject=SUBJECT.format(
                    what=reminder.due.what,
                    deadline=f"{reminder.due.deadline.day} {reminder.due.deadline:%B %Y}",
                ),
                body=_body(user, f"{reminder.message} That is {reminder.when}."),
                now=now,
            )
            emails += 1
    return Given(tuple(new), emails, frozenset(due.key for due in dues if due.met))


def _body(user: User, message: str) -> str:
    return (
        f"Hello {user.name},\n\n{message}\n\n"
        "Open your openmtd dashboard to see everything that is due, and send it from your "
        "record-keeping software.\n\n"
        "You get these reminders because you asked for them; change how often, or stop the "
        "emails, on openmtd's Reminders page.\n"
    )


@dataclass(frozen=True, slots=True)
class Delivery:
    """What one delivery did: emails sent, emails the server refused for good, and why it
    stopped early (the server unreachable or refusing for now), if it did."""

    sent: int = 0
    refused: int = 0
    stopped: str | None = None


def deliver(
    store: Store, smtp: SmtpSettings | None, now: datetime, *, limit: int = 100
) -> Delivery:
    """Send up to ``limit`` unsent emails through ``smtp``, each marked in a transaction of its
    own as soon as the server has answered for it (so one that was sent is never sent again).
    A permanent refusal (5xx) marks the email with the reason and it is not tried again; a
    temporary one (4xx), a dropped connection or a server that cannot be reached stops the
    delivery and leaves the rest for the next run. Without SMTP the emails stay in the
    outbox."""
    if smtp is None:
        return Delivery()
    with store.transaction() as tx:
        pending = tx.outbox.unsent(limit=limit)
    if not pending:
        return Delivery()
    sent = refused = 0
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT_S) as server:
            if smtp.starttls:
                server.starttls(context=ssl.create_default_context())
            if smtp.username and smtp.password:
                server.login(smtp.username, smtp.password)
            for message in pending:
                email = EmailMessage()
                email["From"] = smtp.sender
                email["To"] = message.to
                email["Subject"] = message.subject
                email.set_content(message.body)
                try:
                    # Only the outbox's own recipient, whatever the To header might parse to.
                    server.send_message(email, to_addrs=[message.to])
                except smtplib.SMTPRecipientsRefused as error:
                    reason = "; ".join(
                        f"{code} {text!r}" for code, text in error.recipients.values()
                    )
                    if not _permanent(error.recipients.values()):
                        return Delivery(sent, refused, f"the server refused for now: {reason}")
                    _mark(store, message.id, failed=f"refused: {reason}", now=now)
                    refused += 1
                    continue
                except smtplib.SMTPResponseException as error:
                    reason = f"{error.smtp_code} {error.smtp_error!r}"
                    if error.smtp_code < 500:
                        return Delivery(sent, refused, f"the server refused for now: {reason}")
                    _mark(store, message.id, failed=reason, now=now)
                    refused += 1
                    continue
                _mark(store, message.id, failed=None, now=now)
                sent += 1
    except (OSError, smtplib.SMTPException) as error:
        return Delivery(sent, refused, f"{type(error).__name__}: {error}")
    return Delivery(sent, refused)


def _permanent(answers: Iterable[tuple[int, bytes]]) -> bool:
    return all(code >= 500 for code, _text in answers)


def _mark(store: Store, message_id: int, *, failed: str | None, now: datetime) -> None:
    with store.transaction() as tx:
        if failed is None:
            tx.outbox.mark_sent(message_id, now)
        else:
            tx.outbox.mark_failed(message_id, failed)
