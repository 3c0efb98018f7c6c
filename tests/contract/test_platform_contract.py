"""The platform repository's contract (rate-limit windows aside), on SQLite and PostgreSQL:
fraud-header feedback, kept as one entry per endpoint (application, API, method and path
template), and the caller of an API call (token, application, account, clock offset) in one
read."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from openmtd.emulator.adapters.db.store import SqlStore
from openmtd.emulator.storage import (
    AccessToken,
    Account,
    AffinityGroup,
    Application,
    CredentialRole,
    Enrolment,
    HeaderFeedback,
    NewAccount,
    NewApplication,
)

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


# --- the caller: token, application, account and clock offset in one read ---------------------


def _account(store: SqlStore, user_id: str) -> Account:
    enrolments = (
        Enrolment("HMRC-MTD-IT", "MTDITID", f"XAIT0000000000{user_id[-1]}"),
        Enrolment("IR-SA", "UTR", f"123456789{user_id[-1]}", state="NotYetActivated"),
    )
    with store.transaction() as tx:
        return tx.accounts.add(
            NewAccount(
                user_id=user_id,
                password_hash="x",
                affinity_group=AffinityGroup.INDIVIDUAL,
                credential_role=CredentialRole.USER,
                confidence_level=250,
                first_name="Ida",
                last_name="Newton",
                email="ida@example.com",
                created_at=T0,
                nino="AA123456A",
                enrolments=enrolments,
            )
        )


def _token(store: SqlStore, app: Application, label: str, account: Account | None) -> AccessToken:
    token = AccessToken(
        token_hash=label.ljust(64, "0"),
        application_id=app.id,
        scopes=("read:self-assessment", "write:self-assessment"),
        created_at=T0,
        expires_at=T0 + timedelta(hours=4),
        account_id=account.id if account else None,
    )
    with store.transaction() as tx:
        tx.oauth.add_access_token(token)
    return token


def test_the_caller_is_the_token_its_application_and_its_account(store: SqlStore) -> None:
    app = _application(store)
    _account(store, "100000000001")  # a NINO's first account is not the caller
    account = _account(store, "100000000002")
    token = _token(store, app, "a1", account)
    with store.transaction() as tx:
        caller = tx.platform.caller(token.token_hash)
        assert caller is not None
        assert caller.token == token
        assert caller.application == replace(app, secrets=())
        assert caller.account == tx.accounts.get(account.id) == account
        assert caller.clock_offset_seconds == 0.0
        assert tx.platform.caller("f" * 64) is None


def test_the_caller_of_an_application_token_has_no_account(store: SqlStore) -> None:
    app = _application(store)
    token = _token(store, app, "b1", None)
    with store.transaction() as tx:
        tx.oauth.revoke_access_token(token.token_hash, T0 + timedelta(minutes=1))
    with store.transaction() as tx:
        caller = tx.platform.caller(token.token_hash)
    assert caller is not None
    assert caller.account is None
    assert caller.token == replace(token, revoked_at=T0 + timedelta(minutes=1))


def test_the_caller_carries_the_clock_offset_as_it_is_now(store: SqlStore) -> None:
    app = _application(store)
    token = _token(store, app, "c1", None)
    for offset in (3600.5, -86400.0):
        with store.transaction() as tx:
            tx.clock.set_offset_seconds(offset)
        with store.transaction() as tx:
            caller = tx.platform.caller(token.token_hash)
            assert caller is not None
            assert caller.clock_offset_seconds == offset
