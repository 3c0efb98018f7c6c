"""Property-based requests with the input classes the security audit found (issue 8, item 1):
integers of thousands of digits, unpaired surrogates, digits of other scripts (full-width,
Arabic-Indic), NUL and other control characters, and very long strings, put into every field of
every control endpoint, of the JSON APIs that take a body, and of every form (a page's and
``/oauth/token``'s), in the query string and in the control API's headers.

For every request: never a 5xx; a refusal (4xx) writes nothing (row counts unchanged, but for
browser sessions, wrong-password counts and the API platform's own bookkeeping, which are
written by design); and a JSON body holding a surrogate, a control character or a huge
integer is refused with 400 wherever a body is read. Bounded for CI: ``MAX_EXAMPLES`` each,
derandomised, no deadline.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from openmtd.emulator.storage import TwoStepMethod
from support import forms
from support.emulator import PASSWORD, REDIRECT_URI, EmulatorHarness, csrf_token, query_of
from support.forms import around, fuzz_settings, post_hostile, row_counts, unharmed

MAX_EXAMPLES = 25
FUZZ = fuzz_settings(MAX_EXAMPLES)
#: Written by design even when a request is refused (the API platform's bookkeeping too).
WRITTEN_WHEN_REFUSED = forms.WRITTEN_WHEN_REFUSED | {
    "platform_rate_windows",
    "platform_header_feedback",
}
SATS = "/individuals/self-assessment-test-support"
NINO = "TC663795B"


# --- the input classes -------------------------------------------------------------------------
@dataclass(frozen=True)
class Number:
    """A JSON number literal, written as it is (Python cannot print such an int)."""

    literal: str

    def __str__(self) -> str:
        return self.literal


HUGE_INTEGERS = st.builds(
    lambda sign, digits: Number(sign + "9" * digits),
    st.sampled_from(["", "-"]),
    st.integers(19, 6000),
)
SURROGATES = around(st.characters(categories=["Cs"]))
OTHER_DIGITS = st.text(alphabet="０１２３４５６７８９٠١٢٣٤٥٦٧٨٩²é", min_size=1, max_size=8)
CONTROL = around(st.characters(categories=["Cc"]))
LONG = st.builds(lambda n, c: c * n, st.integers(5_000, 60_000), st.sampled_from("x9é"))
TEXT = st.one_of(SURROGATES, OTHER_DIGITS, CONTROL, LONG)
HOSTILE = st.one_of(TEXT, HUGE_INTEGERS)


def _is_refused_in_json(value: object) -> bool:
    """Whether the JSON decoder must refuse a body holding ``value``."""
    if isinstance(value, Number):
        return True
    assert isinstance(value, str)
    if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        return True
    return any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in value)


def _json(document: object) -> bytes:
    """JSON text (surrogates and control characters escaped, huge numbers as literals)."""
    numbers: dict[str, str] = {}

    def default(value: object) -> str:
        assert isinstance(value, Number)
        marker = f"@@number{len(numbers)}@@"
        numbers[marker] = value.literal
        return marker

    text = json.dumps(document, default=default)
    for marker, literal in numbers.items():
        text = text.replace(f'"{marker}"', literal)
    return text.encode()


# --- the world ---------------------------------------------------------------------------------
@dataclass
class World:
    emulator: EmulatorHarness
    client_id: str
    client_secret: str
    user_token: str
    app_token: str
    counts: sa.Engine

    def rows(self) -> dict[str, int]:
        return row_counts(self.counts, WRITTEN_WHEN_REFUSED)

    def check(self, send: Callable[[], Any], *, must_refuse: bool = False) -> Any:
        response = unharmed(send, self.rows)
        if must_refuse:
            assert response.status_code == 400, response.text
        return response


@pytest.fixture
def world(emulator: EmulatorHarness) -> Iterator[World]:
    created = emulator.application(rate_limit_per_second=10_000)
    client_id, secret = created.application.client_id, created.client_secret
    account = emulator.account(nino=NINO)
    grant = emulator.client.post(
        "/emulator/oauth/grant",
        json={
            "clientId": client_id,
            "redirectUri": REDIRECT_URI,
            "scope": "read:self-assessment write:self-assessment",
            "userId": account.user_id,
            "password": PASSWORD,
        },
    )
    user_token = emulator.client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": client_id,
            "client_secret": secret,
            "redirect_uri": REDIRECT_URI,
            "code": query_of(grant.json()["location"])["code"][0],
        },
    ).json()["access_token"]
    app_token = emulator.client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    ).json()["access_token"]
    engine = sa.create_engine(emulator.settings.database_url)
    yield World(emulator, client_id, secret, user_token, app_token, engine)
    engine.dispose()


# --- control endpoints and JSON APIs -----------------------------------------------------------
def _control_bodies(world: World) -> dict[str, dict[str, object]]:
    return {
        "/emulator/applications": {
            "name": "Fuzzed software",
            "redirectUris": [REDIRECT_URI],
            "apis": ["self-assessment-test-support"],
            "rateLimitPerSecond": 3,
            "grantLengthDays": 547,
        },
        "/emulator/oauth/grant": {
            "clientId": world.client_id,
            "redirectUri": REDIRECT_URI,
            "scope": "read:self-assessment",
            "state": "s",
            "codeChallenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "codeChallengeMethod": "S256",
            "userId": "000000000000",
            "password": PASSWORD,
            "twoStepCode": "123456",
            "identityVerification": "Success",
            "decision": "grant",
        },
        "/emulator/clock": {"advanceSeconds": 1},
        f"/emulator/returns/{NINO}/2025-26": {
            "filedOn": "2026-04-06",
            "selfEmploymentTurnover": 1000,
            "ukPropertyIncome": 2000.5,
            "foreignPropertyIncome": 0,
        },
        "/emulator/annual-review/2027-28": {},
        "/emulator/population": {"count": 5, "seed": 1},
        f"/emulator/obligations/{NINO}/fulfil": {
            "businessId": "XAIS00000000001",
            "periodStartDate": "2026-04-06",
            "periodEndDate": "2026-07-05",
            "receivedDate": "2026-08-01",
        },
    }


def _api_bodies() -> dict[str, dict[str, object]]:
    status = {"submittedOn": "2026-05-01T10:00:00.000Z", "status": "MTD Voluntary"}
    return {
        "/create-test-user/individuals": {"serviceNames": ["mtd-income-tax"], "nino": NINO},
        "/create-test-user/organisations": {"serviceNames": ["mtd-vat"], "exciseNumber": "X"},
        "/create-test-user/agents": {"serviceNames": ["agent-services"]},
        f"{SATS}/itsa-status/{NINO}/2026-27": {
            "itsaStatusDetails": [{**status, "statusReason": "Sign up - return available"}]
        },
        f"{SATS}/business/{NINO}": {"typeOfBusiness": "uk-property", "tradingName": "T"},
    }


def _replace(body: dict[str, object], data: st.DataObject, value: object) -> dict[str, object]:
    """The body with one field (or an item of a list field, or a new field) made ``value``."""
    names = [*body, "anExtraField"]
    name = data.draw(st.sampled_from(names), label="field")
    changed = dict(body)
    current = changed.get(name)
    if isinstance(current, list) and current and isinstance(current[0], str | dict):
        if isinstance(current[0], dict):
            inner = dict(current[0])
            inner[data.draw(st.sampled_from([*inner, "extra"]), label="inner")] = value
            changed[name] = [inner]
        else:
            changed[name] = [value]
    else:
        changed[name] = value
    return changed


@pytest.mark.parametrize(
    "path",
    [
        "/emulator/applications",
        "/emulator/oauth/grant",
        "/emulator/clock",
        f"/emulator/returns/{NINO}/2025-26",
        "/emulator/annual-review/2027-28",
        "/emulator/population",
        f"/emulator/obligations/{NINO}/fulfil",
    ],
)
@FUZZ
@given(data=st.data())
def test_control_endpoints_never_fail_on_hostile_json(
    world: World, path: str, data: st.DataObject
) -> None:
    bodies = _control_bodies(world)
    value = data.draw(HOSTILE, label="value")
    body = _replace(bodies[path], data, value)
    world.check(
        lambda: world.emulator.client.post(
            path, content=_json(body), headers={"Content-Type": "application/json"}
        ),
        must_refuse=_is_refused_in_json(value),
    )


@pytest.mark.parametrize("path", sorted(_api_bodies()))
@FUZZ
@given(data=st.data())
def test_json_apis_never_fail_on_hostile_bodies(
    world: World, path: str, data: st.DataObject
) -> None:
    bodies = _api_bodies()
    value = data.draw(HOSTILE, label="value")
    body = _replace(bodies[path], data, value)
    token = world.app_token if path.startswith("/create-test-user/") else world.user_token
    world.check(
        lambda: world.emulator.client.post(
            path,
            content=_json(body),
            headers={
                "Content-Type": "application/json",
                "Accept": "application/vnd.hmrc.1.0+json",
                "Authorization": f"Bearer {token}",
            },
        ),
        must_refuse=_is_refused_in_json(value),
    )


@FUZZ
@given(data=st.data())
def test_the_control_api_never_fails_on_hostile_queries_and_headers(
    world: World, data: st.DataObject
) -> None:
    text = data.draw(TEXT.filter(lambda t: not any(0xD800 <= ord(c) <= 0xDFFF for c in t)))
    latin1 = text.encode("latin-1", "replace")[:4096]
    method, path = data.draw(
        st.sampled_from(
            [("GET", "/emulator/clock"), ("POST", "/emulator/clock"), ("POST", "/emulator/reset")]
        ),
        label="endpoint",
    )
    where = data.draw(st.sampled_from(["query", "origin", "content-type", "fetch-site"]))
    headers: dict[str, str | bytes] = {"Content-Type": "application/json"}
    params = None
    if where == "query":
        params = {"x": text[:4000]}  # the client refuses a longer query
    else:
        name = {"origin": "Origin", "content-type": "Content-Type", "fetch-site": "Sec-Fetch-Site"}
        headers[name[where]] = latin1
    world.check(
        lambda: world.emulator.client.request(
            method, path, params=params, headers=headers, content=b'{"advanceSeconds": 0}'
        )
    )


# --- forms -------------------------------------------------------------------------------------
def _fresh(world: World) -> TestClient:
    return world.emulator.new_client()


def _sign_in_form(client: TestClient, world: World) -> str:
    return csrf_token(client.get("/gg/sign-in").text)


def _two_step_form(client: TestClient, world: World) -> str:
    account = world.emulator.account(two_step_method=TwoStepMethod.AUTHENTICATOR_APP)
    token = csrf_token(client.get("/gg/sign-in").text)
    client.post(
        "/gg/sign-in", data={"csrf_token": token, "user_id": account.user_id, "password": PASSWORD}
    )
    return csrf_token(client.get("/gg/two-step").text)


def _registration_form(client: TestClient, world: World) -> str:
    token = csrf_token(client.get("/gg/create-account").text)
    client.post("/gg/create-account", data={"csrf_token": token, **REGISTRATION})
    return csrf_token(client.get("/gg/two-step/setup/app").text)


def _text_code_form(client: TestClient, world: World) -> str:
    token = _registration_form(client, world)
    client.post(
        "/gg/two-step/setup/text", data={"csrf_token": token, "phone_number": "07700900982"}
    )
    return token


def _journey_form(client: TestClient, world: World) -> str:
    account = world.emulator.account(confidence_level=50)
    client.get(
        "/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": world.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "read:self-assessment",
        },
    )
    token = csrf_token(client.get("/gg/sign-in").text)
    client.post(
        "/gg/sign-in", data={"csrf_token": token, "user_id": account.user_id, "password": PASSWORD}
    )
    return csrf_token(client.get("/iv/journey").text)


def _devhub_form(client: TestClient, world: World) -> str:
    return csrf_token(client.get("/developer/applications/new").text)


def _no_form(client: TestClient, world: World) -> str:
    return ""


REGISTRATION: dict[str, str] = {
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
}
DEVHUB = {
    "name": "Fuzzed",
    "redirectUris": REDIRECT_URI,
    "apis": "create-test-user",
    "rateLimitPerSecond": "3",
    "grantLengthDays": "547",
}
#: Each form: its path, how to reach it (returning the CSRF token), and its fields.
FORMS: dict[str, tuple[Callable[[TestClient, World], str], dict[str, str]]] = {
    "/gg/sign-in": (_sign_in_form, {"user_id": "000000000000", "password": PASSWORD}),
    "/gg/two-step": (_two_step_form, {"code": "123456"}),
    "/gg/two-step/resend": (_two_step_form, {}),
    "/gg/create-account": (_sign_in_form, REGISTRATION),
    "/gg/two-step/setup": (_registration_form, {"method": "app"}),
    "/gg/two-step/setup/app": (_registration_form, {"code": "123456"}),
    "/gg/two-step/setup/text": (_registration_form, {"phone_number": "07700900982"}),
    "/gg/two-step/setup/text/code": (_text_code_form, {"code": "123456"}),
    "/gg/two-step/setup/text/resend": (_text_code_form, {}),
    "/gg/sign-out": (_sign_in_form, {}),
    "/iv/journey": (_journey_form, {"outcome": "FailedMatching"}),
    "/oauth/grantscope": (_journey_form, {"decision": "deny"}),
    "/developer/applications": (_devhub_form, DEVHUB),
    "/applications/manage/1/revoke": (_sign_in_form, {}),
    "/oauth/token": (
        _no_form,
        {
            "grant_type": "authorization_code",
            "client_id": "x",
            "client_secret": "y",
            "redirect_uri": REDIRECT_URI,
            "code": "0" * 32,
            "code_verifier": "v" * 43,
            "refresh_token": "r",
            "scope": "read:self-assessment",
        },
    ),
}


@pytest.mark.parametrize("path", sorted(FORMS))
@FUZZ
@given(data=st.data())
def test_forms_never_fail_on_hostile_fields(world: World, path: str, data: st.DataObject) -> None:
    reach, fields = FORMS[path]
    client = _fresh(world)
    post_hostile(client, path, reach(client, world), fields, data, world.rows, HOSTILE)
