"""Typed errors raised by :mod:`openmtd.rules`.

Every error carries the code HMRC puts on the wire for the same fault (``FORMAT_NINO``,
``RULE_TAX_YEAR_RANGE_INVALID``, ...), HMRC's own message for that code where HMRC publishes
one, and a message a person can act on. Web edges render :attr:`RuleError.code` and
:attr:`RuleError.wire_message` in HMRC's envelope; pages and the CLI show
:attr:`RuleError.message`.
"""

from __future__ import annotations

from typing import Final

# HMRC's exact messages for the codes the rules raise (hmrc-wire-facts.md §1.6; the Agent
# Authorisation API's error examples in hmrc-oas/agent-authorisation-1.0/2.0/examples/errors).
# One place, so the emulator's envelopes and our own messages cannot drift apart.
WIRE_MESSAGES: Final[dict[str, str]] = {
    "FORMAT_NINO": "The NINO format is invalid",
    "FORMAT_TAX_YEAR": "The taxYear format is invalid",
    "RULE_TAX_YEAR_RANGE_INVALID": "A tax year range of one year is required",
    # Self Assessment Test Support API (hmrc-oas/self-assessment-test-support-1.0 errors.yaml).
    "FORMAT_STATUS": "The provided status is invalid",
    "FORMAT_STATUS_REASON": "The provided status reason is invalid",
    "FORMAT_BUSINESS_INCOME_2_YEARS_PRIOR": "The provided business Income 2 Years Prior is invalid",
    # The MTD APIs' 403 (wire facts §1.6) and the Agent Authorisation API (v2.0 examples).
    "CLIENT_OR_AGENT_NOT_AUTHORISED": "The client or agent is not authorised",
    "DUPLICATE_AUTHORISATION_REQUEST": (
        "An authorisation request for this service has already been created "
        "and is awaiting the client\u2019s response."
    ),
    "ALREADY_AUTHORISED": (
        "The client has already authorised the agent for this service. "
        "The agent does not need ask the client for this authorisation again."
    ),
    "AGENT_TYPE_NOT_SUPPORTED": (
        "The agent type requested is not supported. "
        "Check the API documentation to find which agent types are supported."
    ),
    "NO_RELATIONSHIP": "The specified relationship does not exist.",
    "CLIENT_ID_FORMAT_INVALID": (
        "Client identifier must be in the correct format. "
        "Check the API documentation to find the correct format."
    ),
    "POSTCODE_FORMAT_INVALID": (
        "Postcode must be in the correct format. "
        "Check the API documentation to find the correct format."
    ),
    "POSTCODE_DOES_NOT_MATCH": "The postcode provided does not match HMRC's record for the client.",
    "INVALID_INVITATION_STATUS": (
        "This authorisation request cannot be cancelled as the client has already responded "
        "to the request, or the request has expired."
    ),
    "NO_PERMISSION_ON_AGENCY": (
        "The user that is signed in cannot access this authorisation request. Their details do "
        "not match the agent business that created the authorisation request."
    ),
}

# Codes openmtd uses where HMRC publishes none (no public API takes the value as input, so
# HMRC's reference has no code for it). Kept apart so nobody mistakes them for HMRC's.
OPENMTD_CODES: Final[frozenset[str]] = frozenset(
    {
        "FORMAT_UTR",
        "FORMAT_ARN",
        "FORMAT_MTDITID",
        "FORMAT_INVITATION_ID",
        # An amount of money or a share typed by a person (rules/money.py).
        "FORMAT_AMOUNT",
        # Opting out and back in happen only in HMRC online services, never through an API.
        "RULE_OPT_OUT_NOT_ALLOWED",
        "RULE_OPT_IN_NOT_ALLOWED",
    }
)


class RuleError(ValueError):
    """A value or request the MTD ITSA rules refuse.

    Attributes:
        code: HMRC's machine-readable code for this fault, e.g. ``FORMAT_NINO``.
        message: what a person should do about it, in plain English.
        wire_message: HMRC's own message for :attr:`code` (falls back to :attr:`message`).
    """

    def __init__(self, code: str, message: str, *, wire_message: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.wire_message = wire_message or WIRE_MESSAGES.get(code, message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class InvalidIdentifierError(RuleError):
    """An identifier (NINO, UTR, ARN, MTDITID, postcode, invitation id) is malformed."""


class InvalidTaxYearError(RuleError):
    """A tax year is malformed (``FORMAT_TAX_YEAR``) or does not span one year."""


class TransitionNotAllowedError(RuleError):
    """A state machine (an authorisation request) was asked for a move it does not allow."""
