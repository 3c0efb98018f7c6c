"""Returns on file: their self-employment turnover, UK and foreign property income and the
qualifying income the annual review reads (0 for the returns already on file, which held none)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 18:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    "self_employment_turnover",
    "uk_property_income",
    "foreign_property_income",
    "qualifying_income",
)


def upgrade() -> None:
    with op.batch_alter_table("sa_returns_on_file", schema=None) as batch_op:
        for name in _COLUMNS:
            batch_op.add_column(
                sa.Column(
                    name, sa.Numeric(precision=13, scale=2), server_default="0", nullable=False
                )
            )


def downgrade() -> None:
    with op.batch_alter_table("sa_returns_on_file", schema=None) as batch_op:
        for name in reversed(_COLUMNS):
            batch_op.drop_column(name)
