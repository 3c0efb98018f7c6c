"""The one ``openmtd`` command: the only package allowed to wire every part together.

Sub-commands live in modules of their own (``rules``: the MTD ITSA rules from the terminal).
"""

from __future__ import annotations

import typer

from openmtd import __version__
from openmtd.cli import emulator, rules

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
def up() -> None:
    """Start everything openmtd has on its embedded default, and say what is there."""
    typer.echo(f"openmtd {__version__} is installed.\n")
    typer.echo("What you can use now (the MTD ITSA rules, offline, no account needed):")
    for example in rules.EXAMPLES:
        typer.echo(f"  {example}")
    typer.echo(
        "\nThe HMRC emulator, the SDK and the software for taxpayers and agents are not part "
        "of this release yet,\nso there is no server to start: see the README's roadmap."
    )


@app.command()
def version() -> None:
    """Print openmtd's version."""
    typer.echo(__version__)


def main() -> None:
    """Console-script entry point."""
    app()
