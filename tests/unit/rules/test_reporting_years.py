"""openmtd.rules.opt_out.reporting_years_from: the three years read from a status history."""

from __future__ import annotations

from datetime import UTC, datetime

from openmtd.rules.itsa_status import (
    ItsaStatus,
    StatusHistory,
    StatusReason,
    StatusRecord,
    YearHistory,
)
from openmtd.rules.opt_out import ReportingYears, opt_out_years, reporting_years_from
from openmtd.rules.tax_year import TaxYear

CY = TaxYear(2026)
AT = datetime(2026, 5, 1, tzinfo=UTC)


def held(*pairs: tuple[TaxYear, ItsaStatus]) -> StatusHistory:
    return StatusHistory.of(
        YearHistory(year, (StatusRecord(AT, status, StatusReason.ROLLOVER),))
        for year, status in pairs
    )


def test_years_with_no_record_are_no_status() -> None:
    years = reporting_years_from(held(), CY)
    assert years == ReportingYears(
        CY, ItsaStatus.NO_STATUS, ItsaStatus.NO_STATUS, ItsaStatus.NO_STATUS, False
    )


def test_a_created_test_users_one_voluntary_year_offers_this_year_and_next() -> None:
    years = reporting_years_from(held((CY, ItsaStatus.VOLUNTARY)), CY)
    assert years.current is ItsaStatus.VOLUNTARY
    assert years.next is ItsaStatus.NO_STATUS
    assert opt_out_years(years) == (CY, CY.next)


def test_the_current_year_rolls_over_and_crystallisation_is_passed_on() -> None:
    years = reporting_years_from(
        held((CY.previous, ItsaStatus.VOLUNTARY), (CY.next, ItsaStatus.MANDATED)),
        CY,
        previous_crystallised=True,
    )
    assert (years.previous, years.current, years.next) == (
        ItsaStatus.VOLUNTARY,
        ItsaStatus.VOLUNTARY,
        ItsaStatus.MANDATED,
    )
    assert years.previous_crystallised
    assert opt_out_years(years) == (CY,)
