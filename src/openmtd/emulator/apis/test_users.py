"""HMRC's Create Test User API v1.0 (context ``create-test-user``), sandbox only.

Application-restricted (a ``client_credentials`` token, no scope; wire facts §4.1):

- ``POST /create-test-user/individuals``, ``/organisations``, ``/agents`` → 201 with the new
  user's Government Gateway user ID and password, name, email address, details and the
  identifiers for the services asked for (shapes: the OAS ``schemas/create-*-response.json``);
- ``GET /create-test-user/services`` → 200, the services and which user types may have them.

A created user is a real emulator Government Gateway account: a 12-digit user ID, a generated
12-character password (stored argon2-hashed, returned once), confidence level 250 and no 2-step
verification (as HMRC's sandbox test users), affinity Individual, Organisation or Agent, and a
generated name, address and (for individuals and organisations) date of birth. It signs in
through the grant-authority journey like any other account. An organisation's response has
``organisationDetails`` (a generated name, ``Company`` and six random letters, and the
account's address) and, as the OAS example shows, ``individualDetails`` for the person who signs in.

Services and what they give (HMRC's Create Test User service, wire facts §4.1):

- ``national-insurance``: a NINO, kept on the account;
- ``self-assessment``: an SA UTR (modulus-11 check digit) and the ``IR-SA``/``UTR`` enrolment;
- ``mtd-income-tax``: a NINO and an MTDITID (``X`` + check letter + ``IT`` + 11 digits) and the
  ``HMRC-MTD-IT``/``MTDITID`` enrolment;
- ``agent-services``: an ARN (check letter + ``ARN`` + 7 digits) and ``HMRC-AS-AGENT``/
  ``AgentReferenceNumber``;
- the VAT, customs, PAYE, corporation tax, LISA, SET, relief at source, excise and Pillar 2
  services: their identifiers are generated in HMRC's formats and returned, but the emulator
  emulates no enrolment for them, so nothing else knows about them.

Choices where HMRC is silent or openmtd differs (for docs/emulator.md):

- **MTD sign-up.** An individual or organisation created with ``mtd-income-tax`` is signed up
  from the current tax year (the tax year of the UK date on the emulator clock): besides
  ``HMRC-MTD-IT`` it gets one ITSA status record for that year, ``MTD Voluntary`` with reason
  ``Sign up - no return available``, submitted now. HMRC's sandbox holds no status until one is
  set through the Self Assessment Test Support API; openmtd gives signed-up users a status so
  the ITSA status API answers as it would for a real customer just signed up. The record
  belongs to no application, so a vendor's ``DELETE vendor-state`` leaves it; the test
  support API's create-and-amend replaces it like any other record for that year.
- **Identifiers are unique** across every account in the emulator: a generated NINO shares its
  first 8 characters with no account's NINO, and no generated UTR, MTDITID or ARN is already
  enrolled. Identifiers the emulator does not store (VRN, EORI, ...) are random only.
- **Caller-supplied NINO** (allowed with ``national-insurance`` or ``mtd-income-tax``, ignored
  otherwise, as HMRC documents): checked with HMRC's NINO rule; one whose first 8 characters
  any account already holds is 400 ``NINO_ALREADY_USED`` "The nino specified has already been
  used" (HMRC's code and text). The emulator does not keep Pillar 2 IDs, so
  ``PILLAR2_ID_ALREADY_USED`` is never returned.
- **Bad bodies.** The OAS defines no error for a malformed request; HMRC's service answers with
  its framework's plain 400. openmtd answers 400 ``{"code": "INVALID_REQUEST", "message": ...}``
  naming the first problem: a body that is not a JSON object, ``serviceNames`` that is not a
  list of distinct service names the user type may have, or an ``eoriNumber``, ``nino``,
  ``exciseNumber``, ``taxPayerType`` or ``pillar2Id`` that breaks the OAS's rules. As the OAS
  describes, an empty body (and, as HMRC's code allows, a body without ``serviceNames``)
  creates a user with no services. The Content-Type is not checked. Unknown fields are ignored.
- **``GET /services``.** The OAS example is a placeholder, so the list is HMRC's own service
  names (CTU ``models/Service.scala``) with the user types taken from the OAS request schemas,
  so the list says exactly what the create endpoints accept.
- Test users are never deleted for being unused (HMRC deletes them after 90 days); a reset of
  the emulator empties everything.
"""

from __future__ import annotations

import json
import re
import secrets
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Final

from openmtd.emulator.gateway.accounts import AccountDetails, create_account
from openmtd.emulator.platform.errors import ApiError
from openmtd.emulator.platform.gateway import Access, ApiResponse, CallContext, Endpoint
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
from openmtd.rules.errors import InvalidIdentifierError
from openmtd.rules.identifiers import Arn, MtdItId, Nino, SaUtr
from openmtd.rules.itsa_status import ItsaStatus, StatusReason
from openmtd.rules.tax_year import TaxYear

API: Final = "create-test-user"
_VERSIONS: Final = frozenset({"1.0"})

INDIVIDUALS: Final = Endpoint(
    API, _VERSIONS, Access.APPLICATION, name="Create a test user which is an individual"
)
ORGANISATIONS: Final = Endpoint(
    API, _VERSIONS, Access.APPLICATION, name="Create a test user which is an organisation"
)
AGENTS: Final = Endpoint(
    API, _VERSIONS, Access.APPLICATION, name="Create a test user which is an agent"
)
SERVICES: Final = Endpoint(API, _VERSIONS, Access.APPLICATION, name="Get available services")

#: HMRC's error for a caller-supplied NINO that is taken (wire facts §4.1).
NINO_ALREADY_USED: Final = (400, "NINO_ALREADY_USED", "The nino specified has already been used")
#: openmtd's code for a malformed request (the OAS defines none; see the module docstring).
INVALID_REQUEST: Final = "INVALID_REQUEST"

#: Test users are strongly authenticated at confidence level 250 (wire facts §4.1).
CONFIDENCE_LEVEL: Final = 250
_ATTEMPTS: Final = 1000


class UserType(StrEnum):
    INDIVIDUAL = "INDIVIDUAL"
    ORGANISATION = "ORGANISATION"
    AGENT = "AGENT"


@dataclass(frozen=True, slots=True)
class Service:
    """A service a test user can be enrolled for."""

    key: str
    name: str
    user_types: tuple[UserType, ...]

    def body(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "allowedUserTypes": [user_type.value for user_type in self.user_types],
        }


_I, _O, _A = UserType.INDIVIDUAL, UserType.ORGANISATION, UserType.AGENT

#: HMRC's services in HMRC's order and names; user types as the OAS request schemas allow.
AVAILABLE_SERVICES: Final = (
    Service("national-insurance", "National Insurance", (_I, _O)),
    Service("self-assessment", "Self Assessment", (_I, _O)),
    Service("corporation-tax", "Corporation Tax", (_O,)),
    Service("paye-for-employers", "PAYE for Employers", (_O,)),
    Service("submit-vat-returns", "Submit VAT Returns", (_O,)),
    Service("mtd-vat", "MTD VAT", (_I, _O)),
    Service("mtd-income-tax", "MTD Income Tax", (_I, _O)),
    Service("agent-services", "Agent Services", (_A,)),
    Service("lisa", "Lifetime ISA", (_O,)),
    Service("secure-electronic-transfer", "Secure Electronic Transfer", (_O,)),
    Service("relief-at-source", "Relief at Source", (_O,)),
    Service("customs-services", "Customs Services", (_I, _O)),
    Service("goods-vehicle-movements", "Goods Vehicle Services", (_I, _O)),
    Service("import-control-system", "Import Control System", (_I, _O)),
    Service(
        "common-transit-convention-traders-legacy",
        "Common Transit Convention Traders Legacy",
        (_I, _O),
    ),
    Service("common-transit-convention-traders", "Common Transit Convention Traders", (_I, _O)),
    Service("safety-and-security", "Safety and Security", (_O,)),
    Service("excise-movement-control-system", "Excise Movement Control System", (_O,)),
    Service("modernisation-of-authorisations", "Modernisation of Authorisations", (_O,)),
    Service("pillar-2", "Pillar 2", (_O,)),
)

_NINO_SERVICES: Final = frozenset({"national-insurance", "mtd-income-tax"})
_VRN_SERVICES: Final = frozenset({"mtd-vat", "submit-vat-returns"})
_EORI_SERVICES: Final = frozenset(
    {
        "customs-services",
        "goods-vehicle-movements",
        "import-control-system",
        "safety-and-security",
        "common-transit-convention-traders",
        "common-transit-convention-traders-legacy",
        "modernisation-of-authorisations",
    }
)
_LABELS: Final = {_I: "an individual", _O: "an organisation", _A: "an agent"}

# The OAS's rules for the optional request fields.
_EORI: Final = re.compile(r"(?:GB|XI)[0-9]{12,15}|[A-Z]{2}[0-9]{1,15}")
_EXCISE_NUMBER: Final = re.compile(r"[A-Z]{2}[a-zA-Z0-9]{11}")
_TAXPAYER_TYPES: Final = ("Individual", "Partnership")
_MAX_PILLAR2_ID: Final = 64

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


def _bad_request(message: str) -> ApiError:
    return ApiError(400, INVALID_REQUEST, message)


# --- the request --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CreateRequest:
    """A create request that passed every check."""

    services: frozenset[str]
    nino: Nino | None = None
    eori_number: str | None = None
    excise_number: str | None = None
    taxpayer_type: str | None = None
    pillar2_id: str | None = None


def _object(raw: bytes) -> Mapping[str, Any]:
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        raise _bad_request("The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise _bad_request("The request body must be a JSON object")
    return body


def _service_names(body: Mapping[str, Any], user_type: UserType) -> frozenset[str]:
    names = body.get("serviceNames")
    if names is None:
        return frozenset()
    if not isinstance(names, list):
        raise _bad_request("serviceNames must be a list of service names")
    allowed = {service.key for service in AVAILABLE_SERVICES if user_type in service.user_types}
    for index, name in enumerate(names):
        if not isinstance(name, str) or name not in allowed:
            raise _bad_request(
                f"serviceNames[{index}] is not a service {_LABELS[user_type]} can have: "
                "GET /create-test-user/services lists them"
            )
    if len(set(names)) != len(names):
        raise _bad_request("serviceNames must not list a service more than once")
    return frozenset(names)


def _optional_text(body: Mapping[str, Any], *names: str) -> str | None:
    for name in names:
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise _bad_request(f"{name} must be a string")
        return value
    return None


def parse_request(raw: bytes, user_type: UserType) -> CreateRequest:
    """Check a create request's body (see the module docstring); raises 400 ``ApiError``."""
    body = _object(raw)
    services = _service_names(body, user_type)
    if user_type is UserType.AGENT:
        return CreateRequest(services)
    nino = None
    nino_text = _optional_text(body, "nino")
    if nino_text is not None:
        try:
            nino = Nino.parse_wire(nino_text)
        except InvalidIdentifierError:
            raise _bad_request(
                "nino must be a National Insurance number: 2 letters, 6 numbers and "
                "A, B, C or D, like AB123456C"
            ) from None
    eori = _optional_text(body, "eoriNumber")
    if eori is not None and not (3 <= len(eori) <= 17 and _EORI.fullmatch(eori)):
        raise _bad_request(
            "eoriNumber must be a GB or XI EORI (GB or XI then 12 to 15 numbers) or an EU EORI "
            "(2 letters then up to 15 numbers)"
        )
    if user_type is UserType.INDIVIDUAL:
        return CreateRequest(services, nino, eori)
    excise = _optional_text(body, "exciseNumber")
    if excise is not None and not _EXCISE_NUMBER.fullmatch(excise):
        raise _bad_request("exciseNumber must be 2 capital letters then 11 letters or numbers")
    # The OAS schema spells it taxPayerType, its example (and HMRC's code) taxpayerType.
    taxpayer_type = _optional_text(body, "taxPayerType", "taxpayerType")
    if taxpayer_type is not None and taxpayer_type not in _TAXPAYER_TYPES:
        raise _bad_request("taxPayerType must be Individual or Partnership")
    pillar2_id = _optional_text(body, "pillar2Id")
    if pillar2_id is not None and not (
        0 < len(pillar2_id) <= _MAX_PILLAR2_ID and pillar2_id.isascii() and pillar2_id.isalnum()
    ):
        raise _bad_request("pillar2Id must be letters and numbers, like XAPLR0123456789")
    return CreateRequest(services, nino, eori, excise, taxpayer_type, pillar2_id)


# --- identifiers --------------------------------------------------------------------------------
def _digits(count: int) -> str:
    return "".join(secrets.choice(string.digits) for _ in range(count))


def _letter() -> str:
    return secrets.choice(string.ascii_uppercase)


def _unique(make: Callable[[], str], taken: Callable[[str], bool]) -> str:
    for _ in range(_ATTEMPTS):
        candidate = make()
        if not taken(candidate):
            return candidate
    raise RuntimeError("could not generate an unused identifier")


def nino_taken(tx: Transaction, nino: Nino) -> bool:
    """Whether any account holds a NINO with the same first 8 characters."""
    stem = nino.without_suffix
    return any(tx.accounts.find_by_nino(stem + suffix) for suffix in ("", "A", "B", "C", "D"))


def _random_nino() -> str:
    candidate = _letter() + _letter() + _digits(6) + secrets.choice("ABCD")
    # Only prefixes HMRC's own NINO rule accepts (so every HMRC API accepts the NINO).
    return candidate if Nino.is_valid(candidate) else ""


def new_nino(tx: Transaction) -> Nino:
    """A valid NINO no account holds (not even with another suffix)."""
    value = _unique(_random_nino, lambda text: not text or nino_taken(tx, Nino(text)))
    return Nino(value)


def new_sa_utr(tx: Transaction) -> SaUtr:
    value = _unique(
        lambda: SaUtr.generate(_digits(9)).value,
        lambda text: tx.accounts.enrolment_owner("IR-SA", text) is not None,
    )
    return SaUtr(value)


def new_mtditid(tx: Transaction) -> MtdItId:
    value = _unique(
        lambda: MtdItId.generate(_digits(11)).value,
        lambda text: tx.accounts.enrolment_owner("HMRC-MTD-IT", text) is not None,
    )
    return MtdItId(value)


def new_arn(tx: Transaction) -> Arn:
    value = _unique(
        lambda: Arn.generate(_digits(7)).value,
        lambda text: tx.accounts.enrolment_owner("HMRC-AS-AGENT", text) is not None,
    )
    return Arn(value)


def new_vrn() -> str:
    """A VAT registration number: 7 digits and HMRC's modulus-97 check (2 digits)."""
    body = str(1_000_000 + secrets.randbelow(9_000_000))
    total = sum(weight * int(digit) for weight, digit in zip(range(8, 1, -1), body, strict=True))
    return f"{body}{97 - total % 97:02d}"


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


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
