"""Self Assessment Individual Details (MTD) API v2.0: Retrieve ITSA Status.

``GET /individuals/person/itsa-status/{nino}/{taxYear}?futureYears=&history=``, user-restricted
with ``read:self-assessment`` (hmrc-wire-facts.md §1). After the platform's gateway checks
(``platform/gateway.py``), :func:`retrieve_itsa_status` runs HMRC's own order (§1.4):

1-3. The NINO (400 ``FORMAT_NINO``), the MTDITID lookup (403
   ``CLIENT_OR_AGENT_NOT_AUTHORISED`` / ``CLIENT_NOT_MTD_ENROLLED``) and the enrolment /
   delegated-auth predicate (403 ``CLIENT_OR_AGENT_NOT_AUTHORISED``; main and supporting agents
   both may): :func:`openmtd.emulator.platform.authorisation.authorise`, which every MTD
   customer-data endpoint runs.
4. ``Gov-Test-Scenario: NOT_ENROLLED`` → 403 ``CLIENT_NOT_MTD_ENROLLED``, before validation.
5. ``taxYear``, ``futureYears``, ``history`` → 400s; several at once → ``INVALID_REQUEST``.
6. The other scenarios (``DEFAULT``: HMRC's OAS example, whatever was asked; ``NOT_FOUND``: 404;
   ``STATEFUL`` or no header: the emulator's stored statuses; anything else: 400
   ``RULE_INCORRECT_GOV_TEST_SCENARIO``), then the answer from state.

Choices where HMRC is silent (all UNCONFIRMED, each kept in one place here):

- No ``Gov-Test-Scenario`` header answers from state, like ``STATEFUL`` (HMRC's sandbox answers
  its static example); ``DEFAULT`` sent explicitly gives the example. Scenario values match
  case-sensitively, and an empty value is an unknown scenario (400).
- ``futureYears=true`` returns the requested year and every later year held; the answer is 404
  ``MATCHING_RESOURCE_NOT_FOUND`` only when none of those years holds a record, so a gap in the
  requested year alone still returns the later years (:func:`select_years`). Without
  ``futureYears`` the requested year must hold a record.
- ``history=false`` returns one entry per year, the latest by ``submittedOn`` (for equal times,
  the one stored last); ``history=true`` returns every entry. Years come in ascending order and
  entries in a year by ``submittedOn`` ascending.
- ``futureYears``/``history`` accept exactly ``true`` or ``false``; an empty value is invalid.
  Given twice, the first value counts (Play's query binder).
- Who may call (the NINO match, ``Activated`` enrolments, a relationship's MTDITID) is the
  platform's: :mod:`openmtd.emulator.platform.authorisation`.
- ``submittedOn`` is written in UTC to the millisecond (truncated). ``businessIncome2YearsPrior``
  is a JSON number written as HMRC's Play JSON writes a BigDecimal, trailing zeros stripped
  (``23600.90`` → ``23600.9``, ``100.00`` → ``100``); it is left out when none is held.
- A stored record the v2.0 enums cannot express gives 500 ``INTERNAL_SERVER_ERROR``, as HMRC does
  for a downstream body it cannot read. Stored ``Non Digital`` reads as ``Digitally Exempt``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

from openmtd.emulator.platform import authorisation, errors
from openmtd.emulator.platform.errors import ApiError, ErrorItem, validation_error
from openmtd.emulator.platform.gateway import Access, ApiResponse, CallContext, Endpoint
from openmtd.emulator.storage import StoredStatus
from openmtd.rules.agents import Operation
from openmtd.rules.errors import InvalidTaxYearError, RuleError
from openmtd.rules.itsa_status import ItsaStatus, StatusReason
from openmtd.rules.tax_year import TaxYear

ENDPOINT: Final = Endpoint(
    api="self-assessment-individual-details",
    versions=frozenset({"2.0"}),
    access=Access.USER,
    scope="read:self-assessment",
    fraud_headers=True,
    name="Retrieve ITSA Status",
    path="/individuals/person/itsa-status/{nino}/{taxYear}",
)

# This endpoint's errors, with HMRC's v2.0 texts (wire facts §1.6).
FORMAT_NINO: Final = authorisation.FORMAT_NINO
FORMAT_FUTURE_YEARS: Final = (
    400,
    "FORMAT_FUTURE_YEARS",
    "The provided futureYears value should be true or false",
)
FORMAT_HISTORY: Final = (
    400,
    "FORMAT_HISTORY",
    "The provided history value should be true or false",
)
RULE_INCORRECT_GOV_TEST_SCENARIO: Final = (
    400,
    "RULE_INCORRECT_GOV_TEST_SCENARIO",
    "The Gov-Test-Scenario was not found",
)
CLIENT_OR_AGENT_NOT_AUTHORISED: Final = authorisation.CLIENT_OR_AGENT_NOT_AUTHORISED
CLIENT_NOT_MTD_ENROLLED: Final = authorisation.CLIENT_NOT_MTD_ENROLLED
MATCHING_RESOURCE_NOT_FOUND: Final = (
    404,
    "MATCHING_RESOURCE_NOT_FOUND",
    "Matching resource not found",
)

#: The Gov-Test-Scenario header (``CallContext.headers`` are lower-cased).
SCENARIO_HEADER: Final = "gov-test-scenario"
NOT_ENROLLED: Final = "NOT_ENROLLED"
DEFAULT: Final = "DEFAULT"
NOT_FOUND: Final = "NOT_FOUND"
STATEFUL: Final = "STATEFUL"


def default_example() -> dict[str, Any]:
    """HMRC's OAS example (``examples/retrieveItsaStatus/def1/response.json``), a fresh copy."""
    return {
        "itsaStatuses": [
            {
                "taxYear": "2019-20",
                "itsaStatusDetails": [
                    {
                        "submittedOn": "2023-05-23T12:29:27.566Z",
                        "status": "No Status",
                        "statusReason": "Sign up - return available",
                        "businessIncome2YearsPrior": 99999999999.99,
                    }
                ],
            }
        ]
    }


@dataclass(frozen=True, slots=True)
class Query:
    """The validated parameters."""

    tax_year: TaxYear
    future_years: bool
    history: bool


def retrieve_itsa_status(
    ctx: CallContext,
    nino: str,
    tax_year: str,
    *,
    future_years: str | None = None,
    history: str | None = None,
) -> ApiResponse:
    """Retrieve ITSA Status, in HMRC's order of checks (see the module)."""
    client = authorisation.authorise(ctx, nino, Operation.RETRIEVE_ITSA_STATUS)
    scenario = ctx.headers.get(SCENARIO_HEADER)
    if scenario == NOT_ENROLLED:
        raise ApiError.of(CLIENT_NOT_MTD_ENROLLED)
    query = validate(tax_year, future_years, history)
    if scenario == DEFAULT:
        return ApiResponse(200, default_example())
    if scenario == NOT_FOUND:
        raise ApiError.of(MATCHING_RESOURCE_NOT_FOUND)
    if scenario not in (None, STATEFUL):
        raise ApiError.of(RULE_INCORRECT_GOV_TEST_SCENARIO)
    return ApiResponse(
        200, {"itsaStatuses": statuses(ctx.tx.itsa_statuses.for_nino(client.nino), query)}
    )


# --- 5: parameters ----------------------------------------------------------------------------


def validate(tax_year: str, future_years: str | None, history: str | None) -> Query:
    """Check the path tax year and the two flags; every failure is reported at once."""
    failures: list[ErrorItem] = []
    year: TaxYear | None = None
    try:
        year = TaxYear.parse(tax_year)
    except InvalidTaxYearError as error:
        failures.append(ErrorItem(error.code, error.wire_message))
    future = parse_flag(future_years)
    if future is None:
        failures.append(_item(FORMAT_FUTURE_YEARS))
    wants_history = parse_flag(history)
    if wants_history is None:
        failures.append(_item(FORMAT_HISTORY))
    if failures or year is None or future is None or wants_history is None:
        raise validation_error(400, failures)
    return Query(year, future, wants_history)


def parse_flag(text: str | None) -> bool | None:
    """An optional boolean as Scala's ``toBooleanOption`` reads it; None when invalid.

    Absent is ``False``; exactly ``true`` or ``false`` otherwise (UNCONFIRMED that HMRC
    refuses other cases, as its parser does).
    """
    if text is None:
        return False
    return {"true": True, "false": False}.get(text)


def _item(spec: tuple[int, str, str]) -> ErrorItem:
    return ErrorItem(spec[1], spec[2])


# --- 6: the answer from state -----------------------------------------------------------------


def statuses(records: Iterable[StoredStatus], query: Query) -> list[dict[str, Any]]:
    """The ``itsaStatuses`` list for ``query`` from a NINO's stored records."""
    held: dict[TaxYear, list[StoredStatus]] = {}
    for record in records:
        held.setdefault(_stored_year(record), []).append(record)
    answer = []
    for year in select_years(held, query):
        entries = sorted(held[year], key=lambda record: record.submitted_on)
        chosen = entries if query.history else entries[-1:]
        answer.append(
            {"taxYear": str(year), "itsaStatusDetails": [status_details(r) for r in chosen]}
        )
    return answer


def select_years(held: Mapping[TaxYear, object], query: Query) -> list[TaxYear]:
    """Which held years answer ``query``, ascending; 404 when none does.

    UNCONFIRMED (HMRC does not say): with ``futureYears=true`` the requested year and every
    later year held answer, and a missing requested year alone is no 404; without it only the
    requested year answers.
    """
    if query.future_years:
        years = sorted(year for year in held if year >= query.tax_year)
    else:
        years = [query.tax_year] if query.tax_year in held else []
    if not years:
        raise ApiError.of(MATCHING_RESOURCE_NOT_FOUND)
    return years


def status_details(record: StoredStatus) -> dict[str, Any]:
    """One ``itsaStatusDetails`` entry, in the v2.0 spellings."""
    try:
        details: dict[str, Any] = {
            "submittedOn": wire_instant(record.submitted_on),
            "status": ItsaStatus.parse(record.status).value,
            "statusReason": StatusReason.parse(record.status_reason).value,
        }
        if record.business_income_2_years_prior is not None:
            details["businessIncome2YearsPrior"] = wire_money(record.business_income_2_years_prior)
    except (RuleError, ValueError):
        raise ApiError.of(errors.INTERNAL_SERVER_ERROR) from None
    return details


def _stored_year(record: StoredStatus) -> TaxYear:
    try:
        return TaxYear.parse(record.tax_year)
    except RuleError:
        raise ApiError.of(errors.INTERNAL_SERVER_ERROR) from None


def wire_instant(moment: datetime) -> str:
    """``YYYY-MM-DDThh:mm:ss.SSSZ`` in UTC, milliseconds truncated (naive means UTC)."""
    if moment.utcoffset() is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def wire_money(amount: Decimal) -> int | float:
    """An amount as a JSON number, as Play JSON writes a BigDecimal: trailing zeros stripped.

    Python's shortest float repr of an amount with at most 2 decimals up to 99999999999.99 is
    exactly its decimal digits, so ``23600.90`` is written ``23600.9`` and ``100.00`` ``100``.

    Raises:
        ValueError: for an amount that is not finite.
    """
    if not amount.is_finite():
        raise ValueError("an amount must be finite")
    if amount == amount.to_integral_value():
        return int(amount)
    return float(amount)
