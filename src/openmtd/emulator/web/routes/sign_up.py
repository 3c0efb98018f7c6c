"""Routes: HMRC online services for an individual (issue 9): sign up for MTD ITSA
(``/signup/...``, one module per group of steps) and manage reporting obligations
(``/reporting-obligations``). ``create_app`` includes this one router."""

from __future__ import annotations

from fastapi import APIRouter

from openmtd.emulator.web.routes import (
    reporting,
    sign_up_finish,
    sign_up_gate,
    sign_up_income,
    sign_up_year,
)

router = APIRouter(include_in_schema=False)
for part in (sign_up_gate, sign_up_year, sign_up_income, sign_up_finish, reporting):
    router.include_router(part.router)
