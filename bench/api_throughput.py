"""Retrieve ITSA Status under load, measured in one run, as ratios to the floor for its work.

Five targets, each served by ``bench/_api_server.py`` in its own process, the same way
(uvicorn, one worker, 127.0.0.1, log level warning, no access log), pinned to one CPU:

- bare: a Starlette app with one async route answering a small JSON body (for context);
- ITSA status on SQLite: ``GET /individuals/person/itsa-status/{nino}/{taxYear}`` (Accept
  ``application/vnd.hmrc.2.0+json``, a valid user-restricted token, a full set of fraud
  prevention headers) through the whole emulator: the platform's gateway checks (version,
  token, rate limit, subscription, scope), the fraud header check and its feedback record, and
  the service's lookups, in two short transactions (``web/api.py``);
- the floor on SQLite: a bare Starlette endpoint on the same path and the same database doing
  by hand the database work the call cannot do without (the token by its hash, one
  rate-limit upsert, the status rows), with SQLAlchemy Core in the thread pool (see
  ``_api_server.py``);
- the same two on PostgreSQL: a throwaway cluster started as the tests start it
  (tests/support/postgres.py).

The load generator is ``wrk`` (Debian's package; installed with apt-get when missing and we
are root) on loopback, one thread pinned to the other CPU, keep-alive connections. For each
target: a warm-up; short closed-loop probes (every connection sends its next request as soon as
the last answer arrives) at a few concurrencies, because a server that serialises work can do
less at 32 connections than at 8; then the best of them at length: the maximum load, for
requests/s, p50 and p99; then half of that rate for the p99 at half load. wrk cannot hold a
rate by itself (wrk2 and oha are not in Debian), so the half-load run uses wrk's Lua
``delay()`` hook to pace requests on an absolute schedule (one slot every 1/rate seconds,
shared by the thread's connections). wrk's latency starts when a request is written, so time a
request waited for a free connection is not counted: the output shows how many sends were more
than 1 ms behind their slot (0: none waited) and the rate actually achieved. Percentiles come
from wrk's own histogram, read in the script's ``done()``. The CPU the server process used
during the maximum-load run is printed too (about 100% of one CPU: it was CPU-bound), and how
busy the machine was before the run (other work on the machine makes every number lower).

Every response must be 2xx (wrk counts the others): a benchmark that was throttled or refused
is reported as failed, not measured. Targets (issue 8): ITSA status at least 0.5 of the floor's
requests/s on each database; p99 at half of the maximum load at most 25 ms. The ratio to bare
Starlette is printed for context. The last line is one JSON object, a key per database run:
``{"sqlite": {"rps", "floor_rps", "floor_ratio", "bare_ratio", "p99_half_ms"}, "postgresql":
{...}}``. ``--profile`` then shows where one request's time goes (in-process, cProfile) and
how many SQL statements it sends. Run: scripts/bench, or ``.venv/bin/python
bench/api_throughput.py [--seconds 10] [--no-postgres] [--profile]`` (``--seconds 3
--probe-seconds 2 --warmup 1`` for a short run on a shared machine).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import httpx

from openmtd.emulator.devhub.applications import MAX_RATE_LIMIT

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HOST = "127.0.0.1"
ACCEPT = "application/vnd.hmrc.2.0+json"
P99_TARGET_MS = 25.0
RATIO_TARGET = 0.5
STARTUP_TIMEOUT_S = 90.0
#: The application's rate limit in _api_server.py (the Developer Hub's maximum).
RATE_LIMIT = MAX_RATE_LIMIT
#: A full WEB_APP_VIA_SERVER set, as a real client sends on every call.
FRAUD_HEADERS = {
    "Gov-Client-Connection-Method": "WEB_APP_VIA_SERVER",
    "Gov-Client-Browser-JS-User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Bench/1.0",
    "Gov-Client-Device-ID": "0b4f1c9e-6a3d-4c55-9e1f-3a7b2d8c6e10",
    "Gov-Client-Multi-Factor": "type=TOTP&timestamp=2026-11-26T09%3A58Z&unique-reference=bench1",
    "Gov-Client-Public-IP": "81.2.69.161",
    "Gov-Client-Public-IP-Timestamp": "2026-11-26T09:58:01.250Z",
    "Gov-Client-Public-Port": "23456",
    "Gov-Client-Screens": "width=2560&height=1440&scaling-factor=1.25&colour-depth=24",
    "Gov-Client-Timezone": "UTC+00:00",
    "Gov-Client-User-IDs": "bench-app=bench-user",
    "Gov-Client-Window-Size": "width=1400&height=900",
    "Gov-Vendor-Forwarded": "by=81.2.69.143&for=81.2.69.161",
    "Gov-Vendor-License-IDs": "bench-app=3F2A9C0D7E6B5A4918273645AB01CD23",
    "Gov-Vendor-Product-Name": "openmtd%20bench",
    "Gov-Vendor-Public-IP": "81.2.69.143",
    "Gov-Vendor-Version": "bench-app=1.0.0",
}

# --- the wrk script ----------------------------------------------------------------------------

_LUA_COMMON = """
-- Written by bench/api_throughput.py.
local threads = {}
function setup(thread) table.insert(threads, thread) end
%(headers)s
function done(summary, latency, requests)
  local late, sends = 0, 0
  for _, thread in ipairs(threads) do
    late = late + (thread:get("late") or 0)
    sends = sends + (thread:get("sends") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH-RESULT {"duration_us": %%d, "requests": %%d, "connect": %%d, "read": %%d, ' ..
    '"write": %%d, "status": %%d, "timeout": %%d, "p50_us": %%d, "p99_us": %%d, ' ..
    '"max_us": %%d, "late": %%d, "sends": %%d}\\n',
    summary.duration, summary.requests, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, late, sends))
end
"""

# Pacing: one absolute schedule per wrk thread, one slot every INTERVAL microseconds; each
# send takes the next slot and waits for it. LuaJIT's ffi gives a monotonic clock in us.
_LUA_PACED = """
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local now_ts = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(1, now_ts)  -- CLOCK_MONOTONIC
  return tonumber(now_ts.tv_sec) * 1000000 + tonumber(now_ts.tv_nsec) / 1000
end
local INTERVAL = %(interval_us).3f
local slot = nil
late, sends = 0, 0
function delay()
  local now = now_us()
  if slot == nil then slot = now end
  slot = slot + INTERVAL
  sends = sends + 1
  local wait_us = slot - now
  if wait_us < -1000 then late = late + 1 end
  if wait_us < 0 then return 0 end
  return wait_us / 1000  -- milliseconds (wrk truncates to whole ms; the schedule stays exact)
end
"""


def lua_script(headers: dict[str, str], rate_per_thread: float | None) -> str:
    lines = [
        f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}" for name, value in headers.items()
    ]
    script = _LUA_COMMON % {"headers": "\n".join(lines)}
    if rate_per_thread:
        script += _LUA_PACED % {"interval_us": 1_000_000 / rate_per_thread}
    return script


# --- processes ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def cpus() -> tuple[int | None, int | None]:
    """(server CPU, load generator CPU), or (None, None) when there are fewer than two."""
    allowed = sorted(os.sched_getaffinity(0))
    return (allowed[0], allowed[1]) if len(allowed) >= 2 else (None, None)


def pinned(cpu: int | None) -> Callable[[], None] | None:
    if cpu is None:
        return None
    return lambda: os.sched_setaffinity(0, {cpu})


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def served(
    args: list[str], cpu: int | None, ready: Callable[[], bool]
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``_api_server.py ARGS`` until the block ends (stopped even on Ctrl-C or error)."""
    process = subprocess.Popen(
        [sys.executable, str(HERE / "_api_server.py"), *args],
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # Ctrl-C reaches us only; we stop it in order
        preexec_fn=pinned(cpu),  # (no threads here to upset)
    )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not ready():
            if process.poll() is not None:
                raise SystemExit(f"the {args[0]} server exited with {process.returncode}")
            if time.monotonic() > deadline:
                raise SystemExit(f"the {args[0]} server did not start in {STARTUP_TIMEOUT_S:g} s")
            time.sleep(0.1)
        yield process
    finally:
        stop(process)


def answers(url: str) -> bool:
    try:
        httpx.get(url, timeout=1)
    except httpx.HTTPError:
        return False
    return True


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit(
            "bench/api_throughput.py needs wrk (Debian package `wrk`): "
            "run `sudo apt-get install wrk`, then run this again"
        )
    print("installing wrk (Debian package `wrk`) with apt-get", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}

    def apt_get(*args: str, check: bool) -> int:
        done = subprocess.run(
            ["apt-get", *args],
            check=check,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        return done.returncode

    install = ("install", "-y", "--no-install-recommends", "wrk")
    if apt_get(*install, check=False) != 0:
        apt_get("update", check=False)
        apt_get(*install, check=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("apt-get installed wrk but it is not on PATH")
    return found


def wrk_version(wrk: str) -> str:
    out = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
    first = (out.stdout or out.stderr).splitlines()[0] if (out.stdout or out.stderr) else ""
    match = re.match(r"wrk (\S+)", first)
    return match.group(1) if match else "(unknown version)"


# --- measuring ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Load:
    """One wrk run's results, with the CPU the server and the whole machine used meanwhile."""

    connections: int
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    requests: int
    socket_errors: int
    late: int
    sends: int
    server_cpu: float  # share of one CPU
    machine_cpu: float  # share of all CPUs


@dataclass
class Target:
    name: str
    url: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    probes: list[Load] = field(default_factory=list)
    max_load: Load | None = None
    half_load: Load | None = None
    skipped: str | None = None


@dataclass(frozen=True)
class Plan:
    wrk: str
    server_cpu: int | None
    wrk_cpu: int | None
    seconds: float
    warmup: float
    probe_seconds: float
    probe_connections: tuple[int, ...]
    paced_connections: int
    workdir: Path


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values[:8]) - idle) / tick, sum(values[:8]) / tick


def run_wrk(
    plan: Plan,
    target: Target,
    server: subprocess.Popen[bytes],
    *,
    seconds: float,
    connections: int,
    rate: float | None = None,
) -> Load:
    script = plan.workdir / "load.lua"
    script.unlink(missing_ok=True)
    descriptor = os.open(script, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:  # headers (the token) stay off the command line
        out.write(lua_script(target.headers, rate))
    command = [
        *(plan.wrk, "--threads", "1", "--connections", str(connections)),
        *("--duration", f"{max(1, round(seconds))}s", "--timeout", "5s", "--latency"),
        *("--script", str(script), target.url),
    ]
    server_before, (busy_before, total_before) = (
        process_cpu_seconds(server.pid),
        machine_cpu_seconds(),
    )
    started = time.monotonic()
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        timeout=seconds + 60,
        preexec_fn=pinned(plan.wrk_cpu),  # (no threads here to upset)
    )
    wall = time.monotonic() - started
    busy_after, total_after = machine_cpu_seconds()
    server_cpu = (process_cpu_seconds(server.pid) - server_before) / wall
    machine_cpu = (busy_after - busy_before) / max(total_after - total_before, 1e-9)
    match = re.search(r"^BENCH-RESULT (\{.*\})$", done.stdout, re.MULTILINE)
    if done.returncode != 0 or match is None:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    result: dict[str, Any] = json.loads(match.group(1))
    if result["status"]:
        raise SystemExit(
            f"{target.name}: {result['status']} of {result['requests']} answers were not 2xx "
            "(throttled or refused?): the measurement is not valid"
        )
    return Load(
        connections=connections,
        rps=result["requests"] / (result["duration_us"] / 1e6),
        p50_ms=result["p50_us"] / 1000,
        p99_ms=result["p99_us"] / 1000,
        max_ms=result["max_us"] / 1000,
        requests=result["requests"],
        socket_errors=sum(result[k] for k in ("connect", "read", "write", "timeout")),
        late=result["late"],
        sends=result["sends"],
        server_cpu=server_cpu,
        machine_cpu=machine_cpu,
    )


def measure(plan: Plan, target: Target, server: subprocess.Popen[bytes]) -> None:
    """Warm up; probe the closed-loop rate at a few concurrencies; measure the best one at
    length (the maximum load); then measure paced at half of that rate."""
    answer = httpx.get(target.url, headers=target.headers, timeout=10)
    if answer.status_code != 200:
        raise SystemExit(f"{target.name}: {answer.status_code} {answer.text[:300]}")
    print(f"  measuring {target.name}", flush=True)
    widest = max(plan.probe_connections)
    run_wrk(plan, target, server, seconds=plan.warmup, connections=widest)
    target.probes = [
        run_wrk(plan, target, server, seconds=plan.probe_seconds, connections=connections)
        for connections in plan.probe_connections
    ]
    best = max(target.probes, key=lambda load: load.rps).connections
    target.max_load = run_wrk(plan, target, server, seconds=plan.seconds, connections=best)
    target.half_load = run_wrk(
        plan,
        target,
        server,
        seconds=plan.seconds,
        connections=plan.paced_connections,
        rate=target.max_load.rps / 2,
    )


def measure_emulator(plan: Plan, target: Target, database_url: str, label: str) -> None:
    port = free_port()
    seed_file = plan.workdir / f"seed-{label}.json"
    seed_file.unlink(missing_ok=True)
    base = f"http://{HOST}:{port}"

    def ready() -> bool:
        return seed_file.exists() and seed_file.stat().st_size > 0 and answers(base)

    args = ["emulator", str(port), database_url, str(seed_file)]
    with served(args, plan.server_cpu, ready) as server:
        seed = json.loads(seed_file.read_text())
        target.url = f"{base}/individuals/person/itsa-status/{seed['nino']}/{seed['tax_year']}"
        target.headers = {
            "Accept": ACCEPT,
            "Authorization": f"Bearer {seed['access_token']}",
            **FRAUD_HEADERS,
        }
        body = httpx.get(target.url, headers=target.headers, timeout=10).json()
        if body.get("itsaStatuses", [{}])[0].get("taxYear") != seed["tax_year"]:
            raise SystemExit(f"{target.name}: unexpected answer {body!r}")
        measure(plan, target, server)


def measure_floor(plan: Plan, target: Target, database_url: str, label: str) -> None:
    """The floor on the database the emulator's run seeded (its token, NINO and tax year)."""
    seed = json.loads((plan.workdir / f"seed-{label}.json").read_text())
    port = free_port()
    base = f"http://{HOST}:{port}"
    target.url = f"{base}/individuals/person/itsa-status/{seed['nino']}/{seed['tax_year']}"
    target.headers = {
        "Accept": ACCEPT,
        "Authorization": f"Bearer {seed['access_token']}",
        **FRAUD_HEADERS,
    }
    with served(["floor", str(port), database_url], plan.server_cpu, lambda: answers(base)) as (
        server
    ):
        body = httpx.get(target.url, headers=target.headers, timeout=10).json()
        if body.get("itsaStatuses", [{}])[0].get("taxYear") != seed["tax_year"]:
            raise SystemExit(f"{target.name}: unexpected answer {body!r}")
        measure(plan, target, server)


def measure_database(plan: Plan, itsa: Target, floor: Target, url: str, label: str) -> None:
    measure_emulator(plan, itsa, url, label)
    measure_floor(plan, floor, url, label)


def measure_bare(plan: Plan, target: Target) -> None:
    port = free_port()
    target.url = f"http://{HOST}:{port}/bare"
    with served(["bare", str(port)], plan.server_cpu, lambda: answers(target.url)) as server:
        measure(plan, target, server)


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """A database on a throwaway cluster, started and stopped as the tests do."""
    import importlib

    import pytest

    sys.path.insert(0, str(ROOT / "tests"))
    support_postgres = importlib.import_module("support.postgres")
    try:
        with support_postgres.start_postgres() as server:
            yield server.url(server.create_database("bench"))
    except pytest.fail.Exception as error:  # how support.postgres reports a missing server
        raise RuntimeError(str(error)) from None


# --- profile -----------------------------------------------------------------------------------


def profile(requests: int) -> None:
    """Where a Retrieve ITSA Status request's time goes: timed and profiled in-process.

    The emulator on SQLite, seeded as for the benchmark, driven by Starlette's TestClient one
    request at a time; ``web.api.call`` (everything the platform and the service do for the
    request, in its two transactions) is wrapped to time it, count its SQL statements, and run
    cProfile inside it.
    """
    import cProfile
    import pstats
    from collections import Counter

    from sqlalchemy import event
    from starlette.testclient import TestClient

    sys.path.insert(0, str(HERE))
    import _api_server
    from openmtd.emulator.web.routes import api_itsa_status

    inner = getattr(api_itsa_status, "call")  # noqa: B009 - replaced below, restored after
    wall, cpu = [0.0], [0.0]
    statements: Counter[str] = Counter()
    profiler = cProfile.Profile()
    profiling = [False]

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        started, started_cpu = time.perf_counter(), time.thread_time()
        if profiling[0]:
            profiler.enable()
        try:
            return inner(*args, **kwargs)
        finally:
            if profiling[0]:
                profiler.disable()
            wall[0] += time.perf_counter() - started
            cpu[0] += time.thread_time() - started_cpu

    with tempfile.TemporaryDirectory() as tmp:
        seed_file = Path(tmp) / "seed.json"
        app = _api_server.emulator(f"sqlite:///{Path(tmp) / 'profile.sqlite3'}", seed_file)
        seed = json.loads(seed_file.read_text())
        path = f"/individuals/person/itsa-status/{seed['nino']}/{seed['tax_year']}"
        headers = {"Accept": ACCEPT, "Authorization": f"Bearer {seed['access_token']}"}
        headers |= FRAUD_HEADERS
        store = app.state.services.store

        def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements[statement.split(None, 1)[0].upper()] += 1

        setattr(api_itsa_status, "call", wrapped)  # noqa: B010
        try:
            with TestClient(app) as client:
                for _ in range(50):  # warm up
                    client.get(path, headers=headers).raise_for_status()
                wall[0] = cpu[0] = 0.0
                event.listen(store.engine, "before_cursor_execute", count)
                started = time.perf_counter()
                for _ in range(requests):
                    client.get(path, headers=headers).raise_for_status()
                total = time.perf_counter() - started
                event.remove(store.engine, "before_cursor_execute", count)
                in_call, in_call_cpu = wall[0], cpu[0]
                profiling[0] = True
                for _ in range(requests):
                    client.get(path, headers=headers).raise_for_status()
        finally:
            setattr(api_itsa_status, "call", inner)  # noqa: B010
            store.close()
    per = ", ".join(f"{n / requests:g} {kind}" for kind, n in sorted(statements.items()))
    print(
        f"\nprofile: Retrieve ITSA Status in-process (SQLite, {requests} sequential requests "
        "through TestClient)\n"
        f"  per request: {1000 * total / requests:.2f} ms through TestClient; inside "
        f"web.api.call {1000 * in_call / requests:.2f} ms wall, "
        f"{1000 * in_call_cpu / requests:.2f} ms CPU (gateway checks, fraud header check and "
        "record, the service, rendering, two transactions)\n"
        f"  SQL statements per request: {per}"
    )
    # {(file, line, name): (primitive calls, calls, own time, cumulative time, callers)}
    raw: Any = getattr(pstats.Stats(profiler), "stats")  # noqa: B009 - untyped in typeshed
    rows = sorted(
        ((key, value[1], value[3]) for key, value in raw.items() if key[2] != "call"),
        key=lambda row: row[2],
        reverse=True,
    )

    def show(title: str, chosen: list[tuple[Any, int, float]]) -> None:
        print(f"  {title} (cProfile, its overhead included):")
        print(f"    {'ms/request':>10s} {'calls/req':>9s}  function")
        for (file, line, name), calls, cumulative in chosen[:10]:
            where = file.split("site-packages/")[-1].split("/src/")[-1]
            print(
                f"    {1000 * cumulative / requests:10.3f} {calls / requests:9.1f}  "
                f"{where}:{line}({name})"
            )

    show("top 10 by cumulative time under web.api.call", rows)
    show("top 10 openmtd functions", [r for r in rows if "/openmtd/" in r[0][0]])


# --- report ------------------------------------------------------------------------------------


def ms(value: float) -> str:
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def describe(plan: Plan, server_desc: str, wrk_desc: str, busy_before: float) -> None:
    probes = ", ".join(str(c) for c in plan.probe_connections)
    print("\nopenmtd bench/api_throughput.py: Retrieve ITSA Status vs the floor for its work")
    print(f"  server:  {server_desc}")
    print(f"  load:    {wrk_desc}")
    print(
        f"  method:  {plan.warmup:g} s warm-up; {plan.probe_seconds:g} s closed-loop probes at "
        f"{probes} connections; the best of them for {plan.seconds:g} s (maximum load: "
        f"req/s, p50, p99); then {plan.seconds:g} s paced at half that rate over "
        f"{plan.paced_connections} connections (wrk Lua delay() on an absolute schedule: wrk "
        "cannot hold a rate and wrk2/oha are not in Debian) for the p99 at half load"
    )
    print(
        "  ITSA:    GET /individuals/person/itsa-status/{nino}/{taxYear}, Accept v2.0, valid "
        "user-restricted token, full fraud prevention header set; the application's rate limit "
        f"is {RATE_LIMIT}/s (the Developer Hub's maximum) so the platform never throttles "
        "(every answer checked 2xx)"
    )
    print(
        f"  machine: {os.cpu_count()} CPUs, {100 * busy_before:.0f}% busy in the second before "
        "the run" + ("  (OTHER LOAD: numbers will be low and noisy)" if busy_before > 0.15 else "")
    )


def report(plan: Plan, targets: list[Target]) -> None:
    print("\n  closed-loop probes, req/s (connections):")
    for target in targets:
        if target.probes:
            cells = "  ".join(f"{p.rps:8.1f} ({p.connections})" for p in target.probes)
            print(f"    {target.name:24s} {cells}")
    print(
        f"\n  {'target':24s} {'conns':>5s} {'req/s max':>9s} {'p50 max':>8s} {'p99 max':>8s} "
        f"{'server':>6s} {'all':>4s} | {'half':>6s} {'done':>6s} {'p99 half':>8s} {'late':>9s}"
    )
    for target in targets:
        full, half = target.max_load, target.half_load
        if full is None or half is None:
            print(f"  {target.name:24s} not run: {target.skipped}")
            continue
        errors = full.socket_errors + half.socket_errors
        print(
            f"  {target.name:24s} {full.connections:5d} {full.rps:9.1f} {ms(full.p50_ms):>8s} "
            f"{ms(full.p99_ms):>8s} {100 * full.server_cpu:5.0f}% {100 * full.machine_cpu:3.0f}% "
            f"| {full.rps / 2:6.1f} {half.rps:6.1f} {ms(half.p99_ms):>8s} "
            f"{half.late:>4d}/{half.sends:<4d}" + (f"  ({errors} socket errors)" if errors else "")
        )
    print(
        "  (server: the server process's CPU, share of one CPU; all: the whole machine's, share "
        "of all CPUs; half/done: the paced rate asked and achieved; late: sends more than 1 ms "
        "behind their slot, whose waiting wrk does not count)"
    )
    bare = targets[0].max_load
    print()
    for label, (itsa, floor) in runs(targets).items():
        if itsa.max_load is None or itsa.half_load is None or floor.max_load is None:
            continue
        ratio = itsa.max_load.rps / floor.max_load.rps
        verdict = "meets" if ratio >= RATIO_TARGET else "BELOW"
        print(
            f"  {label}: ITSA status / floor         {ratio:6.3f}  ({verdict} the {RATIO_TARGET})"
        )
        if bare is not None:
            print(f"  {label}: ITSA status / bare Starlette {itsa.max_load.rps / bare.rps:6.3f}")
        p99 = itsa.half_load.p99_ms
        verdict = "meets" if p99 <= P99_TARGET_MS else "ABOVE"
        print(
            f"  {label}: ITSA p99 at half load      {ms(p99):>8s}  "
            f"({verdict} the {P99_TARGET_MS:g} ms target)"
        )


def runs(targets: list[Target]) -> dict[str, tuple[Target, Target]]:
    """(ITSA status, floor) for each database, from the target list built in main()."""
    return {"sqlite": (targets[1], targets[2]), "postgresql": (targets[3], targets[4])}


def summary(targets: list[Target]) -> dict[str, dict[str, float | None]]:
    """The benchmark's last line: a key per database run."""
    bare = targets[0].max_load
    answer: dict[str, dict[str, float | None]] = {}
    for label, (itsa, floor) in runs(targets).items():
        if itsa.max_load is None or itsa.half_load is None or floor.max_load is None:
            continue
        rps = itsa.max_load.rps
        answer[label] = {
            "rps": round(rps, 1),
            "floor_rps": round(floor.max_load.rps, 1),
            "floor_ratio": round(rps / floor.max_load.rps, 3),
            "bare_ratio": round(rps / bare.rps, 3) if bare is not None else None,
            "p99_half_ms": round(itsa.half_load.p99_ms, 2),
        }
    return answer


def interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="each long run (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--probe-seconds", type=float, default=3.0)
    parser.add_argument(
        "--probe-connections", default="2,8,32", help="closed-loop concurrencies to try"
    )
    parser.add_argument("--paced-connections", type=int, default=32)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--profile", action="store_true", help="then profile the ITSA handler")
    parser.add_argument("--profile-requests", type=int, default=300)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, interrupt)  # stop the servers on kill as on Ctrl-C

    wrk = ensure_wrk()
    server_cpu, wrk_cpu = cpus()
    import uvicorn

    loop = "uvloop" if _has("uvloop") else "asyncio"
    http = "httptools" if _has("httptools") else "h11"
    pin = f", pinned to CPU {server_cpu}" if server_cpu is not None else " (not pinned: one CPU)"
    server_desc = (
        f"uvicorn {uvicorn.__version__} ({loop} loop, {http}), 1 worker, 127.0.0.1, log level "
        f"warning, no access log{pin}; the same for all five"
    )
    wrk_pin = f", pinned to CPU {wrk_cpu}" if wrk_cpu is not None else ""
    wrk_desc = (
        f"wrk {wrk_version(wrk)}, 1 thread{wrk_pin}, keep-alive connections on loopback; "
        "PostgreSQL not pinned"
    )
    targets = [
        Target("bare Starlette"),
        Target("ITSA status, SQLite"),
        Target("floor, SQLite"),
        Target("ITSA status, PostgreSQL"),
        Target("floor, PostgreSQL"),
    ]
    failed = False
    started = time.monotonic()
    busy_before = machine_busy(1.0)
    with tempfile.TemporaryDirectory(prefix="openmtd-bench-") as tmp:
        plan = Plan(
            wrk=wrk,
            server_cpu=server_cpu,
            wrk_cpu=wrk_cpu,
            seconds=args.seconds,
            warmup=args.warmup,
            probe_seconds=args.probe_seconds,
            probe_connections=tuple(int(c) for c in args.probe_connections.split(",")),
            paced_connections=args.paced_connections,
            workdir=Path(tmp),
        )
        describe(plan, server_desc, wrk_desc, busy_before)
        measure_bare(plan, targets[0])
        sqlite_url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        measure_database(plan, targets[1], targets[2], sqlite_url, "sqlite")
        if args.no_postgres:
            targets[3].skipped = targets[4].skipped = "--no-postgres"
        else:
            try:
                with postgres() as url:
                    measure_database(plan, targets[3], targets[4], url, "postgresql")
            except RuntimeError as error:
                targets[3].skipped = targets[4].skipped = f"PostgreSQL did not start: {error}"
                failed = True
    report(plan, targets)
    print(f"\n  (whole run: {time.monotonic() - started:.0f} s)")
    if args.profile:
        profile(args.profile_requests)
    print(json.dumps(summary(targets)))
    if failed:
        sys.exit(1)


def machine_busy(seconds: float) -> float:
    """The machine's busy share of all CPUs over the next ``seconds``."""
    busy_before, total_before = machine_cpu_seconds()
    time.sleep(seconds)
    busy_after, total_after = machine_cpu_seconds()
    return (busy_after - busy_before) / max(total_after - total_before, 1e-9)


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("\ninterrupted: every server the benchmark started has been stopped", file=sys.stderr)
        sys.exit(130)
