"""Creating test users: a generated person, their identifiers and a Government Gateway account."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from openmtd.emulator.apis.test_users.catalogue import (
    _EORI_SERVICES,
    _NINO_SERVICES,
    _VRN_SERVICES,
    AVAILABLE_SERVICES,
    CONFIDENCE_LEVEL,
    NINO_ALREADY_USED,
    UserType,
)
from openmtd.emulator.apis.test_users.identifiers import (
    _digits,
    _letter,
    _years_before,
    new_arn,
    new_mtditid,
    new_nino,
    new_sa_utr,
    new_vrn,
    nino_taken,
)
from openmtd.emulator.apis.test_users.requests import (
    CreateRequest,
    parse_request,
)
from openmtd.emulator.gateway.accounts import AccountDetails, create_account
from openmtd.emulator.platform.errors import ApiError
from openmtd.emulator.platform.gateway import ApiResponse, CallContext
from openmtd.emulator.security import PasswordHasher, new_password, new_user_id
from openmtd.emulator.storage import (
    Account,
    Address,
    AffinityGroup,
    Enrolment,
    StoredStatus,
    Transaction,
)
from openmtd.rules.clock import uk_date
from openmtd.rules.identifiers import MtdItId, Nino, SaUtr
from openmtd.rules.itsa_status import ItsaStatus, StatusReason
from openmtd.rules.tax_year import TaxYear

# Generated people: made-up names and addresses (postcodes in HMRC's test area, TS1).
_FIRST_NAMES: Final = (
    "Ida", "Sam", "Alex", "Priya", "Tom", "Grace", "Omar", "Ruth", "Dev", "Maya",
    "Jon", "Aisha", "Leo", "Nell", "Ravi", "Cara", "Hugo", "Zara", "Finn", "Esme",
)  # fmt: skip
_LAST_NAMES: Final = (
    "Newton", "Patel", "Morgan", "Evans", "Shah", "Hughes", "Clarke", "Khan", "Reid",
    "Walsh", "Owen", "Bell", "Fraser", "Lloyd", "Baker", "Singh", "Price", "Lowe",
)  # fmt: skip
_ADDRESSES: Final = (
    ("45 Springfield Rise", "Glasgow", "TS1 1PA"),
    ("12 Mill Lane", "Leeds", "TS1 2AB"),
    ("3 Harbour View", "Swansea", "TS1 3CD"),
    ("88 Station Road", "Norwich", "TS1 4EF"),
    ("7 Orchard Close", "Exeter", "TS1 5GH"),
    ("21 Castle Street", "Belfast", "TS1 6JK"),
)
_ORGANISATION_ADDRESSES: Final = (
    ("1 Abbey Road", "Aberdeen", "TS1 1PA"),
    ("10 Market Square", "Bristol", "TS1 7LN"),
    ("5 Exchange Place", "Manchester", "TS1 8PQ"),
)


# --- people -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Person:
    first_name: str
    last_name: str
    date_of_birth: date
    address: Address

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def email(self) -> str:
        return f"{self.first_name}.{self.last_name}@example.com".lower()

    def individual_details(self) -> dict[str, Any]:
        return {
            "firstName": self.first_name,
            "lastName": self.last_name,
            "dateOfBirth": self.date_of_birth.isoformat(),
            "address": _address_body(self.address),
        }


def _address(choices: tuple[tuple[str, str, str], ...]) -> Address:
    line1, line2, postcode = secrets.choice(choices)
    return Address(line1=line1, line2=line2, postcode=postcode)


def _address_body(address: Address) -> dict[str, str]:
    return {"line1": address.line1, "line2": address.line2, "postcode": address.postcode}


def _person() -> _Person:
    born = date(1950 + secrets.randbelow(50), 1 + secrets.randbelow(12), 1 + secrets.randbelow(28))
    return _Person(
        secrets.choice(_FIRST_NAMES), secrets.choice(_LAST_NAMES), born, _address(_ADDRESSES)
    )


@dataclass(frozen=True, slots=True)
class _Created:
    account: Account
    password: str


def _create(
    tx: Transaction,
    hasher: PasswordHasher,
    now: datetime,
    person: _Person,
    affinity_group: AffinityGroup,
    *,
    address: Address | None = None,
    nino: Nino | None = None,
    enrolments: tuple[Enrolment, ...] = (),
) -> _Created:
    password = new_password()
    account = create_account(
        tx,
        hasher,
        now,
        AccountDetails(
            password=password,
            first_name=person.first_name,
            last_name=person.last_name,
            email=person.email,
            affinity_group=affinity_group,
            confidence_level=CONFIDENCE_LEVEL,
            date_of_birth=None if affinity_group is AffinityGroup.AGENT else person.date_of_birth,
            address=address or person.address,
            nino=str(nino) if nino else None,
            enrolments=enrolments,
            user_id=new_user_id(),
        ),
    )
    return _Created(account, password)


def _sign_up(tx: Transaction, nino: Nino, now: datetime) -> None:
    """Signed up for MTD from the current tax year (see the module docstring)."""
    tx.itsa_statuses.add(
        StoredStatus(
            nino=str(nino),
            tax_year=str(TaxYear.containing(uk_date(now))),
            submitted_on=now,
            status=ItsaStatus.VOLUNTARY.value,
            status_reason=StatusReason.SIGN_UP_NO_RETURN_AVAILABLE.value,
        )
    )


def _nino_for(tx: Transaction, request: CreateRequest) -> Nino | None:
    """The user's NINO when a service needs one: the caller's (if free) or a new one."""
    if not request.services & _NINO_SERVICES:
        return None
    if request.nino is None:
        return new_nino(tx)
    if nino_taken(tx, request.nino):
        raise ApiError.of(NINO_ALREADY_USED)
    return request.nino


@dataclass(frozen=True, slots=True)
class _TaxIdentifiers:
    """The ITSA identifiers a person or organisation gets, and the enrolments they bring."""

    nino: Nino | None
    sa_utr: SaUtr | None
    mtditid: MtdItId | None

    @property
    def enrolments(self) -> tuple[Enrolment, ...]:
        enrolments = []
        if self.sa_utr:
            enrolments.append(Enrolment("IR-SA", "UTR", str(self.sa_utr)))
        if self.mtditid:
            enrolments.append(Enrolment("HMRC-MTD-IT", "MTDITID", str(self.mtditid)))
        return tuple(enrolments)


def _tax_identifiers(tx: Transaction, request: CreateRequest) -> _TaxIdentifiers:
    nino = _nino_for(tx, request)
    sa_utr = new_sa_utr(tx) if "self-assessment" in request.services else None
    mtditid = new_mtditid(tx) if "mtd-income-tax" in request.services else None
    return _TaxIdentifiers(nino, sa_utr, mtditid)


def _user_body(created: _Created) -> dict[str, Any]:
    account = created.account
    return {
        "userId": account.user_id,
        "password": created.password,
        "userFullName": account.full_name,
        "emailAddress": account.email,
    }


def _add_common(body: dict[str, Any], ids: _TaxIdentifiers) -> None:
    if ids.sa_utr:
        body["saUtr"] = str(ids.sa_utr)
    if ids.nino:
        body["nino"] = str(ids.nino)


def _vat(body: dict[str, Any], request: CreateRequest, now: datetime) -> None:
    if request.services & _VRN_SERVICES:
        body["vrn"] = new_vrn()
        body["vatRegistrationDate"] = _years_before(
            uk_date(now), 1 + secrets.randbelow(20)
        ).isoformat()


def _eori(request: CreateRequest) -> str | None:
    if not request.services & _EORI_SERVICES:
        return None
    return request.eori_number or "GB" + _digits(12)


# --- the endpoints ------------------------------------------------------------------------------
def create_individual(ctx: CallContext, hasher: PasswordHasher, raw: bytes) -> ApiResponse:
    """``POST /create-test-user/individuals``."""
    request = parse_request(raw, UserType.INDIVIDUAL)
    ids = _tax_identifiers(ctx.tx, request)
    person = _person()
    created = _create(
        ctx.tx,
        hasher,
        ctx.now,
        person,
        AffinityGroup.INDIVIDUAL,
        nino=ids.nino,
        enrolments=ids.enrolments,
    )
    if ids.nino and ids.mtditid:
        _sign_up(ctx.tx, ids.nino, ctx.now)
    body = _user_body(created)
    body["individualDetails"] = person.individual_details()
    _add_common(body, ids)
    if ids.mtditid:
        body["mtdItId"] = str(ids.mtditid)
    _vat(body, request, ctx.now)
    eori = _eori(request)
    if eori:
        body["eoriNumber"] = eori
    return ApiResponse(201, body)


def create_organisation(ctx: CallContext, hasher: PasswordHasher, raw: bytes) -> ApiResponse:
    """``POST /create-test-user/organisations``."""
    request = parse_request(raw, UserType.ORGANISATION)
    services = request.services
    ids = _tax_identifiers(ctx.tx, request)
    person = _person()
    organisation_address = _address(_ORGANISATION_ADDRESSES)
    created = _create(
        ctx.tx,
        hasher,
        ctx.now,
        person,
        AffinityGroup.ORGANISATION,
        address=organisation_address,
        nino=ids.nino,
        enrolments=ids.enrolments,
    )
    if ids.nino and ids.mtditid:
        _sign_up(ctx.tx, ids.nino, ctx.now)
    body = _user_body(created)
    body["organisationDetails"] = {
        "name": "Company "
        + "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(6)),
        "address": _address_body(organisation_address),
    }
    body["individualDetails"] = person.individual_details()
    _add_common(body, ids)
    if "paye-for-employers" in services:
        body["empRef"] = f"{100 + secrets.randbelow(900)}/" + "".join(
            secrets.choice(string.ascii_uppercase + string.digits) for _ in range(10)
        )
    if "corporation-tax" in services:
        body["ctUtr"] = str(SaUtr.generate(_digits(9)))
    _vat(body, request, ctx.now)
    if ids.mtditid:
        body["mtdItId"] = str(ids.mtditid)
    if "lisa" in services:
        body["lisaManagerReferenceNumber"] = "Z" + _digits(secrets.choice((4, 6)))
    if "secure-electronic-transfer" in services:
        body["secureElectronicTransferReferenceNumber"] = str(1 + secrets.randbelow(9)) + _digits(
            11
        )
    if "relief-at-source" in services:
        body["pensionSchemeAdministratorIdentifier"] = "A" + _digits(7)
    eori = _eori(request)
    if eori:
        body["eoriNumber"] = eori
    if "excise-movement-control-system" in services:
        body["exciseNumber"] = request.excise_number or "GBWK" + _digits(9)
    if "corporation-tax" in services:
        body["crn"] = _digits(8)
    if request.taxpayer_type:
        body["taxPayerType"] = request.taxpayer_type
    if "pillar-2" in services:
        body["pillar2Id"] = request.pillar2_id or "X" + _letter() + "PLR" + _digits(10)
    return ApiResponse(201, body)


def create_agent(ctx: CallContext, hasher: PasswordHasher, raw: bytes) -> ApiResponse:
    """``POST /create-test-user/agents``."""
    request = parse_request(raw, UserType.AGENT)
    arn = new_arn(ctx.tx) if "agent-services" in request.services else None
    enrolments = (Enrolment("HMRC-AS-AGENT", "AgentReferenceNumber", str(arn)),) if arn else ()
    created = _create(
        ctx.tx, hasher, ctx.now, _person(), AffinityGroup.AGENT, enrolments=enrolments
    )
    body = _user_body(created)
    if arn:
        body["agentServicesAccountNumber"] = str(arn)
    return ApiResponse(201, body)


def list_services(_ctx: CallContext) -> ApiResponse:
    """``GET /create-test-user/services``."""
    return ApiResponse(200, [service.body() for service in AVAILABLE_SERVICES])
