"""`openmtd emulator serve` as a user starts it: a real process on a real port.

One worker on SQLite and two workers on PostgreSQL: each answers the control API over HTTP,
logs one line per request, and stops cleanly (exit status 0, no traceback) on Ctrl-C (SIGINT).
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from support import live_server
from support.live_server import free_port, serve_in_subprocess

pytestmark = pytest.mark.e2e

OPENMTD = str(Path(sys.executable).parent / "openmtd")
APPLICATION = {"name": "e2e", "redirectUris": ["http://localhost:9999/callback"]}
_REQUEST_LINE = re.compile(r"^\S+ \S+ (?:\[(\d+)\] )?(GET|POST) (/\S*) (\d{3}) [\d.]+ms$", re.M)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[Any]]:
    """Every process serve_in_subprocess starts, so a test can signal it itself (the helper
    keeps its process to itself); only the helper's use of subprocess is changed."""
    processes: list[subprocess.Popen[Any]] = []

    class Recording(subprocess.Popen[Any]):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            processes.append(self)

    class Subprocess:
        Popen = Recording

        def __getattr__(self, name: str) -> Any:
            return getattr(subprocess, name)

    monkeypatch.setattr(live_server, "subprocess", Subprocess())
    return processes


def interrupt(process: subprocess.Popen[Any]) -> int:
    """Ctrl-C: SIGINT, then the exit status."""
    process.send_signal(signal.SIGINT)
    return process.wait(timeout=20)


def request_lines(output: str) -> list[tuple[str | None, str, str, int]]:
    """(worker pid or None, method, path, status) of each request log line."""
    return [
        (pid or None, method, path, int(status))
        for pid, method, path, status in _REQUEST_LINE.findall(output)
    ]


def test_serve_one_worker_on_sqlite(
    tmp_path: Path, started: list[subprocess.Popen[Any]], capfd: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    database = f"sqlite:///{tmp_path / 'emulator.sqlite3'}"
    args = [OPENMTD, "emulator", "serve", "--port", str(port), "--database", database]
    ready = f"http://127.0.0.1:{port}/emulator/clock"
    with serve_in_subprocess(args, ready) as base_url:
        with httpx.Client(base_url=base_url, trust_env=False, timeout=10) as client:
            for number in range(3):
                response = client.post(
                    "/emulator/applications", json={**APPLICATION, "name": f"e2e {number}"}
                )
                assert response.status_code == 201
                assert len(response.json()["clientId"]) == 28
            bad = client.post("/emulator/applications", content=b"{")
            assert bad.status_code == 400
            page = client.get("/developer/applications", headers={"Accept": "text/html"})
            assert page.status_code == 200
            assert "e2e 2" in page.text
        [process] = started
        status = interrupt(process)
    out, err = capfd.readouterr()
    assert status == 0
    assert "Traceback" not in out + err
    assert "KeyboardInterrupt" not in out + err
    # (A request's line is written just after its answer, so a readiness probe's can come
    # late: leave those out.)
    lines = [line for line in request_lines(err) if line[2] != "/emulator/clock"]
    assert lines == [
        (None, "POST", "/emulator/applications", 201),
        (None, "POST", "/emulator/applications", 201),
        (None, "POST", "/emulator/applications", 201),
        (None, "POST", "/emulator/applications", 400),
        (None, "GET", "/developer/applications", 200),
    ]
    # Nothing secret reaches the log.
    assert "clientSecret" not in err
    assert "Finished server process" in err


def test_serve_prints_its_url(
    tmp_path: Path, started: list[subprocess.Popen[Any]], capfd: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    database = f"sqlite:///{tmp_path / 'emulator.sqlite3'}"
    args = [OPENMTD, "emulator", "serve", "--port", str(port), "--database", database]
    with serve_in_subprocess(args, f"http://127.0.0.1:{port}/emulator/clock"):
        assert interrupt(started[0]) == 0
    out, _ = capfd.readouterr()
    assert f"openmtd HMRC emulator: http://127.0.0.1:{port}/ (Ctrl-C to stop)" in out


def test_serve_without_the_control_api(
    tmp_path: Path, started: list[subprocess.Popen[Any]]
) -> None:
    port = free_port()
    database = f"sqlite:///{tmp_path / 'emulator.sqlite3'}"
    args = [OPENMTD, "emulator", "serve", "--port", str(port), "--database", database]
    with serve_in_subprocess([*args, "--no-control"], f"http://127.0.0.1:{port}/") as base_url:
        response = httpx.post(
            base_url + "/emulator/applications", json=APPLICATION, trust_env=False
        )
        assert response.status_code == 404
        assert response.json()["code"] == "MATCHING_RESOURCE_NOT_FOUND"
        assert interrupt(started[0]) == 0


def test_serve_two_workers_on_postgresql(
    postgres_database: str,
    started: list[subprocess.Popen[Any]],
    capfd: pytest.CaptureFixture[str],
) -> None:
    port = free_port()
    args = [
        OPENMTD,
        "emulator",
        "serve",
        "--port",
        str(port),
        "--workers",
        "2",
        "--database",
        postgres_database,
    ]
    log = ""
    with serve_in_subprocess(args, f"http://127.0.0.1:{port}/emulator/clock") as base_url:
        # Wait until both workers have started (the first may answer before the second is up).
        deadline = time.monotonic() + 20
        while log.count("Application startup complete.") < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
            log += "".join(capfd.readouterr())
        assert log.count("Application startup complete.") == 2

        # The clock is shared through the database: every worker sees the same time.
        with httpx.Client(base_url=base_url, trust_env=False, timeout=10) as client:
            moved = client.post("/emulator/clock", json={"now": "2027-04-06T12:00:00Z"})
            assert moved.status_code == 200

        def create(number: int) -> tuple[int, str]:
            # A new connection each time, so either worker may accept it.
            with httpx.Client(base_url=base_url, trust_env=False, timeout=10) as client:
                created = client.post(
                    "/emulator/applications", json={**APPLICATION, "name": f"w{number}"}
                )
                clock = client.get("/emulator/clock").json()["now"]
                return created.status_code, clock

        pids: set[str | None] = set()
        sent = 0
        with ThreadPoolExecutor(max_workers=8) as pool:
            while len(pids) < 2 and sent < 400:
                results = list(pool.map(create, range(sent, sent + 16)))
                sent += 16
                assert all(status == 201 for status, _ in results)
                assert all(now.startswith("2027-04-06T12:0") for _, now in results)
                log += "".join(capfd.readouterr())
                pids = {pid for pid, _, path, _ in request_lines(log) if path.startswith("/em")}
        assert len(pids) == 2, f"one worker served all {sent} requests"

        with httpx.Client(base_url=base_url, trust_env=False, timeout=10) as client:
            listing = client.get("/developer/applications", headers={"Accept": "text/html"})
            assert listing.text.count("<tr>") == sent + 1  # every worker wrote to one database
        status = interrupt(started[0])
    log += "".join(capfd.readouterr())
    assert status == 0
    assert "Traceback" not in log
    lines = request_lines(log)
    assert sum(1 for _, _, path, _ in lines if path == "/emulator/applications") == sent
    assert "Stopping parent process" in log


def test_openmtd_up_starts_the_system_on_its_embedded_default(
    tmp_path: Path, started: list[subprocess.Popen[Any]], capfd: pytest.CaptureFixture[str]
) -> None:
    port, app_port = free_port(), free_port()
    args = [
        OPENMTD, "up", "--port", str(port), "--app-port", str(app_port),
        "--data-dir", str(tmp_path / "data"),
    ]  # fmt: skip
    with serve_in_subprocess(args, f"http://127.0.0.1:{port}/") as base_url:
        printed = capfd.readouterr().out
        # The app beside it, at the address printed, its income check open to anyone.
        assert f"http://localhost:{app_port}/check-income" in printed
        check = httpx.get(f"http://localhost:{app_port}/check-income", trust_env=False)
        assert check.status_code == 200
        assert "Do I need Making Tax Digital?" in check.text
        home = httpx.get(base_url + "/", headers={"Accept": "text/html"}, trust_env=False)
        assert home.status_code == 200
        assert "openmtd-demo-ida" in home.text
        # The printed example reads Ida's status with the printed token.
        token = re.search(r"Authorization: Bearer ([0-9a-f]{32})", printed)
        url = re.search(r"curl -s (http://\S+/individuals/person/itsa-status/\S+) ", printed)
        assert token
        assert url
        status = httpx.get(
            url.group(1),
            headers={
                "Accept": "application/vnd.hmrc.2.0+json",
                "Authorization": f"Bearer {token.group(1)}",
            },
            trust_env=False,
        )
        assert status.status_code == 200, status.text
        assert status.json()["itsaStatuses"][0]["itsaStatusDetails"][0]["status"] == (
            "MTD Mandated"
        )
        assert interrupt(started[-1]) == 0
    # Ctrl-C stopped the app too.
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{app_port}/", trust_env=False)
    output = capfd.readouterr()
    assert f"http://127.0.0.1:{port}/gg/create-account" in printed
    assert "900000000001 / openmtd-demo-ida" in printed
    assert "client_secret" in printed
    assert (tmp_path / "data" / "emulator.sqlite3").exists()
    assert "Traceback" not in output.err

    # A second start finds the same world and prints a fresh secret and token.
    port = free_port()
    args = [
        OPENMTD, "up", "--port", str(port), "--app-port", str(free_port()),
        "--data-dir", str(tmp_path / "data"),
    ]  # fmt: skip
    with serve_in_subprocess(args, f"http://127.0.0.1:{port}/"):
        again = capfd.readouterr().out
        assert interrupt(started[-1]) == 0
    assert "900000000001 / openmtd-demo-ida" in again
    first_id = re.search(r"client_id +(\S+)", printed)
    second_id = re.search(r"client_id +(\S+)", again)
    assert first_id
    assert second_id
    assert first_id.group(1) == second_id.group(1)
