"""FraudHeaderReport: HMRC's validate body read and written back, whatever shape it arrives in."""

from __future__ import annotations

from typing import Any

import pytest

from openmtd.sdk import FraudHeaderIssue, FraudHeaderReport

BODY = {
    "specVersion": "3.0",
    "code": "POTENTIALLY_INVALID_HEADERS",
    "message": "At least 1 header is potentially invalid",
    "warnings": [
        {
            "code": "EMPTY_HEADER",
            "message": "Value is empty.",
            "headers": ["gov-client-multi-factor"],
        }
    ],
}


def test_hmrcs_body_reads_and_writes_back() -> None:
    report = FraudHeaderReport.from_body(BODY)
    assert report.valid
    assert report.spec_version == "3.0"
    assert report.warnings == (
        FraudHeaderIssue("EMPTY_HEADER", "Value is empty.", ("gov-client-multi-factor",)),
    )
    assert report.to_json() == BODY


def test_errors_make_it_invalid() -> None:
    body = {
        "code": "INVALID_HEADERS",
        "message": "At least 1 header is invalid",
        "errors": [{"code": "MISSING_HEADER", "message": "Header missing", "headers": ["a"]}],
    }
    report = FraudHeaderReport.from_body(body)
    assert not report.valid
    assert report.spec_version is None
    assert report.to_json() == body


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"code": 3, "errors": "nope", "warnings": None},
        {"code": "X", "errors": [1, {"headers": "x"}, {"code": "C"}]},
    ],
)
def test_odd_bodies_never_raise(body: dict[str, Any]) -> None:
    report = FraudHeaderReport.from_body(body)
    assert isinstance(report.code, str)
    for issue in report.errors:
        assert isinstance(issue.headers, tuple)
    assert report.to_json()["code"] == report.code
