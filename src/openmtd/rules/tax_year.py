"""UK tax years: 6 April to 5 April.

HMRC writes a tax year as ``2026-27`` on the wire and as ``26-27`` to its downstream systems.
:meth:`TaxYear.parse` applies HMRC's own validation (the Self Assessment Individual Details
API's ``ResolveTaxYear``): the text must match ``20([1-9][0-9])-([1-9][0-9])`` (so ``2010-11``
is the earliest that parses, and there is no minimum beyond that), else ``FORMAT_TAX_YEAR``;
the two years must be one apart, else ``RULE_TAX_YEAR_RANGE_INVALID``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from openmtd.rules.clock import uk_date
from openmtd.rules.errors import InvalidTaxYearError

_WIRE_PATTERN: Final = re.compile(r"20([1-9][0-9])-([1-9][0-9])")
_DOWNSTREAM_PATTERN: Final = re.compile(r"([0-9]{2})-([0-9]{2})")
# Any tax year written HMRC's way, whether or not HMRC's pattern accepts it: for messages only.
_YEAR_SHAPE: Final = re.compile(r"([0-9]{4})-([0-9]{2})")

#: The first and last start years a TaxYear can have: HMRC's two-digit forms cannot express
#: other years.
EARLIEST_START_YEAR: Final = 2000
LATEST_START_YEAR: Final = 2098
#: The earliest start year HMRC's ``taxYear`` pattern accepts (wire facts §1.2).
EARLIEST_WIRE_START_YEAR: Final = 2010

#: The first day of every tax year: 6 April.
START_MONTH: Final = 4
START_DAY: Final = 6


@dataclass(frozen=True, order=True, slots=True)
class TaxYear:
    """A UK tax year, named by the calendar year it starts in.

    >>> TaxYear.parse("2026-27")
    TaxYear(start_year=2026)
    >>> str(TaxYear(2026)), TaxYear(2026).downstream
    ('2026-27', '26-27')
    >>> TaxYear.containing(date(2026, 4, 5))
    TaxYear(start_year=2025)
    """

    start_year: int

    def __post_init__(self) -> None:
        # Years outside 2000-2098 cannot be written in HMRC's two-digit forms.
        if not EARLIEST_START_YEAR <= self.start_year <= LATEST_START_YEAR:
            raise InvalidTaxYearError("FORMAT_TAX_YEAR", outside_message(str(self.start_year)))

    @classmethod
    def parse(cls, text: str) -> TaxYear:
        """Parse HMRC's ``YYYY-YY`` form exactly as HMRC's APIs do.

        Raises:
            InvalidTaxYearError: ``FORMAT_TAX_YEAR`` for the wrong shape,
                ``RULE_TAX_YEAR_RANGE_INVALID`` when the years are not consecutive.
        """
        match = _WIRE_PATTERN.fullmatch(text)
        if match is None:
            raise InvalidTaxYearError("FORMAT_TAX_YEAR", _format_message(text))
        first, second = (int(group) for group in match.groups())
        if second - first != 1:
            raise InvalidTaxYearError(
                "RULE_TAX_YEAR_RANGE_INVALID",
                f"{text!r} does not cover one tax year. The two years must follow each other, "
                f"like {TaxYear(2000 + min(first, 98))}.",
            )
        return cls(2000 + first)

    @classmethod
    def from_downstream(cls, text: str) -> TaxYear:
        """Parse the downstream ``YY-YY`` form (``26-27``)."""
        match = _DOWNSTREAM_PATTERN.fullmatch(text)
        if match is None or int(match.group(2)) - int(match.group(1)) != 1:
            raise InvalidTaxYearError(
                "FORMAT_TAX_YEAR", f"{text!r} is not a downstream tax year like 26-27."
            )
        return cls(2000 + int(match.group(1)))

    @classmethod
    def containing(cls, day: date) -> TaxYear:
        """The tax year a UK calendar date falls in (6 April starts a new one)."""
        if (day.month, day.day) >= (START_MONTH, START_DAY):
            return cls(day.year)
        return cls(day.year - 1)

    @classmethod
    def at(cls, instant: datetime) -> TaxYear:
        """The tax year at an instant, judged by the date in the UK (Europe/London)."""
        return cls.containing(uk_date(instant))

    @property
    def end_year(self) -> int:
        """The calendar year the tax year ends in."""
        return self.start_year + 1

    @property
    def start(self) -> date:
        """6 April of :attr:`start_year`."""
        return date(self.start_year, START_MONTH, START_DAY)

    @property
    def end(self) -> date:
        """5 April of :attr:`end_year` (the last day of the year)."""
        return date(self.end_year, START_MONTH, START_DAY - 1)

    @property
    def downstream(self) -> str:
        """HMRC's downstream form, ``26-27``."""
        return f"{self.start_year % 100:02d}-{self.end_year % 100:02d}"

    @property
    def previous(self) -> TaxYear:
        return TaxYear(self.start_year - 1)

    @property
    def next(self) -> TaxYear:
        return TaxYear(self.start_year + 1)

    def shift(self, years: int) -> TaxYear:
        """The tax year ``years`` later (or earlier, when negative)."""
        return TaxYear(self.start_year + years)

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls within this tax year."""
        return self.start <= day <= self.end

    def label(self) -> str:
        """How GOV.UK writes the year for people: ``6 April 2026 to 5 April 2027``."""
        return f"6 April {self.start_year} to 5 April {self.end_year}"

    def __str__(self) -> str:
        return f"{self.start_year}-{self.end_year % 100:02d}"


def outside_message(what: str) -> str:
    """Why ``what`` (a year, a tax year, a date) is refused when it lies beyond the tax years
    a :class:`TaxYear` can hold: one wording wherever that happens."""
    first, last = TaxYear(EARLIEST_START_YEAR), TaxYear(LATEST_START_YEAR)
    return f"{what} is outside the tax years openmtd handles ({first} to {last})."


def _format_message(text: str) -> str:
    """The person's reason for ``FORMAT_TAX_YEAR`` (HMRC's code is the same in every case)."""
    shape = _YEAR_SHAPE.fullmatch(text)
    if shape is not None:
        first, second = (int(group) for group in shape.groups())
        # A real tax year, written HMRC's way, that HMRC's pattern or openmtd cannot take.
        if second == (first + 1) % 100:
            if not EARLIEST_START_YEAR <= first <= LATEST_START_YEAR:
                return outside_message(repr(text))
            return (
                f"{text!r} is before {TaxYear(EARLIEST_WIRE_START_YEAR)}, the earliest tax year "
                "HMRC's APIs accept."
            )
    return (
        f"{text!r} is not a tax year. Write it as the first year, a hyphen and the last two "
        "digits of the second year, like 2026-27."
    )
