"""The demo world ``openmtd up`` starts with: one application and three people.

- Ida Newton, a sole trader signed up for MTD (mandated for 2026-27 on her 2024-25 return);
- Sam Patel, a landlord who has not signed up;
- Alex Morgan of Example Accountants, an agent who is Ida's main agent.

Seeding is idempotent: the people and the application are created once and found again on the
next start. Each start gives the application a fresh client secret (the old ones stay until
there are five) and issues a fresh demo access token for Ida, because secrets and tokens are
stored only as hashes and cannot be shown again. The passwords are fixed and printed: this is
a local test system.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Final

from openmtd.emulator.devhub.applications import (
    MAX_CLIENT_SECRETS,
    add_client_secret,
    create_application,
    delete_client_secret,
)
from openmtd.emulator.gateway.accounts import AccountDetails, create_account
from openmtd.emulator.oauth import journey
from openmtd.emulator.oauth.authorize import AuthorizeRequest
from openmtd.emulator.oauth.tokens import token_endpoint
from openmtd.emulator.security import PasswordHasher
from openmtd.emulator.storage import (
    Account,
    Address,
    AffinityGroup,
    Enrolment,
    StoredStatus,
    Transaction,
)
from openmtd.rules.identifiers import Arn, MtdItId, Nino, SaUtr
from openmtd.rules.tax_year import TaxYear

DEMO_APPLICATION_NAME: Final = "openmtd demo software"
DEMO_REDIRECT_URI: Final = "http://localhost:8080/callback"
DEMO_SCOPES: Final = ("read:self-assessment", "write:self-assessment")


@dataclass(frozen=True, slots=True)
class DemoPerson:
    key: str
    user_id: str
    password: str
    description: str
    nino: str | None = None
    arn: str | None = None


SIGNED_UP: Final = DemoPerson(
    "individual",
    "900000000001",
    "openmtd-demo-ida",
    "Ida Newton, sole trader, signed up for MTD (mandated from 2026-27)",
    nino=str(Nino.parse("AA100001A")),
)
NOT_SIGNED_UP: Final = DemoPerson(
    "individual-not-signed-up",
    "900000000002",
    "openmtd-demo-sam",
    "Sam Patel, landlord, not signed up for MTD",
    nino=str(Nino.parse("AA100002B")),
)
AGENT: Final = DemoPerson(
    "agent",
    "900000000003",
    "openmtd-demo-alex",
    "Alex Morgan, Example Accountants: agent services account, Ida's main agent",
    arn=str(Arn.generate("0000001")),
)
DEMO_PEOPLE: Final = (SIGNED_UP, NOT_SIGNED_UP, AGENT)


@dataclass(frozen=True, slots=True)
class DemoWorld:
    """What ``openmtd up`` prints: the application's credentials and a token to try."""

    client_id: str
    client_secret: str
    redirect_uri: str
    access_token: str
    people: tuple[DemoPerson, ...]
    status_year: TaxYear


def _address(line1: str) -> Address:
    return Address(line1=line1, line2="Middlesbrough", postcode="TS1 1PA")


def _create_people(tx: Transaction, hasher: PasswordHasher, now: datetime) -> Account:
    """Create the three people (once); returns Ida's account."""
    ida = tx.accounts.get_by_user_id(SIGNED_UP.user_id)
    if ida is not None:
        return ida
    assert SIGNED_UP.nino
    assert NOT_SIGNED_UP.nino
    assert AGENT.arn
    ida = create_account(
        tx,
        hasher,
        now,
        AccountDetails(
            user_id=SIGNED_UP.user_id,
            password=SIGNED_UP.password,
            first_name="Ida",
            last_name="Newton",
            email="ida.newton@example.com",
            confidence_level=250,
            address=_address("45 Springfield Rise"),
            nino=SIGNED_UP.nino,
            enrolments=(
                Enrolment("IR-SA", "UTR", str(SaUtr.generate("000000101"))),
                Enrolment("HMRC-MTD-IT", "MTDITID", str(MtdItId.generate("00000000101"))),
            ),
        ),
    )
    create_account(
        tx,
        hasher,
        now,
        AccountDetails(
            user_id=NOT_SIGNED_UP.user_id,
            password=NOT_SIGNED_UP.password,
            first_name="Sam",
            last_name="Patel",
            email="sam.patel@example.com",
            confidence_level=250,
            address=_address("2 Albert Terrace"),
            nino=NOT_SIGNED_UP.nino,
            enrolments=(Enrolment("IR-SA", "UTR", str(SaUtr.generate("000000102"))),),
        ),
    )
    create_account(
        tx,
        hasher,
        now,
        AccountDetails(
            user_id=AGENT.user_id,
            password=AGENT.password,
            first_name="Alex",
            last_name="Morgan",
            email="alex@example-accountants.test",
            affinity_group=AffinityGroup.AGENT,
            address=_address("1 Market Place"),
            enrolments=(Enrolment("HMRC-AS-AGENT", "AgentReferenceNumber", AGENT.arn),),
        ),
    )
    mtditid = ida.enrolment("HMRC-MTD-IT")
    tx.relationships.add(
        AGENT.arn, SIGNED_UP.nino, "main", now, mtditid.identifier_value if mtditid else None
    )
    current = TaxYear.at(now)
    for year, status, reason, income in (
        (current.previous, "Annual", "CESA SA return", Decimal("41250.00")),
        (current, "MTD Mandated", "CESA SA return", Decimal("62400.00")),
        (current.next, "MTD Mandated", "CESA SA return", Decimal("58900.00")),
    ):
        tx.itsa_statuses.add(StoredStatus(SIGNED_UP.nino, str(year), now, status, reason, income))
    return ida


def _application(tx: Transaction, now: datetime) -> tuple[str, str]:
    """The demo application's client_id and a fresh client secret."""
    existing = next(
        (app for app in tx.applications.list() if app.name == DEMO_APPLICATION_NAME), None
    )
    if existing is None:
        created = create_application(
            tx,
            now,
            name=DEMO_APPLICATION_NAME,
            redirect_uris=[DEMO_REDIRECT_URI],
            rate_limit_per_second=100,
        )
        return created.application.client_id, created.client_secret
    if len(existing.secrets) >= MAX_CLIENT_SECRETS:
        delete_client_secret(tx, existing, existing.secrets[0].id)
        refreshed = tx.applications.get(existing.id)
        assert refreshed is not None
        existing = refreshed
    return existing.client_id, add_client_secret(tx, existing, now)


def seed(tx: Transaction, hasher: PasswordHasher, now: datetime) -> DemoWorld:
    """Make sure the demo world exists, and issue a fresh secret and token for it."""
    ida = _create_people(tx, hasher, now)
    client_id, client_secret = _application(tx, now)
    request = AuthorizeRequest(
        client_id=client_id,
        redirect_uri=DEMO_REDIRECT_URI,
        scopes=DEMO_SCOPES,
        state=None,
        code_challenge=None,
        code_challenge_method=None,
    )
    code = journey.grant(tx, request, ida, now).code
    assert code is not None
    answer = token_endpoint(
        tx,
        {
            "grant_type": ["authorization_code"],
            "client_id": [client_id],
            "client_secret": [client_secret],
            "redirect_uri": [DEMO_REDIRECT_URI],
            "code": [code],
        },
        now,
    )
    return DemoWorld(
        client_id=client_id,
        client_secret=client_secret,
        redirect_uri=DEMO_REDIRECT_URI,
        access_token=str(answer.body["access_token"]),
        people=DEMO_PEOPLE,
        status_year=TaxYear.at(now),
    )


def present(tx: Transaction) -> list[DemoPerson]:
    """The demo people that exist in this world (for the home page)."""
    return [person for person in DEMO_PEOPLE if tx.accounts.user_id_taken(person.user_id)]
