"""``openmtd rules``: the MTD ITSA rules from the terminal, offline.

Thin: parse options, call :mod:`openmtd.rules`, render. Every command takes ``--json`` for
machine-readable output. A value the rules refuse is reported on stderr with HMRC's code and
exit status 2, never a traceback; so is a value the command line cannot take (a usage error).

A command about one tax year takes it as its argument or as ``--tax-year``/``--year``.
Amounts of money are pounds with at most two decimal places (pence), optionally with ``£``
and thousands commas, from 0 to £99,999,999,999.99: the largest income HMRC's ITSA status
records hold (``itsa_status.MAX_BUSINESS_INCOME``). Digits are ASCII digits only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Final

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from openmtd.cli.amounts import (
    ForeignPropertyOption,
    TurnoverOption,
    UkPropertyOption,
    parse_money_option,
    parse_property_option,
)
from openmtd.cli.help import PlainHelpCommand
from openmtd.rules import identifiers
from openmtd.rules.clock import SystemClock, uk_today
from openmtd.rules.deadlines import quarterly_periods, year_end_deadline
from openmtd.rules.eligibility import (
    IncomeSource,
    SignUpFacts,
    decide_sign_up,
    parse_reason_keys,
)
from openmtd.rules.errors import RuleError
from openmtd.rules.guidance import Audience, Guidance, guidance
from openmtd.rules.itsa_status import ItsaStatus
from openmtd.rules.tax_year import EARLIEST_START_YEAR, LATEST_START_YEAR, TaxYear, outside_message
from openmtd.rules.thresholds import (
    IncomeReturn,
    basis_year,
    is_over_threshold,
    qualifying_income,
    threshold_for,
)

app = typer.Typer(
    help="The MTD ITSA rules, offline: identifiers, tax years, guidance.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

_out = Console(highlight=False, soft_wrap=True)
_err = Console(stderr=True, highlight=False, soft_wrap=True)

# Status names accepted on the command line: short keys, and HMRC's own strings. This is
# input only; output never shows a raw status.
_STATUS_KEYS: Final[dict[str, ItsaStatus | None]] = {
    "mandated": ItsaStatus.MANDATED,
    "voluntary": ItsaStatus.VOLUNTARY,
    "annual": ItsaStatus.ANNUAL,
    "exempt": ItsaStatus.EXEMPT,
    "digitally-exempt": ItsaStatus.DIGITALLY_EXEMPT,
    "dormant": ItsaStatus.DORMANT,
    "no-status": ItsaStatus.NO_STATUS,
    "none": None,
}

_IDENTIFIER_PARSERS: Final[dict[str, Callable[[str], object]]] = {
    "nino": identifiers.Nino.parse,
    "utr": identifiers.SaUtr.parse,
    "arn": identifiers.Arn.parse,
    "mtditid": identifiers.MtdItId.parse,
    "postcode": identifiers.Postcode.parse,
    "invitation-id": identifiers.InvitationId.parse,
}

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
DateOption = Annotated[
    str | None,
    typer.Option(
        "--date",
        metavar="YYYY-MM-DD",
        help="Today's date (default: today in the UK).",
        show_default=False,
    ),
]
TaxYearArgument = Annotated[
    str | None,
    typer.Argument(
        metavar="TAX_YEAR",
        help="A tax year, like 2026-27 (or give --tax-year).",
        show_default=False,
    ),
]
TaxYearOption = Annotated[
    str | None,
    typer.Option(
        "--tax-year",
        "--year",
        metavar="TAX_YEAR",
        help="The tax year, like 2026-27.",
        show_default=False,
    ),
]

_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _UsageError(typer.BadParameter):
    """A usage error about the command line as a whole, not one value: said as it is."""

    def format_message(self) -> str:
        return self.message


def _fail(error: RuleError) -> typer.Exit:
    _err.print(f"[bold red]{error.code}[/]: {error.message}", markup=True)
    return typer.Exit(code=2)


def _print_json(data: object) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _parse_status(value: str | None) -> ItsaStatus | None:
    if value is None:
        return None
    key = value.strip().lower()
    if key in _STATUS_KEYS:
        return _STATUS_KEYS[key]
    try:
        return ItsaStatus.parse(value)
    except RuleError:
        raise typer.BadParameter(
            f"{value!r} is not a status. Use one of: {', '.join(_STATUS_KEYS)}."
        ) from None


def _supported(year: TaxYear, what: str) -> TaxYear:
    """Refuse a year whose neighbours (the basis year two back, the next year) the rules
    cannot represent, as a usage error rather than a traceback."""
    try:
        year.shift(-2)
        year.next  # noqa: B018 - constructing it is the check
    except RuleError:
        first = TaxYear(EARLIEST_START_YEAR).shift(2)
        last = TaxYear(LATEST_START_YEAR).previous
        raise typer.BadParameter(
            f"{what} is outside the tax years openmtd handles here ({first} to {last}): each "
            "needs the tax year two before it and the one after it."
        ) from None
    return year


def _parse_date(value: str | None) -> date:
    if value is None:
        return uk_today(SystemClock())
    try:
        if _DATE.fullmatch(value) is None:
            raise ValueError(value)
        day = date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD.") from None
    try:
        year = TaxYear.containing(day)
    except RuleError:
        raise typer.BadParameter(outside_message(repr(value))) from None
    _supported(year, repr(value))
    return day


def _parse_tax_year(value: str) -> TaxYear:
    try:
        year = TaxYear.parse(value)
    except RuleError as error:
        raise typer.BadParameter(error.message) from None
    return _supported(year, repr(value))


def _one_tax_year(argument: str | None, option: str | None) -> str | None:
    """The tax year given as the argument or as ``--tax-year``/``--year`` (not both)."""
    if argument is not None and option is not None and argument != option:
        raise _UsageError(
            f"two tax years given ({argument} and {option}): give it once, as TAX_YEAR or "
            "--tax-year."
        )
    return argument if argument is not None else option


@app.command(cls=PlainHelpCommand)
def check(
    kind: Annotated[
        str, typer.Argument(metavar="KIND", help=f"One of: {', '.join(_IDENTIFIER_PARSERS)}.")
    ],
    value: Annotated[
        str,
        typer.Argument(metavar="VALUE", help="The value to check, as a person would type it."),
    ],
    as_json: JsonOption = False,
) -> None:
    """Check an identifier and print it in HMRC's canonical form."""
    parser = _IDENTIFIER_PARSERS.get(kind.lower())
    if parser is None:
        raise typer.BadParameter(f"{kind!r} is not one of: {', '.join(_IDENTIFIER_PARSERS)}.")
    try:
        canonical = str(parser(value))
    except RuleError as error:
        if as_json:
            _print_json({"valid": False, "code": error.code, "message": error.message})
            raise typer.Exit(code=2) from None
        raise _fail(error) from None
    if as_json:
        _print_json({"valid": True, "value": canonical})
    else:
        typer.echo(canonical)


@app.command("tax-year", cls=PlainHelpCommand)
def tax_year_command(
    year_argument: TaxYearArgument = None,
    year_option: TaxYearOption = None,
    on: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            show_default=False,
            help="The tax year containing this date (default: today in the UK).",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Show a tax year: its dates, deadlines and MTD threshold.

    Give the tax year, or a date in it (by default, today). For example:

    \b
      openmtd rules tax-year 2026-27
      openmtd rules tax-year --date 2026-11-26
    """
    year = _one_tax_year(year_argument, year_option)
    if year is not None and on is not None:
        raise _UsageError(f"give a tax year ({year}) or --date ({on}), not both.")
    tax_year = _parse_tax_year(year) if year is not None else TaxYear.containing(_parse_date(on))
    threshold = threshold_for(tax_year)
    data: dict[str, Any] = {
        "taxYear": str(tax_year),
        "start": tax_year.start.isoformat(),
        "end": tax_year.end.isoformat(),
        "quarterlyUpdatesDue": [period.due.isoformat() for period in quarterly_periods(tax_year)],
        "finalDeclarationDue": year_end_deadline(tax_year).isoformat(),
        "mtdThreshold": None if threshold is None else str(threshold),
        "decidedByReturnFor": str(basis_year(tax_year)),
    }
    if as_json:
        _print_json(data)
        return
    _out.print(f"[bold]Tax year {tax_year}[/]: {tax_year.label()}")
    dues = ", ".join(f"{p.due:%-d %B %Y}" for p in quarterly_periods(tax_year))
    _out.print(f"Quarterly updates due: {dues}")
    final = year_end_deadline(tax_year)
    _out.print(f"Final declaration, tax return and payment due: {final:%-d %B %Y}")
    if threshold is None:
        _out.print("Nobody is required to use Making Tax Digital for Income Tax this year.")
    else:
        _out.print(
            f"Required to use Making Tax Digital if qualifying income for {basis_year(tax_year)}"
            f" was over £{threshold:,}."
        )


@app.command(cls=PlainHelpCommand)
def mandation(
    year_argument: TaxYearArgument = None,
    year_option: TaxYearOption = None,
    turnover: TurnoverOption = None,
    uk_property: UkPropertyOption = None,
    foreign_property: ForeignPropertyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Whether qualifying income requires MTD for a tax year.

    TAX_YEAR is the year to decide; the amounts are from the return two years before it. An
    AMOUNT is pounds, with at most two decimal places, like 12500 or 12,500.50, up to
    £99,999,999,999.99. A SHARE is the person's part of a jointly owned property, 0 to 1.
    For example:

    \b
      openmtd rules mandation 2027-28 --turnover 18000 --uk-property 24000@0.5
    """
    tax_year = _one_tax_year(year_argument, year_option)
    if tax_year is None:
        raise _UsageError(
            "give the tax year to decide, like 2027-28: openmtd rules mandation 2027-28 "
            "--turnover AMOUNT ..."
        )
    year = _parse_tax_year(tax_year)
    income = IncomeReturn(
        self_employment_turnover=tuple(parse_money_option(v, "--turnover") for v in turnover or ()),
        uk_property=tuple(parse_property_option(v, "--uk-property") for v in uk_property or ()),
        foreign_property=tuple(
            parse_property_option(v, "--foreign-property") for v in foreign_property or ()
        ),
    )
    qualifying = qualifying_income(income)
    threshold = threshold_for(year)
    required = is_over_threshold(qualifying, year)
    if as_json:
        _print_json(
            {
                "taxYear": str(year),
                "basedOnReturnFor": str(basis_year(year)),
                "qualifyingIncome": f"{qualifying:.2f}",
                "threshold": None if threshold is None else f"{threshold:.2f}",
                "required": required,
            }
        )
        return
    _out.print(f"Qualifying income for {basis_year(year)}: £{qualifying:,.2f}")
    if threshold is None:
        _out.print(f"Nobody is required to use Making Tax Digital for Income Tax in {year}.")
    elif required:
        _out.print(
            f"Over the £{threshold:,} threshold: required to use Making Tax Digital for "
            f"Income Tax from 6 April {year.start_year}."
        )
    else:
        _out.print(
            f"Not over the £{threshold:,} threshold: not required to use Making Tax Digital "
            f"for Income Tax in {year} (it can still be used by choice)."
        )


@app.command("guidance")
def guidance_command(
    previous: Annotated[
        str | None,
        typer.Option(metavar="STATUS", show_default=False, help="Last tax year's status."),
    ] = None,
    current: Annotated[
        str | None,
        typer.Option(metavar="STATUS", show_default=False, help="This tax year's status."),
    ] = None,
    next_: Annotated[
        str | None,
        typer.Option(
            "--next", metavar="STATUS", show_default=False, help="Next tax year's status."
        ),
    ] = None,
    on: DateOption = None,
    agent: Annotated[bool, typer.Option("--agent", help="Word it for an agent.")] = False,
    not_signed_up: Annotated[
        bool, typer.Option("--not-signed-up", help="The customer has not signed up for MTD.")
    ] = False,
    crystallised: Annotated[
        bool, typer.Option("--crystallised", help="Last year's final declaration is made.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """What to tell a customer, given three years' statuses.

    Statuses: mandated, voluntary, annual, exempt, digitally-exempt, dormant, no-status, none.
    """
    result = guidance(
        today=_parse_date(on),
        previous=_parse_status(previous),
        current=_parse_status(current),
        next_year=_parse_status(next_),
        previous_crystallised=crystallised,
        signed_up=not not_signed_up,
        audience=Audience.AGENT if agent else Audience.CUSTOMER,
    )
    if as_json:
        _print_json(result.to_dict())
    else:
        render_guidance(result, _out)


@app.command()
def eligibility(
    sole_trader: Annotated[bool, typer.Option("--sole-trader", help="Self-employed.")] = False,
    uk_property: Annotated[
        bool, typer.Option("--uk-property", help="Has UK property income.")
    ] = False,
    foreign_property: Annotated[
        bool, typer.Option("--foreign-property", help="Has foreign property income.")
    ] = False,
    partnership: Annotated[
        bool, typer.Option("--partnership", help="Is a partner (never an MTD income source).")
    ] = False,
    current_year: Annotated[
        str,
        typer.Option(
            "--current-year", metavar="STATUS", help="HMRC's sign-up status for this year."
        ),
    ] = "voluntary",
    next_year: Annotated[
        str,
        typer.Option("--next-year", metavar="STATUS", help="HMRC's sign-up status for next year."),
    ] = "voluntary",
    current_key: Annotated[
        list[str] | None,
        typer.Option(
            "--current-key",
            metavar="REASON",
            show_default=False,
            help="A reason HMRC gives for not this year (repeat).",
        ),
    ] = None,
    next_key: Annotated[
        list[str] | None,
        typer.Option(
            "--next-key",
            metavar="REASON",
            show_default=False,
            help="A reason HMRC gives for not next year (repeat).",
        ),
    ] = None,
    on: DateOption = None,
    agent: Annotated[bool, typer.Option("--agent", help="Word it for an agent.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Can this person sign up for MTD, and from which tax year?

    Statuses are HMRC's sign-up statuses: mandated or voluntary. Reason keys are HMRC's
    eligibility reasons, e.g. --next-key "MTD Exempt 26/27".
    """
    sources = {
        source
        for source, present in (
            (IncomeSource.SELF_EMPLOYMENT, sole_trader),
            (IncomeSource.UK_PROPERTY, uk_property),
            (IncomeSource.FOREIGN_PROPERTY, foreign_property),
            (IncomeSource.PARTNERSHIP, partnership),
        )
        if present
    }
    statuses = {}
    for option, value in (("--current-year", current_year), ("--next-year", next_year)):
        status = _parse_status(value)
        if status not in (ItsaStatus.MANDATED, ItsaStatus.VOLUNTARY):
            raise typer.BadParameter(f"{option} must be mandated or voluntary.")
        statuses[option] = status
    decision = decide_sign_up(
        SignUpFacts(
            current_year=TaxYear.containing(_parse_date(on)),
            income_sources=frozenset(sources),
            reason_keys_current_year=parse_reason_keys(current_key or ()),
            reason_keys_next_year=parse_reason_keys(next_key or ()),
            status_current_year=statuses["--current-year"],
            status_next_year=statuses["--next-year"],
        )
    )
    text = decision.agent_explanation if agent else decision.explanation
    if as_json:
        _print_json(
            {
                "outcome": decision.outcome.value,
                "canSignUp": decision.can_sign_up,
                "years": [str(year) for year in decision.years],
                "yearIsForced": decision.year_is_forced,
                "defaultYear": str(decision.default_year) if decision.default_year else None,
                "incomeSources": [source.value for source in decision.income_sources],
                "explanation": text,
            }
        )
        return
    _out.print(text)


def render_guidance(result: Guidance, console: Console) -> None:
    """Print guidance for a person in a terminal."""
    console.print(f"[bold]{result.headline}[/]")
    console.print()
    for line in result.what_to_do:
        console.print(f"  • {line}")
    if result.deadlines:
        table = Table(title="Coming up", title_justify="left", show_edge=False)
        table.add_column("Due by")
        table.add_column("What")
        table.add_column("Penalty points if late")
        for deadline in result.deadlines[:6]:
            points = "yes" if deadline.penalty_points else "no"
            table.add_row(f"{deadline.due:%-d %b %Y}", deadline.what, points)
        console.print()
        console.print(table)
    if result.penalty_warning:
        console.print()
        console.print(f"[yellow]{result.penalty_warning}[/]")
    console.print()
    # The next step is a whole sentence ("Next deadline: ...", "Sign up ..."): no label of its own.
    console.print(f"[bold]{escape(result.next_step)}[/]")
