"""Tests for openmtd.rules.errors: codes, person messages and HMRC's wire messages."""

from __future__ import annotations

import pytest

from openmtd.rules.errors import (
    OPENMTD_CODES,
    WIRE_MESSAGES,
    InvalidIdentifierError,
    InvalidTaxYearError,
    RuleError,
    TransitionNotAllowedError,
)

# HMRC's texts, copied from hmrc-wire-facts.md §1.6, the Agent Authorisation API's error
# examples (hmrc-oas/agent-authorisation-1.0/*/examples/errors) and the Self Assessment Test
# Support API's errors (hmrc-oas/self-assessment-test-support-1.0/1.0/common/errors.yaml, for
# the codes openmtd.rules.itsa_status raises): the module must agree.
HMRC_TEXTS = {
    # hmrc-wire-facts.md §1.6 and the Agent Authorisation API v2.0 OAS and examples.
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
    "FORMAT_NINO": "The NINO format is invalid",
    "FORMAT_TAX_YEAR": "The taxYear format is invalid",
    "RULE_TAX_YEAR_RANGE_INVALID": "A tax year range of one year is required",
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
    "FORMAT_STATUS": "The provided status is invalid",
    "FORMAT_STATUS_REASON": "The provided status reason is invalid",
    "FORMAT_BUSINESS_INCOME_2_YEARS_PRIOR": "The provided business Income 2 Years Prior is invalid",
}


class TestRuleError:
    def test_carries_code_message_and_hmrc_wire_message(self) -> None:
        error = RuleError("FORMAT_TAX_YEAR", "Write the tax year like 2026-27.")

        assert error.code == "FORMAT_TAX_YEAR"
        assert error.message == "Write the tax year like 2026-27."
        assert error.wire_message == "The taxYear format is invalid"
        assert str(error) == "Write the tax year like 2026-27."
        assert error.args == ("Write the tax year like 2026-27.",)

    def test_wire_message_falls_back_to_the_message_when_hmrc_has_none(self) -> None:
        error = RuleError("FORMAT_UTR", "A UTR is ten digits.")

        assert error.wire_message == "A UTR is ten digits."

    def test_an_explicit_wire_message_wins_over_the_table(self) -> None:
        error = RuleError(
            "FORMAT_NINO", "Check the NINO.", wire_message="The provided NINO is invalid"
        )

        assert error.wire_message == "The provided NINO is invalid"

    def test_an_empty_wire_message_is_treated_as_absent(self) -> None:
        error = RuleError("FORMAT_NINO", "Check the NINO.", wire_message="")

        assert error.wire_message == "The NINO format is invalid"

    def test_repr_names_the_class_code_and_message(self) -> None:
        error = InvalidTaxYearError("FORMAT_TAX_YEAR", "Use 2026-27.")

        assert repr(error) == "InvalidTaxYearError(code='FORMAT_TAX_YEAR', message='Use 2026-27.')"

    def test_is_a_value_error_so_plain_callers_can_catch_it(self) -> None:
        with pytest.raises(ValueError, match=r"^Use 2026-27\.$"):
            raise RuleError("FORMAT_TAX_YEAR", "Use 2026-27.")


@pytest.mark.parametrize(
    "error_class", [InvalidIdentifierError, InvalidTaxYearError, TransitionNotAllowedError]
)
def test_subclasses_are_rule_errors_and_value_errors(error_class: type[RuleError]) -> None:
    error = error_class("FORMAT_NINO", "Check the NINO.")

    assert isinstance(error, RuleError)
    assert isinstance(error, ValueError)
    assert error.wire_message == "The NINO format is invalid"


@pytest.mark.parametrize(("code", "text"), sorted(HMRC_TEXTS.items()))
def test_wire_messages_are_hmrcs_exact_texts(code: str, text: str) -> None:
    assert WIRE_MESSAGES.get(code) == text
    assert RuleError(code, "What to do about it.").wire_message == text


def test_every_wire_message_is_one_hmrc_publishes() -> None:
    assert set(WIRE_MESSAGES) <= set(HMRC_TEXTS)


def test_openmtd_codes_never_collide_with_hmrc_codes() -> None:
    assert {
        "FORMAT_UTR",
        "FORMAT_ARN",
        "FORMAT_MTDITID",
        "FORMAT_INVITATION_ID",
        "FORMAT_AMOUNT",
        "RULE_OPT_OUT_NOT_ALLOWED",
        "RULE_OPT_IN_NOT_ALLOWED",
    } == OPENMTD_CODES
    assert OPENMTD_CODES.isdisjoint(WIRE_MESSAGES)


@pytest.mark.parametrize("code", sorted(OPENMTD_CODES))
def test_openmtd_codes_have_no_wire_text_so_errors_fall_back(code: str) -> None:
    assert RuleError(code, "Fix it like this.").wire_message == "Fix it like this."
