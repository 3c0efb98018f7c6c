"""Tests for openmtd.rules.tax_year against HMRC's rules (hmrc-wire-facts.md §1.2)."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmtd.rules.clock import UK_TIMEZONE
from openmtd.rules.errors import InvalidTaxYearError, RuleError
from openmtd.rules.tax_year import (
    EARLIEST_START_YEAR,
    EARLIEST_WIRE_START_YEAR,
    LATEST_START_YEAR,
    START_DAY,
    START_MONTH,
    TaxYear,
    outside_message,
)

FORMAT_WIRE = "The taxYear format is invalid"
RANGE_WIRE = "A tax year range of one year is required"

#: Start years whose wire form HMRC's regex accepts: 2010-11 to 2098-99.
wire_start_years = st.integers(min_value=2010, max_value=2098)
#: Every start year the type can hold.
all_start_years = st.integers(min_value=2000, max_value=2098)


class TestConstructor:
    @pytest.mark.parametrize("start_year", [2000, 2009, 2010, 2026, 2098])
    def test_accepts_years_writable_in_two_digit_forms(self, start_year: int) -> None:
        assert TaxYear(start_year).start_year == start_year

    @pytest.mark.parametrize("start_year", [1999, 2099, 0, -2026, 20026])
    def test_refuses_years_outside_2000_to_2098(self, start_year: int) -> None:
        with pytest.raises(InvalidTaxYearError) as caught:
            TaxYear(start_year)

        assert caught.value.code == "FORMAT_TAX_YEAR"
        assert str(start_year) in caught.value.message
        assert "2000-01 to 2098-99" in caught.value.message
        assert caught.value.wire_message == FORMAT_WIRE

    def test_is_immutable(self) -> None:
        year = TaxYear(2026)

        with pytest.raises(dataclasses.FrozenInstanceError):
            year.start_year = 2027  # type: ignore[misc]


class TestParse:
    @pytest.mark.parametrize(
        ("text", "start_year"),
        [("2026-27", 2026), ("2010-11", 2010), ("2019-20", 2019), ("2098-99", 2098)],
    )
    def test_accepts_hmrcs_form(self, text: str, start_year: int) -> None:
        assert TaxYear.parse(text) == TaxYear(start_year)

    @pytest.mark.parametrize(
        "text",
        [
            "2026-2027",
            "26-27",
            "2026/27",
            "2026–27",  # an en dash
            " 2026-27",
            "2026-27 ",
            "2026-27\n",
            "2026-27-28",
            "２０２６-２７",  # full-width digits are not [0-9]
            "2026-2",
            "20a6-27",
            "",
        ],
    )
    def test_refuses_other_shapes_with_format_tax_year(self, text: str) -> None:
        with pytest.raises(InvalidTaxYearError) as caught:
            TaxYear.parse(text)

        error = caught.value
        assert error.code == "FORMAT_TAX_YEAR"
        assert error.wire_message == FORMAT_WIRE
        assert repr(text) in error.message
        assert "like 2026-27" in error.message

    @pytest.mark.parametrize(
        ("text", "suggestion"),
        [
            ("2023-25", "2023-24"),
            ("2023-23", "2023-24"),
            ("2026-26", "2026-27"),
            ("2027-26", "2027-28"),
            ("2010-99", "2010-11"),
            ("2098-10", "2098-99"),
        ],
    )
    def test_refuses_years_not_one_apart_with_range_invalid(
        self, text: str, suggestion: str
    ) -> None:
        with pytest.raises(InvalidTaxYearError) as caught:
            TaxYear.parse(text)

        error = caught.value
        assert error.code == "RULE_TAX_YEAR_RANGE_INVALID"
        assert error.wire_message == RANGE_WIRE
        assert repr(text) in error.message
        assert f"like {suggestion}." in error.message

    @pytest.mark.parametrize("text", ["2023-25", "2026-26", "2098-10", "2099-10", "2099-98"])
    def test_range_error_suggests_a_tax_year_that_parses(self, text: str) -> None:
        # The example in an actionable message must itself be accepted.
        with pytest.raises(InvalidTaxYearError) as caught:
            TaxYear.parse(text)

        suggestion = re.search(r"like (\S+)\.$", caught.value.message)
        assert suggestion is not None
        TaxYear.parse(suggestion.group(1))

    def test_errors_are_rule_errors_and_value_errors(self) -> None:
        with pytest.raises(RuleError):
            TaxYear.parse("2026-28")
        with pytest.raises(ValueError, match="not a tax year"):
            TaxYear.parse("26-27")

    @given(wire_start_years)
    def test_round_trips_every_valid_year(self, start_year: int) -> None:
        year = TaxYear(start_year)

        assert TaxYear.parse(str(year)) == year

    @given(st.integers(2000, 2009))
    def test_years_before_2010_print_but_do_not_parse(self, start_year: int) -> None:
        with pytest.raises(InvalidTaxYearError) as caught:
            TaxYear.parse(str(TaxYear(start_year)))

        # HMRC's code, and the person is told why a real tax year is refused.
        assert caught.value.code == "FORMAT_TAX_YEAR"
        assert caught.value.message == (
            f"'{TaxYear(start_year)}' is before 2010-11, the earliest tax year HMRC's APIs accept."
        )

    @pytest.mark.parametrize(
        "text", ["2099-00", "2150-51", "1999-00", "1998-99", "3026-27", "0999-00", "9999-00"]
    )
    def test_a_tax_year_beyond_the_years_a_tax_year_can_hold_says_so(self, text: str) -> None:
        # Written HMRC's way and one year apart, so "not a tax year" would mislead.
        with pytest.raises(InvalidTaxYearError) as caught:
            TaxYear.parse(text)

        assert caught.value.code == "FORMAT_TAX_YEAR"
        assert caught.value.wire_message == FORMAT_WIRE
        assert caught.value.message == (
            f"'{text}' is outside the tax years openmtd handles (2000-01 to 2098-99)."
        )

    @pytest.mark.parametrize("text", ["2150-52", "1999-01", "2099-01", "2000-02", "2009-11"])
    def test_other_unparseable_years_are_not_tax_years(self, text: str) -> None:
        with pytest.raises(InvalidTaxYearError, match=r"is not a tax year\..*like 2026-27\."):
            TaxYear.parse(text)

    def test_the_same_words_for_a_year_out_of_range_however_it_is_reached(self) -> None:
        assert outside_message("9999") == (
            "9999 is outside the tax years openmtd handles (2000-01 to 2098-99)."
        )
        with pytest.raises(InvalidTaxYearError) as caught:
            TaxYear(9999)
        assert caught.value.message == outside_message("9999")
        assert (EARLIEST_START_YEAR, LATEST_START_YEAR, EARLIEST_WIRE_START_YEAR) == (
            2000,
            2098,
            2010,
        )


class TestDownstream:
    @pytest.mark.parametrize(
        ("start_year", "text"),
        [(2026, "26-27"), (2000, "00-01"), (2009, "09-10"), (2098, "98-99")],
    )
    def test_writes_and_reads_yy_yy(self, start_year: int, text: str) -> None:
        assert TaxYear(start_year).downstream == text
        assert TaxYear.from_downstream(text) == TaxYear(start_year)

    @pytest.mark.parametrize(
        "text", ["99-00", "26-28", "26-26", "27-26", "2026-27", "6-7", "26-27 ", "26/27", "ab-cd"]
    )
    def test_refuses_anything_else(self, text: str) -> None:
        with pytest.raises(InvalidTaxYearError) as caught:
            TaxYear.from_downstream(text)

        assert caught.value.code == "FORMAT_TAX_YEAR"
        assert repr(text) in caught.value.message
        assert "like 26-27" in caught.value.message

    @given(all_start_years)
    def test_round_trips_every_year(self, start_year: int) -> None:
        year = TaxYear(start_year)

        assert TaxYear.from_downstream(year.downstream) == year


class TestContaining:
    @pytest.mark.parametrize("year", range(2001, 2099))
    def test_5_april_ends_a_year_and_6_april_starts_the_next(self, year: int) -> None:
        assert TaxYear.containing(date(year, 4, 5)) == TaxYear(year - 1)
        assert TaxYear.containing(date(year - 1, 4, 6)) == TaxYear(year - 1)
        assert TaxYear.containing(date(year, 4, 6)) == TaxYear(year)

    @pytest.mark.parametrize("leap_year", range(2004, 2097, 4))
    def test_29_february_belongs_to_the_year_that_started_the_april_before(
        self, leap_year: int
    ) -> None:
        assert TaxYear.containing(date(leap_year, 2, 29)) == TaxYear(leap_year - 1)
        assert TaxYear(leap_year - 1).contains(date(leap_year, 2, 29))

    @pytest.mark.parametrize(
        ("day", "start_year"),
        [
            (date(2024, 2, 29), 2023),
            (date(2028, 2, 29), 2027),
            (date(2096, 2, 29), 2095),
            (date(2001, 2, 28), 2000),
            (date(2000, 4, 6), 2000),
            (date(2099, 4, 5), 2098),
            (date(2026, 12, 31), 2026),
            (date(2027, 1, 1), 2026),
            (date(2026, 1, 1), 2025),
            (date(2025, 12, 31), 2025),
            (date(2026, 3, 31), 2025),
            (date(2026, 4, 30), 2026),
            (date(2026, 5, 1), 2026),
        ],
    )
    def test_calendar_dates(self, day: date, start_year: int) -> None:
        assert TaxYear.containing(day) == TaxYear(start_year)

    @pytest.mark.parametrize("day", [date(2000, 4, 5), date(2099, 4, 6)])
    def test_a_date_outside_2000_01_to_2098_99_is_out_of_range(self, day: date) -> None:
        with pytest.raises(InvalidTaxYearError):
            TaxYear.containing(day)

    @given(st.dates(min_value=date(2000, 4, 6), max_value=date(2099, 4, 5)))
    def test_the_containing_year_contains_the_date(self, day: date) -> None:
        year = TaxYear.containing(day)

        assert year.contains(day)
        assert year.start <= day <= year.end
        assert year.start_year == (day.year if day >= date(day.year, 4, 6) else day.year - 1)

    @given(all_start_years)
    def test_start_and_end_belong_to_the_year_and_the_day_after_to_the_next(
        self, start_year: int
    ) -> None:
        year = TaxYear(start_year)

        assert TaxYear.containing(year.start) == year
        assert TaxYear.containing(year.end) == year
        if start_year < 2098:
            assert TaxYear.containing(year.end + timedelta(days=1)) == year.next


class TestAt:
    @pytest.mark.parametrize(
        ("instant", "start_year"),
        [
            # 6 April is always in BST: the UK date turns an hour before UTC's.
            (datetime(2026, 4, 5, 22, 59, 59, tzinfo=UTC), 2025),
            (datetime(2026, 4, 5, 23, 0, tzinfo=UTC), 2026),
            (datetime(2026, 4, 5, 23, 30, tzinfo=UTC), 2026),
            (datetime(2026, 4, 6, 0, 30, tzinfo=UTC), 2026),
            (datetime(2027, 4, 5, 22, 30, tzinfo=UTC), 2026),
            (datetime(2027, 4, 5, 23, 30, tzinfo=UTC), 2027),
            # An instant given in UK time.
            (datetime(2026, 4, 6, 0, 30, tzinfo=UK_TIMEZONE), 2026),
            (datetime(2026, 4, 5, 23, 59, tzinfo=UK_TIMEZONE), 2025),
            # Winter (GMT): UK midnight is UTC midnight.
            (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), 2026),
            (datetime(2027, 1, 1, 0, 30, tzinfo=UTC), 2026),
            (datetime(2027, 1, 15, 23, 59, tzinfo=UTC), 2026),
        ],
    )
    def test_judges_by_the_uk_date(self, instant: datetime, start_year: int) -> None:
        assert TaxYear.at(instant) == TaxYear(start_year)

    def test_refuses_a_naive_instant(self) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            TaxYear.at(datetime(2026, 4, 6, 0, 30))


class TestDerived:
    def test_start_end_and_years(self) -> None:
        year = TaxYear(2026)

        assert (START_MONTH, START_DAY) == (4, 6)
        assert year.start == date(2026, 4, 6)
        assert year.end == date(2027, 4, 5)
        assert year.end_year == 2027

    @pytest.mark.parametrize(
        ("start_year", "text", "label"),
        [
            (2026, "2026-27", "6 April 2026 to 5 April 2027"),
            (2000, "2000-01", "6 April 2000 to 5 April 2001"),
            (2009, "2009-10", "6 April 2009 to 5 April 2010"),
            (2098, "2098-99", "6 April 2098 to 5 April 2099"),
        ],
    )
    def test_str_and_label(self, start_year: int, text: str, label: str) -> None:
        assert str(TaxYear(start_year)) == text
        assert TaxYear(start_year).label() == label

    def test_repr_names_the_start_year(self) -> None:
        assert repr(TaxYear(2026)) == "TaxYear(start_year=2026)"

    def test_previous_next_and_shift(self) -> None:
        year = TaxYear(2026)

        assert year.previous == TaxYear(2025)
        assert year.next == TaxYear(2027)
        assert year.shift(0) == year
        assert year.shift(2) == TaxYear(2028)
        assert year.shift(-16) == TaxYear(2010)
        assert year.next.previous == year

    def test_moving_past_the_bounds_is_refused(self) -> None:
        with pytest.raises(InvalidTaxYearError):
            _ = TaxYear(2000).previous
        with pytest.raises(InvalidTaxYearError):
            _ = TaxYear(2098).next
        with pytest.raises(InvalidTaxYearError):
            TaxYear(2026).shift(73)

    @given(all_start_years, st.integers(-98, 98))
    def test_shift_moves_by_whole_years(self, start_year: int, years: int) -> None:
        if 2000 <= start_year + years <= 2098:
            shifted = TaxYear(start_year).shift(years)
            assert shifted.start_year == start_year + years
            assert shifted.start == TaxYear(start_year).start.replace(year=start_year + years)
        else:
            with pytest.raises(InvalidTaxYearError):
                TaxYear(start_year).shift(years)

    @pytest.mark.parametrize(
        ("day", "inside"),
        [
            (date(2026, 4, 5), False),
            (date(2026, 4, 6), True),
            (date(2026, 12, 31), True),
            (date(2027, 1, 1), True),
            (date(2027, 4, 5), True),
            (date(2027, 4, 6), False),
        ],
    )
    def test_contains_includes_both_ends(self, day: date, inside: bool) -> None:
        assert TaxYear(2026).contains(day) is inside


class TestOrderingAndHashing:
    def test_orders_by_start_year(self) -> None:
        years = [TaxYear(2027), TaxYear(2010), TaxYear(2026)]

        assert sorted(years) == [TaxYear(2010), TaxYear(2026), TaxYear(2027)]
        assert TaxYear(2025) < TaxYear(2026) <= TaxYear(2026) < TaxYear(2027)
        assert max(years) == TaxYear(2027)

    def test_equal_years_hash_alike_and_work_as_keys(self) -> None:
        assert TaxYear(2026) == TaxYear.parse("2026-27")
        assert hash(TaxYear(2026)) == hash(TaxYear.parse("2026-27"))
        assert len({TaxYear(2026), TaxYear.parse("2026-27"), TaxYear(2027)}) == 2
        assert {TaxYear(2026): "current"}[TaxYear.from_downstream("26-27")] == "current"
        assert TaxYear(2026) != TaxYear(2027)

    @given(all_start_years, all_start_years)
    def test_order_agrees_with_start_dates(self, first: int, second: int) -> None:
        assert (TaxYear(first) < TaxYear(second)) == (TaxYear(first).start < TaxYear(second).start)
