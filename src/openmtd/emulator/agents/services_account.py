"""Agent services accounts (business rules §2.1): an Agent account registers its business (a
Self Assessment UTR and postcode), agency name and email, and gets an ARN and the
``HMRC-AS-AGENT`` enrolment; and linking a legacy Self Assessment agent reference
(``IR-SA-AGENT``) to the ARN, the mapping step of "copy existing Self Assessment
authorisations" (§2.3).

openmtd's choices (HMRC's registration, ROSM, is not emulated): any UTR with a right check
digit and any well-formed postcode register a business, but one UTR registers one agent
services account; agency names are 1 to 100 characters with a letter or digit; an account
given ``HMRC-AS-AGENT`` directly (a test user, the account form) gets its details on first use,
its name standing for the agency's.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from openmtd.emulator.agents import relationships
from openmtd.emulator.agents.clients import ACTIVATED
from openmtd.emulator.apis.test_users.identifiers import new_arn
from openmtd.emulator.storage import Account, AffinityGroup, AgentRecord, Enrolment, Transaction
from openmtd.rules.agent_services import CLIENT_LINK_UID_LENGTH
from openmtd.rules.errors import RuleError
from openmtd.rules.identifiers import INVITATION_ID_ALPHABET, Postcode, SaUtr

AGENT_SERVICES: Final = "HMRC-AS-AGENT"
ARN_IDENTIFIER: Final = "AgentReferenceNumber"
LEGACY_SA_AGENT: Final = "IR-SA-AGENT"
MAX_AGENCY_NAME: Final = 100
MAX_EMAIL: Final = 255
_UID_ATTEMPTS: Final = 50


class ServicesAccountError(ValueError):
    """Details that cannot make an agent services account; ``field`` names the form field
    (empty when the account itself cannot have one)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class ServicesAccountDetails:
    """What an agent types to create an agent services account."""

    utr: str = ""
    postcode: str = ""
    agency_name: str = ""
    email: str = ""


def arn_of(account: Account) -> str | None:
    """The ARN of the account's agent services account, if it has one."""
    if account.affinity_group is not AffinityGroup.AGENT:
        return None
    enrolment = account.enrolment(AGENT_SERVICES)
    if enrolment is None or enrolment.state != ACTIVATED:
        return None
    return enrolment.identifier_value


def legacy_reference_of(account: Account) -> str | None:
    """The legacy Self Assessment agent reference (``IR-SA-AGENT``) the account holds."""
    if account.affinity_group is not AffinityGroup.AGENT:
        return None
    enrolment = account.enrolment(LEGACY_SA_AGENT)
    return enrolment.identifier_value if enrolment is not None else None


def _new_link_uid(tx: Transaction) -> str:
    for _ in range(_UID_ATTEMPTS):
        uid = "".join(secrets.choice(INVITATION_ID_ALPHABET) for _ in range(CLIENT_LINK_UID_LENGTH))
        if tx.agent_records.by_client_link_uid(uid) is None:
            return uid
    raise RuntimeError("could not generate an unused client link id")


def _parsed(field: str, parse: type[SaUtr] | type[Postcode], text: str) -> str:
    try:
        return str(parse.parse(text))
    except RuleError as error:
        raise ServicesAccountError(field, error.message) from None


def validate(details: ServicesAccountDetails) -> ServicesAccountDetails:
    """Check and normalise the details, the first fault first, in the form's order.

    Raises:
        ServicesAccountError: naming the field at fault.
    """
    utr = _parsed("utr", SaUtr, details.utr)
    postcode = _parsed("postcode", Postcode, details.postcode)
    name = " ".join(details.agency_name.split())
    if not name:
        raise ServicesAccountError("agency_name", "Enter your agency's name")
    if len(name) > MAX_AGENCY_NAME:
        raise ServicesAccountError(
            "agency_name", f"Your agency's name must be {MAX_AGENCY_NAME} characters or fewer"
        )
    if not any(char.isascii() and char.isalnum() for char in name):
        raise ServicesAccountError(
            "agency_name", "Your agency's name must have at least one letter or number in it"
        )
    email = details.email.strip()
    local, at, domain = email.rpartition("@")
    if not (local and at and domain) or len(email) > MAX_EMAIL or " " in email:
        raise ServicesAccountError("email", "Enter an email address, like name@example.com")
    return ServicesAccountDetails(utr, postcode, name, email)


def create(
    tx: Transaction, account: Account, now: datetime, details: ServicesAccountDetails
) -> AgentRecord:
    """Create the account's agent services account: an ARN, ``HMRC-AS-AGENT`` and its details.

    Raises:
        ServicesAccountError: the account is not an agent's or has one already (no field), a
            detail is refused, or the UTR has an agent services account already (``utr``).
    """
    if account.affinity_group is not AffinityGroup.AGENT:
        raise ServicesAccountError(
            "", "Only an agent's Government Gateway account can have an agent services account"
        )
    if arn_of(account) is not None:
        raise ServicesAccountError("", "This account already has an agent services account")
    checked = validate(details)
    if tx.agent_records.by_utr(checked.utr) is not None:
        raise ServicesAccountError(
            "utr", "An agent services account already exists for this Unique Taxpayer Reference"
        )
    arn = str(new_arn(tx))
    tx.accounts.add_enrolment(account.group.id, Enrolment(AGENT_SERVICES, ARN_IDENTIFIER, arn))
    record = AgentRecord(
        arn=arn,
        agency_name=checked.agency_name,
        email=checked.email,
        client_link_uid=_new_link_uid(tx),
        created_at=now,
        utr=checked.utr,
        postcode=checked.postcode,
    )
    tx.agent_records.add(record)
    return record


def record_for(tx: Transaction, arn: str, account: Account, now: datetime) -> AgentRecord:
    """The agency's details; made on first use for an ARN given without registration."""
    record = tx.agent_records.get(arn)
    if record is not None:
        return record
    record = AgentRecord(
        arn=arn,
        agency_name=" ".join(account.full_name.split())[:MAX_AGENCY_NAME] or arn,
        email=account.email,
        client_link_uid=_new_link_uid(tx),
        created_at=now,
    )
    tx.agent_records.add(record)
    return record


@dataclass(frozen=True, slots=True)
class LinkedReference:
    """The result of linking a legacy reference: whether it was new, what it copied."""

    sa_agent_reference: str
    newly_linked: bool
    copied: tuple[str, ...]
    """The NINOs of the clients whose authorisation was copied to this ARN now."""


def link_legacy_reference(
    tx: Transaction, arn: str, sa_agent_reference: str, now: datetime
) -> LinkedReference:
    """Map a legacy Self Assessment agent reference to the ARN, then copy the authorisations
    of clients already signed up (the rest are copied when they sign up)."""
    newly = tx.legacy_sa.map_reference(arn, sa_agent_reference, now)
    made = relationships.copy_legacy_for_reference(tx, sa_agent_reference, now)
    copied = tuple(relationship.client_nino for relationship in made if relationship.arn == arn)
    return LinkedReference(sa_agent_reference, newly, copied)
