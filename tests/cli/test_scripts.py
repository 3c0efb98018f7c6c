"""scripts/up and scripts/install say what is true, and only where it matters.

The scripts run for real (bash), against a stand-in virtual environment (`OPENMTD_VENV`) whose
`python` does nothing and whose `openmtd` prints its arguments: nothing is installed or served.
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def venv(tmp_path: Path) -> Path:
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name, body in (("python", "exit 0"), ("openmtd", 'echo "openmtd $*"')):
        script = bin_dir / name
        script.write_text(f"#!/bin/sh\n{body}\n")
        script.chmod(0o755)
    return bin_dir.parent


def run(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / "scripts" / script), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_up_says_nothing_about_the_tests_or_system_packages(venv: Path) -> None:
    result = run("up", "--port", "8123", env={"OPENMTD_VENV": str(venv)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "openmtd up --port 8123"
    said = result.stdout + result.stderr
    assert "tests" not in said
    assert "system packages" not in said


def test_install_without_system_packages_says_which_tests_cannot_run_only_if_true(
    venv: Path, tmp_path: Path
) -> None:
    # A dpkg-query that knows no package: fonts-liberation is missing, whatever the machine.
    fake_bin = tmp_path / "fake-bin"
    fake_bin.mkdir()
    (fake_bin / "dpkg-query").write_text("#!/bin/sh\nexit 1\n")
    (fake_bin / "dpkg-query").chmod(0o755)
    env = {
        "OPENMTD_VENV": str(venv),
        "OPENMTD_SKIP_SYSTEM_PACKAGES": "1",
        "PATH": f"{fake_bin}:{os.environ['PATH']}",
    }
    result = run("install", env=env)
    assert result.returncode == 0, result.stderr
    missing = [
        *([] if os.access("/usr/bin/chromium", os.X_OK) else ["chromium"]),
        "fonts-liberation",
        *([] if _have_pg_server() else ["postgresql"]),
        *([] if os.access("/usr/bin/redis-server", os.X_OK) else ["redis-server"]),
    ]
    markers = [
        *(["postgres"] if "postgresql" in missing else []),
        *(["redis"] if "redis-server" in missing else []),
        "e2e",
    ]
    assert (
        f"system packages: skipped (OPENMTD_SKIP_SYSTEM_PACKAGES=1); {' '.join(missing)} "
        f"missing, so the {' and '.join(markers)} tests will fail (scripts/test -m "
        f'"not {" and not ".join(markers)}" leaves them out)'
    ) in result.stdout


# It needs what the postgres, redis and e2e tests need, so it runs (and is left out) with them.
@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.e2e
def test_install_without_system_packages_that_are_all_there_warns_of_nothing(venv: Path) -> None:
    if not (
        os.access("/usr/bin/chromium", os.X_OK)
        and os.access("/usr/bin/redis-server", os.X_OK)
        and _have_pg_server()
        and _have_fonts()
    ):
        pytest.fail("needs chromium, fonts-liberation, PostgreSQL and Redis: run scripts/install")
    result = run("install", env={"OPENMTD_VENV": str(venv), "OPENMTD_SKIP_SYSTEM_PACKAGES": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].endswith(
        "system packages: skipped (OPENMTD_SKIP_SYSTEM_PACKAGES=1); chromium, fonts-liberation, "
        "PostgreSQL and Redis server binaries already present\x1b[0m"
    )
    assert "will fail" not in result.stdout + result.stderr


def _have_fonts() -> bool:
    """As scripts/install decides it."""
    found = subprocess.run(
        ["dpkg-query", "-W", "-f=${db:Status-Status}", "fonts-liberation"],
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.strip() == "installed"


def _have_pg_server() -> bool:
    """As scripts/install decides it."""
    return any(
        all(os.access(f"{bin_dir}/{tool}", os.X_OK) for tool in ("initdb", "pg_ctl", "postgres"))
        for bin_dir in glob.glob("/usr/lib/postgresql/*/bin")
    )


# --- scripts/test's coverage step -------------------------------------------------------------


def _coverage_step() -> str:
    """The Python that scripts/test runs after the tests (its heredoc)."""
    text = (ROOT / "scripts" / "test").read_text()
    return text.split("<<'PYTHON'\n", 1)[1].split("\nPYTHON\n", 1)[0]


def _measure(project: Path, emulator_calls: str) -> None:
    """Lay out a tiny src/openmtd (rules, emulator) and record its coverage, as the tests do."""
    for package, code in (
        ("", ""),
        ("rules", "def f(x):\n    if x:\n        return 1\n    return 2\n"),
        ("emulator", "def g(x):\n    if x:\n        return 1\n    return 2\n"),
    ):
        folder = project / "src" / "openmtd" / package
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "__init__.py").write_text(code)
    (project / "drive.py").write_text(
        f"from openmtd import emulator, rules\nrules.f(True)\nrules.f(False)\n{emulator_calls}\n"
    )
    subprocess.run(
        [sys.executable, "-m", "coverage", "run", "--branch", "--source=openmtd", "drive.py"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project / "src")},
        check=True,
        timeout=60,
    )


def test_the_coverage_step_prints_every_package_and_fails_below_a_floor(tmp_path: Path) -> None:
    _measure(tmp_path, "emulator.g(True)")
    result = subprocess.run(
        [sys.executable, "-"], input=_coverage_step(), cwd=tmp_path, capture_output=True,
        text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "  openmtd.emulator     66.67%",
        "  openmtd.rules       100.00%  floor 100%",
        "  openmtd (all)        83.33%  floor 98%  BELOW THE FLOOR",
    ]
    assert "openmtd (all): what is not covered" in result.stdout
    assert "src/openmtd/emulator/__init__.py" in result.stdout


def test_the_coverage_step_passes_when_every_floor_is_met(tmp_path: Path) -> None:
    _measure(tmp_path, "emulator.g(True)\nemulator.g(False)")
    result = subprocess.run(
        [sys.executable, "-"], input=_coverage_step(), cwd=tmp_path, capture_output=True,
        text=True, timeout=60, check=False,
    )  # fmt: skip
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "  openmtd.emulator    100.00%",
        "  openmtd.rules       100.00%  floor 100%",
        "  openmtd (all)       100.00%  floor 98%",
    ]
