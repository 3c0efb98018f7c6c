"""The emulator's home page: what it serves and where to start."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator import demo
from openmtd.emulator.web.context import page_context
from openmtd.emulator.web.render import page

router = APIRouter()


@router.get("/", include_in_schema=False)
def home(request: Request) -> Response:
    with page_context(request) as ctx:
        return page(
            ctx,
            "home.html",
            title="openmtd HMRC emulator",
            demo_people=demo.present(ctx.tx),
            control_enabled=ctx.services.settings.control_enabled,
        )
