"""The repository carries everything it needs: no tracked file may point outside it.

A person who clones openmtd has only the repository. The team's reference notes live in a
folder beside the checkout, so a path into that folder in code, tests, scripts or docs works on
a developer's machine and breaks on a fresh clone (issue 7: the conformance tests once read
HMRC's OpenAPI files from there). HMRC's files are vendored in tests/conformance/hmrc-oas.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Spelled in pieces so that this file does not match itself.
FORBIDDEN = ("../" + "shared", "/work/" + "shared", "shared/" + "reference")

# Folders that are never part of the project, when there is no git to list tracked files.
UNTRACKED_DIRS = {".git", ".venv", "data", "build", "dist", "node_modules", "htmlcov"}


def tracked_files() -> list[Path]:
    """Every file git tracks (or, outside a git checkout, every project file on disk)."""
    git = shutil.which("git")
    if git is not None and (ROOT / ".git").exists():
        listed = subprocess.run(
            [git, "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout.decode("utf-8", "surrogateescape")
        return [ROOT / name for name in listed.split("\0") if name]
    return [
        path
        for path in ROOT.rglob("*")
        if path.is_file()
        and not UNTRACKED_DIRS.intersection(path.relative_to(ROOT).parts)
        and not any(part.startswith(".") and part != ".ci" for part in path.relative_to(ROOT).parts)
    ]


def test_the_listing_sees_the_project() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in tracked_files()}
    assert {"README.md", "scripts/test", "tests/conformance/hmrc-oas/README.md"} <= names


def test_no_tracked_file_refers_outside_the_repository() -> None:
    offenders = []
    for path in tracked_files():
        if not path.is_file():  # deleted in the work tree but still tracked
            continue
        text = path.read_bytes().decode("utf-8", "replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if any(needle in line for needle in FORBIDDEN):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    if offenders:
        pytest.fail(
            "these lines refer to a folder outside the repository, which a fresh clone does "
            "not have:\n" + "\n".join(offenders)
        )


def test_hmrc_files_are_vendored_with_their_licence() -> None:
    readme = (ROOT / "tests/conformance/hmrc-oas/README.md").read_text(encoding="utf-8")
    assert "Apache License, Version 2.0" in readme
    folders = sorted(p.name for p in (ROOT / "tests/conformance/hmrc-oas").iterdir() if p.is_dir())
    assert folders, "no HMRC OpenAPI folders vendored"
    for folder in folders:
        assert f"`{folder}`" in readme, f"{folder} has no row in hmrc-oas/README.md"


def test_test_modules_have_unique_names() -> None:
    """pytest imports test modules by basename (rootdir mode): two alike break collection."""
    seen: dict[str, str] = {}
    clashes = []
    for path in tracked_files():
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("tests/") and path.name.startswith("test_") and path.suffix == ".py":
            if path.name in seen:
                clashes.append(f"{seen[path.name]} and {relative}")
            seen[path.name] = relative
    assert clashes == []
