"""The emulator's control API, framework-free: what ``/emulator/*`` and the ``openmtd emulator``
command do for automated tests that should not click through pages.

- :func:`create_application`: register a Developer Hub application (the same rules as the
  Developer Hub pages, :mod:`openmtd.emulator.devhub.applications`).
- :func:`headless_grant`: the grant-authority journey in one request, running exactly the
  checks the browser journey runs, through the same services (:mod:`openmtd.emulator.oauth.
  journey`, :mod:`~openmtd.emulator.gateway.accounts`, :mod:`~openmtd.emulator.gateway.
  two_step`, :mod:`~openmtd.emulator.gateway.identity`).
- :func:`read_clock` / :func:`change_clock`: the emulator's shared clock.
- :func:`reset`: empty the world.

Request bodies are parsed here, not by the web framework, so that every fault is a 400 in
openmtd's envelope for the control API (HMRC's style: ``code``, ``message`` and, for field
faults, ``errors`` each with a ``code``, a ``message`` and a JSON-pointer ``path``)::

    {"code": "INVALID_REQUEST", "message": "Invalid request",
     "errors": [{"code": "FORMAT_REDIRECT_URI", "message": "...", "path": "/redirectUris/0"}]}

HMRC has no control API; every code and message here is openmtd's (docs/emulator.md).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel

from openmtd.emulator.clock import EmulatorClock
from openmtd.emulator.devhub import applications as devhub
from openmtd.emulator.devhub.applications import ApplicationError, CreatedApplication
from openmtd.emulator.gateway import two_step
from openmtd.emulator.gateway.accounts import SignInError, SignInFailure, authenticate
from openmtd.emulator.gateway.identity import IvOutcome, record_success
from openmtd.emulator.gateway.two_step import TwoStepError, TwoStepFailure
from openmtd.emulator.oauth import journey
from openmtd.emulator.oauth.errors import OAuthError
from openmtd.emulator.oauth.redirect_uris import InvalidRedirectUriError, validate_redirect_uris
from openmtd.emulator.security import PasswordHasher
from openmtd.emulator.storage import Account, Store, Transaction, TwoStepMethod

# --- codes and messages (openmtd's choices) ------------------------------------------------
INVALID_REQUEST: Final = "INVALID_REQUEST"
INVALID_REQUEST_MESSAGE: Final = "Invalid request"
FORMAT_FIELD_MISSING: Final = "FORMAT_FIELD_MISSING"
FORMAT_FIELD_UNKNOWN: Final = "FORMAT_FIELD_UNKNOWN"
FORMAT_FIELD_TYPE: Final = "FORMAT_FIELD_TYPE"
FORMAT_VALUE: Final = "FORMAT_VALUE"
FORMAT_NAME: Final = "FORMAT_NAME"
FORMAT_REDIRECT_URIS: Final = "FORMAT_REDIRECT_URIS"
FORMAT_REDIRECT_URI: Final = "FORMAT_REDIRECT_URI"
FORMAT_API: Final = "FORMAT_API"
FORMAT_RATE_LIMIT: Final = "FORMAT_RATE_LIMIT"
FORMAT_GRANT_LENGTH: Final = "FORMAT_GRANT_LENGTH"

INVALID_CREDENTIALS: Final = "INVALID_CREDENTIALS"
INVALID_CREDENTIALS_MESSAGE: Final = "Invalid user ID or password"
ACCOUNT_LOCKED: Final = "ACCOUNT_LOCKED"
TWO_STEP_REQUIRED: Final = "TWO_STEP_REQUIRED"
INVALID_TWO_STEP_CODE: Final = "INVALID_TWO_STEP_CODE"
IDENTITY_VERIFICATION_REQUIRED: Final = "IDENTITY_VERIFICATION_REQUIRED"

#: The clock can be set anywhere in this range (UTC; the end is excluded), so that every
#: expiry the emulator computes from it (up to HMRC's 100-year grant length) stays a valid
#: date.
CLOCK_EARLIEST: Final = datetime(1970, 1, 1, tzinfo=UTC)
CLOCK_LATEST: Final = datetime(3000, 1, 1, tzinfo=UTC)

_APPLICATION_FIELD_CODES: Final[dict[str, str]] = {
    "name": FORMAT_NAME,
    "redirectUris": FORMAT_REDIRECT_URIS,
    "apis": FORMAT_API,
    "rateLimitPerSecond": FORMAT_RATE_LIMIT,
    "grantLengthDays": FORMAT_GRANT_LENGTH,
}
_EXPECTED: Final[dict[str, str]] = {
    "string_type": "a string",
    "int_type": "a whole number",
    "float_type": "a number",
    "finite_number": "a finite number",
    "bool_type": "true or false",
    "list_type": "an array",
    "dict_type": "an object",
}


# --- errors -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FieldError:
    """One fault in a request body; ``path`` is a JSON pointer such as ``/redirectUris/0``."""

    code: str
    message: str
    path: str

    def body(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "path": self.path}


class ControlError(Exception):
    """A refused control request: the HTTP status and the JSON body to answer with."""

    def __init__(self, status_code: int, body: Mapping[str, Any]) -> None:
        super().__init__(str(body.get("message", body.get("error_description", ""))))
        self.status_code = status_code
        self.body: dict[str, Any] = dict(body)

    @classmethod
    def of(
        cls, status_code: int, code: str, message: str, errors: Sequence[FieldError] = ()
    ) -> ControlError:
        body: dict[str, Any] = {"code": code, "message": message}
        if errors:
            body["errors"] = [error.body() for error in errors]
        return cls(status_code, body)

    @classmethod
    def invalid(cls, *errors: FieldError) -> ControlError:
        """A 400 ``INVALID_REQUEST`` listing the faults in the body."""
        return cls.of(400, INVALID_REQUEST, INVALID_REQUEST_MESSAGE, errors)

    @classmethod
    def from_oauth(cls, error: OAuthError) -> ControlError:
        """HMRC's own OAuth error body, exactly as /oauth/authorize answers it."""
        status, body, _ = error.response()
        return cls(status, body)

    @property
    def errors(self) -> list[dict[str, str]]:
        errors = self.body.get("errors", [])
        return list(errors) if isinstance(errors, list) else []


# --- parsing ----------------------------------------------------------------------------
class _Body(BaseModel):
    """A control request body: camelCase names, exact JSON types, no unknown fields."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        alias_generator=to_camel,
        frozen=True,
        allow_inf_nan=False,
    )


_M = TypeVar("_M", bound=_Body)


class ApplicationRequest(_Body):
    """``POST /emulator/applications``."""

    name: str
    redirect_uris: list[str]
    apis: list[str] | None = None
    rate_limit_per_second: int = devhub.DEFAULT_RATE_LIMIT
    grant_length_days: int = devhub.DEFAULT_GRANT_LENGTH_DAYS


class GrantRequest(_Body):
    """``POST /emulator/oauth/grant``: the /oauth/authorize parameters, then the person."""

    client_id: str | None = None
    redirect_uri: str | None = None
    scope: str | None = None
    state: str | None = None
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    user_id: str
    password: str
    two_step_code: str | None = None
    identity_verification: str | None = None
    decision: Literal["grant", "deny"] = "grant"

    @property
    def outcome(self) -> IvOutcome | None:
        return IvOutcome(self.identity_verification) if self.identity_verification else None


class ClockRequest(_Body):
    """``POST /emulator/clock``: exactly one of ``now`` and ``advanceSeconds``."""

    now: str | None = None
    advance_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class ClockChange:
    """Set the clock to ``instant``, or move it by ``seconds``."""

    instant: datetime | None = None
    seconds: float | None = None


def parse_json(raw: bytes) -> object:
    """The JSON document in a request body (a 400 for anything that is not JSON)."""
    if not raw.strip():
        raise ControlError.of(400, INVALID_REQUEST, "The request body is empty: send a JSON object")
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise ControlError.of(
            400,
            INVALID_REQUEST,
            f"The request body is not valid JSON: {error.msg} at line {error.lineno} "
            f"column {error.colno}",
        ) from None
    except (UnicodeDecodeError, RecursionError):
        raise ControlError.of(
            400, INVALID_REQUEST, "The request body is not valid JSON (UTF-8, not nested too deep)"
        ) from None


def _pointer(location: Sequence[int | str]) -> str:
    return "".join(f"/{part}" for part in location)


def _label(location: Sequence[int | str]) -> str:
    label = ""
    for part in location:
        label += f"[{part}]" if isinstance(part, int) else (f".{part}" if label else part)
    return label or "The request body"


def _field_errors(error: ValidationError) -> list[FieldError]:
    faults: list[FieldError] = []
    for item in error.errors():
        location = tuple(item["loc"])
        label, path, kind = _label(location), _pointer(location), item["type"]
        if kind == "missing":
            faults.append(FieldError(FORMAT_FIELD_MISSING, f"{label} is required", path))
        elif kind == "extra_forbidden":
            faults.append(
                FieldError(FORMAT_FIELD_UNKNOWN, f"{label} is not a field of this request", path)
            )
        elif kind == "model_type":
            faults.append(FieldError(FORMAT_FIELD_TYPE, f"{label} must be a JSON object", path))
        elif kind in _EXPECTED:
            faults.append(FieldError(FORMAT_FIELD_TYPE, f"{label} must be {_EXPECTED[kind]}", path))
        elif kind == "literal_error":
            expected = str(item.get("ctx", {}).get("expected", ""))
            faults.append(FieldError(FORMAT_VALUE, f"{label} must be {expected}", path))
        else:
            faults.append(FieldError(FORMAT_VALUE, f"{label}: {item['msg']}", path))
    return faults


def _validate(model: type[_M], body: object) -> _M:
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise ControlError.invalid(*_field_errors(error)) from None


def parse_application(body: object) -> ApplicationRequest:
    """Check the shape of a ``POST /emulator/applications`` body (its values are checked by
    :func:`create_application`)."""
    return _validate(ApplicationRequest, body)


def parse_grant(body: object) -> GrantRequest:
    """Check the shape of a ``POST /emulator/oauth/grant`` body."""
    request = _validate(GrantRequest, body)
    if request.identity_verification is not None:
        try:
            IvOutcome(request.identity_verification)
        except ValueError:
            raise ControlError.invalid(
                FieldError(
                    FORMAT_VALUE,
                    "identityVerification must be one of "
                    + ", ".join(outcome.value for outcome in IvOutcome),
                    "/identityVerification",
                )
            ) from None
    return request


def parse_clock(body: object) -> ClockChange:
    """Check a ``POST /emulator/clock`` body: an ISO-8601 time with an offset, or seconds."""
    request = _validate(ClockRequest, body)
    if (request.now is None) == (request.advance_seconds is None):
        raise ControlError.invalid(
            FieldError(FORMAT_VALUE, "Send exactly one of now and advanceSeconds", "")
        )
    if request.advance_seconds is not None:
        return ClockChange(seconds=request.advance_seconds)
    assert request.now is not None
    try:
        instant = datetime.fromisoformat(request.now)
    except ValueError:
        instant = None
    if instant is None or instant.utcoffset() is None:
        raise ControlError.invalid(
            FieldError(
                FORMAT_VALUE,
                "now must be an ISO-8601 date and time with a UTC offset, "
                "like 2026-11-26T10:00:00Z or 2026-11-26T10:00:00+00:00",
                "/now",
            )
        )
    return ClockChange(instant=instant.astimezone(UTC))


# --- applications -----------------------------------------------------------------------
def application_json(created: CreatedApplication) -> dict[str, Any]:
    """The 201 body: the application's settings and its client secret (shown only once)."""
    application = created.application
    return {
        "clientId": application.client_id,
        "clientSecret": created.client_secret,
        "name": application.name,
        "redirectUris": list(application.redirect_uris),
        "apis": [api for api in devhub.EMULATED_APIS if api in application.apis],
        "rateLimitPerSecond": application.rate_limit_per_second,
        "grantLengthDays": application.grant_length_days,
    }


def create_application(
    tx: Transaction, now: datetime, request: ApplicationRequest
) -> dict[str, Any]:
    """Register an application as the Developer Hub form does; raises :class:`ControlError`."""
    try:
        validate_redirect_uris(request.redirect_uris)
    except InvalidRedirectUriError as error:
        raise ControlError.invalid(_redirect_uri_error(error, request.redirect_uris)) from None
    try:
        created = devhub.create_application(
            tx,
            now,
            name=request.name,
            redirect_uris=request.redirect_uris,
            apis=request.apis,
            rate_limit_per_second=request.rate_limit_per_second,
            grant_length_days=request.grant_length_days,
        )
    except ApplicationError as error:
        raise ControlError.invalid(_application_error(error, request)) from None
    return application_json(created)


def _redirect_uri_error(error: InvalidRedirectUriError, uris: Sequence[str]) -> FieldError:
    if error.uri is None:  # the list as a whole: none, or too many
        return FieldError(FORMAT_REDIRECT_URIS, error.reason, "/redirectUris")
    positions = [index for index, uri in enumerate(uris) if uri == error.uri]
    # A URI listed twice is reported where it is repeated.
    index = positions[1] if len(positions) > 1 else positions[0]
    return FieldError(FORMAT_REDIRECT_URI, error.reason, f"/redirectUris/{index}")


def _application_error(error: ApplicationError, request: ApplicationRequest) -> FieldError:
    path = f"/{error.field}"
    if error.field == "apis" and request.apis:
        unknown = [i for i, api in enumerate(request.apis) if api not in devhub.EMULATED_APIS]
        if unknown:
            path = f"/apis/{unknown[0]}"
    return FieldError(_APPLICATION_FIELD_CODES.get(error.field, FORMAT_VALUE), error.message, path)


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


# --- the clock and the world ------------------------------------------------------------
def format_instant(instant: datetime) -> str:
    """ISO-8601 in UTC with milliseconds and ``Z``, e.g. ``2026-11-26T10:00:00.000Z``."""
    utc = instant.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def read_clock(clock: EmulatorClock) -> dict[str, str]:
    return {"now": format_instant(clock.now())}


def change_clock(clock: EmulatorClock, change: ClockChange) -> dict[str, str]:
    """Set or move the emulator's clock (for every worker); refuses times out of range."""
    if change.instant is not None:
        target: datetime | None = change.instant
        path = "/now"
    else:
        assert change.seconds is not None
        path = "/advanceSeconds"
        try:
            target = clock.now() + timedelta(seconds=change.seconds)
        except OverflowError:
            target = None
    if target is None or not CLOCK_EARLIEST <= target < CLOCK_LATEST:
        raise ControlError.invalid(
            FieldError(
                FORMAT_VALUE,
                "The emulator's clock must stay between "
                f"{format_instant(CLOCK_EARLIEST)} and {format_instant(CLOCK_LATEST)}",
                path,
            )
        )
    if change.instant is not None:
        return {"now": format_instant(clock.set(change.instant))}
    assert change.seconds is not None
    return {"now": format_instant(clock.advance(change.seconds))}


def reset(store: Store) -> None:
    """Empty the world: every account, application, grant, token, session, text message and
    the clock's offset (the schema stays)."""
    store.reset()
