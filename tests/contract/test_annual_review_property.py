"""The set-based review decides, customer for customer, what the pure rule decides.

Hypothesis generates small populations (returns with their three incomes around every
threshold, status records for several years in any order of submission, with opt-outs,
opt-ins, No Status, the legacy Non Digital and an unreadable status, subscriptions), writes
them through the storage seam into SQLite, runs the review in batches of a generated size, and
checks every customer's record for the year against ``openmtd.rules.annual_review.review``
given the state read independently here: the rules' own ``StatusHistory`` for the previous
status, ``qualifying_income`` for the returns, and the documented reading of "signed up"
(a subscription, and no opt-out as the latest opt-out or opt-in). A second review writes
nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openmtd.emulator import annual_review
from openmtd.emulator.adapters.db.store import SqlStore
from openmtd.emulator.settings import sqlite_url
from openmtd.emulator.storage import ReturnOnFile, StoredStatus, Subscription
from openmtd.rules.annual_review import CustomerState, FiledReturn, ReviewDecision, review
from openmtd.rules.errors import RuleError
from openmtd.rules.itsa_status import (
    LEGACY_NON_DIGITAL,
    ItsaStatus,
    StatusHistory,
    StatusReason,
    StatusRecord,
    YearHistory,
)
from openmtd.rules.tax_year import TaxYear
from openmtd.rules.thresholds import (
    IncomeReturn,
    PropertyIncome,
    qualifying_income,
    threshold_amounts,
)

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
NINOS = [f"AA{number:06d}A" for number in range(40)]
AMOUNTS = st.one_of(
    st.sampled_from(
        [Decimal(0)]
        + [
            amount + offset
            for amount in threshold_amounts()
            for offset in (Decimal(0), Decimal("0.01"), Decimal("-0.01"), Decimal(-4000))
        ]
    ),
    st.decimals(min_value=0, max_value=80_000, places=2),
)
# Mostly the statuses a review moves between, so opting out and in bites often.
COMMON = [ItsaStatus.ANNUAL.value, ItsaStatus.VOLUNTARY.value, ItsaStatus.MANDATED.value]
STATUS_TEXTS = st.sampled_from(
    [*COMMON * 3, *(s.value for s in ItsaStatus), LEGACY_NON_DIGITAL, "Unknown"]
)
REASONS = st.sampled_from(
    [
        StatusReason.OPT_OUT.value,
        StatusReason.OPT_IN.value,
        StatusReason.CESA_SA_RETURN.value,
        StatusReason.ROLLOVER.value,
        StatusReason.SIGN_UP_RETURN_AVAILABLE.value,
    ]
)


@dataclass
class Customer:
    nino: str
    subscribed: bool
    returns: dict[TaxYear, tuple[Decimal, Decimal, Decimal]]
    statuses: list[StoredStatus] = field(default_factory=list)


@st.composite
def populations(draw: st.DrawFn, year: TaxYear) -> list[Customer]:
    ninos = draw(st.lists(st.sampled_from(NINOS), unique=True, max_size=12))
    customers = []
    for nino in ninos:
        years = [year.shift(-offset) for offset in range(5)]
        returns = {
            income_year: (
                draw(AMOUNTS),
                draw(AMOUNTS) if draw(st.booleans()) else Decimal(0),
                Decimal(0) if draw(st.integers(0, 3)) else draw(AMOUNTS),
            )
            for income_year in years[1:]
            if draw(st.integers(0, 4))
        }
        statuses = [
            StoredStatus(
                nino,
                str(draw(st.sampled_from(years))),
                T0 + timedelta(minutes=draw(st.integers(0, 3))),
                draw(STATUS_TEXTS),
                draw(REASONS),
                draw(st.one_of(st.none(), AMOUNTS)),
            )
            for _ in range(draw(st.integers(0, 4)))
        ]
        customers.append(Customer(nino, draw(st.booleans()), returns, statuses))
    return customers


def _qualifying(figures: tuple[Decimal, Decimal, Decimal]) -> Decimal:
    trade, uk, foreign = figures
    return qualifying_income(
        IncomeReturn(
            self_employment_turnover=(trade,),
            uk_property=(PropertyIncome(uk),),
            foreign_property=(PropertyIncome(foreign),),
        )
    )


def _expected(customer: Customer, year: TaxYear) -> ReviewDecision | None:
    """The pure rule, given the customer's state as this test reads it."""
    readable: list[tuple[TaxYear, StatusRecord, str]] = []
    for stored in customer.statuses:
        try:
            status = ItsaStatus.parse(stored.status)
        except RuleError:
            continue
        record = StatusRecord(stored.submitted_on, status, StatusReason.parse(stored.status_reason))
        readable.append((TaxYear.parse(stored.tax_year), record, stored.status_reason))
    history = StatusHistory.of(
        YearHistory(held, tuple(r for y, r, _ in readable if y == held))
        for held in {y for y, _, _ in readable}
    )
    # Submission order within a year is the order written (ties keep it), as the store's.
    choices = [
        reason
        for _, _, reason in sorted(readable, key=lambda item: (item[0], item[1].submitted_on))
        if reason in (StatusReason.OPT_OUT.value, StatusReason.OPT_IN.value)
    ]
    opted_out = bool(choices) and choices[-1] == StatusReason.OPT_OUT.value
    state = CustomerState(
        previous=history.effective_status(year.previous),
        signed_up=customer.subscribed and not opted_out,
        returns={y: FiledReturn(_qualifying(f)) for y, f in customer.returns.items()},
    )
    return review(year, state)


def _write(store: SqlStore, customers: list[Customer]) -> None:
    with store.transaction() as tx:
        for number, customer in enumerate(customers):
            for income_year, figures in customer.returns.items():
                tx.returns.put(
                    ReturnOnFile(
                        customer.nino,
                        str(income_year),
                        date(2026, 5, 1),
                        T0,
                        *figures,
                        _qualifying(figures),
                    )
                )
            for stored in customer.statuses:
                tx.itsa_statuses.add(stored)
            if customer.subscribed:
                mtditid = f"XAIT{number:011d}"
                tx.subscriptions.add(
                    Subscription(customer.nino, mtditid, "1000057161", "2026-27", T0)
                )


@pytest.fixture(scope="module")
def review_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqlStore]:
    """One SQLite store for every example (emptied before each)."""
    opened = SqlStore.open(sqlite_url(tmp_path_factory.mktemp("review") / "review.sqlite3"))
    yield opened
    opened.close()


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    year=st.integers(min_value=2025, max_value=2030).map(TaxYear),
    batch_size=st.integers(min_value=1, max_value=6),
)
def test_the_set_based_review_decides_what_the_rule_decides(
    review_store: SqlStore, data: st.DataObject, year: TaxYear, batch_size: int
) -> None:
    review_store.reset()
    customers = data.draw(populations(year))
    _write(review_store, customers)

    with review_store.transaction() as tx:
        outcome = annual_review.run(tx, year, NOW, batch_size)
    with review_store.transaction() as tx:
        again = annual_review.run(tx, year, NOW, batch_size)

    decided = 0
    for customer in customers:
        expected = _expected(customer, year)
        with review_store.transaction() as tx:
            held = [r for r in tx.itsa_statuses.for_nino(customer.nino) if r.tax_year == str(year)]
        written = [r for r in held if r.submitted_on == NOW]
        if expected is None:
            assert written == [], customer
            continue
        decided += 1
        latest = held[-1]
        assert (
            ItsaStatus.parse(latest.status),
            latest.status_reason,
            latest.business_income_2_years_prior,
        ) == (expected.status, expected.reason.value, expected.business_income_2_years_prior)
        assert len(written) <= 1
    # A NINO the world holds nothing for is no customer.
    assert outcome.reviewed == sum(1 for c in customers if c.returns or c.statuses or c.subscribed)
    assert sum(outcome.status_counts.values()) == decided
    assert again.recorded == 0
