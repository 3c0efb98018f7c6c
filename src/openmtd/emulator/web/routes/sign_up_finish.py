"""Routes: the end of sign-up (business rules §1.2 step 8, §1.5).

``/signup/paperless`` (the person must agree to go paperless) → ``/signup/check-your-answers``
(every answer with a change link; "Confirm and sign up" runs the gate again and
:func:`openmtd.emulator.sign_up.complete.complete_sign_up`) → ``/signup/confirmation`` (the
MTDITID, the quarterly deadlines and the final declaration date of the first signed-up year).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.sign_up.answers import date_text
from openmtd.emulator.sign_up.complete import (
    AlreadySubscribedError,
    SignUpRequest,
    complete_sign_up,
)
from openmtd.emulator.sign_up.journey import Answers
from openmtd.emulator.storage import Account
from openmtd.emulator.web.context import PageContext, page_context
from openmtd.emulator.web.render import page, redirect
from openmtd.emulator.web.routes.sign_up_income import PROPERTIES, start_text
from openmtd.emulator.web.sign_up_session import (
    BEGIN,
    CHECK_ANSWERS,
    CONFIRMATION,
    INCOME_SOURCES,
    PAPERLESS,
    TAX_YEAR,
    begin_of,
    confirmation_of,
    forget,
    gate_for,
    in_journey,
    post,
    save,
)
from openmtd.rules.deadlines import quarterly_periods, year_end_deadline
from openmtd.rules.sign_up import income_sources_problem, start_date_limit
from openmtd.rules.tax_year import TaxYear
from openmtd.webkit.forms import Form

router = APIRouter(include_in_schema=False)

#: HMRC's words when the person does not agree (business rules §1.2 step 8).
PAPERLESS_REQUIRED: Final = "You need to agree to go paperless"


@router.get(PAPERLESS)
def paperless_page(request: Request) -> Response:
    with page_context(request) as ctx:
        held = in_journey(ctx)
        if isinstance(held, Response):
            return held
        return page(ctx, "signup_paperless.html", title="Go paperless", checked=held[1].paperless)


def _paperless(ctx: PageContext, _account: Account, answers: Answers, form: Form) -> Response:
    if form.get("paperless") != "yes":
        return page(
            ctx,
            "signup_paperless.html",
            status_code=400,
            title="Go paperless",
            checked=False,
            errors={"paperless": PAPERLESS_REQUIRED},
        )
    save(ctx, replace(answers, paperless=True))
    return redirect(ctx, CHECK_ANSWERS)


@router.post(PAPERLESS)
async def paperless(request: Request) -> Response:
    return await post(request, _paperless)


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the summary: what, the answer's lines, where to change it."""

    key: str
    lines: tuple[str, ...]
    href: str | None = None


def _missing(answers: Answers) -> str | None:
    """The first page still to answer, if any."""
    if answers.tax_year is None:
        return TAX_YEAR
    if income_sources_problem(answers.income_sources) is not None:
        return INCOME_SOURCES
    if not answers.paperless:
        return PAPERLESS
    return None


def _rows(ctx: PageContext, answers: Answers) -> list[Row]:
    assert answers.tax_year is not None
    year = TaxYear.parse(answers.tax_year)
    limit = date_text(start_date_limit(TaxYear.at(ctx.now)))
    rows = [
        Row(
            "Tax year you start from",
            (year.label(),),
            TAX_YEAR if len(answers.offered_years) > 1 else None,
        )
    ]
    for business in answers.businesses:
        address = [
            line
            for line in (
                business.address_line1,
                business.address_line2,
                business.address_line3,
                business.address_line4,
                business.postcode,
            )
            if line
        ]
        rows.append(
            Row(
                f"Sole trader business: {business.name}",
                (business.trade, *address, f"Started: {start_text(business.start, limit)}"),
                f"/signup/business/{business.key}",
            )
        )
    for kind, (field, label, _short) in PROPERTIES.items():
        start = getattr(answers, field)
        if start is not None:
            rows.append(
                Row(
                    label[0].upper() + label[1:],
                    (f"Started: {start_text(start, limit)}",),
                    f"/signup/property/{kind}",
                )
            )
    rows.append(Row("Paperless", ("You agree to go paperless",), PAPERLESS))
    return rows


@router.get(CHECK_ANSWERS)
def check_answers_page(request: Request) -> Response:
    with page_context(request) as ctx:
        held = in_journey(ctx)
        if isinstance(held, Response):
            return held
        missing = _missing(held[1])
        if missing is not None:
            return redirect(ctx, missing)
        return page(ctx, "signup_check.html", title="Check your answers", rows=_rows(ctx, held[1]))


def _confirm(ctx: PageContext, account: Account, answers: Answers, _form: Form) -> Response:
    missing = _missing(answers)
    if missing is not None:
        return redirect(ctx, missing)
    # The gate again: the person may have been signed up, or their eligibility changed.
    result = gate_for(ctx, account, answers)
    if result.stop is not None or result.person is None or result.decision is None:
        return redirect(ctx, begin_of(answers))
    assert answers.tax_year is not None
    year = TaxYear.parse(answers.tax_year)
    if year not in result.decision.years:
        return redirect(ctx, begin_of(answers))
    request = SignUpRequest(
        nino=result.person.nino,
        utr=result.person.utr,
        tax_year=year,
        businesses=answers.businesses,
        uk_property=answers.uk_property,
        foreign_property=answers.foreign_property,
        group_id=result.person.group_id,
        arn=answers.arn,
        paperless=True,
    )
    try:
        complete_sign_up(ctx.tx, ctx.now, request)
    except AlreadySubscribedError:
        return redirect(ctx, begin_of(answers))
    forget(ctx)
    return redirect(ctx, confirmation_of(ctx, answers))


@router.post(CHECK_ANSWERS)
async def confirm(request: Request) -> Response:
    return await post(request, _confirm)


@router.get(CONFIRMATION)
def confirmation_page(request: Request) -> Response:
    with page_context(request) as ctx:
        account = ctx.account
        subscription = (
            ctx.tx.subscriptions.for_nino(account.nino) if account and account.nino else None
        )
        if subscription is None:
            return redirect(ctx, BEGIN)
        year = TaxYear.parse(subscription.tax_year)
        return page(
            ctx,
            "signup_confirmation.html",
            title="You have signed up for Making Tax Digital for Income Tax",
            mtditid=subscription.mtditid,
            year=year,
            deadlines=[
                (f"{date_text(period.start)} to {date_text(period.end)}", date_text(period.due))
                for period in quarterly_periods(year)
            ],
            final_declaration=date_text(year_end_deadline(year)),
        )
