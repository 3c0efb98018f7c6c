"""Reminders: ``/reminders`` (how often, and whether by email; the reminders given),
``POST /reminders/{id}/read``, and ``/reminders/outbox`` (the person's own emails, which stay
there unless SMTP is configured). The reminders themselves are given by the dashboard and by
``openmtd app remind`` (``services/reminders.py``).
"""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from openmtd.app.web.context import PageContext, page_context
from openmtd.app.web.render import page, redirect
from openmtd.rules.reminders import DAYS_BEFORE_CHOICES
from openmtd.webkit.forms import read_form

router = APIRouter()

NO_INTERVAL = "Choose at least one: without one, openmtd gives no reminders"


def _page(
    ctx: PageContext, *, errors: dict[str, str] | None = None, saved: bool = False
) -> Response:
    user = ctx.require_user()
    return page(
        ctx,
        "reminders.html",
        status_code=400 if errors else 200,
        title="Reminders",
        errors=errors or {},
        preferences=ctx.tx.reminders.get(user.id),
        choices=DAYS_BEFORE_CHOICES,
        notices=ctx.tx.notices.for_user(user.id),
        saved=saved,
        email_configured=ctx.services.settings.smtp is not None,
    )


@router.get("/reminders")
def reminders_page(request: Request) -> Response:
    with page_context(request) as ctx:
        return _page(ctx, saved=request.query_params.get("saved") == "1")


@router.post("/reminders")
async def save_reminders(request: Request) -> Response:
    form = await read_form(request)
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        user = ctx.require_user()
        chosen = set(form.getlist("days_before"))
        days = tuple(days for days in DAYS_BEFORE_CHOICES if str(days) in chosen)
        if not days:
            return _page(ctx, errors={"days_before": NO_INTERVAL})
        preferences = replace(
            ctx.tx.reminders.get(user.id), days_before=days, email=form.get("email") == "yes"
        )
        ctx.tx.reminders.save(preferences)
        return redirect(ctx, "/reminders?saved=1")


@router.post("/reminders/{notice_id}/read")
async def mark_read(request: Request, notice_id: str) -> Response:
    form = await read_form(request)
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        user = ctx.require_user()
        if notice_id.isascii() and notice_id.isdigit() and len(notice_id) < 12:
            # Only the person's own notice is marked (the repository checks the owner).
            ctx.tx.notices.mark_read(user.id, int(notice_id), ctx.now)
        back = form.get("back")
        return redirect(ctx, "/dashboard" if back == "dashboard" else "/reminders")


@router.get("/reminders/outbox")
def outbox(request: Request) -> Response:
    with page_context(request) as ctx:
        user = ctx.require_user()
        return page(
            ctx,
            "outbox.html",
            title="Your reminder emails",
            messages=ctx.tx.outbox.recent(to=user.email, limit=50),
            email_configured=ctx.services.settings.smtp is not None,
        )
