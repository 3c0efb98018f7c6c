"""The SQLAlchemy implementation of :mod:`openmtd.emulator.storage` (SQLite and PostgreSQL)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Engine, Table, delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from openmtd.emulator.adapters.db import tables as t
from openmtd.emulator.adapters.db.engine import create_database_engine, migrate
from openmtd.emulator.storage import (
    AccessToken,
    Account,
    AccountRepository,
    Address,
    AffinityGroup,
    Application,
    ApplicationRepository,
    AuthorizationCode,
    BrowserSession,
    Checkpoint,
    ClientSecret,
    ClockRepository,
    CredentialRole,
    Enrolment,
    Grant,
    GrantView,
    Group,
    HeaderFeedback,
    ItsaStatusRepository,
    NewAccount,
    NewApplication,
    OAuthRepository,
    PhoneRepository,
    PlatformRepository,
    RefreshToken,
    Relationship,
    RelationshipRepository,
    SandboxDataRepository,
    SessionRepository,
    StoredBusiness,
    StoredStatus,
    TextMessage,
    TwoStepMethod,
)

_SCOPE_SEPARATOR = " "


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else _utc(value)


def _scopes(text: str) -> tuple[str, ...]:
    return tuple(text.split(_SCOPE_SEPARATOR)) if text else ()


def _group(row: t.GroupRow) -> Group:
    return Group(
        id=row.id,
        group_id=row.group_id,
        affinity_group=AffinityGroup(row.affinity_group),
        agent_code=row.agent_code,
        enrolments=tuple(
            Enrolment(e.key, e.identifier_name, e.identifier_value, e.state) for e in row.enrolments
        ),
    )


def _account(row: t.AccountRow) -> Account:
    return Account(
        id=row.id,
        user_id=row.user_id,
        password_hash=row.password_hash,
        group=_group(row.group),
        credential_role=CredentialRole(row.credential_role),
        confidence_level=row.confidence_level,
        first_name=row.first_name,
        last_name=row.last_name,
        email=row.email,
        created_at=_utc(row.created_at),
        date_of_birth=row.date_of_birth,
        address=Address(
            row.address_line1,
            row.address_line2,
            row.address_line3,
            row.address_line4,
            row.postcode,
            row.country_code,
        ),
        nino=row.nino,
        two_step_method=TwoStepMethod(row.two_step_method) if row.two_step_method else None,
        totp_secret=row.totp_secret,
        totp_last_step=row.totp_last_step,
        phone_number=row.phone_number,
        sms_code_hash=row.sms_code_hash,
        sms_code_expires_at=_utc_or_none(row.sms_code_expires_at),
        failed_password_attempts=row.failed_password_attempts,
        password_locked_until=_utc_or_none(row.password_locked_until),
        failed_two_step_attempts=row.failed_two_step_attempts,
        two_step_locked_until=_utc_or_none(row.two_step_locked_until),
    )


def _new_group_id() -> str:
    # HMRC's group ids look like 9Z9Z-Z9Z9-9Z9Z-Z9Z9 (business rules §4.2).
    return "-".join(secrets.token_hex(2).upper() for _ in range(4))


class SqlAccounts(AccountRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, account: NewAccount) -> Account:
        group_row = None
        if account.group_id is not None:
            group_row = self._session.scalar(
                select(t.GroupRow).where(t.GroupRow.group_id == account.group_id)
            )
        if group_row is None:
            group_row = t.GroupRow(
                group_id=account.group_id or _new_group_id(),
                affinity_group=account.affinity_group.value,
                agent_code=account.agent_code,
            )
            self._session.add(group_row)
        for enrolment in account.enrolments:
            group_row.enrolments.append(
                t.EnrolmentRow(
                    key=enrolment.key,
                    identifier_name=enrolment.identifier_name,
                    identifier_value=enrolment.identifier_value,
                    state=enrolment.state,
                )
            )
        row = t.AccountRow(
            user_id=account.user_id,
            password_hash=account.password_hash,
            group=group_row,
            credential_role=account.credential_role.value,
            confidence_level=account.confidence_level,
            first_name=account.first_name,
            last_name=account.last_name,
            email=account.email,
            created_at=account.created_at,
            date_of_birth=account.date_of_birth,
            address_line1=account.address.line1,
            address_line2=account.address.line2,
            address_line3=account.address.line3,
            address_line4=account.address.line4,
            postcode=account.address.postcode,
            country_code=account.address.country_code,
            nino=account.nino,
            two_step_method=account.two_step_method.value if account.two_step_method else None,
            totp_secret=account.totp_secret,
            phone_number=account.phone_number,
            failed_password_attempts=0,
            failed_two_step_attempts=0,
        )
        self._session.add(row)
        self._session.flush()
        return _account(row)

    def get(self, account_id: int) -> Account | None:
        row = self._session.get(t.AccountRow, account_id)
        return _account(row) if row else None

    def get_by_user_id(self, user_id: str) -> Account | None:
        row = self._session.scalar(select(t.AccountRow).where(t.AccountRow.user_id == user_id))
        return _account(row) if row else None

    def save(self, account: Account) -> None:
        self._session.execute(
            update(t.AccountRow)
            .where(t.AccountRow.id == account.id)
            .values(
                password_hash=account.password_hash,
                confidence_level=account.confidence_level,
                two_step_method=account.two_step_method.value if account.two_step_method else None,
                totp_secret=account.totp_secret,
                totp_last_step=account.totp_last_step,
                phone_number=account.phone_number,
                sms_code_hash=account.sms_code_hash,
                sms_code_expires_at=account.sms_code_expires_at,
                failed_password_attempts=account.failed_password_attempts,
                password_locked_until=account.password_locked_until,
                failed_two_step_attempts=account.failed_two_step_attempts,
                two_step_locked_until=account.two_step_locked_until,
            )
        )

    def enrolment_owner(self, key: str, identifier_value: str) -> Account | None:
        row = self._session.scalar(
            select(t.AccountRow)
            .join(t.EnrolmentRow, t.EnrolmentRow.group_pk == t.AccountRow.group_pk)
            .where(
                t.EnrolmentRow.key == key,
                t.EnrolmentRow.identifier_value == identifier_value,
                t.AccountRow.credential_role == CredentialRole.USER.value,
            )
            .order_by(t.AccountRow.id)
            .limit(1)
        )
        return _account(row) if row else None

    def user_id_taken(self, user_id: str) -> bool:
        return (
            self._session.scalar(select(t.AccountRow.id).where(t.AccountRow.user_id == user_id))
            is not None
        )

    def find_by_nino(self, nino: str) -> Account | None:
        row = self._session.scalar(
            select(t.AccountRow).where(t.AccountRow.nino == nino).order_by(t.AccountRow.id).limit(1)
        )
        return _account(row) if row else None


def _application(row: t.ApplicationRow) -> Application:
    return Application(
        id=row.id,
        client_id=row.client_id,
        name=row.name,
        redirect_uris=tuple(row.redirect_uris),
        apis=frozenset(row.apis),
        rate_limit_per_second=row.rate_limit_per_second,
        grant_length_days=row.grant_length_days,
        created_at=_utc(row.created_at),
        secrets=tuple(
            ClientSecret(s.id, s.secret_hash, s.hint, _utc(s.created_at)) for s in row.secrets
        ),
    )


class SqlApplications(ApplicationRepository):
    def __init__(self, session: Session) -> None:
        self._session = session
        # One transaction often looks the same application up twice (validate, then grant):
        # remember it for the transaction's life; writes below forget it.
        self._by_client_id: dict[str, Application | None] = {}

    def add(self, application: NewApplication) -> Application:
        row = t.ApplicationRow(
            client_id=application.client_id,
            name=application.name,
            redirect_uris=list(application.redirect_uris),
            apis=sorted(application.apis),
            rate_limit_per_second=application.rate_limit_per_second,
            grant_length_days=application.grant_length_days,
            created_at=application.created_at,
        )
        row.secrets.append(
            t.ClientSecretRow(
                secret_hash=application.secret_hash,
                hint=application.secret_hint,
                created_at=application.created_at,
            )
        )
        self._session.add(row)
        self._session.flush()
        return _application(row)

    def get_by_client_id(self, client_id: str) -> Application | None:
        if client_id not in self._by_client_id:
            row = self._session.scalar(
                select(t.ApplicationRow).where(t.ApplicationRow.client_id == client_id)
            )
            self._by_client_id[client_id] = _application(row) if row else None
        return self._by_client_id[client_id]

    def get(self, application_id: int) -> Application | None:
        row = self._session.get(t.ApplicationRow, application_id)
        return _application(row) if row else None

    def list(self) -> list[Application]:
        rows = self._session.scalars(select(t.ApplicationRow).order_by(t.ApplicationRow.id))
        return [_application(row) for row in rows.unique()]

    def update(self, application: Application) -> None:
        self._by_client_id.clear()
        self._session.execute(
            update(t.ApplicationRow)
            .where(t.ApplicationRow.id == application.id)
            .values(
                name=application.name,
                redirect_uris=list(application.redirect_uris),
                apis=sorted(application.apis),
                rate_limit_per_second=application.rate_limit_per_second,
                grant_length_days=application.grant_length_days,
            )
        )

    def add_secret(self, application_id: int, secret_hash: str, hint: str, at: datetime) -> None:
        self._by_client_id.clear()
        self._session.add(
            t.ClientSecretRow(
                application_pk=application_id, secret_hash=secret_hash, hint=hint, created_at=at
            )
        )
        self._session.flush()

    def delete_secret(self, application_id: int, secret_id: int) -> bool:
        self._by_client_id.clear()
        result = self._session.execute(
            delete(t.ClientSecretRow).where(
                t.ClientSecretRow.application_pk == application_id,
                t.ClientSecretRow.id == secret_id,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def _code(row: t.AuthorizationCodeRow) -> AuthorizationCode:
    return AuthorizationCode(
        code_hash=row.code_hash,
        application_id=row.application_pk,
        account_id=row.account_pk,
        redirect_uri=row.redirect_uri,
        scopes=_scopes(row.scopes),
        code_challenge=row.code_challenge,
        created_at=_utc(row.created_at),
        expires_at=_utc(row.expires_at),
        used_at=_utc_or_none(row.used_at),
        grant_id=row.grant_pk,
    )


def _grant(row: t.GrantRow) -> Grant:
    return Grant(
        id=row.id,
        application_id=row.application_pk,
        account_id=row.account_pk,
        scopes=_scopes(row.scopes),
        created_at=_utc(row.created_at),
        expires_at=_utc(row.expires_at),
        revoked_at=_utc_or_none(row.revoked_at),
    )


def _access_token(row: t.AccessTokenRow) -> AccessToken:
    return AccessToken(
        token_hash=row.token_hash,
        application_id=row.application_pk,
        scopes=_scopes(row.scopes),
        created_at=_utc(row.created_at),
        expires_at=_utc(row.expires_at),
        grant_id=row.grant_pk,
        account_id=row.account_pk,
        revoked_at=_utc_or_none(row.revoked_at),
    )


class SqlOAuth(OAuthRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_code(self, code: AuthorizationCode) -> None:
        self._session.add(
            t.AuthorizationCodeRow(
                code_hash=code.code_hash,
                application_pk=code.application_id,
                account_pk=code.account_id,
                redirect_uri=code.redirect_uri,
                scopes=_SCOPE_SEPARATOR.join(code.scopes),
                code_challenge=code.code_challenge,
                created_at=code.created_at,
                expires_at=code.expires_at,
            )
        )

    def get_code(self, code_hash: str) -> AuthorizationCode | None:
        row = self._session.get(t.AuthorizationCodeRow, code_hash, populate_existing=True)
        return _code(row) if row else None

    def use_code(self, code_hash: str, at: datetime) -> bool:
        # A conditional UPDATE is the atomic compare-and-set: two concurrent exchanges of one
        # code cannot both see it unused.
        result = self._session.execute(
            update(t.AuthorizationCodeRow)
            .where(
                t.AuthorizationCodeRow.code_hash == code_hash,
                t.AuthorizationCodeRow.used_at.is_(None),
            )
            .values(used_at=at)
        )
        return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]

    def link_code_to_grant(self, code_hash: str, grant_id: int) -> None:
        self._session.execute(
            update(t.AuthorizationCodeRow)
            .where(t.AuthorizationCodeRow.code_hash == code_hash)
            .values(grant_pk=grant_id)
        )

    def add_grant(
        self,
        application_id: int,
        account_id: int,
        scopes: tuple[str, ...],
        created_at: datetime,
        expires_at: datetime,
    ) -> Grant:
        row = t.GrantRow(
            application_pk=application_id,
            account_pk=account_id,
            scopes=_SCOPE_SEPARATOR.join(scopes),
            created_at=created_at,
            expires_at=expires_at,
        )
        self._session.add(row)
        self._session.flush()
        return _grant(row)

    def get_grant(self, grant_id: int) -> Grant | None:
        row = self._session.get(t.GrantRow, grant_id)
        return _grant(row) if row else None

    def revoke_grant(self, grant_id: int, at: datetime) -> None:
        self._session.execute(
            update(t.GrantRow)
            .where(t.GrantRow.id == grant_id, t.GrantRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        self._session.execute(
            update(t.AccessTokenRow)
            .where(t.AccessTokenRow.grant_pk == grant_id, t.AccessTokenRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        self._session.execute(
            update(t.RefreshTokenRow)
            .where(t.RefreshTokenRow.grant_pk == grant_id, t.RefreshTokenRow.used_at.is_(None))
            .values(used_at=at)
        )

    def grants_for_account(self, account_id: int) -> list[GrantView]:
        rows = self._session.execute(
            select(t.GrantRow, t.ApplicationRow.name)
            .join(t.ApplicationRow, t.ApplicationRow.id == t.GrantRow.application_pk)
            .where(t.GrantRow.account_pk == account_id, t.GrantRow.revoked_at.is_(None))
            .order_by(t.GrantRow.created_at.desc(), t.GrantRow.id.desc())
        )
        return [GrantView(_grant(row), name) for row, name in rows]

    def add_access_token(self, token: AccessToken) -> None:
        self._session.add(
            t.AccessTokenRow(
                token_hash=token.token_hash,
                application_pk=token.application_id,
                grant_pk=token.grant_id,
                account_pk=token.account_id,
                scopes=_SCOPE_SEPARATOR.join(token.scopes),
                created_at=token.created_at,
                expires_at=token.expires_at,
            )
        )

    def get_access_token(self, token_hash: str) -> AccessToken | None:
        row = self._session.get(t.AccessTokenRow, token_hash)
        return _access_token(row) if row else None

    def revoke_access_token(self, token_hash: str, at: datetime) -> None:
        self._session.execute(
            update(t.AccessTokenRow)
            .where(t.AccessTokenRow.token_hash == token_hash, t.AccessTokenRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    def add_refresh_token(self, token: RefreshToken) -> None:
        self._session.add(
            t.RefreshTokenRow(
                token_hash=token.token_hash,
                grant_pk=token.grant_id,
                access_token_hash=token.access_token_hash,
                created_at=token.created_at,
            )
        )

    def get_refresh_token(self, token_hash: str) -> RefreshToken | None:
        row = self._session.get(t.RefreshTokenRow, token_hash)
        if row is None:
            return None
        return RefreshToken(
            row.token_hash,
            row.grant_pk,
            row.access_token_hash,
            _utc(row.created_at),
            _utc_or_none(row.used_at),
        )

    def use_refresh_token(self, token_hash: str, at: datetime) -> bool:
        result = self._session.execute(
            update(t.RefreshTokenRow)
            .where(t.RefreshTokenRow.token_hash == token_hash, t.RefreshTokenRow.used_at.is_(None))
            .values(used_at=at)
        )
        return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]


def _browser_session(row: t.BrowserSessionRow) -> BrowserSession:
    return BrowserSession(
        id_hash=row.id_hash,
        csrf_token=row.csrf_token,
        created_at=_utc(row.created_at),
        last_seen_at=_utc(row.last_seen_at),
        account_id=row.account_pk,
        data=dict(row.data or {}),
    )


class SqlSessions(SessionRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, session: BrowserSession) -> None:
        self._session.add(
            t.BrowserSessionRow(
                id_hash=session.id_hash,
                csrf_token=session.csrf_token,
                account_pk=session.account_id,
                data=dict(session.data),
                created_at=session.created_at,
                last_seen_at=session.last_seen_at,
            )
        )
        self._session.flush()

    def get(self, id_hash: str) -> BrowserSession | None:
        row = self._session.get(t.BrowserSessionRow, id_hash)
        return _browser_session(row) if row else None

    def save(self, session: BrowserSession) -> None:
        self._session.execute(
            update(t.BrowserSessionRow)
            .where(t.BrowserSessionRow.id_hash == session.id_hash)
            .values(
                csrf_token=session.csrf_token,
                account_pk=session.account_id,
                data=dict(session.data),
                last_seen_at=session.last_seen_at,
            )
        )

    def delete(self, id_hash: str) -> None:
        self._session.execute(
            delete(t.BrowserSessionRow).where(t.BrowserSessionRow.id_hash == id_hash)
        )

    def delete_idle(self, before: datetime) -> int:
        result = self._session.execute(
            delete(t.BrowserSessionRow).where(t.BrowserSessionRow.last_seen_at < before)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


class SqlPhone(PhoneRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def send(self, message: TextMessage) -> None:
        self._session.add(
            t.TextMessageRow(
                phone_number=message.phone_number, body=message.body, sent_at=message.sent_at
            )
        )

    def messages(self, phone_number: str) -> list[TextMessage]:
        rows = self._session.scalars(
            select(t.TextMessageRow)
            .where(t.TextMessageRow.phone_number == phone_number)
            .order_by(t.TextMessageRow.id.desc())
        )
        return [TextMessage(row.phone_number, row.body, _utc(row.sent_at)) for row in rows]


class SqlClock(ClockRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def offset_seconds(self) -> float:
        value = self._session.scalar(
            select(t.EmulatorStateRow.clock_offset_seconds).where(t.EmulatorStateRow.id == 1)
        )
        return float(value or 0.0)

    def set_offset_seconds(self, offset: float) -> None:
        row = self._session.get(t.EmulatorStateRow, 1)
        if row is None:
            self._session.add(t.EmulatorStateRow(id=1, clock_offset_seconds=offset))
        else:
            row.clock_offset_seconds = offset
        self._session.flush()


def _stored_status(row: t.ItsaStatusRow) -> StoredStatus:
    return StoredStatus(
        nino=row.nino,
        tax_year=row.tax_year,
        submitted_on=_utc(row.submitted_on),
        status=row.status,
        status_reason=row.status_reason,
        business_income_2_years_prior=row.business_income,
        application_id=row.application_pk,
    )


class SqlItsaStatuses(ItsaStatusRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def _row(self, record: StoredStatus) -> t.ItsaStatusRow:
        return t.ItsaStatusRow(
            nino=record.nino,
            tax_year=record.tax_year,
            submitted_on=record.submitted_on,
            status=record.status,
            status_reason=record.status_reason,
            business_income=record.business_income_2_years_prior,
            application_pk=record.application_id,
        )

    def replace_year(self, nino: str, tax_year: str, records: list[StoredStatus]) -> None:
        self._session.execute(
            delete(t.ItsaStatusRow).where(
                t.ItsaStatusRow.nino == nino, t.ItsaStatusRow.tax_year == tax_year
            )
        )
        self._session.add_all(self._row(record) for record in records)

    def add(self, record: StoredStatus) -> None:
        self._session.add(self._row(record))

    def for_nino(self, nino: str) -> list[StoredStatus]:
        rows = self._session.scalars(
            select(t.ItsaStatusRow)
            .where(t.ItsaStatusRow.nino == nino)
            .order_by(t.ItsaStatusRow.tax_year, t.ItsaStatusRow.submitted_on, t.ItsaStatusRow.id)
        )
        return [_stored_status(row) for row in rows]

    def delete(self, *, application_id: int | None = None, nino: str | None = None) -> int:
        statement = delete(t.ItsaStatusRow)
        if application_id is not None:
            statement = statement.where(t.ItsaStatusRow.application_pk == application_id)
        if nino is not None:
            statement = statement.where(t.ItsaStatusRow.nino == nino)
        return int(self._session.execute(statement).rowcount)  # type: ignore[attr-defined]


def _relationship(row: t.RelationshipRow) -> Relationship:
    return Relationship(
        id=row.id,
        arn=row.arn,
        client_nino=row.client_nino,
        agent_type=row.agent_type,
        created_at=_utc(row.created_at),
        client_mtditid=row.client_mtditid,
        ended_at=_utc_or_none(row.ended_at),
    )


class SqlRelationships(RelationshipRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        arn: str,
        client_nino: str,
        agent_type: str,
        at: datetime,
        client_mtditid: str | None = None,
    ) -> Relationship:
        row = t.RelationshipRow(
            arn=arn,
            client_nino=client_nino,
            client_mtditid=client_mtditid,
            agent_type=agent_type,
            created_at=at,
        )
        self._session.add(row)
        self._session.flush()
        return _relationship(row)

    def active(
        self, *, arn: str | None = None, client_nino: str | None = None
    ) -> list[Relationship]:
        statement = select(t.RelationshipRow).where(t.RelationshipRow.ended_at.is_(None))
        if arn is not None:
            statement = statement.where(t.RelationshipRow.arn == arn)
        if client_nino is not None:
            statement = statement.where(t.RelationshipRow.client_nino == client_nino)
        rows = self._session.scalars(statement.order_by(t.RelationshipRow.id))
        return [_relationship(row) for row in rows]

    def end(self, relationship_id: int, at: datetime) -> None:
        self._session.execute(
            update(t.RelationshipRow)
            .where(t.RelationshipRow.id == relationship_id, t.RelationshipRow.ended_at.is_(None))
            .values(ended_at=at)
        )


def _business(row: t.SandboxBusinessRow) -> StoredBusiness:
    return StoredBusiness(
        business_id=row.business_id,
        nino=row.nino,
        application_id=row.application_pk,
        type_of_business=row.type_of_business,
        details=dict(row.details or {}),
        created_at=_utc(row.created_at),
    )


def _checkpoint(row: t.CheckpointRow) -> Checkpoint:
    return Checkpoint(
        checkpoint_id=row.checkpoint_id,
        application_id=row.application_pk,
        created_at=_utc(row.created_at),
        snapshot=dict(row.snapshot or {}),
        nino=row.nino,
    )


class SqlSandboxData(SandboxDataRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_business(self, business: StoredBusiness) -> None:
        self._session.add(
            t.SandboxBusinessRow(
                business_id=business.business_id,
                nino=business.nino,
                application_pk=business.application_id,
                type_of_business=business.type_of_business,
                details=dict(business.details),
                created_at=business.created_at,
            )
        )
        self._session.flush()

    def businesses(
        self, *, application_id: int | None = None, nino: str | None = None
    ) -> list[StoredBusiness]:
        statement = select(t.SandboxBusinessRow)
        if application_id is not None:
            statement = statement.where(t.SandboxBusinessRow.application_pk == application_id)
        if nino is not None:
            statement = statement.where(t.SandboxBusinessRow.nino == nino)
        rows = self._session.scalars(
            statement.order_by(t.SandboxBusinessRow.created_at, t.SandboxBusinessRow.business_id)
        )
        return [_business(row) for row in rows]

    def delete_business(self, application_id: int, nino: str, business_id: str) -> bool:
        result = self._session.execute(
            delete(t.SandboxBusinessRow).where(
                t.SandboxBusinessRow.application_pk == application_id,
                t.SandboxBusinessRow.nino == nino,
                t.SandboxBusinessRow.business_id == business_id,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def delete_businesses(self, *, application_id: int, nino: str | None = None) -> int:
        statement = delete(t.SandboxBusinessRow).where(
            t.SandboxBusinessRow.application_pk == application_id
        )
        if nino is not None:
            statement = statement.where(t.SandboxBusinessRow.nino == nino)
        return int(self._session.execute(statement).rowcount)  # type: ignore[attr-defined]

    def add_checkpoint(self, checkpoint: Checkpoint) -> None:
        self._session.add(
            t.CheckpointRow(
                checkpoint_id=checkpoint.checkpoint_id,
                application_pk=checkpoint.application_id,
                nino=checkpoint.nino,
                created_at=checkpoint.created_at,
                snapshot=dict(checkpoint.snapshot),
            )
        )
        self._session.flush()

    def checkpoints(self, application_id: int, nino: str | None = None) -> list[Checkpoint]:
        statement = select(t.CheckpointRow).where(t.CheckpointRow.application_pk == application_id)
        if nino is not None:
            statement = statement.where(t.CheckpointRow.nino == nino)
        rows = self._session.scalars(
            statement.order_by(t.CheckpointRow.created_at, t.CheckpointRow.checkpoint_id)
        )
        return [_checkpoint(row) for row in rows]

    def get_checkpoint(self, application_id: int, checkpoint_id: str) -> Checkpoint | None:
        row = self._session.get(t.CheckpointRow, checkpoint_id)
        return _checkpoint(row) if row and row.application_pk == application_id else None

    def delete_checkpoint(self, application_id: int, checkpoint_id: str) -> bool:
        result = self._session.execute(
            delete(t.CheckpointRow).where(
                t.CheckpointRow.application_pk == application_id,
                t.CheckpointRow.checkpoint_id == checkpoint_id,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


class SqlPlatform(PlatformRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def count_request(self, application_id: int, window: int) -> int:
        # One atomic upsert: every worker sharing the database counts into the same row.
        table = t.RateLimitWindowRow.__table__
        assert isinstance(table, Table)
        dialect = self._session.get_bind().dialect.name
        insert_ = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = (
            insert_(table)
            .values(application_pk=application_id, window=window, count=1)
            .on_conflict_do_update(
                index_elements=["application_pk", "window"],
                set_={"count": table.c.count + 1},
            )
            .returning(table.c.count)
        )
        return int(self._session.execute(statement).scalar_one())

    def forget_windows_before(self, window: int) -> None:
        self._session.execute(
            delete(t.RateLimitWindowRow).where(t.RateLimitWindowRow.window < window)
        )

    def record_feedback(self, feedback: HeaderFeedback) -> None:
        # One atomic upsert per endpoint, so the table holds one row per endpoint however
        # many calls are made, and two workers recording at once cannot leave two rows.
        table = t.HeaderFeedbackRow.__table__
        assert isinstance(table, Table)
        dialect = self._session.get_bind().dialect.name
        insert_ = postgresql_insert if dialect == "postgresql" else sqlite_insert
        values = {
            "requested_at": feedback.requested_at,
            "connection_method": feedback.connection_method,
            "result": dict(feedback.result),
        }
        self._session.execute(
            insert_(table)
            .values(
                application_pk=feedback.application_id,
                api=feedback.api,
                method=feedback.method,
                path=feedback.path,
                **values,
            )
            .on_conflict_do_update(
                index_elements=["application_pk", "api", "method", "path"], set_=values
            )
        )

    def feedback(self, application_id: int, api: str) -> list[HeaderFeedback]:
        rows = self._session.scalars(
            select(t.HeaderFeedbackRow)
            .where(
                t.HeaderFeedbackRow.application_pk == application_id, t.HeaderFeedbackRow.api == api
            )
            .order_by(t.HeaderFeedbackRow.requested_at.desc(), t.HeaderFeedbackRow.id.desc())
        )
        return [
            HeaderFeedback(
                application_id=row.application_pk,
                api=row.api,
                method=row.method,
                path=row.path,
                requested_at=_utc(row.requested_at),
                connection_method=row.connection_method,
                result=dict(row.result or {}),
            )
            for row in rows
        ]


class SqlTransaction:
    """Every repository over one SQLAlchemy session (one database transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.accounts = SqlAccounts(session)
        self.applications = SqlApplications(session)
        self.oauth = SqlOAuth(session)
        self.sessions = SqlSessions(session)
        self.phone = SqlPhone(session)
        self.clock = SqlClock(session)
        self.itsa_statuses = SqlItsaStatuses(session)
        self.relationships = SqlRelationships(session)
        self.sandbox = SqlSandboxData(session)
        self.platform = SqlPlatform(session)


class SqlStore:
    """The emulator's world in a SQL database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str, *, run_migrations: bool = True) -> SqlStore:
        """Connect to ``url`` and, by default, migrate its schema to the latest revision."""
        engine = create_database_engine(url)
        if run_migrations:
            migrate(engine)
        return cls(engine)

    @contextmanager
    def transaction(self) -> Iterator[SqlTransaction]:
        with self._sessions() as session, session.begin():
            yield SqlTransaction(session)

    def reset(self) -> None:
        with self._sessions() as session, session.begin():
            # Children before parents, so foreign keys never object.
            for table in reversed(t.Base.metadata.sorted_tables):
                session.execute(table.delete())

    def close(self) -> None:
        self.engine.dispose()


__all__ = ["SqlStore", "SqlTransaction"]
