"""Sign-up's gate, in process: sign-in, the wrong account, the administrator, the identity
check, no NINO, no UTR, already signed up (opted out, enrolment allocated to no group), and
one page per ineligible outcome (business rules §1.2, §1.3)."""

from __future__ import annotations

import pytest

from openmtd.emulator.sign_up.complete import SignUpRequest, complete_sign_up
from openmtd.emulator.sign_up.journey import StartDate
from openmtd.emulator.storage import AffinityGroup, CredentialRole, Enrolment
from openmtd.rules.tax_year import TaxYear
from support.emulator import EmulatorHarness, csrf_token
from support.sign_up import NINO, UTR, add_status, begin, person, sign_in, submit


def _h1(html: str) -> str:
    return html.split("<h1>", 1)[1].split("</h1>", 1)[0]


def test_the_start_page_leads_to_the_gate(emulator: EmulatorHarness) -> None:
    page = emulator.client.get("/signup")
    assert page.status_code == 200
    assert 'href="/signup/begin"' in page.text
    assert "partnership" in page.text
    assert 'href="/signup"' in emulator.client.get("/").text


def test_the_gate_signs_the_person_in_first_and_comes_back(emulator: EmulatorHarness) -> None:
    account = person(emulator)
    response = begin(emulator.client)
    assert response.headers["location"] == "/gg/sign-in"
    assert sign_in(emulator.client, account).headers["location"] == "/signup/begin"
    assert begin(emulator.client).headers["location"] == "/signup/tax-year"


def test_an_agent_gets_the_wrong_account_page(emulator: EmulatorHarness) -> None:
    agent = emulator.account(
        affinity_group=AffinityGroup.AGENT,
        confidence_level=50,
        enrolments=(Enrolment("HMRC-AS-AGENT", "AgentReferenceNumber", "TARN0000001"),),
    )
    sign_in(emulator.client, agent)
    page = begin(emulator.client)
    assert page.status_code == 403
    assert _h1(page.text) == "You signed in with an agent services account"


def test_an_assistant_is_told_only_an_administrator_can_sign_up(emulator: EmulatorHarness) -> None:
    admin = person(emulator)
    assistant = emulator.account(
        credential_role=CredentialRole.ASSISTANT,
        group_id=admin.group.group_id,
        nino="AB123456C",
        email="assistant@example.com",
    )
    sign_in(emulator.client, assistant)
    page = begin(emulator.client)
    assert page.status_code == 403
    assert _h1(page.text) == "You can only sign up if you are an administrator"


def test_below_confidence_level_250_the_identity_check_lifts_it(emulator: EmulatorHarness) -> None:
    account = person(emulator, confidence_level=50)
    sign_in(emulator.client, account)
    assert begin(emulator.client).headers["location"] == "/signup/identity"
    page = emulator.client.get("/signup/identity")
    assert "We need to confirm your identity" in page.text
    refused = emulator.client.post(
        "/signup/identity", data={"csrf_token": csrf_token(page.text), "outcome": "Nope"}
    )
    assert refused.status_code == 400
    assert "Select what happens in the check" in refused.text
    done = submit(emulator.client, "/signup/identity", {"outcome": "Success"})
    assert done.headers["location"] == "/signup/begin"
    with emulator.services.store.transaction() as tx:
        held = tx.accounts.get(account.id)
        assert held is not None
        assert held.confidence_level == 250
    assert begin(emulator.client).headers["location"] == "/signup/tax-year"
    # Once lifted, the check is not offered again.
    assert emulator.client.get("/signup/identity").headers["location"] == "/signup/begin"


def test_a_failed_identity_check_says_so_and_changes_nothing(emulator: EmulatorHarness) -> None:
    account = person(emulator, confidence_level=200)
    sign_in(emulator.client, account)
    page = submit(emulator.client, "/signup/identity", {"outcome": "FailedMatching"})
    assert page.status_code == 403
    assert _h1(page.text) == "We could not confirm your identity"
    assert "Failed matching" in page.text
    assert begin(emulator.client).headers["location"] == "/signup/identity"


def test_the_identity_page_without_sign_in_goes_to_the_gate(emulator: EmulatorHarness) -> None:
    assert emulator.client.get("/signup/identity").headers["location"] == "/signup/begin"


def test_no_nino_and_no_utr_each_have_their_page(emulator: EmulatorHarness) -> None:
    no_nino = person(emulator, nino=None)
    sign_in(emulator.client, no_nino)
    assert _h1(begin(emulator.client).text) == "You need a National Insurance number to sign up"
    other = emulator.new_client()
    no_utr = person(emulator, nino="AB123456C", enrolments=(), email="b@example.com")
    sign_in(other, no_utr)
    page = begin(other)
    assert _h1(page.text) == "You need to register for Self Assessment"
    assert "Register for Self Assessment first" in page.text


def test_an_organisation_with_a_nino_and_utr_passes_without_an_identity_check(
    emulator: EmulatorHarness,
) -> None:
    organisation = person(emulator, affinity_group=AffinityGroup.ORGANISATION, confidence_level=50)
    sign_in(emulator.client, organisation)
    assert begin(emulator.client).headers["location"] == "/signup/tax-year"


def _signed_up(emulator: EmulatorHarness, *, group_id: int | None) -> str:
    with emulator.services.store.transaction() as tx:
        subscription = complete_sign_up(
            tx,
            emulator.now(),
            SignUpRequest(
                nino=NINO,
                utr=UTR,
                tax_year=TaxYear(2026),
                uk_property=StartDate(),
                group_id=group_id,
            ),
        )
    return subscription.mtditid


def test_someone_signed_up_is_told_so(emulator: EmulatorHarness) -> None:
    account = person(emulator)
    _signed_up(emulator, group_id=account.group.id)
    sign_in(emulator.client, account)
    page = begin(emulator.client)
    assert _h1(page.text) == "You have already signed up"
    assert 'href="/reporting-obligations"' in page.text


def test_a_created_test_user_holding_mtd_is_already_signed_up(emulator: EmulatorHarness) -> None:
    account = person(
        emulator,
        enrolments=(
            Enrolment("IR-SA", "UTR", UTR),
            Enrolment("HMRC-MTD-IT", "MTDITID", "XAIT00000000001"),
        ),
    )
    add_status(emulator, "2026-27", "MTD Voluntary", "Sign up - no return available")
    sign_in(emulator.client, account)
    assert _h1(begin(emulator.client).text) == "You have already signed up"


def test_someone_who_opted_out_is_sent_to_their_reporting_obligations(
    emulator: EmulatorHarness,
) -> None:
    account = person(emulator)
    _signed_up(emulator, group_id=account.group.id)
    emulator.advance(1)
    add_status(emulator, "2026-27", "Annual", "MTD ITSA Opt-Out")
    sign_in(emulator.client, account)
    page = begin(emulator.client)
    assert _h1(page.text) == "Manage your reporting obligations"
    assert "opted out" in page.text


def test_an_enrolment_allocated_to_no_group_is_added_to_the_account(
    emulator: EmulatorHarness,
) -> None:
    account = person(emulator)
    mtditid = _signed_up(emulator, group_id=None)
    sign_in(emulator.client, account)
    assert begin(emulator.client).headers["location"] == "/signup/add-to-account"
    page = emulator.client.get("/signup/add-to-account")
    assert "Add Making Tax Digital for Income Tax to your account" in page.text
    done = submit(emulator.client, "/signup/add-to-account")
    assert done.status_code == 200
    assert mtditid in done.text
    with emulator.services.store.transaction() as tx:
        owner = tx.accounts.enrolment_owner("HMRC-MTD-IT", mtditid)
        assert owner is not None
        assert owner.id == account.id
    assert _h1(begin(emulator.client).text) == "You have already signed up"
    # Nothing left to add: the page sends the person back to the gate.
    assert emulator.client.get("/signup/add-to-account").headers["location"] == "/signup/begin"
    token = csrf_token(emulator.client.get("/signup").text)
    again = emulator.client.post("/signup/add-to-account", data={"csrf_token": token})
    assert again.headers["location"] == "/signup/begin"


def _eligibility(emulator: EmulatorHarness, current: list[str], following: list[str]) -> None:
    response = emulator.client.put(
        f"/emulator/people/{NINO}/eligibility",
        json={"currentYear": current, "nextYear": following},
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("key", "title", "words"),
    [
        (
            "Digitally Exempt",
            "You have a digital exemption from Making Tax Digital for Income Tax",
            "digital exemption",
        ),
        (
            "MTD Exempt (Enduring)",
            "You are exempt from Making Tax Digital for Income Tax",
            "Keep sending your Self Assessment tax return",
        ),
        (
            "Lloyds Underwriter",
            "You are exempt from Making Tax Digital for Income Tax",
            "Keep sending your Self Assessment tax return",
        ),
        (
            "MTD Exempt 26/27",
            "You are exempt from Making Tax Digital for Income Tax until at least April 2027",
            "at least until April 2027",
        ),
        (
            "No Data Found",
            "You cannot sign up for Making Tax Digital for Income Tax yet",
            "have not sent a Self Assessment tax return in the last 2 years",
        ),
        (
            "Debt Management",
            "You cannot sign up for Making Tax Digital for Income Tax at the moment",
            "You can check again later",
        ),
    ],
)
def test_every_ineligible_outcome_has_its_page(
    emulator: EmulatorHarness, key: str, title: str, words: str
) -> None:
    account = person(emulator)
    _eligibility(emulator, [key], [key])
    sign_in(emulator.client, account)
    page = begin(emulator.client)
    assert page.status_code == 200
    assert _h1(page.text) == title
    assert words in page.text
    # No journey starts: its pages send the person back to the gate.
    assert emulator.client.get("/signup/tax-year").headers["location"] == "/signup/begin"
