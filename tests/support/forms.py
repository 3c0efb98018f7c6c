"""Hostile posts to a page's form, for the property-based form tests (tests/fuzz).

The input classes of issue 8 (unpaired surrogates, other scripts' digits, NUL and control
characters, very long strings, huge numbers) and arbitrary text go into one field of a form
(or a field it does not have), posted with the form's own CSRF token; the post must never be a
5xx, and a refusal (4xx) must write nothing: every table's row count is unchanged but for the
tables a refused request writes by design.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from openmtd.emulator.adapters.db.tables import Base

#: Browser sessions and the wrong-password counters: written by design when a post is refused.
WRITTEN_WHEN_REFUSED = frozenset({"web_sessions", "gg_sign_in_attempts"})
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}


def fuzz_settings(max_examples: int, *also_suppressed: HealthCheck) -> settings:
    """Bounded for CI: ``max_examples`` each, derandomised, no deadline, and no complaint about
    the function-scoped emulator every example shares (nor ``also_suppressed``)."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            *also_suppressed,
        ],
    )


def around(middle: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """``middle`` with a little arbitrary text either side."""
    return st.builds(lambda a, m, b: a + m + b, st.text(max_size=4), middle, st.text(max_size=4))


#: What a hostile person types into a form field.
HOSTILE_TEXT = st.one_of(
    around(st.characters(categories=["Cs"])),
    st.text(alphabet="０１２３４５６７８９٠١٢٣٤٥٦٧٨٩²é", min_size=1, max_size=8),
    around(st.characters(categories=["Cc"])),
    st.builds(lambda n, c: c * n, st.integers(100, 20_000), st.sampled_from("x9é")),
    st.builds(lambda n: "9" * n, st.integers(19, 3000)),
    st.text(max_size=40),
)


def form_body(fields: Mapping[str, object]) -> bytes:
    """A urlencoded form: each value's text (``str``) as UTF-8, a surrogate as the bytes UTF-8
    would give it (a browser never sends one; a hostile client can)."""

    def encoded(value: object) -> str:
        return quote(str(value).encode("utf-8", "surrogatepass"))

    return "&".join(f"{quote(name)}={encoded(value)}" for name, value in fields.items()).encode()


def row_counts(
    engine: sa.Engine, written_when_refused: Iterable[str] = WRITTEN_WHEN_REFUSED
) -> dict[str, int]:
    """Every table's row count, but those written by design when a request is refused."""
    skipped = frozenset(written_when_refused)
    with engine.connect() as connection:
        return {
            table.name: connection.execute(
                sa.select(sa.func.count()).select_from(table)
            ).scalar_one()
            for table in Base.metadata.sorted_tables
            if table.name not in skipped
        }


def unharmed(send: Callable[[], Any], rows: Callable[[], dict[str, int]]) -> Any:
    """Send a request; it must not be a 5xx, and a refusal (4xx) must not change ``rows``."""
    before = rows()
    response = send()
    assert response.status_code < 500, response.text
    if 400 <= response.status_code < 500:
        assert rows() == before, f"refused ({response.status_code}) but wrote"
    return response


def post_hostile(
    client: TestClient,
    path: str,
    token: str,
    fields: Mapping[str, object],
    data: st.DataObject,
    rows: Callable[[], dict[str, int]],
    values: st.SearchStrategy[Any] = HOSTILE_TEXT,
) -> Any:
    """Post the form at ``path`` with its CSRF ``token`` and ``fields``, one of them (or one it
    does not have) replaced by a drawn hostile value; checked by :func:`unharmed`."""
    posted: dict[str, object] = {"csrf_token": token, **fields}
    name = data.draw(st.sampled_from([*posted, "extra"]), label="field")
    posted[name] = data.draw(values, label="value")
    return unharmed(
        lambda: client.post(path, content=form_body(posted), headers=FORM_HEADERS), rows
    )
