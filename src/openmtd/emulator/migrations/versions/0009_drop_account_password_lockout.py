"""Accounts lose their own wrong-password counter and lock (``failed_password_attempts``,
``password_locked_until``): since 0004 wrong passwords are counted per typed user ID in
``gg_sign_in_attempts``, and nothing reads the accounts' columns. The downgrade brings them
back empty (0 and NULL), as 0004 left them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Batch mode: SQLite drops a column by copying the table.
    with op.batch_alter_table("gg_accounts", schema=None) as batch_op:
        batch_op.drop_column("password_locked_until")
        batch_op.drop_column("failed_password_attempts")


def downgrade() -> None:
    with op.batch_alter_table("gg_accounts", schema=None) as batch_op:
        # A server default fills the rows already there; 0001 declared none, so it is dropped.
        batch_op.add_column(
            sa.Column("failed_password_attempts", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("password_locked_until", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("gg_accounts", schema=None) as batch_op:
        batch_op.alter_column("failed_password_attempts", server_default=None)
