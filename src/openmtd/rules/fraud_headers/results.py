"""The validator's verdicts, in HMRC's shapes: the validate body's ``errors`` / ``warnings``
items (``{code, message, headers}``) and validation-feedback's per-header results (wire facts
§3.3); and :class:`Findings`, which collects what one header is found to break."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from openmtd.rules.fraud_headers.choices import MAX_FINDINGS_PER_HEADER, Choice
from openmtd.rules.fraud_headers.spec import (
    INVALID_HEADER,
    INVALID_HEADERS,
    MESSAGES,
    MISSING_HEADER,
    NO_HEADERS,
    POTENTIALLY_INVALID_HEADER,
    SPEC_VERSION,
    VALID_HEADER,
    ConnectionMethod,
    Rule,
    Severity,
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem with one header."""

    code: str
    message: str

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class Issue:
    """An item of the validate body's ``errors`` or ``warnings``: HMRC's shape."""

    code: str
    message: str
    headers: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "headers": list(self.headers)}


@dataclass(frozen=True, slots=True)
class HeaderResult:
    """The verdict on one header, for validation-feedback's ``headers`` list."""

    header: str
    value: str | None
    code: str
    errors: tuple[Finding, ...] = ()
    warnings: tuple[Finding, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "header": self.header,
            "value": self.value,
            "code": self.code,
            "errors": [finding.to_json() for finding in self.errors],
            "warnings": [finding.to_json() for finding in self.warnings],
        }


@dataclass(frozen=True, slots=True)
class CrossCheck:
    """A failed check across headers, for validation-feedback's ``crossValidation``."""

    headers: tuple[str, ...]
    code: str
    errors: tuple[Finding, ...] = ()
    warnings: tuple[Finding, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "headers": list(self.headers),
            "code": self.code,
            "errors": [finding.to_json() for finding in self.errors],
            "warnings": [finding.to_json() for finding in self.warnings],
        }


@dataclass(frozen=True, slots=True)
class Validation:
    """The verdict on one request's fraud prevention headers."""

    code: str
    message: str
    connection_method: ConnectionMethod | None
    errors: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()
    headers: tuple[HeaderResult, ...] = ()
    cross_validation: tuple[CrossCheck, ...] = ()

    def to_validate_body(self) -> dict[str, object]:
        """The 200 body of ``GET /test/fraud-prevention-headers/validate``."""
        code = INVALID_HEADERS if self.code == NO_HEADERS else self.code
        body: dict[str, object] = {
            "specVersion": SPEC_VERSION,
            "code": code,
            "message": MESSAGES[code],
        }
        if self.errors:
            body["errors"] = [issue.to_json() for issue in self.errors]
        if self.warnings:
            body["warnings"] = [issue.to_json() for issue in self.warnings]
        return body

    def to_feedback_request(
        self, path: str, method: str, request_timestamp: datetime
    ) -> dict[str, object]:
        """One entry of validation-feedback's ``requests`` list."""
        return {
            "path": path,
            "method": method.upper(),
            "requestTimestamp": format_timestamp(request_timestamp),
            "code": self.code,
            "headers": [result.to_json() for result in self.headers],
            "crossValidation": [check.to_json() for check in self.cross_validation],
        }


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC (a naive datetime is taken to be UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def format_timestamp(moment: datetime) -> str:
    """``yyyy-MM-ddThh:mm:ss.sssZ`` in UTC (a naive datetime is taken to be UTC)."""
    moment = as_utc(moment)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class Findings:
    """Collects the findings on one header, listing at most MAX_FINDINGS_PER_HEADER.

    Every finding names the rule of the specification (:class:`Rule`) or the choice of
    openmtd's (:class:`Choice`) it comes from; its severity decides whether it is an error,
    a warning or (a choice switched off) nothing.
    """

    def __init__(self) -> None:
        self.errors: list[Finding] = []
        self.warnings: list[Finding] = []
        self._dropped_errors = 0
        self._dropped_warnings = 0

    def add(self, because: Rule | Choice, message: str, code: str | None = None) -> None:
        if because.severity is Severity.ERROR:
            self._add(self.errors, Finding(code or INVALID_HEADER, message), error=True)
        elif because.severity is Severity.WARNING:
            self._add(
                self.warnings, Finding(code or POTENTIALLY_INVALID_HEADER, message), error=False
            )

    def _add(self, into: list[Finding], finding: Finding, *, error: bool) -> None:
        if len(into) < MAX_FINDINGS_PER_HEADER:
            into.append(finding)
        elif error:
            self._dropped_errors += 1
        else:
            self._dropped_warnings += 1

    def result(self, name: str, value: str | None, *, missing: bool) -> HeaderResult:
        errors, warnings = list(self.errors), list(self.warnings)
        if self._dropped_errors:
            errors.append(Finding(INVALID_HEADER, _more(self._dropped_errors)))
        if self._dropped_warnings:
            warnings.append(Finding(POTENTIALLY_INVALID_HEADER, _more(self._dropped_warnings)))
        if missing:
            code = MISSING_HEADER
        elif errors:
            code = INVALID_HEADER
        elif warnings:
            code = POTENTIALLY_INVALID_HEADER
        else:
            code = VALID_HEADER
        return HeaderResult(name, value, code, tuple(errors), tuple(warnings))


def _more(count: int) -> str:
    noun = "problem" if count == 1 else "problems"
    return f"…and {count} more {noun} in this header, not listed."
