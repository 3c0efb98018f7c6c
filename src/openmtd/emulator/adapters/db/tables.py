"""SQLAlchemy tables for the emulator's world (the schema Alembic migrates).

Timestamps are stored as timezone-aware UTC (``DateTime(timezone=True)``); SQLite keeps them
as text, so the repositories re-attach UTC on the way out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC on every database.

    SQLite keeps no offset, so a time at +01:00 would come back an hour out and compare
    wrongly in a WHERE; converting to UTC on the way in (and labelling UTC on the way out)
    makes SQLite and PostgreSQL agree.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("store timezone-aware datetimes only")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        stored: datetime = value
        return stored.replace(tzinfo=UTC) if stored.tzinfo is None else stored.astimezone(UTC)


class Base(DeclarativeBase):
    """The declarative base of every emulator table."""


class GroupRow(Base):
    __tablename__ = "gg_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[str] = mapped_column(String(32), unique=True)
    affinity_group: Mapped[str] = mapped_column(String(16))
    agent_code: Mapped[str | None] = mapped_column(String(16))

    enrolments: Mapped[list[EnrolmentRow]] = relationship(
        back_populates="group",
        cascade="all, delete-orphan",
        order_by="EnrolmentRow.id",
        lazy="joined",
    )


class EnrolmentRow(Base):
    __tablename__ = "gg_enrolments"
    __table_args__ = (UniqueConstraint("key", "identifier_value", name="uq_enrolment_identifier"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_pk: Mapped[int] = mapped_column(
        ForeignKey("gg_groups.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(32))
    identifier_name: Mapped[str] = mapped_column(String(32))
    identifier_value: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="Activated")

    group: Mapped[GroupRow] = relationship(back_populates="enrolments")


class AccountRow(Base):
    __tablename__ = "gg_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(12), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    group_pk: Mapped[int] = mapped_column(
        ForeignKey("gg_groups.id", ondelete="CASCADE"), index=True
    )
    credential_role: Mapped[str] = mapped_column(String(16))
    confidence_level: Mapped[int] = mapped_column(Integer)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    address_line1: Mapped[str] = mapped_column(String(100), default="")
    address_line2: Mapped[str] = mapped_column(String(100), default="")
    address_line3: Mapped[str] = mapped_column(String(100), default="")
    address_line4: Mapped[str] = mapped_column(String(100), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    country_code: Mapped[str] = mapped_column(String(2), default="GB")
    nino: Mapped[str | None] = mapped_column(String(9), index=True)
    two_step_method: Mapped[str | None] = mapped_column(String(8))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    phone_number: Mapped[str | None] = mapped_column(String(32))
    sms_code_hash: Mapped[str | None] = mapped_column(String(64))
    sms_code_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    failed_two_step_attempts: Mapped[int] = mapped_column(Integer, default=0)
    two_step_locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())

    group: Mapped[GroupRow] = relationship(lazy="joined")


class ApplicationRow(Base):
    __tablename__ = "devhub_applications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    redirect_uris: Mapped[list[str]] = mapped_column(JSON)
    apis: Mapped[list[str]] = mapped_column(JSON)
    rate_limit_per_second: Mapped[int] = mapped_column(Integer)
    grant_length_days: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    secrets: Mapped[list[ClientSecretRow]] = relationship(
        cascade="all, delete-orphan", order_by="ClientSecretRow.id", lazy="joined"
    )


class ClientSecretRow(Base):
    __tablename__ = "devhub_client_secrets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_pk: Mapped[int] = mapped_column(
        ForeignKey("devhub_applications.id", ondelete="CASCADE"), index=True
    )
    secret_hash: Mapped[str] = mapped_column(String(64))
    hint: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class GrantRow(Base):
    __tablename__ = "oauth_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_pk: Mapped[int] = mapped_column(
        ForeignKey("devhub_applications.id", ondelete="CASCADE"), index=True
    )
    account_pk: Mapped[int] = mapped_column(
        ForeignKey("gg_accounts.id", ondelete="CASCADE"), index=True
    )
    scopes: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AuthorizationCodeRow(Base):
    __tablename__ = "oauth_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    application_pk: Mapped[int] = mapped_column(
        ForeignKey("devhub_applications.id", ondelete="CASCADE")
    )
    account_pk: Mapped[int] = mapped_column(ForeignKey("gg_accounts.id", ondelete="CASCADE"))
    redirect_uri: Mapped[str] = mapped_column(Text)
    scopes: Mapped[str] = mapped_column(Text)
    code_challenge: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    grant_pk: Mapped[int | None] = mapped_column(ForeignKey("oauth_grants.id", ondelete="SET NULL"))


class AccessTokenRow(Base):
    __tablename__ = "oauth_access_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    application_pk: Mapped[int] = mapped_column(
        ForeignKey("devhub_applications.id", ondelete="CASCADE")
    )
    grant_pk: Mapped[int | None] = mapped_column(
        ForeignKey("oauth_grants.id", ondelete="CASCADE"), index=True
    )
    account_pk: Mapped[int | None] = mapped_column(ForeignKey("gg_accounts.id", ondelete="CASCADE"))
    scopes: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class RefreshTokenRow(Base):
    __tablename__ = "oauth_refresh_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    grant_pk: Mapped[int] = mapped_column(
        ForeignKey("oauth_grants.id", ondelete="CASCADE"), index=True
    )
    access_token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class BrowserSessionRow(Base):
    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    account_pk: Mapped[int | None] = mapped_column(ForeignKey("gg_accounts.id", ondelete="CASCADE"))
    data: Mapped[dict[str, object]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class TextMessageRow(Base):
    __tablename__ = "phone_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone_number: Mapped[str] = mapped_column(String(32), index=True)
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SignInAttemptRow(Base):
    """Wrong passwords in a row per typed user ID (by its hash), known or not (migration 0004)."""

    __tablename__ = "gg_sign_in_attempts"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class EmulatorStateRow(Base):
    """Single-row state shared by every worker (the clock offset)."""

    __tablename__ = "emulator_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clock_offset_seconds: Mapped[float] = mapped_column(Float, default=0.0)


class ItsaStatusRow(Base):
    __tablename__ = "itsa_statuses"
    __table_args__ = (Index("ix_itsa_statuses_nino_year", "nino", "tax_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nino: Mapped[str] = mapped_column(String(9))
    tax_year: Mapped[str] = mapped_column(String(7))
    submitted_on: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(32))
    status_reason: Mapped[str] = mapped_column(String(64))
    business_income: Mapped[Decimal | None] = mapped_column(Numeric(13, 2))
    application_pk: Mapped[int | None] = mapped_column(
        ForeignKey("devhub_applications.id", ondelete="SET NULL"), index=True
    )


class RelationshipRow(Base):
    __tablename__ = "agent_relationships"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    arn: Mapped[str] = mapped_column(String(11), index=True)
    client_nino: Mapped[str] = mapped_column(String(9), index=True)
    client_mtditid: Mapped[str | None] = mapped_column(String(15))
    agent_type: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ended_by: Mapped[str | None] = mapped_column(String(8))
    invitation_id: Mapped[str | None] = mapped_column(String(13))
    sa_agent_reference: Mapped[str | None] = mapped_column(String(6))


class SandboxBusinessRow(Base):
    __tablename__ = "test_businesses"

    business_id: Mapped[str] = mapped_column(String(15), primary_key=True)
    nino: Mapped[str] = mapped_column(String(9), index=True)
    application_pk: Mapped[int] = mapped_column(
        ForeignKey("devhub_applications.id", ondelete="CASCADE"), index=True
    )
    type_of_business: Mapped[str] = mapped_column(String(32))
    details: Mapped[dict[str, object]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CheckpointRow(Base):
    __tablename__ = "test_checkpoints"

    checkpoint_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_pk: Mapped[int] = mapped_column(
        ForeignKey("devhub_applications.id", ondelete="CASCADE"), index=True
    )
    nino: Mapped[str | None] = mapped_column(String(9))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    snapshot: Mapped[dict[str, object]] = mapped_column(JSON)


class RateLimitWindowRow(Base):
    """Requests per application per one-second window, shared by every worker."""

    __tablename__ = "platform_rate_windows"

    application_pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    window: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class HeaderFeedbackRow(Base):
    __tablename__ = "platform_header_feedback"
    __table_args__ = (
        # One row per endpoint: record_feedback upserts on this key (migration 0003).
        Index(
            "ux_header_feedback_endpoint", "application_pk", "api", "method", "path", unique=True
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_pk: Mapped[int] = mapped_column(
        ForeignKey("devhub_applications.id", ondelete="CASCADE")
    )
    api: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(255))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    connection_method: Mapped[str | None] = mapped_column(String(32))
    result: Mapped[dict[str, object]] = mapped_column(JSON)
