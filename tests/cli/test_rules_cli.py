"""The `openmtd` command, in process: every rules command, its JSON, and its errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from openmtd.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = run("version")
    assert code == 0
    assert out.strip() == "0.1.0"


@pytest.mark.parametrize(
    ("kind", "value", "canonical"),
    [
        ("nino", "aa 12 34 56 a", "AA123456A"),
        ("postcode", "sw1a2aa", "SW1A 2AA"),
        ("NINO", "AA123456A", "AA123456A"),
    ],
)
def test_check_prints_the_canonical_form(kind: str, value: str, canonical: str) -> None:
    code, out, _ = run("rules", "check", kind, value)
    assert code == 0
    assert out.strip() == canonical


def test_check_refuses_with_hmrcs_code_and_no_traceback() -> None:
    code, out, err = run("rules", "check", "nino", "QQ123456C")
    assert code == 2
    assert out == ""
    assert err.startswith("FORMAT_NINO: ")
    assert "Traceback" not in err


def test_check_json() -> None:
    code, out, _ = run("rules", "check", "nino", "aa123456a", "--json")
    assert code == 0
    assert json.loads(out) == {"valid": True, "value": "AA123456A"}
    code, out, _ = run("rules", "check", "postcode", "not a postcode", "--json")
    assert code == 2
    body = json.loads(out)
    assert body["valid"] is False
    assert body["code"] == "POSTCODE_FORMAT_INVALID"


def test_check_unknown_kind_is_a_usage_error() -> None:
    code, _, err = run("rules", "check", "vrn", "123")
    assert code == 2
    assert "is not one of" in err


def test_tax_year_by_date_and_by_year() -> None:
    code, out, _ = run("rules", "tax-year", "--date", "2026-04-05", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["taxYear"] == "2025-26"
    assert data["mtdThreshold"] is None
    code, out, _ = run("rules", "tax-year", "--year", "2026-27", "--json")
    data = json.loads(out)
    assert data["quarterlyUpdatesDue"] == ["2026-08-07", "2026-11-07", "2027-02-07", "2027-05-07"]
    assert data["finalDeclarationDue"] == "2028-01-31"
    assert data["mtdThreshold"] == "50000"
    assert data["decidedByReturnFor"] == "2024-25"
    code, out, _ = run("rules", "tax-year", "--year", "2026-27")
    assert "over £50,000" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--year", "2026-28"), "does not cover one tax year"),
        (("--year", "26-27"), "is not a tax year"),
        (("--date", "5 April"), "is not a date"),
        (("--date", "2099-05-01"), "outside the tax years openmtd handles"),
        (("--year", "2098-99"), "outside the tax years openmtd handles"),
    ],
)
def test_tax_year_bad_input(args: tuple[str, ...], message: str) -> None:
    code, _, err = run("rules", "tax-year", *args)
    assert code == 2
    assert message in " ".join(err.split())


def test_mandation_counts_only_the_persons_share_and_is_strict() -> None:
    code, out, _ = run(
        "rules", "mandation", "--tax-year", "2027-28", "--turnover", "18000",
        "--uk-property", "24000@0.5", "--json",
    )  # fmt: skip
    assert code == 0
    assert json.loads(out) == {
        "taxYear": "2027-28",
        "basedOnReturnFor": "2025-26",
        "qualifyingIncome": "30000.00",
        "threshold": "30000.00",
        "required": False,
    }
    code, out, _ = run("rules", "mandation", "--tax-year", "2027-28", "--turnover", "30000.01")
    assert "Over the £30,000 threshold" in out
    code, out, _ = run("rules", "mandation", "--tax-year", "2025-26", "--turnover", "90000")
    assert "Nobody is required" in out
    code, out, _ = run("rules", "mandation", "--tax-year", "2026-27", "--foreign-property", "10")
    assert "Not over the £50,000 threshold" in out


@pytest.mark.parametrize(
    "args",
    [
        ("--turnover", "lots"),
        ("--turnover", "-5"),
        ("--uk-property", "100@2"),
        ("--turnover", "NaN"),
    ],
)
def test_mandation_bad_amounts(args: tuple[str, ...]) -> None:
    code, _, err = run("rules", "mandation", "--tax-year", "2026-27", *args)
    assert code == 2
    assert "Traceback" not in err


def test_guidance_text_never_shows_the_raw_status() -> None:
    code, out, _ = run(
        "rules", "guidance", "--date", "2026-11-26", "--previous", "annual",
        "--current", "MTD Voluntary", "--next", "mandated",
    )  # fmt: skip
    assert code == 0
    assert "by choice" in out
    assert "Next step:" in out
    for raw in ("MTD Voluntary", "MTD Mandated", "Annual"):
        assert raw not in out


def test_guidance_json_for_an_agent() -> None:
    code, out, _ = run(
        "rules", "guidance", "--date", "2026-11-26", "--current", "mandated",
        "--next", "mandated", "--agent", "--not-signed-up", "--crystallised", "--json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["audience"] == "agent"
    assert data["situation"] == "must-sign-up"
    assert data["whereToAct"] == "your agent services account"


def test_guidance_with_no_deadlines_or_warning() -> None:
    code, out, _ = run("rules", "guidance", "--date", "2026-11-26", "--current", "dormant")
    assert code == 0
    assert "Coming up" not in out


def test_guidance_refuses_an_unknown_status() -> None:
    code, _, err = run("rules", "guidance", "--current", "sort of")
    assert code == 2
    assert "is not a status" in err


def test_eligibility() -> None:
    code, out, _ = run(
        "rules", "eligibility", "--sole-trader", "--current-year", "voluntary",
        "--next-year", "mandated", "--date", "2026-11-26", "--json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["canSignUp"] is True
    assert data["years"] == ["2026-27", "2027-28"]
    assert "HMRC online services" in data["explanation"]
    code, out, _ = run("rules", "eligibility", "--partnership", "--date", "2026-11-26")
    assert code == 0
    assert "do not need to sign up" in out
    code, out, _ = run(
        "rules", "eligibility", "--uk-property", "--agent", "--next-key", "MTD Exempt 26/27",
        "--current-key", "Other", "--date", "2026-11-26",
    )  # fmt: skip
    assert code == 0
    assert "your client" in out.lower()


def test_eligibility_refuses_a_status_sign_up_does_not_give() -> None:
    code, _, err = run("rules", "eligibility", "--sole-trader", "--next-year", "annual")
    assert code == 2
    assert "must be mandated or voluntary" in err


@pytest.mark.parametrize("command", [("guidance",), ("eligibility", "--sole-trader")])
def test_a_date_too_far_ahead_is_a_usage_error_not_a_traceback(command: tuple[str, ...]) -> None:
    code, _, err = run("rules", *command, "--date", "2098-05-01")
    assert code == 2
    assert "outside the tax years openmtd handles" in " ".join(err.split())
    assert "Traceback" not in err
