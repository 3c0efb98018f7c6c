"""Routes: manage your reporting obligations, opt out and opt in (business rules §3.5, §3.6).

:func:`reporting_router` builds the pages under a prefix for whoever acts: the individual
(:data:`router`, at ``/reporting-obligations``, for their own NINO) or, mounted by the agent's
pages with their own :data:`SubjectResolver`, an agent for a client. Pages:

- ``{prefix}``: the previous, current and next tax years, how each is reported, and links to
  opt out or opt in when :mod:`openmtd.rules.opt_out` allows either;
- ``{prefix}/{opt-out|opt-in}``: choose a year among exactly those allowed, each with its
  consequences (quarterly updates already sent for an opted-out year are deleted);
- ``{prefix}/{action}/check``: the years that will change; confirming records them;
- ``{prefix}/{action}/done``: what changed.

The chosen year waits in the server-side session between the pages, and everything is worked
out again from the statuses when confirmed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator import reporting_obligations as obligations
from openmtd.emulator.sign_up.facts import MTD_IT
from openmtd.emulator.web.context import PageContext, page_context
from openmtd.emulator.web.render import message, page, redirect
from openmtd.emulator.web.routes.gateway import AFTER_SIGN_IN, form_of
from openmtd.rules.errors import RuleError
from openmtd.rules.opt_out import StatusChange
from openmtd.rules.tax_year import TaxYear
from openmtd.webkit.forms import Form

PREFIX: Final = "/reporting-obligations"
_CHOICE: Final = "reporting_choice"
_MTD: Final = "Making Tax Digital for Income Tax"


@dataclass(frozen=True, slots=True)
class Subject:
    """Whose reporting obligations the pages show: a NINO, and whether an agent is acting."""

    nino: str
    agent: bool = False


#: Finds the subject for a request, or answers it (sign in first, not allowed, ...).
SubjectResolver = Callable[[PageContext, str], Subject | Response]


def individual(ctx: PageContext, prefix: str) -> Subject | Response:
    """The signed-in individual or organisation, who must be signed up (``HMRC-MTD-IT``)."""
    account = ctx.account
    if account is None:
        ctx.set(AFTER_SIGN_IN, prefix)
        return redirect(ctx, "/gg/sign-in")
    if account.enrolment(MTD_IT) is None or not account.nino:
        return message(
            ctx,
            f"You have not signed up for {_MTD}",
            "Your reporting obligations are shown here once you have signed up.",
            status_code=403,
            link=("/signup", "Sign up"),
        )
    return Subject(account.nino)


@dataclass(frozen=True, slots=True)
class _Action:
    verb: str
    title: str
    done_title: str


_ACTIONS: Final = {
    "opt-out": _Action(
        "opt out",
        "Opt out of quarterly reporting",
        "You have opted out of quarterly reporting",
    ),
    "opt-in": _Action(
        "opt in",
        "Sign up to report quarterly",
        "You have signed up to report quarterly",
    ),
}


def reporting_router(prefix: str, resolve: SubjectResolver) -> APIRouter:
    """The reporting-obligations pages under ``prefix``, for the subject ``resolve`` finds."""
    router = APIRouter(include_in_schema=False)

    def subject_of(ctx: PageContext) -> Subject | Response:
        return resolve(ctx, prefix)

    def options(held: obligations.Position, action: str) -> tuple[TaxYear, ...]:
        return held.opt_out_years if action == "opt-out" else held.opt_in_years

    def changes(
        held: obligations.Position, action: str, chosen: TaxYear
    ) -> tuple[StatusChange, ...]:
        if action == "opt-out":
            return obligations.opt_out_changes(held, chosen)
        return obligations.opt_in_changes(held, chosen)

    def consequences(
        held: obligations.Position, action: str, year: TaxYear, agent: bool
    ) -> tuple[str, ...]:
        if action == "opt-out":
            return obligations.opt_out_consequences(year, agent=agent)
        current = held.years.current_year
        return (obligations.opt_in_consequences(year, current, agent=agent),)

    @router.get(prefix)
    def overview(request: Request) -> Response:
        with page_context(request) as ctx:
            subject = subject_of(ctx)
            if isinstance(subject, Response):
                return subject
            held = obligations.position(ctx.tx, subject.nino, ctx.now)
            years = held.years
            return page(
                ctx,
                "reporting.html",
                title="Your reporting obligations"
                if not subject.agent
                else "Your client's reporting obligations",
                prefix=prefix,
                years=[
                    (year.label(), obligations.describe(held.status(year), agent=subject.agent))
                    for year in (years.previous_year, years.current_year, years.next_year)
                ],
                can_opt_out=bool(held.opt_out_years),
                can_opt_in=bool(held.opt_in_years),
            )

    def not_available(ctx: PageContext, action: str) -> Response:
        return message(
            ctx,
            f"You cannot {_ACTIONS[action].verb} at the moment",
            "None of the tax years HMRC looks at (the previous, current and next) can be "
            "changed this way. Mandated years cannot be opted out of; only years reported "
            "annually can be opted into.",
            status_code=409,
            link=(prefix, "Back to reporting obligations"),
        )

    def choose_page(
        ctx: PageContext,
        subject: Subject,
        held: obligations.Position,
        action: str,
        errors: dict[str, str] | None = None,
    ) -> Response:
        years = options(held, action)
        if not years:
            return not_available(ctx, action)
        return page(
            ctx,
            "reporting_choose.html",
            status_code=400 if errors else 200,
            title=_ACTIONS[action].title,
            errors=errors or {},
            action=f"{prefix}/{action}",
            back=prefix,
            choices=[
                (str(year), year.label(), " ".join(consequences(held, action, year, subject.agent)))
                for year in years
            ],
        )

    def _with_subject(
        request: Request, form: Form | None, action: str, handle: Callable[..., Response]
    ) -> Response:
        with page_context(request) as ctx:
            if form is not None:
                ctx.check_csrf(form)
            if action not in _ACTIONS:
                return message(ctx, "Page not found", status_code=404, link=(prefix, "Go back"))
            subject = subject_of(ctx)
            if isinstance(subject, Response):
                return subject
            held = obligations.position(ctx.tx, subject.nino, ctx.now)
            return handle(ctx, subject, held)

    @router.get(prefix + "/{action}")
    async def choose(request: Request, action: str) -> Response:
        return await run_in_threadpool(
            _with_subject,
            request,
            None,
            action,
            lambda ctx, subject, held: choose_page(ctx, subject, held, action),
        )

    @router.post(prefix + "/{action}")
    async def chosen(request: Request, action: str) -> Response:
        form = await form_of(request)

        def handle(ctx: PageContext, subject: Subject, held: obligations.Position) -> Response:
            picked = next(
                (year for year in options(held, action) if str(year) == form.get("tax_year")),
                None,
            )
            if picked is None:
                return choose_page(ctx, subject, held, action, {"tax_year": "Select a tax year"})
            ctx.set(_CHOICE, {"action": action, "nino": subject.nino, "year": str(picked)})
            return redirect(ctx, f"{prefix}/{action}/check")

        return await run_in_threadpool(_with_subject, request, form, action, handle)

    def pending(
        ctx: PageContext, subject: Subject, held: obligations.Position, action: str
    ) -> tuple[StatusChange, ...] | None:
        stored = ctx.get(_CHOICE)
        if not isinstance(stored, dict) or stored.get("action") != action:
            return None
        if stored.get("nino") != subject.nino:
            return None
        try:
            return changes(held, action, TaxYear.parse(str(stored.get("year"))))
        except RuleError:
            return None

    @router.get(prefix + "/{action}/check")
    async def check(request: Request, action: str) -> Response:
        def handle(ctx: PageContext, subject: Subject, held: obligations.Position) -> Response:
            planned = pending(ctx, subject, held, action)
            if planned is None:
                return redirect(ctx, f"{prefix}/{action}")
            first = planned[0].tax_year
            return page(
                ctx,
                "reporting_check.html",
                title=f"Confirm you want to {_ACTIONS[action].verb}",
                action=f"{prefix}/{action}/check",
                back=f"{prefix}/{action}",
                years=[change.tax_year.label() for change in planned],
                consequences=consequences(held, action, first, subject.agent),
                verb=_ACTIONS[action].verb,
            )

        return await run_in_threadpool(_with_subject, request, None, action, handle)

    @router.post(prefix + "/{action}/check")
    async def confirm(request: Request, action: str) -> Response:
        form = await form_of(request)

        def handle(ctx: PageContext, subject: Subject, held: obligations.Position) -> Response:
            planned = pending(ctx, subject, held, action)
            if planned is None:
                return redirect(ctx, f"{prefix}/{action}")
            obligations.record(ctx.tx, subject.nino, planned, ctx.now)
            ctx.pop(_CHOICE)
            years = ", ".join(change.tax_year.label() for change in planned)
            return message(
                ctx,
                _ACTIONS[action].done_title,
                f"This applies to: {years}.",
                *consequences(held, action, planned[0].tax_year, subject.agent),
                link=(prefix, "Back to reporting obligations"),
            )

        return await run_in_threadpool(_with_subject, request, form, action, handle)

    return router


#: The individual's own pages.
router = reporting_router(PREFIX, individual)
