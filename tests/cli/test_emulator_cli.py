"""`openmtd emulator` in process: app create, migrate, and serve's checks and wiring."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from alembic.script import ScriptDirectory
from typer.testing import CliRunner

from openmtd.cli import app
from openmtd.cli.emulator import CONTROL_ENV, DATABASE_ENV, log_config
from openmtd.emulator.adapters.db.store import SqlStore
from openmtd.emulator.devhub.applications import EMULATED_APIS, authenticate_client
from openmtd.emulator.settings import sqlite_url

# The newest migration: every fresh database is migrated to it.
HEAD = ScriptDirectory(str(resources.files("openmtd.emulator") / "migrations")).get_current_head()

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def database(tmp_path: Path) -> str:
    return sqlite_url(tmp_path / "emulator.sqlite3")


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve` sets these for its workers: restore them after each test."""
    for name in (DATABASE_ENV, CONTROL_ENV):
        # Set first, so monkeypatch remembers the original (even "not set") and restores it.
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


def test_migrate_creates_the_schema_and_prints_the_revision(database: str) -> None:
    code, out, err = run("emulator", "migrate", "--database", database)
    assert (code, err) == (0, "")
    assert out == f"{database} is at revision {HEAD}\n"
    # Again: nothing to do, same answer.
    assert run("emulator", "migrate", "--database", database)[:2] == (0, out)


def test_migrate_defaults_to_the_environment_then_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database: str
) -> None:
    monkeypatch.setenv(DATABASE_ENV, database)
    assert run("emulator", "migrate")[1] == f"{database} is at revision {HEAD}\n"
    monkeypatch.delenv(DATABASE_ENV)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("emulator", "migrate")
    assert code == 0
    assert out == f"sqlite:///data/emulator.sqlite3 is at revision {HEAD}\n"
    assert (tmp_path / "data" / "emulator.sqlite3").is_file()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("not a url", "(not a database URL): Could not parse SQLAlchemy URL"),
        ("nosuchdb://host/db", "nosuchdb://host/db: Can't load plugin: sqlalchemy.dialects:"),
        (
            "postgresql+psycopg://someone:hunter2@127.0.0.1:1/db",
            "postgresql+psycopg://someone:***@127.0.0.1:1/db: connection failed",
        ),
    ],
)
@pytest.mark.parametrize("command", ["migrate", "serve", "app"])
def test_a_bad_database_is_a_clear_error(command: str, url: str, reason: str) -> None:
    args = {
        "migrate": ["emulator", "migrate"],
        "serve": ["emulator", "serve"],
        "app": ["emulator", "app", "create", "--name", "N", "--redirect-uri", "https://a.b/"],
    }[command]
    code, out, err = run(*args, "--database", url)
    assert code == 2
    assert out == ""
    assert err.startswith(f"error: cannot open the database {reason}")
    assert "Traceback" not in err
    assert "hunter2" not in err


def test_app_create_prints_the_control_apis_json(database: str) -> None:
    code, out, err = run(
        "emulator",
        "app",
        "create",
        "--name",
        "My software",
        "--redirect-uri",
        "http://localhost:8080/callback",
        "--redirect-uri",
        "urn:ietf:wg:oauth:2.0:oob",
        "--database",
        database,
    )
    assert (code, err) == (0, "")
    body = json.loads(out)
    assert list(body) == [
        "clientId",
        "clientSecret",
        "name",
        "redirectUris",
        "apis",
        "rateLimitPerSecond",
        "grantLengthDays",
    ]
    assert body["name"] == "My software"
    assert body["redirectUris"] == ["http://localhost:8080/callback", "urn:ietf:wg:oauth:2.0:oob"]
    assert body["apis"] == list(EMULATED_APIS)
    assert (body["rateLimitPerSecond"], body["grantLengthDays"]) == (3, 547)
    store = SqlStore.open(database)
    try:
        with store.transaction() as tx:
            assert authenticate_client(tx, body["clientId"], body["clientSecret"]) is not None
    finally:
        store.close()


def test_app_create_with_every_option(database: str) -> None:
    code, out, _ = run(
        "emulator",
        "app",
        "create",
        "--name",
        "Agent tool",
        "--redirect-uri",
        "https://example.com/cb",
        "--api",
        "agent-authorisation",
        "--api",
        "create-test-user",
        "--rate-limit",
        "9",
        "--grant-length-days",
        "1095",
        "--database",
        database,
    )
    assert code == 0
    body: dict[str, Any] = json.loads(out)
    assert body["apis"] == ["create-test-user", "agent-authorisation"]
    assert (body["rateLimitPerSecond"], body["grantLengthDays"]) == (9, 1095)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--redirect-uri", "https://ok.example/", "--redirect-uri", "http://example.com/"],
            "error: --redirect-uri http://example.com/: Plain http:// is allowed only for "
            "localhost (http://localhost or http://localhost:PORT); use https:// for any other "
            "host.\n",
        ),
        (
            [f"--redirect-uri=https://example.com/{n}" for n in range(6)],
            "error: --redirect-uri: An application can have at most 5 redirect URIs; remove 1.\n",
        ),
        (
            ["--redirect-uri", "https://ok.example/", "--api", "vat-api"],
            "error: --api vat-api: Unknown API vat-api; choose from "
            + ", ".join(EMULATED_APIS)
            + "\n",
        ),
        (
            ["--redirect-uri", "https://ok.example/", "--rate-limit", "0"],
            "error: --rate-limit: The rate limit must be between 1 and 10000\n",
        ),
        (
            ["--redirect-uri", "https://ok.example/", "--grant-length-days", "2"],
            "error: --grant-length-days: The grant length must be one of HMRC's: 0, 1, 30, 90, "
            "180, 365, 547, 1095, 1825, 3650, 36500 days\n",
        ),
    ],
)
def test_app_create_refusals_go_to_stderr_with_status_2(
    database: str, options: list[str], message: str
) -> None:
    code, out, err = run(
        "emulator", "app", "create", "--name", "N", *options, "--database", database
    )
    assert (code, out, err) == (2, "", message)


def test_app_create_needs_a_name_and_a_redirect_uri(database: str) -> None:
    code, _, err = run("emulator", "app", "create", "--name", "N", "--database", database)
    assert code == 2
    assert "--redirect-uri" in err
    code, _, err = run(
        "emulator",
        "app",
        "create",
        "--name",
        " ",
        "--redirect-uri",
        "https://a.b/",
        "--database",
        database,
    )
    assert (code, err) == (2, "error: --name: Enter an application name\n")


def test_serve_migrates_then_runs_uvicorn_with_the_factory(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: calls.append((target, kw)))
    code, out, err = run(
        "emulator", "serve", "--port", "8123", "--workers", "3", "--database", database
    )
    assert (code, err) == (0, "")
    assert out.startswith("openmtd HMRC emulator: http://127.0.0.1:8123/ (Ctrl-C to stop)\n")
    [(target, options)] = calls
    assert target == "openmtd.emulator.web.asgi:app_factory"
    assert options == {
        "factory": True,
        "host": "127.0.0.1",
        "port": 8123,
        "workers": 3,
        "access_log": False,
        "log_level": "info",
        "log_config": log_config(with_process_id=True),
    }
    assert os.environ[DATABASE_ENV] == database
    assert os.environ[CONTROL_ENV] == "1"
    assert run("emulator", "migrate", "--database", database)[1].endswith(f"revision {HEAD}\n")


def test_serve_no_control_and_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: calls.append(kw))
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("emulator", "serve", "--no-control", "--host", "::1")
    assert code == 0
    assert "http://[::1]:8100/" in out
    assert calls[0]["workers"] == 1
    assert calls[0]["log_config"] == log_config(with_process_id=False)
    assert os.environ[CONTROL_ENV] == "0"
    assert os.environ[DATABASE_ENV] == "sqlite:///data/emulator.sqlite3"


def test_serve_refuses_an_in_memory_database_for_several_workers() -> None:
    code, _, err = run("emulator", "serve", "--workers", "2", "--database", "sqlite://")
    assert code == 2
    assert err.startswith("error: an in-memory SQLite database cannot be shared")


def test_app_factory_reads_the_environment(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from openmtd.emulator.web.asgi import app_factory

    monkeypatch.setenv(DATABASE_ENV, database)
    monkeypatch.setenv(CONTROL_ENV, "0")
    built = app_factory()
    try:
        services = built.state.services
        assert services.settings.database_url == database
        assert services.settings.control_enabled is False
    finally:
        built.state.services.store.close()
