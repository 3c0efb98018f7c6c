"""The emulator's migrations (the engine itself: :mod:`openmtd.dbengine`)."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from openmtd.dbengine import create_database_engine

__all__ = ["alembic_config", "create_database_engine", "current_revision", "migrate"]


def alembic_config(engine: Engine) -> Config:
    """Alembic's configuration for the emulator's migrations, bound to ``engine``."""
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("openmtd.emulator") / "migrations")
    )
    config.attributes["connection_engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the database's schema up to ``revision`` (idempotent)."""
    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None before the first migration)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
