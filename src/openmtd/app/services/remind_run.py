"""``openmtd app remind``: one run over every connected person, as a scheduled job does it.

For each connection, a page at a time: read the person's position through the SDK with
BATCH_PROCESS_DIRECT fraud headers (no one at a screen), give today's reminders
(:func:`openmtd.app.services.reminders.give`) and write the calls to the audit log, each
person in a transaction of their own; then send the outbox through SMTP when configured.
A person whose read fails (their authority ended, HMRC refused or did not answer) is counted
and named by user id in the summary; the run goes on to the next.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from openmtd import __version__
from openmtd.app.services.hmrc import CallRecord, Hmrc
from openmtd.app.services.position import read_position
from openmtd.app.services.reminders import deliver, give
from openmtd.app.settings import AppSettings
from openmtd.app.storage import AuditEntry, Connection, Store
from openmtd.rules.clock import Clock, uk_date
from openmtd.sdk import BatchProcessDirect, DeviceIdFile, OpenMtdError, Vendor

PRODUCT_NAME = "openmtd"
#: People read per page of connections.
PAGE_SIZE = 100


@dataclass
class RunSummary:
    people: int = 0
    reminders: int = 0
    emails_queued: int = 0
    emails_sent: int = 0
    emails_refused: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)
    #: Why the emails could not be sent (the SMTP server unreachable, say); they stay queued.
    delivery_error: str | None = None


def _audit(store: Store, connection: Connection, calls: list[CallRecord]) -> None:
    with store.transaction() as tx:
        for call in calls:
            tx.audit.add(
                AuditEntry(
                    at=call.at,
                    user_id=connection.user_id,
                    nino=connection.nino,
                    method=call.method,
                    path=call.path,
                    status=call.status,
                    correlation_id=call.correlation_id,
                    outcome=call.outcome,
                )
            )


def remind_everyone(
    store: Store,
    hmrc: Hmrc,
    settings: AppSettings,
    clock: Clock,
    device_id: Path,
    *,
    on_person: Callable[[RunSummary], None] = lambda _summary: None,
) -> RunSummary:
    """Give every connected person today's reminders, then send the outbox."""
    summary = RunSummary()
    after = 0
    while True:
        with store.transaction() as tx:
            connections = tx.connections.page(after=after, limit=PAGE_SIZE)
        if not connections:
            break
        for connection in connections:
            after = connection.user_id
            _remind(store, hmrc, connection, clock, device_id, summary)
            on_person(summary)
    while settings.smtp is not None:
        delivery = deliver(store, settings.smtp, clock.now())
        summary.emails_sent += delivery.sent
        summary.emails_refused += delivery.refused
        if delivery.stopped is not None:
            summary.delivery_error = delivery.stopped
            break
        if delivery.sent + delivery.refused == 0:
            break
    return summary


def _remind(
    store: Store,
    hmrc: Hmrc,
    connection: Connection,
    clock: Clock,
    device_id: Path,
    summary: RunSummary,
) -> None:
    summary.people += 1
    headers = BatchProcessDirect(
        Vendor(PRODUCT_NAME, {PRODUCT_NAME: __version__}),
        device_id=DeviceIdFile(device_id),
        user_ids={PRODUCT_NAME: str(connection.user_id)},
    )
    calls: list[CallRecord] = []
    today = uk_date(clock.now())
    try:
        with hmrc.client(connection.user_id, record=calls.append, fraud_headers=headers) as client:
            position = read_position(client, connection.nino, today=today)
    except OpenMtdError as error:
        summary.failed.append((connection.user_id, type(error).__name__))
        _audit(store, connection, calls)
        return
    with store.transaction() as tx:
        user = tx.users.get(connection.user_id)
        if user is None:  # the account was closed during the run
            return
        given = give(tx, user, connection.nino, position, today, clock.now())
    _audit(store, connection, calls)
    summary.reminders += len(given.notices)
    summary.emails_queued += given.emails
