"""No input gives a 500 (issue 8, item 1): each request the security audit found, exactly, as a
regression test. JSON bodies are decoded and bounded by one helper (huge integers, unpaired
surrogates, NUL and control characters are a 400 in the endpoint's own envelope and write
nothing); forms by one reader (a refused value is the form's own error, counted as a failed
attempt where attempts are counted); 2-step codes are ASCII digits only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from openmtd.emulator.gateway.two_step import MAX_TWO_STEP_ATTEMPTS
from openmtd.emulator.storage import TwoStepMethod
from openmtd.webkit.forms import REFUSED_MESSAGE
from support.emulator import PASSWORD, REDIRECT_URI, EmulatorHarness, csrf_token, query_of
from support.forms import row_counts

HUGE = "1" + "0" * 5000
JSON = {"Content-Type": "application/json"}
FULL_WIDTH = "１２３４５６"
SATS = "/individuals/self-assessment-test-support"
#: Written by design on a refused request: sessions, the API platform's own bookkeeping.
BOOKKEEPING = frozenset({"web_sessions", "platform_rate_windows", "platform_header_feedback"})


@pytest.fixture
def rows(emulator: EmulatorHarness) -> Iterator[Any]:
    engine = sa.create_engine(emulator.settings.database_url)

    def count() -> dict[str, int]:
        return row_counts(engine, BOOKKEEPING)

    yield count
    engine.dispose()


def _post(emulator: EmulatorHarness, path: str, content: str, **headers: str) -> Any:
    return emulator.client.post(path, content=content.encode(), headers={**JSON, **headers})


def _app_token(emulator: EmulatorHarness) -> str:
    created = emulator.application(rate_limit_per_second=1000)
    answer = emulator.client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": created.application.client_id,
            "client_secret": created.client_secret,
        },
    )
    token: str = answer.json()["access_token"]
    return token


# --- JSON bodies -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "body", "where"),
    [
        (
            "/emulator/applications",
            f'{{"name": "x", "redirectUris": ["{REDIRECT_URI}"], "rateLimitPerSecond": {HUGE}}}',
            "/rateLimitPerSecond",
        ),
        ("/emulator/oauth/grant", f'{{"userId": "1", "password": "p", "state": {HUGE}}}', "/state"),
        ("/emulator/clock", f'{{"advanceSeconds": {HUGE}}}', "/advanceSeconds"),
    ],
)
def test_a_5000_digit_integer_is_400_and_writes_nothing(
    emulator: EmulatorHarness, rows: Any, path: str, body: str, where: str
) -> None:
    before = rows()
    response = _post(emulator, path, body)
    assert response.status_code == 400
    assert response.json() == {
        "code": "INVALID_REQUEST",
        "message": "Invalid request",
        "errors": [
            {
                "code": "FORMAT_VALUE",
                "message": f"{where[1:]} must be a whole number of at most 18 digits",
                "path": where,
            }
        ],
    }
    assert rows() == before
    assert emulator.client.get("/emulator/clock").json() == {"now": "2026-11-26T10:00:00.000Z"}


def test_a_5000_digit_integer_to_create_test_user_is_its_invalid_request(
    emulator: EmulatorHarness, rows: Any
) -> None:
    token = _app_token(emulator)
    before = rows()
    response = _post(
        emulator,
        "/create-test-user/individuals",
        f'{{"serviceNames": ["mtd-income-tax"], "nino": {HUGE}}}',
        Accept="application/vnd.hmrc.1.0+json",
        Authorization=f"Bearer {token}",
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "INVALID_REQUEST",
        "message": "nino must be a whole number of at most 18 digits",
    }
    assert rows() == before


@pytest.mark.parametrize("field", ["password", "userId", "state", "codeChallenge"])
def test_an_unpaired_surrogate_in_the_grant_is_400(
    emulator: EmulatorHarness, rows: Any, field: str
) -> None:
    account = emulator.account()
    client_id = emulator.application().application.client_id
    body = {
        "clientId": client_id,
        "redirectUri": REDIRECT_URI,
        "scope": "read:self-assessment",
        "userId": account.user_id,
        "password": PASSWORD,
        "codeChallengeMethod": "S256",
        "codeChallenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    }
    raw = ",".join(f'"{name}": "{value}"' for name, value in body.items() if name != field)
    before = rows()
    content = f'{{{raw}, "{field}": "a\\ud800b"}}'
    response = _post(emulator, "/emulator/oauth/grant", content)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "code": "FORMAT_VALUE",
            "message": f"{field} is not valid Unicode (it holds an unpaired surrogate)",
            "path": f"/{field}",
        }
    ]
    assert rows() == before


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("\\ud800", "is not valid Unicode (it holds an unpaired surrogate)"),
        ("a\\u0000b", "contains a control character"),
        ("tab\\there", "contains a control character"),
    ],
)
def test_an_application_name_that_cannot_be_stored_is_400(
    emulator: EmulatorHarness, rows: Any, name: str, why: str
) -> None:
    before = rows()
    response = _post(
        emulator,
        "/emulator/applications",
        f'{{"name": "{name}", "redirectUris": ["{REDIRECT_URI}"]}}',
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"code": "FORMAT_VALUE", "message": f"name {why}", "path": "/name"}
    ]
    assert rows() == before


def test_a_surrogate_or_huge_number_to_test_support_is_its_bad_body(
    emulator: EmulatorHarness, rows: Any
) -> None:
    created = emulator.application(rate_limit_per_second=1000)
    account = emulator.account()
    grant = emulator.client.post(
        "/emulator/oauth/grant",
        json={
            "clientId": created.application.client_id,
            "redirectUri": REDIRECT_URI,
            "scope": "write:self-assessment",
            "userId": account.user_id,
            "password": PASSWORD,
        },
    )
    token = emulator.client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": created.application.client_id,
            "client_secret": created.client_secret,
            "redirect_uri": REDIRECT_URI,
            "code": query_of(grant.json()["location"])["code"][0],
        },
    ).json()["access_token"]
    headers = {"Accept": "application/vnd.hmrc.1.0+json", "Authorization": f"Bearer {token}"}
    before = rows()
    for body in (
        '{"typeOfBusiness": "uk-property", "tradingName": "\\ud800"}',
        f'{{"typeOfBusiness": "uk-property", "commencementDate": {HUGE}}}',
        '{"typeOfBusiness": "uk-property\\u0000"}',
    ):
        response = _post(emulator, f"{SATS}/business/TC663795B", body, **headers)
        assert response.status_code == 400, body
        assert response.json()["code"] == "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED", body
    assert rows() == before


# --- 2-step codes: ASCII digits only, and a wrong code is counted ------------------------------
def _pending_two_step(emulator: EmulatorHarness) -> Any:
    account = emulator.account(two_step_method=TwoStepMethod.AUTHENTICATOR_APP)
    client = emulator.client
    token = csrf_token(client.get("/gg/sign-in").text)
    signed = client.post(
        "/gg/sign-in", data={"csrf_token": token, "user_id": account.user_id, "password": PASSWORD}
    )
    assert signed.headers["location"] == "/gg/two-step"
    return account


@pytest.mark.parametrize("code", [FULL_WIDTH, "é", "12345é", "١٢٣٤٥٦", "12\x003456"])
def test_a_code_that_is_not_ascii_digits_on_two_step_is_a_counted_wrong_code(
    emulator: EmulatorHarness, code: str
) -> None:
    _pending_two_step(emulator)
    client = emulator.client
    for attempt in range(1, MAX_TWO_STEP_ATTEMPTS + 1):
        token = csrf_token(client.get("/gg/two-step").text)
        response = client.post("/gg/two-step", data={"csrf_token": token, "code": code})
        if attempt < MAX_TWO_STEP_ATTEMPTS:
            assert response.status_code == 401, attempt
            assert "The code you entered is not correct" in response.text
    assert response.status_code == 429
    assert "You have been locked out" in response.text


def test_a_full_width_code_in_the_headless_grant_is_counted(emulator: EmulatorHarness) -> None:
    account = emulator.account(two_step_method=TwoStepMethod.AUTHENTICATOR_APP)
    client_id = emulator.application().application.client_id
    body = {
        "clientId": client_id,
        "redirectUri": REDIRECT_URI,
        "scope": "read:self-assessment",
        "userId": account.user_id,
        "password": PASSWORD,
        "twoStepCode": FULL_WIDTH,
    }
    codes = [
        emulator.client.post("/emulator/oauth/grant", json=body).json()["code"]
        for _ in range(MAX_TWO_STEP_ATTEMPTS)
    ]
    assert codes == ["INVALID_TWO_STEP_CODE"] * (MAX_TWO_STEP_ATTEMPTS - 1) + ["ACCOUNT_LOCKED"]
    # The right code is refused too: the wrong ones were counted towards the lock.
    right = emulator.client.post(
        "/emulator/oauth/grant", json={**body, "twoStepCode": emulator.totp(account)}
    )
    assert right.json()["code"] == "ACCOUNT_LOCKED"


def _registration_at_app_setup(emulator: EmulatorHarness) -> str:
    client = emulator.client
    token = csrf_token(client.get("/gg/create-account").text)
    created = client.post(
        "/gg/create-account",
        data={
            "csrf_token": token,
            "first_name": "Ida",
            "last_name": "Newton",
            "email": "ida@example.com",
            "affinity_group": "Individual",
            "dob_day": "1",
            "dob_month": "6",
            "dob_year": "1960",
            "address_line1": "45 Springfield Rise",
            "postcode": "TS1 1PA",
            "password": PASSWORD,
            "confirm_password": PASSWORD,
        },
    )
    assert created.headers["location"] == "/gg/two-step/setup", created.text
    return client.get("/gg/two-step/setup/app").text


@pytest.mark.parametrize("code", [FULL_WIDTH, "é", "\x00"])
def test_a_code_that_is_not_ascii_digits_when_setting_up_an_app_is_wrong(
    emulator: EmulatorHarness, rows: Any, code: str
) -> None:
    page = _registration_at_app_setup(emulator)
    before = rows()
    response = emulator.client.post(
        "/gg/two-step/setup/app", data={"csrf_token": csrf_token(page), "code": code}
    )
    assert response.status_code == 401
    assert "The code you entered is not correct" in response.text
    assert rows() == before


# --- forms -------------------------------------------------------------------------------------
def test_a_nul_in_a_password_is_a_wrong_password_and_counted(emulator: EmulatorHarness) -> None:
    account = emulator.account()
    client = emulator.client
    for attempt in range(1, 6):
        token = csrf_token(client.get("/gg/sign-in").text)
        response = client.post(
            "/gg/sign-in",
            data={"csrf_token": token, "user_id": account.user_id, "password": PASSWORD + "\0"},
        )
        assert response.status_code == (429 if attempt == 5 else 401), attempt
    assert "You have been locked out" in response.text


def test_a_field_that_cannot_be_stored_is_shown_against_itself(
    emulator: EmulatorHarness, rows: Any
) -> None:
    client = emulator.client
    token = csrf_token(client.get("/gg/create-account").text)
    before = rows()
    response = client.post(
        "/gg/create-account",
        data={
            "csrf_token": token,
            "first_name": "I\x00da",
            "last_name": "Newton",
            "address_line2": "x" * 20_000,
            "dob_day": "\x01",
        },
    )
    assert response.status_code == 400
    assert response.text.count(REFUSED_MESSAGE) == 6  # summary and field, three fields
    assert rows() == before


def test_a_developer_hub_name_with_a_nul_is_its_error(emulator: EmulatorHarness, rows: Any) -> None:
    client = emulator.client
    token = csrf_token(client.get("/developer/applications/new").text)
    before = rows()
    response = client.post(
        "/developer/applications",
        data={
            "csrf_token": token,
            "name": "My\x00software",
            "redirectUris": REDIRECT_URI,
            "rateLimitPerSecond": "3",
            "grantLengthDays": "547",
        },
    )
    assert response.status_code == 400
    assert REFUSED_MESSAGE in response.text
    assert rows() == before


def test_a_rate_limit_in_full_width_digits_is_not_a_number(
    emulator: EmulatorHarness, rows: Any
) -> None:
    client = emulator.client
    token = csrf_token(client.get("/developer/applications/new").text)
    before = rows()
    response = client.post(
        "/developer/applications",
        data={
            "csrf_token": token,
            "name": "My software",
            "redirectUris": REDIRECT_URI,
            "rateLimitPerSecond": "３",
            "grantLengthDays": "547",
        },
    )
    assert response.status_code == 400
    assert "Enter the rate limit as a whole number" in response.text
    assert rows() == before


def test_a_csrf_token_that_is_not_ascii_is_an_expired_form(emulator: EmulatorHarness) -> None:
    client = emulator.client
    client.get("/gg/sign-in")
    response = client.post("/gg/sign-in", data={"csrf_token": "é", "user_id": "1"})
    assert response.status_code == 403
    assert "This form has expired" in response.text


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"client_id=a%00b&client_secret=s&grant_type=client_credentials", None),
        (b"client_id=" + b"x" * 20_000, None),
        (b"&".join(b"f%d=1" % n for n in range(200)), None),
        (
            b'--b\r\nContent-Disposition: form-data; name="client_id"; filename="f"\r\n\r\n'
            b"x\r\n--b--\r\n",
            "multipart/form-data; boundary=b",
        ),
        (b"--b\r\nnot a part", "multipart/form-data; boundary=b"),
    ],
)
def test_every_token_refusal_is_rfc_6749s_whatever_the_forms_shape(
    emulator: EmulatorHarness, content: bytes, content_type: str | None
) -> None:
    response = emulator.client.post(
        "/oauth/token",
        content=content,
        headers={"Content-Type": content_type or "application/x-www-form-urlencoded"},
    )
    assert 400 <= response.status_code < 500
    body = response.json()
    assert set(body) == {"error", "error_description"}
    assert body["error"] == "invalid_request"


def test_a_date_of_birth_of_5000_digits_is_not_a_date(emulator: EmulatorHarness, rows: Any) -> None:
    # Found by tests/fuzz: int() refuses a string of more than 4300 digits.
    client = emulator.client
    token = csrf_token(client.get("/gg/create-account").text)
    before = rows()
    response = client.post(
        "/gg/create-account",
        data={"csrf_token": token, "dob_day": "9" * 5000, "dob_month": "1", "dob_year": "1960"},
    )
    assert response.status_code == 400
    assert "Date of birth must be a real date" in response.text
    assert rows() == before
