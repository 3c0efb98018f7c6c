"""The one ``openmtd`` command: the only package allowed to wire every part together.

Sub-commands live in modules of their own: ``rules`` (the MTD ITSA rules from the terminal),
``emulator`` (HMRC's side) and ``fph`` (fraud prevention headers, checked). ``openmtd up``
starts the whole system on its defaults.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from openmtd import __version__
from openmtd.cli import emulator, fph, income, rules, taxpayer
from openmtd.emulator import demo
from openmtd.emulator.clock import EmulatorClock
from openmtd.emulator.security import PasswordHasher
from openmtd.emulator.settings import DEFAULT_DATA_DIR, EmulatorSettings, sqlite_url

app = typer.Typer(
    name="openmtd",
    help="openmtd: Making Tax Digital for Income Tax, in the open.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Click's plain help: flags read as flags, values by their metavar, long text wrapped (never
    # cut), up to 100 columns on a wide terminal. Every sub-app says rich_markup_mode=None too.
    rich_markup_mode=None,
    context_settings={"max_content_width": 100},
)
app.add_typer(rules.app, name="rules")
# Short helps of their own where the docstring's first line would be cut at 80 columns.
app.add_typer(
    emulator.app, name="emulator", short_help="The HMRC emulator: serve, migrate, control."
)
# Its own short help: the taxpayer commands' longer names leave 63 columns for it at 80.
app.add_typer(fph.app, name="fph", short_help="Fraud prevention headers: build and check them.")
taxpayer.register(app)  # link, status, obligations
income.register(app)  # check-income


@app.command()
def up(
    port: emulator.Port = emulator.DEFAULT_PORT,
    data_dir: Annotated[
        Path,
        typer.Option(
            "--data-dir",
            metavar="DIRECTORY",
            help="Where the embedded SQLite database lives (created if its parent exists).",
        ),
    ] = DEFAULT_DATA_DIR,
) -> None:
    """Start the whole system, with demo data, on 127.0.0.1.

    The HMRC emulator on its embedded default (SQLite), with a demo application and demo
    people. It stops with an error, before changing anything, if the port is already in use.
    """
    host = emulator.DEFAULT_HOST
    # Before anything is printed or the database touched: a second `up` must not seed again.
    emulator.check_port_free(host, port)
    database = sqlite_url(data_dir / "emulator.sqlite3")
    base = f"http://{host}:{port}"
    store, _ = emulator.open_store(database, own=data_dir)
    try:
        hasher = PasswordHasher(EmulatorSettings().password_hashing)
        with store.transaction() as tx:
            world = demo.seed(tx, hasher, EmulatorClock(store).now_in(tx))
    finally:
        store.close()
    typer.echo(f"openmtd {__version__}: the HMRC emulator on {database}\n")
    for label, path in (
        ("Home (journeys, APIs, demo people)", "/"),
        ("Create an account", "/gg/create-account"),
        ("Developer Hub", "/developer/applications"),
        ("Manage authorised applications", "/applications/manage"),
    ):
        typer.echo(f"  {label:36s} {base}{path}")
    typer.echo("\nDemo people (Government Gateway user ID / password):")
    for person in world.people:
        typer.echo(f"  {person.user_id} / {person.password:18s} {person.description}")
    typer.echo(
        "\nDemo software:"
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
        "\nThe MTD ITSA rules work offline too: openmtd rules --help\n"
    )
    emulator.serve(host=host, port=port, database=database, workers=1, no_control=False)


@app.command()
def version() -> None:
    """Print openmtd's version."""
    typer.echo(__version__)


def main() -> None:
    """Console-script entry point."""
    app()
