"""SQLAlchemy table for the quarterly updates HMRC received (migration 0007). On the shared
:class:`~openmtd.emulator.adapters.db.tables.Base`, so Alembic, the schema test and
:meth:`SqlStore.reset` see it (``store.py`` imports it through its repository)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from openmtd.emulator.adapters.db.tables import Base, UtcDateTime


class FulfilledUpdateRow(Base):
    """One received quarterly update (one per NINO, business and period), or a final
    declaration: ``business_id`` is then empty, so the key holds no NULL."""

    __tablename__ = "itsa_fulfilled_updates"

    nino: Mapped[str] = mapped_column(String(9), primary_key=True)
    business_id: Mapped[str] = mapped_column(String(15), primary_key=True)
    period_start: Mapped[date] = mapped_column(Date, primary_key=True)
    period_end: Mapped[date] = mapped_column(Date, primary_key=True)
    received_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
