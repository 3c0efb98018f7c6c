"""Developer Hub applications and their client secrets (:class:`ApplicationRepository`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import tables as t
from openmtd.emulator.adapters.db.convert import utc
from openmtd.emulator.storage import (
    Application,
    ApplicationRepository,
    ClientSecret,
    NewApplication,
)


def _application(row: t.ApplicationRow) -> Application:
    return Application(
        id=row.id,
        client_id=row.client_id,
        name=row.name,
        redirect_uris=tuple(row.redirect_uris),
        apis=frozenset(row.apis),
        rate_limit_per_second=row.rate_limit_per_second,
        grant_length_days=row.grant_length_days,
        created_at=utc(row.created_at),
        secrets=tuple(
            ClientSecret(s.id, s.secret_hash, s.hint, utc(s.created_at)) for s in row.secrets
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
