"""``openmtd emulator``: serve the HMRC emulator, migrate its database, register applications.

- ``serve``: migrate the database once, then run the emulator with uvicorn (one process, or
  ``--workers N`` processes sharing the database). One log line per request on stderr.
- ``migrate``: bring the database's schema up to date and print its revision.
- ``app create``: register a Developer Hub application and print its credentials as JSON
  (the same JSON as ``POST /emulator/applications``).

The database is ``--database URL``, else ``$OPENMTD_EMULATOR_DATABASE_URL``, else a SQLite
file at ``data/emulator.sqlite3`` under the current directory. A SQLite file's folder must
exist, except ``./data``, the one folder these commands create (``openmtd up`` also creates its
``--data-dir``). Errors (a bad database URL, a missing folder, a setting the Developer Hub
refuses) go to stderr with exit status 2, never a traceback.

``serve`` (and ``openmtd up``) first check that the address and port are free, before printing
anything or touching the database: a port in use is an error (exit status 1) that says so and,
when it is one, that an openmtd emulator is already running there.

The emulator's modules (uvicorn, SQLAlchemy, ...) are imported inside the commands, so other
``openmtd`` commands start quickly.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final, NoReturn

import typer

from openmtd.emulator.settings import DEFAULT_DATA_DIR

if TYPE_CHECKING:
    from openmtd.emulator.adapters.db.store import SqlStore

app = typer.Typer(
    help="The HMRC emulator: serve it, migrate it, register applications.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
applications_app = typer.Typer(
    help="Developer Hub applications in the emulator's database.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(applications_app, name="app")

DATABASE_ENV: Final = "OPENMTD_EMULATOR_DATABASE_URL"
CONTROL_ENV: Final = "OPENMTD_EMULATOR_CONTROL"
APP_FACTORY: Final = "openmtd.emulator.web.asgi:app_factory"
DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8100
#: How long the port check waits for whatever holds the port to answer HTTP.
PROBE_TIMEOUT_S: Final = 2.0
# Every page of the emulator has this in its <title> (templates/base.html).
_EMULATOR_MARK: Final = b"(openmtd emulator)"

Database = Annotated[
    str | None,
    typer.Option(
        "--database",
        metavar="URL",
        help="SQLAlchemy URL, e.g. sqlite:///path/emulator.sqlite3 (in a folder that exists; "
        "only ./data is created) or postgresql+psycopg://user:password@host/db. Default: "
        "$OPENMTD_EMULATOR_DATABASE_URL, else sqlite:///data/emulator.sqlite3.",
        show_default=False,
    ),
]

# Which option each field of an application comes from, for error messages.
_OPTIONS: Final = {
    "name": "--name",
    "redirectUris": "--redirect-uri",
    "apis": "--api",
    "rateLimitPerSecond": "--rate-limit",
    "grantLengthDays": "--grant-length-days",
}


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _database_url(database: str | None) -> str:
    from openmtd.emulator.settings import EmulatorSettings

    return database if database is not None else EmulatorSettings.from_environment().database_url


def _shown(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "(not a database URL)"


def _is_memory_sqlite(url: str) -> bool:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")


def _reason(error: BaseException) -> str:
    original = getattr(error, "orig", None)
    text = str(original if original is not None else error).strip()
    # SQLAlchemy adds a link to its error catalogue on a line of its own.
    return text.split("\n")[0] or type(error).__name__


def _sqlite_folder(url: str) -> Path | None:
    """The folder of a SQLite file URL; None for another database, in-memory SQLite or a URL
    that does not parse (opening it says why)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return None
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return None
    if database.startswith("file:"):  # SQLite's URI form (with ?uri=true): file:/path/x.db
        database = urllib.parse.urlsplit(database).path
    return Path(database).parent


def _same_folder(first: Path, second: Path) -> bool:
    return os.path.abspath(first) == os.path.abspath(second)


def ensure_folder(url: str, own: Path = DEFAULT_DATA_DIR) -> None:
    """Make sure a SQLite file at ``url`` can be created: its folder must exist, unless it is
    ``own`` (the data folder the command keeps its database in), which is created when its
    parent exists. Anything else exits 2: openmtd never creates folders it was not asked for."""
    folder = _sqlite_folder(url)
    if folder is None or folder.is_dir():
        return
    shown = _shown(url)
    if folder.exists():
        _fail(f"cannot use the database {shown}: {folder} is not a folder")
    if _same_folder(folder, own):
        if not folder.parent.is_dir():
            _fail(
                f"cannot create the data folder {folder}: the folder {folder.parent} does not "
                "exist. Create it first, or choose a data folder inside one that exists"
            )
        folder.mkdir(exist_ok=True)
        return
    _fail(
        f"cannot use the database {shown}: the folder {folder} does not exist. Create it first, "
        "or give a file in a folder that exists (openmtd creates only its own data folder, "
        f"{DEFAULT_DATA_DIR}/ in the current directory)"
    )


def _probe_host(host: str) -> str:
    """Where to connect to reach a server listening on ``host``."""
    if host in ("", "0.0.0.0"):  # a listening address: any of this machine's
        return "127.0.0.1"
    if host == "::":
        return "::1"
    return host


def _base_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _what_answers(host: str, port: int) -> str:
    """Who holds ``host:port``, found cheaply: one GET of ``/``."""
    url = _base_url(_probe_host(host), port) + "/"
    # No proxy: a proxy from the environment must never see a loopback request.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, headers={"Accept": "text/html"})
    try:
        with opener.open(request, timeout=PROBE_TIMEOUT_S) as response:
            body: bytes = response.read(65536)
    except urllib.error.HTTPError:
        return "another web server"
    except (OSError, ValueError):  # no HTTP answer: refused, reset, timed out, not HTTP
        return "another program"
    return "openmtd" if _EMULATOR_MARK in body else "another web server"


def check_port_free(host: str, port: int, option: str = "--port") -> None:
    """Exit unless ``host:port`` can be listened on: 1 when something holds the port (saying
    what, when an openmtd emulator does), 2 when the address cannot be used at all. ``option``
    is the command-line option that chooses this port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        # As uvicorn binds: an old connection in TIME_WAIT does not hold the port.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as error:
            in_use = error.errno == errno.EADDRINUSE
            reason = error.strerror or str(error)
        else:
            return
    address = _base_url(host, port).removeprefix("http://")
    if not in_use:
        _fail(f"cannot listen on {address}: {reason}")
    holder = _what_answers(host, port)
    if holder == "openmtd":
        _fail(
            f"an openmtd emulator is already running at {_base_url(_probe_host(host), port)}/ "
            f"(port {port} is in use): use that one, stop it, or choose another {option}",
            code=1,
        )
    _fail(f"port {port} on {host} is in use by {holder}: choose another {option}", code=1)


def open_store(url: str, own: Path = DEFAULT_DATA_DIR) -> tuple[SqlStore, str | None]:
    """The store at ``url``, migrated to the latest revision; exit 2 if it cannot be opened.
    ``own`` is the data folder the command may create (see :func:`ensure_folder`)."""
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from openmtd.emulator.adapters.db.engine import (
        create_database_engine,
        current_revision,
        migrate,
    )
    from openmtd.emulator.adapters.db.store import SqlStore

    hint = (
        "Give a SQLAlchemy URL such as sqlite:///data/emulator.sqlite3 or "
        "postgresql+psycopg://user@host/db."
    )
    ensure_folder(url, own)
    try:
        engine = create_database_engine(url)
    except (SQLAlchemyError, OSError, ValueError) as error:
        _fail(f"cannot open the database {_shown(url)}: {_reason(error)}. {hint}")
    try:
        migrate(engine)
        revision = current_revision(engine)
    except (SQLAlchemyError, CommandError, OSError, ValueError) as error:
        engine.dispose()
        _fail(f"cannot open the database {_shown(url)}: {_reason(error)}")
    return SqlStore(engine), revision


def log_config(*, with_process_id: bool) -> dict[str, Any]:
    """uvicorn's logging: the emulator's one line per request and uvicorn's own messages,
    ``time message`` on stderr (configured again in every worker process)."""
    process = " [%(process)d]" if with_process_id else ""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": f"%(asctime)s{process} %(message)s"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "openmtd": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "alembic": {"level": "WARNING"},
        },
    }


Host = Annotated[str, typer.Option(metavar="ADDRESS", help="The address to listen on.")]
Port = Annotated[int, typer.Option(min=1, max=65535, metavar="PORT", help="The port to listen on.")]


@app.command()
def serve(
    host: Host = DEFAULT_HOST,
    port: Port = DEFAULT_PORT,
    database: Database = None,
    workers: Annotated[
        int,
        typer.Option(min=1, metavar="N", help="Worker processes (they share the database)."),
    ] = 1,
    no_control: Annotated[
        bool, typer.Option("--no-control", help="Do not serve the /emulator/* control API.")
    ] = False,
) -> None:
    """Run the emulator until Ctrl-C.

    HMRC's sign-in, grant-authority journey, token endpoint, APIs and Developer Hub, on one
    origin. It stops with an error if the port is already in use.
    """
    import uvicorn

    from openmtd.emulator.web.server import BoundedH11Protocol

    url = _database_url(database)
    if workers > 1 and _is_memory_sqlite(url):
        _fail(
            "an in-memory SQLite database cannot be shared by several workers: give a file "
            "(sqlite:///path) or a PostgreSQL URL"
        )
    check_port_free(host, port)
    # Migrate once, here, so the workers never race to do it.
    store, _ = open_store(url)
    store.close()
    os.environ[DATABASE_ENV] = url
    os.environ[CONTROL_ENV] = "0" if no_control else "1"
    shown_host = f"[{host}]" if ":" in host else host
    typer.echo(f"openmtd HMRC emulator: http://{shown_host}:{port}/ (Ctrl-C to stop)")
    typer.echo(f"database: {_shown(url)}")
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_level="info",
        log_config=log_config(with_process_id=workers > 1),
        # Deadlines for each request's head and body (a slow client cannot hold a worker).
        http=BoundedH11Protocol,
    )


@app.command()
def migrate(database: Database = None) -> None:
    """Create or upgrade the database's schema; print its revision."""
    url = _database_url(database)
    store, revision = open_store(url)
    store.close()
    typer.echo(f"{_shown(url)} is at revision {revision}")


@applications_app.command("create")
def create_application(
    name: Annotated[str, typer.Option("--name", metavar="TEXT", help="The application's name.")],
    redirect_uri: Annotated[
        list[str],
        typer.Option("--redirect-uri", metavar="URI", help="A redirect URI (repeat for up to 5)."),
    ],
    api: Annotated[
        list[str] | None,
        typer.Option(
            "--api",
            metavar="API",
            show_default=False,
            help="Subscribe to this API (repeat; default: every one).",
        ),
    ] = None,
    rate_limit: Annotated[
        int, typer.Option("--rate-limit", metavar="N", help="Requests per second.")
    ] = 3,  # devhub.applications.DEFAULT_RATE_LIMIT (not imported: keeps `openmtd` quick)
    grant_length_days: Annotated[
        int,
        typer.Option(
            "--grant-length-days", metavar="DAYS", help="How long a user's authority lasts."
        ),
    ] = 547,  # devhub.applications.DEFAULT_GRANT_LENGTH_DAYS
    database: Database = None,
) -> None:
    """Register an application; print its client ID and secret as JSON."""
    from openmtd.emulator import control
    from openmtd.emulator.clock import EmulatorClock
    from openmtd.webkit.wire import BodyError, decode_json

    body: dict[str, Any] = {
        "name": name,
        "redirectUris": list(redirect_uri),
        "rateLimitPerSecond": rate_limit,
        "grantLengthDays": grant_length_days,
    }
    if api:
        body["apis"] = list(api)
    # Through the control API's own decoder, so the command refuses what the API refuses
    # (control characters, unpaired surrogates from undecodable arguments, ...).
    try:
        checked = decode_json(json.dumps(body).encode("ascii"))
    except BodyError as error:
        typer.echo(f"error: {_option_of(error.path, body)}{error.message}", err=True)
        raise typer.Exit(2) from None
    store, _ = open_store(_database_url(database))
    try:
        request = control.parse_application(checked)
        with store.transaction() as tx:
            created = control.create_application(tx, EmulatorClock(store).now_in(tx), request)
    except control.ControlError as error:
        faults = error.errors or [{"message": str(error), "path": ""}]
        for fault in faults:
            typer.echo(
                f"error: {_option_of(fault.get('path', ''), body)}{fault['message']}", err=True
            )
        raise typer.Exit(2) from None
    finally:
        store.close()
    typer.echo(json.dumps(created, indent=2))


def _option_of(path: str, body: dict[str, Any]) -> str:
    """``--redirect-uri http://x: `` for ``/redirectUris/0``: where on the command line."""
    parts = path.strip("/").split("/")
    option = _OPTIONS.get(parts[0])
    if option is None:
        return ""
    if len(parts) > 1 and parts[1].isdigit():
        values = body.get(parts[0], [])
        index = int(parts[1])
        if index < len(values):
            return f"{option} {values[index]}: "
    return f"{option}: "
