"""Routes: creating a Government Gateway account, where 2-step verification comes first.

``/gg/create-account`` (the details) → ``/gg/two-step/setup`` and on (app or text message,
:mod:`~openmtd.emulator.web.routes.two_step_setup`) → ``/gg/create-account/done`` (signed in;
the new user ID). Until the last step the account does not exist: its details wait in the
browser session, the password only as its argon2 hash.
"""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.gateway import registration
from openmtd.emulator.gateway.accounts import MIN_PASSWORD_LENGTH
from openmtd.emulator.gateway.registration import (
    RegistrationForm,
)
from openmtd.emulator.storage import AffinityGroup, CredentialRole
from openmtd.emulator.web.context import PageContext, page_context
from openmtd.emulator.web.registration_session import (
    CREATED,
    PENDING,
    SETUP_SECRET,
    SETUP_TEXT,
    not_started,
)
from openmtd.emulator.web.render import page, redirect
from openmtd.emulator.web.routes import phone, two_step_setup
from openmtd.emulator.web.routes.gateway import after_sign_in, form_of
from openmtd.rules.clock import uk_date
from openmtd.webkit.forms import REFUSED_MESSAGE, Form

router = APIRouter(include_in_schema=False)

CREATE_TITLE: Final = "Create your sign in details"


AFFINITY_CHOICES: Final = (
    (AffinityGroup.INDIVIDUAL.value, "Individual", "A person who pays tax."),
    (
        AffinityGroup.ORGANISATION.value,
        "Organisation",
        "A company, partnership, trust or other organisation.",
    ),
    (AffinityGroup.AGENT.value, "Agent", "An accountant or tax adviser acting for clients."),
)
ROLE_CHOICES: Final = (
    (CredentialRole.USER.value, "Administrator (User)"),
    (CredentialRole.ASSISTANT.value, "Assistant"),
)
CONFIDENCE_CHOICES: Final = (
    ("50", "50: identity not yet confirmed (it is checked during the journey, when needed)"),
    ("200", "200: identity confirmed at a medium level"),
    ("250", "250: identity confirmed (no identity check in the journey)"),
)


# --- create an account ------------------------------------------------------------------------


def _create_page(
    ctx: PageContext,
    form: RegistrationForm,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return page(
        ctx,
        "account_create.html",
        status_code=status_code,
        title=CREATE_TITLE,
        form=form.redisplay(),
        errors=errors or {},
        affinity_choices=AFFINITY_CHOICES,
        role_choices=ROLE_CHOICES,
        confidence_choices=CONFIDENCE_CHOICES,
        min_password_length=MIN_PASSWORD_LENGTH,
    )


@router.get("/gg/create-account")
def create_account_page(request: Request) -> Response:
    with page_context(request) as ctx:
        return _create_page(ctx, RegistrationForm())


def _refused(fields: Form) -> dict[str, str]:
    """The page's message against each field whose value the form reader refused."""
    names = {"date_of_birth" if name.startswith("dob_") else name for name in fields.refused}
    return {name: REFUSED_MESSAGE for name in registration.FIELD_ORDER if name in names}


def _create(request: Request, fields: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(fields)
        form = RegistrationForm.from_fields(fields.single())
        refused = _refused(fields)
        if refused:
            return _create_page(ctx, form, errors=refused, status_code=400)
        result = registration.prepare(ctx.tx, ctx.services.hasher, form, uk_date(ctx.now))
        if isinstance(result, dict):
            return _create_page(ctx, form, errors=result, status_code=400)
        ctx.set(PENDING, result.to_data())
        ctx.pop(SETUP_SECRET)
        ctx.pop(SETUP_TEXT)
        return redirect(ctx, "/gg/two-step/setup")


@router.post("/gg/create-account")
async def create_account(request: Request) -> Response:
    fields = await form_of(request)
    return await run_in_threadpool(_create, request, fields)


@router.get("/gg/create-account/done")
def created_page(request: Request) -> Response:
    with page_context(request) as ctx:
        account = ctx.account
        if account is None or ctx.get(CREATED) != account.id:
            return not_started(ctx)
        return page(
            ctx,
            "account_created.html",
            title="You have created your sign in details",
            user_id=account.user_id,
            first_name=account.first_name,
            two_step_method=account.two_step_method.value if account.two_step_method else "",
            continue_url=after_sign_in(ctx),
        )


# The steps after the details, and the phone the texts arrive on, are served with these pages.
router.include_router(two_step_setup.router)
router.include_router(phone.router)
