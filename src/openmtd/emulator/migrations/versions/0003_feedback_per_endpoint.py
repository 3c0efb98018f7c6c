"""Fraud-header feedback kept per endpoint (method + HMRC's path template)

Until 0002 a row was kept per call under its concrete path
(``/individuals/person/itsa-status/AA123456A/2026-27``), so two tax years showed as two
endpoints. From 0003 ``path`` holds HMRC's template and there is one row per application, API,
method and template (a unique index that ``record_feedback`` upserts on). Existing rows are
rewritten to their template and only the latest per endpoint is kept.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 11:30:00
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The endpoints that recorded feedback up to 0002, frozen here (a migration must not follow
# later changes to the routes): concrete path → HMRC's template.
_TEMPLATES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"/individuals/person/itsa-status/[^/]+/[^/]+"),
        "/individuals/person/itsa-status/{nino}/{taxYear}",
    ),
)

_feedback = sa.table(
    "platform_header_feedback",
    sa.column("id", sa.Integer()),
    sa.column("application_pk", sa.Integer()),
    sa.column("api", sa.String()),
    sa.column("method", sa.String()),
    sa.column("path", sa.String()),
    sa.column("requested_at", sa.DateTime(timezone=True)),
    sa.column("result", sa.JSON()),
)


def _template(path: str) -> str:
    for pattern, template in _TEMPLATES:
        if pattern.fullmatch(path):
            return template
    return path


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            _feedback.c.id,
            _feedback.c.application_pk,
            _feedback.c.api,
            _feedback.c.method,
            _feedback.c.path,
            _feedback.c.result,
        ).order_by(_feedback.c.requested_at.desc(), _feedback.c.id.desc())
    ).all()
    seen: set[tuple[int, str, str, str]] = set()
    stale: list[int] = []
    for row in rows:
        template = _template(row.path)
        key = (row.application_pk, row.api, row.method, template)
        if key in seen:
            stale.append(row.id)
            continue
        seen.add(key)
        if template != row.path:
            result = dict(row.result or {})
            if "path" in result:
                result["path"] = template
            connection.execute(
                sa.update(_feedback)
                .where(_feedback.c.id == row.id)
                .values(path=template, result=result)
            )
    for start in range(0, len(stale), 500):
        connection.execute(
            sa.delete(_feedback).where(_feedback.c.id.in_(stale[start : start + 500]))
        )
    with op.batch_alter_table("platform_header_feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_header_feedback_endpoint")
        batch_op.create_index(
            "ux_header_feedback_endpoint", ["application_pk", "api", "method", "path"], unique=True
        )


def downgrade() -> None:
    # The concrete paths are gone; the rows stay, one per endpoint, under their templates.
    with op.batch_alter_table("platform_header_feedback", schema=None) as batch_op:
        batch_op.drop_index("ux_header_feedback_endpoint")
        batch_op.create_index(
            "ix_header_feedback_endpoint", ["application_pk", "api", "method", "path"], unique=False
        )
