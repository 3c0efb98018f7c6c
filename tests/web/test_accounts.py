"""Creating a Government Gateway account on the web (with 2-step verification first) and the
emulator's phone, in process."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from openmtd.emulator.gateway import accounts as accounts_service
from openmtd.emulator.gateway import registration, two_step, two_step_setup
from openmtd.emulator.gateway.accounts import AccountDetails
from openmtd.emulator.gateway.registration import (
    PendingRegistration,
    RegistrationForm,
)
from openmtd.emulator.gateway.two_step import TwoStepFailure
from openmtd.emulator.gateway.two_step_setup import SetupCode
from openmtd.emulator.security import token_hash
from openmtd.emulator.storage import (
    Account,
    AffinityGroup,
    CredentialRole,
    Enrolment,
    TextMessage,
    TwoStepMethod,
)
from support.emulator import (
    PASSWORD,
    REDIRECT_URI,
    START,
    EmulatorHarness,
    csrf_token,
    sign_out,
)

NEW_PASSWORD = "a long enough secret"
MOBILE = "+447700900982"
_SECRET = re.compile(r'<code id="secret">([A-Z2-7 ]+)</code>')
_TEXT_CODE = re.compile(r"security code is (\d{6})")
_USER_ID = re.compile(r'<span class="big" id="user-id">(\d{12})</span>')


def _details(**overrides: str) -> dict[str, str]:
    fields = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
        "affinity_group": "Individual",
        "dob_day": "10",
        "dob_month": "12",
        "dob_year": "1985",
        "address_line1": "1 Analytical Row",
        "address_line2": "London",
        "postcode": "sw1a 2aa",
    }
    fields.update(overrides)
    return fields


def _submit_details(client: TestClient, **overrides: str) -> Any:
    token = csrf_token(client.get("/gg/create-account").text)
    return client.post("/gg/create-account", data={"csrf_token": token, **_details(**overrides)})


def _errors(page: str) -> dict[str, str]:
    """The error summary: field id -> message."""
    found = re.findall(r'<li><a href="#([a-z_0-9-]+)">([^<]+)</a></li>', page)
    return {field: html.unescape(text) for field, text in found}


def _secret_on(page: str) -> str:
    match = _SECRET.search(page)
    assert match, "the page shows no secret"
    return match.group(1).replace(" ", "")


def _account(emulator: EmulatorHarness, user_id: str) -> Account:
    with emulator.services.store.transaction() as tx:
        account = tx.accounts.get_by_user_id(user_id)
    assert account is not None
    return account


def _texts(emulator: EmulatorHarness, number: str = MOBILE) -> list[TextMessage]:
    with emulator.services.store.transaction() as tx:
        return tx.phone.messages(number)


def _last_code(emulator: EmulatorHarness, number: str = MOBILE) -> str:
    match = _TEXT_CODE.search(_texts(emulator, number)[0].body)
    assert match
    return match.group(1)


def _create_with_app(emulator: EmulatorHarness, **overrides: str) -> str:
    """Create an account through the pages with an authenticator app; its user ID."""
    client = emulator.client
    assert _submit_details(client, **overrides).headers["location"] == "/gg/two-step/setup"
    token = csrf_token(client.get("/gg/two-step/setup").text)
    response = client.post("/gg/two-step/setup", data={"csrf_token": token, "method": "app"})
    assert response.headers["location"] == "/gg/two-step/setup/app"
    page = client.get("/gg/two-step/setup/app").text
    secret = _secret_on(page)
    code = two_step.totp_code(secret, emulator.now())
    response = client.post(
        "/gg/two-step/setup/app", data={"csrf_token": csrf_token(page), "code": code}
    )
    assert response.headers["location"] == "/gg/create-account/done"
    match = _USER_ID.search(client.get("/gg/create-account/done").text)
    assert match
    emulator.totp_secrets[match.group(1)] = secret
    return match.group(1)


def _start_text_setup(emulator: EmulatorHarness, number: str = "07700 900982") -> str:
    """Submit details, choose text message and give a number; the code page's HTML."""
    client = emulator.client
    _submit_details(client)
    token = csrf_token(client.get("/gg/two-step/setup").text)
    client.post("/gg/two-step/setup", data={"csrf_token": token, "method": "text"})
    token = csrf_token(client.get("/gg/two-step/setup/text").text)
    response = client.post(
        "/gg/two-step/setup/text", data={"csrf_token": token, "phone_number": number}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/gg/two-step/setup/text/code"
    return client.get("/gg/two-step/setup/text/code").text


# --- the details form -------------------------------------------------------------------------


def test_the_form_carries_every_field_and_a_csrf_token(emulator: EmulatorHarness) -> None:
    page = emulator.client.get("/gg/create-account")
    assert page.status_code == 200
    assert csrf_token(page.text)
    for name in RegistrationForm.__dataclass_fields__:
        assert f'name="{name}"' in page.text
    assert 'value="Assistant"' in page.text
    assert 'value="250"' in page.text


def test_valid_details_go_to_2sv_setup_and_create_nothing_yet(emulator: EmulatorHarness) -> None:
    response = _submit_details(emulator.client)
    assert response.status_code == 303
    assert response.headers["location"] == "/gg/two-step/setup"
    with emulator.services.store.transaction() as tx:
        assert tx.accounts.get(1) is None


def test_the_password_is_kept_only_as_a_hash(emulator: EmulatorHarness) -> None:
    _submit_details(emulator.client)
    with emulator.services.store.transaction() as tx:
        sessions = [tx.sessions.get(token_hash(v)) for v in emulator.client.cookies.values()]
    data = repr([session.data for session in sessions if session])
    assert NEW_PASSWORD not in data
    assert "$argon2id$" in data


def test_missing_details_are_all_reported_against_their_fields(
    emulator: EmulatorHarness,
) -> None:
    response = _submit_details(
        emulator.client,
        first_name=" ",
        last_name="",
        email="nope",
        password="short",
        confirm_password="short",
        affinity_group="",
        dob_day="",
        dob_month="",
        dob_year="",
        address_line1="",
        postcode="",
    )
    assert response.status_code == 400
    errors = _errors(response.text)
    assert list(errors.items()) == [
        ("first_name", "Enter your first name"),
        ("last_name", "Enter your last name"),
        ("email", "Enter an email address, like name@example.com"),
        ("affinity_group", "Select the type of account"),
        ("address_line1", "Enter the first line of your address"),
        ("postcode", "Enter your postcode"),
        ("password", "Enter a password of at least 10 characters"),
    ]
    for field in errors:
        assert f'id="{field}"' in response.text


def test_an_individual_needs_a_date_of_birth(emulator: EmulatorHarness) -> None:
    response = _submit_details(emulator.client, dob_day="", dob_month="", dob_year="")
    assert _errors(response.text) == {"date_of_birth": "Enter your date of birth"}


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "1990", "Date of birth must be a real date, like 27 3 1985"),
        ("x", "2", "1990", "Date of birth must be a real date, like 27 3 1985"),
        ("1", "1", "2030", "Date of birth must be in the past"),
        ("1", "1", "1899", "Date of birth must be after 1 January 1900"),
    ],
)
def test_a_bad_date_of_birth_is_refused(
    emulator: EmulatorHarness, day: str, month: str, year: str, message: str
) -> None:
    response = _submit_details(emulator.client, dob_day=day, dob_month=month, dob_year=year)
    assert response.status_code == 400
    assert _errors(response.text) == {"date_of_birth": message}


def test_typed_details_are_kept_but_never_the_password(emulator: EmulatorHarness) -> None:
    response = _submit_details(emulator.client, confirm_password="something else", nino="ce123456a")
    assert _errors(response.text) == {"confirm_password": "The passwords do not match"}
    assert 'value="Ada"' in response.text
    assert 'value="ada@example.com"' in response.text
    assert 'value="ce123456a"' in response.text
    assert NEW_PASSWORD not in response.text
    assert "something else" not in response.text


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"nino": "QQ12"}, "nino"),
        ({"postcode": "NOT A POSTCODE"}, "postcode"),
        ({"sa_utr": "1234567890"}, "sa_utr"),
        ({"mtditid": "NOT-VALID!"}, "mtditid"),
        ({"first_name": "A" * 101}, "first_name"),
        ({"address_line2": "x" * 36}, "address_line2"),
        ({"password": "p" * 129, "confirm_password": "p" * 129}, "password"),
        ({"confidence_level": "600"}, "confidence_level"),
        ({"credential_role": "Admin"}, "credential_role"),
        ({"affinity_group": "Trust"}, "affinity_group"),
        ({"arn": "TARN0000001"}, "arn"),
        ({"ir_agent_reference": "A1B2C3"}, "ir_agent_reference"),
    ],
)
def test_each_bad_field_is_reported_against_itself(
    emulator: EmulatorHarness, overrides: dict[str, str], field: str
) -> None:
    response = _submit_details(emulator.client, **overrides)
    assert response.status_code == 400
    assert list(_errors(response.text)) == [field]


def test_agent_enrolments_are_checked_for_agents(emulator: EmulatorHarness) -> None:
    response = _submit_details(
        emulator.client,
        affinity_group="Agent",
        arn="TARN0000002",
        ir_agent_reference="toolong1",
        sa_utr="2234567890",
        nino="CE123456A",
    )
    errors = _errors(response.text)
    assert set(errors) == {"arn", "ir_agent_reference", "sa_utr", "nino"}
    assert "first letter does not match" in errors["arn"]
    assert errors["sa_utr"] == "An agent's account cannot hold this enrolment"


def test_an_organisation_cannot_start_with_an_assistant(emulator: EmulatorHarness) -> None:
    response = _submit_details(
        emulator.client, affinity_group="Organisation", credential_role="Assistant"
    )
    assert _errors(response.text) == {
        "credential_role": "An organisation's first user must be an admin"
    }


def test_an_enrolment_another_account_holds_is_refused(emulator: EmulatorHarness) -> None:
    emulator.account(enrolments=(Enrolment("IR-SA", "UTR", "2234567890"),))
    response = _submit_details(emulator.client, sa_utr="22345 67890")
    assert _errors(response.text) == {
        "sa_utr": "Another account already holds this enrolment for that reference"
    }


def test_a_post_without_the_csrf_token_is_refused(emulator: EmulatorHarness) -> None:
    emulator.client.get("/gg/create-account")
    response = emulator.client.post("/gg/create-account", data=_details())
    assert response.status_code == 403
    assert "This form has expired" in response.text


# --- choosing a 2-step method -----------------------------------------------------------------


def test_setup_pages_without_details_say_the_session_ended(emulator: EmulatorHarness) -> None:
    client = emulator.client
    for path in (
        "/gg/two-step/setup",
        "/gg/two-step/setup/app",
        "/gg/two-step/setup/text",
        "/gg/two-step/setup/text/code",
        "/gg/create-account/done",
    ):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "Your session has ended" in response.text
    token = csrf_token(client.get("/gg/create-account").text)
    for path in (
        "/gg/two-step/setup",
        "/gg/two-step/setup/app",
        "/gg/two-step/setup/text",
        "/gg/two-step/setup/text/code",
        "/gg/two-step/setup/text/resend",
    ):
        response = client.post(path, data={"csrf_token": token, "code": "123456"})
        assert response.status_code == 400, path
        assert "Nothing has been created" in response.text


def test_choosing_no_method_is_an_error(emulator: EmulatorHarness) -> None:
    client = emulator.client
    _submit_details(client)
    token = csrf_token(client.get("/gg/two-step/setup").text)
    response = client.post("/gg/two-step/setup", data={"csrf_token": token})
    assert response.status_code == 400
    assert _errors(response.text) == {"method": "Select how you want to get security codes"}
    response = client.post("/gg/two-step/setup", data={"csrf_token": token, "method": "text"})
    assert response.headers["location"] == "/gg/two-step/setup/text"


def test_a_pending_registration_ends_with_the_session(emulator: EmulatorHarness) -> None:
    _submit_details(emulator.client)
    emulator.advance(901)
    response = emulator.client.get("/gg/two-step/setup")
    assert response.status_code == 400
    assert "Your session has ended" in response.text


# --- authenticator app ------------------------------------------------------------------------


def test_the_app_page_shows_the_secret_in_fours_and_a_qr_code(emulator: EmulatorHarness) -> None:
    client = emulator.client
    _submit_details(client)
    page = client.get("/gg/two-step/setup/app").text
    secret = _secret_on(page)
    assert re.search(r'<code id="secret">([A-Z2-7]{4} ){7}[A-Z2-7]{4}</code>', page)
    assert '<svg role="img" aria-label="QR code for your authenticator app"' in page
    assert "<?xml" not in page
    # The same secret on reload: the person may reload after scanning.
    assert _secret_on(client.get("/gg/two-step/setup/app").text) == secret
    assert "Ada" not in page.split("<main", 1)[1].split("</main>", 1)[0]


def test_app_setup_creates_the_account_signed_in(emulator: EmulatorHarness) -> None:
    user_id = _create_with_app(emulator, sa_utr="2234567890", mtditid="XJIT00000328268")
    account = _account(emulator, user_id)
    assert account.two_step_method is TwoStepMethod.AUTHENTICATOR_APP
    assert account.totp_secret == emulator.totp_secrets[user_id]
    assert account.totp_last_step is not None
    assert account.confidence_level == 50
    assert account.credential_role is CredentialRole.USER
    assert account.affinity_group is AffinityGroup.INDIVIDUAL
    assert account.date_of_birth == date(1985, 12, 10)
    assert account.address.postcode == "SW1A 2AA"
    assert account.enrolment("IR-SA") == Enrolment("IR-SA", "UTR", "2234567890")
    assert account.enrolment("HMRC-MTD-IT") == Enrolment(
        "HMRC-MTD-IT", "MTDITID", "XJIT00000328268"
    )
    assert account.group.agent_code is None
    assert emulator.services.hasher.verify(account.password_hash, NEW_PASSWORD)
    page = emulator.client.get("/gg/create-account/done").text
    assert "Keep this safe: you need it to sign in" in page
    assert "Signed in as Ada Lovelace" in page
    assert 'href="/" id="continue"' in page
    # Pending details are gone: the setup pages no longer work.
    assert emulator.client.get("/gg/two-step/setup").status_code == 400


def test_a_wrong_or_missing_app_code_is_refused(emulator: EmulatorHarness) -> None:
    client = emulator.client
    _submit_details(client)
    page = client.get("/gg/two-step/setup/app").text
    secret = _secret_on(page)
    right = two_step.totp_code(secret, emulator.now())
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(
        "/gg/two-step/setup/app", data={"csrf_token": csrf_token(page), "code": wrong}
    )
    assert response.status_code == 401
    assert _errors(response.text) == {
        "code": "The code you entered is not correct. Check it and try again"
    }
    response = client.post("/gg/two-step/setup/app", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 400
    assert _errors(response.text) == {"code": "Enter the 6-digit security code"}
    assert _secret_on(response.text) == secret


def test_the_setup_code_cannot_be_replayed_to_sign_in(emulator: EmulatorHarness) -> None:
    client = emulator.client
    _submit_details(client)
    page = client.get("/gg/two-step/setup/app").text
    code = two_step.totp_code(_secret_on(page), emulator.now())
    client.post("/gg/two-step/setup/app", data={"csrf_token": csrf_token(page), "code": code})
    user_id = _USER_ID.search(client.get("/gg/create-account/done").text)
    assert user_id
    sign_out(client)
    token = csrf_token(client.get("/gg/sign-in").text)
    client.post(
        "/gg/sign-in",
        data={"csrf_token": token, "user_id": user_id.group(1), "password": NEW_PASSWORD},
    )
    token = csrf_token(client.get("/gg/two-step").text)
    response = client.post("/gg/two-step", data={"csrf_token": token, "code": code})
    assert response.status_code == 401


def test_a_new_account_signs_in_with_its_app(emulator: EmulatorHarness) -> None:
    user_id = _create_with_app(emulator, confidence_level="250")
    client = emulator.client
    sign_out(client)
    emulator.advance(60)
    token = csrf_token(client.get("/gg/sign-in").text)
    response = client.post(
        "/gg/sign-in", data={"csrf_token": token, "user_id": user_id, "password": NEW_PASSWORD}
    )
    assert response.headers["location"] == "/gg/two-step"
    token = csrf_token(client.get("/gg/two-step").text)
    code = emulator.totp(_account(emulator, user_id))
    response = client.post("/gg/two-step", data={"csrf_token": token, "code": code})
    assert response.headers["location"] == "/"
    assert _account(emulator, user_id).confidence_level == 250


def test_an_agent_gets_an_agent_code_and_its_enrolments(emulator: EmulatorHarness) -> None:
    user_id = _create_with_app(
        emulator,
        affinity_group="Agent",
        confidence_level="250",
        credential_role="Assistant",
        arn="tarn 000 0001",
        ir_agent_reference="a1b2c3",
        dob_day="",
        dob_month="",
        dob_year="",
    )
    account = _account(emulator, user_id)
    assert account.affinity_group is AffinityGroup.AGENT
    assert account.confidence_level == 50
    assert account.credential_role is CredentialRole.ASSISTANT
    assert account.date_of_birth is None
    assert account.group.agent_code is not None
    assert re.fullmatch(r"[A-Z]{6}[0-9]{6}", account.group.agent_code)
    assert account.enrolment("HMRC-AS-AGENT") == Enrolment(
        "HMRC-AS-AGENT", "AgentReferenceNumber", "TARN0000001"
    )
    assert account.enrolment("IR-SA-AGENT") == Enrolment(
        "IR-SA-AGENT", "IRAgentReference", "A1B2C3"
    )


def test_an_enrolment_taken_during_setup_stops_the_creation(emulator: EmulatorHarness) -> None:
    client = emulator.client
    _submit_details(client, sa_utr="2234567890")
    page = client.get("/gg/two-step/setup/app").text
    emulator.account(enrolments=(Enrolment("IR-SA", "UTR", "2234567890"),))
    code = two_step.totp_code(_secret_on(page), emulator.now())
    response = client.post(
        "/gg/two-step/setup/app", data={"csrf_token": csrf_token(page), "code": code}
    )
    assert response.status_code == 409
    assert "We could not create your account" in response.text
    with emulator.services.store.transaction() as tx:
        assert tx.accounts.get(2) is None


def test_the_confirmation_continues_the_journey(emulator: EmulatorHarness) -> None:
    created = emulator.application()
    emulator.client.get(
        "/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": created.application.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "hello",
        },
    )
    _create_with_app(emulator)
    page = emulator.client.get("/gg/create-account/done").text
    assert 'href="/oauth/continue" id="continue"' in page
    assert emulator.client.get("/oauth/continue").headers["location"] == "/oauth/grantscope"


def test_the_confirmation_is_only_for_the_account_just_created(
    emulator: EmulatorHarness,
) -> None:
    account = emulator.account()
    client = emulator.client
    token = csrf_token(client.get("/gg/sign-in").text)
    client.post(
        "/gg/sign-in",
        data={"csrf_token": token, "user_id": account.user_id, "password": PASSWORD},
    )
    response = client.get("/gg/create-account/done")
    assert response.status_code == 400
    assert account.user_id not in response.text


# --- text message -----------------------------------------------------------------------------


def test_text_setup_sends_a_code_to_the_emulators_phone(emulator: EmulatorHarness) -> None:
    page = _start_text_setup(emulator)
    assert "We have sent a code to +447700900982" in page
    assert "/gg/phone?number=%2B447700900982" in page
    texts = _texts(emulator)
    assert len(texts) == 1
    assert texts[0].sent_at == START
    assert texts[0].body.endswith("It expires in 10 minutes.")
    response = emulator.client.post(
        "/gg/two-step/setup/text/code",
        data={"csrf_token": csrf_token(page), "code": _last_code(emulator)},
    )
    assert response.headers["location"] == "/gg/create-account/done"
    done = emulator.client.get("/gg/create-account/done").text
    assert "text messages to your phone" in done
    match = _USER_ID.search(done)
    assert match
    account = _account(emulator, match.group(1))
    assert account.two_step_method is TwoStepMethod.TEXT_MESSAGE
    assert account.phone_number == MOBILE
    assert account.totp_secret is None


def test_the_code_page_without_a_number_asks_for_one(emulator: EmulatorHarness) -> None:
    client = emulator.client
    _submit_details(client)
    assert client.get("/gg/two-step/setup/text/code").headers["location"] == (
        "/gg/two-step/setup/text"
    )
    token = csrf_token(client.get("/gg/two-step/setup/text").text)
    for path in ("/gg/two-step/setup/text/code", "/gg/two-step/setup/text/resend"):
        response = client.post(path, data={"csrf_token": token, "code": "123456"})
        assert response.headers["location"] == "/gg/two-step/setup/text"


def test_a_bad_phone_number_is_refused_and_kept(emulator: EmulatorHarness) -> None:
    client = emulator.client
    _submit_details(client)
    token = csrf_token(client.get("/gg/two-step/setup/text").text)
    response = client.post(
        "/gg/two-step/setup/text", data={"csrf_token": token, "phone_number": "020 7946 0000"}
    )
    assert response.status_code == 400
    assert _errors(response.text) == {"phone_number": two_step_setup.PHONE_NUMBER_MESSAGE}
    assert 'value="020 7946 0000"' in response.text
    assert _texts(emulator, "+442079460000") == []


def test_wrong_text_codes_count_and_five_start_again(emulator: EmulatorHarness) -> None:
    page = _start_text_setup(emulator)
    right = _last_code(emulator)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    token = csrf_token(page)
    client = emulator.client
    response = client.post("/gg/two-step/setup/text/code", data={"csrf_token": token})
    assert _errors(response.text) == {"code": "Enter the 6-digit security code"}
    for _ in range(4):
        response = client.post(
            "/gg/two-step/setup/text/code", data={"csrf_token": token, "code": wrong}
        )
        assert response.status_code == 401
        assert _errors(response.text) == {
            "code": "The code you entered is not correct. Check it and try again"
        }
    response = client.post(
        "/gg/two-step/setup/text/code", data={"csrf_token": token, "code": wrong}
    )
    assert response.status_code == 429
    assert "You entered too many wrong codes" in response.text
    # The old code is gone, even the right one: a new number and code are needed.
    response = client.post(
        "/gg/two-step/setup/text/code", data={"csrf_token": token, "code": right}
    )
    assert response.headers["location"] == "/gg/two-step/setup/text"
    with emulator.services.store.transaction() as tx:
        assert tx.accounts.get(1) is None


def test_an_expired_text_code_is_refused_and_a_new_one_works(emulator: EmulatorHarness) -> None:
    page = _start_text_setup(emulator)
    old = _last_code(emulator)
    emulator.advance(600)
    client = emulator.client
    token = csrf_token(page)
    response = client.post("/gg/two-step/setup/text/code", data={"csrf_token": token, "code": old})
    assert response.status_code == 401
    assert _errors(response.text) == {
        "code": "The code has expired. Send a new code and enter that one"
    }
    response = client.post("/gg/two-step/setup/text/resend", data={"csrf_token": token})
    assert response.headers["location"] == "/gg/two-step/setup/text/code"
    assert len(_texts(emulator)) == 2
    new = _last_code(emulator)
    response = client.post("/gg/two-step/setup/text/code", data={"csrf_token": token, "code": new})
    assert response.headers["location"] == "/gg/create-account/done"


# --- the emulator's phone ---------------------------------------------------------------------


def test_the_phone_shows_texts_newest_first(emulator: EmulatorHarness) -> None:
    with emulator.services.store.transaction() as tx:
        tx.phone.send(TextMessage(MOBILE, "first <b>text</b>", START))
        tx.phone.send(TextMessage(MOBILE, "second text", START.replace(hour=14, minute=5)))
        tx.phone.send(TextMessage("+447700900111", "someone else's", START))
    page = emulator.client.get("/gg/phone", params={"number": "+44 (0)7700 900-982"})
    assert page.status_code == 200
    assert "Texts to +447700900982" in page.text
    assert page.text.index("second text") < page.text.index("first &lt;b&gt;text&lt;/b&gt;")
    assert "someone else" not in page.text
    assert "2:05pm on 26 November 2026" in page.text
    assert "10:00am on 26 November 2026" in page.text


def test_the_phone_without_a_number_shows_the_form(emulator: EmulatorHarness) -> None:
    page = emulator.client.get("/gg/phone")
    assert page.status_code == 200
    assert 'name="number"' in page.text
    assert "Texts to" not in page.text


def test_the_phone_with_no_texts_says_so(emulator: EmulatorHarness) -> None:
    page = emulator.client.get("/gg/phone", params={"number": "07700900982"})
    assert 'id="no-texts"' in page.text


def test_the_phone_refuses_a_number_that_is_not_a_uk_mobile(emulator: EmulatorHarness) -> None:
    page = emulator.client.get("/gg/phone", params={"number": "<script>1</script>"})
    assert page.status_code == 400
    assert _errors(page.text) == {"number": two_step_setup.PHONE_NUMBER_MESSAGE}
    assert "<script>1" not in page.text


# --- the service directly ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "07700900982",
        "07700 900 982",
        "+447700900982",
        "+44 7700 900982",
        "00447700900982",
        "447700900982",
        "+44 (0)7700 900982",
        "07700-900-982",
    ],
)
def test_uk_mobile_numbers_normalise_to_one_form(typed: str) -> None:
    assert two_step_setup.uk_mobile_number(typed) == MOBILE


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "0770090098",
        "077009009821",
        "02079460000",
        "+33612345678",
        "O7700900982",
        "０7700900982",
    ],
)
def test_other_numbers_are_not_uk_mobiles(typed: str) -> None:
    with pytest.raises(registration.AccountError) as raised:
        two_step_setup.uk_mobile_number(typed)
    assert raised.value.field == "phone_number"


def test_pending_registrations_round_trip_and_bad_data_is_none() -> None:
    pending = PendingRegistration(
        AccountDetails(
            password="",
            first_name="Ada",
            last_name="Lovelace",
            email="ada@example.com",
            date_of_birth=date(1985, 12, 10),
            enrolments=(Enrolment("IR-SA", "UTR", "2234567890"),),
        ),
        "$argon2id$hash",
    )
    assert PendingRegistration.from_data(pending.to_data()) == pending
    assert PendingRegistration.from_data(None) is None
    assert PendingRegistration.from_data({"first_name": "Ada"}) is None
    setup = SetupCode(MOBILE, "ab" * 32, START)
    assert SetupCode.from_data(setup.to_data()) == setup
    assert SetupCode.from_data("nope") is None
    assert SetupCode.from_data({"phone_number": MOBILE}) is None


def test_setup_codes_count_attempts() -> None:
    setup = SetupCode(MOBILE, token_hash("123456"), START.replace(minute=10))
    assert two_step_setup.check_setup_code(setup, "123 456", START) == (None, setup)
    failure, counted = two_step_setup.check_setup_code(setup, "654321", START)
    assert failure is TwoStepFailure.WRONG_CODE
    assert counted.wrong_attempts == 1
    failure, _ = two_step_setup.check_setup_code(setup, "123456", START.replace(minute=10))
    assert failure is TwoStepFailure.EXPIRED
    nearly = SetupCode(MOBILE, setup.code_hash, setup.expires_at, wrong_attempts=4)
    assert two_step_setup.check_setup_code(nearly, "000000", START)[0] is TwoStepFailure.LOCKED


def test_setup_totp_step_accepts_drift_and_refuses_a_wrong_code() -> None:
    secret = two_step.new_totp_secret()
    step = int(START.timestamp()) // 30
    for offset in (0, -1, 1):
        code = two_step.totp_code(secret, START + timedelta(seconds=30 * offset))
        assert two_step_setup.setup_totp_step(secret, code, START) == step + offset
    too_old = two_step.totp_code(secret, START - timedelta(seconds=60))
    assert two_step_setup.setup_totp_step(secret, too_old, START) is None
    assert two_step_setup.setup_totp_step(secret, "not a code", START) is None


def test_the_qr_label_and_secret_grouping() -> None:
    assert two_step_setup.qr_label() == "New HMRC sign in"
    assert two_step_setup.group_secret("ABCDEFGHIJ") == "ABCD EFGH IJ"


def test_register_skips_a_user_id_already_taken(
    emulator: EmulatorHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = emulator.account()
    ids = iter([taken.user_id, "123456789012"])
    monkeypatch.setattr(accounts_service, "new_user_id", lambda: next(ids))
    pending = PendingRegistration(
        AccountDetails(password="", first_name="Ada", last_name="L", email="a@example.com"),
        "$argon2id$hash",
    )
    with emulator.services.store.transaction() as tx:
        account = registration.register(
            tx, START, pending, TwoStepMethod.TEXT_MESSAGE, phone_number=MOBILE
        )
    assert account.user_id == "123456789012"
    assert account.phone_number == MOBILE


def test_a_refusal_the_form_cannot_place_still_stops_the_form(
    emulator: EmulatorHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(details: AccountDetails) -> AccountDetails:
        raise registration.AccountError("something_new", "A new rule refused this")

    monkeypatch.setattr(registration, "validate_details", refuse)
    with emulator.services.store.transaction() as tx:
        errors = registration.check_form(
            tx, RegistrationForm.from_fields(_details()), date(2026, 11, 26)
        )
    assert errors == {"something_new": "A new rule refused this"}


def test_a_text_message_account_without_a_phone_cannot_sign_in(emulator: EmulatorHarness) -> None:
    from openmtd.emulator.storage import TwoStepMethod

    account = emulator.account(two_step_method=TwoStepMethod.TEXT_MESSAGE, phone_number=None)
    client = emulator.client
    token = csrf_token(client.get("/gg/sign-in").text)
    response = client.post(
        "/gg/sign-in", data={"csrf_token": token, "user_id": account.user_id, "password": PASSWORD}
    )
    assert response.status_code == 409
    assert "has no phone number" in response.text
