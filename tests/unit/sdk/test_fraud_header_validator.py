"""validate_fraud_headers: the SDK's local validator gives the emulator's verdict (the same
rules, openmtd.rules.fraud_headers) for the builders' headers and for broken ones."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from openmtd.rules.fraud_headers import validate_headers
from openmtd.sdk import FraudHeaderReport, validate_fraud_headers
from support.fraud_headers import batch, browser_request, desktop, web

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "kind", ["DESKTOP_APP_DIRECT", "BATCH_PROCESS_DIRECT", "WEB_APP_VIA_SERVER"]
)
def test_the_builders_headers_are_valid(tmp_path: Path, kind: str) -> None:
    if kind == "WEB_APP_VIA_SERVER":
        headers = web().build(browser_request(NOW))
    else:
        builder = desktop if kind == "DESKTOP_APP_DIRECT" else batch
        headers = builder(tmp_path, NOW).headers_for("GET", "/")
    report = validate_fraud_headers(kind, headers, now=NOW)
    assert report == FraudHeaderReport(
        "VALID_HEADERS", "All headers appear to be valid", spec_version="3.3"
    )
    assert report.valid


def test_the_same_verdict_as_the_emulators(tmp_path: Path) -> None:
    headers = dict(desktop(tmp_path, NOW).headers_for("GET", "/"))
    headers["Gov-Client-Timezone"] = "GMT"
    headers["Gov-Client-Local-IPs"] = "10.1.2.3,,fc00::"
    del headers["Gov-Client-Multi-Factor"]
    report = validate_fraud_headers("DESKTOP_APP_DIRECT", headers, now=NOW)
    assert not report.valid
    assert report.to_json() == validate_headers(headers, now=NOW).to_validate_body()
    assert {h for issue in report.errors for h in issue.headers} == {
        "gov-client-timezone",
        "gov-client-local-ips",
    }
    assert [issue.headers for issue in report.warnings] == [("gov-client-multi-factor",)]


def test_the_connection_method_is_the_one_named() -> None:
    report = validate_fraud_headers("BATCH_PROCESS_DIRECT", {}, now=NOW)
    assert report.code == "INVALID_HEADERS"
    missing = {h for issue in report.errors for h in issue.headers}
    assert "gov-client-connection-method" not in missing
    assert "gov-client-device-id" in missing
    same = validate_fraud_headers(
        "BATCH_PROCESS_DIRECT", {"gov-client-connection-method": "BATCH_PROCESS_DIRECT"}, now=NOW
    )
    assert same == report
    with pytest.raises(ValueError, match="not 'DESKTOP_APP_DIRECT'"):
        validate_fraud_headers(
            "DESKTOP_APP_DIRECT", {"Gov-Client-Connection-Method": "WEB_APP_VIA_SERVER"}
        )
    with pytest.raises(ValueError, match="CARRIER_PIGEON"):
        validate_fraud_headers("CARRIER_PIGEON", {})


def test_the_clock_defaults_to_now(tmp_path: Path) -> None:
    headers = desktop(tmp_path, datetime.now(UTC)).headers_for("GET", "/")
    assert validate_fraud_headers("DESKTOP_APP_DIRECT", headers).code == "VALID_HEADERS"
