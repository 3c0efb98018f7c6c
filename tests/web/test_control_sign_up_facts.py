"""The control API's sign-up facts: ``PUT /emulator/people/{nino}/eligibility`` and
``POST /emulator/returns/{nino}/{taxYear}``, their answers and every refusal (HMRC-style
envelope, JSON only, nothing written when refused)."""

from __future__ import annotations

from typing import Any

import pytest

from support.emulator import EmulatorHarness
from support.sign_up import NINO


def _stored(emulator: EmulatorHarness) -> tuple[list[Any], list[Any]]:
    with emulator.services.store.transaction() as tx:
        return tx.eligibility.for_nino(NINO), tx.returns.for_nino(NINO)


def test_eligibility_is_set_for_this_year_and_next(emulator: EmulatorHarness) -> None:
    answer = emulator.client.put(
        f"/emulator/people/{NINO}/eligibility",
        json={"currentYear": [], "nextYear": ["MTD Exempt 26/27", "Death"]},
    )
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    assert answer.json() == {
        "nino": NINO,
        "currentYear": {"taxYear": "2026-27", "reasonKeys": [], "eligible": True},
        "nextYear": {
            "taxYear": "2027-28",
            "reasonKeys": ["MTD Exempt 26/27", "Death"],
            "eligible": False,
        },
        "exemptionReason": "MTD Exempt 26/27",
    }
    again = emulator.client.put(
        f"/emulator/people/{NINO}/eligibility", json={"currentYear": ["Other"], "nextYear": []}
    )
    assert "exemptionReason" not in again.json()
    eligibility, _ = _stored(emulator)
    assert [(e.tax_year, e.reason_keys) for e in eligibility] == [
        ("2026-27", ("Other",)),
        ("2027-28", ()),
    ]


@pytest.mark.parametrize(
    ("nino", "body", "code", "inner"),
    [
        ("NOT-A-NINO", {"currentYear": [], "nextYear": []}, "FORMAT_NINO", None),
        (NINO, {"currentYear": []}, "INVALID_REQUEST", "FORMAT_FIELD_MISSING"),
        (
            NINO,
            {"currentYear": [], "nextYear": [], "x": 1},
            "INVALID_REQUEST",
            "FORMAT_FIELD_UNKNOWN",
        ),
        (NINO, {"currentYear": "Death", "nextYear": []}, "INVALID_REQUEST", "FORMAT_FIELD_TYPE"),
        (NINO, {"currentYear": [], "nextYear": ["death"]}, "INVALID_REQUEST", "FORMAT_REASON_KEY"),
        (NINO, {"currentYear": ["Death"] * 41, "nextYear": []}, "INVALID_REQUEST", "FORMAT_VALUE"),
        (NINO, [], "INVALID_REQUEST", "FORMAT_FIELD_TYPE"),
    ],
)
def test_bad_eligibility_is_refused_and_nothing_kept(
    emulator: EmulatorHarness, nino: str, body: object, code: str, inner: str | None
) -> None:
    answer = emulator.client.put(f"/emulator/people/{nino}/eligibility", json=body)
    assert answer.status_code == 400
    assert answer.json()["code"] == code
    if inner:
        assert inner in {error["code"] for error in answer.json()["errors"]}
    assert _stored(emulator) == ([], [])


def test_an_empty_or_non_json_body_is_refused(emulator: EmulatorHarness) -> None:
    path = f"/emulator/people/{NINO}/eligibility"
    assert emulator.client.put(path, content=b"").json()["code"] == "INVALID_REQUEST"
    refused = emulator.client.put(path, content=b"{", headers={"Content-Type": "application/json"})
    assert refused.status_code == 400
    form = emulator.client.put(path, data={"currentYear": "x"})
    assert form.status_code == 415


def test_a_return_is_recorded_filed_today_by_default(emulator: EmulatorHarness) -> None:
    answer = emulator.client.post(f"/emulator/returns/{NINO}/2025-26")
    assert answer.status_code == 201
    assert answer.json() == {
        "nino": NINO,
        "taxYear": "2025-26",
        "filedOn": "2026-11-26",
        "selfEmploymentTurnover": 0,
        "ukPropertyIncome": 0,
        "foreignPropertyIncome": 0,
        "qualifyingIncome": 0,
    }
    dated = emulator.client.post(
        f"/emulator/returns/{NINO}/2025-26", json={"filedOn": "2026-04-06"}
    )
    assert dated.json()["filedOn"] == "2026-04-06"
    _, returns = _stored(emulator)
    assert [(r.tax_year, str(r.filed_on)) for r in returns] == [("2025-26", "2026-04-06")]


@pytest.mark.parametrize(
    ("nino", "year", "body", "code"),
    [
        ("AA1", "2025-26", {}, "FORMAT_NINO"),
        (NINO, "2025", {}, "FORMAT_TAX_YEAR"),
        (NINO, "2025-27", {}, "RULE_TAX_YEAR_RANGE_INVALID"),
        (NINO, "2026-27", {}, "RULE_TAX_YEAR_NOT_ENDED"),
        (NINO, "2025-26", {"filedOn": "yesterday"}, "FORMAT_FILED_ON"),
        (NINO, "2025-26", {"filedOn": "2026-02-30"}, "FORMAT_FILED_ON"),
        (NINO, "2025-26", {"filedOn": "2026-04-05"}, "RULE_FILED_ON"),
        (NINO, "2025-26", {"filedOn": "2026-11-27"}, "RULE_FILED_ON"),
        (NINO, "2025-26", {"filedOn": 20260406}, "FORMAT_FIELD_TYPE"),
        (NINO, "2025-26", {"filed": "2026-04-06"}, "FORMAT_FIELD_UNKNOWN"),
    ],
)
def test_a_bad_return_is_refused_and_nothing_kept(
    emulator: EmulatorHarness, nino: str, year: str, body: object, code: str
) -> None:
    answer = emulator.client.post(f"/emulator/returns/{nino}/{year}", json=body)
    assert answer.status_code == 400
    codes = {answer.json()["code"], *(e["code"] for e in answer.json().get("errors", []))}
    assert code in codes
    assert _stored(emulator) == ([], [])
