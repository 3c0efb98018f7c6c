"""Routes: the Developer Hub's application pages.

``/developer/applications`` (the list) → ``/developer/applications/new`` (add one; its client
secret is shown once) → ``/developer/applications/{client_id}`` (settings, client secrets,
change settings). The emulator is a local tool, so the Developer Hub needs no sign-in (openmtd's
choice, docs/emulator.md); every form still carries the session's CSRF token.

Thin: parse the form, call :mod:`openmtd.emulator.devhub.applications`, render. A setting the
service refuses (:class:`ApplicationError`) is shown against its field, GOV.UK style.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Final

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.devhub import applications as devhub
from openmtd.emulator.devhub.applications import ApplicationError
from openmtd.emulator.oauth.redirect_uris import MAX_REDIRECT_URIS
from openmtd.emulator.storage import Application
from openmtd.emulator.web.context import PageContext, page_context
from openmtd.emulator.web.render import message, page, redirect
from openmtd.rules.clock import UK_TIMEZONE
from openmtd.webkit.forms import REFUSED_MESSAGE, Form, read_form

router = APIRouter(include_in_schema=False)

BASE: Final = "/developer/applications"
NOTICE: Final = "devhub_notice"

#: How the Developer Hub names HMRC's grant lengths (APPDOM ``GrantLength``).
GRANT_LENGTH_LABELS: Final[dict[int, str]] = {
    0: "4 hours",
    1: "1 day",
    30: "1 month",
    90: "3 months",
    180: "6 months",
    365: "1 year",
    547: "18 months",
    1095: "3 years",
    1825: "5 years",
    3650: "10 years",
    36500: "100 years",
}


async def _form(request: Request) -> Form:
    """The posted form (``apis`` is the list of ticked checkboxes), read by the one reader."""
    return await read_form(request)


def _date(instant: datetime) -> str:
    local = instant.astimezone(UK_TIMEZONE)
    return f"{local.day} {local:%B %Y}"


def _grant_length(days: int) -> str:
    return GRANT_LENGTH_LABELS.get(days, f"{days} days")


def _choices() -> dict[str, Any]:
    return {
        "all_apis": devhub.EMULATED_APIS,
        "grant_lengths": [(days, _grant_length(days)) for days in devhub.GRANT_LENGTHS_DAYS],
        "max_redirect_uris": MAX_REDIRECT_URIS,
    }


def _form_values(
    name: str, redirect_uris: Iterable[str], apis: Iterable[str], rate_limit: Any, grant: Any
) -> dict[str, Any]:
    return {
        "name": name,
        "redirect_uris": "\n".join(redirect_uris),
        "apis": set(apis),
        "rate_limit": str(rate_limit),
        "grant_length_days": str(grant),
    }


def _values_of(application: Application) -> dict[str, Any]:
    return _form_values(
        application.name,
        application.redirect_uris,
        application.apis,
        application.rate_limit_per_second,
        application.grant_length_days,
    )


def _posted_values(form: Form) -> dict[str, Any]:
    return _form_values(
        form.get("name"),
        form.get("redirectUris").splitlines(),
        form.getlist("apis"),
        form.get("rateLimitPerSecond"),
        form.get("grantLengthDays"),
    )


def _settings(form: Form) -> dict[str, Any]:
    """The settings in a posted form, as the service takes them (whole numbers checked here)."""
    for name in ("name", "redirectUris", "apis", "rateLimitPerSecond", "grantLengthDays"):
        if name in form.refused:
            raise ApplicationError(name, REFUSED_MESSAGE)
    uris = [line.strip() for line in form.get("redirectUris").splitlines()]
    rate_text = form.get("rateLimitPerSecond").strip()
    try:
        # ASCII digits only: int() would also take "３" and "٣".
        if not (rate_text.isascii() and len(rate_text) <= 18):
            raise ValueError(rate_text)
        rate_limit = int(rate_text)
    except ValueError:
        raise ApplicationError(
            "rateLimitPerSecond",
            "Enter the rate limit as a whole number of requests per second, like 3",
        ) from None
    try:
        grant_text = form.get("grantLengthDays").strip()
        if not (grant_text.isascii() and len(grant_text) <= 18):
            raise ValueError(grant_text)
        grant_length_days = int(grant_text)
    except ValueError:
        raise ApplicationError("grantLengthDays", "Choose a grant length") from None
    return {
        "name": form.get("name"),
        "redirect_uris": [uri for uri in uris if uri],
        "apis": form.getlist("apis"),
        "rate_limit_per_second": rate_limit,
        "grant_length_days": grant_length_days,
    }


def _not_found(ctx: PageContext) -> Response:
    return message(
        ctx,
        "Application not found",
        "There is no application with that client ID. It may have been deleted, or the "
        "emulator's world reset.",
        status_code=404,
        link=(BASE, "View your applications"),
    )


# --- the list and a new application -------------------------------------------------------
@router.get(BASE)
def applications_page(request: Request) -> Response:
    with page_context(request) as ctx:
        return page(
            ctx,
            "devhub_list.html",
            title="Your applications",
            applications=[
                {"name": a.name, "client_id": a.client_id, "created": _date(a.created_at)}
                for a in ctx.tx.applications.list()
            ],
        )


@router.get(f"{BASE}/new")
def new_application_page(request: Request) -> Response:
    with page_context(request) as ctx:
        return page(
            ctx,
            "devhub_new.html",
            title="Add an application",
            form=_form_values(
                "",
                [],
                devhub.EMULATED_APIS,
                devhub.DEFAULT_RATE_LIMIT,
                devhub.DEFAULT_GRANT_LENGTH_DAYS,
            ),
            **_choices(),
        )


def _create(request: Request, form: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        try:
            created = devhub.create_application(ctx.tx, ctx.now, **_settings(form))
        except ApplicationError as error:
            return page(
                ctx,
                "devhub_new.html",
                status_code=400,
                title="Add an application",
                form=_posted_values(form),
                errors={error.field: error.message},
                **_choices(),
            )
        return page(
            ctx,
            "devhub_created.html",
            title="Your application has been added",
            application=created.application,
            client_secret=created.client_secret,
        )


@router.post(BASE)
async def create_application(request: Request) -> Response:
    form = await _form(request)
    return await run_in_threadpool(_create, request, form)


# --- one application ----------------------------------------------------------------------
def _application_page(
    ctx: PageContext,
    application: Application,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    return page(
        ctx,
        "devhub_application.html",
        status_code=status_code,
        title=application.name,
        application=application,
        created=_date(application.created_at),
        apis=[api for api in devhub.EMULATED_APIS if api in application.apis],
        grant_length=_grant_length(application.grant_length_days),
        secrets=[
            {"id": secret.id, "hint": secret.hint, "created": _date(secret.created_at)}
            for secret in application.secrets
        ],
        can_add_secret=len(application.secrets) < devhub.MAX_CLIENT_SECRETS,
        max_secrets=devhub.MAX_CLIENT_SECRETS,
        notice=ctx.pop(NOTICE) if ctx.get(NOTICE) else None,
        form=form or _values_of(application),
        errors=errors or {},
        **_choices(),
    )


@router.get(BASE + "/{client_id}")
def application_page(request: Request, client_id: str) -> Response:
    with page_context(request) as ctx:
        application = ctx.tx.applications.get_by_client_id(client_id)
        if application is None:
            return _not_found(ctx)
        return _application_page(ctx, application)


def _update(request: Request, client_id: str, form: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        application = ctx.tx.applications.get_by_client_id(client_id)
        if application is None:
            return _not_found(ctx)
        try:
            devhub.update_application(ctx.tx, application, **_settings(form))
        except ApplicationError as error:
            return _application_page(
                ctx,
                application,
                status_code=400,
                errors={error.field: error.message},
                form=_posted_values(form),
            )
        ctx.set(NOTICE, "Your changes have been saved")
        return redirect(ctx, f"{BASE}/{client_id}")


@router.post(BASE + "/{client_id}")
async def update_application(request: Request, client_id: str) -> Response:
    form = await _form(request)
    return await run_in_threadpool(_update, request, client_id, form)


def _add_secret(request: Request, client_id: str, form: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        application = ctx.tx.applications.get_by_client_id(client_id)
        if application is None:
            return _not_found(ctx)
        try:
            secret = devhub.add_client_secret(ctx.tx, application, ctx.now)
        except ApplicationError as error:
            return _application_page(
                ctx, application, status_code=400, errors={error.field: error.message}
            )
        return page(
            ctx,
            "devhub_secret.html",
            title="Your new client secret",
            application=application,
            client_secret=secret,
        )


@router.post(BASE + "/{client_id}/secrets")
async def add_secret(request: Request, client_id: str) -> Response:
    form = await _form(request)
    return await run_in_threadpool(_add_secret, request, client_id, form)


def _delete_secret(request: Request, client_id: str, secret_id: str, form: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(form)
        application = ctx.tx.applications.get_by_client_id(client_id)
        if application is None:
            return _not_found(ctx)
        secret = next((s for s in application.secrets if str(s.id) == secret_id), None)
        try:
            devhub.delete_client_secret(ctx.tx, application, secret.id if secret else -1)
        except ApplicationError as error:
            return _application_page(
                ctx, application, status_code=400, errors={error.field: error.message}
            )
        assert secret is not None  # the service refuses a secret the application lacks
        ctx.set(NOTICE, f"The client secret ending {secret.hint} has been deleted")
        return redirect(ctx, f"{BASE}/{client_id}")


@router.post(BASE + "/{client_id}/secrets/{secret_id}/delete")
async def delete_secret(request: Request, client_id: str, secret_id: str) -> Response:
    form = await _form(request)
    return await run_in_threadpool(_delete_secret, request, client_id, secret_id, form)
