"""A synthetic population on SQLite and PostgreSQL: written in bulk, the same for the same seed,
every return's qualifying income as the rules add it up, incomes around every threshold, a
block that must be free, a clash that writes nothing; and the review over it, twice."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from openmtd.emulator import annual_review, population
from openmtd.emulator.adapters.db.store import SqlStore
from openmtd.emulator.adapters.db.tables import Base
from openmtd.emulator.storage import Subscription
from openmtd.emulator.storage.population import PopulationClashError
from openmtd.rules.tax_year import TaxYear
from openmtd.rules.thresholds import (
    IncomeReturn,
    PropertyIncome,
    qualifying_income,
    threshold_amounts,
)

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
TABLES = ("sa_returns_on_file", "itsa_statuses", "itsa_subscriptions", "agent_relationships")


def _dump(store: SqlStore) -> dict[str, list[tuple[Any, ...]]]:
    """The population's rows, without surrogate ids (PostgreSQL's sequences survive a reset)."""
    dump = {}
    with store.engine.connect() as connection:
        for name in TABLES:
            table = Base.metadata.tables[name]
            columns = [column for column in table.c if column.name != "id"]
            rows = connection.execute(sa.select(*columns)).all()
            dump[name] = sorted((tuple(row) for row in rows), key=repr)
    return dump


def _create(store: SqlStore, count: int, seed: int) -> population.Created | None:
    with store.transaction() as tx:
        return population.create(tx, count, seed, NOW)


def test_the_same_seed_makes_the_same_population(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(population, "BATCH", 97)  # several batches
    created = _create(store, 400, 11)
    first = _dump(store)
    store.reset()
    again = _create(store, 400, 11)

    assert created == again
    assert created is not None
    assert created.returns == len(first["sa_returns_on_file"])
    assert created.statuses == len(first["itsa_statuses"])
    assert created.signed_up == len(first["itsa_subscriptions"])
    assert created.relationships == len(first["agent_relationships"])
    assert _dump(store) == first
    other = _dump_after_reset(store, 400, 12)
    assert other["sa_returns_on_file"] != first["sa_returns_on_file"]


def _dump_after_reset(store: SqlStore, count: int, seed: int) -> dict[str, list[tuple[Any, ...]]]:
    store.reset()
    _create(store, count, seed)
    return _dump(store)


def test_returns_hold_the_rules_qualifying_income_and_spread_around_thresholds(
    store: SqlStore,
) -> None:
    created = _create(store, 2000, 3)
    assert created is not None
    with store.engine.connect() as connection:
        returns = connection.execute(
            sa.select(Base.metadata.tables["sa_returns_on_file"])
        ).mappings()
        rows = list(returns)

    current = TaxYear.at(NOW)
    assert {row["tax_year"] for row in rows} == {str(current.shift(-n)) for n in (1, 2, 3)}
    incomes = []
    for row in rows:
        figures = IncomeReturn(
            self_employment_turnover=(Decimal(row["self_employment_turnover"]),),
            uk_property=(PropertyIncome(Decimal(row["uk_property_income"])),),
            foreign_property=(PropertyIncome(Decimal(row["foreign_property_income"])),),
        )
        assert qualifying_income(figures) == row["qualifying_income"]
        incomes.append(Decimal(row["qualifying_income"]))
    for amount in threshold_amounts():
        near = [income for income in incomes if abs(income - amount) <= 3000]
        assert len(near) > 20
        assert amount in incomes
        assert amount + Decimal("0.01") in incomes or amount - Decimal("0.01") in incomes
    assert any(income > 100_000 for income in incomes)
    assert any(income < 10_000 for income in incomes)


def test_a_block_already_holding_customers_is_refused(store: SqlStore) -> None:
    created = _create(store, 50, 9)
    assert created is not None
    before = _dump(store)

    assert _create(store, 50, 9) is None
    assert _create(store, 10, 9) is None  # a smaller one in the same block
    assert _dump(store) == before
    with store.transaction() as tx:
        assert tx.population.holds_customers(created.first_nino, created.last_nino)
        assert not tx.population.holds_customers("ZZ000000A", "ZZ999999D")
        assert tx.population.holds_agents(population.Block.for_seed(50, 9).arns())
        assert not tx.population.holds_agents(["TARN9999999"])


def test_an_mtditid_already_taken_writes_nothing(store: SqlStore) -> None:
    block = population.Block.for_seed(200, 4)
    with store.transaction() as tx:
        taken = next(
            batch.subscriptions[0]
            for batch in population.batches(200, 4, NOW)
            if batch.subscriptions
        )
        tx.subscriptions.add(Subscription("AB123456C", taken[1], "1000057161", "2026-27", NOW))
    before = _dump(store)

    with pytest.raises(PopulationClashError), store.transaction() as tx:
        population.create(tx, 200, 4, NOW)

    assert _dump(store) == before
    assert block.nino(0) <= taken[0] <= block.nino(199)


def test_the_review_over_a_population_decides_everyone_once(store: SqlStore) -> None:
    created = _create(store, 1500, 21)
    assert created is not None
    year = TaxYear.at(NOW).next

    with store.transaction() as tx:
        first = annual_review.run(tx, year, NOW, batch_size=257)
    with store.transaction() as tx:
        second = annual_review.run(tx, year, NOW, batch_size=1000)

    assert first.reviewed == second.reviewed == 1500
    assert sum(first.status_counts.values()) + first.undecided == 1500
    assert first.recorded == sum(first.status_counts.values())  # nothing for next year yet
    assert second.recorded == 0
    assert second.status_counts == first.status_counts
    assert all(first.status_counts[status] > 0 for status in annual_review.DECIDED[:3])
