"""Self Assessment Test Support's businesses and checkpoints (:class:`SandboxDataRepository`)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import tables as t
from openmtd.emulator.adapters.db.convert import utc
from openmtd.emulator.storage import Checkpoint, SandboxDataRepository, StoredBusiness


def _business(row: t.SandboxBusinessRow) -> StoredBusiness:
    return StoredBusiness(
        business_id=row.business_id,
        nino=row.nino,
        application_id=row.application_pk,
        type_of_business=row.type_of_business,
        details=dict(row.details or {}),
        created_at=utc(row.created_at),
    )


def _checkpoint(row: t.CheckpointRow) -> Checkpoint:
    return Checkpoint(
        checkpoint_id=row.checkpoint_id,
        application_id=row.application_pk,
        created_at=utc(row.created_at),
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
