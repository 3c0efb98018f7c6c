"""`openmtd up`'s time to ready, measured in one run, as a ratio to a bare uvicorn server.

Target (issue: openmtd.app I): `openmtd up` is ready within 10 seconds, both the emulator and
the app answering. Each start is timed from launching the process to its URLs answering 200:

- baseline: `python -m uvicorn` serving a one-route Starlette app (the floor any Python web
  server on this machine pays: interpreter, imports, bind);
- fresh: `openmtd up` on an empty data directory (migrations for both databases, the demo
  world seeded, the app registered at the emulator);
- again: `openmtd up` on the same data directory (the world found, fresh secrets).

Prints each time, the ratio of each `up` to the baseline, and how far inside the 10 s target
each is, then one JSON line of the figures. Run: scripts/bench, or
`.venv/bin/python bench/up_startup.py [--runs 3]` (the best of the runs is kept for each).
"""

from __future__ import annotations

import argparse
import json
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

OPENMTD = str(Path(sys.executable).parent / "openmtd")
TARGET_S = 10.0
BASELINE_APP = (
    "from starlette.applications import Starlette\n"
    "from starlette.responses import PlainTextResponse\n"
    "from starlette.routing import Route\n"
    "app = Starlette(routes=[Route('/', lambda r: PlainTextResponse('ok'))])\n"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1.0, trust_env=False).status_code == 200
    except httpx.HTTPError:
        return False


def time_to_ready(args: list[str], urls: list[str], cwd: Path) -> float:
    """Seconds from launch until every URL answers 200; the process is then stopped."""
    started = time.monotonic()
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not all(_answers(url) for url in urls):
            if process.poll() is not None:
                raise SystemExit(f"{args[0]} exited with {process.returncode} before it was ready")
            if time.monotonic() - started > 60:
                raise SystemExit(f"{args} was not ready within 60 s")
            time.sleep(0.02)
        return time.monotonic() - started
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "baseline_app.py").write_text(BASELINE_APP)
        baseline: list[float] = []
        fresh: list[float] = []
        again: list[float] = []
        for run in range(runs):
            port = free_port()
            baseline.append(
                time_to_ready(
                    [sys.executable, "-m", "uvicorn", "baseline_app:app", "--port", str(port)],
                    [f"http://127.0.0.1:{port}/"],
                    root,
                )
            )
            data = root / f"data-{run}"
            for times in (fresh, again):
                port, app_port = free_port(), free_port()
                args = [OPENMTD, "up", "--port", str(port), "--app-port", str(app_port)]
                times.append(
                    time_to_ready(
                        [*args, "--data-dir", str(data)],
                        [f"http://127.0.0.1:{port}/", f"http://localhost:{app_port}/"],
                        root,
                    )
                )
    best = {"baseline": min(baseline), "fresh": min(fresh), "again": min(again)}
    for name, seconds in best.items():
        print(f"{name:9s} ready in {seconds:6.2f} s")
    for name in ("fresh", "again"):
        print(
            f"{name:9s} {best[name] / best['baseline']:5.1f}x the bare server; "
            f"{TARGET_S / best[name]:4.1f}x inside the {TARGET_S:.0f} s target"
        )
    figures = {
        "baseline_s": round(best["baseline"], 3),
        "fresh_s": round(best["fresh"], 3),
        "again_s": round(best["again"], 3),
        "fresh_ratio": round(best["fresh"] / best["baseline"], 2),
        "again_ratio": round(best["again"] / best["baseline"], 2),
        "target_s": TARGET_S,
        "within_target": best["fresh"] <= TARGET_S and best["again"] <= TARGET_S,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
