"""Government Gateway, Developer Hub, OAuth and web sessions

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-26 11:19:58.683680
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "devhub_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("redirect_uris", sa.JSON(), nullable=False),
        sa.Column("apis", sa.JSON(), nullable=False),
        sa.Column("rate_limit_per_second", sa.Integer(), nullable=False),
        sa.Column("grant_length_days", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_id"),
    )
    op.create_table(
        "emulator_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clock_offset_seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "gg_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(length=32), nullable=False),
        sa.Column("affinity_group", sa.String(length=16), nullable=False),
        sa.Column("agent_code", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("group_id"),
    )
    op.create_table(
        "phone_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone_number", sa.String(length=32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("phone_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_phone_messages_phone_number"), ["phone_number"], unique=False
        )

    op.create_table(
        "devhub_client_secrets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_pk", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_pk"], ["devhub_applications.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("devhub_client_secrets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_devhub_client_secrets_application_pk"), ["application_pk"], unique=False
        )

    op.create_table(
        "gg_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=12), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("group_pk", sa.Integer(), nullable=False),
        sa.Column("credential_role", sa.String(length=16), nullable=False),
        sa.Column("confidence_level", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("address_line1", sa.String(length=100), nullable=False),
        sa.Column("address_line2", sa.String(length=100), nullable=False),
        sa.Column("address_line3", sa.String(length=100), nullable=False),
        sa.Column("address_line4", sa.String(length=100), nullable=False),
        sa.Column("postcode", sa.String(length=10), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("nino", sa.String(length=9), nullable=True),
        sa.Column("two_step_method", sa.String(length=8), nullable=True),
        sa.Column("totp_secret", sa.String(length=64), nullable=True),
        sa.Column("totp_last_step", sa.Integer(), nullable=True),
        sa.Column("phone_number", sa.String(length=32), nullable=True),
        sa.Column("sms_code_hash", sa.String(length=64), nullable=True),
        sa.Column("sms_code_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_password_attempts", sa.Integer(), nullable=False),
        sa.Column("password_locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_two_step_attempts", sa.Integer(), nullable=False),
        sa.Column("two_step_locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["group_pk"], ["gg_groups.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id"),
    )
    with op.batch_alter_table("gg_accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gg_accounts_group_pk"), ["group_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_gg_accounts_nino"), ["nino"], unique=False)

    op.create_table(
        "gg_enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_pk", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("identifier_name", sa.String(length=32), nullable=False),
        sa.Column("identifier_value", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["group_pk"], ["gg_groups.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "identifier_value", name="uq_enrolment_identifier"),
    )
    with op.batch_alter_table("gg_enrolments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gg_enrolments_group_pk"), ["group_pk"], unique=False)

    op.create_table(
        "oauth_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_pk", sa.Integer(), nullable=False),
        sa.Column("account_pk", sa.Integer(), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_pk"], ["gg_accounts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["application_pk"], ["devhub_applications.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("oauth_grants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oauth_grants_account_pk"), ["account_pk"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_oauth_grants_application_pk"), ["application_pk"], unique=False
        )

    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("account_pk", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_pk"], ["gg_accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id_hash"),
    )
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_web_sessions_last_seen_at"), ["last_seen_at"], unique=False
        )

    op.create_table(
        "oauth_access_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("application_pk", sa.Integer(), nullable=False),
        sa.Column("grant_pk", sa.Integer(), nullable=True),
        sa.Column("account_pk", sa.Integer(), nullable=True),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_pk"], ["gg_accounts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["application_pk"], ["devhub_applications.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["grant_pk"], ["oauth_grants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("oauth_access_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oauth_access_tokens_grant_pk"), ["grant_pk"], unique=False
        )

    op.create_table(
        "oauth_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("application_pk", sa.Integer(), nullable=False),
        sa.Column("account_pk", sa.Integer(), nullable=False),
        sa.Column("redirect_uri", sa.Text(), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("code_challenge", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("grant_pk", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["account_pk"], ["gg_accounts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["application_pk"], ["devhub_applications.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["grant_pk"], ["oauth_grants.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("code_hash"),
    )
    op.create_table(
        "oauth_refresh_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("grant_pk", sa.Integer(), nullable=False),
        sa.Column("access_token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["grant_pk"], ["oauth_grants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("oauth_refresh_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oauth_refresh_tokens_grant_pk"), ["grant_pk"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("oauth_refresh_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oauth_refresh_tokens_grant_pk"))

    op.drop_table("oauth_refresh_tokens")
    op.drop_table("oauth_codes")
    with op.batch_alter_table("oauth_access_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oauth_access_tokens_grant_pk"))

    op.drop_table("oauth_access_tokens")
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_sessions_last_seen_at"))

    op.drop_table("web_sessions")
    with op.batch_alter_table("oauth_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oauth_grants_application_pk"))
        batch_op.drop_index(batch_op.f("ix_oauth_grants_account_pk"))

    op.drop_table("oauth_grants")
    with op.batch_alter_table("gg_enrolments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gg_enrolments_group_pk"))

    op.drop_table("gg_enrolments")
    with op.batch_alter_table("gg_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gg_accounts_nino"))
        batch_op.drop_index(batch_op.f("ix_gg_accounts_group_pk"))

    op.drop_table("gg_accounts")
    with op.batch_alter_table("devhub_client_secrets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_devhub_client_secrets_application_pk"))

    op.drop_table("devhub_client_secrets")
    with op.batch_alter_table("phone_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_phone_messages_phone_number"))

    op.drop_table("phone_messages")
    op.drop_table("gg_groups")
    op.drop_table("emulator_state")
    op.drop_table("devhub_applications")
