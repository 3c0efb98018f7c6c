"""Routes: "Manage authorised applications", where a person takes back authority they gave.

``GET /applications/manage`` lists the signed-in account's grants; each has a "Remove
authority" button (``POST /applications/manage/{grant_id}/revoke``), which revokes the grant,
its access tokens and its refresh tokens, then shows ``/applications/manage/{grant_id}/removed``.
A grant id that is not the account's own is answered exactly like one that does not exist.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.oauth.errors import InvalidScopeError
from openmtd.emulator.oauth.scopes import lookup
from openmtd.emulator.storage import Account, Grant
from openmtd.emulator.web.context import PageContext, page_context
from openmtd.emulator.web.render import message, page, redirect, uk_date_text
from openmtd.emulator.web.routes.gateway import AFTER_SIGN_IN, form_of
from openmtd.webkit.forms import Form

router = APIRouter(include_in_schema=False)

MANAGE_PATH = "/applications/manage"


def _scope_names(scopes: tuple[str, ...]) -> list[str]:
    names: list[str] = []
    for key in scopes:
        try:
            names.extend(scope.display_name for scope in lookup((key,)))
        except InvalidScopeError:
            names.append(key)
    return names


def _sign_in_first(ctx: PageContext) -> Response:
    ctx.set(AFTER_SIGN_IN, MANAGE_PATH)
    return redirect(ctx, "/gg/sign-in")


def _not_found(ctx: PageContext) -> Response:
    return message(
        ctx,
        "We could not find that authority",
        "It may have been removed already. Go back to Manage authorised applications to see "
        "the software you have given authority to.",
        status_code=404,
        link=(MANAGE_PATH, "Manage authorised applications"),
    )


def _own_grant(ctx: PageContext, account: Account, grant_id: str) -> Grant | None:
    """The account's grant with this id; None for another account's, or one that is not."""
    if not (grant_id.isascii() and grant_id.isdigit() and len(grant_id) <= 18):
        return None
    grant = ctx.tx.oauth.get_grant(int(grant_id))
    if grant is None or grant.account_id != account.id:
        return None
    return grant


@router.get(MANAGE_PATH)
def manage_page(request: Request) -> Response:
    with page_context(request) as ctx:
        account = ctx.account
        if account is None:
            return _sign_in_first(ctx)
        grants = [
            {
                "id": view.grant.id,
                "application_name": view.application_name,
                "scopes": _scope_names(view.grant.scopes),
                "granted": uk_date_text(view.grant.created_at),
                "expires": uk_date_text(view.grant.expires_at),
                "expired": view.grant.expires_at <= ctx.now,
            }
            for view in ctx.tx.oauth.grants_for_account(account.id)
        ]
        return page(ctx, "manage.html", title="Manage authorised applications", grants=grants)


def _revoke(request: Request, grant_id: str, fields: Form) -> Response:
    with page_context(request) as ctx:
        ctx.check_csrf(fields)
        account = ctx.account
        if account is None:
            return _sign_in_first(ctx)
        grant = _own_grant(ctx, account, grant_id)
        if grant is None or grant.revoked_at is not None:
            return _not_found(ctx)
        ctx.tx.oauth.revoke_grant(grant.id, ctx.now)
        return redirect(ctx, f"{MANAGE_PATH}/{grant.id}/removed")


@router.post(MANAGE_PATH + "/{grant_id}/revoke")
async def revoke(request: Request, grant_id: str) -> Response:
    fields = await form_of(request)
    return await run_in_threadpool(_revoke, request, grant_id, fields)


@router.get(MANAGE_PATH + "/{grant_id}/removed")
def removed_page(request: Request, grant_id: str) -> Response:
    with page_context(request) as ctx:
        account = ctx.account
        if account is None:
            return _sign_in_first(ctx)
        grant = _own_grant(ctx, account, grant_id)
        if grant is None or grant.revoked_at is None:
            return _not_found(ctx)
        application = ctx.tx.applications.get(grant.application_id)
        return page(
            ctx,
            "manage_removed.html",
            title="You have removed authority",
            application_name=application.name if application else "",
        )
