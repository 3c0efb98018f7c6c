"""The start page."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from openmtd.app.web.context import page_context
from openmtd.app.web.render import page

router = APIRouter()


@router.get("/")
def home(request: Request) -> Response:
    with page_context(request) as ctx:
        return page(ctx, "home.html", title="")
