"""Connect to HMRC in process: the app's pages, the emulator's real sign-in, 2-step, identity
and grant pages, the callback, tokens encrypted at rest, audit rows, and a clear page for every
failure."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sqlalchemy import text

from openmtd.app.services.connection import JOURNEY_KEY
from openmtd.emulator.storage import AffinityGroup, Enrolment, TwoStepMethod
from support.app import AppWorld, csrf_token
from support.app_accounts import create_signed_in_user
from support.app_connect import (
    CALLBACK,
    Person,
    at_hmrc,
    audit_rows,
    back_to_app,
    connect,
    customer,
    person,
    start,
    status,
)
from support.mtd_api import NINO, mtd_it


# --- the journey ----------------------------------------------------------------------------
def test_the_connect_page_explains_and_asks_for_the_nino(app_world: AppWorld) -> None:
    p = person(app_world)
    page = p.browser.get("/connect")
    assert page.status_code == 200
    assert "<h1>Connect to HMRC</h1>" in page.text
    assert 'name="nino"' in page.text
    assert "What openmtd will read" in page.text


def test_the_connect_page_needs_a_signed_in_person(app_world: AppWorld) -> None:
    answer = app_world.new_client().get("/connect")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/sign-in")


def test_a_malformed_nino_is_refused_with_the_rules_message(app_world: AppWorld) -> None:
    p = person(app_world)
    form = p.browser.get("/connect")
    answer = p.browser.post("/connect", data={"csrf_token": csrf_token(form.text), "nino": "QQ1"})
    assert answer.status_code == 400
    assert "There is a problem" in answer.text
    assert "2 letters, 6 numbers" in answer.text


def test_connect_without_the_csrf_token_is_refused(app_world: AppWorld) -> None:
    p = person(app_world)
    answer = p.browser.post("/connect", data={"nino": NINO})
    assert answer.status_code == 403
    assert "This form has expired" in answer.text


def test_post_connect_sends_the_browser_to_hmrc_with_state_and_pkce(app_world: AppWorld) -> None:
    p = person(app_world)
    location = start(p, nino="aa 12 34 56 a")
    assert location.startswith("http://emulator.test/oauth/authorize?")
    query = parse_qs(urlsplit(location).query)
    assert query["redirect_uri"] == [CALLBACK]
    assert query["code_challenge_method"] == ["S256"]
    assert query["scope"] == ["read:self-assessment write:self-assessment"]
    journey = _journey_in_session(app_world, p)
    assert journey["state"] == query["state"][0]
    assert journey["nino"] == NINO
    assert "code_verifier" in journey
    assert journey["code_verifier"] not in location


def _journey_in_session(world: AppWorld, p: Person) -> dict[str, Any]:
    from openmtd.app.web.context import SESSION_COOKIE, token_hash

    cookie = p.browser.cookies.get(SESSION_COOKIE)
    assert cookie
    with world.store.transaction() as tx:
        session = tx.sessions.get(token_hash(cookie))
    assert session is not None
    journey = session.data[JOURNEY_KEY]
    assert isinstance(journey, dict)
    return journey


def test_the_whole_journey_connects_and_lands_on_the_dashboard(app_world: AppWorld) -> None:
    status(app_world)
    p = person(app_world)
    answer = connect(app_world, p)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/dashboard"
    with app_world.store.transaction() as tx:
        connection = tx.connections.get(p.user_id)
    assert connection is not None
    assert connection.nino == NINO
    assert connection.connected_at == app_world.emulator.now()
    assert connection.authority_ends_at is not None
    assert (connection.authority_ends_at - connection.connected_at).days == 547
    assert connection.scopes == ("read:self-assessment", "write:self-assessment")
    assert app_world.services.hmrc.tokens.load(connection.token_key) is not None


def test_a_customer_with_no_status_this_year_is_still_connected(app_world: AppWorld) -> None:
    p = person(app_world)  # signed up, but no ITSA status stored: HMRC answers 404
    answer = connect(app_world, p)
    assert answer.headers["location"] == "/dashboard"


def test_tokens_are_encrypted_at_rest(app_world: AppWorld) -> None:
    status(app_world)
    p = person(app_world)
    connect(app_world, p)
    tokens = app_world.services.hmrc.tokens.load(f"user:{p.user_id}")
    assert tokens is not None
    with app_world.store.engine.connect() as db:
        stored = db.execute(text("SELECT * FROM hmrc_tokens")).mappings().all()
    assert len(stored) == 1
    every_value = " ".join(str(value) for value in stored[0].values())
    assert tokens.access_token not in every_value
    assert tokens.refresh_token
    assert tokens.refresh_token not in every_value


def test_each_call_to_hmrc_is_audited_with_its_correlation_id(app_world: AppWorld) -> None:
    status(app_world)
    p = person(app_world)
    connect(app_world, p)
    rows = audit_rows(app_world, p.user_id)
    assert [(row.method, row.path, row.status) for row in rows] == [
        ("POST", "/oauth/token", 200),
        ("GET", f"/individuals/person/itsa-status/{NINO}/2026-27", 200),
    ]
    assert all(row.nino == NINO for row in rows)
    assert rows[1].correlation_id
    assert len(rows[1].correlation_id) == 36


def test_a_second_connection_replaces_the_first(app_world: AppWorld) -> None:
    status(app_world)
    p = person(app_world)
    connect(app_world, p)
    first = app_world.services.hmrc.tokens.load(f"user:{p.user_id}")
    app_world.emulator.advance(60)
    assert connect(app_world, p).headers["location"] == "/dashboard"
    second = app_world.services.hmrc.tokens.load(f"user:{p.user_id}")
    assert first is not None
    assert second is not None
    assert second.access_token != first.access_token


# --- failures -----------------------------------------------------------------------------
def test_denying_access_is_a_clear_page(app_world: AppWorld) -> None:
    p = person(app_world)
    answer = connect(app_world, p, decision="deny")
    assert answer.status_code == 200
    assert "You chose not to give access" in answer.text
    assert _not_connected(app_world, p)


def _not_connected(world: AppWorld, p: Person) -> bool:
    with world.store.transaction() as tx:
        connection = tx.connections.get(p.user_id)
    return connection is None and world.services.hmrc.tokens.load(f"user:{p.user_id}") is None


@pytest.mark.parametrize("outcome", ["FailedMatching", "UserAborted", "LockedOut"])
def test_a_failed_identity_check_is_a_clear_page(app_world: AppWorld, outcome: str) -> None:
    p = person(app_world, confidence_level=50)
    answer = connect(app_world, p, iv_outcome=outcome)
    assert answer.status_code == 200
    assert "HMRC could not confirm your identity" in answer.text
    assert _not_connected(app_world, p)


def test_a_callback_with_another_state_is_refused(app_world: AppWorld) -> None:
    p = person(app_world)
    location = at_hmrc(app_world, start(p), p.account)
    query = parse_qs(urlsplit(location).query)
    forged = f"/connect/callback?{urlencode({'code': query['code'][0], 'state': 'not-ours'})}"
    answer = p.browser.get(forged)
    assert answer.status_code == 400
    assert "Your connection to HMRC was not finished" in answer.text
    assert _not_connected(app_world, p)


def test_a_callback_without_a_journey_is_refused(app_world: AppWorld) -> None:
    p = person(app_world)
    answer = p.browser.get("/connect/callback?code=abc&state=xyz")
    assert answer.status_code == 400
    assert "Your connection to HMRC was not finished" in answer.text


def test_a_journey_older_than_an_hour_is_refused(app_world: AppWorld) -> None:
    p = person(app_world)
    state = parse_qs(urlsplit(start(p)).query)["state"][0]
    for minutes in (25, 25, 11):  # the session stays alive; the journey does not
        app_world.emulator.advance(minutes * 60)
        assert p.browser.get("/connect").status_code == 200
    answer = p.browser.get(f"/connect/callback?{urlencode({'code': 'abc', 'state': state})}")
    assert answer.status_code == 400
    assert "Your connection to HMRC was not finished" in answer.text
    assert audit_rows(app_world, p.user_id) == []  # HMRC was not called


def test_a_callback_used_twice_is_refused_the_second_time(app_world: AppWorld) -> None:
    status(app_world)
    p = person(app_world)
    location = at_hmrc(app_world, start(p), p.account)
    assert back_to_app(p, location).status_code == 303
    again = back_to_app(p, location)
    assert again.status_code == 400
    assert "Your connection to HMRC was not finished" in again.text


@pytest.mark.parametrize(
    ("error", "title", "code"),
    [
        ("server_error", "HMRC's sign-in is not available", 503),
        ("temporarily_unavailable", "HMRC's sign-in is not available", 503),
        ("invalid_scope", "HMRC could not start the connection", 502),
        ("unauthorized_client", "HMRC could not start the connection", 502),
    ],
)
def test_hmrc_error_values_on_the_callback_are_clear_pages(
    app_world: AppWorld, error: str, title: str, code: int
) -> None:
    p = person(app_world)
    state = parse_qs(urlsplit(start(p)).query)["state"][0]
    answer = p.browser.get(f"/connect/callback?{urlencode({'error': error, 'state': state})}")
    assert answer.status_code == code
    assert title in html.unescape(answer.text)
    assert error in answer.text  # the reference for whoever runs the app


def test_a_callback_with_neither_code_nor_error_is_a_clear_page(app_world: AppWorld) -> None:
    p = person(app_world)
    state = parse_qs(urlsplit(start(p)).query)["state"][0]
    answer = p.browser.get(f"/connect/callback?state={state}")
    assert answer.status_code == 400
    assert "HMRC's answer was incomplete" in html.unescape(answer.text)


def test_the_token_endpoint_refusing_is_a_clear_page(app_world: AppWorld) -> None:
    p = person(app_world)
    location = at_hmrc(app_world, start(p), p.account)
    app_world.emulator.advance(11 * 60)  # the code lives 10 minutes
    answer = back_to_app(p, location)
    assert answer.status_code == 502
    assert "HMRC did not finish the connection" in answer.text
    assert _not_connected(app_world, p)
    rows = audit_rows(app_world, p.user_id)
    assert [(row.path, row.outcome) for row in rows] == [("/oauth/token", "refused")]


def test_hmrc_unreachable_is_a_clear_page(app_world: AppWorld) -> None:
    import httpx

    p = person(app_world)
    location = at_hmrc(app_world, start(p), p.account)

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    app_world.services.hmrc.transport = httpx.MockTransport(unreachable)
    answer = back_to_app(p, location)
    assert answer.status_code == 502
    assert "HMRC could not be reached" in answer.text
    rows = audit_rows(app_world, p.user_id)
    assert [(row.path, row.status, row.outcome) for row in rows] == [
        ("/oauth/token", None, "ConnectError")
    ]


def test_not_signed_up_yet_says_how_to_sign_up(app_world: AppWorld) -> None:
    p = person(app_world, enrolments=())
    answer = connect(app_world, p)
    assert answer.status_code == 200
    assert "not signed up for Making Tax Digital yet" in answer.text
    assert 'href="http://emulator.test/signup"' in answer.text
    with app_world.store.transaction() as tx:
        assert tx.connections.get(p.user_id) is not None  # connected: sign-up comes next


def test_the_wrong_nino_for_the_grant_says_what_to_check(app_world: AppWorld) -> None:
    app_world.emulator.account(
        nino="AB123456C", email="other@example.com", enrolments=(mtd_it("XAIT00000000002"),)
    )
    p = person(app_world)
    answer = back_to_app(p, at_hmrc(app_world, start(p, nino="AB123456C"), p.account))
    assert answer.status_code == 403
    assert "Check your National Insurance number" in answer.text
    assert "CLIENT_OR_AGENT_NOT_AUTHORISED" in answer.text
    assert _not_connected(app_world, p)


def test_an_agent_signing_in_as_an_individual_is_told_to_use_the_right_account(
    app_world: AppWorld,
) -> None:
    """An agent (agent services account, no relationship with this NINO) can grant the
    scopes, but HMRC refuses the check call: the same page as a wrong NINO."""
    status(app_world)
    browser, user, _secret = create_signed_in_user(app_world)
    agent = app_world.emulator.account(
        affinity_group=AffinityGroup.AGENT,
        two_step_method=TwoStepMethod.AUTHENTICATOR_APP,
        email="agent@example.com",
        enrolments=(Enrolment("HMRC-AS-AGENT", "AgentReferenceNumber", "TARN0000001"),),
    )
    p = Person(browser, user.id, agent)
    answer = connect(app_world, p)
    assert answer.status_code == 403
    assert "not an agent" in answer.text
    assert _not_connected(app_world, p)


def test_an_individual_below_confidence_250_passes_the_identity_check_and_connects(
    app_world: AppWorld,
) -> None:
    status(app_world)
    p = person(app_world, confidence_level=50)
    assert connect(app_world, p).headers["location"] == "/dashboard"


def test_an_organisation_holding_the_customers_enrolment_is_accepted(
    app_world: AppWorld,
) -> None:
    """HMRC lets an Organisation holding the customer's HMRC-MTD-IT read their records
    (docs/emulator.md, "Who may call what"), so the app accepts it as the customer."""
    status(app_world)
    browser, user, _secret = create_signed_in_user(app_world)
    organisation = customer(
        app_world, affinity_group=AffinityGroup.ORGANISATION, confidence_level=50
    )
    p = Person(browser, user.id, organisation)
    assert connect(app_world, p).headers["location"] == "/dashboard"
