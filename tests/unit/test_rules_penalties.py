"""The words on penalty points: the threshold follows how often the customer reports."""

from __future__ import annotations

from openmtd.rules.penalties import (
    ANNUAL_POINTS_THRESHOLD,
    QUARTERLY_POINTS_THRESHOLD,
    how_points_work,
)


def test_quarterly_reporting_names_the_quarterly_threshold() -> None:
    text = " ".join(how_points_work(quarterly=True))
    assert f"reach {QUARTERLY_POINTS_THRESHOLD} (the threshold for sending quarterly" in text
    assert "£200 penalty" in text
    assert "24 months" in text
    assert "30 days" in text


def test_an_annual_return_names_the_annual_threshold() -> None:
    text = " ".join(how_points_work(quarterly=False))
    assert f"reach {ANNUAL_POINTS_THRESHOLD} (the threshold for sending one return a year" in text
    assert QUARTERLY_POINTS_THRESHOLD != ANNUAL_POINTS_THRESHOLD
