"""The Obligations API's query parameters, checked as HMRC's validators do: every format
fault first, reported together; then the rules between values (wire facts §5).

Income and expenditure (``typeOfBusiness``, ``businessId``, ``fromDate``, ``toDate``,
``status``), in two stages:

1. ``FORMAT_TYPE_OF_BUSINESS`` (not one of the three kinds), ``FORMAT_BUSINESS_ID``,
   ``FORMAT_FROM_DATE`` / ``FORMAT_TO_DATE`` (not a ``YYYY-MM-DD`` date), ``FORMAT_STATUS``
   (not ``open`` or ``fulfilled``), ``MISSING_TYPE_OF_BUSINESS`` (a businessId without it),
   ``MISSING_FROM_DATE`` / ``MISSING_TO_DATE`` (one date without the other);
2. ``RANGE_TO_DATE_BEFORE_FROM_DATE``, else ``RULE_DATE_RANGE_INVALID`` (more than 366 days
   apart); ``RULE_FROM_DATE_NOT_SUPPORTED`` (before 6 April 2017).

With no dates the range is a year from today (today to the same day next year) unless
``status=open``, which then takes every open obligation. Several faults of a stage are one
``INVALID_REQUEST``. Choices (UNCONFIRMED): the two stages, the earliest fromDate, the
default range's ends, an empty value being a format fault, and a period being in the range
when any of its days is.

The final declaration (``taxYear``, ``status``): ``FORMAT_TAX_YEAR`` /
``RULE_TAX_YEAR_RANGE_INVALID`` and ``FORMAT_STATUS``; then ``RULE_TAX_YEAR_NOT_SUPPORTED``
before 2017-18. Without ``taxYear``, the current year and the three before it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from openmtd.emulator.apis.business_details import BUSINESS_ID
from openmtd.emulator.apis.obligations import common as c
from openmtd.emulator.apis.obligations.state import OPEN, STATUSES, TYPES_OF_BUSINESS
from openmtd.emulator.platform.errors import ErrorItem, validation_error
from openmtd.rules.errors import InvalidTaxYearError
from openmtd.rules.obligations import ObligationPeriod
from openmtd.rules.tax_year import TaxYear


@dataclass(frozen=True, slots=True)
class IncomeAndExpenditureQuery:
    """The validated filter: None means any."""

    type_of_business: str | None = None
    business_id: str | None = None
    from_date: date | None = None
    to_date: date | None = None
    status: str | None = None

    def wants(self, period: ObligationPeriod, status: str) -> bool:
        """Whether an obligation passes the status and date filter."""
        if self.status is not None and status != self.status:
            return False
        if self.from_date is None or self.to_date is None:
            return True
        return period.start <= self.to_date and period.end >= self.from_date


@dataclass(frozen=True, slots=True)
class FinalDeclarationQuery:
    """The validated filter."""

    tax_years: tuple[TaxYear, ...]
    status: str | None = None


def _item(spec: c.Spec) -> ErrorItem:
    return ErrorItem(spec[1], spec[2])


def _raise_if(items: list[ErrorItem]) -> None:
    if items:
        raise validation_error(400, items)


def parse_date(text: str) -> date | None:
    """``YYYY-MM-DD`` as a real date (ASCII digits only), or None."""
    if len(text) != 10 or not text.isascii() or text[4] != "-" or text[7] != "-":
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _a_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def income_and_expenditure_query(
    params: Mapping[str, str | None], today: date
) -> IncomeAndExpenditureQuery:
    """Check the query parameters (see the module); ``params`` holds each one's first value."""
    kind, business_id = params.get("typeOfBusiness"), params.get("businessId")
    from_text, to_text = params.get("fromDate"), params.get("toDate")
    status = params.get("status")
    items: list[ErrorItem] = []
    if kind is not None and kind not in TYPES_OF_BUSINESS:
        items.append(_item(c.FORMAT_TYPE_OF_BUSINESS))
    if business_id is not None and not BUSINESS_ID.fullmatch(business_id):
        items.append(_item(c.FORMAT_BUSINESS_ID))
    from_date = parse_date(from_text) if from_text is not None else None
    if from_text is not None and from_date is None:
        items.append(_item(c.FORMAT_FROM_DATE))
    to_date = parse_date(to_text) if to_text is not None else None
    if to_text is not None and to_date is None:
        items.append(_item(c.FORMAT_TO_DATE))
    if status is not None and status not in STATUSES:
        items.append(_item(c.FORMAT_STATUS))
    if business_id is not None and kind is None:
        items.append(_item(c.MISSING_TYPE_OF_BUSINESS))
    if from_text is not None and to_text is None:
        items.append(_item(c.MISSING_TO_DATE))
    if to_text is not None and from_text is None:
        items.append(_item(c.MISSING_FROM_DATE))
    _raise_if(items)
    if from_date is not None and to_date is not None:
        if to_date < from_date:
            items.append(_item(c.RANGE_TO_DATE_BEFORE_FROM_DATE))
        elif (to_date - from_date).days > c.MAX_RANGE_DAYS:
            items.append(_item(c.RULE_DATE_RANGE_INVALID))
        if from_date < c.EARLIEST_TAX_YEAR.start:
            items.append(_item(c.RULE_FROM_DATE_NOT_SUPPORTED))
        _raise_if(items)
    elif status != OPEN:
        from_date, to_date = today, _a_year_after(today)
    return IncomeAndExpenditureQuery(kind, business_id, from_date, to_date, status)


def final_declaration_query(
    params: Mapping[str, str | None], current: TaxYear
) -> FinalDeclarationQuery:
    """Check the query parameters (see the module); ``params`` holds each one's first value."""
    year_text, status = params.get("taxYear"), params.get("status")
    items: list[ErrorItem] = []
    year: TaxYear | None = None
    if year_text is not None:
        try:
            year = TaxYear.parse(year_text)
        except InvalidTaxYearError as error:
            items.append(ErrorItem(error.code, error.wire_message))
    if status is not None and status not in STATUSES:
        items.append(_item(c.FORMAT_STATUS))
    _raise_if(items)
    if year is not None and year < c.EARLIEST_TAX_YEAR:
        _raise_if([_item(c.RULE_TAX_YEAR_NOT_SUPPORTED)])
    if year is not None:
        return FinalDeclarationQuery((year,), status)
    first = current.shift(1 - c.DEFAULT_YEARS)
    years = tuple(first.shift(n) for n in range(c.DEFAULT_YEARS))
    return FinalDeclarationQuery(years, status)
