"""``openmtd app``: run openmtd's web app alone, against any HMRC.

- ``serve``: the app on its own (``--hmrc sandbox|production|URL``, ``--database URL``), with
  the settings of ``OPENMTD_APP_*`` (docs/app.md); the database is migrated first;
- ``keygen``: a new Fernet key for ``OPENMTD_APP_TOKEN_KEYS``;
- ``migrate``: create or upgrade the app's schema (Alembic) and print its revision;
- ``remind``: the daily run that gives every connected person their reminders and sends the
  emails.

``openmtd up`` runs the app beside the emulator with everything set for it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Annotated, Final

import typer
import uvicorn
from cryptography.fernet import Fernet

from openmtd.app.settings import DEFAULT_APP_PORT, AppSettings, SettingsError, hmrc_environment
from openmtd.cli.help import PlainHelpCommand
from openmtd.cli.serving import serve_together

app = typer.Typer(
    help="openmtd's web app for sole traders and landlords: serve it, remind, keys, migrate.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

#: The file under the data directory that keeps ``openmtd up``'s token key between starts.
TOKEN_KEY_FILE: Final = "app-token-key"

Database = Annotated[
    str | None,
    typer.Option(
        "--database",
        metavar="URL",
        show_default=False,
        help="SQLAlchemy URL (SQLite or postgresql+psycopg://...). Default: "
        "$OPENMTD_APP_DATABASE_URL, else sqlite:///data/app.sqlite3.",
    ),
]


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code)


def settings_from(
    *, hmrc: str | None = None, database: str | None = None, **overrides: object
) -> AppSettings:
    """The environment's settings, with the command line's on top; a clear exit if wrong."""
    try:
        values: dict[str, object] = dict(overrides)
        if hmrc is not None:
            values["hmrc"] = hmrc_environment(hmrc)
        if database is not None:
            values["database_url"] = database
        return AppSettings.from_environment(None, **values)
    except SettingsError as error:
        raise fail(str(error)) from None


def open_store(settings: AppSettings) -> str:
    """Migrate the app's database; its revision. A clear exit when it cannot be opened."""
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from openmtd.app.adapters.db.store import SqlStore, current_revision

    url = settings.database_url
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    try:
        store = SqlStore.open(url, settings.token_keys)
    except (SQLAlchemyError, CommandError, OSError, ValueError) as error:
        raise fail(f"cannot open the app's database: {type(error).__name__}: {error}") from None
    try:
        return current_revision(store.engine) or "none"
    finally:
        store.close()


def kept_token_key(data_dir: Path) -> str:
    """``openmtd up``'s token key, made once and kept (mode 0600) under ``data_dir``, so the
    HMRC tokens the app stored still decrypt after a restart. A damaged key file is a clear
    error naming it (deleting it means reconnecting to HMRC)."""
    path = data_dir / TOKEN_KEY_FILE
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = Fernet.generate_key().decode()
        descriptor = os.open(
            path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR
        )
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(key + "\n")
        return key
    except (OSError, UnicodeDecodeError) as error:
        raise fail(f"cannot read the app's token key {path}: {error}") from None
    try:
        Fernet(key)
    except ValueError:
        raise fail(
            f"{path} does not hold a token key. Delete it to make a new one (everyone "
            "connected then connects to HMRC again), or put back the key it held"
        ) from None
    return key


def uvicorn_config(
    settings: AppSettings, host: str, port: int, *, own_logging: bool = True
) -> uvicorn.Config:
    """The app as a uvicorn server (the emulator's bounded HTTP protocol: slow clients time
    out). ``own_logging=False`` leaves logging to the caller (``openmtd up``)."""
    from openmtd.app.web.app import create_app
    from openmtd.cli.emulator import log_config as log_config_of
    from openmtd.emulator.web.server import BoundedH11Protocol

    logs = log_config_of(with_process_id=False) if own_logging else None
    return uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        access_log=False,
        log_config=logs,
        http=BoundedH11Protocol,
    )


@app.command(cls=PlainHelpCommand)
def serve(
    hmrc: Annotated[
        str | None,
        typer.Option(
            "--hmrc",
            metavar="sandbox|production|URL",
            show_default=False,
            help="Which HMRC: its sandbox, production, or an emulator's URL. Default: "
            "$OPENMTD_APP_HMRC, else the local emulator.",
        ),
    ] = None,
    database: Database = None,
    host: Annotated[str, typer.Option(metavar="ADDRESS", help="The address to listen on.")] = (
        "127.0.0.1"
    ),
    port: Annotated[
        int, typer.Option(min=1, max=65535, metavar="PORT", help="The port to listen on.")
    ] = DEFAULT_APP_PORT,
    dev: Annotated[
        bool,
        typer.Option(
            "--dev",
            help="A local trial: a token key made for this run when none is set (tokens kept "
            "with it cannot be read after a restart).",
        ),
    ] = False,
) -> None:
    """Run the app alone until Ctrl-C.

    Its credentials at HMRC, token keys and other settings come from OPENMTD_APP_*
    (docs/app.md); register {OPENMTD_APP_PUBLIC_URL}/connect/callback as the redirect URI.
    """
    from openmtd.cli.emulator import check_port_free

    # The redirect URI HMRC returns the browser to is on the public URL: by default, the
    # port the app listens on.
    public = (
        {}
        if os.environ.get("OPENMTD_APP_PUBLIC_URL")
        else {"public_url": f"http://localhost:{port}"}
    )
    settings = settings_from(hmrc=hmrc, database=database, dev_mode=dev, **public)
    if not settings.client_id or not settings.client_secret:
        raise fail(
            "the app needs its credentials at HMRC: set OPENMTD_APP_CLIENT_ID and "
            "OPENMTD_APP_CLIENT_SECRET (HMRC's Developer Hub, or `openmtd emulator "
            "applications create` for an emulator)"
        )
    check_port_free(host, port)
    revision = open_store(settings)
    typer.echo(
        f"openmtd app: http://{host}:{port}/ (Ctrl-C to stop), as {settings.public_url}\n"
        f"HMRC: {settings.hmrc.api_base_url}; database at revision {revision}"
    )
    from openmtd.cli.emulator import log_config

    config = uvicorn_config(settings, host, port, own_logging=False)
    if not serve_together([config], log_config(with_process_id=False)):
        raise typer.Exit(1)


@app.command(cls=PlainHelpCommand)
def remind(
    database: Database = None,
    device_id_file: Annotated[
        Path,
        typer.Option(
            "--device-id-file",
            metavar="FILE",
            help="Where this job keeps its device id for HMRC's fraud prevention headers.",
        ),
    ] = Path("data") / "remind-device-id",
) -> None:
    """Give everyone today's reminders and send the emails.

    Run it once a day (cron, a systemd timer): it reads each person's position at HMRC,
    gives the reminders due at the intervals they chose (once each), and sends the outbox
    through SMTP when OPENMTD_APP_SMTP_HOST is set (otherwise the emails stay in each
    person's outbox page).
    """
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from openmtd.app.adapters.db.store import SqlStore
    from openmtd.app.services.hmrc import Hmrc
    from openmtd.app.services.remind_run import remind_everyone
    from openmtd.rules.clock import SystemClock

    settings = settings_from(database=database)
    if not settings.client_id or not settings.client_secret:
        raise fail("the run needs the app's credentials at HMRC: OPENMTD_APP_CLIENT_ID and _SECRET")
    open_store(settings)
    device_id_file.parent.mkdir(parents=True, exist_ok=True)
    store = SqlStore.open(settings.database_url, settings.token_keys, run_migrations=False)
    clock = SystemClock()
    err = Console(stderr=True)
    try:
        hmrc = Hmrc(settings, store.engine, clock)
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=err) as bar:
            task = bar.add_task("Reading people's positions at HMRC...", total=None)
            summary = remind_everyone(
                store,
                hmrc,
                settings,
                clock,
                device_id_file,
                on_person=lambda done: bar.update(
                    task, description=f"{done.people} read, {done.reminders} reminders given"
                ),
            )
    finally:
        store.close()
    refused = f", {summary.emails_refused} refused" if summary.emails_refused else ""
    typer.echo(
        f"{summary.people} connected people read; {summary.reminders} reminders given; "
        f"{summary.emails_queued} emails queued, {summary.emails_sent} sent{refused}."
    )
    for user_id, reason in summary.failed:
        typer.echo(
            f"  user {user_id}: not read ({reason}); their dashboard says what to do "
            "when they next open it"
        )
    if summary.delivery_error:
        raise fail(
            f"the emails could not be sent, and wait for the next run: {summary.delivery_error}", 1
        )


@app.command(cls=PlainHelpCommand)
def keygen() -> None:
    """Print a new token key for OPENMTD_APP_TOKEN_KEYS.

    Put it first to encrypt with it from now on; keep the older keys after it until every
    stored token has been written again, so they still decrypt.
    """
    typer.echo(Fernet.generate_key().decode())


@app.command(cls=PlainHelpCommand)
def migrate(database: Database = None) -> None:
    """Create or upgrade the app's database schema; print its revision."""
    settings = settings_from(database=database, dev_mode=True)
    typer.echo(f"the app's database is at revision {open_store(settings)}")
