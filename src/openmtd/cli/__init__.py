"""The one ``openmtd`` command: the only package allowed to wire every part together.

Sub-commands live in modules of their own: ``rules`` (the MTD ITSA rules from the terminal)
and ``emulator`` (HMRC's side). ``openmtd up`` starts the whole system on its defaults.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from openmtd import __version__
from openmtd.cli import emulator, rules
from openmtd.emulator.settings import DEFAULT_DATA_DIR

app = typer.Typer(
    name="openmtd",
    help="openmtd: Making Tax Digital for Income Tax, in the open.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(rules.app, name="rules")
app.add_typer(emulator.app, name="emulator")


@app.command()
def up(
    port: Annotated[int, typer.Option(min=1, max=65535, help="The port to serve on.")] = 8100,
    data_dir: Annotated[
        Path, typer.Option("--data-dir", help="Where the embedded SQLite database lives.")
    ] = DEFAULT_DATA_DIR,
) -> None:
    """Start the whole openmtd system on its embedded default (SQLite), on 127.0.0.1."""
    database = f"sqlite:///{data_dir / 'emulator.sqlite3'}"
    base = f"http://127.0.0.1:{port}"
    typer.echo(f"openmtd {__version__}: starting the HMRC emulator (database {database})\n")
    for label, path in (
        ("Home", "/"),
        ("Create an account", "/gg/create-account"),
        ("Developer Hub", "/developer/applications"),
        ("Manage authorised applications", "/applications/manage"),
    ):
        typer.echo(f"  {label:32s} {base}{path}")
    typer.echo(
        "\nRegister your software from a terminal:\n"
        f"  curl -s -X POST {base}/emulator/applications -H 'Content-Type: application/json' "
        '-d \'{"name": "My software", "redirectUris": ["http://localhost:8080/callback"]}\''
        "\n\nThe MTD ITSA rules work offline too: openmtd rules --help\n"
    )
    emulator.serve(host="127.0.0.1", port=port, database=database, workers=1, no_control=False)


@app.command()
def version() -> None:
    """Print openmtd's version."""
    typer.echo(__version__)


def main() -> None:
    """Console-script entry point."""
    app()
