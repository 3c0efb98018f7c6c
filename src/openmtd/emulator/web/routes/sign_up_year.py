"""Routes: when the person starts, by HMRC's tax-year routing (business rules §1.2 step 7).

``/signup/tax-year`` asks "when do you want to start?" when the person may choose (current or
next year; "you must use MTD next year" shown when next year is mandated), and otherwise says
which year it is (forced current year, or next year only) with a Continue button. The years
offered are the gate's, checked again here (a tester may change eligibility meanwhile).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.sign_up.journey import Answers
from openmtd.emulator.storage import Account
from openmtd.emulator.web.context import PageContext, page_context
from openmtd.emulator.web.render import page, redirect
from openmtd.emulator.web.sign_up_session import (
    CHECK_ANSWERS,
    INCOME_SOURCES,
    TAX_YEAR,
    begin_of,
    gate_for,
    in_journey,
    post,
    save,
)
from openmtd.rules.eligibility import SignUpDecision
from openmtd.rules.eligibility import SignUpOutcome as Outcome
from openmtd.webkit.forms import Form

router = APIRouter(include_in_schema=False)

_MTD: Final = "Making Tax Digital for Income Tax"
CHOOSE_TITLE: Final = f"When do you want to start using {_MTD}?"

#: The page for each outcome that offers one year: its title and words ({cy}, {ny} the
#: years as GOV.UK writes them).
_FORCED: Final[dict[Outcome, tuple[str, tuple[str, ...]]]] = {
    Outcome.MANDATORY_CURRENT_YEAR: (
        f"You must use {_MTD} now",
        (
            "Your qualifying income means you must use it from the current tax year ({cy}).",
            "You will need to send any quarterly updates for the year so far.",
        ),
    ),
    Outcome.CURRENT_YEAR_ONLY_VOLUNTARY: (
        "You can sign up for the current tax year",
        (
            "You can sign up from the current tax year ({cy}) only.",
            "You will need to send any quarterly updates you have missed for the year so far.",
        ),
    ),
    Outcome.NEXT_YEAR_ONLY_VOLUNTARY: (
        "You can sign up from the next tax year",
        (
            "You cannot sign up for the current tax year ({cy}). Send your Self Assessment tax "
            "return for it as usual.",
            "You can sign up now to start from the next tax year ({ny}).",
        ),
    ),
    Outcome.NEXT_YEAR_ONLY_MANDATORY: (
        f"You must use {_MTD} from the next tax year",
        (
            "Your qualifying income means you must use it from the next tax year ({ny}).",
            "You cannot sign up for the current tax year ({cy}). Send your Self Assessment tax "
            "return for it as usual.",
        ),
    ),
}


def _decision(ctx: PageContext, account: Account, answers: Answers) -> SignUpDecision | None:
    """The gate's decision now; None when the gate would now stop, or offers other years."""
    result = gate_for(ctx, account, answers)
    decision = result.decision
    if result.stop is not None or decision is None:
        return None
    if tuple(str(year) for year in decision.years) != answers.offered_years:
        return None
    return decision


def _page(
    ctx: PageContext, decision: SignUpDecision, answers: Answers, errors: dict[str, str]
) -> Response:
    current, following = decision.years[0], decision.years[-1]
    years = {"cy": current.label(), "ny": following.label()}
    if decision.outcome in _FORCED:
        title, paragraphs = _FORCED[decision.outcome]
        return page(
            ctx,
            "signup_tax_year.html",
            title=title,
            choose=False,
            paragraphs=[paragraph.format(**years) for paragraph in paragraphs],
        )
    chosen = {str(current): "current", str(following): "next"}.get(answers.tax_year or "", "")
    return page(
        ctx,
        "signup_tax_year.html",
        status_code=400 if errors else 200,
        title=CHOOSE_TITLE,
        choose=True,
        errors=errors,
        checked=chosen,
        mandated_next=decision.outcome is Outcome.NEXT_YEAR_MANDATORY,
        choices=[
            (
                "current",
                f"Current tax year: {current.label()}",
                "You will need to send any quarterly updates you have missed for the year so far.",
            ),
            ("next", f"Next tax year: {following.label()}"),
        ],
        next_year=following.label(),
    )


@router.get(TAX_YEAR)
def tax_year_page(request: Request) -> Response:
    with page_context(request) as ctx:
        held = in_journey(ctx)
        if isinstance(held, Response):
            return held
        account, answers = held
        decision = _decision(ctx, account, answers)
        if decision is None:
            return redirect(ctx, begin_of(answers))
        return _page(ctx, decision, answers, {})


def _choose(ctx: PageContext, account: Account, answers: Answers, form: Form) -> Response:
    decision = _decision(ctx, account, answers)
    if decision is None:
        return redirect(ctx, begin_of(answers))
    if len(decision.years) == 1:
        year = decision.years[0]
    else:
        picked = {"current": decision.years[0], "next": decision.years[1]}.get(form.get("tax_year"))
        if picked is None:
            return _page(ctx, decision, answers, {"tax_year": "Select when you want to start"})
        year = picked
    answers = replace(answers, tax_year=str(year))
    save(ctx, answers)
    return redirect(ctx, CHECK_ANSWERS if answers.paperless else INCOME_SOURCES)


@router.post(TAX_YEAR)
async def choose_tax_year(request: Request) -> Response:
    return await post(request, _choose)
