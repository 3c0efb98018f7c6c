"""The dashboard: what the signed-in person must do, by when, and what happens if they don't.

``GET /dashboard`` reads the customer's position through the SDK (``services/position.py``:
the ITSA statuses of three years, this year's obligations, the income sources) and shows it
in the rules' words, never the raw status or reason. Someone not connected yet is shown how to
connect; every error the SDK can raise has a page saying what to do next
(:mod:`openmtd.app.web.routes.dashboard_problems`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from openmtd.app.services.connection import (
    connection_banner,
    reporting_obligations_url,
    sign_up_url,
)
from openmtd.app.services.position import Position, as_sentence, read_position
from openmtd.app.services.reminders import give
from openmtd.app.web.context import PageContext, page_context
from openmtd.app.web.hmrc_calls import hmrc_client
from openmtd.app.web.render import page
from openmtd.app.web.routes.dashboard_problems import read_problem
from openmtd.rules.clock import uk_date
from openmtd.rules.identifiers import Nino
from openmtd.rules.penalties import how_points_work
from openmtd.sdk import Environment, OpenMtdError

router = APIRouter()


def actions(position: Position, hmrc: Environment) -> list[dict[str, str]]:
    """The ways on to HMRC online services the rules allow: opt out, opt back in, sign up.
    Each is a link: none of them is an API."""
    guidance = position.guidance
    reporting = reporting_obligations_url(hmrc)
    found: list[dict[str, str]] = []
    if guidance.can_opt_out:
        found.append({"href": reporting, "text": "Opt out with HMRC"})
    if guidance.can_sign_up:
        if position.signed_up:
            found.append({"href": reporting, "text": "Choose to use MTD with HMRC"})
        else:
            found.append({"href": sign_up_url(hmrc), "text": "Sign up with HMRC"})
    return found


def timeline(position: Position) -> list[dict[str, Any]]:
    """What to send, soonest first: this year's obligations as HMRC holds them, and the rules'
    deadlines for earlier years (last year's tax return, say); every deadline from the rules
    when HMRC holds no obligations. Next year's come with next year."""
    guidance = position.guidance
    entries: list[dict[str, Any]] = [
        {
            "what": row.what,
            "period": (row.start, row.end) if row.kind == "quarterly" else None,
            "due": row.due,
            "state": row.state,
            "state_text": row.state_text,
            "penalty": None
            if row.fulfilled
            else "late brings a penalty point"
            if row.penalty_bearing
            else "no penalty point if late",
        }
        for row in position.obligations
    ]
    for deadline in position.other_deadlines(later_years=False):
        late = deadline.due < guidance.today
        entries.append(
            {
                "what": as_sentence(deadline.what),
                "period": None,
                "due": deadline.due,
                "state": "late" if late else "open",
                "state_text": "late: send it now" if late else "to send",
                "penalty": "late brings a penalty" if deadline.penalty_points else None,
            }
        )
    return sorted(entries, key=lambda entry: (entry["due"], entry["what"]))


def position_values(position: Position, hmrc: Environment) -> dict[str, Any]:
    """What ``_position.html`` draws for a position (the dashboard's body)."""
    guidance = position.guidance
    quarterly = any(year.uses_mtd for year in guidance.years[1:2])
    return {
        "position": position,
        "guidance": guidance,
        "sign_up_url": sign_up_url(hmrc),
        "actions": actions(position, hmrc),
        "timeline": timeline(position),
        "points": how_points_work(quarterly=quarterly),
    }


def _not_connected(ctx: PageContext) -> Response:
    return page(ctx, "dashboard_connect.html", title="Your dashboard")


@router.get("/dashboard")
def dashboard(request: Request) -> Response:
    with page_context(request) as ctx:
        user = ctx.require_user()
        connection = ctx.tx.connections.get(user.id)
        if connection is None:
            return _not_connected(ctx)
        today = uk_date(ctx.now)
        try:
            with hmrc_client(ctx) as client:
                position = read_position(client, connection.nino, today=today)
        except OpenMtdError as error:
            return read_problem(ctx, error, connection.nino)
        # Today's reminders, each given once; the emails wait in the outbox for delivery.
        given = give(ctx.tx, user, connection.nino, position, today, ctx.now)
        # A reminder whose deadline passed, or whose obligation HMRC now has, is not shown.
        notices = [
            notice
            for notice in ctx.tx.notices.for_user(user.id, unread_only=True)
            if notice.deadline >= today and notice.key not in given.met_keys
        ]
        hmrc = ctx.services.settings.hmrc
        return page(
            ctx,
            "dashboard.html",
            title="Your dashboard",
            nino=Nino(connection.nino).display,
            connection_banner=connection_banner(ctx),
            notices=notices,
            **position_values(position, hmrc),
        )
