"""The annual review at the scale of a million customers, measured in one run.

For each size (100,000 and 1,000,000 customers by default; ``--sizes`` for others), on a fresh
database of the chosen backend (SQLite in a temporary folder, the default, or a throwaway
PostgreSQL cluster started as the tests start one, tests/support/postgres.py):

1. create: a synthetic population (``openmtd.emulator.population.create``, what
   ``POST /emulator/population`` runs), in one transaction, timed;
2. in a fresh process, the floor: one bare ``INSERT ... SELECT`` over the same rows the review
   reads and writes (every customer's returns for the three years pivoted, their status
   records, their subscription; one record per customer) into another tax year, timed to the
   end of the statement and rolled back, so the review finds the database as it was; and, for
   context, the barest ``INSERT ... SELECT`` (the basis year's returns alone, one record each);
3. in another fresh process (so its peak RSS is the review's own, not the creation's or the
   floor's), the review: ``openmtd.emulator.annual_review.run`` for next tax year (what
   ``POST /emulator/annual-review/{taxYear}`` runs), committed, timed; then the process's peak
   RSS (VmHWM; on PostgreSQL the server's memory is not in it).

Targets (issue 10): 1,000,000 customers reviewed in at most 30 s on a 2-core machine; review
time for 1M at most 12 times that for 100k (1.2 times the ratio of the sizes); at most 5 times
the floor; peak RSS flat in the population size. The machine may be shared: the load average
before each step is printed.
Nothing here asserts a time. The last line is one JSON object, keys named by the first and
last sizes (for the default ``{"backend", "review_s_100k", "review_s_1m", "ratio_1m_100k",
"floor_s_1m", "ratio_to_floor", "peak_rss_mb_100k", "peak_rss_mb_1m"}``).

Run: ``.venv/bin/python bench/annual_review.py [--backend sqlite|postgresql]
[--sizes 20000,200000]``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from openmtd.emulator import annual_review, population
from openmtd.emulator.adapters.db.store import SqlStore
from openmtd.emulator.settings import sqlite_url
from openmtd.rules.tax_year import TaxYear

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: The emulator's clock for the run: the population's "now", the review's submission time.
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
SEED = 2026
#: A tax year nobody holds records for: where the floor writes.
FLOOR_YEAR = "2090-91"


def label(size: int) -> str:
    """``100k``, ``1m``, ``2.5k``: a size as the JSON keys name it."""
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}m"
    if size >= 1000:
        return f"{size / 1000:g}k"
    return str(size)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (5 min {five:.2f}) on {os.cpu_count()} CPUs"


# --- the floor ---------------------------------------------------------------------------------
def _floor_sql(review_year: TaxYear) -> tuple[str, str]:
    """The bare SQL over the same rows as the review, and the barest (the basis year alone)."""
    n1, n2, n3 = (str(review_year.shift(-offset)) for offset in (1, 2, 3))
    pivot = ", ".join(
        f"MAX(CASE WHEN tax_year = '{year}' THEN qualifying_income END) AS q{number}"
        for number, year in ((1, n1), (2, n2), (3, n3))
    )
    columns = "nino, tax_year, submitted_on, status, status_reason, business_income"
    same_rows = f"""
        INSERT INTO itsa_statuses ({columns})
        SELECT r.nino, '{FLOOR_YEAR}', :now,
               CASE WHEN s.nino IS NOT NULL THEN 'MTD Voluntary'
                    WHEN h.status IS NULL THEN 'Annual' ELSE h.status END,
               CASE WHEN r.q2 IS NULL THEN 'Rollover' ELSE 'CESA SA return' END, r.q2
        FROM (SELECT nino, {pivot} FROM sa_returns_on_file GROUP BY nino) r
        LEFT JOIN itsa_subscriptions s ON s.nino = r.nino
        LEFT JOIN (SELECT nino, MAX(status) AS status FROM itsa_statuses
                   WHERE tax_year <= '{review_year}' GROUP BY nino) h ON h.nino = r.nino
        WHERE r.q1 IS NOT NULL OR r.q2 IS NOT NULL OR r.q3 IS NOT NULL OR h.status IS NOT NULL
    """
    basis_alone = f"""
        INSERT INTO itsa_statuses ({columns})
        SELECT nino, '{FLOOR_YEAR}', :now, 'Annual', 'CESA SA return', qualifying_income
        FROM sa_returns_on_file WHERE tax_year = '{n2}'
    """
    return same_rows, basis_alone


def _timed_floor(store: SqlStore, sql: str) -> float:
    # As SQLAlchemy stores the time on each database (UtcDateTime).
    now: Any = f"{NOW:%Y-%m-%d %H:%M:%S.%f}" if store.engine.dialect.name == "sqlite" else NOW
    with store.engine.connect() as connection:
        started = time.perf_counter()
        connection.execute(text(sql), {"now": now})
        elapsed = time.perf_counter() - started
        connection.rollback()
    return elapsed


# --- the children: floor, then review, each in a fresh process ------------------------------
def floor_child(url: str) -> dict[str, Any]:
    store = SqlStore.open(url, run_migrations=False)
    same_rows, basis_alone = _floor_sql(TaxYear.at(NOW).next)
    measured = {
        "floor_s": _timed_floor(store, same_rows),
        "barest_s": _timed_floor(store, basis_alone),
    }
    store.close()
    return measured


def peak_rss_mb() -> float:
    """This process's peak RSS since it started: Linux's VmHWM (``ru_maxrss`` survives exec,
    so a child would report its parent's peak), else ``ru_maxrss``."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def review_child(url: str) -> dict[str, Any]:
    store = SqlStore.open(url, run_migrations=False)
    baseline = peak_rss_mb()
    started = time.perf_counter()
    with store.transaction() as tx:
        outcome = annual_review.run(tx, TaxYear.at(NOW).next, NOW)
    review_s = time.perf_counter() - started
    peak = peak_rss_mb()
    store.close()
    return {
        "review_s": review_s,
        "peak_rss_mb": peak,
        "rss_before_review_mb": baseline,
        "reviewed": outcome.reviewed,
        "recorded": outcome.recorded,
    }


def _in_child(mode: str, url: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", mode, url],
        check=True,
        capture_output=True,
        text=True,
    )
    measured: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return measured


def measure(url: str, size: int) -> dict[str, Any]:
    """Create ``size`` customers on ``url``, then floor and review in a child process."""
    store = SqlStore.open(url)
    print(f"  {label(size)}: creating ({load()})", flush=True)
    started = time.perf_counter()
    with store.transaction() as tx:
        created = population.create(tx, size, SEED, NOW)
    create_s = time.perf_counter() - started
    assert created is not None
    if store.engine.dialect.name == "postgresql":
        # After a bulk load, as any operator would: the planner needs the tables' statistics.
        with store.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    store.close()
    print(f"  {label(size)}: created in {create_s:.2f} s; reviewing ({load()})", flush=True)
    measured = _in_child("floor", url)
    measured.update(_in_child("review", url))
    measured["create_s"] = create_s
    measured["returns"] = created.returns
    print(
        f"  {label(size)}: create {create_s:.2f} s, review {measured['review_s']:.2f} s "
        f"({measured['reviewed']} customers, {measured['recorded']} records), floor (same "
        f"rows) {measured['floor_s']:.2f} s, barest INSERT ... SELECT (basis year alone) "
        f"{measured['barest_s']:.2f} s, review/floor "
        f"{measured['review_s'] / measured['floor_s']:.2f}, peak RSS "
        f"{measured['peak_rss_mb']:.0f} MB ({measured['rss_before_review_mb']:.0f} MB before "
        f"the review)",
        flush=True,
    )
    return measured


# --- databases ---------------------------------------------------------------------------------
@contextlib.contextmanager
def databases(backend: str) -> Iterator[Any]:
    """A factory of fresh, empty database URLs for ``backend``."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="openmtd-bench-review-") as folder:
            names = iter(range(1_000))
            yield lambda: sqlite_url(Path(folder) / f"review{next(names)}.sqlite3")
        return
    import pytest

    sys.path.insert(0, str(ROOT / "tests"))
    support_postgres = importlib.import_module("support.postgres")
    try:
        with support_postgres.start_postgres() as server:
            yield lambda: server.url(server.create_database("bench"))
    except pytest.fail.Exception as error:  # how support.postgres reports a missing server
        raise RuntimeError(str(error)) from None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--sizes",
        default="100000,1000000",
        help="two or more population sizes, smallest first (default 100000,1000000)",
    )
    parser.add_argument("--child", nargs=2, metavar=("MODE", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, url = args.child
        print(json.dumps(floor_child(url) if mode == "floor" else review_child(url)))
        return
    sizes = sorted(int(size) for size in args.sizes.split(","))
    if len(sizes) < 2 or sizes[0] < 1 or sizes[-1] > population.MAX_COUNT:
        parser.error(f"--sizes: at least two sizes from 1 to {population.MAX_COUNT}")
    print(f"annual review on {args.backend}, sizes {', '.join(map(label, sizes))}")
    results: dict[int, dict[str, Any]] = {}
    with databases(args.backend) as fresh:
        for size in sizes:
            results[size] = measure(fresh(), size)
    small, large = sizes[0], sizes[-1]
    first, last = results[small], results[large]
    print(
        f"review {label(large)} in {last['review_s']:.2f} s (target at most 30 s for 1m); "
        f"{label(large)}/{label(small)} {last['review_s'] / first['review_s']:.2f} "
        f"(target at most {1.2 * large / small:g}); "
        f"review/floor {last['review_s'] / last['floor_s']:.2f} (target at most 5); peak RSS "
        f"{first['peak_rss_mb']:.0f} MB and {last['peak_rss_mb']:.0f} MB (target: flat)"
    )
    print(
        json.dumps(
            {
                "backend": args.backend,
                f"review_s_{label(small)}": round(first["review_s"], 3),
                f"review_s_{label(large)}": round(last["review_s"], 3),
                f"ratio_{label(large)}_{label(small)}": round(
                    last["review_s"] / first["review_s"], 3
                ),
                f"floor_s_{label(large)}": round(last["floor_s"], 3),
                "ratio_to_floor": round(last["review_s"] / last["floor_s"], 3),
                f"peak_rss_mb_{label(small)}": round(first["peak_rss_mb"], 1),
                f"peak_rss_mb_{label(large)}": round(last["peak_rss_mb"], 1),
            }
        )
    )


if __name__ == "__main__":
    main()
