"""Every fraud-header finding comes from a rule HMRC's specification states or from one of
openmtd's choices; choices are never errors, can be switched in one place, and the docs list
them all (issue 7: an all-zero MAC address was an error spec v3.3 does not state)."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from openmtd.rules import fraud_headers as fh
from openmtd.rules.fraud_headers import choices, spec, validate_headers
from openmtd.rules.fraud_headers.choices import CHOICES, Choice
from openmtd.rules.fraud_headers.spec import RULES, ConnectionMethod, Severity

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "src/openmtd/rules/fraud_headers"
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)

DESKTOP = {
    "Gov-Client-Connection-Method": "DESKTOP_APP_DIRECT",
    "Gov-Client-Device-ID": "beec798b-b366-47fa-b1f8-92cede14a1ce",
    "Gov-Client-Local-IPs": "10.1.2.3",
    "Gov-Client-Local-IPs-Timestamp": "2026-11-26T09:59:58.123Z",
    "Gov-Client-MAC-Addresses": "ea%3A43%3A1a%3A5d%3A21%3A45",
    "Gov-Client-Multi-Factor": "type=TOTP&timestamp=2026-11-26T09%3A50Z&unique-reference=ab12",
    "Gov-Client-Screens": "width=1920&height=1080&scaling-factor=1&colour-depth=16",
    "Gov-Client-Timezone": "UTC+00:00",
    "Gov-Client-User-Agent": (
        "os-family=Windows&os-version=11&device-manufacturer=Dell&device-model=XPS"
    ),
    "Gov-Client-User-IDs": "os=alice&my-app=alice123",
    "Gov-Client-Window-Size": "width=1256&height=803",
    "Gov-Vendor-License-IDs": "my-app=8D7963490527D337",
    "Gov-Vendor-Product-Name": "My%20App",
    "Gov-Vendor-Version": "my-app=1.6.0",
}


def test_the_base_set_is_valid() -> None:
    assert validate_headers(DESKTOP, now=NOW).code == "VALID_HEADERS"


@pytest.mark.parametrize(
    "value", ["00%3A00%3A00%3A00%3A00%3A00", "ea%3A43%3A1a%3A5d%3A21%3A45,00-00-00-00-00-00"]
)
def test_an_all_zero_mac_address_is_no_error(value: str) -> None:
    result = validate_headers({**DESKTOP, "Gov-Client-MAC-Addresses": value}, now=NOW)
    assert result.errors == ()
    assert result.code == "POTENTIALLY_INVALID_HEADERS"
    (warning,) = result.warnings
    assert warning.headers == ("gov-client-mac-addresses",)
    assert "all zeros" in warning.message


def test_a_choice_cannot_be_an_error() -> None:
    with pytest.raises(ValueError, match="at most a warning"):
        Choice("x", Severity.ERROR, "anything")
    assert all(choice.severity is not Severity.ERROR for choice in CHOICES.values())


def test_a_choice_switched_off_reports_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    off = dataclasses.replace(choices.ALL_ZERO_MAC, severity=Severity.OFF)
    headers = {**DESKTOP, "Gov-Client-MAC-Addresses": "00%3A00%3A00%3A00%3A00%3A00"}
    assert validate_headers(headers, now=NOW).code == "POTENTIALLY_INVALID_HEADERS"
    monkeypatch.setattr(choices, "ALL_ZERO_MAC", off)
    fh.forget_verdicts()
    try:
        assert validate_headers(headers, now=NOW).code == "VALID_HEADERS"
    finally:
        monkeypatch.undo()
        fh.forget_verdicts()
    assert validate_headers(headers, now=NOW).code == "POTENTIALLY_INVALID_HEADERS"


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("Gov-Client-User-IDs", "my-app=alice123"),  # no os user: §3 lets a key be left out
        ("Gov-Client-Multi-Factor", "type=TOTP&timestamp=2026-11-26T09%3A50Z"),
        ("Gov-Client-Screens", "width=1920&height=1080"),
        ("Gov-Client-Window-Size", "width=1256"),
        ("Gov-Client-Timezone", "UTC+15:00"),
        ("Gov-Vendor-Version", "my-app="),
        ("Gov-Client-User-Agent", "os-family=Windows&os-family=Linux"),
        ("Gov-Client-Device-ID", "00000000-0000-0000-0000-000000000000"),
        ("Gov-Client-Local-IPs-Timestamp", "2020-09-21T14:30:05.123Z"),
    ],
)
def test_what_the_specification_does_not_state_is_at_most_a_warning(
    header: str, value: str
) -> None:
    result = validate_headers({**DESKTOP, header: value}, now=NOW)
    assert result.errors == (), result.errors
    assert result.code == "POTENTIALLY_INVALID_HEADERS"


def _constants(module: object, kind: type) -> dict[str, object]:
    return {name: value for name, value in vars(module).items() if isinstance(value, kind)}


def test_every_rule_and_choice_is_registered_and_used() -> None:
    rules = _constants(spec, spec.Rule)
    own = _constants(choices, Choice)
    assert set(RULES.values()) == set(rules.values())
    assert set(CHOICES.values()) == set(own.values())
    source = "\n".join(
        path.read_text(encoding="utf-8")
        for path in PACKAGE.glob("*.py")
        if path.name not in {"spec.py", "choices.py"}
    )
    for name in rules:
        assert f"spec.{name}" in source, f"rule {name} is never applied"
    for name in own:
        assert f"own.{name}" in source, f"choice {name} is never applied"


def test_the_docs_list_every_rule_and_choice_with_its_severity() -> None:
    docs = (ROOT / "docs/emulator.md").read_text(encoding="utf-8")
    rows = {
        match[1]: match[2]
        for match in re.finditer(r"^\| `([a-z0-9-]+)` \| (error|warning|off) \|", docs, re.M)
    }
    expected = {rule.id: str(rule.severity) for rule in RULES.values()}
    expected |= {choice.id: str(choice.severity) for choice in CHOICES.values()}
    assert rows == expected


def test_the_package_keeps_its_public_names() -> None:
    assert fh.validate_headers is validate_headers
    assert fh.ConnectionMethod is ConnectionMethod
    assert fh.SPEC_VERSION == "3.3"
