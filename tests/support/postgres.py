"""A throwaway PostgreSQL cluster for the storage contract tests.

The cluster is started from the machine's server binaries (Debian's `postgresql` package, which
scripts/install brings in), in a temporary directory, listening only on 127.0.0.1 on a free
port with trust authentication, and is stopped and deleted when the session ends.

Why not pytest-postgresql's `postgresql_proc`: CI runs as root and PostgreSQL refuses to run as
root, so initdb and the server must run as an unprivileged user. pytest-postgresql runs pg_ctl
as the current user with no way to switch users, and puts the data directory under pytest's
base temporary directory, which is private to root; making it work would take a pg_ctl wrapper
that re-executes itself through runuser plus loosening pytest's temp permissions. Starting the
server ourselves is shorter and says plainly what happens.

Fixtures:
- `postgres_server` (session): the running `PostgresServer`.
- `postgres_url` (session): SQLAlchemy URL of a database created once for the session.
- `postgres_database` (function): SQLAlchemy URL of a fresh, empty database for one test,
  dropped afterwards.
Tests that use any of them are marked `postgres` automatically.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest

from support.live_server import free_port

#: Set to a directory holding initdb and postgres to use other binaries than Debian's.
BINDIR_ENV = "OPENMTD_PG_BINDIR"
#: The superuser initdb creates; unrelated to the operating-system user running the server.
SUPERUSER = "postgres"
STARTUP_TIMEOUT_S = 30.0
_FIXTURES = frozenset({"postgres_server", "postgres_url", "postgres_database"})


def find_bindir() -> Path | None:
    """Where initdb and postgres are: the override, Debian's newest version, or PATH."""
    candidates: list[Path] = []
    if override := os.environ.get(BINDIR_ENV):
        candidates.append(Path(override))
    candidates += sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    if on_path := shutil.which("initdb"):
        candidates.append(Path(on_path).parent)
    for bindir in candidates:
        if all(os.access(bindir / exe, os.X_OK) for exe in ("initdb", "postgres")):
            return bindir
    return None


def _server_account() -> pwd.struct_passwd | None:
    """The unprivileged account to run as when we are root (None: run as ourselves).

    Debian's postgresql package creates `postgres`; `nobody` exists everywhere else.
    """
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    pytest.fail("running as root and neither a 'postgres' nor a 'nobody' user exists")


@dataclass
class PostgresServer:
    """A running throwaway cluster; `url(db)` names a database on it for SQLAlchemy."""

    host: str
    port: int
    user: str
    root: Path
    process: subprocess.Popen[bytes]
    #: Starts the server process again on the same data directory and port.
    launch: Callable[[], subprocess.Popen[bytes]] | None = field(default=None, repr=False)

    def stop(self) -> None:
        """Stop the server (fast shutdown: every connection is cut)."""
        _stop(self.process)

    def start(self) -> None:
        """Start the stopped server again and wait until it accepts connections."""
        assert self.launch is not None, "this server cannot be restarted"
        self.process = self.launch()
        _wait_until_ready(self)

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{dbname}"

    def connect_admin(self) -> psycopg.Connection[Any]:
        """An autocommit connection to the maintenance database, for CREATE/DROP DATABASE."""
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            dbname="postgres",
            autocommit=True,
            connect_timeout=5,
        )

    def create_database(self, prefix: str = "t") -> str:
        """Create an empty database with a unique name; return the name."""
        name = f"{prefix}_{uuid.uuid4().hex[:16]}"
        with self.connect_admin() as conn:
            conn.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
        return name

    def drop_database(self, name: str) -> None:
        # FORCE ends connections a test left open (e.g. an undisposed engine pool).
        with self.connect_admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def log_tail(self, lines: int = 30) -> str:
        log = self.root / "postgres.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@contextlib.contextmanager
def start_postgres() -> Iterator[PostgresServer]:
    """Initialise and start a cluster; stop it and delete its files on exit."""
    bindir = find_bindir()
    if bindir is None:
        pytest.fail(
            "PostgreSQL server binaries (initdb, postgres) not found under "
            f"/usr/lib/postgresql/*/bin or on PATH: run scripts/install (it installs Debian's "
            f"`postgresql` package), or set {BINDIR_ENV}",
            pytrace=False,
        )
    account = _server_account()
    run_as: dict[str, Any] = {}
    root = Path(tempfile.mkdtemp(prefix="openmtd-pg-"))
    if account is not None:
        os.chown(root, account.pw_uid, account.pw_gid)
        run_as = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(root),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
    }
    data = root / "data"
    try:
        initdb = subprocess.run(
            [
                *(str(bindir / "initdb"), "--pgdata", str(data), "--username", SUPERUSER),
                *("--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"),
                "--no-instructions",
            ],
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
            **run_as,
        )
        if initdb.returncode != 0:
            output = (initdb.stdout + initdb.stderr).decode(errors="replace")
            pytest.fail(f"initdb failed ({initdb.returncode}):\n{output}", pytrace=False)
        port = free_port()

        def launch() -> subprocess.Popen[bytes]:
            with (root / "postgres.log").open("ab") as log:
                return subprocess.Popen(
                    [
                        *(str(bindir / "postgres"), "-D", str(data), "-p", str(port)),
                        *("-h", "127.0.0.1", "-k", str(root)),
                        # durability off: the cluster is thrown away, and this makes DDL faster
                        *("-F", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"),
                    ],
                    cwd=root,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # a terminal's Ctrl-C reaches us; we stop it
                    **run_as,
                )

        server = PostgresServer("127.0.0.1", port, SUPERUSER, root, launch(), launch)
        try:
            _wait_until_ready(server)
            yield server
        finally:
            _stop(server.process)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _wait_until_ready(server: PostgresServer) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        if server.process.poll() is not None:
            pytest.fail(
                f"postgres exited with {server.process.returncode}:\n{server.log_tail()}",
                pytrace=False,
            )
        try:
            with server.connect_admin():
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                pytest.fail(
                    f"postgres did not accept connections in {STARTUP_TIMEOUT_S}s:\n"
                    + server.log_tail(),
                    pytrace=False,
                )
            time.sleep(0.05)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Fast shutdown (SIGINT: roll back sessions, exit), then SIGKILL if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    with start_postgres() as server:
        yield server


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """A database that lives for the whole session (tests sharing it must clean up)."""
    return postgres_server.url(postgres_server.create_database("openmtd"))


@pytest.fixture
def postgres_database(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh empty database for this test only."""
    name = postgres_server.create_database()
    yield postgres_server.url(name)
    postgres_server.drop_database(name)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)
