"""A verdict on one request's fraud prevention headers, in the shape of the validate body of
HMRC's Test Fraud Prevention Headers API (wire facts §3.3): an overall code and message, and
``errors`` / ``warnings`` items of ``{code, message, headers}`` with header names in lower case.

The local validator (:func:`~openmtd.sdk.validate_fraud_headers`) and HMRC's API (read with
:meth:`FraudHeaderReport.from_body`) both give one, so software can treat them alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["FraudHeaderIssue", "FraudHeaderReport"]


@dataclass(frozen=True, slots=True)
class FraudHeaderIssue:
    """One finding: HMRC's code (``INVALID_HEADER``, ``MISSING_HEADER``, ``EMPTY_HEADER``,
    ...), its message, and the headers (lower case) it is about."""

    code: str
    message: str
    headers: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "headers": list(self.headers)}


@dataclass(frozen=True, slots=True)
class FraudHeaderReport:
    """The verdict: ``code`` is ``VALID_HEADERS``, ``POTENTIALLY_INVALID_HEADERS`` (warnings
    only) or ``INVALID_HEADERS``. ``valid`` is True when there is no error."""

    code: str
    message: str
    errors: tuple[FraudHeaderIssue, ...] = ()
    warnings: tuple[FraudHeaderIssue, ...] = ()
    spec_version: str | None = None

    @property
    def valid(self) -> bool:
        """No error (warnings may remain: HMRC calls those potentially invalid)."""
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        """The validate body's shape (``specVersion``, ``code``, ``message``, ``errors``,
        ``warnings``; empty lists left out, as HMRC does)."""
        body: dict[str, Any] = {}
        if self.spec_version is not None:
            body["specVersion"] = self.spec_version
        body["code"] = self.code
        body["message"] = self.message
        if self.errors:
            body["errors"] = [issue.to_json() for issue in self.errors]
        if self.warnings:
            body["warnings"] = [issue.to_json() for issue in self.warnings]
        return body

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> FraudHeaderReport:
        """Read the validate body HMRC answered; items that are not of its shape are kept as
        well as they can be (a missing text becomes empty), never raising."""
        return cls(
            code=str(body.get("code", "")),
            message=str(body.get("message", "")),
            errors=_issues(body.get("errors")),
            warnings=_issues(body.get("warnings")),
            spec_version=str(body["specVersion"]) if "specVersion" in body else None,
        )


def _issues(items: object) -> tuple[FraudHeaderIssue, ...]:
    if not isinstance(items, list):
        return ()
    issues = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        headers = item.get("headers")
        issues.append(
            FraudHeaderIssue(
                code=str(item.get("code", "")),
                message=str(item.get("message", "")),
                headers=tuple(str(h) for h in headers) if isinstance(headers, list) else (),
            )
        )
    return tuple(issues)
