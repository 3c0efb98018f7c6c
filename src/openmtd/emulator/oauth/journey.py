"""The grant-authority journey's decisions, shared by the browser pages and the headless
control endpoint (``POST /emulator/oauth/grant``), so both run exactly the same checks.

Steps: validate the /oauth/authorize request → sign in (user ID and password) → 2-step
verification when the account has it → agent rules → identity verification when a scope needs
confidence level 250 and an Individual is below it → grant (a code) or deny (access_denied).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from openmtd.emulator.gateway.identity import IvOutcome, needs_identity_check
from openmtd.emulator.oauth.authorize import (
    AuthorizeRequest,
    ParamSource,
    granted_redirect_params,
    validate_authorize_request,
)
from openmtd.emulator.oauth.errors import (
    CLIENT_ID_INVALID,
    InvalidRequestError,
    denied_redirect_params,
)
from openmtd.emulator.oauth.redirect_uris import is_out_of_band, redirect_with_params
from openmtd.emulator.oauth.scopes import AGENT_SCOPES
from openmtd.emulator.security import new_token, token_hash
from openmtd.emulator.storage import Account, AffinityGroup, AuthorizationCode, Transaction

#: Authorisation codes are single-use and live ten minutes (wire facts §2.2).
CODE_LIFETIME: Final = timedelta(minutes=10)

#: What the software receives when identity verification fails (openmtd's choice: HMRC does
#: not publish it, and tells software not to rely on ``error_code``).
IV_FAILED_DESCRIPTION: Final = "identity verification failed"


class JourneyRefusal(StrEnum):
    """Why a signed-in person cannot grant this request (a page, not a redirect)."""

    AGENT_SERVICES_ACCOUNT_REQUIRED = "AGENT_SERVICES_ACCOUNT_REQUIRED"
    AGENT_SCOPES_NEED_AN_AGENT = "AGENT_SCOPES_NEED_AN_AGENT"


REFUSAL_MESSAGES: Final[dict[JourneyRefusal, str]] = {
    JourneyRefusal.AGENT_SERVICES_ACCOUNT_REQUIRED: (
        "You need to sign in with the user ID for your agent services account. Agents cannot "
        "use an account without an agent services account to give software authority."
    ),
    JourneyRefusal.AGENT_SCOPES_NEED_AN_AGENT: (
        "This software asked for authority that only an agent can give. Sign in with an "
        "agent services account."
    ),
}


class JourneyRefusedError(Exception):
    def __init__(self, refusal: JourneyRefusal) -> None:
        super().__init__(REFUSAL_MESSAGES[refusal])
        self.refusal = refusal
        self.message = REFUSAL_MESSAGES[refusal]


@dataclass(frozen=True, slots=True)
class Redirect:
    """Where the browser goes next: the client's redirect URI with the result.

    For the out-of-band URNs there is nowhere to redirect: the page shows ``code`` instead.
    """

    location: str
    code: str | None = None
    out_of_band: bool = False


def validate(tx: Transaction, params: ParamSource) -> AuthorizeRequest:
    """Check an /oauth/authorize query (raises :class:`OAuthError` with HMRC's body)."""

    def find_redirect_uris(client_id: str) -> Sequence[str] | None:
        application = tx.applications.get_by_client_id(client_id)
        return application.redirect_uris if application else None

    return validate_authorize_request(params, find_redirect_uris)


def check_account(account: Account, request: AuthorizeRequest) -> None:
    """The agent rules: agents sign in with an agent services account; agent scopes need one."""
    is_agent = account.affinity_group is AffinityGroup.AGENT
    if is_agent and account.enrolment("HMRC-AS-AGENT") is None:
        raise JourneyRefusedError(JourneyRefusal.AGENT_SERVICES_ACCOUNT_REQUIRED)
    if not is_agent and AGENT_SCOPES.intersection(request.scopes):
        raise JourneyRefusedError(JourneyRefusal.AGENT_SCOPES_NEED_AN_AGENT)


def needs_iv(account: Account, request: AuthorizeRequest) -> bool:
    return needs_identity_check(account, request.scopes)


def grant(tx: Transaction, request: AuthorizeRequest, account: Account, now: datetime) -> Redirect:
    """Issue a single-use code for ``request`` and say where to send the browser."""
    application = tx.applications.get_by_client_id(request.client_id)
    if application is None:  # deleted while the person was signing in
        raise InvalidRequestError(CLIENT_ID_INVALID)
    code = new_token()
    tx.oauth.add_code(
        AuthorizationCode(
            code_hash=token_hash(code),
            application_id=application.id,
            account_id=account.id,
            redirect_uri=request.redirect_uri,
            scopes=request.scopes,
            code_challenge=request.code_challenge,
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
    )
    return _redirect(request, granted_redirect_params(code, request.state), code)


def deny(request: AuthorizeRequest) -> Redirect:
    """The user chose "do not grant authority"."""
    return _redirect(request, denied_redirect_params(request.state))


def identity_failed(request: AuthorizeRequest, outcome: IvOutcome) -> Redirect:
    """Identity verification failed: tell the software, with the outcome as ``error_code``."""
    params = [
        ("error", "access_denied"),
        ("error_description", IV_FAILED_DESCRIPTION),
        ("error_code", outcome.value),
    ]
    if request.state is not None:
        params.append(("state", request.state))
    return _redirect(request, params)


def _redirect(
    request: AuthorizeRequest, params: list[tuple[str, str]], code: str | None = None
) -> Redirect:
    if is_out_of_band(request.redirect_uri):
        return Redirect(
            location=redirect_with_params(request.redirect_uri, params),
            code=code,
            out_of_band=True,
        )
    return Redirect(location=redirect_with_params(request.redirect_uri, params), code=code)
