"""Agent services: agent services accounts' details, authorisation requests, legacy Self
Assessment links and the references mapped to ARNs; relationships say who ended them, which
request they came from and which legacy link they were copied from

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agent_records",
        sa.Column("arn", sa.String(length=11), nullable=False),
        sa.Column("agency_name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("client_link_uid", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("utr", sa.String(length=10), nullable=True),
        sa.Column("postcode", sa.String(length=10), nullable=True),
        sa.PrimaryKeyConstraint("arn"),
        sa.UniqueConstraint("client_link_uid"),
    )
    with op.batch_alter_table("agent_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agent_records_utr"), ["utr"], unique=False)
    op.create_table(
        "agent_invitations",
        sa.Column("invitation_id", sa.String(length=13), nullable=False),
        sa.Column("arn", sa.String(length=11), nullable=False),
        sa.Column("client_id", sa.String(length=15), nullable=False),
        sa.Column("agent_type", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("client_name", sa.String(length=201), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("relationship_ended_by", sa.String(length=8), nullable=True),
        sa.PrimaryKeyConstraint("invitation_id"),
    )
    with op.batch_alter_table("agent_invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agent_invitations_arn"), ["arn"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_agent_invitations_client_id"), ["client_id"], unique=False
        )
    op.create_table(
        "agent_legacy_sa_links",
        sa.Column("nino", sa.String(length=9), nullable=False),
        sa.Column("sa_agent_reference", sa.String(length=6), nullable=False),
        sa.Column("ended", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nino", "sa_agent_reference"),
    )
    with op.batch_alter_table("agent_legacy_sa_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agent_legacy_sa_links_sa_agent_reference"),
            ["sa_agent_reference"],
            unique=False,
        )
    op.create_table(
        "agent_sa_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("arn", sa.String(length=11), nullable=False),
        sa.Column("sa_agent_reference", sa.String(length=6), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("arn", "sa_agent_reference", name="uq_sa_mapping"),
    )
    with op.batch_alter_table("agent_sa_mappings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agent_sa_mappings_arn"), ["arn"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_agent_sa_mappings_sa_agent_reference"),
            ["sa_agent_reference"],
            unique=False,
        )
    with op.batch_alter_table("agent_relationships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ended_by", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("invitation_id", sa.String(length=13), nullable=True))
        batch_op.add_column(sa.Column("sa_agent_reference", sa.String(length=6), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agent_relationships", schema=None) as batch_op:
        batch_op.drop_column("sa_agent_reference")
        batch_op.drop_column("invitation_id")
        batch_op.drop_column("ended_by")
    op.drop_table("agent_sa_mappings")
    op.drop_table("agent_legacy_sa_links")
    op.drop_table("agent_invitations")
    op.drop_table("agent_records")
