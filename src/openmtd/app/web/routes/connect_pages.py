"""The pages for everything that can go wrong while connecting to HMRC, each saying what
happened and what to do next (never a raw code without words; a reference is added where
HMRC's support would ask for it).

:func:`reconnect_page` is for any page whose HMRC call raised
:class:`~openmtd.sdk.ReauthorisationRequired`: it says why and offers the one-click Reconnect.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.responses import Response

from openmtd.app.services.connection import IDENTITY_FAILED_DESCRIPTION, sign_up_url
from openmtd.app.web.context import PageContext
from openmtd.app.web.render import page
from openmtd.rules.identifiers import Nino
from openmtd.sdk import (
    AuthorizationDenied,
    HmrcApiError,
    InsufficientScope,
    NotAuthorised,
    NotSignedUp,
    OAuthError,
    OpenMtdError,
    ReauthorisationReason,
    ReauthorisationRequired,
    ServerError,
    Throttled,
    TransportError,
)

#: The outcomes of HMRC's identity check that come back as ``error_code`` (the IV stub's
#: names, as the emulator sends them); HMRC says not to rely on ``error_code``, so the
#: description is checked too.
IDENTITY_OUTCOMES = frozenset(
    {
        "FailedMatching",
        "LockedOut",
        "InsufficientEvidence",
        "TechnicalIssue",
        "UserAborted",
        "TimedOut",
        "Incomplete",
        "PreconditionFailed",
        "FailedIV",
    }
)

_START_AGAIN = ("/connect", "Start again")
_DASHBOARD = ("/dashboard", "Go to your dashboard")


@dataclass
class Problem:
    """One failure page: a heading, what happened, what to do, and the ways on."""

    title: str
    paragraphs: list[str]
    status_code: int = 200
    links: list[tuple[str, str]] = field(default_factory=lambda: [_START_AGAIN])
    reconnect: bool = False
    reference: str | None = None


def render_problem(ctx: PageContext, problem: Problem) -> Response:
    return page(
        ctx,
        "connect_problem.html",
        status_code=problem.status_code,
        title=problem.title,
        paragraphs=problem.paragraphs,
        links=[{"href": href, "text": text} for href, text in problem.links],
        reconnect=problem.reconnect,
        reference=problem.reference,
    )


def journey_expired(ctx: PageContext) -> Response:
    """No journey in this session, or the answer's ``state`` is not this journey's."""
    return render_problem(
        ctx,
        Problem(
            "Your connection to HMRC was not finished",
            [
                "The answer from HMRC did not match a connection started in this browser, or the "
                "connection was started too long ago, or it was already used. Nothing was "
                "connected.",
                "Start again from this page. If you opened HMRC's sign-in from an old link or "
                "another browser, use the button below instead.",
            ],
            status_code=400,
        ),
    )


def _identity_failed(error: AuthorizationDenied) -> bool:
    return error.description == IDENTITY_FAILED_DESCRIPTION or error.error_code in IDENTITY_OUTCOMES


def callback_problem(ctx: PageContext, error: OAuthError) -> Response:
    """HMRC's redirect came back with ``error`` (or with neither code nor error)."""
    if isinstance(error, AuthorizationDenied) and error.error == "access_denied":
        if _identity_failed(error):
            extra = (
                "HMRC has locked the identity check for now. Wait a while, then try again."
                if error.error_code == "LockedOut"
                else "You can start again and take the identity check once more. If it keeps "
                "failing, contact HMRC."
            )
            problem = Problem(
                "HMRC could not confirm your identity",
                [
                    "HMRC needs to confirm who you are before software can read your tax "
                    "records, and the identity check did not finish. Nothing was connected.",
                    extra,
                ],
            )
        else:
            problem = Problem(
                "You chose not to give access",
                [
                    "You told HMRC not to let openmtd read your tax records, so nothing was "
                    "connected. You can still use the income check.",
                    "If you change your mind, start again and choose to grant authority.",
                ],
                links=[_START_AGAIN, ("/check-income", "Check if you need MTD")],
            )
    elif error.error in {"server_error", "temporarily_unavailable"}:
        problem = Problem(
            "HMRC's sign-in is not available",
            [
                "HMRC could not finish the sign-in just now. Nothing was connected.",
                "Try again in a few minutes.",
            ],
            status_code=503,
            reference=error.error,
        )
    elif isinstance(error, AuthorizationDenied):
        problem = Problem(
            "HMRC could not start the connection",
            [
                "HMRC refused the request openmtd made to connect. This is a fault in how this "
                "copy of openmtd is set up, not something you did. Nothing was connected.",
                "Tell whoever runs this openmtd, quoting the reference below.",
            ],
            status_code=502,
            reference=error.error + (f" ({error.error_code})" if error.error_code else ""),
        )
    else:
        problem = Problem(
            "HMRC's answer was incomplete",
            [
                "The answer from HMRC had neither the permission openmtd needs nor a reason. "
                "Nothing was connected. Start again.",
            ],
            status_code=400,
        )
    return render_problem(ctx, problem)


def exchange_problem(ctx: PageContext, error: OpenMtdError) -> Response:
    """The token endpoint refused the code, or HMRC could not be reached."""
    if isinstance(error, TransportError):
        problem = Problem(
            "HMRC could not be reached",
            [
                "openmtd could not get an answer from HMRC to finish connecting. Nothing was "
                "connected.",
                "Check your internet connection, then start again.",
            ],
            status_code=502,
        )
    elif isinstance(error, OAuthError) and error.error == "invalid_client":
        problem = Problem(
            "HMRC did not accept this copy of openmtd",
            [
                "HMRC refused openmtd's own credentials, so nothing was connected. This is a "
                "fault in how this copy of openmtd is set up, not something you did.",
                "Tell whoever runs this openmtd, quoting the reference below.",
            ],
            status_code=502,
            reference=error.error,
        )
    else:
        reference = error.error if isinstance(error, OAuthError) else type(error).__name__
        problem = Problem(
            "HMRC did not finish the connection",
            [
                "HMRC refused to complete the connection. This happens when the sign-in took "
                "more than 10 minutes, or HMRC's answer was used twice. Nothing was connected.",
                "Start again: it takes a minute.",
            ],
            status_code=502,
            reference=reference,
        )
    return render_problem(ctx, problem)


def api_reference(error: HmrcApiError) -> str:
    if error.correlation_id:
        return f"{error.code}, correlation id {error.correlation_id}"
    return error.code


def check_problem(ctx: PageContext, error: OpenMtdError, nino: str) -> Response:
    """The check call just after connecting did not succeed."""
    shown = Nino(nino).display
    if isinstance(error, NotSignedUp):
        problem = Problem(
            "You are connected, but not signed up for Making Tax Digital yet",
            [
                "openmtd is connected to HMRC, but HMRC has no Making Tax Digital for Income "
                f"Tax sign-up for {shown}.",
                "If you need to use Making Tax Digital (the income check tells you), sign up "
                "with HMRC online services. Once you have signed up, your dashboard shows what "
                "to send and by when.",
            ],
            links=[(sign_up_url(ctx.services.settings.hmrc), "Sign up with HMRC"), _DASHBOARD],
        )
    elif isinstance(error, NotAuthorised):
        problem = Problem(
            "HMRC did not let openmtd read these records",
            [
                f"HMRC said the account you signed in with may not see the tax records for "
                f"{shown}. Nothing was kept.",
                "Check your National Insurance number, or that you signed in with the right "
                "account: your own Government Gateway user ID as an individual (or your "
                "organisation's), not an agent's. Agents connect their clients through an "
                "agent practice account.",
            ],
            status_code=403,
            reference=api_reference(error),
        )
    elif isinstance(error, Throttled | ServerError | TransportError):
        problem = Problem(
            "You are connected, but HMRC is not answering just now",
            [
                "openmtd is connected to HMRC, but HMRC did not answer a first check of your "
                "records. Your dashboard tries again when you open it.",
            ],
            links=[_DASHBOARD],
            reference=api_reference(error) if isinstance(error, HmrcApiError) else None,
        )
    elif isinstance(error, InsufficientScope):
        problem = Problem(
            "HMRC did not give all the access needed",
            [
                "You are connected, but HMRC did not give openmtd permission to read your "
                "Income Tax records. Reconnect and grant the access HMRC asks for.",
            ],
            links=[],
            reconnect=True,
            reference=api_reference(error),
        )
    else:
        problem = Problem(
            "You are connected, but HMRC refused a first check",
            [
                "openmtd is connected to HMRC, but HMRC refused to show your records. If this "
                "keeps happening, tell whoever runs this openmtd, quoting the reference below.",
            ],
            links=[_DASHBOARD],
            reference=api_reference(error) if isinstance(error, HmrcApiError) else None,
        )
    return render_problem(ctx, problem)


_REASONS: dict[ReauthorisationReason, str] = {
    ReauthorisationReason.AUTHORITY_ENDED: (
        "The authority you gave openmtd lasts 18 months, and it has ended."
    ),
    ReauthorisationReason.REFRESH_REFUSED: (
        "HMRC no longer accepts the authority you gave openmtd: it was removed in your HMRC "
        "account, or it was replaced by a newer one."
    ),
    ReauthorisationReason.ACCESS_REVOKED: (
        "HMRC refused openmtd's access: the authority may have been removed in your HMRC account."
    ),
    ReauthorisationReason.NO_TOKENS: "openmtd is not connected to HMRC for you.",
}


def reconnect_page(ctx: PageContext, error: ReauthorisationRequired) -> Response:
    """The page for :class:`ReauthorisationRequired` raised anywhere: why, and Reconnect."""
    user = ctx.require_user()
    connected = ctx.tx.connections.get(user.id) is not None
    return render_problem(
        ctx,
        Problem(
            "Reconnect to HMRC",
            [
                _REASONS.get(error.reason, _REASONS[ReauthorisationReason.REFRESH_REFUSED]),
                "To keep reading your records, sign in to HMRC again and grant authority. It "
                "takes a minute; nothing you have done is lost.",
            ],
            links=[] if connected else [("/connect", "Connect to HMRC")],
            reconnect=connected,
        ),
    )
