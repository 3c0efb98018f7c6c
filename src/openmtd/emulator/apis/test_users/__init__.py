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

from openmtd.emulator.apis.test_users.catalogue import (
    AGENTS,
    API,
    AVAILABLE_SERVICES,
    CONFIDENCE_LEVEL,
    INDIVIDUALS,
    INVALID_REQUEST,
    NINO_ALREADY_USED,
    ORGANISATIONS,
    SERVICES,
    Service,
    UserType,
)
from openmtd.emulator.apis.test_users.identifiers import (
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
from openmtd.emulator.apis.test_users.users import (
    create_agent,
    create_individual,
    create_organisation,
    list_services,
)

__all__ = [
    "AGENTS",
    "API",
    "AVAILABLE_SERVICES",
    "CONFIDENCE_LEVEL",
    "INDIVIDUALS",
    "INVALID_REQUEST",
    "NINO_ALREADY_USED",
    "ORGANISATIONS",
    "SERVICES",
    "CreateRequest",
    "Service",
    "UserType",
    "create_agent",
    "create_individual",
    "create_organisation",
    "list_services",
    "new_arn",
    "new_mtditid",
    "new_nino",
    "new_sa_utr",
    "new_vrn",
    "nino_taken",
    "parse_request",
]
