"""``openmtd up``: the whole system on its embedded default, with demo data.

The HMRC emulator (SQLite under the data directory) and openmtd's web app beside it, the app
registered at the emulator as an application of its own (a fresh client secret each start),
its HMRC tokens encrypted with a key kept in the data directory. Both are checked before
anything is changed (a port in use stops it at once), then served in one process until Ctrl-C
stops them together.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from openmtd import __version__
from openmtd.app.settings import DEFAULT_APP_PORT, AppSettings
from openmtd.cli import app_cli, emulator
from openmtd.cli.serving import serve_together
from openmtd.emulator import demo
from openmtd.emulator.clock import EmulatorClock
from openmtd.emulator.security import PasswordHasher
from openmtd.emulator.settings import DEFAULT_DATA_DIR, EmulatorSettings, sqlite_url
from openmtd.sdk import Environment

#: The app's own address as browsers see it: HMRC allows a plain-http redirect URI only for
#: localhost, and a different host from the emulator's keeps their cookies apart.
APP_HOST_NAME = "localhost"


def _print_world(world: demo.DemoWorld, base: str, app_url: str, database: str) -> None:
    typer.echo(f"openmtd {__version__}: the HMRC emulator and the app, on {database}\n")
    typer.echo(f"  {'openmtd, the app (start here)':40s} {app_url}/")
    typer.echo(f"  {'Do I need MTD? (no sign-in)':40s} {app_url}/check-income")
    for label, path in (
        ("HMRC emulator (journeys, APIs, people)", "/"),
        ("Create an HMRC account", "/gg/create-account"),
        ("Developer Hub", "/developer/applications"),
        ("Manage authorised applications", "/applications/manage"),
    ):
        typer.echo(f"  {label:40s} {base}{path}")
    typer.echo(
        "\nIn the app, create an account (you need an authenticator app), then Connect to HMRC"
        "\nand sign in there as one of these demo people (Government Gateway user ID / password):"
    )
    for person in world.people:
        typer.echo(f"  {person.user_id} / {person.password:18s} {person.description}")
    typer.echo(
        "\nDemo software (for scripts and curl):"
        f"\n  client_id      {world.client_id}"
        f"\n  client_secret  {world.client_secret}  (a new one on each start)"
        f"\n  redirect_uri   {world.redirect_uri}"
    )
    nino = demo.SIGNED_UP.nino
    typer.echo(
        "\nRead Ida's ITSA status with a demo token (valid for 4 hours):\n"
        f"  curl -s {base}/individuals/person/itsa-status/{nino}/{world.status_year} \\\n"
        "    -H 'Accept: application/vnd.hmrc.2.0+json' \\\n"
        f"    -H 'Authorization: Bearer {world.access_token}'\n"
        "\nThe MTD ITSA rules work offline too: openmtd rules --help"
        "\nCtrl-C stops both.\n"
    )


def up(
    port: emulator.Port = emulator.DEFAULT_PORT,
    app_port: Annotated[
        int,
        typer.Option(
            "--app-port", min=1, max=65535, metavar="PORT", help="The port the app listens on."
        ),
    ] = DEFAULT_APP_PORT,
    data_dir: Annotated[
        Path,
        typer.Option(
            "--data-dir",
            metavar="DIRECTORY",
            help="Where the embedded SQLite databases live (created if its parent exists).",
        ),
    ] = DEFAULT_DATA_DIR,
) -> None:
    """Start the whole system, with demo data, on 127.0.0.1.

    The HMRC emulator on its embedded default (SQLite), with demo applications and demo
    people, and openmtd's web app beside it, connected to the emulator. It stops with an
    error, before changing anything, if either port is already in use.
    """
    host = emulator.DEFAULT_HOST
    if app_port == port:
        raise app_cli.fail(f"the app and the emulator need two ports, not {port} for both")
    # Before anything is printed or the database touched: a second `up` must not seed again.
    emulator.check_port_free(host, port)
    emulator.check_port_free(host, app_port, "--app-port")
    database = sqlite_url(data_dir / "emulator.sqlite3")
    base = f"http://{host}:{port}"
    app_url = f"http://{APP_HOST_NAME}:{app_port}"
    store, _ = emulator.open_store(database, own=data_dir)
    token_key = app_cli.kept_token_key(data_dir)  # a damaged key stops it before seeding
    try:
        hasher = PasswordHasher(EmulatorSettings().password_hashing)
        with store.transaction() as tx:
            now = EmulatorClock(store).now_in(tx)
            world = demo.seed(tx, hasher, now)
            client_id, client_secret = demo.app_application(tx, now, f"{app_url}/connect/callback")
    finally:
        store.close()
    settings = AppSettings(
        database_url=sqlite_url(data_dir / "app.sqlite3"),
        hmrc=Environment.emulator(base),
        client_id=client_id,
        client_secret=client_secret,
        public_url=app_url,
        token_keys=(token_key,),
        rate_limit_per_second=demo.DEMO_RATE_LIMIT,
    )
    app_cli.open_store(settings)
    _print_world(world, base, app_url, database)
    os.environ[emulator.DATABASE_ENV] = database
    os.environ[emulator.CONTROL_ENV] = "1"
    from openmtd.emulator.web.server import BoundedH11Protocol

    emulator_server = uvicorn.Config(
        emulator.APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        access_log=False,
        log_config=None,
        http=BoundedH11Protocol,
    )
    app_server = app_cli.uvicorn_config(settings, host, app_port, own_logging=False)
    logs = emulator.log_config(with_process_id=False)
    if not serve_together([emulator_server, app_server], logs):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command(name="up")(up)
