"""Amounts of money on the command line (``--turnover 12,500``, ``--uk-property 24000@0.5``),
read through :mod:`openmtd.rules.money`; a bad one is a usage error naming its option."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import typer

from openmtd.rules.money import InvalidAmountError, parse_amount, parse_fraction
from openmtd.rules.thresholds import PropertyIncome

__all__ = [
    "ForeignPropertyOption",
    "TurnoverOption",
    "UkPropertyOption",
    "parse_money_option",
    "parse_property_option",
]

#: The income options `openmtd rules mandation` and `openmtd check-income` share.
TurnoverOption = Annotated[
    list[str] | None,
    typer.Option(
        "--turnover",
        metavar="AMOUNT",
        show_default=False,
        help="Gross self-employment turnover (repeat for each business).",
    ),
]
UkPropertyOption = Annotated[
    list[str] | None,
    typer.Option(
        "--uk-property",
        metavar="AMOUNT[@SHARE]",
        show_default=False,
        help="Gross UK property income, and the person's share of it, 0 to 1 (repeat).",
    ),
]
ForeignPropertyOption = Annotated[
    list[str] | None,
    typer.Option(
        "--foreign-property",
        metavar="AMOUNT[@SHARE]",
        show_default=False,
        help="Gross foreign property income, and the person's share of it (repeat).",
    ),
]


def parse_money_option(value: str, option: str) -> Decimal:
    """Pounds and pence from the command line, or a usage error naming ``option``."""
    try:
        return parse_amount(value)
    except InvalidAmountError as error:
        raise typer.BadParameter(error.message, param_hint=f"'{option}'") from None


def parse_property_option(value: str, option: str) -> PropertyIncome:
    """``AMOUNT`` (all of it is the person's) or ``AMOUNT@SHARE`` (their share, 0 to 1)."""
    gross, at, share = value.partition("@")
    hint = f"'{option}'"
    form = "Write AMOUNT@SHARE, like 24000@0.5, or just AMOUNT when it is all the person's."
    if at and not gross.strip():
        raise typer.BadParameter(f"{value!r} has no amount before the @. {form}", param_hint=hint)
    if at and not share.strip():
        raise typer.BadParameter(f"{value!r} has no share after the @. {form}", param_hint=hint)
    share_amount = Decimal(1)
    if at:
        try:
            share_amount = parse_fraction(share)
        except InvalidAmountError as error:
            raise typer.BadParameter(
                f"the share in {value!r} {error.problem}", param_hint=hint
            ) from None
    return PropertyIncome(parse_money_option(gross, option), share_amount)
