"""What the taxpayer commands say for each refusal: a title, what to do next, an exit status.

Exit statuses: 1 HMRC (or this computer's link) needs the person to act (link again, sign up,
check the NINO); 2 a bad option; 3 HMRC or the network is not answering (try again later).
"""

from __future__ import annotations

from dataclasses import dataclass

from openmtd.app.services.connection import sign_up_url
from openmtd.app.services.desktop import LinkFileError, NotLinked
from openmtd.app.settings import SettingsError
from openmtd.rules.errors import RuleError
from openmtd.rules.identifiers import Nino
from openmtd.sdk import (
    AuthorizationDenied,
    Environment,
    HmrcApiError,
    InsufficientScope,
    InvalidRequest,
    LoopbackTimeout,
    NotAuthorised,
    NotSignedUp,
    NotSubscribed,
    OAuthError,
    OpenMtdError,
    ReauthorisationReason,
    ReauthorisationRequired,
    ServerError,
    StateMismatch,
    Throttled,
    TokenStoreError,
    TransportError,
)

ACT = 1
USAGE = 2
UNAVAILABLE = 3

_LINK_AGAIN = "Run `openmtd link` again: it takes a minute, and nothing else is lost."


@dataclass(frozen=True, slots=True)
class Problem:
    """One message: a title, the lines after it, and the exit status."""

    title: str
    lines: list[str]
    exit_code: int = ACT


def sign_up_hint(environment: Environment, nino: str) -> list[str]:
    """How to sign up when HMRC holds no MTD sign-up for the NINO (software cannot sign up)."""
    return [
        f"HMRC has no Making Tax Digital for Income Tax sign-up for {_shown(nino)} yet.",
        f"If you need to use it, sign up with HMRC online services: {sign_up_url(environment)}",
    ]


def _shown(nino: str) -> str:
    try:
        return Nino.parse(nino).display
    except RuleError:
        return nino


def _reference(error: HmrcApiError) -> str:
    if error.correlation_id:
        return f"Reference: {error.code}, correlation id {error.correlation_id}."
    return f"Reference: {error.code}."


_REASONS = {
    ReauthorisationReason.NO_TOKENS: "openmtd on this computer holds no authority from HMRC.",
    ReauthorisationReason.AUTHORITY_ENDED: (
        "The authority you gave openmtd lasts 18 months, and it has ended."
    ),
    ReauthorisationReason.REFRESH_REFUSED: (
        "HMRC no longer accepts the authority you gave openmtd: it was removed in your HMRC "
        "account, or replaced by a newer one."
    ),
    ReauthorisationReason.ACCESS_REVOKED: (
        "HMRC refused openmtd's access: the authority may have been removed in your HMRC account."
    ),
}


def explain(error: BaseException) -> Problem:
    """The message for ``error`` (any exception: an unknown one still gets words, no trace)."""
    if isinstance(error, NotLinked):
        return Problem(
            "openmtd is not linked to HMRC on this computer yet",
            ["Run `openmtd link --nino YOUR_NINO` first (`openmtd link --help` says more)."],
        )
    if isinstance(error, LinkFileError):
        return Problem("openmtd's link file cannot be used", [str(error), _LINK_AGAIN])
    if isinstance(error, SettingsError):
        return Problem("That option cannot be used", [str(error)], USAGE)
    if isinstance(error, RuleError):
        return Problem("That value cannot be used", [error.message], USAGE)
    if isinstance(error, ReauthorisationRequired):
        return Problem(
            "Link openmtd to HMRC again",
            [
                _REASONS.get(error.reason, _REASONS[ReauthorisationReason.REFRESH_REFUSED]),
                _LINK_AGAIN,
            ],
        )
    if isinstance(error, LoopbackTimeout):
        return Problem(
            "The sign-in was not finished in time",
            ["Nothing was linked. Run `openmtd link` again (--wait gives more time)."],
        )
    if isinstance(error, StateMismatch):
        return Problem(
            "HMRC's answer did not match this sign-in",
            ["It was not used, and nothing was linked. Run `openmtd link` again."],
        )
    if isinstance(error, AuthorizationDenied):
        if error.error == "access_denied":
            return Problem(
                "Authority was not granted",
                [
                    "HMRC's sign-in ended without giving openmtd access (you chose not to, or "
                    "HMRC could not confirm your identity). Nothing was linked.",
                    "Run `openmtd link` again when you are ready.",
                ],
            )
        return Problem(
            "HMRC refused to start the sign-in",
            [
                "Check the client id and that the redirect URI printed above is registered "
                "for your application at HMRC, exactly.",
                f"Reference: {error.error}.",
            ],
        )
    if isinstance(error, NotSignedUp):
        return Problem(
            "You are not signed up for Making Tax Digital for Income Tax yet",
            [
                "HMRC holds no sign-up for your National Insurance number, so there is nothing "
                "to read yet. Software cannot sign you up: do it in HMRC online services "
                "(`openmtd status` shows the address).",
            ],
        )
    if isinstance(error, NotAuthorised):
        return Problem(
            "HMRC did not let openmtd read these records",
            [
                "The National Insurance number may be wrong, or you signed in with another "
                "Government Gateway account than the one that holds your Making Tax Digital "
                "sign-up (an agent's account cannot link here).",
                "Nothing was kept. Run `openmtd link --nino YOUR_NINO` with the right number "
                "and sign in with your own account.",
                _reference(error),
            ],
        )
    if isinstance(error, InsufficientScope):
        return Problem(
            "HMRC did not give all the access openmtd needs",
            ["Run `openmtd link` again and grant what HMRC asks for.", _reference(error)],
        )
    if isinstance(error, NotSubscribed):
        return Problem(
            "Your application cannot use this HMRC API",
            ["Subscribe it to the API at HMRC's Developer Hub.", _reference(error)],
        )
    if isinstance(error, Throttled):
        return Problem(
            "HMRC asked openmtd to slow down",
            ["Too many requests were made at once. Try again in a minute.", _reference(error)],
            UNAVAILABLE,
        )
    if isinstance(error, ServerError):
        return Problem(
            "HMRC is not answering just now",
            ["Nothing was changed. Try again later.", _reference(error)],
            UNAVAILABLE,
        )
    if isinstance(error, TransportError):
        return Problem(
            "HMRC could not be reached",
            [
                "Nothing was changed. Check your internet connection (or that the emulator is "
                "running), then try again.",
            ],
            UNAVAILABLE,
        )
    if isinstance(error, InvalidRequest):
        return Problem(
            "HMRC refused openmtd's request",
            ["This is a fault in openmtd, not something you did: report it.", _reference(error)],
        )
    if isinstance(error, OAuthError):
        if error.error == "invalid_client":
            return Problem(
                "HMRC did not accept your application's credentials",
                ["Check --client-id and --client-secret, then run `openmtd link` again."],
            )
        return Problem(
            "HMRC did not finish the sign-in",
            [
                "HMRC refused the answer of the sign-in (it may have taken more than 10 "
                "minutes). Nothing was linked. Run `openmtd link` again.",
                f"Reference: {error.error}.",
            ],
        )
    if isinstance(error, HmrcApiError):
        return Problem(
            "HMRC refused to show your records",
            ["If this keeps happening, report it.", _reference(error)],
        )
    if isinstance(error, TokenStoreError):
        return Problem("openmtd cannot open its kept tokens", [str(error), _LINK_AGAIN])
    if isinstance(error, OpenMtdError):
        return Problem("openmtd could not talk to HMRC", [str(error)])
    if isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename else ""
        return Problem(
            "openmtd could not use a file or port it needs",
            [f"{error.strerror or error}{where}."],
            USAGE,
        )
    return Problem("openmtd stopped", [f"{type(error).__name__}: {error}"])
