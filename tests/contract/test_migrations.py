"""The Alembic migrations, on SQLite and PostgreSQL: they build the schema the models describe,
and each data migration carries existing rows forward."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, MetaData, Table, insert, inspect, select

from openmtd.emulator.adapters.db import tables as t
from openmtd.emulator.adapters.db.engine import alembic_config, create_database_engine, migrate
from openmtd.emulator.adapters.db.store import SqlStore
from openmtd.emulator.storage import AffinityGroup, CredentialRole, NewAccount

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
ITSA_TEMPLATE = "/individuals/person/itsa-status/{nino}/{taxYear}"


def test_the_migrations_build_the_schema_the_models_describe(database_url: str) -> None:
    engine = create_database_engine(database_url)
    try:
        migrate(engine)
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), t.Base.metadata)
        assert differences == []
    finally:
        engine.dispose()


def _feedback_row(app: int, path: str, at: datetime, code: str) -> dict[str, object]:
    return {
        "application_pk": app,
        "api": "self-assessment-individual-details",
        "method": "GET",
        "path": path,
        "requested_at": at,
        "connection_method": "OTHER_DIRECT",
        "result": {"path": path, "method": "GET", "code": code},
    }


def test_0003_keeps_the_latest_feedback_per_endpoint_under_its_template(database_url: str) -> None:
    engine = create_database_engine(database_url)
    try:
        migrate(engine, "0002")
        metadata = MetaData()
        metadata.reflect(bind=engine)
        applications: Table = metadata.tables["devhub_applications"]
        feedback: Table = metadata.tables["platform_header_feedback"]
        with engine.begin() as connection:
            app = connection.execute(
                insert(applications)
                .values(
                    client_id="c1",
                    name="App",
                    redirect_uris=[],
                    apis=[],
                    rate_limit_per_second=3,
                    grant_length_days=547,
                    created_at=T0,
                )
                .returning(applications.c.id)
            ).scalar_one()
            later = T0.replace(hour=10)
            connection.execute(
                insert(feedback),
                [
                    _feedback_row(
                        app, "/individuals/person/itsa-status/AA123456A/2025-26", T0, "OLD"
                    ),
                    _feedback_row(
                        app, "/individuals/person/itsa-status/AA123456A/2026-27", later, "NEW"
                    ),
                ],
            )
        migrate(engine)
        with engine.connect() as connection:
            rows = connection.execute(select(feedback.c.path, feedback.c.result)).all()
        assert [(row.path, row.result["code"], row.result["path"]) for row in rows] == [
            (ITSA_TEMPLATE, "NEW", ITSA_TEMPLATE)
        ]
    finally:
        engine.dispose()
    store = SqlStore.open(database_url)
    try:
        with store.transaction() as tx:
            kept = tx.platform.feedback(app, "self-assessment-individual-details")
            assert [item.result["code"] for item in kept] == ["NEW"]
    finally:
        store.close()


def test_0009_drops_the_accounts_password_lock_and_its_downgrade_restores_it(
    database_url: str,
) -> None:
    engine = create_database_engine(database_url)
    try:
        migrate(engine)
        store = SqlStore.open(database_url)
        try:
            with store.transaction() as tx:
                tx.accounts.add(
                    NewAccount(
                        user_id="100000000001",
                        password_hash="x",
                        affinity_group=AffinityGroup.INDIVIDUAL,
                        credential_role=CredentialRole.USER,
                        confidence_level=50,
                        first_name="A",
                        last_name="B",
                        email="a@example.com",
                        created_at=T0,
                    )
                )
        finally:
            store.close()
        assert not {"failed_password_attempts", "password_locked_until"} & _columns(engine)
        command.downgrade(alembic_config(engine), "0008")
        assert {"failed_password_attempts", "password_locked_until"} <= _columns(engine)
        metadata = MetaData()
        metadata.reflect(bind=engine)
        accounts: Table = metadata.tables["gg_accounts"]
        with engine.connect() as connection:
            rows = connection.execute(
                select(accounts.c.failed_password_attempts, accounts.c.password_locked_until)
            ).all()
        assert [tuple(row) for row in rows] == [(0, None)]
        migrate(engine)
        assert not {"failed_password_attempts", "password_locked_until"} & _columns(engine)
    finally:
        engine.dispose()


def _columns(engine: Engine) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns("gg_accounts")}


def test_a_sqlite_file_in_a_missing_folder_is_refused_not_invented(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "deeper"
    with pytest.raises(FileNotFoundError, match="does not exist"):
        create_database_engine(f"sqlite:///{missing}/x.sqlite3")
    assert not missing.parent.exists()
