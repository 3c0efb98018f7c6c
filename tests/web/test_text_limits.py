"""Text-message codes are limited per phone number and window (issue 8: resends were
unlimited), on the sign-in page, the 2-step setup page and the headless grant."""

from __future__ import annotations

from openmtd.emulator.gateway.two_step import (
    MAX_TEXTS_PER_WINDOW,
    TEXT_WINDOW,
    TOO_MANY_TEXTS_MESSAGE,
)
from openmtd.emulator.storage import Account, TwoStepMethod
from support.emulator import PASSWORD, EmulatorHarness, csrf_token

PHONE = "+447700900321"


def _texts(emulator: EmulatorHarness) -> int:
    with emulator.services.store.transaction() as tx:
        return len(tx.phone.messages(PHONE))


def _signed_in_to_two_step(emulator: EmulatorHarness, account: Account | None = None) -> str:
    account = account or emulator.account(
        two_step_method=TwoStepMethod.TEXT_MESSAGE, phone_number=PHONE
    )
    token = csrf_token(emulator.client.get("/gg/sign-in").text)
    answer = emulator.client.post(
        "/gg/sign-in",
        data={"csrf_token": token, "user_id": account.user_id, "password": PASSWORD},
    )
    assert answer.headers["location"] == "/gg/two-step"
    return csrf_token(emulator.client.get("/gg/two-step").text)


def test_resends_stop_at_the_limit_and_start_again_after_the_window(
    emulator: EmulatorHarness,
) -> None:
    account = emulator.account(two_step_method=TwoStepMethod.TEXT_MESSAGE, phone_number=PHONE)
    token = _signed_in_to_two_step(emulator, account)
    assert _texts(emulator) == 1
    for _ in range(MAX_TEXTS_PER_WINDOW - 1):
        answer = emulator.client.post("/gg/two-step/resend", data={"csrf_token": token})
        assert answer.status_code == 303
    assert _texts(emulator) == MAX_TEXTS_PER_WINDOW
    refused = emulator.client.post("/gg/two-step/resend", data={"csrf_token": token})
    assert refused.status_code == 429
    assert TOO_MANY_TEXTS_MESSAGE.replace("'", "&#39;") in refused.text
    assert _texts(emulator) == MAX_TEXTS_PER_WINDOW
    # After the window (the pending sign-in has timed out by then), texts are sent again.
    emulator.advance(TEXT_WINDOW.total_seconds() + 1)
    _signed_in_to_two_step(emulator, account)
    assert _texts(emulator) == MAX_TEXTS_PER_WINDOW + 1


def test_signing_in_again_over_the_limit_sends_nothing_but_goes_on(
    emulator: EmulatorHarness,
) -> None:
    token = _signed_in_to_two_step(emulator)
    for _ in range(MAX_TEXTS_PER_WINDOW + 2):
        emulator.client.post("/gg/two-step/resend", data={"csrf_token": token})
    assert _texts(emulator) == MAX_TEXTS_PER_WINDOW
    page = emulator.client.get("/gg/two-step")
    assert page.status_code == 200


def test_the_headless_grant_sends_no_more_than_the_limit(emulator: EmulatorHarness) -> None:
    app = emulator.application(rate_limit_per_second=1000)
    account = emulator.account(two_step_method=TwoStepMethod.TEXT_MESSAGE, phone_number=PHONE)
    body = {
        "clientId": app.application.client_id,
        "redirectUri": "http://localhost:9999/callback",
        "scope": "read:self-assessment",
        "userId": account.user_id,
        "password": PASSWORD,
    }
    for _ in range(MAX_TEXTS_PER_WINDOW + 3):
        answer = emulator.client.post("/emulator/oauth/grant", json=body)
        assert answer.status_code == 401
        assert answer.json()["code"] == "TWO_STEP_REQUIRED"
    assert _texts(emulator) == MAX_TEXTS_PER_WINDOW


def test_setup_texts_stop_at_the_limit(emulator: EmulatorHarness) -> None:
    client = emulator.client
    token = csrf_token(client.get("/gg/create-account").text)
    details = {
        "first_name": "Ida",
        "last_name": "Newton",
        "email": "ida@example.com",
        "password": "a long enough secret",
        "confirm_password": "a long enough secret",
        "affinity_group": "Individual",
        "dob_day": "1",
        "dob_month": "2",
        "dob_year": "1980",
        "address_line1": "1 Street",
        "address_line2": "London",
        "postcode": "sw1a 2aa",
    }
    client.post("/gg/create-account", data={"csrf_token": token, **details})
    token = csrf_token(client.get("/gg/two-step/setup").text)
    client.post("/gg/two-step/setup", data={"csrf_token": token, "method": "text"})
    token = csrf_token(client.get("/gg/two-step/setup/text").text)
    sent = client.post("/gg/two-step/setup/text", data={"csrf_token": token, "phone_number": PHONE})
    assert sent.headers["location"] == "/gg/two-step/setup/text/code"
    token = csrf_token(client.get("/gg/two-step/setup/text/code").text)
    for _ in range(MAX_TEXTS_PER_WINDOW - 1):
        assert (
            client.post("/gg/two-step/setup/text/resend", data={"csrf_token": token}).status_code
            == 303
        )
    refused = client.post("/gg/two-step/setup/text/resend", data={"csrf_token": token})
    assert refused.status_code == 429
    assert "too many codes" in refused.text
    token = csrf_token(client.get("/gg/two-step/setup/text").text)
    again = client.post(
        "/gg/two-step/setup/text", data={"csrf_token": token, "phone_number": PHONE}
    )
    assert again.status_code == 429
    assert "too many codes" in again.text
    assert _texts(emulator) == MAX_TEXTS_PER_WINDOW
