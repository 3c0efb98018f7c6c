"""docs/sdk.md works as written: every ```python block, in order and in one namespace, against
a real emulator server on 127.0.0.1 (the docs' http://127.0.0.1:8100 replaced by its URL), in
a fresh working directory. Blocks that need a browser or a vendor's own server say so
(```python no-run) and are only checked to compile; README links the guide."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openmtd.emulator.settings import EmulatorSettings, sqlite_url
from openmtd.emulator.web.app import create_app
from support.emulator import FAST_HASHING
from support.live_server import serve_in_thread

ROOT = Path(__file__).parents[2]
DOCS = ROOT / "docs" / "sdk.md"
DOCS_URL = "http://127.0.0.1:8100"
_BLOCK = re.compile(r"^```python( no-run)?\n(.*?)^```$", re.M | re.S)


def blocks() -> list[tuple[bool, str, int]]:
    """(runs, code, line) for each Python block of the guide."""
    text = DOCS.read_text(encoding="utf-8")
    return [
        (match.group(1) is None, match.group(2), text.count("\n", 0, match.start()) + 1)
        for match in _BLOCK.finditer(text)
    ]


@pytest.fixture
def live(tmp_path: Path) -> Iterator[str]:
    settings = EmulatorSettings(
        database_url=sqlite_url(tmp_path / "emulator.sqlite3"), password_hashing=FAST_HASHING
    )
    app = create_app(settings)
    try:
        with serve_in_thread(app) as url:
            yield url
    finally:
        app.state.services.store.close()


def test_the_guide_has_runnable_blocks_and_every_block_compiles() -> None:
    found = blocks()
    assert sum(runs for runs, _, _ in found) >= 5
    for _, code, line in found:
        compile(code, f"docs/sdk.md:{line}", "exec")


def test_every_python_block_runs_against_a_live_emulator(
    live: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "vendor"
    work.mkdir()
    monkeypatch.chdir(work)
    namespace: dict[str, Any] = {"__name__": "sdk_docs"}
    for runs, code, line in blocks():
        if runs:
            exec(compile(code.replace(DOCS_URL, live), f"docs/sdk.md:{line}", "exec"), namespace)
    printed = capsys.readouterr().out
    assert "MTD Voluntary" in printed
    assert "CLIENT_OR_AGENT_NOT_AUTHORISED" in printed


def test_readme_links_the_guide_and_calls_the_sdk_available() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `openmtd.sdk`"))
    assert "(docs/sdk.md)" in row
    assert row.rstrip().endswith("| available |")
