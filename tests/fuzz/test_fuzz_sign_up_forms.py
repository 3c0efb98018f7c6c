"""Property-based posts to every form of sign-up and of reporting obligations (issue 9): the
hostile input classes of issue 8 (unpaired surrogates, other scripts' digits, NUL and control
characters, very long strings, huge numbers) and arbitrary text, put into any field of each
form, with the form's own CSRF token and at the point in the journey where the form is live.

For every post: never a 5xx, and a refusal (4xx) writes nothing (row counts unchanged, browser
sessions and wrong-password counts aside, written by design). Bounded for CI: ``MAX_EXAMPLES``
each, derandomised, no deadline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from openmtd.emulator.storage import Enrolment
from support.emulator import EmulatorHarness, csrf_token
from support.forms import fuzz_settings, post_hostile, row_counts
from support.sign_up import BUSINESS, UTR, add_status, begin, person, sign_in, submit

MAX_EXAMPLES = 20
FUZZ = fuzz_settings(MAX_EXAMPLES)


def _journey(client: TestClient) -> None:
    begin(client)
    submit(client, "/signup/tax-year", {"tax_year": "current"})
    submit(client, "/signup/business/new", BUSINESS)
    submit(client, "/signup/property/uk", {"start_choice": "before"})


def _paperless(client: TestClient) -> None:
    _journey(client)
    submit(client, "/signup/paperless", {"paperless": "yes"})


def _low_confidence(emulator: EmulatorHarness) -> Any:
    return person(emulator, confidence_level=50)


def _signed_up(emulator: EmulatorHarness) -> Any:
    account = person(
        emulator,
        enrolments=(
            Enrolment("IR-SA", "UTR", UTR),
            Enrolment("HMRC-MTD-IT", "MTDITID", "XAIT00000000001"),
        ),
    )
    add_status(emulator, "2026-27", "MTD Voluntary", "Sign up - no return available")
    return account


def _opted_out(emulator: EmulatorHarness) -> Any:
    account = _signed_up(emulator)
    emulator.advance(1)
    add_status(emulator, "2026-27", "Annual", "MTD ITSA Opt-Out")
    return account


def _chosen_opt_out(client: TestClient) -> None:
    submit(client, "/reporting-obligations/opt-out", {"tax_year": "2026-27"})


Reach = Callable[[TestClient], None]
People = Callable[[EmulatorHarness], Any]
#: Each form: who posts it, how to get there, its page (for the token) and its fields.
FORMS: dict[str, tuple[People, Reach, str, dict[str, str]]] = {
    "/signup/identity": (
        _low_confidence,
        lambda c: None,
        "/signup/identity",
        {"outcome": "Success"},
    ),
    "/signup/tax-year": (person, begin, "/signup/tax-year", {"tax_year": "current"}),
    "/signup/income-sources": (person, _journey, "/signup/income-sources", {}),
    "/signup/business/new": (person, _journey, "/signup/business/new", BUSINESS),
    "/signup/business/b1": (person, _journey, "/signup/business/b1", BUSINESS),
    "/signup/business/b1/remove": (
        person,
        _journey,
        "/signup/business/b1/remove",
        {"confirm": "no"},
    ),
    "/signup/property/uk": (person, _journey, "/signup/property/uk", {"start_choice": "before"}),
    "/signup/property/uk/remove": (
        person,
        _journey,
        "/signup/property/uk/remove",
        {"confirm": "no"},
    ),
    "/signup/paperless": (person, _journey, "/signup/paperless", {"paperless": "yes"}),
    "/signup/check-your-answers": (person, _paperless, "/signup/check-your-answers", {}),
    "/reporting-obligations/opt-out": (
        _signed_up,
        lambda c: None,
        "/reporting-obligations/opt-out",
        {"tax_year": "2026-27"},
    ),
    "/reporting-obligations/opt-out/check": (
        _signed_up,
        _chosen_opt_out,
        "/reporting-obligations/opt-out/check",
        {},
    ),
    "/reporting-obligations/opt-in": (
        _opted_out,
        lambda c: None,
        "/reporting-obligations/opt-in",
        {"tax_year": "2026-27"},
    ),
}


@pytest.mark.parametrize("path", sorted(FORMS))
@FUZZ
@given(data=st.data())
def test_sign_up_forms_never_fail_on_hostile_fields(
    emulator: EmulatorHarness, path: str, data: st.DataObject
) -> None:
    who, reach, page, fields = FORMS[path]
    # One person per example: a fresh NINO each time would need a fresh world, so the world
    # is reset instead (the fixture is function-scoped, hypothesis runs many examples in it).
    emulator.services.store.reset()
    client = emulator.new_client()
    sign_in(client, who(emulator))
    reach(client)
    token = csrf_token(client.get(page).text)
    post_hostile(
        client, path, token, fields, data, lambda: row_counts(emulator.services.store.engine)
    )
