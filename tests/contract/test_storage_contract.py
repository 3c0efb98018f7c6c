"""The storage contract (openmtd.emulator.storage), on SQLite and on a real PostgreSQL.

Every method of every repository protocol, through `SqlStore` opened by URL (so the Alembic
migration builds the schema): every field round-trips (aware datetimes stay aware and equal,
dates, JSON, tuples and frozensets), missing ids give None, uniqueness holds, the
compare-and-set methods are atomic even between threads, revocation cascades, orderings are
as documented, and `reset` empties the world but leaves the store usable.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, func, select
from sqlalchemy.exc import IntegrityError

from openmtd.emulator.adapters.db.engine import alembic_config, current_revision, migrate
from openmtd.emulator.adapters.db.store import SqlStore
from openmtd.emulator.storage import (
    AccessToken,
    Account,
    Address,
    AffinityGroup,
    AgentRecord,
    Application,
    AuthorizationCode,
    BrowserSession,
    BusinessDetails,
    Checkpoint,
    ClientSecret,
    CredentialRole,
    Enrolment,
    FulfilledUpdate,
    Grant,
    GrantView,
    HeaderFeedback,
    LegacySaClientLink,
    NewAccount,
    NewApplication,
    RefreshToken,
    ReturnOnFile,
    StoredBusiness,
    StoredEligibility,
    StoredInvitation,
    StoredStatus,
    Subscription,
    TextMessage,
    TwoStepMethod,
)
from openmtd.rules.agents import AgentType, Invitation

MAIN = AgentType.MAIN
T0 = datetime(2026, 11, 26, 10, 0, 0, 123456, tzinfo=UTC)
SCOPES = ("read:self-assessment", "write:self-assessment")


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def h(label: str) -> str:
    """A 64-hex-character stand-in for a SHA-256 hash."""
    return label.encode().hex().ljust(64, "0")[:64]


def new_account(user_id: str = "100000000001", **overrides: object) -> NewAccount:
    fields: dict[str, object] = {
        "user_id": user_id,
        "password_hash": "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA",
        "affinity_group": AffinityGroup.INDIVIDUAL,
        "credential_role": CredentialRole.USER,
        "confidence_level": 250,
        "first_name": "Ida",
        "last_name": "Newton",
        "email": "ida@example.com",
        "created_at": T0,
    }
    fields.update(overrides)
    return NewAccount(**fields)  # type: ignore[arg-type]


def full_account(user_id: str = "100000000001") -> NewAccount:
    return new_account(
        user_id,
        affinity_group=AffinityGroup.INDIVIDUAL,
        credential_role=CredentialRole.USER,
        confidence_level=200,
        first_name="Zoë",
        last_name="O'Brien-Ñúñez",
        email="zoe@example.com",
        date_of_birth=date(1980, 2, 29),
        address=Address("1 High St", "Flat 2", "Townsville", "Shire", "AA1 1AA", "GB"),
        nino="AA123456C",
        enrolments=(
            Enrolment("IR-SA", "UTR", "1234567890"),
            Enrolment("HMRC-MTD-IT", "MTDITID", "XAIT00000000001", "NotYetActivated"),
        ),
        group_id="ABCD-EF01-2345-6789",
        two_step_method=TwoStepMethod.AUTHENTICATOR_APP,
        totp_secret="JBSWY3DPEHPK3PXP",
        phone_number="07700900123",
    )


def new_application(client_id: str = "client-1", **overrides: object) -> NewApplication:
    fields: dict[str, object] = {
        "client_id": client_id,
        "name": "Test software",
        "redirect_uris": ("https://b.example/cb", "https://a.example/cb?x=1", "http://localhost:1"),
        "apis": frozenset({"self-assessment-individual-details", "create-test-user"}),
        "rate_limit_per_second": 3,
        "grant_length_days": 547,
        "created_at": T0,
        "secret_hash": h("secret-1"),
        "secret_hint": "ab12",
    }
    fields.update(overrides)
    return NewApplication(**fields)  # type: ignore[arg-type]


def add_account(store: SqlStore, account: NewAccount | None = None) -> Account:
    with store.transaction() as tx:
        return tx.accounts.add(account or new_account())


def add_application(store: SqlStore, application: NewApplication | None = None) -> Application:
    with store.transaction() as tx:
        return tx.applications.add(application or new_application())


def add_grant(
    store: SqlStore,
    application: Application,
    account: Account,
    created_at: datetime = T0,
    scopes: tuple[str, ...] = SCOPES,
) -> Grant:
    with store.transaction() as tx:
        return tx.oauth.add_grant(
            application.id, account.id, scopes, created_at, created_at + timedelta(days=547)
        )


def code_record(
    application: Application, account: Account, label: str = "code"
) -> AuthorizationCode:
    return AuthorizationCode(
        code_hash=h(label),
        application_id=application.id,
        account_id=account.id,
        redirect_uri="https://a.example/cb?x=1",
        scopes=SCOPES,
        code_challenge="E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        created_at=T0,
        expires_at=at(600),
    )


def user_token(grant: Grant, label: str, created_at: datetime = T0) -> AccessToken:
    return AccessToken(
        token_hash=h(label),
        application_id=grant.application_id,
        scopes=grant.scopes,
        created_at=created_at,
        expires_at=created_at + timedelta(hours=4),
        grant_id=grant.id,
        account_id=grant.account_id,
    )


def refresh_record(grant: Grant, label: str, access_label: str) -> RefreshToken:
    return RefreshToken(
        token_hash=h(label), grant_id=grant.id, access_token_hash=h(access_label), created_at=T0
    )


# --- the store and its schema --------------------------------------------------------------


def test_open_migrates_to_the_head_revision(store: SqlStore) -> None:
    head = ScriptDirectory.from_config(alembic_config(store.engine)).get_current_head()
    assert head is not None
    assert current_revision(store.engine) == head


def test_migrating_again_is_harmless(store: SqlStore, database_url: str) -> None:
    account = add_account(store)
    revision = current_revision(store.engine)
    migrate(store.engine)
    migrate(store.engine)
    assert current_revision(store.engine) == revision
    reopened = SqlStore.open(database_url)
    try:
        with reopened.transaction() as tx:
            assert tx.accounts.get(account.id) == account
    finally:
        reopened.close()


def test_a_transaction_commits_when_the_block_ends(store: SqlStore) -> None:
    with store.transaction() as tx:
        tx.accounts.add(new_account())
    with store.transaction() as tx:
        assert tx.accounts.user_id_taken("100000000001")


class _RollbackProbeError(Exception):
    pass


def test_a_transaction_rolls_back_on_error(store: SqlStore) -> None:
    def write_then_fail() -> None:
        with store.transaction() as tx:
            tx.accounts.add(new_account())
            tx.clock.set_offset_seconds(99.0)
            raise _RollbackProbeError

    with pytest.raises(_RollbackProbeError):
        write_then_fail()
    with store.transaction() as tx:
        assert tx.accounts.get_by_user_id("100000000001") is None
        assert tx.clock.offset_seconds() == 0.0


def test_repositories_in_one_transaction_see_each_others_writes(store: SqlStore) -> None:
    with store.transaction() as tx:
        account = tx.accounts.add(new_account())
        application = tx.applications.add(new_application())
        grant = tx.oauth.add_grant(application.id, account.id, SCOPES, T0, at(60))
        assert tx.oauth.grants_for_account(account.id) == [GrantView(grant, "Test software")]


def _populate_everything(store: SqlStore) -> None:
    account = add_account(store, full_account())
    application = add_application(store)
    grant = add_grant(store, application, account)
    with store.transaction() as tx:
        tx.applications.add_secret(application.id, h("secret-2"), "cd34", T0)
        tx.oauth.add_code(code_record(application, account))
        tx.oauth.link_code_to_grant(h("code"), grant.id)
        tx.oauth.add_access_token(user_token(grant, "at"))
        tx.oauth.add_refresh_token(refresh_record(grant, "rt", "at"))
        tx.sessions.add(BrowserSession(h("s"), "csrf", T0, T0, account.id, {"k": "v"}))
        tx.phone.send(TextMessage("07700900123", "Your code is 123456", T0))
        tx.sign_in_attempts.count_failure(h("user-id"), T0, at(60))
        tx.clock.set_offset_seconds(3600.0)
        tx.itsa_statuses.add(
            StoredStatus(
                "AA123456A", "2026-27", T0, "MTD Voluntary", "Rollover", None, application.id
            )
        )
        tx.relationships.add("TARN0000001", "AA123456A", "main", T0, "XJIT00000328268")
        tx.agent_records.add(AgentRecord("TARN0000001", "Agency", "a@b.test", "ABCD1234", T0))
        tx.invitations.add(
            StoredInvitation(
                "AAAAAAAAAAA11", Invitation.create("TARN0000001", "AA123456A", MAIN, T0), "Sam"
            )
        )
        tx.legacy_sa.add_client_link(LegacySaClientLink("AA123456A", "SA0001", False, T0))
        tx.legacy_sa.map_reference("TARN0000001", "SA0001", T0)
        tx.sandbox.add_business(
            StoredBusiness("XAIS12345678910", "AA123456A", application.id, "uk-property", {}, T0)
        )
        tx.sandbox.add_checkpoint(Checkpoint("c1", application.id, T0, {"statuses": []}))
        tx.platform.count_request(application.id, 1)
        tx.platform.record_feedback(
            HeaderFeedback(application.id, "api", "GET", "/p", T0, None, {"code": "VALID_HEADERS"})
        )
        tx.subscriptions.add(
            Subscription("AA123456A", "XJIT00000328268", "1000057161", "2026-27", T0)
        )
        tx.business_details.add(
            BusinessDetails(
                "XBIS12345678910",
                "AA123456A",
                "XJIT00000328268",
                "uk-property",
                date(2026, 4, 6),
                date(2027, 4, 5),
                T0,
                contextual_tax_year="2024-25",
            )
        )
        tx.eligibility.put(StoredEligibility("AA123456A", "2026-27", ("Death",), T0))
        tx.returns.put(ReturnOnFile("AA123456A", "2024-25", date(2025, 6, 1), T0))
        tx.fulfilled_updates.put(
            FulfilledUpdate(
                "AA123456A", None, date(2026, 4, 6), date(2027, 4, 5), date(2027, 5, 1), T0
            )
        )


def _row_counts(store: SqlStore) -> dict[str, int]:
    metadata = MetaData()
    metadata.reflect(bind=store.engine)
    with store.engine.connect() as connection:
        return {
            name: int(connection.scalar(select(func.count()).select_from(table)) or 0)
            for name, table in metadata.tables.items()
            if name != "alembic_version"
        }


def test_reset_empties_every_table_and_the_store_stays_usable(store: SqlStore) -> None:
    _populate_everything(store)
    before = _row_counts(store)
    assert len(before) >= 11
    assert all(count > 0 for count in before.values()), before
    store.reset()
    assert set(_row_counts(store).values()) == {0}
    assert current_revision(store.engine) is not None
    with store.transaction() as tx:
        assert tx.clock.offset_seconds() == 0.0
        assert tx.accounts.get_by_user_id("100000000001") is None
    _populate_everything(store)
    with store.transaction() as tx:
        again = tx.accounts.get_by_user_id("100000000001")
        assert again is not None
        assert tx.clock.offset_seconds() == 3600.0


# --- accounts ----------------------------------------------------------------------------


def test_an_account_round_trips_every_field(store: SqlStore) -> None:
    details = full_account()
    account = add_account(store, details)
    assert account.id > 0
    assert account.user_id == details.user_id
    assert account.password_hash == details.password_hash
    assert account.group.group_id == "ABCD-EF01-2345-6789"
    assert account.group.affinity_group is AffinityGroup.INDIVIDUAL
    assert account.group.agent_code is None
    assert account.group.enrolments == details.enrolments
    assert isinstance(account.group.enrolments, tuple)
    assert account.credential_role is CredentialRole.USER
    assert account.confidence_level == 200
    assert (account.first_name, account.last_name) == ("Zoë", "O'Brien-Ñúñez")
    assert account.email == "zoe@example.com"
    assert account.created_at == T0
    assert account.created_at.tzinfo is not None
    assert account.date_of_birth == date(1980, 2, 29)
    assert type(account.date_of_birth) is date
    assert account.address == details.address
    assert account.nino == "AA123456C"
    assert account.two_step_method is TwoStepMethod.AUTHENTICATOR_APP
    assert account.totp_secret == "JBSWY3DPEHPK3PXP"
    assert account.totp_last_step is None
    assert account.phone_number == "07700900123"
    assert account.sms_code_hash is None
    assert account.sms_code_expires_at is None
    assert account.failed_two_step_attempts == 0
    assert account.two_step_locked_until is None
    assert account.enrolment("HMRC-MTD-IT") == details.enrolments[1]
    with store.transaction() as tx:
        assert tx.accounts.get(account.id) == account
        assert tx.accounts.get_by_user_id(details.user_id) == account


def test_an_agent_account_round_trips(store: SqlStore) -> None:
    agent = add_account(
        store,
        new_account(
            affinity_group=AffinityGroup.AGENT,
            credential_role=CredentialRole.ASSISTANT,
            confidence_level=50,
            agent_code="ZZZZZZ999999",
            two_step_method=TwoStepMethod.TEXT_MESSAGE,
            enrolments=(Enrolment("HMRC-AS-AGENT", "AgentReferenceNumber", "XARN1234567"),),
        ),
    )
    with store.transaction() as tx:
        loaded = tx.accounts.get(agent.id)
    assert loaded == agent
    assert loaded.affinity_group is AffinityGroup.AGENT
    assert loaded.group.agent_code == "ZZZZZZ999999"
    assert loaded.credential_role is CredentialRole.ASSISTANT
    assert loaded.two_step_method is TwoStepMethod.TEXT_MESSAGE


def test_a_minimal_account_gets_the_defaults_and_a_group_id(store: SqlStore) -> None:
    account = add_account(store)
    assert account.date_of_birth is None
    assert account.address == Address()
    assert account.nino is None
    assert account.two_step_method is None
    assert account.group.enrolments == ()
    assert re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){3}", account.group.group_id)
    other = add_account(store, new_account("100000000002"))
    assert other.group.group_id != account.group.group_id


def test_an_account_joins_an_existing_group_and_shares_its_enrolments(store: SqlStore) -> None:
    admin = add_account(store, full_account())
    assistant = add_account(
        store,
        new_account(
            "100000000002",
            credential_role=CredentialRole.ASSISTANT,
            group_id=admin.group.group_id,
            enrolments=(Enrolment("HMRC-PT", "NINO", "AA123456C"),),
        ),
    )
    assert assistant.group.id == admin.group.id
    keys = [e.key for e in assistant.group.enrolments]
    assert keys == ["IR-SA", "HMRC-MTD-IT", "HMRC-PT"]
    with store.transaction() as tx:
        reloaded = tx.accounts.get(admin.id)
    assert reloaded is not None
    assert reloaded.group == assistant.group


def test_an_unknown_group_id_creates_that_group(store: SqlStore) -> None:
    account = add_account(store, new_account(group_id="9Z9Z-Z9Z9-9Z9Z-Z9Z9"))
    assert account.group.group_id == "9Z9Z-Z9Z9-9Z9Z-Z9Z9"


def test_missing_accounts_are_none(store: SqlStore) -> None:
    with store.transaction() as tx:
        assert tx.accounts.get(12345) is None
        assert tx.accounts.get_by_user_id("999999999999") is None
        assert tx.accounts.enrolment_owner("IR-SA", "0000000000") is None
        assert tx.accounts.user_id_taken("999999999999") is False


def test_save_writes_back_every_mutable_field(store: SqlStore) -> None:
    account = add_account(store)
    changed = replace(
        account,
        password_hash="$argon2id$new",
        confidence_level=250,
        two_step_method=TwoStepMethod.TEXT_MESSAGE,
        totp_secret="NEWSECRET",
        totp_last_step=59_000_123,
        phone_number="07700900999",
        sms_code_hash=h("sms"),
        sms_code_expires_at=at(300),
        failed_two_step_attempts=2,
        two_step_locked_until=at(1800),
    )
    with store.transaction() as tx:
        tx.accounts.save(changed)
    with store.transaction() as tx:
        assert tx.accounts.get(account.id) == changed
    cleared = replace(
        changed,
        two_step_method=None,
        totp_secret=None,
        totp_last_step=None,
        phone_number=None,
        sms_code_hash=None,
        sms_code_expires_at=None,
        failed_two_step_attempts=0,
        two_step_locked_until=None,
    )
    with store.transaction() as tx:
        tx.accounts.save(cleared)
    with store.transaction() as tx:
        assert tx.accounts.get(account.id) == cleared


def test_enrolment_owner_is_the_groups_admin(store: SqlStore) -> None:
    assistant_first = add_account(
        store,
        new_account(
            "100000000001",
            credential_role=CredentialRole.ASSISTANT,
            group_id="AAAA-AAAA-AAAA-AAAA",
            enrolments=(Enrolment("IR-SA", "UTR", "1234567890"),),
        ),
    )
    admin = add_account(store, new_account("100000000002", group_id="AAAA-AAAA-AAAA-AAAA"))
    add_account(store, new_account("100000000003", group_id="AAAA-AAAA-AAAA-AAAA"))
    with store.transaction() as tx:
        owner = tx.accounts.enrolment_owner("IR-SA", "1234567890")
        assert owner is not None
        assert owner.id == admin.id
        assert owner.id != assistant_first.id
        assert tx.accounts.enrolment_owner("IR-SA", "1234567891") is None
        assert tx.accounts.enrolment_owner("HMRC-MTD-IT", "1234567890") is None


def test_an_enrolment_held_only_by_an_assistant_has_no_owner(store: SqlStore) -> None:
    add_account(
        store,
        new_account(
            credential_role=CredentialRole.ASSISTANT,
            enrolments=(Enrolment("IR-SA", "UTR", "1234567890"),),
        ),
    )
    with store.transaction() as tx:
        assert tx.accounts.enrolment_owner("IR-SA", "1234567890") is None


def test_user_id_taken(store: SqlStore) -> None:
    add_account(store)
    with store.transaction() as tx:
        assert tx.accounts.user_id_taken("100000000001") is True
        assert tx.accounts.user_id_taken("100000000002") is False


def test_a_user_id_is_unique(store: SqlStore) -> None:
    add_account(store)
    with pytest.raises(IntegrityError), store.transaction() as tx:
        tx.accounts.add(new_account("100000000001", first_name="Other"))
    with store.transaction() as tx:
        kept = tx.accounts.get_by_user_id("100000000001")
        assert kept is not None
        assert kept.first_name == "Ida"
    add_account(store, new_account("100000000002"))


def test_an_enrolment_identifier_is_held_once(store: SqlStore) -> None:
    add_account(store, new_account(enrolments=(Enrolment("IR-SA", "UTR", "1234567890"),)))
    with pytest.raises(IntegrityError), store.transaction() as tx:
        tx.accounts.add(
            new_account("100000000002", enrolments=(Enrolment("IR-SA", "UTR", "1234567890"),))
        )
    with store.transaction() as tx:
        assert tx.accounts.user_id_taken("100000000002") is False
    # The same value under another key, and another value under the same key, are fine.
    add_account(
        store,
        new_account(
            "100000000003",
            enrolments=(
                Enrolment("HMRC-PT", "NINO", "1234567890"),
                Enrolment("IR-SA", "UTR", "1234567891"),
            ),
        ),
    )


# --- applications -------------------------------------------------------------------------


def test_an_application_round_trips_every_field(store: SqlStore) -> None:
    details = new_application()
    application = add_application(store, details)
    assert application.id > 0
    assert application.client_id == "client-1"
    assert application.name == "Test software"
    assert application.redirect_uris == details.redirect_uris
    assert isinstance(application.redirect_uris, tuple)
    assert application.apis == details.apis
    assert isinstance(application.apis, frozenset)
    assert application.rate_limit_per_second == 3
    assert application.grant_length_days == 547
    assert application.created_at == T0
    assert len(application.secrets) == 1
    secret = application.secrets[0]
    assert isinstance(secret, ClientSecret)
    assert (secret.secret_hash, secret.hint, secret.created_at) == (h("secret-1"), "ab12", T0)
    with store.transaction() as tx:
        assert tx.applications.get(application.id) == application
        assert tx.applications.get_by_client_id("client-1") == application


def test_an_application_with_no_apis_round_trips(store: SqlStore) -> None:
    application = add_application(store, new_application(apis=frozenset(), grant_length_days=0))
    with store.transaction() as tx:
        loaded = tx.applications.get(application.id)
    assert loaded is not None
    assert loaded.apis == frozenset()
    assert loaded.grant_length_days == 0


def test_missing_applications_are_none(store: SqlStore) -> None:
    with store.transaction() as tx:
        assert tx.applications.get(12345) is None
        assert tx.applications.get_by_client_id("nope") is None
        assert tx.applications.list() == []


def test_applications_are_listed_in_the_order_they_were_added(store: SqlStore) -> None:
    added = [
        add_application(store, new_application(f"client-{n}", name=f"App {n}")) for n in (3, 1, 2)
    ]
    with store.transaction() as tx:
        assert tx.applications.list() == added


def test_a_client_id_is_unique(store: SqlStore) -> None:
    add_application(store)
    with pytest.raises(IntegrityError), store.transaction() as tx:
        tx.applications.add(new_application("client-1", name="Copy"))
    with store.transaction() as tx:
        assert [a.name for a in tx.applications.list()] == ["Test software"]


def test_update_writes_back_the_settings_and_keeps_the_secrets(store: SqlStore) -> None:
    application = add_application(store)
    changed = replace(
        application,
        name="Renamed",
        redirect_uris=("urn:ietf:wg:oauth:2.0:oob",),
        apis=frozenset({"agent-authorisation"}),
        rate_limit_per_second=10,
        grant_length_days=1,
    )
    with store.transaction() as tx:
        tx.applications.update(changed)
    with store.transaction() as tx:
        assert tx.applications.get(application.id) == changed


def test_client_secrets_are_added_in_order_and_deleted(store: SqlStore) -> None:
    application = add_application(store)
    other = add_application(store, new_application("client-2"))
    with store.transaction() as tx:
        tx.applications.add_secret(application.id, h("secret-2"), "cd34", at(60))
        tx.applications.add_secret(application.id, h("secret-3"), "ef56", at(120))
    with store.transaction() as tx:
        loaded = tx.applications.get(application.id)
    assert loaded is not None
    assert [(s.secret_hash, s.hint, s.created_at) for s in loaded.secrets] == [
        (h("secret-1"), "ab12", T0),
        (h("secret-2"), "cd34", at(60)),
        (h("secret-3"), "ef56", at(120)),
    ]
    middle = loaded.secrets[1]
    with store.transaction() as tx:
        assert tx.applications.delete_secret(other.id, middle.id) is False
        assert tx.applications.delete_secret(application.id, middle.id) is True
        assert tx.applications.delete_secret(application.id, middle.id) is False
        assert tx.applications.delete_secret(application.id, 99999) is False
    with store.transaction() as tx:
        after = tx.applications.get(application.id)
        untouched = tx.applications.get(other.id)
    assert after is not None
    assert [s.hint for s in after.secrets] == ["ab12", "ef56"]
    assert untouched == other


# --- OAuth: codes ----------------------------------------------------------------------------


@pytest.fixture
def parties(store: SqlStore) -> tuple[Application, Account]:
    return add_application(store), add_account(store)


def test_a_code_round_trips(store: SqlStore, parties: tuple[Application, Account]) -> None:
    application, account = parties
    with_pkce = code_record(application, account, "code-1")
    without = replace(code_record(application, account, "code-2"), code_challenge=None, scopes=())
    with store.transaction() as tx:
        tx.oauth.add_code(with_pkce)
        tx.oauth.add_code(without)
    with store.transaction() as tx:
        assert tx.oauth.get_code(h("code-1")) == with_pkce
        assert tx.oauth.get_code(h("code-2")) == without
        assert tx.oauth.get_code(h("missing")) is None


def test_use_code_is_compare_and_set(store: SqlStore, parties: tuple[Application, Account]) -> None:
    application, account = parties
    with store.transaction() as tx:
        tx.oauth.add_code(code_record(application, account))
    with store.transaction() as tx:
        assert tx.oauth.use_code(h("code"), at(5)) is True
    with store.transaction() as tx:
        assert tx.oauth.use_code(h("code"), at(6)) is False
        assert tx.oauth.use_code(h("missing"), at(6)) is False
    with store.transaction() as tx:
        used = tx.oauth.get_code(h("code"))
    assert used is not None
    assert used.used_at == at(5)


def test_use_code_twice_in_one_transaction(
    store: SqlStore, parties: tuple[Application, Account]
) -> None:
    application, account = parties
    with store.transaction() as tx:
        tx.oauth.add_code(code_record(application, account))
        assert tx.oauth.use_code(h("code"), at(5)) is True
        assert tx.oauth.use_code(h("code"), at(6)) is False


def _race(attempt: Callable[[], bool], contenders: int = 2) -> list[bool]:
    """Run ``attempt`` in ``contenders`` threads released together."""
    start = threading.Barrier(contenders)

    def run() -> bool:
        start.wait(timeout=10)
        return attempt()

    with ThreadPoolExecutor(contenders) as pool:
        futures = [pool.submit(run) for _ in range(contenders)]
        return [future.result(timeout=60) for future in futures]


@pytest.mark.parametrize("round_", range(5))
def test_use_code_from_concurrent_threads_lets_exactly_one_win(
    store: SqlStore, parties: tuple[Application, Account], round_: int
) -> None:
    application, account = parties
    with store.transaction() as tx:
        tx.oauth.add_code(code_record(application, account, f"race-{round_}"))

    def attempt() -> bool:
        with store.transaction() as tx:
            return tx.oauth.use_code(h(f"race-{round_}"), at(1))

    assert sorted(_race(attempt, contenders=2 + round_)) == [False] * (1 + round_) + [True]


def test_read_then_use_code_from_concurrent_threads(
    store: SqlStore, parties: tuple[Application, Account]
) -> None:
    """As the token endpoint does it: read the code, then mark it used, in one transaction."""
    application, account = parties
    with store.transaction() as tx:
        tx.oauth.add_code(code_record(application, account, "read-race"))
    read = threading.Barrier(3)

    def attempt() -> bool:
        with store.transaction() as tx:
            record = tx.oauth.get_code(h("read-race"))
            assert record is not None
            assert record.used_at is None
            read.wait(timeout=10)  # every contender has seen the code unused
            return tx.oauth.use_code(h("read-race"), at(1))

    assert sorted(_race(attempt, contenders=3)) == [False, False, True]


def test_link_code_to_grant(store: SqlStore, parties: tuple[Application, Account]) -> None:
    application, account = parties
    grant = add_grant(store, application, account)
    with store.transaction() as tx:
        tx.oauth.add_code(code_record(application, account))
        tx.oauth.link_code_to_grant(h("code"), grant.id)
    with store.transaction() as tx:
        linked = tx.oauth.get_code(h("code"))
    assert linked is not None
    assert linked.grant_id == grant.id


# --- OAuth: grants ----------------------------------------------------------------------------


def test_a_grant_round_trips(store: SqlStore, parties: tuple[Application, Account]) -> None:
    application, account = parties
    grant = add_grant(store, application, account)
    assert grant.id > 0
    assert grant.application_id == application.id
    assert grant.account_id == account.id
    assert grant.scopes == SCOPES
    assert grant.created_at == T0
    assert grant.expires_at == T0 + timedelta(days=547)
    assert grant.revoked_at is None
    with store.transaction() as tx:
        assert tx.oauth.get_grant(grant.id) == grant
        assert tx.oauth.get_grant(grant.id + 1000) is None


def test_timezone_aware_times_in_any_offset_come_back_equal(
    store: SqlStore, parties: tuple[Application, Account]
) -> None:
    application, account = parties
    london_summer = timezone(timedelta(hours=1))
    created = datetime(2026, 6, 1, 12, 30, 15, 999999, tzinfo=london_summer)
    expires = datetime(2027, 12, 1, 1, 0, tzinfo=timezone(timedelta(hours=-5)))
    with store.transaction() as tx:
        grant = tx.oauth.add_grant(application.id, account.id, SCOPES, created, expires)
    with store.transaction() as tx:
        loaded = tx.oauth.get_grant(grant.id)
    assert loaded is not None
    assert loaded.created_at.tzinfo is not None
    assert loaded.created_at == created
    assert loaded.expires_at == expires


def test_revoke_grant_cascades_to_its_tokens_only(
    store: SqlStore, parties: tuple[Application, Account]
) -> None:
    application, account = parties
    grant = add_grant(store, application, account)
    other = add_grant(store, application, account, created_at=at(1))
    server = replace(user_token(grant, "cc"), grant_id=None, account_id=None, scopes=())
    with store.transaction() as tx:
        for label in ("at-1", "at-2", "at-early"):
            tx.oauth.add_access_token(user_token(grant, label))
        tx.oauth.add_access_token(user_token(other, "other-at"))
        tx.oauth.add_access_token(server)
        tx.oauth.add_refresh_token(refresh_record(grant, "rt-1", "at-1"))
        tx.oauth.add_refresh_token(refresh_record(grant, "rt-used", "at-2"))
        tx.oauth.add_refresh_token(refresh_record(other, "other-rt", "other-at"))
        tx.oauth.revoke_access_token(h("at-early"), at(10))
        assert tx.oauth.use_refresh_token(h("rt-used"), at(20))
    with store.transaction() as tx:
        tx.oauth.revoke_grant(grant.id, at(100))
    with store.transaction() as tx:
        tx.oauth.revoke_grant(grant.id, at(200))  # again: the first time stands
    with store.transaction() as tx:
        revoked = tx.oauth.get_grant(grant.id)
        assert revoked is not None
        assert revoked.revoked_at == at(100)
        assert tx.oauth.get_grant(other.id) == other

        def token_revoked_at(label: str) -> datetime | None:
            token = tx.oauth.get_access_token(h(label))
            assert token is not None
            return token.revoked_at

        def refresh_used_at(label: str) -> datetime | None:
            token = tx.oauth.get_refresh_token(h(label))
            assert token is not None
            return token.used_at

        assert token_revoked_at("at-1") == at(100)
        assert token_revoked_at("at-2") == at(100)
        assert token_revoked_at("at-early") == at(10)
        assert token_revoked_at("other-at") is None
        assert token_revoked_at("cc") is None
        assert refresh_used_at("rt-1") == at(100)
        assert refresh_used_at("rt-used") == at(20)
        assert refresh_used_at("other-rt") is None
        assert tx.oauth.use_refresh_token(h("rt-1"), at(300)) is False


def test_revoking_a_missing_grant_does_nothing(store: SqlStore) -> None:
    with store.transaction() as tx:
        tx.oauth.revoke_grant(424242, T0)


def test_grants_for_account_newest_first_without_revoked_or_others(store: SqlStore) -> None:
    account = add_account(store)
    someone_else = add_account(store, new_account("100000000002"))
    alpha = add_application(store, new_application("client-a", name="Alpha"))
    beta = add_application(store, new_application("client-b", name="Beta"))
    oldest = add_grant(store, alpha, account, created_at=at(0))
    tie_first = add_grant(store, beta, account, created_at=at(50))
    tie_second = add_grant(store, alpha, account, created_at=at(50))
    newest = add_grant(store, beta, account, created_at=at(100), scopes=("hello",))
    revoked = add_grant(store, alpha, account, created_at=at(200))
    add_grant(store, alpha, someone_else, created_at=at(300))
    with store.transaction() as tx:
        tx.oauth.revoke_grant(revoked.id, at(201))
    with store.transaction() as tx:
        views = tx.oauth.grants_for_account(account.id)
        assert tx.oauth.grants_for_account(9999) == []
    assert views == [
        GrantView(newest, "Beta"),
        GrantView(tie_second, "Alpha"),
        GrantView(tie_first, "Beta"),
        GrantView(oldest, "Alpha"),
    ]


# --- OAuth: access and refresh tokens ----------------------------------------------------------


def test_access_tokens_round_trip(store: SqlStore, parties: tuple[Application, Account]) -> None:
    application, account = parties
    grant = add_grant(store, application, account)
    user = user_token(grant, "at")
    server = AccessToken(
        token_hash=h("cc"),
        application_id=application.id,
        scopes=("hello",),
        created_at=T0,
        expires_at=at(14400),
    )
    with store.transaction() as tx:
        tx.oauth.add_access_token(user)
        tx.oauth.add_access_token(server)
    with store.transaction() as tx:
        assert tx.oauth.get_access_token(h("at")) == user
        assert tx.oauth.get_access_token(h("cc")) == server
        assert tx.oauth.get_access_token(h("missing")) is None


def test_revoke_access_token_keeps_the_first_time(
    store: SqlStore, parties: tuple[Application, Account]
) -> None:
    application, account = parties
    grant = add_grant(store, application, account)
    with store.transaction() as tx:
        tx.oauth.add_access_token(user_token(grant, "at"))
        tx.oauth.add_access_token(user_token(grant, "kept"))
    with store.transaction() as tx:
        tx.oauth.revoke_access_token(h("at"), at(30))
        tx.oauth.revoke_access_token(h("missing"), at(30))
    with store.transaction() as tx:
        tx.oauth.revoke_access_token(h("at"), at(40))
    with store.transaction() as tx:
        revoked = tx.oauth.get_access_token(h("at"))
        kept = tx.oauth.get_access_token(h("kept"))
    assert revoked is not None
    assert revoked.revoked_at == at(30)
    assert kept is not None
    assert kept.revoked_at is None


def test_refresh_tokens_round_trip_and_use_is_compare_and_set(
    store: SqlStore, parties: tuple[Application, Account]
) -> None:
    application, account = parties
    grant = add_grant(store, application, account)
    record = refresh_record(grant, "rt", "at")
    with store.transaction() as tx:
        tx.oauth.add_refresh_token(record)
    with store.transaction() as tx:
        assert tx.oauth.get_refresh_token(h("rt")) == record
        assert tx.oauth.get_refresh_token(h("missing")) is None
        assert tx.oauth.use_refresh_token(h("rt"), at(7)) is True
    with store.transaction() as tx:
        assert tx.oauth.use_refresh_token(h("rt"), at(8)) is False
        assert tx.oauth.use_refresh_token(h("missing"), at(8)) is False
        assert tx.oauth.get_refresh_token(h("rt")) == replace(record, used_at=at(7))


@pytest.mark.parametrize("round_", range(5))
def test_use_refresh_token_from_concurrent_threads_lets_exactly_one_win(
    store: SqlStore, parties: tuple[Application, Account], round_: int
) -> None:
    application, account = parties
    grant = add_grant(store, application, account)
    with store.transaction() as tx:
        tx.oauth.add_refresh_token(refresh_record(grant, f"rt-{round_}", "at"))

    def attempt() -> bool:
        with store.transaction() as tx:
            return tx.oauth.use_refresh_token(h(f"rt-{round_}"), at(1))

    assert sorted(_race(attempt, contenders=2 + round_)) == [False] * (1 + round_) + [True]


# --- browser sessions -------------------------------------------------------------------------

DATA = {
    "oauth_journey": {
        "client_id": "client-1",
        "scopes": ["read:self-assessment", "write:self-assessment"],
        "state": "état ✓ & = %",
        "code_challenge": None,
    },
    "after_sign_in": "/oauth/continue",
    "pending_account_id": 7,
    "ratio": 0.5,
    "flag": True,
    "nothing": None,
    "nested": [[1, 2], {"a": []}],
}


def test_a_browser_session_round_trips(store: SqlStore) -> None:
    account = add_account(store)
    signed_in = BrowserSession(h("s1"), "csrf-1", T0, at(10), account.id, DATA)
    anonymous = BrowserSession(h("s2"), "csrf-2", T0, T0)
    with store.transaction() as tx:
        tx.sessions.add(signed_in)
        tx.sessions.add(anonymous)
    with store.transaction() as tx:
        assert tx.sessions.get(h("s1")) == signed_in
        loaded = tx.sessions.get(h("s2"))
        assert tx.sessions.get(h("missing")) is None
    assert loaded == anonymous
    assert loaded.account_id is None
    assert dict(loaded.data) == {}


def test_save_writes_back_a_session(store: SqlStore) -> None:
    account = add_account(store)
    session = BrowserSession(h("s"), "csrf-1", T0, T0)
    with store.transaction() as tx:
        tx.sessions.add(session)
    changed = replace(session, csrf_token="csrf-2", last_seen_at=at(60), account_id=account.id)
    changed = replace(changed, data=DATA)
    with store.transaction() as tx:
        tx.sessions.save(changed)
    with store.transaction() as tx:
        assert tx.sessions.get(h("s")) == changed
    emptied = replace(changed, account_id=None, data={})
    with store.transaction() as tx:
        tx.sessions.save(emptied)
    with store.transaction() as tx:
        assert tx.sessions.get(h("s")) == emptied


def test_delete_a_session(store: SqlStore) -> None:
    with store.transaction() as tx:
        tx.sessions.add(BrowserSession(h("s"), "csrf", T0, T0))
        tx.sessions.add(BrowserSession(h("t"), "csrf", T0, T0))
    with store.transaction() as tx:
        tx.sessions.delete(h("s"))
        tx.sessions.delete(h("missing"))
    with store.transaction() as tx:
        assert tx.sessions.get(h("s")) is None
        assert tx.sessions.get(h("t")) is not None


def test_delete_idle_removes_sessions_last_seen_before_the_cut_off(store: SqlStore) -> None:
    with store.transaction() as tx:
        for label, seen in (("old", -1), ("older", -3600), ("edge", 0), ("fresh", 1)):
            tx.sessions.add(BrowserSession(h(label), "csrf", at(-7200), at(seen)))
    with store.transaction() as tx:
        assert tx.sessions.delete_idle(T0) == 2
    with store.transaction() as tx:
        assert tx.sessions.get(h("old")) is None
        assert tx.sessions.get(h("older")) is None
        assert tx.sessions.get(h("edge")) is not None
        assert tx.sessions.get(h("fresh")) is not None
        assert tx.sessions.delete_idle(T0) == 0


def test_delete_idle_compares_instants_not_wall_clock_readings(store: SqlStore) -> None:
    """A cut-off given in another offset means the same instant (11:00+01:00 is 10:00Z)."""
    with store.transaction() as tx:
        tx.sessions.add(BrowserSession(h("seen-10-30z"), "csrf", T0, at(1800)))
    cut_off = T0.astimezone(timezone(timedelta(hours=1)))
    with store.transaction() as tx:
        assert tx.sessions.delete_idle(cut_off) == 0
    with store.transaction() as tx:
        assert tx.sessions.get(h("seen-10-30z")) is not None


# --- the phone and the clock ----------------------------------------------------------------------


def test_phone_messages_newest_first_for_that_number_only(store: SqlStore) -> None:
    sent = [
        TextMessage("07700900123", "first", at(0)),
        TextMessage("07700900999", "someone else", at(1)),
        TextMessage("07700900123", "second ✓", at(2)),
        TextMessage("07700900123", "third", at(3)),
    ]
    with store.transaction() as tx:
        for message in sent[:2]:
            tx.phone.send(message)
    with store.transaction() as tx:
        for message in sent[2:]:
            tx.phone.send(message)
    with store.transaction() as tx:
        assert tx.phone.messages("07700900123") == [sent[3], sent[2], sent[0]]
        assert tx.phone.messages("07700900999") == [sent[1]]
        assert tx.phone.messages("07700900000") == []


def test_the_clock_offset_starts_at_zero_and_is_kept(store: SqlStore) -> None:
    with store.transaction() as tx:
        assert tx.clock.offset_seconds() == 0.0
        tx.clock.set_offset_seconds(86400.25)
    with store.transaction() as tx:
        assert tx.clock.offset_seconds() == 86400.25
        tx.clock.set_offset_seconds(-3600.5)
    with store.transaction() as tx:
        assert tx.clock.offset_seconds() == -3600.5
        tx.clock.set_offset_seconds(0.0)
    with store.transaction() as tx:
        assert tx.clock.offset_seconds() == 0.0
