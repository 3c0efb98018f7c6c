"""`openmtd emulator` in process: app create, migrate, and serve's checks and wiring."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from alembic.script import ScriptDirectory
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from typer.testing import CliRunner

from openmtd.cli import app, app_cli
from openmtd.cli import emulator as emulator_cli
from openmtd.cli import up as up_cli
from openmtd.cli.emulator import CONTROL_ENV, DATABASE_ENV, log_config
from openmtd.emulator.adapters.db.store import SqlStore
from openmtd.emulator.devhub.applications import EMULATED_APIS, authenticate_client
from openmtd.emulator.settings import EmulatorSettings, sqlite_url
from openmtd.emulator.web.app import create_app
from openmtd.emulator.web.server import BoundedH11Protocol
from support.emulator import FAST_HASHING
from support.live_server import free_port, serve_in_thread

#: The real port check (the `ports_checked` fixture replaces it in every test).
CHECK_PORT_FREE = emulator_cli.check_port_free

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


@pytest.fixture(autouse=True)
def ports_checked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """No sockets here: `serve` and `up` record the port they would check. The tests of the
    check itself (at the end, using real sockets) put the real one back."""
    checked: list[tuple[str, int]] = []
    monkeypatch.setattr(
        emulator_cli,
        "check_port_free",
        lambda host, port, option="--port": checked.append((host, port)),
    )
    return checked


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
        "http": BoundedH11Protocol,
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


# --- folders: only the command's own data folder is created (issue 7) ------------------------


@pytest.mark.parametrize("command", ["migrate", "serve", "app"])
def test_a_sqlite_file_in_a_missing_folder_is_refused_and_nothing_is_created(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: pytest.fail("uvicorn started"))
    url = sqlite_url(tmp_path / "nonexistent" / "dir" / "x.sqlite3")
    args = {
        "migrate": ["emulator", "migrate"],
        "serve": ["emulator", "serve"],
        "app": ["emulator", "app", "create", "--name", "N", "--redirect-uri", "https://a.b/"],
    }[command]
    code, out, err = run(*args, "--database", url)
    assert (code, out) == (2, "")
    assert err == (
        f"error: cannot use the database {url}: the folder {tmp_path}/nonexistent/dir does not "
        "exist. Create it first, or give a file in a folder that exists (openmtd creates only "
        "its own data folder, data/ in the current directory)\n"
    )
    assert not (tmp_path / "nonexistent").exists()


def test_a_sqlite_uri_in_a_missing_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///file:{tmp_path}/missing/x.sqlite3?uri=true"
    code, _, err = run("emulator", "migrate", "--database", url)
    assert code == 2
    assert f"the folder {tmp_path}/missing does not exist" in err
    assert list(tmp_path.iterdir()) == []


def test_a_sqlite_file_whose_folder_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("")
    code, _, err = run("emulator", "migrate", "--database", sqlite_url(tmp_path / "plain" / "x"))
    assert code == 2
    assert err.endswith(f": {tmp_path}/plain is not a folder\n")


@pytest.mark.parametrize("url", ["sqlite:///data/emulator.sqlite3", "sqlite:///./data/other.db"])
def test_the_data_folder_in_the_current_directory_is_created(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("emulator", "migrate", "--database", url)
    assert code == 0
    assert out.endswith(f"is at revision {HEAD}\n")
    assert (tmp_path / "data").is_dir()


def test_an_existing_folder_and_other_databases_are_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for url in (sqlite_url(tmp_path / "x.sqlite3"), "sqlite://", "sqlite:///:memory:"):
        assert run("emulator", "migrate", "--database", url)[0] == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["x.sqlite3"]


def _up_without_serving(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """``uvicorn.run`` (serve) and ``serve_together`` (up) record the ports they would serve."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: calls.append(kw))

    def together(configs: list[uvicorn.Config], _logs: object = None) -> bool:
        calls.extend({"port": config.port} for config in configs)
        return True

    monkeypatch.setattr(up_cli, "serve_together", together)
    return calls


def test_up_creates_its_data_dir_only_when_the_parent_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ports_checked: list[tuple[str, int]]
) -> None:
    calls = _up_without_serving(monkeypatch)
    code, out, err = run("up", "--port", "8123", "--data-dir", str(tmp_path / "mine"))
    assert (code, err) == (0, "")
    assert (tmp_path / "mine" / "emulator.sqlite3").is_file()
    assert (tmp_path / "mine" / "app.sqlite3").is_file()
    assert (tmp_path / "mine" / "app-token-key").stat().st_mode & 0o777 == 0o600
    assert "client_secret" in out
    assert "http://localhost:8700/check-income" in out
    # The emulator and the app beside it, each port checked before anything is changed.
    assert [call["port"] for call in calls] == [8123, 8700]
    assert ports_checked == [("127.0.0.1", 8123), ("127.0.0.1", 8700)]

    code, out, err = run("up", "--data-dir", str(tmp_path / "missing" / "mine"))
    assert (code, out) == (2, "")
    assert err == (
        f"error: cannot create the data folder {tmp_path}/missing/mine: the folder "
        f"{tmp_path}/missing does not exist. Create it first, or choose a data folder inside "
        "one that exists\n"
    )
    assert not (tmp_path / "missing").exists()
    assert len(calls) == 2


# --- a port in use is said plainly, before anything else (issue 7) ----------------------------
# These tests use real sockets on 127.0.0.1: the check is about sockets.


@pytest.fixture
def real_port_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(emulator_cli, "check_port_free", CHECK_PORT_FREE)
    monkeypatch.setattr(emulator_cli, "PROBE_TIMEOUT_S", 0.5)


@pytest.fixture
def held_port() -> Iterator[int]:
    """A port on 127.0.0.1 that a program holds without answering HTTP."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def _openmtd_emulator(tmp_path: Path) -> FastAPI:
    settings = EmulatorSettings(
        database_url=sqlite_url(tmp_path / "running.sqlite3"), password_hashing=FAST_HASHING
    )
    return create_app(settings)


@pytest.mark.usefixtures("real_port_check")
@pytest.mark.parametrize("command", ["up", "serve"])
def test_a_running_openmtd_emulator_is_named_and_nothing_else_happens(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _up_without_serving(monkeypatch)
    running = _openmtd_emulator(tmp_path)
    try:
        with serve_in_thread(running) as base_url:
            port = int(base_url.rsplit(":", 1)[1])
            args = {
                "up": ["up", "--data-dir", str(tmp_path / "data")],
                "serve": ["emulator", "serve", "--database", sqlite_url(tmp_path / "new.db")],
            }[command]
            code, out, err = run(*args, "--port", str(port))
    finally:
        running.state.services.store.close()
    assert (code, out) == (1, "")
    assert err == (
        f"error: an openmtd emulator is already running at http://127.0.0.1:{port}/ (port {port} "
        "is in use): use that one, stop it, or choose another --port\n"
    )
    # No fresh demo credentials, no database made or changed, no server started.
    assert not (tmp_path / "data").exists()
    assert not (tmp_path / "new.db").exists()
    assert calls == []


@pytest.mark.usefixtures("real_port_check")
def test_a_port_held_by_another_program_is_said_plainly(
    held_port: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _up_without_serving(monkeypatch)
    code, out, err = run("up", "--port", str(held_port), "--data-dir", str(tmp_path / "data"))
    assert (code, out) == (1, "")
    assert err == (
        f"error: port {held_port} on 127.0.0.1 is in use by another program: choose another "
        "--port\n"
    )
    assert not (tmp_path / "data").exists()
    # Listening on every address needs the port on 127.0.0.1 too; that is where it is asked.
    code, out, err = run(
        "emulator", "serve", "--host", "0.0.0.0", "--port", str(held_port), "--database",
        "sqlite://",
    )  # fmt: skip
    assert (code, out) == (1, "")
    assert err.startswith(f"error: port {held_port} on 0.0.0.0 is in use by another program")
    assert calls == []


@pytest.mark.usefixtures("real_port_check")
@pytest.mark.parametrize("home", ["/", "/elsewhere"])  # a page, or 404 Not Found
def test_a_port_held_by_another_web_server_is_said_plainly(
    home: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _up_without_serving(monkeypatch)
    other = Starlette(routes=[Route(home, lambda _request: PlainTextResponse("hello"))])
    with serve_in_thread(other) as base_url:
        port = base_url.rsplit(":", 1)[1]
        code, out, err = run("emulator", "serve", "--port", port, "--database", "sqlite://")
    assert (code, out) == (1, "")
    assert err == f"error: port {port} on 127.0.0.1 is in use by another web server: choose " + (
        "another --port\n"
    )
    assert calls == []


@pytest.mark.usefixtures("real_port_check")
def test_an_address_that_cannot_be_listened_on_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _up_without_serving(monkeypatch)
    # 192.0.2.0/24 is for documentation (RFC 5737): never an address of this machine.
    code, out, err = run("emulator", "serve", "--host", "192.0.2.1", "--database", "sqlite://")
    assert (code, out) == (2, "")
    assert err.startswith("error: cannot listen on 192.0.2.1:8100: ")
    assert calls == []


@pytest.mark.usefixtures("real_port_check")
def test_a_free_port_passes_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _up_without_serving(monkeypatch)
    port = free_port()
    code, out, _ = run("emulator", "serve", "--port", str(port), "--database", "sqlite://")
    assert code == 0
    assert out.startswith(f"openmtd HMRC emulator: http://127.0.0.1:{port}/")
    assert [call["port"] for call in calls] == [port]


@pytest.mark.parametrize("name", ["App\x00name", "App\udcff", "App\x1bname"])
def test_app_create_refuses_what_the_control_api_refuses(database: str, name: str) -> None:
    code, out, err = run(
        "emulator",
        "app",
        "create",
        "--name",
        name,
        "--redirect-uri",
        "https://a.b/",
        "--database",
        database,
    )
    assert (code, out) == (2, "")
    assert err.startswith("error: --name: ")
    assert "Traceback" not in err
    store = SqlStore.open(database)
    try:
        with store.transaction() as tx:
            assert tx.applications.list() == []
    finally:
        store.close()


@pytest.mark.usefixtures("real_port_check")
def test_the_apps_port_held_by_another_program_names_its_option(
    held_port: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _up_without_serving(monkeypatch)
    code, out, err = run(
        "up", "--port", str(free_port()), "--app-port", str(held_port),
        "--data-dir", str(tmp_path / "data"),
    )  # fmt: skip
    assert (code, out) == (1, "")
    assert err.endswith("is in use by another program: choose another --app-port\n")
    assert not (tmp_path / "data").exists()
    assert calls == []


def test_up_refuses_one_port_for_both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _up_without_serving(monkeypatch)
    code, out, err = run("up", "--port", "8123", "--app-port", "8123", "--data-dir", str(tmp_path))
    assert (code, out) == (2, "")
    assert "need two ports" in err
    assert calls == []


def test_a_second_up_keeps_the_token_key_and_renews_the_apps_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _up_without_serving(monkeypatch)
    data = tmp_path / "data"
    assert run("up", "--data-dir", str(data))[0] == 0
    key = (data / "app-token-key").read_text()
    assert run("up", "--data-dir", str(data))[0] == 0
    assert (data / "app-token-key").read_text() == key


# --- openmtd app ---------------------------------------------------------------------------------
def test_app_keygen_prints_a_fernet_key() -> None:
    from cryptography.fernet import Fernet

    code, out, _ = run("app", "keygen")
    assert code == 0
    Fernet(out.strip())  # a valid key
    assert run("app", "keygen")[1] != out  # a new one each time


def test_app_migrate_creates_the_schema_and_says_its_revision(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "app.sqlite3")
    code, out, err = run("app", "migrate", "--database", url)
    assert (code, err) == (0, "")
    assert out == "the app's database is at revision app_0002\n"
    assert run("app", "migrate", "--database", url)[1] == out  # idempotent


def test_app_migrate_on_a_database_it_cannot_open_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "not-a-db").write_text("hello, this is not SQLite")
    code, out, err = run("app", "migrate", "--database", sqlite_url(tmp_path / "not-a-db"))
    assert (code, out) == (2, "")
    assert err.startswith("Error: cannot open the app's database: ")
    assert "Traceback" not in err


def test_app_serve_needs_its_credentials_and_valid_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _up_without_serving(monkeypatch)
    monkeypatch.delenv("OPENMTD_APP_TOKEN_KEYS", raising=False)
    code, _, err = run("app", "serve", "--database", sqlite_url(tmp_path / "a.db"))
    assert code == 2
    assert "OPENMTD_APP_TOKEN_KEYS is not set" in err
    monkeypatch.delenv("OPENMTD_APP_CLIENT_ID", raising=False)
    code, _, err = run("app", "serve", "--dev", "--database", sqlite_url(tmp_path / "a.db"))
    assert code == 2
    assert "OPENMTD_APP_CLIENT_ID" in err
    monkeypatch.setenv("OPENMTD_APP_CLIENT_ID", "id")
    monkeypatch.setenv("OPENMTD_APP_CLIENT_SECRET", "secret")
    code, _, err = run("app", "serve", "--dev", "--hmrc", "staging")
    assert code == 2
    assert "HMRC must be 'sandbox', 'production' or an emulator's URL" in err
    assert calls == []


def test_app_serve_migrates_then_serves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cryptography.fernet import Fernet

    served: list[int] = []

    def together(configs: list[uvicorn.Config], _logs: object = None) -> bool:
        served.extend(config.port for config in configs)
        return True

    monkeypatch.setattr(app_cli, "serve_together", together)
    monkeypatch.setenv("OPENMTD_APP_CLIENT_ID", "id")
    monkeypatch.setenv("OPENMTD_APP_CLIENT_SECRET", "secret")
    monkeypatch.setenv("OPENMTD_APP_TOKEN_KEYS", Fernet.generate_key().decode())
    url = sqlite_url(tmp_path / "app.sqlite3")
    code, out, err = run("app", "serve", "--database", url, "--port", "8799")
    assert (code, err) == (0, "")
    assert out.startswith("openmtd app: http://127.0.0.1:8799/ (Ctrl-C to stop)")
    # HMRC returns the browser to the port the app listens on.
    assert "as http://localhost:8799" in out
    assert "database at revision app_0002" in out
    assert served == [8799]


def test_app_remind_needs_credentials_and_reads_no_one_in_an_empty_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cryptography.fernet import Fernet

    monkeypatch.setenv("OPENMTD_APP_TOKEN_KEYS", Fernet.generate_key().decode())
    monkeypatch.delenv("OPENMTD_APP_CLIENT_ID", raising=False)
    url = sqlite_url(tmp_path / "app.sqlite3")
    code, _, err = run("app", "remind", "--database", url)
    assert code == 2
    assert "OPENMTD_APP_CLIENT_ID" in err
    monkeypatch.setenv("OPENMTD_APP_CLIENT_ID", "id")
    monkeypatch.setenv("OPENMTD_APP_CLIENT_SECRET", "secret")
    device = tmp_path / "jobs" / "device-id"
    code, out, _ = run("app", "remind", "--database", url, "--device-id-file", str(device))
    assert code == 0
    assert out.endswith("0 connected people read; 0 reminders given; 0 emails queued, 0 sent.\n")
    assert device.parent.is_dir()


def test_up_with_a_damaged_token_key_says_which_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _up_without_serving(monkeypatch)
    data = tmp_path / "data"
    data.mkdir()
    (data / "app-token-key").write_text("")
    code, out, err = run("up", "--data-dir", str(data))
    assert (code, out) == (2, "")
    assert f"{data}/app-token-key does not hold a token key. Delete it" in err
    assert "Traceback" not in err
    assert calls == []


def test_app_remind_names_who_was_not_read_and_fails_when_mail_cannot_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime

    from cryptography.fernet import Fernet

    from openmtd.app.adapters.db.store import SqlStore as AppStore
    from openmtd.app.storage import Connection
    from openmtd.app.storage.accounts import AccountKind

    key = Fernet.generate_key().decode()
    url = sqlite_url(tmp_path / "app.sqlite3")
    store = AppStore.open(url, [key])
    now = datetime(2026, 12, 4, tzinfo=UTC)
    with store.transaction() as tx:
        user = tx.users.add(
            email="ida@example.com", name="Ida", password_hash="x",
            kind=AccountKind.INDIVIDUAL, now=now,
        )  # fmt: skip
        tx.connections.save(Connection(user.id, "AA123456A", now, None, (), "none"))
        tx.outbox.add(to="ida@example.com", subject="s", body="b", now=now)
    store.close()
    for name, value in {
        "OPENMTD_APP_TOKEN_KEYS": key,
        "OPENMTD_APP_CLIENT_ID": "id",
        "OPENMTD_APP_CLIENT_SECRET": "secret",
        "OPENMTD_APP_SMTP_HOST": "127.0.0.1",
        "OPENMTD_APP_SMTP_PORT": str(free_port()),
        "OPENMTD_APP_SMTP_STARTTLS": "0",
    }.items():
        monkeypatch.setenv(name, value)
    device = tmp_path / "device-id"
    code, out, err = run("app", "remind", "--database", url, "--device-id-file", str(device))
    assert code == 1
    assert "1 connected people read; 0 reminders given" in out
    assert f"user {user.id}: not read (ReauthorisationRequired)" in out
    assert "Error: the emails could not be sent, and wait for the next run: " in err
