"""The platform repository's contract (rate-limit windows aside): fraud-header feedback, kept
as one entry per endpoint (application, API, method and path template), on SQLite and
PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from openmtd.emulator.adapters.db.store import SqlStore
from openmtd.emulator.storage import Application, HeaderFeedback, NewApplication

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
API = "self-assessment-individual-details"
TEMPLATE = "/individuals/person/itsa-status/{nino}/{taxYear}"


def _application(store: SqlStore, client_id: str = "client-1") -> Application:
    with store.transaction() as tx:
        return tx.applications.add(
            NewApplication(
                client_id=client_id,
                name="Test software",
                redirect_uris=("https://a.example/cb",),
                apis=frozenset({API}),
                rate_limit_per_second=3,
                grant_length_days=547,
                created_at=T0,
                secret_hash="0" * 64,
                secret_hint="ab12",
            )
        )


def _feedback(app: Application, at: datetime, code: str, **overrides: str) -> HeaderFeedback:
    fields = {"api": API, "method": "GET", "path": TEMPLATE} | overrides
    return HeaderFeedback(
        application_id=app.id,
        requested_at=at,
        connection_method="WEB_APP_VIA_SERVER",
        result={"code": code},
        **fields,
    )


def test_a_later_check_of_an_endpoint_replaces_the_earlier(store: SqlStore) -> None:
    app = _application(store)
    with store.transaction() as tx:
        tx.platform.record_feedback(_feedback(app, T0, "INVALID_HEADERS"))
    with store.transaction() as tx:
        tx.platform.record_feedback(_feedback(app, T0 + timedelta(seconds=5), "VALID_HEADERS"))
    with store.transaction() as tx:
        kept = tx.platform.feedback(app.id, API)
    assert [(item.path, item.requested_at, item.result["code"]) for item in kept] == [
        (TEMPLATE, T0 + timedelta(seconds=5), "VALID_HEADERS")
    ]


def test_endpoints_apis_and_applications_are_kept_apart(store: SqlStore) -> None:
    app, other = _application(store), _application(store, "client-2")
    with store.transaction() as tx:
        tx.platform.record_feedback(_feedback(app, T0, "A"))
        tx.platform.record_feedback(_feedback(app, T0 + timedelta(seconds=1), "B", method="POST"))
        tx.platform.record_feedback(_feedback(app, T0 + timedelta(seconds=2), "C", path="/other"))
        tx.platform.record_feedback(_feedback(app, T0, "D", api="create-test-user"))
        tx.platform.record_feedback(_feedback(other, T0, "E"))
    with store.transaction() as tx:
        assert [item.result["code"] for item in tx.platform.feedback(app.id, API)] == [
            "C",
            "B",
            "A",
        ]
        assert [item.result["code"] for item in tx.platform.feedback(other.id, API)] == ["E"]
        assert tx.platform.feedback(app.id, "nothing") == []


def test_concurrent_checks_of_one_endpoint_leave_one_entry(store: SqlStore) -> None:
    app = _application(store)
    contenders = 4
    start = threading.Barrier(contenders)

    def check(index: int) -> None:
        start.wait(timeout=10)
        with store.transaction() as tx:
            tx.platform.record_feedback(_feedback(app, T0 + timedelta(seconds=index), str(index)))

    with ThreadPoolExecutor(contenders) as pool:
        for future in [pool.submit(check, index) for index in range(contenders)]:
            future.result(timeout=60)
    with store.transaction() as tx:
        kept = tx.platform.feedback(app.id, API)
    assert len(kept) == 1
    assert kept[0].result["code"] in {str(index) for index in range(contenders)}
