"""The demo world ``openmtd up`` starts with: two applications and five people.

- Ida Newton, a sole trader signed up for MTD (mandated for 2026-27 on her 2024-25 return);
- Sam Patel, a landlord who has not signed up;
- Alex Morgan of Example Accountants, an agent who is Ida's main agent;
- Jo Baker, a landlord signed up for MTD by choice (so she may opt out);
- Chris Lee, a sole trader under the threshold, for whom a tax return is enough.

Ida and Jo have their income sources (Business Details) and subscriptions, so the Obligations
API answers for them. The applications are the demo software (a redirect for scripts and
curl) and openmtd's own app, which ``openmtd up`` starts beside the emulator.

Seeding is idempotent: each person and application is created once and found again on the
next start (a person added in a later release is created in an older world too). Each start
gives an application a fresh client secret (the old ones stay until there are five) and
issues a fresh demo access token for Ida, because secrets and tokens are stored only as hashes
and cannot be shown again. The passwords are fixed and printed: this is
a local test system.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
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
    BusinessDetails,
    Enrolment,
    StoredStatus,
    Subscription,
    Transaction,
)
from openmtd.rules.identifiers import Arn, MtdItId, Nino, SaUtr
from openmtd.rules.tax_year import TaxYear

DEMO_APPLICATION_NAME: Final = "openmtd demo software"
DEMO_REDIRECT_URI: Final = "http://localhost:8080/callback"
DEMO_SCOPES: Final = ("read:self-assessment", "write:self-assessment")
#: The demo applications' rate limit (requests a second): above HMRC's default of 3, so a
#: page's few reads and a script's loop are not throttled on a local system.
DEMO_RATE_LIMIT: Final = 100


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
VOLUNTARY: Final = DemoPerson(
    "individual-voluntary",
    "900000000004",
    "openmtd-demo-jo",
    "Jo Baker, landlord, signed up for MTD by choice (may opt out)",
    nino=str(Nino.parse("AA100004D")),
)
NEED_NOT: Final = DemoPerson(
    "individual-need-not",
    "900000000005",
    "openmtd-demo-chris",
    "Chris Lee, sole trader under the threshold: a tax return is enough",
    nino=str(Nino.parse("AA100005C")),
)
DEMO_PEOPLE: Final = (SIGNED_UP, NOT_SIGNED_UP, AGENT, VOLUNTARY, NEED_NOT)
#: openmtd's own app, as ``openmtd up`` registers it at the emulator.
APP_APPLICATION_NAME: Final = "openmtd app (demo)"


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


def _individual(
    tx: Transaction,
    hasher: PasswordHasher,
    now: datetime,
    person: DemoPerson,
    names: tuple[str, str],
    line1: str,
    enrolments: tuple[Enrolment, ...],
) -> Account:
    assert person.nino
    return create_account(
        tx,
        hasher,
        now,
        AccountDetails(
            user_id=person.user_id,
            password=person.password,
            first_name=names[0],
            last_name=names[1],
            email=f"{names[0].lower()}.{names[1].lower()}@example.com",
            confidence_level=250,
            address=_address(line1),
            nino=person.nino,
            enrolments=enrolments,
        ),
    )


def _statuses(tx: Transaction, nino: str, now: datetime, rows: tuple[tuple[str, str], ...]) -> None:
    """The previous, current and next years' statuses, each with its reason."""
    current = TaxYear.at(now)
    for year, (status, reason) in zip((current.previous, current, current.next), rows, strict=True):
        tx.itsa_statuses.add(StoredStatus(nino, str(year), now, status, reason, None))


def _signed_up(
    tx: Transaction, account: Account, now: datetime, business_id: str, kind: str, name: str | None
) -> None:
    """A subscription from this tax year and one income source, as sign-up keeps them."""
    assert account.nino
    mtditid = account.enrolment("HMRC-MTD-IT")
    utr = account.enrolment("IR-SA")
    assert mtditid is not None
    assert utr is not None
    current = TaxYear.at(now)
    tx.subscriptions.add(
        Subscription(
            account.nino, mtditid.identifier_value, utr.identifier_value, str(current), now
        )
    )
    tx.business_details.add(
        BusinessDetails(
            business_id=business_id,
            nino=account.nino,
            mtditid=mtditid.identifier_value,
            type_of_business=kind,
            accounting_period_start=current.start,
            accounting_period_end=current.end,
            created_at=now,
            trading_name=name,
            trading_start_date=date(2019, 5, 1),
        )
    )


def _create_people(tx: Transaction, hasher: PasswordHasher, now: datetime) -> Account:
    """Create each person who is missing; returns Ida's account."""
    ida = tx.accounts.get_by_user_id(SIGNED_UP.user_id)
    if ida is None:
        ida = _create_ida_sam_and_alex(tx, hasher, now)
    if not tx.accounts.user_id_taken(VOLUNTARY.user_id):
        jo = _individual(
            tx, hasher, now, VOLUNTARY, ("Jo", "Baker"), "7 Harbour View",
            (
                Enrolment("IR-SA", "UTR", str(SaUtr.generate("000000104"))),
                Enrolment("HMRC-MTD-IT", "MTDITID", str(MtdItId.generate("00000000104"))),
            ),
        )  # fmt: skip
        assert VOLUNTARY.nino
        _statuses(
            tx, VOLUNTARY.nino, now,
            (("Annual", "CESA SA return"), ("MTD Voluntary", "Sign up - return available"),
             ("MTD Voluntary", "Sign up - return available")),
        )  # fmt: skip
        _signed_up(tx, jo, now, "XPIS00000000104", "uk-property", None)
    if not tx.accounts.user_id_taken(NEED_NOT.user_id):
        _individual(
            tx, hasher, now, NEED_NOT, ("Chris", "Lee"), "12 Mill Lane",
            (Enrolment("IR-SA", "UTR", str(SaUtr.generate("000000105"))),),
        )  # fmt: skip
        assert NEED_NOT.nino
        _statuses(
            tx, NEED_NOT.nino, now,
            (("Annual", "CESA SA return"),) * 3,
        )  # fmt: skip
    return ida


def _create_ida_sam_and_alex(tx: Transaction, hasher: PasswordHasher, now: datetime) -> Account:
    assert SIGNED_UP.nino
    assert NOT_SIGNED_UP.nino
    assert AGENT.arn
    ida = _individual(
        tx, hasher, now, SIGNED_UP, ("Ida", "Newton"), "45 Springfield Rise",
        (
            Enrolment("IR-SA", "UTR", str(SaUtr.generate("000000101"))),
            Enrolment("HMRC-MTD-IT", "MTDITID", str(MtdItId.generate("00000000101"))),
        ),
    )  # fmt: skip
    _individual(
        tx, hasher, now, NOT_SIGNED_UP, ("Sam", "Patel"), "2 Albert Terrace",
        (Enrolment("IR-SA", "UTR", str(SaUtr.generate("000000102"))),),
    )  # fmt: skip
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
    _signed_up(tx, ida, now, "XAIS00000000101", "self-employment", "Newton Joinery")
    return ida


def _application(
    tx: Transaction,
    now: datetime,
    name: str = DEMO_APPLICATION_NAME,
    redirect_uri: str = DEMO_REDIRECT_URI,
) -> tuple[str, str]:
    """An application's client_id and a fresh client secret (the application, with this
    name and redirect URI, made once)."""
    existing = next(
        (
            app
            for app in tx.applications.list()
            if app.name == name and redirect_uri in app.redirect_uris
        ),
        None,
    )
    if existing is None:
        created = create_application(
            tx,
            now,
            name=name,
            redirect_uris=[redirect_uri],
            rate_limit_per_second=DEMO_RATE_LIMIT,
        )
        return created.application.client_id, created.client_secret
    if len(existing.secrets) >= MAX_CLIENT_SECRETS:
        delete_client_secret(tx, existing, existing.secrets[0].id)
        refreshed = tx.applications.get(existing.id)
        assert refreshed is not None
        existing = refreshed
    return existing.client_id, add_client_secret(tx, existing, now)


def app_application(tx: Transaction, now: datetime, redirect_uri: str) -> tuple[str, str]:
    """openmtd's own app as an application at the emulator: its client_id and a fresh secret
    (the app is given them at each start; secrets are kept only as hashes)."""
    return _application(tx, now, APP_APPLICATION_NAME, redirect_uri)


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
