"""Alembic environment: runs against the engine the emulator hands in (never a global URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from openmtd.emulator.adapters.db.tables import Base

config = context.config
engine = config.attributes.get("connection_engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations with openmtd.emulator.adapters.db.engine.migrate()")

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
