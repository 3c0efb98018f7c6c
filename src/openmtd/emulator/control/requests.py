"""Control request bodies, parsed here rather than by the web framework so that every fault is
a 400 in the control API's envelope."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel

from openmtd.emulator.control.errors import (
    FORMAT_FIELD_MISSING,
    FORMAT_FIELD_TYPE,
    FORMAT_FIELD_UNKNOWN,
    FORMAT_VALUE,
    INVALID_REQUEST,
    ControlError,
    FieldError,
)
from openmtd.emulator.devhub import applications as devhub
from openmtd.emulator.gateway.identity import IvOutcome
from openmtd.rules.errors import InvalidIdentifierError
from openmtd.rules.identifiers import Nino
from openmtd.webkit.wire import BodyError, decode_json

#: A path's NINO that is not one (HMRC's own rule judges it; the code and message are openmtd's).
FORMAT_NINO: Final = "FORMAT_NINO"
NINO_MESSAGE: Final = "The NINO in the path is not a National Insurance number"

_EXPECTED: Final[dict[str, str]] = {
    "string_type": "a string",
    "int_type": "a whole number",
    "float_type": "a number",
    "finite_number": "a finite number",
    "bool_type": "true or false",
    "list_type": "an array",
    "dict_type": "an object",
}


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


def parse_json(raw: bytes, *, exact_fractions: bool = False) -> object:
    """The JSON document in a request body, decoded and bounded by
    :func:`openmtd.webkit.wire.decode_json` (a 400 for anything it refuses: a value it
    refuses at a place in the document is a ``FORMAT_VALUE`` error with that ``path``);
    ``exact_fractions`` reads numbers with a fraction as Decimals (money)."""
    if not raw.strip():
        raise ControlError.of(400, INVALID_REQUEST, "The request body is empty: send a JSON object")
    try:
        return decode_json(raw, exact_fractions=exact_fractions)
    except BodyError as error:
        if error.path:
            fault = FieldError(FORMAT_VALUE, error.message, error.path)
            raise ControlError.invalid(fault) from None
        raise ControlError.of(400, INVALID_REQUEST, error.message) from None


def parse_nino(text: str) -> str:
    """The NINO in a control path, as HMRC's rule reads it (upper case, no spaces).

    Raises:
        ControlError: 400 :data:`FORMAT_NINO` when ``text`` is not a National Insurance number.
    """
    try:
        return str(Nino.parse_wire(text))
    except InvalidIdentifierError:
        raise ControlError.of(400, FORMAT_NINO, NINO_MESSAGE) from None


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
