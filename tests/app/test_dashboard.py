"""The dashboard in process: connected through the emulator's real sign-in and grant, it reads
the statuses, obligations and income sources through the SDK and says what to do, by when and
what happens if it is late; never the raw status. Someone not connected is shown how; every
error the SDK can raise is a page saying what to do next."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from openmtd.app.web.app import create_app
from openmtd.emulator.platform import errors
from openmtd.rules.itsa_status import ItsaStatus, StatusReason
from support.app import APP_URL, AppWorld, app_settings
from support.app_connect import Person, audit_rows, connect, later, person, status
from support.emulator import EmulatorHarness
from support.mtd_api import NINO, World
from support.sdk_oauth import PortalTransport

SE_ID = "XAIS00000000001"
RAW_WORDS = [member.value for member in ItsaStatus] + [member.value for member in StatusReason]


def _text(page: str) -> str:
    """The page's words, without tags, spaces run together."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _no_raw_status(page: str) -> None:
    words = _text(page)
    for word in RAW_WORDS:
        assert word not in words, word


def _connected(world: AppWorld, statuses: dict[str, str], **options: object) -> Person:
    for year, value in statuses.items():
        status(world, year, value)
    p = person(world, **options)
    answer = connect(world, p)
    assert answer.status_code in (200, 303), answer.text
    return p


def _mtd_world(world: AppWorld, p: Person) -> World:
    return World(world.emulator, world.application, p.account)


# --- who sees what ----------------------------------------------------------------------------
def test_the_dashboard_needs_a_signed_in_person(app_world: AppWorld) -> None:
    answer = app_world.new_client().get("/dashboard")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=%2Fdashboard"


def test_someone_not_connected_is_shown_how_to_connect(app_world: AppWorld) -> None:
    p = person(app_world)
    answer = p.browser.get("/dashboard")
    assert answer.status_code == 200
    assert 'href="/connect"' in answer.text
    assert 'href="/check-income"' in answer.text
    assert audit_rows(app_world, p.user_id) == []  # nothing was asked of HMRC


# --- a mandated sole trader ---------------------------------------------------------------------
def test_a_mandated_sole_trader_sees_the_timeline_penalties_and_income(
    app_world: AppWorld,
) -> None:
    p = _connected(app_world, {"2026-27": "MTD Mandated", "2027-28": "MTD Mandated"})
    mtd = _mtd_world(app_world, p)
    mtd.subscription("2026-27")
    mtd.signed_up_business(SE_ID)
    sent = app_world.emulator.client.post(
        f"/emulator/obligations/{NINO}/fulfil",
        json={
            "periodStartDate": "2026-04-06",
            "periodEndDate": "2026-07-05",
            "receivedDate": "2026-08-01",
        },
    )
    assert sent.status_code < 300, sent.text

    answer = p.browser.get("/dashboard")

    assert answer.status_code == 200, answer.text
    words = _text(answer.text)
    assert "<h1>Your dashboard</h1>" in answer.text
    assert "You must use Making Tax Digital for Income Tax" in words
    assert "AA 12 34 56 A" in words
    # The timeline: four quarterly updates (one sent, one late) and the final declaration.
    assert words.count("Quarterly update (self-employment)") == 4
    assert "sent 01 Aug 2026" in words
    assert "Due by 7 November 2026 late: send it now" in words
    assert "Final declaration" in words
    assert "Due by 31 January 2028" in words
    # The first-year easement: no points for late quarterly updates in 2026-27, but the
    # final declaration still brings one.
    assert "late quarterly updates do not bring penalty points" in words
    assert words.count("no penalty point if late") == 3
    assert words.count("late brings a penalty point") == 1
    assert "How penalty points work" in words
    assert "When the points reach 4" in words
    assert "Ida's Plumbing (self-employment)" in words
    assert "Opt out with HMRC" not in words  # a mandated year cannot be opted out
    _no_raw_status(answer.text)
    # Five reads, each audited with HMRC's correlation id (the rows share the pinned clock's
    # time, so their order is not checked): the statuses, last year's final declaration (is
    # it made?), this year's two obligation lists, the income sources.
    rows = audit_rows(app_world, p.user_id)[2:]  # after the connection's token and check
    assert sorted(row.path for row in rows) == [
        f"/individuals/business/details/{NINO}/list",
        f"/individuals/person/itsa-status/{NINO}/2025-26",
        f"/obligations/details/{NINO}/crystallisation",
        f"/obligations/details/{NINO}/crystallisation",
        f"/obligations/details/{NINO}/income-and-expenditure",
    ]
    assert all(row.correlation_id for row in rows)
    # 2025-26 was not an MTD year: HMRC holds no final declaration for it.
    assert sorted(row.status for row in rows) == [200, 200, 200, 200, 404]


def test_a_voluntary_customer_is_offered_the_opt_out_at_hmrc(app_world: AppWorld) -> None:
    p = _connected(app_world, {"2026-27": "MTD Voluntary"})
    _mtd_world(app_world, p).subscription("2026-27")
    answer = p.browser.get("/dashboard")
    assert answer.status_code == 200
    words = _text(answer.text)
    assert "You can choose to stop using Making Tax Digital for Income Tax" in words
    assert 'href="http://emulator.test/reporting-obligations">Opt out with HMRC' in answer.text
    assert "When the points reach 4" in words
    _no_raw_status(answer.text)


def test_someone_with_a_tax_return_only_year_is_offered_to_use_mtd(app_world: AppWorld) -> None:
    p = _connected(app_world, {"2026-27": "Annual"})
    answer = p.browser.get("/dashboard")
    words = _text(answer.text)
    assert "Choose to use MTD with HMRC" in words
    assert "When the points reach 2 (the threshold for sending one return a year)" in words
    _no_raw_status(answer.text)


def test_someone_not_signed_up_is_sent_to_hmrcs_sign_up(app_world: AppWorld) -> None:
    """HMRC shows software no status before sign-up: even for a person it has mandated, the
    dashboard never says MTD is optional or that nothing is due."""
    p = _connected(app_world, {"2026-27": "MTD Mandated"}, enrolments=())
    answer = p.browser.get("/dashboard")
    assert answer.status_code == 200
    words = _text(answer.text)
    assert "You have not signed up for Making Tax Digital for Income Tax" in words
    assert "openmtd cannot yet tell you whether you must use it" in words
    assert 'href="http://emulator.test/signup">Sign up with HMRC' in answer.text
    assert 'href="/check-income">Check your income' in answer.text
    assert "by choice" not in words
    assert "can choose to use" not in words
    assert "Nothing to send" not in words
    assert "Not yet worked out" not in words
    _no_raw_status(answer.text)


def test_the_authority_running_out_is_warned_on_the_dashboard(app_world: AppWorld) -> None:
    p = _connected(app_world, {"2026-27": "MTD Voluntary"})
    later(app_world, p, p.secret, timedelta(days=530))  # 17 days before the 18 months end
    answer = p.browser.get("/dashboard")
    assert "Your connection to HMRC ends soon" in answer.text
    assert 'action="/connect/reconnect"' in answer.text


# --- every SDK error is a page ------------------------------------------------------------------
def _answer_reads_with(world: AppWorld, response: httpx.Response) -> None:
    real = world.transport

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/oauth/"):
            return real.handle_request(request)
        return response

    world.services.hmrc.transport = httpx.MockTransport(handler)


def _envelope(error: tuple[int, str, str], **headers: str) -> httpx.Response:
    code, name, text = error
    return httpx.Response(
        code,
        json={"code": name, "message": text},
        headers={"X-CorrelationId": "c0ffee00-0000-4000-8000-000000000002", **headers},
    )


@pytest.mark.parametrize(
    ("answer", "status_code", "title", "reconnect"),
    [
        (
            _envelope(errors.MESSAGE_THROTTLED_OUT, **{"Retry-After": "600"}),
            503,
            "HMRC is not answering just now",
            False,
        ),
        (_envelope(errors.INVALID_SCOPE), 403, "HMRC did not give all the access needed", True),
        (
            _envelope(
                (
                    403,
                    "CLIENT_OR_AGENT_NOT_AUTHORISED",
                    "The client or agent is not authorised",
                )
            ),
            403,
            "HMRC no longer lets openmtd read these records",
            True,
        ),
        (
            _envelope((400, "INVALID_CORRELATIONID", "Invalid correlation ID")),
            502,
            "HMRC refused to show your records",
            False,
        ),
    ],
)
def test_hmrc_refusing_the_reads_is_a_page_saying_what_to_do(
    app_world: AppWorld, answer: httpx.Response, status_code: int, title: str, reconnect: bool
) -> None:
    p = _connected(app_world, {"2026-27": "MTD Voluntary"})
    _answer_reads_with(app_world, answer)
    page = p.browser.get("/dashboard")
    assert page.status_code == status_code
    assert f"<h1>{title}</h1>" in page.text
    assert "correlation id c0ffee00" in page.text
    assert ('action="/connect/reconnect"' in page.text) is reconnect
    with app_world.store.transaction() as tx:
        assert tx.connections.get(p.user_id) is not None  # kept: Reconnect needs its NINO


def test_hmrc_unreachable_is_a_page_and_the_connection_is_kept(
    app_world: AppWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    from types import SimpleNamespace

    p = _connected(app_world, {"2026-27": "MTD Voluntary"})
    monkeypatch.setattr("openmtd.sdk._client.time", SimpleNamespace(sleep=lambda _s: None))

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    app_world.services.hmrc.transport = httpx.MockTransport(unreachable)
    page = p.browser.get("/dashboard")
    assert page.status_code == 503
    assert "HMRC is not answering just now" in page.text
    assert "Reference" not in page.text


def test_an_ended_authority_asks_to_reconnect_without_calling_hmrc(app_world: AppWorld) -> None:
    p = _connected(app_world, {"2026-27": "MTD Voluntary"})
    before = len(audit_rows(app_world, p.user_id))
    later(app_world, p, p.secret, timedelta(days=548))
    page = p.browser.get("/dashboard")
    assert page.status_code == 200
    assert "<h1>Reconnect to HMRC</h1>" in page.text
    assert "lasts 18 months, and it has ended" in page.text
    assert len(audit_rows(app_world, p.user_id)) == before


def test_the_reads_are_paced_under_hmrcs_default_rate_limit(
    emulator: EmulatorHarness, tmp_path: Path
) -> None:
    """At HMRC's default of 3 requests a second for the application, the dashboard's five
    reads (after the connection's check) are paced, so none is throttled."""
    application = emulator.application(
        redirect_uris=[f"{APP_URL}/connect/callback"], rate_limit_per_second=3
    )
    settings = app_settings(tmp_path, application, rate_limit_per_second=3)
    transport = PortalTransport(emulator.app)
    app = create_app(settings, clock=emulator.clock, hmrc_transport=transport)
    try:
        with TestClient(app, base_url=APP_URL, follow_redirects=False) as client:
            world = AppWorld(emulator, application, settings, app, client, transport)
            p = _connected(world, {"2026-27": "MTD Voluntary"})
            _mtd_world(world, p).subscription("2026-27")
            assert p.browser.get("/dashboard").status_code == 200
            statuses = [row.status for row in audit_rows(world, p.user_id)]
            assert len(statuses) == 7
            assert 429 not in statuses
    finally:
        transport.shutdown()


def test_last_years_tax_return_is_on_the_timeline_beside_this_years_obligations(
    app_world: AppWorld,
) -> None:
    p = _connected(app_world, {"2025-26": "Annual", "2026-27": "MTD Mandated"})
    mtd = _mtd_world(app_world, p)
    mtd.subscription("2026-27")
    mtd.signed_up_business(SE_ID)
    page = p.browser.get("/dashboard")
    timeline = page.text.split('class="timeline"')[1].split("</ol>")[0]
    items = [_text(item).strip() for item in re.findall(r"<li[^>]*>(.*?)</li>", timeline, re.S)]
    # Soonest first: August's and November's updates, then last year's return, then the rest.
    assert len(items) == 6
    assert items[2].startswith(
        "Self Assessment tax return and payment for 6 April 2025 to 5 April 2026"
    )
    assert "Due by 31 January 2027 to send late brings a penalty" in items[2]
    assert "Next deadline: Self Assessment tax return and payment" in _text(page.text)


def test_tokens_that_cannot_be_read_ask_to_reconnect_not_blame_hmrc(
    app_world: AppWorld, caplog: pytest.LogCaptureFixture
) -> None:
    from sqlalchemy import text

    p = _connected(app_world, {"2026-27": "MTD Voluntary"})
    with app_world.store.engine.begin() as connection:
        connection.execute(text("UPDATE hmrc_tokens SET ciphertext = 'not a token'"))
    page = p.browser.get("/dashboard")
    assert page.status_code == 200
    assert "<h1>Reconnect to HMRC</h1>" in page.text
    assert "the keys of this copy of openmtd have changed" in " ".join(page.text.split())
    assert 'action="/connect/reconnect"' in page.text
    assert "HMRC refused" not in page.text
    assert any("cannot be read" in record.getMessage() for record in caplog.records)
