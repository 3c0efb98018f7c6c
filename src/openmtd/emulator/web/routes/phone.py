"""Routes: the emulator's pretend phone, ``/gg/phone``: the texts sent to a number, newest first."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.gateway.accounts import AccountError
from openmtd.emulator.gateway.two_step_setup import uk_mobile_number
from openmtd.emulator.web.context import page_context
from openmtd.emulator.web.render import page, uk_time_text

router = APIRouter(include_in_schema=False)


@router.get("/gg/phone")
def phone_page(request: Request) -> Response:
    with page_context(request) as ctx:
        typed = request.query_params.get("number", "")
        if not typed.strip():
            return page(ctx, "phone.html", title="The emulator's phone", number="", messages=None)
        try:
            number = uk_mobile_number(typed)
        except AccountError as error:
            return page(
                ctx,
                "phone.html",
                status_code=400,
                title="The emulator's phone",
                number=typed,
                messages=None,
                errors={"number": error.message},
            )
        texts = [
            {"body": text.body, "sent_at": uk_time_text(text.sent_at)}
            for text in ctx.tx.phone.messages(number)
        ]
        return page(
            ctx,
            "phone.html",
            title="The emulator's phone",
            number=number,
            messages=texts,
        )
