"""A world for the Agent Authorisation API tests: an application, an agency (an Agent account
with ``HMRC-AS-AGENT``) and its user token with every agent scope, a client HMRC knows (NINO,
postcode, UTR), and calls with the API's Accept header."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from httpx2 import Response

from openmtd.emulator.storage import Account, AffinityGroup, Enrolment
from support.agents import CLIENT_POSTCODE, OTHER_NINO, person
from support.emulator import EmulatorHarness
from support.mtd_api import World, agent_services, make_world

ARN = "TARN0000001"
OTHER_ARN = "AARN0000002"
AGENT_SCOPES = (
    "read:sent-invitations",
    "write:sent-invitations",
    "write:cancel-invitations",
    "read:check-relationship",
    "write:relationships",
)
AATS = "/agent-authorisation-test-support"
#: The client (the world's own customer holds support.mtd_api.NINO).
CLIENT_NINO = OTHER_NINO


def itsa_body(**changes: Any) -> dict[str, Any]:
    """HMRC's MTD-IT create-invitation example, for the test client."""
    body: dict[str, Any] = {
        "service": "MTD-IT",
        "clientType": "personal",
        "clientIdType": "ni",
        "clientId": CLIENT_NINO,
        "knownFact": CLIENT_POSTCODE,
    }
    for name, value in changes.items():
        if value is None:
            body.pop(name, None)
        else:
            body[name] = value
    return body


@dataclass
class AgentWorld:
    world: World
    agency: Account
    token: str
    client: Account

    @property
    def emulator(self) -> EmulatorHarness:
        return self.world.emulator

    def agency_token(self, account: Account, scopes: tuple[str, ...] = AGENT_SCOPES) -> str:
        return self.world.token(account, scopes)

    def call(
        self,
        method: str,
        path: str,
        *,
        version: str = "2.0",
        token: str | None = None,
        accept: str | None = None,
        **options: Any,
    ) -> Response:
        headers = {
            "Accept": accept or f"application/vnd.hmrc.{version}+json",
            "Authorization": f"Bearer {token or self.token}",
            **options.pop("headers", {}),
        }
        return self.emulator.client.request(method, path, headers=headers, **options)

    def create(self, body: dict[str, Any] | None = None, **options: Any) -> Response:
        return self.call(
            "POST",
            f"/agents/{ARN}/invitations",
            json=itsa_body() if body is None else body,
            **options,
        )

    def created_id(self, body: dict[str, Any] | None = None, **options: Any) -> str:
        response = self.create(body, **options)
        assert response.status_code == 204, response.text
        location: str = response.headers["location"]
        assert location.startswith(f"/agents/{ARN}/invitations/")
        return location.rsplit("/", 1)[1]

    def aats(self, method: str, path: str, **options: Any) -> Response:
        headers = {"Accept": "application/vnd.hmrc.1.0+json", **options.pop("headers", {})}
        return self.emulator.client.request(method, AATS + path, headers=headers, **options)

    def accept(self, invitation_id: str) -> Response:
        return self.aats("PUT", f"/invitations/{invitation_id}")

    def check(self, body: dict[str, Any] | None = None, **options: Any) -> Response:
        if body is None:
            body = itsa_body(clientType=None)
        return self.call("POST", f"/agents/{ARN}/relationships", json=body, **options)

    def deauthorise(self, body: dict[str, Any] | None = None, **options: Any) -> Response:
        if body is None:
            body = itsa_body(knownFact=None)
        return self.call("PUT", f"/agents/{ARN}/deauthorise-client", json=body, **options)


def make_agent_world(emulator: EmulatorHarness, *, signed_up: bool = True) -> AgentWorld:
    world = make_world(emulator)
    agency = emulator.account(
        affinity_group=AffinityGroup.AGENT,
        enrolments=(agent_services(ARN),),
        first_name="Morgan",
        last_name="Accountants",
        email="desk@morgan.test",
    )
    client = person(
        emulator, CLIENT_NINO, signed_up=signed_up, email="client@example.test", number=7
    )
    return AgentWorld(world, agency, world.token(agency, AGENT_SCOPES), client)


def other_agency(emulator: EmulatorHarness, arn: str = OTHER_ARN) -> Account:
    return emulator.account(
        affinity_group=AffinityGroup.AGENT,
        enrolments=(Enrolment("HMRC-AS-AGENT", "AgentReferenceNumber", arn),),
        email=f"{arn.lower()}@example.test",
    )
