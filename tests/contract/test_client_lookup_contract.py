"""The MTD APIs' one-read client lookup (``tx.relationships.client_lookup``), on SQLite and
PostgreSQL: the first account holding a NINO, its group's first enrolment of a key, and one
agency's active relationships with it, each once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from openmtd.emulator.adapters.db.store import SqlStore
from openmtd.emulator.storage import (
    Account,
    AffinityGroup,
    ClientLookup,
    CredentialRole,
    Enrolment,
    NewAccount,
    Transaction,
)

T0 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
NINO = "AA123456A"
MTD_IT = "HMRC-MTD-IT"
ARN = "TARN0000001"
OTHER_ARN = "NARN0396245"


def _account(tx: Transaction, number: int, *enrolments: Enrolment, nino: str = NINO) -> Account:
    return tx.accounts.add(
        NewAccount(
            user_id=f"{number:012d}",
            password_hash="x",
            affinity_group=AffinityGroup.INDIVIDUAL,
            credential_role=CredentialRole.USER,
            confidence_level=250,
            first_name="Ida",
            last_name="Newton",
            email=f"person{number}@example.test",
            created_at=T0,
            nino=nino,
            enrolments=enrolments,
        )
    )


def _mtd_it(mtditid: str, state: str = "Activated") -> Enrolment:
    return Enrolment(MTD_IT, "MTDITID", mtditid, state)


def test_no_account_holds_the_nino(store: SqlStore) -> None:
    with store.transaction() as tx:
        assert tx.relationships.client_lookup(NINO, MTD_IT, ARN) is None


def test_an_account_without_the_enrolment(store: SqlStore) -> None:
    with store.transaction() as tx:
        _account(tx, 1, Enrolment("IR-SA", "UTR", "1000057161"))
        tx.relationships.add(ARN, NINO, "main", T0, None)
    with store.transaction() as tx:
        found = tx.relationships.client_lookup(NINO, MTD_IT, ARN)
    assert found is not None
    assert found.nino == NINO
    assert found.enrolment is None
    assert [r.arn for r in found.relationships] == [ARN]


def test_the_first_enrolment_of_the_key_and_the_agencys_active_relationships_once_each(
    store: SqlStore,
) -> None:
    with store.transaction() as tx:
        _account(
            tx,
            1,
            Enrolment("IR-SA", "UTR", "1000057161"),
            _mtd_it("XAIT00000000001", "NotYetActivated"),
            _mtd_it("XAIT00000000002"),
        )
        ended = tx.relationships.add(ARN, NINO, "main", T0, "XAIT00000000001")
        tx.relationships.end(ended.id, T0 + timedelta(hours=1), "Agent")
        supporting = tx.relationships.add(ARN, NINO, "supporting", T0, "XAIT00000000001")
        again = tx.relationships.add(ARN, NINO, "HMRC-MTD-IT", T0, None)
        tx.relationships.add(OTHER_ARN, NINO, "main", T0, "XAIT00000000001")
        tx.relationships.add(ARN, "AB123456C", "main", T0, None)
    with store.transaction() as tx:
        found = tx.relationships.client_lookup(NINO, MTD_IT, ARN)
        for_no_one = tx.relationships.client_lookup(NINO, MTD_IT, None)
        active = tx.relationships.active(arn=ARN, client_nino=NINO)
    assert found == ClientLookup(NINO, _mtd_it("XAIT00000000001", "NotYetActivated"), tuple(active))
    assert [r.id for r in found.relationships] == [supporting.id, again.id]
    assert found.relationships[0].created_at == T0
    assert for_no_one == ClientLookup(NINO, found.enrolment, ())


def test_the_first_account_holding_the_nino(store: SqlStore) -> None:
    with store.transaction() as tx:
        _account(tx, 1, _mtd_it("XAIT00000000001"))
        _account(tx, 2, _mtd_it("XAIT00000000002"))
    with store.transaction() as tx:
        found = tx.relationships.client_lookup(NINO, MTD_IT, None)
    assert found is not None
    assert found.enrolment == _mtd_it("XAIT00000000001")
