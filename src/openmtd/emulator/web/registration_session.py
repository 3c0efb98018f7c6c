"""What an account being created keeps in the browser session.

Shared by the steps of :mod:`~openmtd.emulator.web.routes.accounts` (the details) and
:mod:`~openmtd.emulator.web.routes.two_step_setup` (2-step verification).
"""

from __future__ import annotations

from typing import Final

from starlette.responses import Response

from openmtd.emulator.gateway.registration import PendingRegistration
from openmtd.emulator.web.context import PageContext
from openmtd.emulator.web.render import message

#: Session keys: the details waiting for 2SV, the app secret and the texted code being set up,
#: and the account just created (for the confirmation page).
PENDING: Final = "registration"
SETUP_SECRET: Final = "registration_totp_secret"
SETUP_TEXT: Final = "registration_text_code"
CREATED: Final = "created_account_id"


def pending_registration(ctx: PageContext) -> PendingRegistration | None:
    return PendingRegistration.from_data(ctx.get(PENDING))


def not_started(ctx: PageContext) -> Response:
    return message(
        ctx,
        "Your session has ended",
        "We did not keep the details you entered, because you did not use the service for "
        "15 minutes or you have not entered them yet. Nothing has been created.",
        status_code=400,
        link=("/gg/create-account", "Create your sign in details"),
    )
