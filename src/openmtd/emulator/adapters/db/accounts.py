"""Government Gateway accounts and groups (:class:`AccountRepository`)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import ColumnElement, FromClause, Row, Select, bindparam, func, select, update
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import tables as t
from openmtd.emulator.adapters.db.convert import core, utc, utc_or_none
from openmtd.emulator.storage import (
    Account,
    AccountRepository,
    Address,
    AffinityGroup,
    CredentialRole,
    Enrolment,
    Group,
    NewAccount,
    TwoStepMethod,
)


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


def _account(row: Any, group: Group) -> Account:
    """An account from its ORM row or a Core row of :data:`ACCOUNT_COLUMNS` (same names)."""
    return Account(
        id=row.id,
        user_id=row.user_id,
        password_hash=row.password_hash,
        group=group,
        credential_role=CredentialRole(row.credential_role),
        confidence_level=row.confidence_level,
        first_name=row.first_name,
        last_name=row.last_name,
        email=row.email,
        created_at=utc(row.created_at),
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
        sms_code_expires_at=utc_or_none(row.sms_code_expires_at),
        failed_two_step_attempts=row.failed_two_step_attempts,
        two_step_locked_until=utc_or_none(row.two_step_locked_until),
    )


# --- Core reads: an account, its group and the group's enrolments in one statement ----------
# Reads go through SQLAlchemy Core with statements built once (the ORM's identity map, eager
# loading and per-call statement building cost several times the query itself on the API
# platform's hot path). One row per enrolment (or one with NULL enrolment columns).

ACCOUNTS: Final = t.Base.metadata.tables["gg_accounts"]
GROUPS: Final = t.Base.metadata.tables["gg_groups"]
ENROLMENTS: Final = t.Base.metadata.tables["gg_enrolments"]

#: The account's own columns under their own names, then its group's (``g_``) and one
#: enrolment's (``e_``).
ACCOUNT_COLUMNS: Final[tuple[ColumnElement[Any], ...]] = (
    *ACCOUNTS.c,
    GROUPS.c.id.label("g_id"),
    GROUPS.c.group_id.label("g_group_id"),
    GROUPS.c.affinity_group.label("g_affinity_group"),
    GROUPS.c.agent_code.label("g_agent_code"),
    ENROLMENTS.c.key.label("e_key"),
    ENROLMENTS.c.identifier_name.label("e_identifier_name"),
    ENROLMENTS.c.identifier_value.label("e_identifier_value"),
    ENROLMENTS.c.state.label("e_state"),
)


def join_account(source: FromClause, account_id: ColumnElement[Any]) -> FromClause:
    """``source`` LEFT JOINed to the account ``account_id``, its group and enrolments."""
    return (
        source.outerjoin(ACCOUNTS, ACCOUNTS.c.id == account_id)
        .outerjoin(GROUPS, GROUPS.c.id == ACCOUNTS.c.group_pk)
        .outerjoin(ENROLMENTS, ENROLMENTS.c.group_pk == GROUPS.c.id)
    )


def account_of(rows: Sequence[Row[Any]]) -> Account | None:
    """The account in rows of :data:`ACCOUNT_COLUMNS` (ordered by enrolment), if any."""
    if not rows or rows[0].id is None:
        return None
    first = rows[0]
    group = Group(
        id=first.g_id,
        group_id=first.g_group_id,
        affinity_group=AffinityGroup(first.g_affinity_group),
        agent_code=first.g_agent_code,
        enrolments=tuple(
            Enrolment(row.e_key, row.e_identifier_name, row.e_identifier_value, row.e_state)
            for row in rows
            if row.e_key is not None
        ),
    )
    return _account(first, group)


def _one_account(where: ColumnElement[bool]) -> Select[Any]:
    return (
        select(*ACCOUNT_COLUMNS)
        .select_from(
            ACCOUNTS.join(GROUPS, GROUPS.c.id == ACCOUNTS.c.group_pk).outerjoin(
                ENROLMENTS, ENROLMENTS.c.group_pk == GROUPS.c.id
            )
        )
        .where(where)
        .order_by(ENROLMENTS.c.id)
    )


def _first_account(where: ColumnElement[bool], source: FromClause = ACCOUNTS) -> Select[Any]:
    """The account with the lowest id among those ``where`` picks."""
    first = select(func.min(ACCOUNTS.c.id)).select_from(source).where(where).scalar_subquery()
    return _one_account(ACCOUNTS.c.id == first)


_BY_ID: Final = _one_account(ACCOUNTS.c.id == bindparam("account_id"))
_BY_USER_ID: Final = _one_account(ACCOUNTS.c.user_id == bindparam("user_id"))
_BY_NINO: Final = _first_account(ACCOUNTS.c.nino == bindparam("nino"))
_BY_ENROLMENT: Final = _first_account(
    (ENROLMENTS.c.key == bindparam("key"))
    & (ENROLMENTS.c.identifier_value == bindparam("identifier_value"))
    & (ACCOUNTS.c.credential_role == CredentialRole.USER.value),
    ACCOUNTS.join(ENROLMENTS, ENROLMENTS.c.group_pk == ACCOUNTS.c.group_pk),
)


def _rows(session: Session, statement: Select[Any], params: dict[str, Any]) -> list[Row[Any]]:
    return list(core(session).execute(statement, params))


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
            failed_two_step_attempts=0,
        )
        self._session.add(row)
        self._session.flush()
        return _account(row, _group(group_row))

    def get(self, account_id: int) -> Account | None:
        return account_of(_rows(self._session, _BY_ID, {"account_id": account_id}))

    def get_by_user_id(self, user_id: str) -> Account | None:
        return account_of(_rows(self._session, _BY_USER_ID, {"user_id": user_id}))

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
                failed_two_step_attempts=account.failed_two_step_attempts,
                two_step_locked_until=account.two_step_locked_until,
            )
        )

    def add_enrolment(self, group_id: int, enrolment: Enrolment) -> None:
        self._session.add(
            t.EnrolmentRow(
                group_pk=group_id,
                key=enrolment.key,
                identifier_name=enrolment.identifier_name,
                identifier_value=enrolment.identifier_value,
                state=enrolment.state,
            )
        )
        self._session.flush()

    def enrolment_owner(self, key: str, identifier_value: str) -> Account | None:
        params = {"key": key, "identifier_value": identifier_value}
        return account_of(_rows(self._session, _BY_ENROLMENT, params))

    def user_id_taken(self, user_id: str) -> bool:
        return (
            self._session.scalar(select(t.AccountRow.id).where(t.AccountRow.user_id == user_id))
            is not None
        )

    def find_by_nino(self, nino: str) -> Account | None:
        return account_of(_rows(self._session, _BY_NINO, {"nino": nino}))
