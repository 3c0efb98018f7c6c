"""``openmtd emulator``: serve the HMRC emulator, migrate its database, register applications.

- ``serve``: migrate the database once, then run the emulator with uvicorn (one process, or
  ``--workers N`` processes sharing the database). One log line per request on stderr.
- ``migrate``: bring the database's schema up to date and print its revision.
- ``app create``: register a Developer Hub application and print its credentials as JSON
  (the same JSON as ``POST /emulator/applications``).

The database is ``--database URL``, else ``$OPENMTD_EMULATOR_DATABASE_URL``, else a SQLite
file at ``data/emulator.sqlite3`` under the current directory. Errors (a bad database URL, a
setting the Developer Hub refuses) go to stderr with exit status 2, never a traceback.

The emulator's modules (uvicorn, SQLAlchemy, ...) are imported inside the commands, so other
``openmtd`` commands start quickly.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Annotated, Any, Final, NoReturn

import typer

if TYPE_CHECKING:
    from openmtd.emulator.adapters.db.store import SqlStore

app = typer.Typer(
    help="The HMRC emulator: serve it, migrate its database, register applications.",
    no_args_is_help=True,
)
applications_app = typer.Typer(
    help="Developer Hub applications in the emulator's database.", no_args_is_help=True
)
app.add_typer(applications_app, name="app")

DATABASE_ENV: Final = "OPENMTD_EMULATOR_DATABASE_URL"
CONTROL_ENV: Final = "OPENMTD_EMULATOR_CONTROL"
APP_FACTORY: Final = "openmtd.emulator.web.asgi:app_factory"
DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8100

Database = Annotated[
    str | None,
    typer.Option(
        "--database",
        metavar="URL",
        help="SQLAlchemy URL, e.g. sqlite:///path/emulator.sqlite3 or "
        "postgresql+psycopg://user:password@host/db. Default: $OPENMTD_EMULATOR_DATABASE_URL, "
        "else sqlite:///data/emulator.sqlite3.",
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


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


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


def open_store(url: str) -> tuple[SqlStore, str | None]:
    """The store at ``url``, migrated to the latest revision; exit 2 if it cannot be opened."""
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


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="The address to listen on.")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(min=1, max=65535, help="The port to listen on.")] = (
        DEFAULT_PORT
    ),
    database: Database = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes (they share the database).")
    ] = 1,
    no_control: Annotated[
        bool, typer.Option("--no-control", help="Do not serve the /emulator/* control API.")
    ] = False,
) -> None:
    """Run the emulator: HMRC's sign-in, grant-authority journey, token endpoint and
    Developer Hub, on one origin. Ctrl-C stops it."""
    import uvicorn

    url = _database_url(database)
    if workers > 1 and _is_memory_sqlite(url):
        _fail(
            "an in-memory SQLite database cannot be shared by several workers: give a file "
            "(sqlite:///path) or a PostgreSQL URL"
        )
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
    )


@app.command()
def migrate(database: Database = None) -> None:
    """Create or upgrade the emulator's database schema, and print its revision."""
    url = _database_url(database)
    store, revision = open_store(url)
    store.close()
    typer.echo(f"{_shown(url)} is at revision {revision}")


@applications_app.command("create")
def create_application(
    name: Annotated[str, typer.Option("--name", help="The application's name.")],
    redirect_uri: Annotated[
        list[str],
        typer.Option("--redirect-uri", help="A redirect URI (repeat for up to 5)."),
    ],
    api: Annotated[
        list[str] | None,
        typer.Option("--api", help="Subscribe to this API (repeat; default: every one)."),
    ] = None,
    rate_limit: Annotated[
        int, typer.Option("--rate-limit", help="Requests per second.")
    ] = 3,  # devhub.applications.DEFAULT_RATE_LIMIT (not imported: keeps `openmtd` quick)
    grant_length_days: Annotated[
        int, typer.Option("--grant-length-days", help="How long a user's authority lasts.")
    ] = 547,  # devhub.applications.DEFAULT_GRANT_LENGTH_DAYS
    database: Database = None,
) -> None:
    """Register a Developer Hub application; print its client ID and secret as JSON."""
    from openmtd.emulator import control
    from openmtd.emulator.clock import EmulatorClock

    body: dict[str, Any] = {
        "name": name,
        "redirectUris": list(redirect_uri),
        "rateLimitPerSecond": rate_limit,
        "grantLengthDays": grant_length_days,
    }
    if api:
        body["apis"] = list(api)
    store, _ = open_store(_database_url(database))
    try:
        request = control.parse_application(body)
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
