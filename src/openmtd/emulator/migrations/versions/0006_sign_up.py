"""Sign-up: ITSA subscriptions, their income sources (Business Details), eligibility reason
keys and returns on file

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "itsa_subscriptions",
        sa.Column("nino", sa.String(length=9), nullable=False),
        sa.Column("mtditid", sa.String(length=15), nullable=False),
        sa.Column("utr", sa.String(length=10), nullable=False),
        sa.Column("tax_year", sa.String(length=7), nullable=False),
        sa.Column("signed_up_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=1), nullable=False),
        sa.Column("arn", sa.String(length=11), nullable=True),
        sa.Column("paperless_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("nino"),
        sa.UniqueConstraint("mtditid"),
    )
    with op.batch_alter_table("itsa_subscriptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_itsa_subscriptions_utr"), ["utr"], unique=False)

    op.create_table(
        "itsa_business_details",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.String(length=15), nullable=False),
        sa.Column("nino", sa.String(length=9), nullable=False),
        sa.Column("mtditid", sa.String(length=15), nullable=False),
        sa.Column("type_of_business", sa.String(length=32), nullable=False),
        sa.Column("trading_name", sa.String(length=105), nullable=True),
        sa.Column("trading_type", sa.String(length=35), nullable=True),
        sa.Column("address_line1", sa.String(length=100), nullable=True),
        sa.Column("address_line2", sa.String(length=100), nullable=True),
        sa.Column("address_line3", sa.String(length=100), nullable=True),
        sa.Column("address_line4", sa.String(length=100), nullable=True),
        sa.Column("postcode", sa.String(length=10), nullable=True),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.Column("trading_start_date", sa.Date(), nullable=True),
        sa.Column("contextual_tax_year", sa.String(length=7), nullable=True),
        sa.Column("accounting_period_start", sa.Date(), nullable=False),
        sa.Column("accounting_period_end", sa.Date(), nullable=False),
        sa.Column("cessation_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("business_id"),
    )
    with op.batch_alter_table("itsa_business_details", schema=None) as batch_op:
        batch_op.create_index("ix_itsa_business_details_nino", ["nino", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_itsa_business_details_mtditid"), ["mtditid"], unique=False
        )

    op.create_table(
        "itsa_signup_eligibility",
        sa.Column("nino", sa.String(length=9), nullable=False),
        sa.Column("tax_year", sa.String(length=7), nullable=False),
        sa.Column("reason_keys", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nino", "tax_year"),
    )
    op.create_table(
        "sa_returns_on_file",
        sa.Column("nino", sa.String(length=9), nullable=False),
        sa.Column("tax_year", sa.String(length=7), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nino", "tax_year"),
    )


def downgrade() -> None:
    op.drop_table("sa_returns_on_file")
    op.drop_table("itsa_signup_eligibility")
    with op.batch_alter_table("itsa_business_details", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_itsa_business_details_mtditid"))
        batch_op.drop_index("ix_itsa_business_details_nino")
    op.drop_table("itsa_business_details")
    with op.batch_alter_table("itsa_subscriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_itsa_subscriptions_utr"))
    op.drop_table("itsa_subscriptions")
