"""The one ``openmtd`` command: the only module allowed to wire every part together."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="openmtd",
    help="openmtd: Making Tax Digital for Income Tax, in the open.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
def up() -> None:
    """Start the whole openmtd system on its embedded default."""
    typer.echo("openmtd")


def main() -> None:
    """Console-script entry point."""
    app()
