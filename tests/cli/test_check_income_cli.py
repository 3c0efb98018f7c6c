"""`openmtd check-income`: the same check as the app's page, from the terminal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from openmtd.cli import app, taxpayer
from openmtd.rules.clock import FixedClock

runner = CliRunner()


@pytest.fixture(autouse=True)
def pinned_clock() -> Iterator[None]:
    saved = taxpayer.SEAMS
    taxpayer.SEAMS = taxpayer.Seams(clock=FixedClock(datetime(2026, 12, 4, 12, tzinfo=UTC)))
    try:
        yield
    finally:
        taxpayer.SEAMS = saved


def run(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["check-income", "--config-dir", str(tmp_path), *args])
    return result.exit_code, result.stdout, result.stderr


def test_over_the_threshold_says_from_when_with_the_sign_up_address(tmp_path: Path) -> None:
    code, out, _ = run(
        tmp_path, "--year", "2025-26", "--turnover", "28000", "--uk-property", "24000@0.5"
    )
    assert code == 0
    said = " ".join(out.split())
    assert "You must use Making Tax Digital for Income Tax from 6 April 2027" in said
    assert "only your share counts: £12,000 of £24,000" in said
    assert "Sign up with HMRC online services: http://127.0.0.1:8100/signup" in said


def test_the_default_year_is_the_last_one_ended(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, "--turnover", "20001", "--json")
    assert code == 0
    body = json.loads(out)
    assert body["returnYear"] == "2025-26"
    assert body["verdict"] == "must-use-later"
    assert body["fromTaxYear"] == "2028-29"


def test_json_for_income_that_does_not_count(tmp_path: Path) -> None:
    code, out, _ = run(
        tmp_path, "--json", "--employment", "50000", "--partnership", "1000", "--savings", "10"
    )
    body = json.loads(out)
    assert (code, body["verdict"], body["notCounted"]) == (0, "does-not-apply", "51010.00")
    assert body["signUpAddress"] is None


def test_another_hmrc_gives_its_sign_up_address(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, "--turnover", "60000", "--hmrc", "production", "--json")
    assert code == 0
    assert json.loads(out)["signUpAddress"].startswith("https://www.gov.uk/")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--turnover", "１２"), "'--turnover': '１２' is not an amount of money"),
        (("--dividends", "-1"), "'--dividends': '-1' is negative"),
        (("--year", "2023-24"), "give a tax year from 2024-25 to 2026-27"),
        (("--year", "2027-28"), "give a tax year from 2024-25 to 2026-27"),
        (("--year", "26-27"), "'--year'"),
        (("--turnover", "5", "--hmrc", "staging"), "'--hmrc'"),
    ],
)
def test_bad_input_is_a_usage_error_without_a_traceback(
    tmp_path: Path, args: tuple[str, ...], says: str
) -> None:
    code, out, err = run(tmp_path, *args)
    assert (code, out) == (2, "")
    assert says in " ".join(err.split())
    assert "Traceback" not in err
