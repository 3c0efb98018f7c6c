"""Test Fraud Prevention Headers API v1.0 (wire facts §3.3): HMRC's feedback on the headers.

The feedback's shape is partly UNCONFIRMED at HMRC, so items keep any field HMRC adds.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from openmtd.sdk._models._base import HmrcModel

__all__ = [
    "FeedbackRequest",
    "HeaderFeedback",
    "HeaderIssue",
    "HeaderValidation",
    "ValidationCode",
    "ValidationFeedback",
]


class ValidationCode(StrEnum):
    """HMRC's overall verdict on a request's fraud prevention headers."""

    VALID_HEADERS = "VALID_HEADERS"
    INVALID_HEADERS = "INVALID_HEADERS"
    POTENTIALLY_INVALID_HEADERS = "POTENTIALLY_INVALID_HEADERS"


class HeaderIssue(HmrcModel):
    """One error or warning, and the (lower-case) headers it is about."""

    code: str
    message: str
    headers: tuple[str, ...] = ()


class HeaderValidation(HmrcModel):
    """``GET /test/fraud-prevention-headers/validate``: feedback on that one request."""

    spec_version: str | None = None
    code: ValidationCode | str = Field(union_mode="left_to_right")
    message: str
    errors: tuple[HeaderIssue, ...] = ()
    warnings: tuple[HeaderIssue, ...] = ()

    @property
    def valid(self) -> bool:
        return self.code == ValidationCode.VALID_HEADERS


class HeaderFeedback(HmrcModel):
    """One header of a recorded request."""

    header: str
    code: str
    value: str | None = None
    errors: tuple[HeaderIssue, ...] = ()
    warnings: tuple[HeaderIssue, ...] = ()


class FeedbackRequest(HmrcModel):
    """One recorded request to an API and the verdict on its headers."""

    path: str | None = None
    method: str | None = None
    request_timestamp: str | None = None
    code: str
    headers: tuple[HeaderFeedback, ...] = ()


class ValidationFeedback(HmrcModel):
    """``GET /test/fraud-prevention-headers/{api}/validation-feedback``."""

    requests: tuple[FeedbackRequest, ...]
