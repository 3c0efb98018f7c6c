"""The app's reminder seams on SQLite and PostgreSQL: preferences (defaults until saved),
notices given at most once per deadline and interval, read marks confined to their owner, and
the outbox's unsent, sent and failed messages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from cryptography.fernet import Fernet

from openmtd.app.adapters.db.store import SqlStore
from openmtd.app.storage import ReminderPreferences
from openmtd.app.storage.accounts import AccountKind

NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
DUE = date(2026, 11, 7)


@pytest.fixture
def app_store(database_url: str) -> Iterator[SqlStore]:
    opened = SqlStore.open(database_url, [Fernet.generate_key().decode()])
    try:
        yield opened
    finally:
        opened.close()


def _user(store: SqlStore, email: str) -> int:
    with store.transaction() as tx:
        user = tx.users.add(
            email=email, name="Ida", password_hash="x", kind=AccountKind.INDIVIDUAL, now=NOW
        )
        return user.id


def test_preferences_default_until_saved(app_store: SqlStore) -> None:
    ida = _user(app_store, "ida@example.com")
    with app_store.transaction() as tx:
        assert tx.reminders.get(ida) == ReminderPreferences(ida)
        tx.reminders.save(ReminderPreferences(ida, (14, 3), False))
    with app_store.transaction() as tx:
        assert tx.reminders.get(ida) == ReminderPreferences(ida, (14, 3), False)
        tx.reminders.save(ReminderPreferences(ida, (1,), True))
    with app_store.transaction() as tx:
        assert tx.reminders.get(ida) == ReminderPreferences(ida, (1,), True)


def test_a_notice_is_given_once_and_read_only_by_its_owner(app_store: SqlStore) -> None:
    ida, bob = _user(app_store, "ida@example.com"), _user(app_store, "bob@example.com")
    given = {"key": "q2-2026", "deadline": DUE, "message": "Send your update", "now": NOW}
    with app_store.transaction() as tx:
        first = tx.notices.add_once(user_id=ida, days_before=7, **given)
        assert first is not None
        assert first.created_at == NOW
        assert first.read_at is None
        assert tx.notices.add_once(user_id=ida, days_before=7, **given) is None
        assert tx.notices.add_once(user_id=ida, days_before=1, **given) is not None
        assert tx.notices.add_once(user_id=bob, days_before=7, **given) is not None
    with app_store.transaction() as tx:
        assert [n.days_before for n in tx.notices.for_user(ida)] == [7, 1]
        tx.notices.mark_read(bob, first.id, NOW)  # not Bob's: nothing changes
        tx.notices.mark_read(ida, first.id, NOW + timedelta(hours=1))
    with app_store.transaction() as tx:
        unread = tx.notices.for_user(ida, unread_only=True)
        assert [n.days_before for n in unread] == [1]
        read = [n for n in tx.notices.for_user(ida) if n.id == first.id]
        assert read[0].read_at == NOW + timedelta(hours=1)
        assert len(tx.notices.for_user(bob, unread_only=True)) == 1


def test_the_outbox_keeps_unsent_sent_and_failed_messages(app_store: SqlStore) -> None:
    with app_store.transaction() as tx:
        ids = [
            tx.outbox.add(to=f"{n}@example.com", subject=f"s{n}", body="b", now=NOW).id
            for n in range(3)
        ]
    with app_store.transaction() as tx:
        assert [m.id for m in tx.outbox.unsent()] == ids
        assert [m.id for m in tx.outbox.unsent(limit=2)] == ids[:2]
        tx.outbox.mark_sent(ids[0], NOW + timedelta(minutes=1))
        tx.outbox.mark_failed(ids[1], "550 refused " + "x" * 3000)
    with app_store.transaction() as tx:
        assert [m.id for m in tx.outbox.unsent()] == [ids[2]]
        recent = tx.outbox.recent()
        assert [m.id for m in recent] == ids[::-1]
        assert [m.id for m in tx.outbox.recent(to="1@example.com")] == [ids[1]]
        assert tx.outbox.recent(to="nobody@example.com") == []
        by_id = {m.id: m for m in recent}
        assert by_id[ids[0]].sent_at == NOW + timedelta(minutes=1)
        assert by_id[ids[1]].error is not None
        assert by_id[ids[1]].error.startswith("550 refused")
        assert len(by_id[ids[1]].error) == 2000
        assert by_id[ids[2]].to == "2@example.com"
        assert len(tx.outbox.recent(limit=1)) == 1


def test_connections_are_paged_by_user(app_store: SqlStore) -> None:
    from openmtd.app.storage import Connection

    users = [_user(app_store, f"{n}@example.com") for n in range(5)]
    with app_store.transaction() as tx:
        for n, user_id in enumerate(users):
            if n != 2:  # one person never connected
                tx.connections.save(
                    Connection(user_id, f"AA12345{n}A", NOW, None, ("read:self-assessment",), "k")
                )
    with app_store.transaction() as tx:
        first = tx.connections.page(limit=2)
        rest = tx.connections.page(after=first[-1].user_id, limit=10)
        assert [c.user_id for c in first + rest] == [u for n, u in enumerate(users) if n != 2]
        assert rest[-1].nino == "AA123454A"
        assert tx.connections.page(after=users[-1]) == []
