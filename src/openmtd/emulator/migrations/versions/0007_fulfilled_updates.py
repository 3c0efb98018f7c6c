"""Obligations: the quarterly updates and final declarations HMRC received

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "itsa_fulfilled_updates",
        sa.Column("nino", sa.String(length=9), nullable=False),
        sa.Column("business_id", sa.String(length=15), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nino", "business_id", "period_start", "period_end"),
    )


def downgrade() -> None:
    op.drop_table("itsa_fulfilled_updates")
