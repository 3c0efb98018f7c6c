"""``openmtd check-income``: "Do I need MTD?" on the command line, the same check as the app's
``/check-income`` page (:mod:`openmtd.rules.income_check`). No HMRC connection needed; the
sign-up address is the HMRC last linked to (``openmtd link``), else the local emulator's, or
the one ``--hmrc`` names."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from openmtd.app.services.connection import sign_up_url
from openmtd.app.services.desktop import DEFAULT_HMRC, Desktop, default_config_dir
from openmtd.app.settings import SettingsError, hmrc_environment
from openmtd.cli import taxpayer
from openmtd.cli.amounts import (
    ForeignPropertyOption,
    TurnoverOption,
    UkPropertyOption,
    parse_money_option,
    parse_property_option,
)
from openmtd.cli.help import PlainHelpCommand
from openmtd.cli.taxpayer import AsJson, ConfigDir
from openmtd.rules.clock import SystemClock, uk_today
from openmtd.rules.errors import RuleError
from openmtd.rules.income_check import check_income, default_return_year, return_years
from openmtd.rules.tax_year import TaxYear
from openmtd.rules.thresholds import IncomeReturn

_out = Console(highlight=False, soft_wrap=True)


def _left_out(what: str) -> object:
    return typer.Option(
        metavar="AMOUNT", show_default=False, help=f"{what}: left out (repeat to add up)."
    )


def _year(value: str | None, today: date) -> TaxYear:
    years = return_years(today)
    if value is None:
        return default_return_year(today)
    try:
        year = TaxYear.parse(value)
    except RuleError as error:
        raise typer.BadParameter(error.message, param_hint="'--year'") from None
    if year not in years:
        raise typer.BadParameter(
            f"give a tax year from {years[0]} to {years[-1]}: the first return that decides "
            "anyone's MTD is 2024-25's, and later years have not begun.",
            param_hint="'--year'",
        )
    return year


def _sign_up_address(hmrc: str | None, config_dir: Path | None) -> str:
    desktop = Desktop((config_dir or default_config_dir()).expanduser(), use_keyring=False)
    saved = desktop.saved_link()
    which = hmrc or (saved.hmrc if saved else DEFAULT_HMRC)
    try:
        return sign_up_url(hmrc_environment(which))
    except SettingsError as error:
        raise typer.BadParameter(str(error), param_hint="'--hmrc'") from None


def _total(values: list[str] | None, option: str) -> Decimal:
    return sum((parse_money_option(value, option) for value in values or ()), Decimal(0))


def check_income_command(
    year: Annotated[
        str | None,
        typer.Option(
            "--year",
            "--tax-year",
            metavar="TAX_YEAR",
            show_default=False,
            help="The tax year the figures are for, like 2025-26. Default: the last one ended.",
        ),
    ] = None,
    turnover: TurnoverOption = None,
    uk_property: UkPropertyOption = None,
    foreign_property: ForeignPropertyOption = None,
    employment: Annotated[list[str] | None, _left_out("Employment income")] = None,
    partnership: Annotated[list[str] | None, _left_out("Your partnership income")] = None,
    pensions: Annotated[list[str] | None, _left_out("Pension income")] = None,
    dividends: Annotated[list[str] | None, _left_out("Dividends")] = None,
    savings: Annotated[list[str] | None, _left_out("Savings interest")] = None,
    hmrc: Annotated[
        str | None,
        typer.Option(
            "--hmrc",
            metavar="sandbox|production|URL",
            show_default=False,
            help="Whose sign-up address to print. Default: the last link's, else the local "
            "emulator's.",
        ),
    ] = None,
    config_dir: ConfigDir = None,
    as_json: AsJson = False,
) -> None:
    """Do I need Making Tax Digital? Check one tax year's income against the thresholds.

    Amounts are pounds, like 12500 or 12,500.50. Employment, partnership income, pensions,
    dividends and savings do not count; give them to see them left out. Nothing is sent to
    HMRC. For example:

    \b
      openmtd check-income --year 2025-26 --turnover 28000 --uk-property 24000@0.5
    """
    tax_year = _year(year, uk_today(taxpayer.SEAMS.clock or SystemClock()))
    income = IncomeReturn(
        self_employment_turnover=tuple(
            parse_money_option(value, "--turnover") for value in turnover or ()
        ),
        uk_property=tuple(parse_property_option(v, "--uk-property") for v in uk_property or ()),
        foreign_property=tuple(
            parse_property_option(v, "--foreign-property") for v in foreign_property or ()
        ),
        employment=_total(employment, "--employment"),
        partnership=_total(partnership, "--partnership"),
        pensions=_total(pensions, "--pensions"),
        dividends=_total(dividends, "--dividends"),
        savings=_total(savings, "--savings"),
    )
    result = check_income(tax_year, income)
    address = _sign_up_address(hmrc, config_dir) if result.can_sign_up else None
    if as_json:
        typer.echo(json.dumps({**result.to_dict(), "signUpAddress": address}, indent=2))
        return
    _out.print(f"[bold]{escape(result.headline)}[/bold]")
    for sentence in result.explanations:
        _out.print(f"  • {escape(sentence)}")
    if address:
        _out.print(f"\nSign up with HMRC online services: {escape(address)}")
        _out.print("HMRC checks whether you can sign up, and from which year.")


def register(app: typer.Typer) -> None:
    app.command(
        name="check-income",
        cls=PlainHelpCommand,
        short_help="Do I need MTD? Check a year's income against the thresholds.",
    )(check_income_command)
