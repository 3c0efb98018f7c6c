"""Every refusal the taxpayer commands can meet has its own words and exit status (never a
traceback): one row per kind of error, most specific first, as ``explain`` orders them."""

from __future__ import annotations

import errno

import pytest

from openmtd.app.services.desktop import LinkFileError
from openmtd.app.settings import SettingsError
from openmtd.cli.taxpayer_errors import ACT, UNAVAILABLE, USAGE, explain, sign_up_hint
from openmtd.rules.errors import RuleError
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

EMULATOR = Environment.emulator("http://127.0.0.1:8600")


def _api(kind: type[HmrcApiError], code: str, status: int = 403, **extra: object) -> HmrcApiError:
    return kind(status=status, code=code, message="HMRC's words", **extra)  # type: ignore[arg-type]


CASES = [
    (LinkFileError("link.json is not JSON"), "link file cannot be used", ACT),
    (SettingsError("bad --hmrc"), "That option cannot be used", USAGE),
    (RuleError("FORMAT_NINO", "not a National Insurance number"), "That value", USAGE),
    (ReauthorisationRequired(ReauthorisationReason.ACCESS_REVOKED), "Link openmtd", ACT),
    (ReauthorisationRequired(ReauthorisationReason.REFRESH_REFUSED), "Link openmtd", ACT),
    (LoopbackTimeout(5.0), "not finished in time", ACT),
    (StateMismatch(), "did not match this sign-in", ACT),
    (AuthorizationDenied(error="access_denied"), "Authority was not granted", ACT),
    (AuthorizationDenied(error="invalid_scope"), "refused to start the sign-in", ACT),
    (_api(NotSignedUp, "NOT_SIGNED_UP"), "not signed up", ACT),
    (_api(NotAuthorised, "CLIENT_OR_AGENT_NOT_AUTHORISED"), "did not let openmtd read", ACT),
    (_api(InsufficientScope, "INSUFFICIENT_SCOPE"), "not give all the access", ACT),
    (_api(NotSubscribed, "RESOURCE_NOT_FOUND", status=404), "cannot use this HMRC API", ACT),
    (_api(Throttled, "MESSAGE_THROTTLED_OUT", status=429), "slow down", UNAVAILABLE),
    (_api(ServerError, "SERVER_ERROR", status=500), "not answering just now", UNAVAILABLE),
    (TransportError("connection refused"), "could not be reached", UNAVAILABLE),
    (_api(InvalidRequest, "INVALID_REQUEST", status=400), "refused openmtd's request", ACT),
    (OAuthError(status=401, error="invalid_client"), "credentials", ACT),
    (OAuthError(status=400, error="invalid_grant"), "did not finish the sign-in", ACT),
    (_api(HmrcApiError, "MATCHING_RESOURCE_NOT_FOUND", status=404), "refused to show", ACT),
    (TokenStoreError("no key opens the store"), "cannot open its kept tokens", ACT),
    (OpenMtdError("something else"), "could not talk to HMRC", ACT),
    (OSError(errno.EADDRINUSE, "Address in use", "port 8765"), "file or port", USAGE),
    (OSError("no details"), "file or port", USAGE),
    (ValueError("unforeseen"), "openmtd stopped", ACT),
]


@pytest.mark.parametrize(("error", "title", "exit_code"), CASES)
def test_each_error_has_its_words(error: BaseException, title: str, exit_code: int) -> None:
    problem = explain(error)
    assert title in problem.title
    assert problem.exit_code == exit_code
    assert problem.lines
    assert all(line.strip() for line in problem.lines)
    assert "Traceback" not in " ".join(problem.lines)


def test_api_errors_carry_hmrcs_reference() -> None:
    error = _api(ServerError, "SERVER_ERROR", status=500, correlation_id="c-1")
    assert explain(error).lines[-1] == "Reference: SERVER_ERROR, correlation id c-1."
    assert explain(_api(ServerError, "SERVER_ERROR", 500)).lines[-1] == "Reference: SERVER_ERROR."
    assert "8765" in explain(OSError(errno.EADDRINUSE, "Address in use", "port 8765")).lines[0]


def test_the_sign_up_hint_shows_a_nino_as_given_when_it_cannot_be_read() -> None:
    assert "AA 12 34 56 A" in sign_up_hint(EMULATOR, "AA123456A")[0]
    assert "not-a-nino" in sign_up_hint(EMULATOR, "not-a-nino")[0]
