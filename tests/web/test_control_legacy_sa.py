"""``POST /emulator/people/{nino}/legacy-sa-agents``: a person's legacy Self Assessment agent,
and copying it as a main relationship, once, when it is due (business rules §2.3)."""

from __future__ import annotations

from typing import Any

import pytest

from openmtd.emulator.agents import relationships
from openmtd.emulator.agents.services_account import link_legacy_reference
from openmtd.emulator.storage import Enrolment
from openmtd.rules.agents import AgentType, EndedBy
from openmtd.rules.identifiers import MtdItId
from support.agents import CLIENT_NINO, OTHER_NINO, person
from support.emulator import EmulatorHarness

ARN = "TARN0000001"
OTHER_ARN = "NARN0396245"


def _add(emulator: EmulatorHarness, body: Any, nino: str = CLIENT_NINO) -> Any:
    return emulator.client.post(f"/emulator/people/{nino}/legacy-sa-agents", json=body)


def _map(emulator: EmulatorHarness, arn: str, reference: str) -> tuple[str, ...]:
    with emulator.services.store.transaction() as tx:
        return link_legacy_reference(tx, arn, reference, emulator.now()).copied


def _active(emulator: EmulatorHarness, nino: str = CLIENT_NINO) -> list[tuple[str, str]]:
    with emulator.services.store.transaction() as tx:
        return [(r.arn, r.agent_type) for r in tx.relationships.active(client_nino=nino)]


def test_a_link_is_kept_and_answered(emulator: EmulatorHarness) -> None:
    response = _add(emulator, {"saAgentReference": "sa0001"})
    assert response.status_code == 201
    assert response.headers["cache-control"] == "no-store"
    assert response.json() == {
        "nino": CLIENT_NINO,
        "saAgentReference": "SA0001",
        "ended": False,
        "copiedTo": [],
    }
    ended = _add(emulator, {"saAgentReference": "SA0001", "ended": True})
    assert ended.json()["ended"] is True
    with emulator.services.store.transaction() as tx:
        (link,) = tx.legacy_sa.client_links(nino=CLIENT_NINO)
    assert link.ended


@pytest.mark.parametrize(
    ("nino", "body", "code", "path"),
    [
        ("not-a-nino", {"saAgentReference": "SA0001"}, "FORMAT_NINO", None),
        ("aa123456a", {"saAgentReference": "SA0001"}, "FORMAT_NINO", None),
        (CLIENT_NINO, {"saAgentReference": "SA01"}, "INVALID_REQUEST", "/saAgentReference"),
        (CLIENT_NINO, {"saAgentReference": "SA-001"}, "INVALID_REQUEST", "/saAgentReference"),
        (CLIENT_NINO, {"saAgentReference": "ÄA0001"}, "INVALID_REQUEST", "/saAgentReference"),
        (CLIENT_NINO, {}, "INVALID_REQUEST", "/saAgentReference"),
        (CLIENT_NINO, {"saAgentReference": 1}, "INVALID_REQUEST", "/saAgentReference"),
        (CLIENT_NINO, {"saAgentReference": "SA0001", "ended": "yes"}, "INVALID_REQUEST", "/ended"),
        (CLIENT_NINO, {"saAgentReference": "SA0001", "x": 1}, "INVALID_REQUEST", "/x"),
        (CLIENT_NINO, [], "INVALID_REQUEST", ""),
    ],
)
def test_bad_requests_are_refused_and_write_nothing(
    emulator: EmulatorHarness, nino: str, body: Any, code: str, path: str | None
) -> None:
    response = _add(emulator, body, nino)
    assert response.status_code == 400
    answer = response.json()
    assert answer["code"] == code
    if path is not None:
        assert [error["path"] for error in answer["errors"]] == [path]
    with emulator.services.store.transaction() as tx:
        assert tx.legacy_sa.client_links() == []


def test_an_empty_body_is_refused(emulator: EmulatorHarness) -> None:
    response = emulator.client.post(
        f"/emulator/people/{CLIENT_NINO}/legacy-sa-agents",
        content=b"",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_REQUEST"


def test_a_signed_up_clients_link_is_copied_when_the_agent_links_it(
    emulator: EmulatorHarness,
) -> None:
    person(emulator, signed_up=True)
    assert _add(emulator, {"saAgentReference": "SA0001"}).json()["copiedTo"] == []
    assert _map(emulator, ARN, "SA0001") == (CLIENT_NINO,)
    assert _active(emulator) == [(ARN, "main")]
    # Copied once: after it ends, linking or adding again copies nothing.
    with emulator.services.store.transaction() as tx:
        relationships.deauthorise(
            tx, CLIENT_NINO, ARN, AgentType.MAIN, EndedBy.CLIENT, emulator.now()
        )
    assert _map(emulator, ARN, "SA0001") == ()
    assert _add(emulator, {"saAgentReference": "SA0001"}).json()["copiedTo"] == []
    assert _active(emulator) == []


def test_a_link_added_for_a_mapped_reference_is_copied_at_once(emulator: EmulatorHarness) -> None:
    person(emulator, signed_up=True)
    _map(emulator, ARN, "SA0001")
    assert _add(emulator, {"saAgentReference": "SA0001"}).json()["copiedTo"] == [ARN]


def test_an_ended_link_is_never_copied(emulator: EmulatorHarness) -> None:
    person(emulator, signed_up=True)
    _map(emulator, ARN, "SA0001")
    assert _add(emulator, {"saAgentReference": "SA0001", "ended": True}).json()["copiedTo"] == []
    assert _active(emulator) == []


def test_a_copy_never_replaces_the_main_agent_and_only_one_is_made(
    emulator: EmulatorHarness,
) -> None:
    person(emulator, signed_up=True)
    _map(emulator, ARN, "SA0001")
    _map(emulator, OTHER_ARN, "SA0002")
    _add(emulator, {"saAgentReference": "SA0002"})
    assert _add(emulator, {"saAgentReference": "SA0001"}).json()["copiedTo"] == []
    assert _active(emulator) == [(OTHER_ARN, "main")]


def test_the_link_of_a_client_not_signed_up_is_copied_at_sign_up(
    emulator: EmulatorHarness,
) -> None:
    account = person(emulator, OTHER_NINO)
    _map(emulator, ARN, "SA0001")
    _map(emulator, OTHER_ARN, "SA0001")
    assert _add(emulator, {"saAgentReference": "SA0001"}, OTHER_NINO).json()["copiedTo"] == []
    with emulator.services.store.transaction() as tx:
        tx.accounts.add_enrolment(
            account.group.id,
            Enrolment("HMRC-MTD-IT", "MTDITID", str(MtdItId.generate("00000000007"))),
        )
        # The agency signing the client up is offered the copy first.
        made = relationships.relationships_after_sign_up(
            tx, OTHER_NINO, emulator.now(), arn=OTHER_ARN
        )
    assert [(r.arn, r.agent_type, r.sa_agent_reference) for r in made] == [
        (OTHER_ARN, "main", "SA0001")
    ]
