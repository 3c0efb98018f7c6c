"""After connecting: the warning before the 18-month authority ends and its one-click
Reconnect, the page for ReauthorisationRequired, disconnecting, and the fraud prevention
headers the emulator judged on the app's calls."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.testclient import TestClient

from openmtd.app.services.connection import (
    AUTHORITY_WARNING_PERIOD,
    GOV_UK_SIGN_UP,
    Journey,
    authority_warning,
    sign_up_url,
)
from openmtd.app.storage import Connection
from openmtd.app.web.app import create_app
from openmtd.app.web.context import page_context
from openmtd.app.web.hmrc_calls import hmrc_client
from openmtd.app.web.routes.connect import reconnect_page
from openmtd.sdk import PRODUCTION, SANDBOX, Api, Environment, ReauthorisationRequired
from support.app import APP_URL, AppWorld, csrf_token
from support.app_accounts import create_signed_in_user
from support.app_connect import (
    Person,
    at_hmrc,
    back_to_app,
    connect,
    customer,
    form_token,
    later,
    person,
    status,
)
from support.mtd_api import NINO

DAY = timedelta(days=1)
GRANT = timedelta(days=547)


@pytest.fixture
def connected(app_world: AppWorld) -> tuple[Person, str]:
    status(app_world)
    browser, user, secret = create_signed_in_user(app_world)
    p = Person(browser, user.id, customer(app_world))
    assert connect(app_world, p).headers["location"] == "/dashboard"
    return p, secret


def banner_text(p: Person) -> str:
    return html.unescape(p.browser.get("/connect").text)


# --- the 18-month authority --------------------------------------------------------------
def test_no_warning_until_30_days_before_the_authority_ends(
    app_world: AppWorld, connected: tuple[Person, str]
) -> None:
    p, secret = connected
    later(app_world, p, secret, GRANT - AUTHORITY_WARNING_PERIOD - DAY)
    assert "Your connection to HMRC ends soon" not in banner_text(p)


def test_the_warning_shows_the_end_date_and_days_left(
    app_world: AppWorld, connected: tuple[Person, str]
) -> None:
    p, secret = connected
    later(app_world, p, secret, GRANT - AUTHORITY_WARNING_PERIOD)
    page = banner_text(p)
    assert "Your connection to HMRC ends soon" in page
    assert "ends on 26 May 2028 (30 days from now)" in page
    assert 'action="/connect/reconnect"' in page


def test_the_warning_says_when_the_authority_has_ended(
    app_world: AppWorld, connected: tuple[Person, str]
) -> None:
    p, secret = connected
    later(app_world, p, secret, GRANT + DAY)
    page = banner_text(p)
    assert "Your connection to HMRC has ended" in page
    assert "ended on 26 May 2028" in page


def test_one_click_reconnect_renews_the_authority_for_the_same_nino(
    app_world: AppWorld, connected: tuple[Person, str]
) -> None:
    p, secret = connected
    later(app_world, p, secret, GRANT - 10 * DAY)
    form = p.browser.get("/connect")
    token = form_token(form.text, "/connect/reconnect")
    answer = p.browser.post("/connect/reconnect", data={"csrf_token": token})
    assert answer.status_code == 303
    location = answer.headers["location"]
    assert location.startswith("http://emulator.test/oauth/authorize?")
    assert back_to_app(p, at_hmrc(app_world, location, p.account)).status_code == 303
    with app_world.store.transaction() as tx:
        connection = tx.connections.get(p.user_id)
    assert connection is not None
    assert connection.nino == NINO
    assert connection.authority_ends_at == app_world.emulator.now() + GRANT
    assert "Your connection to HMRC ends soon" not in banner_text(p)


def test_reconnect_without_the_csrf_token_is_refused(
    app_world: AppWorld, connected: tuple[Person, str]
) -> None:
    p, _secret = connected
    answer = p.browser.post("/connect/reconnect", data={})
    assert answer.status_code == 403


def test_reconnect_with_no_connection_shows_the_connect_page(app_world: AppWorld) -> None:
    p = person(app_world)
    form = p.browser.get("/connect")
    answer = p.browser.post("/connect/reconnect", data={"csrf_token": csrf_token(form.text)})
    assert answer.status_code == 200
    assert 'name="nino"' in answer.text


def _read_status_page(request: Request) -> Response:
    """A page as the dashboard's helpers write one: a call, and reconnect_page on the error."""
    with page_context(request) as ctx:
        try:
            with hmrc_client(ctx) as client:
                client.itsa_status.retrieve(NINO, "2026-27")
        except ReauthorisationRequired as error:
            return reconnect_page(ctx, error)
        return Response("read")


def test_reauthorisation_required_anywhere_has_a_page_with_reconnect(
    app_world: AppWorld, connected: tuple[Person, str]
) -> None:
    app_world.app.add_api_route("/test-read-status", _read_status_page)
    p, secret = connected
    later(app_world, p, secret, GRANT + DAY)
    answer = p.browser.get("/test-read-status")
    assert answer.status_code == 200
    page = html.unescape(answer.text)
    assert "<h1>Reconnect to HMRC</h1>" in page
    assert "lasts 18 months, and it has ended" in page
    assert 'action="/connect/reconnect"' in page


# --- disconnect ---------------------------------------------------------------------------
def test_disconnect_deletes_the_tokens_and_the_connection(
    app_world: AppWorld, connected: tuple[Person, str]
) -> None:
    p, _secret = connected
    form = p.browser.get("/connect")
    assert "Disconnect from HMRC" in form.text
    token = form_token(form.text, "/connect/disconnect")
    answer = p.browser.post("/connect/disconnect", data={"csrf_token": token})
    assert answer.status_code == 200
    assert "<h1>Disconnected from HMRC</h1>" in answer.text
    with app_world.store.transaction() as tx:
        assert tx.connections.get(p.user_id) is None
    assert app_world.services.hmrc.tokens.load(f"user:{p.user_id}") is None


def test_disconnect_without_the_csrf_token_is_refused(
    app_world: AppWorld, connected: tuple[Person, str]
) -> None:
    p, _secret = connected
    assert p.browser.post("/connect/disconnect", data={}).status_code == 403
    with app_world.store.transaction() as tx:
        assert tx.connections.get(p.user_id) is not None


def test_disconnect_when_not_connected_says_so(app_world: AppWorld) -> None:
    p = person(app_world)
    form = p.browser.get("/connect")
    answer = p.browser.post("/connect/disconnect", data={"csrf_token": csrf_token(form.text)})
    assert "there was nothing to remove" in answer.text


# --- fraud prevention headers ---------------------------------------------------------------
@pytest.fixture
def public_browser(app_world: AppWorld) -> Iterator[TestClient]:
    """The app as deployed: its server's public address set, and a browser at a public one
    (the in-process default, "testclient", is no address at all)."""
    settings = dataclasses.replace(app_world.settings, vendor_public_ip="81.2.69.160")
    app = create_app(settings, clock=app_world.emulator.clock, hmrc_transport=app_world.transport)
    with TestClient(
        app, base_url=APP_URL, follow_redirects=False, client=("81.2.69.142", 50123)
    ) as browser:
        yield browser
    app.state.services.store.close()


def test_the_fraud_headers_are_judged_without_errors(
    app_world: AppWorld, public_browser: TestClient
) -> None:
    status(app_world)
    browser, user, _secret = create_signed_in_user(app_world, client=public_browser)
    p = Person(browser, user.id, customer(app_world))
    assert connect(app_world, p).headers["location"] == "/dashboard"
    with app_world.services.hmrc.client(p.user_id, record=lambda _call: None) as client:
        feedback = client.test_fraud_headers.feedback(Api.ITSA_STATUS)
    (judged,) = feedback.requests
    assert judged.path == "/individuals/person/itsa-status/{nino}/{taxYear}"
    errors = {h.header: [e.code for e in h.errors] for h in judged.headers if h.errors}
    assert errors == {}
    warnings = {h.header for h in judged.headers if h.warnings}
    # openmtd has no licence keys to report (docs/app.md, "Connecting to HMRC").
    assert warnings == {"gov-vendor-license-ids"}


def test_without_script_the_browser_headers_are_left_out_not_invented(
    app_world: AppWorld,
) -> None:
    status(app_world)
    p = person(app_world)
    form = p.browser.get("/connect")
    answer = p.browser.post("/connect", data={"csrf_token": csrf_token(form.text), "nino": NINO})
    assert back_to_app(p, at_hmrc(app_world, answer.headers["location"], p.account))
    sent = [r for r in app_world.transport.sent if "/itsa-status/" in r.url.path][-1]
    for name in ("gov-client-screens", "gov-client-window-size", "gov-client-timezone"):
        assert name not in sent.headers
    assert sent.headers["gov-client-connection-method"] == "WEB_APP_VIA_SERVER"


@pytest.mark.parametrize(
    "facts",
    [
        {"screen_width": "²", "screen_height": "1080", "utc_offset_minutes": "٣"},
        {"screen_width": "-1920", "screen_height": "99999999", "window_width": "1e3"},
        {"screen_scaling": "nan", "utc_offset_minutes": "--60", "window_height": ""},
        {"screen_scaling": "inf", "js_user_agent": "x" * 1001},
    ],
)
def test_what_the_script_sends_is_bounded(app_world: AppWorld, facts: dict[str, str]) -> None:
    status(app_world)
    p = person(app_world)
    form = p.browser.get("/connect")
    answer = p.browser.post(
        "/connect", data={"csrf_token": form_token(form.text, "/connect"), "nino": NINO, **facts}
    )
    assert answer.status_code == 303
    assert back_to_app(p, at_hmrc(app_world, answer.headers["location"], p.account))
    sent = [r for r in app_world.transport.sent if "/itsa-status/" in r.url.path][-1]
    for name in (
        "gov-client-screens",
        "gov-client-window-size",
        "gov-client-timezone",
        "gov-client-browser-js-user-agent",
    ):
        assert name not in sent.headers


# --- the service's own rules ----------------------------------------------------------------
def _connection(ends_at: datetime | None) -> Connection:
    at = datetime(2026, 11, 26, 10, tzinfo=UTC)
    return Connection(1, NINO, at, ends_at, ("read:self-assessment",), "user:1")


def test_the_warning_period_boundaries() -> None:
    ends = datetime(2028, 5, 26, 10, tzinfo=UTC)
    assert authority_warning(_connection(ends), ends - AUTHORITY_WARNING_PERIOD - DAY) is None
    first = authority_warning(_connection(ends), ends - AUTHORITY_WARNING_PERIOD)
    assert first is not None
    assert (first.days_left, first.ended) == (30, False)
    last = authority_warning(_connection(ends), ends - timedelta(hours=1))
    assert last is not None
    assert (last.days_left, last.ended) == (1, False)
    over = authority_warning(_connection(ends), ends)
    assert over is not None
    assert (over.days_left, over.ended) == (0, True)
    assert authority_warning(_connection(None), ends) is None
    assert authority_warning(None, ends) is None


@pytest.mark.parametrize(
    "kept", [None, "text", {}, {"url": "x"}, {"url": 1, "state": 2, "scopes": 3}]
)
def test_a_journey_not_kept_by_us_is_none(kept: object) -> None:
    assert Journey.from_json(kept) is None


def test_sign_up_goes_to_the_emulator_or_to_gov_uk() -> None:
    assert sign_up_url(Environment.emulator("http://127.0.0.1:8100")) == (
        "http://127.0.0.1:8100/signup"
    )
    assert sign_up_url(SANDBOX) == GOV_UK_SIGN_UP
    assert sign_up_url(PRODUCTION) == GOV_UK_SIGN_UP


def test_the_state_is_fresh_for_each_journey(app_world: AppWorld) -> None:
    p = person(app_world)
    states = set()
    for _ in range(2):
        form = p.browser.get("/connect")
        answer = p.browser.post(
            "/connect", data={"csrf_token": csrf_token(form.text), "nino": NINO}
        )
        states.add(parse_qs(urlsplit(answer.headers["location"]).query)["state"][0])
    assert len(states) == 2
