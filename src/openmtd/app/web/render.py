"""Rendering pages and redirects from a :class:`PageContext` (session saved, cookie set)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from openmtd.app.web.context import PageContext
from openmtd.rules.clock import UK_TIMEZONE


def templates_of(ctx: PageContext) -> Jinja2Templates:
    templates = ctx.request.app.state.templates
    assert isinstance(templates, Jinja2Templates)
    return templates


def page(ctx: PageContext, template: str, *, status_code: int = 200, **values: Any) -> Response:
    """Render ``template`` with the session's CSRF token and who is signed in.

    Every template extends ``base.html``; ``errors`` (field name to message) feeds the error
    summary and each field's message; ``title`` is the page's heading and title."""
    values.setdefault("errors", {})
    values.setdefault("title", "")
    values["csrf_token"] = ctx.csrf_token
    values["user"] = ctx.user
    response: HTMLResponse = templates_of(ctx).TemplateResponse(
        ctx.request, template, values, status_code=status_code
    )
    response.headers["Cache-Control"] = "no-store"
    return ctx.finish(response)


def message(
    ctx: PageContext,
    title: str,
    *paragraphs: str,
    status_code: int = 200,
    link: tuple[str, str] | None = None,
) -> Response:
    """A simple page: a heading, some paragraphs and an optional button link (href, text)."""
    return page(
        ctx,
        "message.html",
        status_code=status_code,
        title=title,
        paragraphs=paragraphs,
        link={"href": link[0], "text": link[1]} if link else None,
    )


def redirect(ctx: PageContext, location: str) -> Response:
    """A 303 See Other (after a POST, the browser GETs the next page)."""
    return ctx.finish(RedirectResponse(location, status_code=303))


def date_text(day: date | datetime) -> str:
    """``31 January 2027``: a date as UK pages write it (a datetime in UK local time)."""
    if isinstance(day, datetime):
        day = day.astimezone(UK_TIMEZONE).date()
    return f"{day.day} {day:%B %Y}"
