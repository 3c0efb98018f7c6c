"""Bulk ITSA status at the rate limit: an agent reads every client's status through the SDK.

For each size (2,000 and 10,000 clients by default; ``--clients N`` for one size), in a fresh
process so that its peak memory is its own:

1. an emulator server on 127.0.0.1 (``bench/_bulk_server.py``, uvicorn, one worker, SQLite)
   holding one agent and N signed-up clients with an active main relationship to it (why they
   are made in the server's process: see that file);
2. the agent's application registered through the control API (``POST /emulator/applications``)
   with ``rateLimitPerSecond`` 50, the agent's token from the headless grant
   (``POST /emulator/oauth/grant``) and ``/oauth/token``;
3. every client's status read with ``openmtd.sdk.bulk_itsa_status`` on an ``AsyncClient``
   paced by ``ApplicationRateLimiter.in_memory(RateLimit(50))``, the NINOs drawn from a
   generator and each result dropped once counted (a vendor's loop would store it).

The transport under the client counts every request sent (retries included) and every 429.
``achieved_rate`` is requests per second over the bulk call's wall-clock time; ``ratio`` is
that over the rate limit. Targets (issue 11): ratio at least 0.97, throttled 0, requests equal
to clients, and peak RSS for 10,000 clients within 10% of that for 2,000 (the results stream;
nothing piles up). Nothing here asserts a time: it prints what it measured.

Each size prints one JSON line ``{"clients", "requests", "throttled", "errors", "rate_limit",
"achieved_rate", "ratio", "peak_rss_mb"}``; with both sizes, the last line is the largest
size's object with ``peak_rss_mb_smallest`` and ``rss_growth`` (largest / smallest) added.
Run: scripts/bench, or ``.venv/bin/python bench/bulk_status.py [--clients 2000]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from openmtd.sdk import (
    ApplicationRateLimiter,
    AsyncClient,
    Environment,
    RateLimit,
    bulk_itsa_status,
)

HERE = Path(__file__).resolve().parent
RATE_LIMIT = 50
SIZES = (2000, 10000)
REDIRECT_URI = "http://localhost:9999/callback"
STARTUP_TIMEOUT_S = 300.0

sys.path.insert(0, str(HERE))
from _bulk_server import AGENT_USER_ID, PASSWORD, nino  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def peak_rss_mb() -> float:
    """This process's peak RSS (Linux's VmHWM), else ru_maxrss."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Bearer(httpx.Auth):
    def __init__(self, token: str) -> None:
        self.token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.token}"
        yield request


class CountingTransport(httpx.AsyncBaseTransport):
    """The network, counting each request sent and each 429 answered."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.requests = 0
        self.throttled = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        response = await self._inner.handle_async_request(request)
        self.throttled += response.status_code == 429
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


@contextlib.contextmanager
def emulator(count: int) -> Iterator[str]:
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="openmtd-bulk-") as tmp:
        server = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "_bulk_server.py"),
                str(port),
                f"sqlite:///{tmp}/emulator.sqlite3",
                str(count),
            ],
            stdin=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT_S
            while True:
                if server.poll() is not None:
                    raise SystemExit(f"the emulator exited with {server.returncode}")
                try:
                    httpx.get(base + "/emulator/clock", timeout=2)
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline:
                        raise SystemExit("the emulator did not start") from None
                    time.sleep(0.2)
            yield base
        finally:
            server.terminate()
            server.wait(30)


def agent_token(base: str) -> str:
    """Register the agent's application (rate limit 50/s) and sign the agent in."""
    with httpx.Client(base_url=base, timeout=30) as http:
        created = http.post(
            "/emulator/applications",
            json={
                "name": "Bulk status bench",
                "redirectUris": [REDIRECT_URI],
                "rateLimitPerSecond": RATE_LIMIT,
            },
        )
        created.raise_for_status()
        application = created.json()
        granted = http.post(
            "/emulator/oauth/grant",
            json={
                "clientId": application["clientId"],
                "redirectUri": REDIRECT_URI,
                "scope": "read:self-assessment",
                "userId": AGENT_USER_ID,
                "password": PASSWORD,
            },
        )
        granted.raise_for_status()
        code = parse_qs(urlsplit(granted.json()["location"]).query)["code"][0]
        token = http.post(
            "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "client_id": application["clientId"],
                "client_secret": application["clientSecret"],
                "redirect_uri": REDIRECT_URI,
                "code": code,
            },
        )
        token.raise_for_status()
        access: str = token.json()["access_token"]
        return access


async def read_all(base: str, token: str, count: int) -> dict[str, Any]:
    transport = CountingTransport()
    errors = 0
    with ApplicationRateLimiter.in_memory(RateLimit(RATE_LIMIT)) as limiter:
        async with AsyncClient(
            Environment.emulator(base),
            auth=Bearer(token),
            rate_limiter=limiter,
            transport=transport,
        ) as client:
            started = time.perf_counter()
            ninos = (nino(index) for index in range(count))
            async with bulk_itsa_status(client, ninos) as results:
                async for result in results:
                    errors += not result.ok
            elapsed = time.perf_counter() - started
    achieved = transport.requests / elapsed
    return {
        "clients": count,
        "requests": transport.requests,
        "throttled": transport.throttled,
        "errors": errors,
        "rate_limit": RATE_LIMIT,
        "achieved_rate": round(achieved, 2),
        "ratio": round(achieved / RATE_LIMIT, 4),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def run_one(count: int) -> dict[str, Any]:
    with emulator(count) as base:
        token = agent_token(base)
        return asyncio.run(read_all(base, token, count))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, help="one size only (default: 2,000 and 10,000)")
    args = parser.parse_args()
    if args.clients is not None:
        print(json.dumps(run_one(args.clients)), flush=True)
        return
    runs = []
    for count in SIZES:
        # A fresh process per size: its peak RSS is that size's alone.
        child = subprocess.run(
            [sys.executable, __file__, "--clients", str(count)],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        line = child.stdout.strip().splitlines()[-1]
        print(line, flush=True)
        runs.append(json.loads(line))
    smallest, largest = runs[0], runs[-1]
    print(
        json.dumps(
            {
                **largest,
                "peak_rss_mb_smallest": smallest["peak_rss_mb"],
                "rss_growth": round(largest["peak_rss_mb"] / smallest["peak_rss_mb"], 4),
            }
        )
    )


if __name__ == "__main__":
    main()
