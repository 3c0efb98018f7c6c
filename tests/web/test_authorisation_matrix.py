"""Who may call what: the authorisation matrix, one table (docs/emulator.md, "Who may call what").

Rows (:data:`MATRIX`) are the kinds of caller HMRC's predicate tells apart (wire facts §1.3;
business rules §2.2 and §2.4); columns (:data:`ENDPOINTS`) are every MTD customer-data endpoint
the emulator serves; each cell is the answer: 200, or HMRC's 403 with its code and message.
A new endpoint is one more :class:`Served` line (with whether HMRC lets a supporting agent call
it); :func:`test_every_customer_data_route_is_a_column` fails until it is added.

The world is built once for the module through the emulator's own services (the agent
services account, authorisation requests and their answers, removing an authorisation, sign-up:
``support.mtd_api``), so each row holds what the journeys leave. Every call sends
``Gov-Test-Scenario: DEFAULT``, which each endpoint reads only after authorising the caller, so
an allowed call's 200 does not depend on the customer's data.

Not columns: Self Assessment Test Support (any signed-in user may set test data for a NINO,
docs/emulator.md), the Agent Authorisation API and its test support (agent-only, with checks
of their own), the control API.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Final

import pytest
from fastapi.routing import APIRoute
from httpx2 import Response

from openmtd.emulator.agents import invitations
from openmtd.emulator.storage import Account, AffinityGroup
from openmtd.emulator.web import routes as api_routes
from openmtd.rules.agents import InvitationStatus, Operation
from openmtd.rules.identifiers import MtdItId
from support import agents as people
from support.emulator import EmulatorHarness, harness
from support.mtd_api import (
    NOT_AUTHORISED,
    NOT_ENROLLED,
    World,
    agency,
    answer_request,
    assert_error,
    assert_platform_headers,
    cancel_request,
    mtd_it,
    remove_authorisation,
    send_request,
    sign_up,
)

# --- the columns: every MTD customer-data endpoint the emulator serves ------------------------


@dataclass(frozen=True, slots=True)
class Served:
    """One endpoint: its route as served, its version, and HMRC's facts about who may call it.

    ``supporting`` is whether HMRC lets a supporting agent call it, from the reference (not
    from the emulator's own table, which :func:`test_the_columns_agree_with_the_rules` checks);
    ``values`` fill the route's other path parameters with well-formed values.
    """

    route: str
    version: str
    operation: Operation
    supporting: bool
    values: Mapping[str, str] = field(default_factory=dict)

    def url(self, nino: str) -> str:
        return self.route.format(nino=nino, **self.values)


ENDPOINTS: Final[Mapping[str, Served]] = {
    # wire facts §1.1: "Supporting agents may call this endpoint".
    "retrieve-itsa-status": Served(
        "/individuals/person/itsa-status/{nino}/{tax_year}",
        "2.0",
        Operation.RETRIEVE_ITSA_STATUS,
        supporting=True,
        values={"tax_year": "2026-27"},
    ),
    # wire facts §5: supporting agents may use list and retrieve.
    "list-all-businesses": Served(
        "/individuals/business/details/{nino}/list",
        "2.0",
        Operation.LIST_BUSINESSES,
        supporting=True,
    ),
    "retrieve-business-details": Served(
        "/individuals/business/details/{nino}/{business_id}",
        "2.0",
        Operation.RETRIEVE_BUSINESS_DETAILS,
        supporting=True,
        values={"business_id": "XBIS12345678901"},
    ),
    # business rules §2.2: Obligations is among the APIs that allow supporting agents.
    "income-and-expenditure-obligations": Served(
        "/obligations/details/{nino}/income-and-expenditure",
        "3.0",
        Operation.RETRIEVE_INCOME_AND_EXPENDITURE_OBLIGATIONS,
        supporting=True,
    ),
    "final-declaration-obligations": Served(
        "/obligations/details/{nino}/crystallisation",
        "3.0",
        Operation.RETRIEVE_FINAL_DECLARATION_OBLIGATIONS,
        supporting=True,
    ),
}

#: Routes that take a NINO but are not customer-data endpoints of this matrix (the module).
NOT_COLUMNS: Final = (
    "/individuals/self-assessment-test-support/",
    "/agent-authorisation-test-support/",
    "/agents/",
)

# --- the rows: who calls, and for whom -----------------------------------------------------------

Cell = int | tuple[int, str, str]
OK: Final = 200


def supporting(endpoint: Served) -> Cell:
    """A supporting agent's cell: allowed where HMRC lets supporting agents call."""
    return OK if endpoint.supporting else NOT_AUTHORISED


#: caller kind -> the answer on every endpoint (or a rule of the endpoint's facts).
MATRIX: Final[Mapping[str, Cell | Callable[[Served], Cell]]] = {
    "customer, Individual at confidence level 200": OK,
    "customer, Individual at confidence level 250": OK,
    "customer, Individual at confidence level 50": NOT_AUTHORISED,
    "customer, Organisation": OK,
    "another customer (their own HMRC-MTD-IT)": NOT_AUTHORISED,
    "customer not signed up (no HMRC-MTD-IT)": NOT_ENROLLED,
    "main agent": OK,
    "supporting agent": supporting,
    "agent with no request or relationship": NOT_AUTHORISED,
    "agent whose relationship was removed": NOT_AUTHORISED,
    "main agent replaced by another": NOT_AUTHORISED,
    "agent with a pending request": NOT_AUTHORISED,
    "agent with an expired request": NOT_AUTHORISED,
    "agent with a rejected request": NOT_AUTHORISED,
    "agent with a cancelled request": NOT_AUTHORISED,
    # The lookup comes before the predicate (§1.4): the client has no MTD enrolment yet.
    "agent with partial authorisation, client not signed up": NOT_ENROLLED,
    "agent whose partial authorisation became a relationship at sign-up": OK,
}


def expected(caller: str, endpoint: Served) -> Cell:
    cell = MATRIX[caller]
    return cell(endpoint) if callable(cell) else cell


# --- the world, once for the module ---------------------------------------------------------------


@dataclass
class Matrix:
    """The world: each row's caller and the NINO it asks for, and each row's request."""

    world: World
    callers: dict[str, tuple[Account, str]] = field(default_factory=dict)
    requests: dict[str, tuple[str, InvitationStatus]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def call(self, caller: str, endpoint: Served) -> Response:
        account, nino = self.callers[caller]
        if caller not in self.tokens:
            self.tokens[caller] = self.world.token(account)
        return self.world.get(
            endpoint.url(nino), endpoint.version, token=self.tokens[caller], scenario="DEFAULT"
        )


def _nino(number: int) -> str:
    return f"AA{100000 + number:06d}A"


def _build(emulator: EmulatorHarness) -> Matrix:
    created = emulator.application(rate_limit_per_second=10_000)

    def person(number: int, **details: Any) -> Account:
        return people.person(emulator, _nino(number), number=number, **details)

    client = person(1, signed_up=True, confidence_level=200)
    matrix = Matrix(World(emulator, created, client))
    callers = matrix.callers
    nino = _nino(1)
    callers["customer, Individual at confidence level 200"] = (client, nino)
    own = person(2, signed_up=True)
    callers["customer, Individual at confidence level 250"] = (own, _nino(2))
    callers["customer, Individual at confidence level 50"] = (
        person(3, signed_up=True, confidence_level=50),
        _nino(3),
    )
    organisation = emulator.account(
        affinity_group=AffinityGroup.ORGANISATION,
        confidence_level=50,
        nino=_nino(4),
        email="organisation@example.test",
        enrolments=(mtd_it(str(MtdItId.generate(f"{4:011d}"))),),
    )
    callers["customer, Organisation"] = (organisation, _nino(4))
    callers["another customer (their own HMRC-MTD-IT)"] = (own, nino)
    callers["customer not signed up (no HMRC-MTD-IT)"] = (person(6), _nino(6))

    def agent(row: str, number: int, asks_for: str = nino) -> str:
        account, arn = agency(emulator, number)
        callers[row] = (account, asks_for)
        return arn

    def request(row: str, arn: str, to: Account, agent_type: str = "main", **when: Any) -> str:
        invitation_id = send_request(emulator, arn, to, agent_type, **when)
        matrix.requests[row] = (invitation_id, InvitationStatus.PENDING)
        return invitation_id

    def answered(row: str, status: InvitationStatus) -> None:
        matrix.requests[row] = (matrix.requests[row][0], status)

    # Relationships, in this order: the replaced main agent first, then the main agent.
    row = "main agent replaced by another"
    answer_request(emulator, request(row, agent(row, 5), client), client, yes=True)
    answered(row, InvitationStatus.DEAUTHORISED)
    row = "main agent"
    answer_request(emulator, request(row, agent(row, 1), client), client, yes=True)
    answered(row, InvitationStatus.ACCEPTED)
    row = "supporting agent"
    answer_request(emulator, request(row, agent(row, 2), client, "supporting"), client, yes=True)
    answered(row, InvitationStatus.ACCEPTED)
    agent("agent with no request or relationship", 3)
    row = "agent whose relationship was removed"
    arn = agent(row, 4)
    answer_request(emulator, request(row, arn, client, "supporting"), client, yes=True)
    remove_authorisation(emulator, arn, client, "supporting")
    answered(row, InvitationStatus.DEAUTHORISED)

    # Requests that give nothing.
    row = "agent with a pending request"
    request(row, agent(row, 6), client)
    row = "agent with an expired request"
    request(row, agent(row, 7), client, sent_at=emulator.now() - timedelta(days=22))
    answered(row, InvitationStatus.EXPIRED)
    row = "agent with a rejected request"
    answer_request(emulator, request(row, agent(row, 8), client), client, yes=False)
    answered(row, InvitationStatus.REJECTED)
    row = "agent with a cancelled request"
    arn = agent(row, 9)
    cancel_request(emulator, arn, request(row, arn, client))
    answered(row, InvitationStatus.CANCELLED)

    # Partial authorisation: a request accepted before the client signed up.
    row = "agent with partial authorisation, client not signed up"
    waiting = person(7)
    answer_request(emulator, request(row, agent(row, 10, _nino(7)), waiting), waiting, yes=True)
    answered(row, InvitationStatus.PARTIALAUTH)
    row = "agent whose partial authorisation became a relationship at sign-up"
    joining = person(8)
    answer_request(emulator, request(row, agent(row, 11, _nino(8)), joining), joining, yes=True)
    sign_up(emulator, joining)
    answered(row, InvitationStatus.ACCEPTED)
    return matrix


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Matrix]:
    with harness(tmp_path_factory.mktemp("authorisation-matrix")) as emulator:
        yield _build(emulator)


# --- the matrix -------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize("caller", list(MATRIX))
def test_the_authorisation_matrix(matrix: Matrix, caller: str, endpoint: str) -> None:
    served = ENDPOINTS[endpoint]
    response = matrix.call(caller, served)
    cell = expected(caller, served)
    if isinstance(cell, int):
        assert response.status_code == cell, response.text
        assert_platform_headers(response)
    else:
        assert_error(response, cell)


# --- the matrix's own checks ------------------------------------------------------------------


def test_every_row_has_a_caller_and_each_request_is_as_its_row_says(matrix: Matrix) -> None:
    assert set(matrix.callers) == set(MATRIX)
    services = matrix.world.emulator.services
    with services.store.transaction() as tx:
        now = services.clock.now_in(tx)
        for row, (invitation_id, status) in matrix.requests.items():
            stored = tx.invitations.get(invitation_id)
            assert stored is not None, row
            assert invitations.as_of(stored, now).invitation.status is status, row


def test_every_customer_data_route_is_a_column() -> None:
    # Every API route module (web/routes/api_*.py), read directly: the app's own route list
    # is the web framework's business.
    served = set()
    for found in pkgutil.iter_modules(api_routes.__path__):
        if found.name.startswith("api_"):
            module = importlib.import_module(f"{api_routes.__name__}.{found.name}")
            served |= {
                route.path
                for route in module.router.routes
                if isinstance(route, APIRoute)
                and "{nino}" in route.path
                and not route.path.startswith(NOT_COLUMNS)
            }
    assert served == {endpoint.route for endpoint in ENDPOINTS.values()}


def test_the_columns_agree_with_the_rules() -> None:
    for served in ENDPOINTS.values():
        assert served.operation.supporting_allowed is served.supporting, served.route
