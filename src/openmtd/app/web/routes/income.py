""" "Do I need MTD?": ``GET /check-income`` asks for one tax year's figures, ``POST`` checks
them against the thresholds (:mod:`openmtd.rules.income_check`) and shows the answer above the
form, with what counted and HMRC's sign-up link. No sign-in and no HMRC connection needed.

The figures are posted (with CSRF), never put in the address: they are a person's income, and
addresses end up in logs and browser history. Nothing is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Final

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from openmtd.app.services.connection import sign_up_url
from openmtd.app.web.context import PageContext, page_context
from openmtd.app.web.render import page
from openmtd.rules.clock import uk_date
from openmtd.rules.income_check import (
    IncomeCheck,
    check_income,
    default_return_year,
    return_years,
    threshold_years,
)
from openmtd.rules.money import InvalidAmountError, parse_amount, parse_percentage
from openmtd.rules.tax_year import TaxYear
from openmtd.rules.thresholds import IncomeReturn, PropertyIncome
from openmtd.webkit.forms import REFUSED_MESSAGE, read_form

router = APIRouter()

#: The amount fields, each with the words its error message starts with.
AMOUNTS: Final = {
    "turnover": "Self-employment turnover",
    "uk_property": "UK property income",
    "foreign_property": "Foreign property income",
    "employment": "Employment income",
    "partnership": "Partnership income",
    "pensions": "Pension income",
    "dividends": "Dividends",
    "savings": "Savings interest",
}
SHARES: Final = {
    "uk_share": "Your share of the UK property",
    "foreign_share": "Your share of the foreign property",
}
_ONE_PERCENT: Final = Decimal("0.01")
YEAR_MISSING: Final = "Choose the tax year your figures are for"


def read_figures(
    values: Mapping[str, str], years: tuple[TaxYear, ...]
) -> tuple[TaxYear | None, IncomeReturn | None, dict[str, str]]:
    """The tax year and figures from the form, or the errors, field by field. A field left
    empty is nothing of that kind of income."""
    errors: dict[str, str] = {}
    year = next((y for y in years if str(y) == values.get("year", "")), None)
    if year is None:
        errors["year"] = YEAR_MISSING
    amounts: dict[str, Decimal] = {}
    for name, what in AMOUNTS.items():
        typed = values.get(name, "").strip()
        try:
            amounts[name] = parse_amount(typed) if typed else Decimal(0)
        except InvalidAmountError as error:
            errors[name] = f"{what} {error.problem}"
    shares: dict[str, Decimal] = {}
    for name, what in SHARES.items():
        typed = values.get(name, "").strip()
        try:
            shares[name] = parse_percentage(typed) if typed else Decimal(1)
        except InvalidAmountError as error:
            errors[name] = f"{what} {error.problem}"
            continue
        if 0 < shares[name] < _ONE_PERCENT:
            # Someone typing a fraction ("0.5" for a half) would get a share a hundred times
            # too small: a share under 1% is refused and said as a percentage.
            errors[name] = f"{what} is less than 1%: give it as a percentage, like 50 for half"
    if errors:
        return year, None, errors
    income = IncomeReturn(
        self_employment_turnover=(amounts["turnover"],),
        uk_property=(PropertyIncome(amounts["uk_property"], shares["uk_share"]),),
        foreign_property=(PropertyIncome(amounts["foreign_property"], shares["foreign_share"]),),
        employment=amounts["employment"],
        partnership=amounts["partnership"],
        pensions=amounts["pensions"],
        dividends=amounts["dividends"],
        savings=amounts["savings"],
    )
    return year, income, errors


def _page(
    ctx: PageContext,
    *,
    values: Mapping[str, str] | None = None,
    errors: dict[str, str] | None = None,
    result: IncomeCheck | None = None,
) -> Response:
    today = uk_date(ctx.now)
    shown = dict(values or {})
    shown.setdefault("year", str(default_return_year(today)))
    return page(
        ctx,
        "check_income.html",
        status_code=400 if errors else 200,
        title="Do I need Making Tax Digital?",
        years=return_years(today),
        values=shown,
        errors=errors or {},
        result=result,
        thresholds=threshold_years(),
        sign_up_url=sign_up_url(ctx.services.settings.hmrc),
    )


@router.get("/check-income")
def check_income_page(request: Request) -> Response:
    with page_context(request) as ctx:
        return _page(ctx)


@router.post("/check-income")
async def check_income_submit(request: Request) -> Response:
    form = await read_form(request)
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        typed = {name: form.get(name) for name in ("year", *AMOUNTS, *SHARES)}
        year, income, errors = read_figures(typed, return_years(uk_date(ctx.now)))
        for name in typed:
            if name in form.refused:
                errors[name] = REFUSED_MESSAGE
        if errors or year is None or income is None:
            return _page(ctx, values=typed, errors=errors)
        return _page(ctx, values=typed, result=check_income(year, income))
