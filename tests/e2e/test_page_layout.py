"""How the home and create-account pages lay out in a real Chromium, at a phone's width and wider.

- The home page's paths and headers break between segments, never inside a word
  (`/emulator/cl` + `ock`), and nothing is wider than the screen.
- Create your sign in details follows the GOV.UK Design System: the date of birth is Day, Month
  and Year side by side (widths 2, 2 and 4), and each radio is a 40px circle inside a 44px
  target, selected by a click on it or on its label.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from openmtd.emulator import demo
from openmtd.emulator.security import PasswordHasher
from openmtd.emulator.settings import EmulatorSettings, sqlite_url
from openmtd.emulator.web.app import create_app
from support.emulator import FAST_HASHING
from support.live_server import serve_in_thread

WIDTHS = [320, 375, 768, 1280]

# Every place, in the code elements of the page, where a line ends between two letters or digits.
_BREAKS_INSIDE_WORDS = """
() => {
  const found = [];
  for (const code of document.querySelectorAll("main code")) {
    const chars = [];
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rects = range.getClientRects();
        if (rects.length) chars.push([node.data[i], rects[0].top]);
      }
    }
    for (let i = 1; i < chars.length; i++) {
      const [before, top] = chars[i - 1];
      const [after, nextTop] = chars[i];
      if (nextTop > top + 1 && /[A-Za-z0-9]/.test(before) && /[A-Za-z0-9]/.test(after)) {
        found.push(`${code.textContent}: ${before} | ${after}`);
      }
    }
  }
  return found;
}
"""


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[str]:
    """The emulator as `openmtd up` serves it: demo people, control API on."""
    settings = EmulatorSettings(
        database_url=sqlite_url(tmp_path / "emulator.sqlite3"), password_hashing=FAST_HASHING
    )
    app = create_app(settings)
    services = app.state.services
    with services.store.transaction() as tx:
        demo.seed(tx, PasswordHasher(FAST_HASHING), services.clock.now_in(tx))
    try:
        with serve_in_thread(app) as base_url:
            yield base_url
    finally:
        services.store.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_home_page_paths_never_break_inside_a_word(page: Page, emulator: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{emulator}/")
    assert page.locator("main code").count() > 15
    # The break opportunities (<wbr>) leave the text as it was.
    assert page.locator("code", has_text="GET|POST /emulator/clock").count() == 1
    assert page.evaluate(_BREAKS_INSIDE_WORDS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _box(page: Page, selector: str) -> dict[str, float]:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box


@pytest.mark.parametrize("width", WIDTHS)
def test_date_of_birth_is_day_month_year_side_by_side(
    page: Page, emulator: str, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{emulator}/gg/create-account")
    day, month, year = (
        _box(page, selector)
        for selector in ("#date_of_birth", "#date_of_birth-month", "#date_of_birth-year")
    )
    assert day["y"] == month["y"] == year["y"]
    assert day["x"] + day["width"] < month["x"] < month["x"] + month["width"] < year["x"]
    assert day["width"] == month["width"] < year["width"] < 2 * day["width"]
    assert day["height"] == 40
    # Each label sits above its own input.
    for field, label in (("#date_of_birth", "Day"), ("#date_of_birth-year", "Year")):
        label_box = _box(page, f"label[for={field.lstrip('#')}]")
        assert page.inner_text(f"label[for={field.lstrip('#')}]") == label
        assert label_box["y"] + label_box["height"] <= _box(page, field)["y"]
        assert abs(label_box["x"] - _box(page, field)["x"]) < 1
    # Typing a date still fills the fields the form reads.
    page.fill("#date_of_birth", "27")
    page.fill("#date_of_birth-month", "3")
    page.fill("#date_of_birth-year", "1985")
    assert page.input_value("input[name=dob_year]") == "1985"


@pytest.mark.parametrize("width", [320, 1280])
def test_radios_are_large_targets_that_their_labels_select(
    page: Page, emulator: str, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{emulator}/gg/create-account")
    radios = page.locator("input[type=radio]")
    assert radios.count() == 3 + 3 + 2  # account type, confidence level, credential role
    for index in range(radios.count()):
        box = radios.nth(index).bounding_box()
        assert box is not None
        assert box["width"] >= 40
        assert box["height"] >= 40
    circle = page.evaluate(
        "() => { const s = getComputedStyle(document.querySelector("
        "'label[for=affinity_group]'), '::before'); return [s.width, s.height, s.borderRadius]; }"
    )
    assert circle == ["40px", "40px", "50%"]
    page.click("label[for=affinity_group-Organisation]")
    assert page.is_checked("#affinity_group-Organisation")
    page.click("#affinity_group")
    assert page.is_checked("#affinity_group")
    assert not page.is_checked("#affinity_group-Organisation")
    # Each choice's hint belongs to it, for screen readers.
    hint = page.get_attribute("#affinity_group-Organisation", "aria-describedby")
    assert hint is not None
    assert "company" in page.inner_text(f"#{hint}")
