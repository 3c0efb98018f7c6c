"""``openmtd emulator serve`` as a separate process, as an operator runs it, for tests that
kill it, restart its database or watch its memory.

:class:`Emulator` starts it in its own process group (so SIGKILL reaches every worker), waits
until it answers, and keeps its stderr for the test to read.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from support.live_server import free_port

OPENMTD = str(Path(sys.executable).parent / "openmtd")
STARTUP_S = 30.0


class Emulator:
    """``openmtd emulator serve`` in its own process group, so SIGKILL reaches every process."""

    def __init__(self, database: str, *, workers: int = 1, port: int | None = None) -> None:
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        args = [OPENMTD, "emulator", "serve", "--port", str(self.port)]
        args += ["--workers", str(workers), "--database", database]
        self.process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self._stderr: list[bytes] = []
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader.start()
        self._wait_until_answering()

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._stderr.append(line)

    @property
    def log(self) -> str:
        return b"".join(self._stderr).decode(errors="replace")

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + STARTUP_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the emulator exited with {self.process.returncode}:\n{self.log}")
            try:
                with httpx.Client(trust_env=False, timeout=2) as client:
                    if client.get(f"{self.base_url}/emulator/clock").status_code == 200:
                        return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.kill()
        pytest.fail(f"the emulator did not answer in {STARTUP_S}s:\n{self.log}")

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown handler runs."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._close()

    def _close(self) -> None:
        self._reader.join(timeout=10)
        if self.process.stderr is not None:
            self.process.stderr.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close()

    def client(self, timeout: float = 10) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, trust_env=False, timeout=timeout)

    def rss_bytes(self) -> int:
        """The resident memory of the server process (one worker: the process itself)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise AssertionError("no VmRSS in /proc status")
