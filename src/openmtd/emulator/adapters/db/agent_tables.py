"""SQLAlchemy tables for agent services: agent services accounts' details,
authorisation requests, legacy Self Assessment links and the references mapped to ARNs. On
the shared :class:`~openmtd.emulator.adapters.db.tables.Base`, so Alembic, the schema test and
:meth:`SqlStore.reset` see them (``store.py`` imports this module through its repositories).
Relationships stay in ``tables.agent_relationships``."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from openmtd.emulator.adapters.db.tables import Base, UtcDateTime


class AgentRecordRow(Base):
    """An agent services account's details."""

    __tablename__ = "agent_records"

    arn: Mapped[str] = mapped_column(String(11), primary_key=True)
    agency_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(255))
    client_link_uid: Mapped[str] = mapped_column(String(8), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    utr: Mapped[str | None] = mapped_column(String(10), index=True)
    postcode: Mapped[str | None] = mapped_column(String(10))


class InvitationRow(Base):
    """An authorisation request."""

    __tablename__ = "agent_invitations"

    invitation_id: Mapped[str] = mapped_column(String(13), primary_key=True)
    arn: Mapped[str] = mapped_column(String(11), index=True)
    client_id: Mapped[str] = mapped_column(String(15), index=True)
    agent_type: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    client_name: Mapped[str] = mapped_column(String(201))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_on: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    relationship_ended_by: Mapped[str | None] = mapped_column(String(8))


class LegacySaLinkRow(Base):
    """A client's legacy (CESA) Self Assessment agent."""

    __tablename__ = "agent_legacy_sa_links"

    nino: Mapped[str] = mapped_column(String(9), primary_key=True)
    sa_agent_reference: Mapped[str] = mapped_column(String(6), primary_key=True, index=True)
    ended: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SaMappingRow(Base):
    """A legacy SA agent reference mapped to an ARN."""

    __tablename__ = "agent_sa_mappings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    arn: Mapped[str] = mapped_column(String(11), index=True)
    sa_agent_reference: Mapped[str] = mapped_column(String(6), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("arn", "sa_agent_reference", name="uq_sa_mapping"),)
