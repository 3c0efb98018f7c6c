"""HMRC lets software read the ITSA status but not show it. For every combination of the
statuses of the previous, current and next tax years (none held included), signed up or not,
the dashboard's body, the CLI's `openmtd status` text and the JSON both share carry no raw
status value or reason."""

from __future__ import annotations

import itertools
import json
import re
from datetime import date
from io import StringIO

from rich.console import Console

from openmtd.app.services.position import ObligationRow, Position
from openmtd.app.web.routes.dashboard import position_values
from openmtd.cli.taxpayer import print_guidance
from openmtd.rules.guidance import guidance
from openmtd.rules.itsa_status import ItsaStatus, ObligationKind, StatusReason, obligations_for
from openmtd.rules.tax_year import TaxYear
from support.app import AppWorld

TODAY = date(2026, 11, 26)
STATUSES: list[ItsaStatus | None] = [None, *ItsaStatus]
RAW_WORDS = [member.value for member in ItsaStatus] + [member.value for member in StatusReason]


def _rows(current: ItsaStatus | None) -> tuple[ObligationRow, ...]:
    """One open quarterly update and the final declaration, penalty-bearing as the rules say."""
    year = TaxYear.containing(TODAY)
    penalties = {
        o.kind: o.penalty_bearing for o in obligations_for(current or ItsaStatus.NO_STATUS, year)
    }
    if ObligationKind.QUARTERLY_UPDATES not in penalties:
        return ()
    return (
        ObligationRow(
            "Quarterly update (self-employment)", date(2026, 10, 6), date(2027, 1, 5),
            date(2027, 2, 7), False, False, None, penalties[ObligationKind.QUARTERLY_UPDATES],
        ),
        ObligationRow(
            "Final declaration", year.start, year.end, date(2028, 1, 31), False, False, None,
            penalties[ObligationKind.FINAL_DECLARATION], "final-declaration",
        ),
    )  # fmt: skip


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))


def test_no_combination_shows_a_raw_status(app_world: AppWorld) -> None:
    body = app_world.app.state.templates.env.get_template("_position.html")
    hmrc = app_world.settings.hmrc
    count = 0
    for previous, current, following in itertools.product(STATUSES, repeat=3):
        for signed_up in (True, False):
            shown = guidance(
                today=TODAY,
                previous=previous,
                current=current,
                next_year=following,
                signed_up=signed_up,
            )
            rows = _rows(current) if signed_up else ()
            position = Position(shown, signed_up, rows, ())
            page = _words(body.render(position_values(position, hmrc)))
            cli = StringIO()
            print_guidance(Console(file=cli, width=100, color_system=None), shown)
            as_json = json.dumps(position.to_json())
            for text in (page, cli.getvalue(), as_json):
                for word in RAW_WORDS:
                    assert word not in text, (word, previous, current, following, signed_up)
            if signed_up:
                assert shown.headline in page
            else:  # HMRC shows nothing before sign-up: the page says how to find out
                assert "You have not signed up for Making Tax Digital" in page
            count += 1
    assert count == 8**3 * 2
