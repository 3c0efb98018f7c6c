"""The Test Fraud Prevention Headers API, and feedback recorded from MTD API calls."""

from __future__ import annotations

from typing import Any

import pytest

from support.emulator import EmulatorHarness

ACCEPT = {"Accept": "application/vnd.hmrc.1.0+json"}
VALID_WEB_APP = {
    "Gov-Client-Connection-Method": "WEB_APP_VIA_SERVER",
    "Gov-Client-Browser-JS-User-Agent": "Mozilla/5.0 (X11; Linux x86_64)",
    "Gov-Client-Device-ID": "beec798b-b366-47fa-b1f8-92cede14a1ce",
    "Gov-Client-Multi-Factor": "type=TOTP&timestamp=2026-11-26T09%3A59Z&unique-reference=abc123",
    "Gov-Client-Public-IP": "81.2.69.160",
    "Gov-Client-Public-IP-Timestamp": "2026-11-26T09:59:59.123Z",
    "Gov-Client-Public-Port": "12345",
    "Gov-Client-Screens": "width=1920&height=1080&scaling-factor=1&colour-depth=24",
    "Gov-Client-Timezone": "UTC+00:00",
    "Gov-Client-User-IDs": "my-web-app=ida",
    "Gov-Client-Window-Size": "width=1256&height=803",
    "Gov-Vendor-Forwarded": "by=81.2.69.142&for=81.2.69.160",
    "Gov-Vendor-License-IDs": "my-web-app=8D7963490527D33716835EE7C195516D",
    "Gov-Vendor-Product-Name": "My%20Web%20App",
    "Gov-Vendor-Public-IP": "81.2.69.142",
    "Gov-Vendor-Version": "my-web-app=2.2.2",
}


def app_token(emulator: EmulatorHarness, **options: Any) -> tuple[str, Any]:
    created = emulator.application(rate_limit_per_second=1000, **options)
    answer = emulator.client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": created.application.client_id,
            "client_secret": created.client_secret,
        },
    )
    return answer.json()["access_token"], created


def test_validate_valid_headers(emulator: EmulatorHarness) -> None:
    token, _ = app_token(emulator)
    answer = emulator.client.get(
        "/test/fraud-prevention-headers/validate",
        headers={**ACCEPT, "Authorization": f"Bearer {token}", **VALID_WEB_APP},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "specVersion": "3.3",
        "code": "VALID_HEADERS",
        "message": "All headers appear to be valid",
    }
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_validate_warns_about_an_empty_multi_factor_header(emulator: EmulatorHarness) -> None:
    token, _ = app_token(emulator)
    headers = {**VALID_WEB_APP, "Gov-Client-Multi-Factor": ""}
    body = emulator.client.get(
        "/test/fraud-prevention-headers/validate",
        headers={**ACCEPT, "Authorization": f"Bearer {token}", **headers},
    ).json()
    assert body["code"] == "POTENTIALLY_INVALID_HEADERS"
    assert [w["headers"] for w in body["warnings"]] == [["gov-client-multi-factor"]]
    assert body["warnings"][0]["code"] == "EMPTY_HEADER"


def test_validate_needs_the_platform(emulator: EmulatorHarness) -> None:
    answer = emulator.client.get("/test/fraud-prevention-headers/validate", headers=ACCEPT)
    assert answer.status_code == 401
    assert answer.json()["code"] == "MISSING_CREDENTIALS"
    token, _ = app_token(emulator, apis=["create-test-user"])
    answer = emulator.client.get(
        "/test/fraud-prevention-headers/validate",
        headers={**ACCEPT, "Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "RESOURCE_FORBIDDEN"


def test_feedback_for_an_api_with_no_calls_is_empty(emulator: EmulatorHarness) -> None:
    token, _ = app_token(emulator)
    answer = emulator.client.get(
        "/test/fraud-prevention-headers/self-assessment-individual-details/validation-feedback",
        headers={**ACCEPT, "Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200
    assert answer.json() == {"requests": []}


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/test/fraud-prevention-headers/no-such-api/validation-feedback", 404,
         "MATCHING_RESOURCE_NOT_FOUND"),
        ("/test/fraud-prevention-headers/create-test-user/validation-feedback"
         "?connectionMethod=CARRIER_PIGEON", 400, "FORMAT_CONNECTION_METHOD"),
    ],
)  # fmt: skip
def test_feedback_refusals(emulator: EmulatorHarness, path: str, status: int, code: str) -> None:
    token, _ = app_token(emulator)
    answer = emulator.client.get(path, headers={**ACCEPT, "Authorization": f"Bearer {token}"})
    assert answer.status_code == status
    assert answer.json()["code"] == code


def test_feedback_keeps_the_latest_check_of_each_endpoint(emulator: EmulatorHarness) -> None:
    from openmtd.emulator.platform.fraud_feedback import record
    from openmtd.emulator.platform.gateway import Access, CallContext, Endpoint

    token, created = app_token(emulator)
    endpoint = Endpoint(
        "create-test-user",
        frozenset({"1.0"}),
        Access.APPLICATION,
        fraud_headers=True,
        path="/create-test-user/individuals",
    )
    with emulator.services.store.transaction() as tx:
        now = emulator.services.clock.now_in(tx)
        for headers in ({}, {k.lower(): v for k, v in VALID_WEB_APP.items()}):
            context = CallContext(tx, now, "1.0", created.application, None, None, headers, "c")
            record(context, endpoint, "post")
    answer = emulator.client.get(
        "/test/fraud-prevention-headers/create-test-user/validation-feedback",
        headers={**ACCEPT, "Authorization": f"Bearer {token}"},
    ).json()
    assert len(answer["requests"]) == 1
    latest = answer["requests"][0]
    assert latest["path"] == "/create-test-user/individuals"
    assert latest["method"] == "POST"
    assert latest["code"] == "VALID_HEADERS"
    filtered = emulator.client.get(
        "/test/fraud-prevention-headers/create-test-user/validation-feedback"
        "?connectionMethod=DESKTOP_APP_DIRECT",
        headers={**ACCEPT, "Authorization": f"Bearer {token}"},
    ).json()
    assert filtered == {"requests": []}
