""" "Do I need MTD?" in process: no sign-in needed, one year's figures checked against the
thresholds, every refusal a message against its field, the answer with HMRC's sign-up link,
nothing kept."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from sqlalchemy import text

from support.app import AppWorld
from support.app_connect import form_token, person


def _words(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _check(world: AppWorld, **figures: str) -> Any:
    browser = world.new_client()
    form = browser.get("/check-income")
    assert form.status_code == 200
    data = {"csrf_token": form_token(form.text, "/check-income"), **figures}
    return browser.post("/check-income", data=data)


def test_the_form_offers_the_years_whose_returns_decide_mtd(app_world: AppWorld) -> None:
    page = app_world.new_client().get("/check-income")
    assert page.status_code == 200
    assert "<h1>Do I need Making Tax Digital?</h1>" in page.text
    years = re.findall(r'name="year" value="([^"]+)"', page.text)
    assert years == ["2024-25", "2025-26", "2026-27"]  # the clock is on 26 November 2026
    assert re.search(r'value="2025-26" checked', page.text)  # the latest return due
    words = _words(page.text)
    assert "From 6 April 2027: qualifying income over £30,000 on the return for" in words


def test_a_sole_trader_over_the_threshold_must_use_it(app_world: AppWorld) -> None:
    answer = _check(app_world, year="2024-25", turnover="£62,000", employment="30000")
    assert answer.status_code == 200
    words = _words(answer.text)
    assert "You must use Making Tax Digital for Income Tax from 6 April 2026" in words
    assert "£62,000, is over the £50,000 threshold" in words
    assert "£30,000 you entered does not count" in words
    assert 'href="http://emulator.test/signup">Sign up with HMRC' in answer.text
    assert 'value="£62,000"' in answer.text  # the figures stay in the form


def test_a_joint_landlord_counts_only_their_share(app_world: AppWorld) -> None:
    answer = _check(app_world, year="2025-26", uk_property="70000", uk_share="50%")
    words = _words(answer.text)
    assert "You must use Making Tax Digital for Income Tax from 6 April 2027" in words
    assert "only your share counts: £35,000 of £70,000" in words


def test_under_the_threshold_now_is_told_when_it_would_apply(app_world: AppWorld) -> None:
    words = _words(_check(app_world, year="2024-25", turnover="35000").text)
    assert "probably will from 6 April 2027" in words


def test_partnership_income_alone_does_not_bring_anyone_in(app_world: AppWorld) -> None:
    answer = _check(app_world, year="2025-26", partnership="90000")
    words = _words(answer.text)
    assert "does not apply to this income" in words
    assert "Partnership income is never sent through" in words
    assert "Sign up with HMRC" not in words


@pytest.mark.parametrize(
    ("figures", "field", "message"),
    [
        ({"turnover": "12.345"}, "turnover", "Self-employment turnover has more than two decimal"),
        ({"turnover": "１２０００"}, "turnover", "Self-employment turnover is not an amount"),
        ({"uk_property": "-5"}, "uk_property", "UK property income is negative"),
        ({"uk_share": "150"}, "uk_share", "must be between 0 and 100%"),
        ({"foreign_share": "0.5"}, "foreign_share", "is less than 1%: give it as a percentage"),
        ({"dividends": "9" * 5000}, "dividends", "Dividends is not an amount of money"),
        ({"year": "2019-20"}, "year", "Choose the tax year your figures are for"),
        ({"year": ""}, "year", "Choose the tax year your figures are for"),
        ({"savings": "1\x00"}, "savings", "must not contain control characters"),
    ],
)
def test_each_refusal_is_a_message_against_its_field(
    app_world: AppWorld, figures: dict[str, str], field: str, message: str
) -> None:
    answer = _check(app_world, **{"year": "2025-26", **figures})
    assert answer.status_code == 400
    assert f'href="#{field}"' in answer.text  # the error summary links to the field
    assert message in html.unescape(answer.text)
    assert "<title>Error:" in answer.text


def test_without_the_csrf_token_nothing_is_checked(app_world: AppWorld) -> None:
    answer = app_world.new_client().post("/check-income", data={"year": "2025-26"})
    assert answer.status_code == 403


def test_a_signed_in_person_is_offered_to_connect_and_nothing_is_kept(
    app_world: AppWorld,
) -> None:
    p = person(app_world)
    form = p.browser.get("/check-income")
    answer = p.browser.post(
        "/check-income",
        data={
            "csrf_token": form_token(form.text, "/check-income"),
            "year": "2025-26",
            "turnover": "987654",
        },
    )
    assert 'href="/connect">Connect to HMRC' in answer.text
    with app_world.store.engine.connect() as connection:
        for (table,) in connection.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'table'")
        ):
            rows = connection.execute(text(f'SELECT * FROM "{table}"')).fetchall()
            assert "987654" not in repr(rows), table
