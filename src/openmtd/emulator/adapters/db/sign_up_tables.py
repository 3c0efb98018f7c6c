"""SQLAlchemy tables for sign-up's data (migration 0005): subscriptions, their income sources
(laid out as HMRC's Business Details, wire facts §5), eligibility reason keys and returns on
file. On the shared :class:`~openmtd.emulator.adapters.db.tables.Base`, so Alembic, the schema
test and :meth:`SqlStore.reset` see them (``store.py`` imports this module through its
repositories)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from openmtd.emulator.adapters.db.tables import Base, UtcDateTime


class SubscriptionRow(Base):
    """ETMP's ITSA subscription: one per NINO, one per MTDITID."""

    __tablename__ = "itsa_subscriptions"

    nino: Mapped[str] = mapped_column(String(9), primary_key=True)
    mtditid: Mapped[str] = mapped_column(String(15), unique=True)
    utr: Mapped[str] = mapped_column(String(10), index=True)
    tax_year: Mapped[str] = mapped_column(String(7))
    signed_up_at: Mapped[datetime] = mapped_column(UtcDateTime())
    channel: Mapped[str] = mapped_column(String(1))
    arn: Mapped[str | None] = mapped_column(String(11))
    paperless_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class BusinessDetailsRow(Base):
    """One income source, with HMRC's Business Details names and lengths."""

    __tablename__ = "itsa_business_details"
    __table_args__ = (Index("ix_itsa_business_details_nino", "nino", "id"),)

    # Insertion order for listing; the business ID is HMRC's key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    business_id: Mapped[str] = mapped_column(String(15), unique=True)
    nino: Mapped[str] = mapped_column(String(9))
    mtditid: Mapped[str] = mapped_column(String(15), index=True)
    type_of_business: Mapped[str] = mapped_column(String(32))
    trading_name: Mapped[str | None] = mapped_column(String(105))
    trading_type: Mapped[str | None] = mapped_column(String(35))
    address_line1: Mapped[str | None] = mapped_column(String(100))
    address_line2: Mapped[str | None] = mapped_column(String(100))
    address_line3: Mapped[str | None] = mapped_column(String(100))
    address_line4: Mapped[str | None] = mapped_column(String(100))
    postcode: Mapped[str | None] = mapped_column(String(10))
    country_code: Mapped[str | None] = mapped_column(String(2))
    trading_start_date: Mapped[date | None] = mapped_column(Date)
    contextual_tax_year: Mapped[str | None] = mapped_column(String(7))
    accounting_period_start: Mapped[date] = mapped_column(Date)
    accounting_period_end: Mapped[date] = mapped_column(Date)
    cessation_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class EligibilityRow(Base):
    """Sign-up eligibility reason keys for a NINO and tax year (none: eligible)."""

    __tablename__ = "itsa_signup_eligibility"

    nino: Mapped[str] = mapped_column(String(9), primary_key=True)
    tax_year: Mapped[str] = mapped_column(String(7), primary_key=True)
    reason_keys: Mapped[list[str]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ReturnOnFileRow(Base):
    """A Self Assessment return on file for a NINO and tax year."""

    __tablename__ = "sa_returns_on_file"

    nino: Mapped[str] = mapped_column(String(9), primary_key=True)
    tax_year: Mapped[str] = mapped_column(String(7), primary_key=True)
    filed_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # The return's figures in pounds (0 when it shows none) and their qualifying income, as
    # the rules work it out (ReturnOnFile); the annual review reads qualifying_income.
    self_employment_turnover: Mapped[Decimal] = mapped_column(Numeric(13, 2), server_default="0")
    uk_property_income: Mapped[Decimal] = mapped_column(Numeric(13, 2), server_default="0")
    foreign_property_income: Mapped[Decimal] = mapped_column(Numeric(13, 2), server_default="0")
    qualifying_income: Mapped[Decimal] = mapped_column(Numeric(13, 2), server_default="0")
