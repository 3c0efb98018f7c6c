"""The one ``openmtd`` command: the only package allowed to wire every part together.

Sub-commands live in modules of their own: ``up`` (the whole system on its defaults),
``taxpayer`` and ``income`` (a person's own commands), ``app_cli`` (the web app alone),
``rules`` (the MTD ITSA rules from the terminal), ``emulator`` (HMRC's side) and ``fph``
(fraud prevention headers, checked).
"""

from __future__ import annotations

import typer

from openmtd import __version__
from openmtd.cli import app_cli, emulator, fph, income, rules, taxpayer, up

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
up.register(app)  # up: the emulator and the app together
taxpayer.register(app)  # link, status, obligations
income.register(app)  # check-income
app.add_typer(app_cli.app, name="app", short_help="openmtd's web app: serve it, keys, migrate.")


@app.command()
def version() -> None:
    """Print openmtd's version."""
    typer.echo(__version__)


def main() -> None:
    """Console-script entry point."""
    app()
