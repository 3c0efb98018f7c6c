"""Wrong passwords counted per typed user ID, known or not

Until 0003 only an account's own row counted wrong passwords, so an unknown user ID was
answered "wrong" forever while a known one locked on the fifth attempt: the lock told which
user IDs exist. From 0004 ``gg_sign_in_attempts`` counts every typed user ID alike, keyed by a
SHA-256 hash of it, and each record expires (24 hours after its last wrong password, or when
its lock ends), so the table stays bounded. The accounts' own counters are carried over and are
no longer used.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 14:00:00
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here (a migration must not follow later changes to the code): how a user ID is keyed
# (openmtd.emulator.gateway.accounts.attempts_key) and how long wrong passwords are kept.
_KEY_PREFIX = "gg-user-id:"
_REMEMBERED = timedelta(hours=24)

_accounts = sa.table(
    "gg_accounts",
    sa.column("user_id", sa.String()),
    sa.column("failed_password_attempts", sa.Integer()),
    sa.column("password_locked_until", sa.DateTime(timezone=True)),
)
_state = sa.table(
    "emulator_state",
    sa.column("id", sa.Integer()),
    sa.column("clock_offset_seconds", sa.Float()),
)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def upgrade() -> None:
    op.create_table(
        "gg_sign_in_attempts",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_hash"),
    )
    with op.batch_alter_table("gg_sign_in_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gg_sign_in_attempts_expires_at"), ["expires_at"], unique=False
        )
    connection = op.get_bind()
    offset = connection.execute(
        sa.select(_state.c.clock_offset_seconds).where(_state.c.id == 1)
    ).scalar()
    now = datetime.now(UTC) + timedelta(seconds=float(offset or 0.0))
    rows = connection.execute(
        sa.select(
            _accounts.c.user_id,
            _accounts.c.failed_password_attempts,
            _accounts.c.password_locked_until,
        ).where(
            sa.or_(
                _accounts.c.failed_password_attempts > 0,
                _accounts.c.password_locked_until.is_not(None),
            )
        )
    ).all()
    carried = []
    for row in rows:
        key = hashlib.sha256((_KEY_PREFIX + row.user_id).encode()).hexdigest()
        locked = _aware(row.password_locked_until) if row.password_locked_until else None
        if locked is not None and locked > now:
            carried.append(
                {"key_hash": key, "failures": 0, "locked_until": locked, "expires_at": locked}
            )
        elif row.failed_password_attempts:
            carried.append(
                {
                    "key_hash": key,
                    "failures": row.failed_password_attempts,
                    "locked_until": None,
                    "expires_at": now + _REMEMBERED,
                }
            )
    attempts = sa.table(
        "gg_sign_in_attempts",
        sa.column("key_hash", sa.String()),
        sa.column("failures", sa.Integer()),
        sa.column("locked_until", sa.DateTime(timezone=True)),
        sa.column("expires_at", sa.DateTime(timezone=True)),
    )
    if carried:
        connection.execute(sa.insert(attempts), carried)
    connection.execute(
        sa.update(_accounts).values(failed_password_attempts=0, password_locked_until=None)
    )


def downgrade() -> None:
    # The counts go with the table (an account's own counters start again from nothing).
    with op.batch_alter_table("gg_sign_in_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gg_sign_in_attempts_expires_at"))
    op.drop_table("gg_sign_in_attempts")
