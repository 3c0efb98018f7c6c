"""Two worker processes on one PostgreSQL database hold HMRC's platform rules together.

``openmtd emulator serve --workers 2 --database <postgresql>`` as a user starts it, then:

- **the rate limit holds across workers**: an application registered with a rate limit of 3
  requests a second sends bursts of 12 concurrent requests (new connections, so both workers
  answer; the server log's ``[pid]`` says which did). In each real second (the gateway's
  window) at most 3 succeed and the rest are 429 ``MESSAGE_THROTTLED_OUT``; a burst that falls
  in one second has exactly 3 successes. Each request's second is known from when it was sent
  and answered, so a burst that straddles a second boundary is judged per second.
- **token revocation holds across workers**: a Create Test User individual grants authority
  (``/emulator/oauth/grant``), the token is refreshed (which revokes the previous access
  token), and then every worker answers 401 ``INVALID_CREDENTIALS`` for the old token while
  the new one works on both.
"""

from __future__ import annotations

import math
import re
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from support.live_server import free_port, serve_in_subprocess

pytestmark = pytest.mark.e2e

OPENMTD = str(Path(sys.executable).parent / "openmtd")
REDIRECT_URI = "http://localhost:9999/callback"
VALIDATE = "/test/fraud-prevention-headers/validate"
ACCEPT = "application/vnd.hmrc.1.0+json"
RATE_LIMIT = 3
BURST = 12
MAX_BURSTS = 6
THROTTLED = {
    "code": "MESSAGE_THROTTLED_OUT",
    "message": "The request for the API is throttled as you have exceeded your quota.",
}
INVALID_CREDENTIALS = {
    "code": "INVALID_CREDENTIALS",
    "message": "Invalid Authentication information provided",
}
_REQUEST_LINE = re.compile(r"^\S+ \S+ \[(\d+)\] (GET|POST) (/\S*) (\d{3}) [\d.]+ms$", re.M)


@dataclass(frozen=True)
class Sent:
    """One request of a burst: when it left and came back (real time) and its answer."""

    sent: float
    answered: float
    status: int
    body: dict[str, object]

    @property
    def window(self) -> int | None:
        """The gateway's rate-limit window (the real second) it was counted in, when certain."""
        first, last = math.floor(self.sent), math.floor(self.answered)
        return first if first == last else None


class Log:
    """The server's stderr as the test reads it, and its request lines (pid, method, path,
    status)."""

    def __init__(self, capfd: pytest.CaptureFixture[str]) -> None:
        self.capfd = capfd
        self.text = ""

    def read(self) -> str:
        self.text += "".join(self.capfd.readouterr())
        return self.text

    def lines(self) -> list[tuple[str, str, str, int]]:
        self.read()
        return [(p, m, path, int(s)) for p, m, path, s in _REQUEST_LINE.findall(self.text)]

    def wait_for(self, predicate: Callable[[], bool], what: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"the server log never showed {what}:\n{self.text}")
            time.sleep(0.05)


def fresh_get(base_url: str, path: str, token: str) -> Sent:
    """A GET on a new connection (so either worker may take it)."""
    headers = {"Accept": ACCEPT, "Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, trust_env=False, timeout=10) as client:
        sent = time.time()
        response = client.get(path, headers=headers)
        answered = time.time()
    return Sent(sent, answered, response.status_code, response.json())


def wait_for_second_start(after: float = 0.02, before: float = 0.25) -> None:
    """Sleep until just after a real second begins, so a burst fits in one window."""
    while not after <= time.time() % 1 <= before:
        time.sleep(0.005)


def register(client: httpx.Client, name: str, rate_limit: int) -> dict[str, str]:
    created = client.post(
        "/emulator/applications",
        json={"name": name, "redirectUris": [REDIRECT_URI], "rateLimitPerSecond": rate_limit},
    )
    assert created.status_code == 201, created.text
    body: dict[str, str] = created.json()
    return body


def application_token(client: httpx.Client, application: dict[str, str]) -> str:
    answer = client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": application["clientId"],
            "client_secret": application["clientSecret"],
        },
    )
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


def check_burst(burst: list[Sent]) -> None:
    """At most RATE_LIMIT successes per real second; everything else throttled."""
    for one in burst:
        assert one.status in (200, 429), one
        if one.status == 429:
            assert one.body == THROTTLED
    succeeded = [one for one in burst if one.status == 200]
    windows = {math.floor(t) for one in burst for t in (one.sent, one.answered)}
    # Each success counted in a second no more than RATE_LIMIT others were.
    for window in windows:
        certain = [one for one in succeeded if one.window == window]
        assert len(certain) <= RATE_LIMIT, f"{len(certain)} succeeded in second {window}"
    assert len(succeeded) <= RATE_LIMIT * len(windows)
    if len(windows) == 1:
        assert len(succeeded) == RATE_LIMIT
    assert any(one.status == 429 for one in burst)


def test_two_workers_share_the_rate_limit_and_revocations(
    postgres_database: str, capfd: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    args = [OPENMTD, "emulator", "serve", "--port", str(port), "--workers", "2"]
    args += ["--database", postgres_database]
    log = Log(capfd)
    with serve_in_subprocess(args, f"http://127.0.0.1:{port}/emulator/clock") as base_url:
        log.wait_for(lambda: log.read().count("Application startup complete.") == 2, "two workers")
        with httpx.Client(base_url=base_url, trust_env=False, timeout=10) as client:
            throttled_app = register(client, "rate limited", RATE_LIMIT)
            token = application_token(client, throttled_app)

            # (a) The rate limit: bursts until both workers answered one.
            both_answered = False
            with ThreadPoolExecutor(max_workers=BURST) as pool:
                for _ in range(MAX_BURSTS):
                    seen = len([line for line in log.lines() if line[2] == VALIDATE])
                    wait_for_second_start()
                    burst = list(
                        pool.map(lambda _: fresh_get(base_url, VALIDATE, token), range(BURST))
                    )
                    check_burst(burst)
                    log.wait_for(
                        lambda seen=seen: (
                            len([x for x in log.lines() if x[2] == VALIDATE]) == seen + BURST
                        ),
                        "the burst's request lines",
                    )
                    lines = [x for x in log.lines() if x[2] == VALIDATE][seen:]
                    answered_by = {pid for pid, *_ in lines}
                    assert sorted(s for *_, s in lines) == sorted(one.status for one in burst)
                    if len(answered_by) == 2:
                        both_answered = True
                        break
                    time.sleep(1)  # the next burst in a new second
            assert both_answered, f"one worker took every request of {MAX_BURSTS} bursts"

            # (b) Revocation: a user's token, refreshed, then refused by every worker.
            open_app = register(client, "not rate limited", 1000)
            app_token = application_token(client, open_app)
            user = client.post(
                "/create-test-user/individuals",
                headers={"Accept": ACCEPT, "Authorization": f"Bearer {app_token}"},
                json={"serviceNames": ["national-insurance", "mtd-income-tax"]},
            )
            assert user.status_code == 201, user.text
            grant = client.post(
                "/emulator/oauth/grant",
                json={
                    "clientId": open_app["clientId"],
                    "redirectUri": REDIRECT_URI,
                    "scope": "read:self-assessment",
                    "userId": user.json()["userId"],
                    "password": user.json()["password"],
                },
            )
            assert grant.status_code == 200, grant.text
            code = parse_qs(urlsplit(grant.json()["location"]).query)["code"][0]
            credentials = {
                "client_id": open_app["clientId"],
                "client_secret": open_app["clientSecret"],
            }
            first = client.post(
                "/oauth/token",
                data={
                    "grant_type": "authorization_code",
                    "redirect_uri": REDIRECT_URI,
                    "code": code,
                    **credentials,
                },
            ).json()
            old_token = first["access_token"]
            assert fresh_get(base_url, VALIDATE, old_token).status == 200
            refreshed = client.post(
                "/oauth/token",
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": first["refresh_token"],
                    **credentials,
                },
            )
            assert refreshed.status_code == 200, refreshed.text
            new_token = refreshed.json()["access_token"]

        for token_, expected in ((old_token, 401), (new_token, 200)):
            seen = len(log.lines())
            pids: set[str] = set()
            sent = 0
            with ThreadPoolExecutor(max_workers=8) as pool:
                while len(pids) < 2 and sent < 160:
                    answers = list(
                        pool.map(lambda _, t=token_: fresh_get(base_url, VALIDATE, t), range(8))
                    )
                    sent += 8
                    for answer in answers:
                        assert answer.status == expected, answer
                        if expected == 401:
                            assert answer.body == INVALID_CREDENTIALS
                    log.wait_for(
                        lambda s=seen, n=sent: (
                            len([x for x in log.lines()[s:] if x[2] == VALIDATE]) >= n
                        ),
                        "the request lines",
                    )
                    pids = {
                        pid
                        for pid, _, path, status in log.lines()[seen:]
                        if path == VALIDATE and status == expected
                    }
            assert len(pids) == 2, f"one worker took all {sent} requests"
    log.read()
    assert "Traceback" not in log.text
