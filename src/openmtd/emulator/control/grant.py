"""The headless grant: the grant-authority journey in one request, with the browser journey's
checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from openmtd.emulator.control.clock import format_instant
from openmtd.emulator.control.errors import (
    ACCOUNT_LOCKED,
    IDENTITY_VERIFICATION_REQUIRED,
    INVALID_CREDENTIALS,
    INVALID_CREDENTIALS_MESSAGE,
    INVALID_TWO_STEP_CODE,
    TWO_STEP_REQUIRED,
    ControlError,
)
from openmtd.emulator.control.requests import GrantRequest
from openmtd.emulator.gateway import two_step
from openmtd.emulator.gateway.accounts import SignInError, SignInFailure, authenticate
from openmtd.emulator.gateway.identity import IvOutcome, record_success
from openmtd.emulator.gateway.two_step import TwoStepError, TwoStepFailure
from openmtd.emulator.oauth import journey
from openmtd.emulator.oauth.errors import OAuthError
from openmtd.emulator.security import PasswordHasher
from openmtd.emulator.storage import Account, Transaction, TwoStepMethod


# --- the headless grant -----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class GrantResult:
    """Where the browser would have been sent: the redirect URI with a code, or an error."""

    location: str

    def body(self) -> dict[str, str]:
        return {"location": self.location}


def _authorize_params(request: GrantRequest) -> dict[str, list[str]]:
    params = {"response_type": ["code"]}
    for name, value in (
        ("client_id", request.client_id),
        ("redirect_uri", request.redirect_uri),
        ("scope", request.scope),
        ("state", request.state),
        ("code_challenge", request.code_challenge),
        ("code_challenge_method", request.code_challenge_method),
    ):
        if value is not None:
            params[name] = [value]
    return params


def _at(instant: datetime | None) -> str:
    return format_instant(instant) if instant else "later"


def headless_grant(
    tx: Transaction, hasher: PasswordHasher, now: datetime, request: GrantRequest
) -> GrantResult | ControlError:
    """The grant-authority journey without a browser, with the browser journey's checks.

    Failures are returned, not raised, so the caller's transaction still commits what they
    counted (a wrong password, a wrong 2-step code) or did (a text message sent).

    Order: the /oauth/authorize parameters (HMRC's 400 body, as /oauth/authorize answers) →
    user ID and password → 2-step code when the account has 2SV → the agent rules → identity
    verification when a scope needs it → grant (a code) or deny.
    """
    try:
        authorize = journey.validate(tx, _authorize_params(request))
    except OAuthError as error:
        return ControlError.from_oauth(error)

    signed_in = authenticate(tx, hasher, now, request.user_id, request.password)
    if isinstance(signed_in, SignInError):
        if signed_in.failure is SignInFailure.LOCKED:
            return ControlError.of(
                401,
                ACCOUNT_LOCKED,
                "Too many wrong passwords: this account cannot sign in until "
                f"{_at(signed_in.locked_until)}",
            )
        return ControlError.of(401, INVALID_CREDENTIALS, INVALID_CREDENTIALS_MESSAGE)
    account = signed_in

    if account.two_step_method is not None:
        if not request.two_step_code:
            return _two_step_required(tx, account, now)
        verified = two_step.verify(tx, account, request.two_step_code, now)
        if isinstance(verified, TwoStepError):
            return _two_step_failed(verified)
        account = verified

    try:
        journey.check_account(account, authorize)
    except journey.JourneyRefusedError as refused:
        return ControlError.of(403, refused.refusal.value, refused.message)

    if journey.needs_iv(account, authorize):
        outcome = request.outcome
        if outcome is None:
            return ControlError.of(
                403,
                IDENTITY_VERIFICATION_REQUIRED,
                "The scopes asked for need confidence level 250 and this account is below it: "
                "send identityVerification with the outcome of the identity check, one of "
                + ", ".join(o.value for o in IvOutcome),
            )
        if outcome is not IvOutcome.SUCCESS:
            return GrantResult(journey.identity_failed(authorize, outcome).location)
        account = record_success(tx, account)

    if request.decision == "deny":
        return GrantResult(journey.deny(authorize).location)
    try:
        return GrantResult(journey.grant(tx, authorize, account, now).location)
    except OAuthError as error:
        return ControlError.from_oauth(error)


def _two_step_required(tx: Transaction, account: Account, now: datetime) -> ControlError:
    if account.two_step_method is TwoStepMethod.TEXT_MESSAGE:
        try:
            two_step.send_text_code(tx, account, now)
        except two_step.TextLimitReachedError:
            pass  # the last code sent still stands
        except TwoStepError:
            return ControlError.of(
                401,
                INVALID_TWO_STEP_CODE,
                "2-step verification by text message is set up without a phone number",
            )
        ending = (account.phone_number or "")[-3:]
        return ControlError.of(
            401,
            TWO_STEP_REQUIRED,
            "This account uses 2-step verification: a security code was sent by text message "
            f"to the phone number ending {ending}; send it as twoStepCode",
        )
    return ControlError.of(
        401,
        TWO_STEP_REQUIRED,
        "This account uses 2-step verification: send the code its authenticator app shows "
        "as twoStepCode",
    )


def _two_step_failed(error: TwoStepError) -> ControlError:
    if error.failure is TwoStepFailure.LOCKED:
        return ControlError.of(
            401,
            ACCOUNT_LOCKED,
            "Too many wrong security codes: this account cannot sign in until "
            f"{_at(error.locked_until)}",
        )
    message = {
        TwoStepFailure.EXPIRED: (
            "The security code has expired: send the request without twoStepCode to get a new one"
        ),
        TwoStepFailure.NOT_SET_UP: (
            "No security code has been sent to this account: send the request without "
            "twoStepCode first"
        ),
    }.get(error.failure, "The security code is not correct")
    return ControlError.of(401, INVALID_TWO_STEP_CODE, message)
