"""ITSA subscriptions (:class:`SubscriptionRepository`)."""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import Insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import sign_up_tables as s
from openmtd.emulator.adapters.db.convert import core, utc, utc_or_none
from openmtd.emulator.storage.sign_up import Subscription, SubscriptionRepository

_TABLE: Final = s.SubscriptionRow.__table__


def _insert(insert: Any) -> Insert:
    # One atomic statement: two workers confirming the same person's sign-up at once leave
    # one subscription, and the loser learns it wrote nothing.
    statement: Insert = insert(_TABLE).on_conflict_do_nothing().returning(_TABLE.c.nino)
    return statement


_ADD: Final = {"sqlite": _insert(sqlite.insert), "postgresql": _insert(postgresql.insert)}


def _subscription(row: s.SubscriptionRow) -> Subscription:
    return Subscription(
        nino=row.nino,
        mtditid=row.mtditid,
        utr=row.utr,
        tax_year=row.tax_year,
        signed_up_at=utc(row.signed_up_at),
        channel=row.channel,
        arn=row.arn,
        paperless_at=utc_or_none(row.paperless_at),
    )


class SqlSubscriptions(SubscriptionRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, subscription: Subscription) -> bool:
        connection = core(self._session)
        result = connection.execute(
            _ADD[connection.dialect.name],
            {
                "nino": subscription.nino,
                "mtditid": subscription.mtditid,
                "utr": subscription.utr,
                "tax_year": subscription.tax_year,
                "signed_up_at": subscription.signed_up_at,
                "channel": subscription.channel,
                "arn": subscription.arn,
                "paperless_at": subscription.paperless_at,
            },
        )
        return result.first() is not None

    def for_nino(self, nino: str) -> Subscription | None:
        row = self._session.get(s.SubscriptionRow, nino)
        return _subscription(row) if row else None

    def for_mtditid(self, mtditid: str) -> Subscription | None:
        row = self._session.scalar(
            select(s.SubscriptionRow).where(s.SubscriptionRow.mtditid == mtditid)
        )
        return _subscription(row) if row else None
