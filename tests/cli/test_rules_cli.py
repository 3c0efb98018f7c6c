"""The `openmtd` command, in process: every rules command, its JSON, and its errors."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import typer
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
    assert "Next deadline:" in out
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


# --- a tax year as the argument (issue 7) ---------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("tax-year", "2026-27"),
        ("tax-year", "--year", "2026-27"),
        ("tax-year", "--tax-year", "2026-27"),
        ("tax-year", "2026-27", "--year", "2026-27"),
    ],
)
def test_tax_year_takes_the_year_as_its_argument_or_an_option(args: tuple[str, ...]) -> None:
    code, out, err = run("rules", *args, "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["taxYear"] == "2026-27"


@pytest.mark.parametrize(
    "args",
    [
        ("mandation", "2027-28", "--turnover", "30000.01"),
        ("mandation", "--tax-year", "2027-28", "--turnover", "30000.01"),
        ("mandation", "--year", "2027-28", "--turnover", "30000.01"),
    ],
)
def test_mandation_takes_the_year_as_its_argument_or_an_option(args: tuple[str, ...]) -> None:
    code, out, err = run("rules", *args, "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["taxYear"] == "2027-28"
    assert json.loads(out)["required"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("tax-year", "2026-27", "--year", "2027-28"),
            "Error: two tax years given (2026-27 and 2027-28): give it once, as TAX_YEAR or "
            "--tax-year.",
        ),
        (
            ("tax-year", "2026-27", "--date", "2026-11-26"),
            "Error: give a tax year (2026-27) or --date (2026-11-26), not both.",
        ),
        (
            ("mandation", "--turnover", "100"),
            "Error: give the tax year to decide, like 2027-28: openmtd rules mandation 2027-28 "
            "--turnover AMOUNT ...",
        ),
        (
            ("mandation", "2027-28", "--tax-year", "2026-27"),
            "Error: two tax years given (2027-28 and 2026-27)",
        ),
    ],
)
def test_a_tax_year_given_twice_or_not_at_all_is_a_usage_error(
    args: tuple[str, ...], message: str
) -> None:
    code, out, err = run("rules", *args)
    assert (code, out) == (2, "")
    assert message in " ".join(err.split())


# --- years openmtd cannot handle say so (issue 7) ----------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("2150-51",), "'2150-51' is outside the tax years openmtd handles (2000-01 to 2098-99)."),
        (("1999-00",), "'1999-00' is outside the tax years openmtd handles (2000-01 to 2098-99)."),
        (
            ("--date", "9999-12-31"),
            "'9999-12-31' is outside the tax years openmtd handles (2000-01 to 2098-99).",
        ),
        (("2005-06",), "'2005-06' is before 2010-11, the earliest tax year HMRC's APIs accept."),
        (
            ("2098-99",),
            "'2098-99' is outside the tax years openmtd handles here (2002-03 to 2097-98): each "
            "needs the tax year two before it and the one after it.",
        ),
        (("--date", "20261126"), "'20261126' is not a date; write it as YYYY-MM-DD."),
    ],
)
def test_a_year_out_of_range_says_so_rather_than_not_a_tax_year(
    args: tuple[str, ...], message: str
) -> None:
    code, out, err = run("rules", "tax-year", *args)
    assert (code, out) == (2, "")
    said = " ".join(err.split())
    assert message in said
    assert "Write it as the first year" not in said
    assert "Traceback" not in err


# --- amounts of money (issue 7) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--uk-property", "1000@", "'1000@' has no share after the @. Write AMOUNT@SHARE"),
        ("--foreign-property", "1000@ ", "has no share after the @"),
        ("--uk-property", "@0.5", "'@0.5' has no amount before the @."),
        ("--turnover", "1e400", "'1e400' is not an amount of money."),
        ("--turnover", "1E5", "is not an amount of money"),
        ("--turnover", "NaN", "'NaN' is not an amount of money"),
        ("--turnover", "inf", "'inf' is not an amount of money"),
        ("--turnover", "Infinity", "is not an amount of money"),
        ("--turnover", "-5", "'-5' is negative: an income is zero or more."),
        ("--turnover", "-0", "is negative"),
        ("--turnover", "-inf", "is negative"),
        ("--turnover", "١٠٠", "is not an amount of money. Write pounds, and pence if any, with"),
        ("--turnover", "１００", "is not an amount of money"),
        ("--turnover", "1,00", "is not an amount of money"),
        ("--turnover", "12,50.00", "is not an amount of money"),
        ("--turnover", "", "is not an amount of money"),
        ("--turnover", "12.345", "'12.345' has more than two decimal places"),
        ("--turnover", "100000000000", "'100000000000' is over £99,999,999,999.99,"),
        ("--turnover", "99999999999.991", "has more than two decimal places"),
        ("--uk-property", "1e400@0.5", "'1e400' is not an amount of money"),
        ("--uk-property", "100@2", "the share in '100@2' must be between 0 and 1"),
        ("--uk-property", "100@nan", "the share in '100@nan' is not a number from 0 to 1"),
        ("--uk-property", "100@١", "is not a number from 0 to 1"),
        ("--uk-property", "100@-0.5", "is not a number from 0 to 1"),
        ("--uk-property", "100@1e-3", "is not a number from 0 to 1"),
        ("--foreign-property", "100@0.5@1", "is not a number from 0 to 1"),
    ],
)
def test_an_amount_that_is_not_pounds_and_pence_is_a_usage_error(
    option: str, value: str, message: str
) -> None:
    code, out, err = run("rules", "mandation", "2027-28", option, value)
    assert (code, out) == (2, "")
    said = " ".join(err.split())
    assert f"Invalid value for '{option}': " in said
    assert message in said
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "qualifying"),
    [
        (("--turnover", "£12,500.50"), "12500.50"),
        (("--turnover", "1,234,567"), "1234567.00"),
        (("--turnover", " 100 "), "100.00"),
        (("--turnover", "0"), "0.00"),
        (("--turnover", "99999999999.99"), "99999999999.99"),
        (("--turnover", "10.5"), "10.50"),
        (("--uk-property", "100@.5"), "50.00"),
        (("--uk-property", "100@1"), "100.00"),
        (("--uk-property", "100@0"), "0.00"),
        (("--uk-property", "100"), "100.00"),
        (("--foreign-property", "300@0.3333"), "99.99"),
    ],
)
def test_amounts_people_write_are_accepted(args: tuple[str, ...], qualifying: str) -> None:
    code, out, err = run("rules", "mandation", "2027-28", *args, "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["qualifyingIncome"] == qualifying


# --- guidance reads as sentences (issue 7) -----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "next_step"),
    [
        (
            ("--previous", "annual", "--current", "mandated", "--next", "mandated"),
            "Next deadline: Self Assessment tax return and payment for 6 April 2025 to 5 April "
            "2026, due by 31 January 2027.",
        ),
        (
            ("--current", "annual", "--next", "mandated", "--not-signed-up"),
            "Sign up for Making Tax Digital for Income Tax in HMRC online services.",
        ),
    ],
)
def test_guidance_ends_with_the_next_step_and_no_doubled_label(
    args: tuple[str, ...], next_step: str
) -> None:
    code, out, _ = run("rules", "guidance", "--date", "2026-11-26", *args)
    assert code == 0
    assert out.rstrip().splitlines()[-1] == next_step
    assert "Next step:" not in out
    for line in out.splitlines():
        assert not re.match(r"\s*[A-Z][a-z ]+: [A-Z][a-z ]+: ", line), line


# --- --help reads like a well-kept CLI's (issue 7) ---------------------------------------------


def _every_command() -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []

    def walk(command: Any, path: tuple[str, ...]) -> None:
        found.append(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return found


def test_every_command_is_found() -> None:
    commands = _every_command()
    assert ("rules", "tax-year") in commands
    assert ("emulator", "app", "create") in commands
    assert ("check-income",) in commands
    assert ("app", "serve") in commands
    assert ("app", "remind") in commands
    assert len(commands) == 25


@pytest.mark.parametrize("columns", ["80", "200"])
@pytest.mark.parametrize("path", _every_command(), ids=" ".join)
def test_help_shows_flags_as_flags_and_cuts_nothing(path: tuple[str, ...], columns: str) -> None:
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": columns})
    assert result.exit_code == 0
    text = result.stdout
    # No Python type tags (<str>, <bool>, <list[str]>, <int range>) and nothing cut short.
    assert not re.search(r"<[a-z][^>]*>", text), text
    assert "…" not in text
    assert "{" not in text.split("\n")[0], text
    listing = text.partition("Commands:\n")[2]
    assert not [line for line in listing.splitlines() if line.endswith("...")], text
    assert re.search(r"^  --help +Show this message and exit\.$", text, re.M), text
    assert max(len(line) for line in text.splitlines()) <= 100


def test_help_names_values_by_metavar_and_shows_the_whole_default_url() -> None:
    serve = runner.invoke(app, ["emulator", "serve", "--help"], env={"COLUMNS": "80"}).stdout
    assert "sqlite:///data/emulator.sqlite3." in serve
    assert "$OPENMTD_EMULATOR_DATABASE_URL" in serve
    assert re.search(r"^  --no-control +Do not serve", serve, re.M)
    assert re.search(r"^  --port PORT +The port", serve, re.M)
    mandation = runner.invoke(app, ["rules", "mandation", "--help"], env={"COLUMNS": "80"}).stdout
    assert mandation.startswith("Usage: openmtd rules mandation [OPTIONS] [TAX_YEAR]\n")
    assert re.search(r"^  --json +Print JSON instead of text\.$", mandation, re.M)
    assert re.search(r"^  --turnover AMOUNT +Gross", mandation, re.M)
    check = runner.invoke(app, ["rules", "check", "--help"], env={"COLUMNS": "80"}).stdout
    assert check.startswith("Usage: openmtd rules check [OPTIONS] KIND VALUE\n")
    assert re.search(r"^  KIND +One of: nino", check, re.M)
