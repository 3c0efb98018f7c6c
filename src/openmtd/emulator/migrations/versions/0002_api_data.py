"""ITSA statuses, relationships, test support data, platform state

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 12:11:31.151069
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "agent_relationships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("arn", sa.String(length=11), nullable=False),
        sa.Column("client_nino", sa.String(length=9), nullable=False),
        sa.Column("client_mtditid", sa.String(length=15), nullable=True),
        sa.Column("agent_type", sa.String(length=16), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            nullable=False,
        ),
        sa.Column(
            "ended_at",
            sa.DateTime(timezone=True),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("agent_relationships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agent_relationships_arn"), ["arn"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_agent_relationships_client_nino"), ["client_nino"], unique=False
        )

    op.create_table(
        "platform_rate_windows",
        sa.Column("application_pk", sa.Integer(), nullable=False),
        sa.Column("window", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("application_pk", "window"),
    )
    op.create_table(
        "itsa_statuses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nino", sa.String(length=9), nullable=False),
        sa.Column("tax_year", sa.String(length=7), nullable=False),
        sa.Column(
            "submitted_on",
            sa.DateTime(timezone=True),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("status_reason", sa.String(length=64), nullable=False),
        sa.Column("business_income", sa.Numeric(precision=13, scale=2), nullable=True),
        sa.Column("application_pk", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_pk"], ["devhub_applications.id"], ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("itsa_statuses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_itsa_statuses_application_pk"), ["application_pk"], unique=False
        )
        batch_op.create_index("ix_itsa_statuses_nino_year", ["nino", "tax_year"], unique=False)

    op.create_table(
        "platform_header_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_pk", sa.Integer(), nullable=False),
        sa.Column("api", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column(
            "requested_at",
            sa.DateTime(timezone=True),
            nullable=False,
        ),
        sa.Column("connection_method", sa.String(length=32), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["application_pk"], ["devhub_applications.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("platform_header_feedback", schema=None) as batch_op:
        batch_op.create_index(
            "ix_header_feedback_endpoint", ["application_pk", "api", "method", "path"], unique=False
        )

    op.create_table(
        "test_businesses",
        sa.Column("business_id", sa.String(length=15), nullable=False),
        sa.Column("nino", sa.String(length=9), nullable=False),
        sa.Column("application_pk", sa.Integer(), nullable=False),
        sa.Column("type_of_business", sa.String(length=32), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["application_pk"], ["devhub_applications.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("business_id"),
    )
    with op.batch_alter_table("test_businesses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_test_businesses_application_pk"), ["application_pk"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_test_businesses_nino"), ["nino"], unique=False)

    op.create_table(
        "test_checkpoints",
        sa.Column("checkpoint_id", sa.String(length=36), nullable=False),
        sa.Column("application_pk", sa.Integer(), nullable=False),
        sa.Column("nino", sa.String(length=9), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            nullable=False,
        ),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["application_pk"], ["devhub_applications.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("checkpoint_id"),
    )
    with op.batch_alter_table("test_checkpoints", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_test_checkpoints_application_pk"), ["application_pk"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("test_checkpoints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_test_checkpoints_application_pk"))

    op.drop_table("test_checkpoints")
    with op.batch_alter_table("test_businesses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_test_businesses_nino"))
        batch_op.drop_index(batch_op.f("ix_test_businesses_application_pk"))

    op.drop_table("test_businesses")
    with op.batch_alter_table("platform_header_feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_header_feedback_endpoint")

    op.drop_table("platform_header_feedback")
    with op.batch_alter_table("itsa_statuses", schema=None) as batch_op:
        batch_op.drop_index("ix_itsa_statuses_nino_year")
        batch_op.drop_index(batch_op.f("ix_itsa_statuses_application_pk"))

    op.drop_table("itsa_statuses")
    op.drop_table("platform_rate_windows")
    with op.batch_alter_table("agent_relationships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agent_relationships_client_nino"))
        batch_op.drop_index(batch_op.f("ix_agent_relationships_arn"))

    op.drop_table("agent_relationships")
