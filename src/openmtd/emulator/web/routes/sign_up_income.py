"""Routes: the person's income sources (business rules §1.1, §1.4).

``/signup/income-sources`` lists them: sole trader businesses (add, change and remove as many
as they have), one UK property business and one foreign property business (each a start date
or "before <limit>"), and a page explaining that partnership income is never entered. At least
one source is needed to go on.
"""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.sign_up.answers import (
    BusinessForm,
    date_text,
    read_business,
    read_start,
    read_yes_no,
)
from openmtd.emulator.sign_up.journey import MAX_BUSINESSES, Answers, SoleTrader, StartDate
from openmtd.emulator.storage import Account
from openmtd.emulator.web.context import PageContext, page_context
from openmtd.emulator.web.render import message, page, redirect
from openmtd.emulator.web.sign_up_session import (
    CHECK_ANSWERS,
    INCOME_SOURCES,
    PAPERLESS,
    in_journey,
    post,
    refused_fields,
    save,
    today,
)
from openmtd.rules.sign_up import income_sources_problem, start_date_limit
from openmtd.rules.tax_year import TaxYear
from openmtd.webkit.forms import Form

router = APIRouter(include_in_schema=False)

NEW_BUSINESS: Final = "/signup/business/new"
PARTNERSHIP: Final = "/signup/partnership"
#: The two property businesses: the URL part, the answer's field, the words.
PROPERTIES: Final = {
    "uk": ("uk_property", "UK property business", "UK property"),
    "foreign": ("foreign_property", "foreign property business", "foreign property"),
}


def _limit_text(ctx: PageContext) -> str:
    return date_text(start_date_limit(TaxYear.containing(today(ctx))))


def start_text(start: StartDate, limit_text: str) -> str:
    """A start as the pages show it."""
    return f"Before {limit_text}" if start.day is None else date_text(start.day)


def _sources_page(ctx: PageContext, answers: Answers, errors: dict[str, str]) -> Response:
    limit = _limit_text(ctx)
    properties = [
        (kind, words[1], getattr(answers, words[0]), words[2]) for kind, words in PROPERTIES.items()
    ]
    return page(
        ctx,
        "signup_income_sources.html",
        status_code=400 if errors else 200,
        title="Your income sources",
        errors=errors,
        businesses=[(b, start_text(b.start, limit)) for b in answers.businesses],
        properties=[
            (kind, label, None if held is None else start_text(held, limit), short)
            for kind, label, held, short in properties
        ],
        can_add=len(answers.businesses) < MAX_BUSINESSES,
        limit_text=limit,
    )


def _held(ctx: PageContext) -> tuple[Account, Answers] | Response:
    return in_journey(ctx)


@router.get(INCOME_SOURCES)
def sources_page(request: Request) -> Response:
    with page_context(request) as ctx:
        held = _held(ctx)
        if isinstance(held, Response):
            return held
        return _sources_page(ctx, held[1], {})


def _continue(ctx: PageContext, _account: Account, answers: Answers, _form: Form) -> Response:
    problem = income_sources_problem(answers.income_sources)
    if problem is not None:
        return _sources_page(ctx, answers, {"income-sources": problem})
    return redirect(ctx, CHECK_ANSWERS if answers.paperless else PAPERLESS)


@router.post(INCOME_SOURCES)
async def sources_continue(request: Request) -> Response:
    return await post(request, _continue)


# --- sole trader businesses ----------------------------------------------------------------
def _business_page(
    ctx: PageContext,
    form: BusinessForm,
    action: str,
    errors: dict[str, str],
    *,
    adding: bool,
) -> Response:
    return page(
        ctx,
        "signup_business.html",
        status_code=400 if errors else 200,
        title="Add a sole trader business" if adding else "Change a sole trader business",
        errors=errors,
        form=form,
        action=action,
        limit_text=_limit_text(ctx),
    )


def _not_found(ctx: PageContext) -> Response:
    return message(
        ctx,
        "Page not found",
        "There is no such business in your sign-up.",
        status_code=404,
        link=(INCOME_SOURCES, "Go to your income sources"),
    )


@router.get(NEW_BUSINESS)
def new_business_page(request: Request) -> Response:
    with page_context(request) as ctx:
        held = _held(ctx)
        if isinstance(held, Response):
            return held
        return _business_page(ctx, BusinessForm(), NEW_BUSINESS, {}, adding=True)


def _save_business(ctx: PageContext, answers: Answers, form: Form, key: str) -> Response:
    action = NEW_BUSINESS if not key else f"/signup/business/{key}"
    if not key and len(answers.businesses) >= MAX_BUSINESSES:
        return _sources_page(
            ctx, answers, {"income-sources": f"You can add up to {MAX_BUSINESSES} businesses"}
        )
    business, errors = read_business(form.single(), today(ctx), key)
    errors = errors | refused_fields(form)
    if business is None or form.refused:
        return _business_page(ctx, BusinessForm.of(form.single()), action, errors, adding=not key)
    save(ctx, answers.with_business(business))
    return redirect(ctx, INCOME_SOURCES)


@router.post(NEW_BUSINESS)
async def add_business(request: Request) -> Response:
    def handle(ctx: PageContext, _account: Account, answers: Answers, form: Form) -> Response:
        return _save_business(ctx, answers, form, "")

    return await post(request, handle)


def _business(ctx: PageContext, key: str) -> tuple[Answers, SoleTrader] | Response:
    held = _held(ctx)
    if isinstance(held, Response):
        return held
    business = held[1].business(key)
    if business is None:
        return _not_found(ctx)
    return held[1], business


@router.get("/signup/business/{key}")
def change_business_page(request: Request, key: str) -> Response:
    with page_context(request) as ctx:
        found = _business(ctx, key)
        if isinstance(found, Response):
            return found
        form = BusinessForm.of_business(found[1])
        return _business_page(ctx, form, f"/signup/business/{key}", {}, adding=False)


@router.post("/signup/business/{key}")
async def change_business(request: Request, key: str) -> Response:
    def handle(ctx: PageContext, _account: Account, answers: Answers, form: Form) -> Response:
        if answers.business(key) is None:
            return _not_found(ctx)
        return _save_business(ctx, answers, form, key)

    return await post(request, handle)


def _remove_page(
    ctx: PageContext, what: str, action: str, errors: dict[str, str] | None = None
) -> Response:
    return page(
        ctx,
        "signup_remove.html",
        status_code=400 if errors else 200,
        title=f"Are you sure you want to remove {what}?",
        errors=errors or {},
        action=action,
    )


@router.get("/signup/business/{key}/remove")
def remove_business_page(request: Request, key: str) -> Response:
    with page_context(request) as ctx:
        found = _business(ctx, key)
        if isinstance(found, Response):
            return found
        return _remove_page(ctx, found[1].name, f"/signup/business/{key}/remove")


@router.post("/signup/business/{key}/remove")
async def remove_business(request: Request, key: str) -> Response:
    def handle(ctx: PageContext, _account: Account, answers: Answers, form: Form) -> Response:
        business = answers.business(key)
        if business is None:
            return _not_found(ctx)
        remove, errors = read_yes_no(
            form.single(), "confirm", "Select yes if you want to remove this business"
        )
        if remove is None:
            return _remove_page(ctx, business.name, f"/signup/business/{key}/remove", errors)
        if remove:
            save(ctx, answers.without_business(key))
        return redirect(ctx, INCOME_SOURCES)

    return await post(request, handle)


# --- property businesses -------------------------------------------------------------------
def _property_page(
    ctx: PageContext, kind: str, form: dict[str, str], errors: dict[str, str]
) -> Response:
    _field, label, _short = PROPERTIES[kind]
    return page(
        ctx,
        "signup_property.html",
        status_code=400 if errors else 200,
        title=f"When did your {label} start?",
        errors=errors,
        form=form,
        action=f"/signup/property/{kind}",
        limit_text=_limit_text(ctx),
    )


def _start_form(start: StartDate | None) -> dict[str, str]:
    if start is None:
        return {}
    if start.day is None:
        return {"start_choice": "before"}
    day = start.day
    return {
        "start_choice": "date",
        "start_day": str(day.day),
        "start_month": str(day.month),
        "start_year": str(day.year),
    }


@router.get("/signup/property/{kind}")
def property_page(request: Request, kind: str) -> Response:
    with page_context(request) as ctx:
        held = _held(ctx)
        if isinstance(held, Response):
            return held
        if kind not in PROPERTIES:
            return _not_found(ctx)
        held_start = getattr(held[1], PROPERTIES[kind][0])
        return _property_page(ctx, kind, _start_form(held_start), {})


@router.post("/signup/property/{kind}")
async def save_property(request: Request, kind: str) -> Response:
    def handle(ctx: PageContext, _account: Account, answers: Answers, form: Form) -> Response:
        if kind not in PROPERTIES:
            return _not_found(ctx)
        field, label, _short = PROPERTIES[kind]
        start, errors = read_start(form.single(), today(ctx), label)
        errors = errors | refused_fields(form)
        if start is None or form.refused:
            return _property_page(ctx, kind, form.single(), errors)
        save(ctx, answers.with_property(field, start))
        return redirect(ctx, INCOME_SOURCES)

    return await post(request, handle)


@router.get("/signup/property/{kind}/remove")
def remove_property_page(request: Request, kind: str) -> Response:
    with page_context(request) as ctx:
        held = _held(ctx)
        if isinstance(held, Response):
            return held
        if kind not in PROPERTIES or getattr(held[1], PROPERTIES[kind][0]) is None:
            return _not_found(ctx)
        return _remove_page(ctx, f"your {PROPERTIES[kind][1]}", f"/signup/property/{kind}/remove")


@router.post("/signup/property/{kind}/remove")
async def remove_property(request: Request, kind: str) -> Response:
    def handle(ctx: PageContext, _account: Account, answers: Answers, form: Form) -> Response:
        if kind not in PROPERTIES or getattr(answers, PROPERTIES[kind][0]) is None:
            return _not_found(ctx)
        field, label, _short = PROPERTIES[kind]
        remove, errors = read_yes_no(
            form.single(), "confirm", f"Select yes if you want to remove your {label}"
        )
        if remove is None:
            return _remove_page(ctx, f"your {label}", f"/signup/property/{kind}/remove", errors)
        if remove:
            save(ctx, answers.with_property(field, None))
        return redirect(ctx, INCOME_SOURCES)

    return await post(request, handle)


@router.get(PARTNERSHIP)
def partnership_page(request: Request) -> Response:
    with page_context(request) as ctx:
        held = _held(ctx)
        if isinstance(held, Response):
            return held
        return message(
            ctx,
            "Income from a partnership",
            "You do not add income from a partnership when you sign up: it stays on your "
            "Self Assessment tax return.",
            "If you are a partner and also a sole trader or a landlord, add those businesses. "
            "If a partnership is your only income, you do not need to sign up.",
            link=(INCOME_SOURCES, "Back to your income sources"),
        )
