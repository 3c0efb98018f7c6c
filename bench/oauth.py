"""OAuth throughput, measured in one run, as ratios to a bare endpoint on the same server.

Starts the emulator (SQLite, one uvicorn worker) in a separate process with one extra route,
`/bench/baseline` (one indexed read and one write in the same database), then drives each
workload with the same client (CONCURRENCY threads, each a keep-alive httpx client) for
SECONDS seconds:

- baseline: GET /bench/baseline
- authorization-code grants: POST /emulator/oauth/grant (the headless journey, with the same
  checks as the browser) then POST /oauth/token (grant_type=authorization_code)
- refresh grants: POST /oauth/token (grant_type=refresh_token), each using the refresh token
  the previous one returned

Prints operations per second for each and the ratio of each grant workload to the baseline.
Target (issue: Emulator I): both ratios at least 0.5. Run: scripts/bench, or
`.venv/bin/python bench/oauth.py [--seconds 5] [--concurrency 4]`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

HERE = Path(__file__).resolve().parent
REDIRECT_URI = "http://localhost:9999/callback"
PASSWORD = "bench password 123"
BENCH_USER_ID = "900000000001"  # created by _emulator_server.py, no 2SV, confidence level 250


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/emulator/clock", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("the emulator did not start")


def run_for(
    seconds: float,
    concurrency: int,
    make_worker: Callable[[httpx.Client], Callable[[], None]],
    base: str,
) -> float:
    """Operations per second: each thread calls its worker in a loop until time is up."""
    counts = [0] * concurrency
    errors: list[BaseException] = []
    stop = time.monotonic() + seconds

    def loop(index: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            work = make_worker(client)
            try:
                while time.monotonic() < stop:
                    work()
                    counts[index] += 1
            except BaseException as error:
                errors.append(error)

    started = time.monotonic()
    threads = [threading.Thread(target=loop, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"a benchmark request failed: {errors[0]!r}")
    return sum(counts) / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        database = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        server = subprocess.Popen(
            [sys.executable, str(HERE / "_emulator_server.py"), str(port), database]
        )
        try:
            wait_until_up(base)
            app = httpx.post(
                base + "/emulator/applications",
                json={"name": "bench", "redirectUris": [REDIRECT_URI]},
            ).json()
            client_id, client_secret = app["clientId"], app["clientSecret"]
            user = BENCH_USER_ID

            def baseline(client: httpx.Client) -> Callable[[], None]:
                def work() -> None:
                    client.get(
                        "/bench/baseline", params={"client_id": client_id}
                    ).raise_for_status()

                return work

            def code_grant(client: httpx.Client) -> Callable[[], None]:
                def work() -> None:
                    exchange_code(client, client_id, client_secret, user)

                return work

            def refresh(client: httpx.Client) -> Callable[[], None]:
                tokens = {"refresh": exchange_code(client, client_id, client_secret, user)}

                def work() -> None:
                    answer = client.post(
                        "/oauth/token",
                        data={
                            "grant_type": "refresh_token",
                            "client_id": client_id,
                            "client_secret": client_secret,
                            "refresh_token": tokens["refresh"],
                        },
                    )
                    answer.raise_for_status()
                    tokens["refresh"] = answer.json()["refresh_token"]

                return work

            rates = {}
            for name, worker in (
                ("baseline", baseline),
                ("authorization-code grants", code_grant),
                ("refresh grants", refresh),
            ):
                run_for(min(1.0, args.seconds), args.concurrency, worker, base)  # warm up
                rates[name] = run_for(args.seconds, args.concurrency, worker, base)
        finally:
            server.terminate()
            server.wait(timeout=30)

    print(
        f"openmtd bench/oauth.py: SQLite, 1 worker, {args.concurrency} client threads, "
        f"{args.seconds:g} s each"
    )
    for name, rate in rates.items():
        print(f"  {name:28s} {rate:9.1f} per second")
    for name in ("authorization-code grants", "refresh grants"):
        ratio = rates[name] / rates["baseline"]
        verdict = "meets" if ratio >= 0.5 else "BELOW"
        print(f"  ratio {name:22s} {ratio:6.2f}  ({verdict} the 0.5 target)")


def exchange_code(client: httpx.Client, client_id: str, client_secret: str, user_id: str) -> str:
    granted = client.post(
        "/emulator/oauth/grant",
        json={
            "clientId": client_id,
            "redirectUri": REDIRECT_URI,
            "scope": "read:self-assessment",
            "state": "bench",
            "userId": user_id,
            "password": PASSWORD,
        },
    )
    granted.raise_for_status()
    code = parse_qs(urlsplit(granted.json()["location"]).query)["code"][0]
    tokens = client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uri": REDIRECT_URI,
            "code": code,
        },
    )
    tokens.raise_for_status()
    return str(tokens.json()["refresh_token"])


if __name__ == "__main__":
    main()
