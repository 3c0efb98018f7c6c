"""Soak: minutes of mixed traffic at 80 % of the measured maximum, watching errors, latency and
the server's memory.

Starts ``openmtd emulator serve`` (as an operator runs it: one worker, SQLite in a temporary
folder unless ``--database`` names another) and prepares a world through HMRC's own APIs: an
application, Create Test User individuals, a grant and tokens for each client task, and ITSA
statuses set through Self Assessment Test Support. Then, with ``--concurrency`` client tasks:

1. calibrate: the mix below as fast as the server answers, for ``--calibrate`` seconds: the
   maximum rate;
2. soak: the same mix paced at 80 % of that maximum for ``--duration`` seconds (default 600).

The mix, by weight: Retrieve ITSA Status 55, a page view (the home page or the sign-in page)
15, a Test Support status write 10, a refresh grant 12 (the task then uses the new tokens),
a new authorization-code grant (the headless journey, then the code exchange) 8.

Every answer other than the expected 2xx counts as an error; no error is expected (rate
limits are set high, and each task refreshes only its own grant). The server's resident
memory is sampled every few seconds; ``rss_start_mb`` is taken after the first minute (or the
first sixth of a shorter run), when caches and pools are warm, and the target is growth under
10 % from there to the end, with 0 errors.

Run: ``.venv/bin/python bench/soak.py [--duration 600] [--calibrate 20] [--concurrency 16]
[--database URL]``. The last line is one JSON object:
``{"requests", "errors", "p50_ms", "p99_ms", "rss_start_mb", "rss_end_mb"}``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

OPENMTD = str(Path(sys.executable).parent / "openmtd")
REDIRECT_URI = "http://localhost:9999/callback"
SCOPES = "read:self-assessment write:self-assessment"
ITSA = "application/vnd.hmrc.2.0+json"
V1 = "application/vnd.hmrc.1.0+json"
TAX_YEAR = "2026-27"
MIX: tuple[tuple[str, int], ...] = (
    ("status", 55),
    ("page", 15),
    ("write", 10),
    ("refresh", 12),
    ("grant", 8),
)
MB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


@dataclass
class Session:
    """One client task's own user, grant and tokens."""

    nino: str
    user_id: str
    password: str
    access: str = ""
    refresh: str = ""


@dataclass
class Figures:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


class World:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.app: dict[str, Any] = {}

    async def prepare(self, sessions: int) -> list[Session]:
        created = await self.client.post(
            "/emulator/applications",
            json={"name": "soak", "redirectUris": [REDIRECT_URI], "rateLimitPerSecond": 10_000},
        )
        created.raise_for_status()
        self.app = created.json()
        token = await self._token(
            {"grant_type": "client_credentials", "scope": "write:self-assessment"}
        )
        people: list[Session] = []
        for _ in range(sessions):
            user = await self.client.post(
                "/create-test-user/individuals",
                headers={"Accept": V1, "Authorization": f"Bearer {token['access_token']}"},
                json={"serviceNames": ["national-insurance", "mtd-income-tax"]},
            )
            user.raise_for_status()
            body = user.json()
            session = Session(body["nino"], body["userId"], body["password"])
            await self.grant(session)
            people.append(session)
        return people

    async def _token(self, form: dict[str, str]) -> dict[str, Any]:
        answer = await self.client.post(
            "/oauth/token",
            data={
                **form,
                "client_id": self.app["clientId"],
                "client_secret": self.app["clientSecret"],
            },
        )
        answer.raise_for_status()
        result: dict[str, Any] = answer.json()
        return result

    async def grant(self, session: Session) -> httpx.Response:
        answer = await self.client.post(
            "/emulator/oauth/grant",
            json={
                "clientId": self.app["clientId"],
                "redirectUri": REDIRECT_URI,
                "scope": SCOPES,
                "userId": session.user_id,
                "password": session.password,
            },
        )
        if answer.status_code != 200:
            return answer
        code = parse_qs(urlsplit(answer.json()["location"]).query)["code"][0]
        exchanged = await self.client.post(
            "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "redirect_uri": REDIRECT_URI,
                "code": code,
                "client_id": self.app["clientId"],
                "client_secret": self.app["clientSecret"],
            },
        )
        if exchanged.status_code == 200:
            tokens = exchanged.json()
            session.access, session.refresh = tokens["access_token"], tokens["refresh_token"]
        return exchanged

    async def operation(self, kind: str, session: Session) -> httpx.Response:
        bearer = {"Authorization": f"Bearer {session.access}"}
        if kind == "status":
            return await self.client.get(
                f"/individuals/person/itsa-status/{session.nino}/{TAX_YEAR}",
                headers={"Accept": ITSA, **bearer},
            )
        if kind == "page":
            path = random.choice(("/", "/gg/sign-in"))
            return await self.client.get(path, headers={"Accept": "text/html"})
        if kind == "write":
            submitted = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
            return await self.client.post(
                f"/individuals/self-assessment-test-support/itsa-status/{session.nino}/{TAX_YEAR}",
                headers={"Accept": V1, **bearer},
                json={
                    "itsaStatusDetails": [
                        {
                            "submittedOn": submitted,
                            "status": "MTD Mandated",
                            "statusReason": "Sign up - return available",
                            "businessIncome2YearsPrior": 60000.0,
                        }
                    ]
                },
            )
        if kind == "refresh":
            answer = await self.client.post(
                "/oauth/token",
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": session.refresh,
                    "client_id": self.app["clientId"],
                    "client_secret": self.app["clientSecret"],
                },
            )
            if answer.status_code == 200:
                tokens = answer.json()
                session.access, session.refresh = tokens["access_token"], tokens["refresh_token"]
            return answer
        return await self.grant(session)


async def drive(
    world: World,
    sessions: list[Session],
    seconds: float,
    rate: float | None,
    figures: Figures,
) -> int:
    """Run the mix for ``seconds``, paced at ``rate`` requests a second (None: flat out)."""
    kinds = [kind for kind, _ in MIX]
    weights = [weight for _, weight in MIX]
    start = time.monotonic()
    end = start + seconds
    sent = 0

    async def task(session: Session) -> None:
        nonlocal sent
        rng = random.Random(session.user_id)
        while True:
            if rate is not None:
                slot = start + sent / rate
                sent += 1
                wait = slot - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
            else:
                sent += 1
            if time.monotonic() >= end:
                return
            kind = rng.choices(kinds, weights)[0]
            began = time.perf_counter()
            try:
                answer = await world.operation(kind, session)
            except httpx.HTTPError as error:
                figures.error(f"{kind}: {type(error).__name__}")
                continue
            figures.latencies.append((time.perf_counter() - began) * 1000)
            if not 200 <= answer.status_code < 300:
                figures.error(f"{kind}: {answer.status_code}")

    await asyncio.gather(*(task(session) for session in sessions))
    return len(figures.latencies) + figures.errors


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def soak(args: argparse.Namespace, base: str, pid: int) -> dict[str, Any]:
    limits = httpx.Limits(
        max_connections=args.concurrency, max_keepalive_connections=args.concurrency
    )
    async with httpx.AsyncClient(
        base_url=base, trust_env=False, timeout=30, limits=limits
    ) as client:
        world = World(client)
        sessions = await world.prepare(args.concurrency)

        calibration = Figures()
        began = time.monotonic()
        done = await drive(world, sessions, args.calibrate, None, calibration)
        maximum = done / (time.monotonic() - began)
        target = 0.8 * maximum
        print(
            f"calibration: {maximum:.0f} requests/s flat out; soaking at {target:.0f}/s "
            f"for {args.duration:.0f}s",
            flush=True,
        )

        figures = Figures()
        samples: list[tuple[float, int]] = []
        stop = asyncio.Event()

        async def sample() -> None:
            origin = time.monotonic()
            while not stop.is_set():
                samples.append((time.monotonic() - origin, rss_bytes(pid)))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=5)

        sampler = asyncio.create_task(sample())
        requests = await drive(world, sessions, args.duration, target, figures)
        stop.set()
        await sampler
        samples.append((args.duration, rss_bytes(pid)))

    warm = min(60.0, args.duration / 6)
    rss_start = next(rss for at, rss in samples if at >= warm)
    rss_end = samples[-1][1]
    if figures.error_kinds:
        print("errors: " + ", ".join(f"{k} x{n}" for k, n in sorted(figures.error_kinds.items())))
    growth = (rss_end - rss_start) / rss_start * 100
    print(
        f"{requests} requests in {args.duration:.0f}s ({requests / args.duration:.0f}/s); "
        f"errors {figures.errors}; p50 {percentile(figures.latencies, 0.5):.1f} ms, "
        f"p99 {percentile(figures.latencies, 0.99):.1f} ms; RSS {rss_start / MB:.1f} MB after "
        f"{warm:.0f}s -> {rss_end / MB:.1f} MB at the end ({growth:+.1f} %)",
        flush=True,
    )
    return {
        "requests": requests,
        "errors": figures.errors,
        "p50_ms": round(percentile(figures.latencies, 0.5), 2),
        "p99_ms": round(percentile(figures.latencies, 0.99), 2),
        "rss_start_mb": round(rss_start / MB, 1),
        "rss_end_mb": round(rss_end / MB, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=600.0, help="soak seconds (600)")
    parser.add_argument("--calibrate", type=float, default=20.0, help="calibration seconds")
    parser.add_argument("--concurrency", type=int, default=16, help="client tasks (16)")
    parser.add_argument("--database", help="database URL (default: SQLite in a temp folder)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="openmtd-soak-") as folder:
        database = args.database or f"sqlite:///{folder}/soak.sqlite3"
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with open(Path(folder) / "server.log", "wb") as log:
            server = subprocess.Popen(
                [OPENMTD, "emulator", "serve", "--port", str(port), "--database", database],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                deadline = time.monotonic() + 30
                while True:
                    try:
                        httpx.get(base + "/emulator/clock", timeout=1, trust_env=False)
                        break
                    except httpx.HTTPError:
                        if time.monotonic() > deadline or server.poll() is not None:
                            raise SystemExit("the emulator did not start") from None
                        time.sleep(0.1)
                result = asyncio.run(soak(args, base, server.pid))
            finally:
                if server.poll() is None:
                    os.killpg(server.pid, signal.SIGINT)
                    try:
                        server.wait(timeout=20)
                    except subprocess.TimeoutExpired:
                        os.killpg(server.pid, signal.SIGKILL)
                        server.wait()
        text = (Path(folder) / "server.log").read_text(errors="replace")
        if "Traceback" in text:
            print("the server logged a traceback:\n" + text[text.index("Traceback") :][:4000])
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
