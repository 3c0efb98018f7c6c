"""axe-core in a Playwright page: the accessibility checks of the end-to-end tests.

axe-core comes from npm, pinned exactly in tests/e2e/package.json and package-lock.json;
scripts/install runs `npm ci` there, so it lives in tests/e2e/node_modules (never committed).

- `axe_violations(page)`: injects axe.min.js into the page as it is now and runs `axe.run` on the
  whole document with the WCAG 2.1 A and AA rules (:data:`WCAG_21_AA`); returns the violations as
  axe reports them (dicts with `id`, `impact`, `help`, `helpUrl`, `nodes`, ...).
- `assert_no_axe_violations(page)`: fails with each violation written out (rule, impact, what
  to do and where to read more; each failing element's selector, its HTML, and axe's summary
  of what is wrong with it).

The script is evaluated through the DevTools protocol, as Playwright's `evaluate` does, so the
pages' Content-Security-Policy (no script at all) does not have to be loosened for the test.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

E2E = Path(__file__).resolve().parent.parent / "e2e"
AXE_SCRIPT = E2E / "node_modules" / "axe-core" / "axe.min.js"
#: The WCAG 2.0 and 2.1 success criteria at levels A and AA, as axe-core tags its rules.
WCAG_21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


@cache
def axe_source() -> str:
    """axe.min.js as installed by scripts/install; fails the test with what to do if it is not."""
    if not AXE_SCRIPT.is_file():
        pytest.fail(
            f"axe-core not found at {AXE_SCRIPT}: run scripts/install (it installs axe-core "
            "from npm with `npm ci` in tests/e2e, and needs Node.js and npm: on Debian, "
            "apt-get install nodejs npm)",
            pytrace=False,
        )
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page: Page, tags: tuple[str, ...] = WCAG_21_AA) -> list[dict[str, Any]]:
    """Run axe on the page as it is now; the violations of the rules tagged with ``tags``."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    violations: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const results = await window.axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return results.violations;
        }""",
        list(tags),
    )
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    """The violations written out for a person: rule, impact, what to do, and where."""
    lines: list[str] = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'no impact given'}): "
            f"{violation['help']}\n  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            # One selector per frame; a selector into a shadow root is itself a list.
            target = " >> ".join(
                " >>> ".join(part) if isinstance(part, list) else str(part)
                for part in node["target"]
            )
            lines.append(f"    at {target}")
            html = " ".join(str(node.get("html", "")).split())
            lines.append(f"      {html[:117] + '...' if len(html) > 120 else html}")
            summary = (node.get("failureSummary") or "").strip()
            lines.extend(f"      {line.strip()}" for line in summary.splitlines() if line.strip())
    return "\n".join(lines)


def assert_no_axe_violations(page: Page, tags: tuple[str, ...] = WCAG_21_AA) -> None:
    """Fail, listing each violation readably, if axe finds any on the page as it is now."""
    violations = axe_violations(page, tags)
    if violations:
        count = sum(len(violation["nodes"]) for violation in violations)
        pytest.fail(
            f"axe-core found {len(violations)} accessibility rule(s) broken at {count} "
            f"place(s) on {page.url} ({', '.join(tags)}):\n{describe(violations)}",
            pytrace=False,
        )
