"""Alembic environment of the app: runs against the engine the app hands in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from openmtd.app.adapters.db.tables import Base

config = context.config
engine = config.attributes.get("connection_engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations with openmtd.app.adapters.db.store.migrate()")

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # Its own version table: the app and the emulator may share one database.
        version_table="app_alembic_version",
    )
    with context.begin_transaction():
        context.run_migrations()
