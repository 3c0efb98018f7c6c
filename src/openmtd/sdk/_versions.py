"""Which version of each HMRC API the SDK speaks, and the Accept header that asks for it.

HMRC versions its APIs by content negotiation, never in the URL: ``Accept:
application/vnd.hmrc.X.Y+json`` (wire facts §0). A missing or malformed Accept is 406
``ACCEPT_HEADER_INVALID``; a well-formed but unknown version is 404. The versions below are the
current ones HMRC publishes (wire facts §1.1, §3.3, §4, §5, §6) and the ones the emulator serves.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final

__all__ = ["VERSIONS", "Api", "accept_header"]


class Api(StrEnum):
    """The HMRC APIs the SDK calls (their subscription names at HMRC's Developer Hub)."""

    ITSA_STATUS = "self-assessment-individual-details"
    BUSINESS_DETAILS = "business-details"
    OBLIGATIONS = "obligations"
    AGENT_AUTHORISATION = "agent-authorisation"
    CREATE_TEST_USER = "create-test-user"
    SA_TEST_SUPPORT = "self-assessment-test-support"
    AGENT_AUTHORISATION_TEST_SUPPORT = "agent-authorisation-test-support"
    TEST_FRAUD_PREVENTION_HEADERS = "test-fraud-prevention-headers"


#: The version sent to each API. Agent Authorisation accepts 1.0 and 2.0; 2.0 is the one with
#: every endpoint (de-authorise is 2.0 only), so the SDK sends 2.0 to all of them.
VERSIONS: Final[dict[Api, str]] = {
    Api.ITSA_STATUS: "2.0",
    Api.BUSINESS_DETAILS: "2.0",
    Api.OBLIGATIONS: "3.0",
    Api.AGENT_AUTHORISATION: "2.0",
    Api.CREATE_TEST_USER: "1.0",
    Api.SA_TEST_SUPPORT: "1.0",
    Api.AGENT_AUTHORISATION_TEST_SUPPORT: "1.0",
    Api.TEST_FRAUD_PREVENTION_HEADERS: "1.0",
}

# HMRC's services match the version with (\d.\d): one digit each side.
_VERSION: Final = re.compile(r"\d\.\d")


def accept_header(version: str) -> str:
    """The Accept header asking for ``version`` (``"2.0"`` → ``application/vnd.hmrc.2.0+json``)."""
    if not _VERSION.fullmatch(version):
        raise ValueError(f"an HMRC API version is like '2.0', not {version!r}")
    return f"application/vnd.hmrc.{version}+json"
