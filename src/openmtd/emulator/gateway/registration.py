"""Creating a Government Gateway account on the web, where 2-step verification comes first.

A person fills in the "Create an account" form (:class:`RegistrationForm`, exactly what they
typed); :func:`prepare` checks every field at once, so the page can show every problem, and
hashes the password straight away: from then on only the hash is kept, in a
:class:`PendingRegistration` that lives in the browser session while they set up 2-step
verification. The account is written by :func:`register` only once a code proves the
authenticator app or the phone works.

Setting up the app or phone itself is :mod:`~openmtd.emulator.gateway.two_step_setup`.
Choices HMRC does not publish (field limits, the agent code) are openmtd's, documented in
docs/emulator.md.
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Final

from openmtd.emulator.gateway.accounts import (
    ENROLMENT_IDENTIFIERS,
    MIN_PASSWORD_LENGTH,
    AccountDetails,
    AccountError,
    store_account,
    validate_details,
)
from openmtd.emulator.security import PasswordHasher
from openmtd.emulator.storage import (
    Account,
    Address,
    AffinityGroup,
    CredentialRole,
    Enrolment,
    Transaction,
    TwoStepMethod,
)
from openmtd.rules.errors import RuleError
from openmtd.rules.identifiers import Arn, MtdItId, SaUtr

#: argon2 copes with any length; a ceiling keeps a pasted novel from costing a hash.
MAX_PASSWORD_LENGTH: Final = 128
#: HMRC's address lines are 35 characters in its APIs; the form keeps to that.
MAX_ADDRESS_LINE_LENGTH: Final = 35
#: The testing options for an Individual's confidence level (Agents and Organisations: 50).
TESTING_CONFIDENCE_LEVELS: Final = (50, 200, 250)

#: The enrolment each form field asks for, in the order the form shows them.
ENROLMENT_FIELDS: Final[dict[str, str]] = {
    "sa_utr": "IR-SA",
    "mtditid": "HMRC-MTD-IT",
    "arn": "HMRC-AS-AGENT",
    "ir_agent_reference": "IR-SA-AGENT",
}
#: The form's fields in the order the page shows them (and so the error summary lists them).
FIELD_ORDER: Final = (
    "first_name",
    "last_name",
    "email",
    "affinity_group",
    "date_of_birth",
    "address_line1",
    "address_line2",
    "postcode",
    "nino",
    "password",
    "confirm_password",
    "confidence_level",
    "credential_role",
    *ENROLMENT_FIELDS,
)
_AGENT_FIELDS: Final = frozenset({"arn", "ir_agent_reference"})
_IR_AGENT_REFERENCE: Final = re.compile(r"[A-Z0-9]{6}")


@dataclass(frozen=True, slots=True)
class RegistrationForm:
    """What the person typed into "Create an account", every field as text."""

    first_name: str = ""
    last_name: str = ""
    email: str = ""
    password: str = ""
    confirm_password: str = ""
    affinity_group: str = ""
    credential_role: str = CredentialRole.USER.value
    confidence_level: str = "50"
    dob_day: str = ""
    dob_month: str = ""
    dob_year: str = ""
    address_line1: str = ""
    address_line2: str = ""
    postcode: str = ""
    nino: str = ""
    sa_utr: str = ""
    mtditid: str = ""
    arn: str = ""
    ir_agent_reference: str = ""

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> RegistrationForm:
        """Build the form from posted fields, ignoring anything else and any non-text value."""
        values = {
            name: str(fields[name])
            for name in cls.__dataclass_fields__
            if isinstance(fields.get(name), str)
        }
        return cls(**values)

    def redisplay(self) -> RegistrationForm:
        """The form to show again after an error: everything but the passwords."""
        return replace(self, password="", confirm_password="")


@dataclass(frozen=True, slots=True)
class PendingRegistration:
    """Validated details waiting for 2-step verification; the password only as its hash."""

    details: AccountDetails
    password_hash: str

    def to_data(self) -> dict[str, Any]:
        """A JSON-ready form for the browser session."""
        details = self.details
        return {
            "password_hash": self.password_hash,
            "first_name": details.first_name,
            "last_name": details.last_name,
            "email": details.email,
            "affinity_group": details.affinity_group.value,
            "credential_role": details.credential_role.value,
            "confidence_level": details.confidence_level,
            "date_of_birth": details.date_of_birth.isoformat() if details.date_of_birth else None,
            "address": [details.address.line1, details.address.line2, details.address.postcode],
            "nino": details.nino,
            "enrolments": [
                [e.key, e.identifier_name, e.identifier_value] for e in details.enrolments
            ],
        }

    @classmethod
    def from_data(cls, data: object) -> PendingRegistration | None:
        """Read back :meth:`to_data`; None when the session holds nothing usable."""
        if not isinstance(data, dict):
            return None
        try:
            line1, line2, postcode = data["address"]
            dob = data["date_of_birth"]
            details = AccountDetails(
                password="",
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                affinity_group=AffinityGroup(data["affinity_group"]),
                credential_role=CredentialRole(data["credential_role"]),
                confidence_level=int(data["confidence_level"]),
                date_of_birth=date.fromisoformat(dob) if dob else None,
                address=Address(line1=line1, line2=line2, postcode=postcode),
                nino=data["nino"],
                enrolments=tuple(Enrolment(k, n, v) for k, n, v in data["enrolments"]),
            )
            return cls(details, str(data["password_hash"]))
        except (KeyError, TypeError, ValueError):
            return None


# --- the form ---------------------------------------------------------------------------------


def _choice(value: str, choices: type[AffinityGroup] | type[CredentialRole]) -> Any:
    try:
        return choices(value)
    except ValueError:
        return None


def _date_of_birth(form: RegistrationForm, today: date) -> date | None:
    parts = (form.dob_day.strip(), form.dob_month.strip(), form.dob_year.strip())
    if not any(parts):
        return None
    # At most 4 ASCII digits each: int() of thousands of digits is refused (or slow).
    if not all(part.isascii() and part.isdigit() and len(part) <= 4 for part in parts):
        raise AccountError("date_of_birth", "Date of birth must be a real date, like 27 3 1985")
    day, month, year = (int(part) for part in parts)
    try:
        born = date(year, month, day)
    except ValueError:
        raise AccountError(
            "date_of_birth", "Date of birth must be a real date, like 27 3 1985"
        ) from None
    if born >= today:
        raise AccountError("date_of_birth", "Date of birth must be in the past")
    if born.year < 1900:
        raise AccountError("date_of_birth", "Date of birth must be after 1 January 1900")
    return born


def _enrolment(field: str, text: str) -> Enrolment:
    key = ENROLMENT_FIELDS[field]
    parsers: dict[str, Callable[[str], object]] = {
        "sa_utr": SaUtr.parse,
        "mtditid": MtdItId.parse,
        "arn": Arn.parse,
        "ir_agent_reference": _ir_agent_reference,
    }
    try:
        value = str(parsers[field](text))
    except RuleError as error:
        raise AccountError(field, error.message) from None
    return Enrolment(key, ENROLMENT_IDENTIFIERS[key], value)


def _ir_agent_reference(text: str) -> str:
    value = "".join(text.split()).upper()
    if not value.isascii() or not _IR_AGENT_REFERENCE.fullmatch(value):
        raise RuleError(
            "FORMAT_IR_AGENT_REFERENCE",
            "Enter a Self Assessment agent reference in the right format: 6 letters and "
            "numbers, like A1B2C3",
        )
    return value


def _collect(errors: dict[str, str], check: Callable[[], Any]) -> Any:
    """Run one check, recording its :class:`AccountError` against its field."""
    try:
        return check()
    except AccountError as error:
        errors.setdefault(error.field, error.message)
        return None


# Stand-ins validate_details accepts, so one bad field does not hide the problems after it.
_GOOD_VALUES: Final[dict[str, dict[str, Any]]] = {
    "password": {"password": "x" * MIN_PASSWORD_LENGTH},
    "first_name": {"first_name": "A"},
    "last_name": {"last_name": "A"},
    "email": {"email": "a@example.com"},
    "confidence_level": {"confidence_level": 50},
    "credential_role": {"credential_role": CredentialRole.USER},
    "nino": {"nino": None},
    "enrolments": {"enrolments": ()},
}


def _validate_all(details: AccountDetails, errors: dict[str, str]) -> AccountDetails | None:
    """Run :func:`validate_details` until it passes, noting each field it refuses."""
    refused: set[str] = set()
    while True:
        try:
            return validate_details(details)
        except AccountError as error:
            errors.setdefault(error.field, error.message)
            if error.field == "postcode":
                stand_in: dict[str, Any] = {"address": replace(details.address, postcode="")}
            else:
                stand_in = _GOOD_VALUES.get(error.field, {})
            if not stand_in or error.field in refused:
                return None
            refused.add(error.field)
            details = replace(details, **stand_in)


def check_form(
    tx: Transaction, form: RegistrationForm, today: date
) -> AccountDetails | dict[str, str]:
    """The account details the form describes, or an error message for each bad field.

    Field ids are the form's (``date_of_birth`` is the day box; ``confirm_password``). The
    password itself comes back in the details for :func:`prepare` to hash, and nowhere else.
    """
    errors: dict[str, str] = {}
    affinity = _choice(form.affinity_group, AffinityGroup)
    if affinity is None:
        errors["affinity_group"] = "Select the type of account"
    role = _choice(form.credential_role or CredentialRole.USER.value, CredentialRole)
    if role is None:
        errors["credential_role"] = "Select administrator or assistant"
    if len(form.password) > MAX_PASSWORD_LENGTH:
        errors["password"] = f"Your password must be {MAX_PASSWORD_LENGTH} characters or fewer"
    if form.password and form.password != form.confirm_password:
        errors["confirm_password"] = "The passwords do not match"
    confidence = 50
    if affinity is AffinityGroup.INDIVIDUAL:
        level = form.confidence_level.strip() or "50"
        if level not in {str(cl) for cl in TESTING_CONFIDENCE_LEVELS}:
            errors["confidence_level"] = "Select a confidence level"
        else:
            confidence = int(level)
    born = _collect(errors, lambda: _date_of_birth(form, today))
    if born is None and affinity is AffinityGroup.INDIVIDUAL and "date_of_birth" not in errors:
        errors["date_of_birth"] = "Enter your date of birth"
    line1, line2 = form.address_line1.strip(), form.address_line2.strip()
    if not line1:
        errors["address_line1"] = "Enter the first line of your address"
    for field, line in (("address_line1", line1), ("address_line2", line2)):
        if len(line) > MAX_ADDRESS_LINE_LENGTH:
            errors.setdefault(
                field, f"Address lines must be {MAX_ADDRESS_LINE_LENGTH} characters or fewer"
            )
    if not form.postcode.strip():
        errors["postcode"] = "Enter your postcode"
    if form.nino.strip() and affinity is not None and affinity is not AffinityGroup.INDIVIDUAL:
        errors["nino"] = "Only an individual's account holds a National Insurance number here"
    enrolments: list[Enrolment] = []
    for field in ENROLMENT_FIELDS:
        text = str(getattr(form, field)).strip()
        if not text:
            continue
        if affinity is not None and (field in _AGENT_FIELDS) != (affinity is AffinityGroup.AGENT):
            errors[field] = (
                "Only an agent's account can hold this enrolment"
                if field in _AGENT_FIELDS
                else "An agent's account cannot hold this enrolment"
            )
            continue
        try:
            enrolment = _enrolment(field, text)
        except AccountError as error:
            errors[field] = error.message
            continue
        if tx.accounts.enrolment_owner(enrolment.key, enrolment.identifier_value):
            errors[field] = "Another account already holds this enrolment for that reference"
            continue
        enrolments.append(enrolment)
    details = _validate_all(
        AccountDetails(
            password=form.password,
            first_name=form.first_name,
            last_name=form.last_name,
            email=form.email,
            affinity_group=affinity or AffinityGroup.INDIVIDUAL,
            credential_role=role or CredentialRole.USER,
            confidence_level=confidence,
            date_of_birth=born,
            address=Address(line1=line1, line2=line2, postcode=form.postcode.strip()),
            nino=(form.nino.strip() or None) if affinity is not AffinityGroup.AGENT else None,
            enrolments=tuple(enrolments),
        ),
        errors,
    )
    if errors or details is None:
        ordered = {field: errors[field] for field in FIELD_ORDER if field in errors}
        return ordered | errors
    return details


def prepare(
    tx: Transaction, hasher: PasswordHasher, form: RegistrationForm, today: date
) -> PendingRegistration | dict[str, str]:
    """Check the form; when it is good, hash the password and keep nothing else of it."""
    checked = check_form(tx, form, today)
    if isinstance(checked, dict):
        return checked
    password_hash = hasher.hash(checked.password)
    return PendingRegistration(replace(checked, password=""), password_hash)


# --- writing the account ----------------------------------------------------------------------


def new_agent_code() -> str:
    """An agent code shaped like HMRC's stub's (``ZZZZZZ999999``): every agent group has one."""
    letters = "".join(secrets.choice(string.ascii_uppercase) for _ in range(6))
    digits = "".join(secrets.choice(string.digits) for _ in range(6))
    return letters + digits


def register(
    tx: Transaction,
    now: datetime,
    pending: PendingRegistration,
    method: TwoStepMethod,
    *,
    totp_secret: str | None = None,
    totp_step: int | None = None,
    phone_number: str | None = None,
) -> Account:
    """Write the account, with its 2-step verification, and a fresh 12-digit user ID.

    Raises:
        AccountError: on the enrolment's form field when another account took it meanwhile.
    """
    details = replace(
        pending.details,
        user_id=None,
        two_step_method=method,
        totp_secret=totp_secret if method is TwoStepMethod.AUTHENTICATOR_APP else None,
        phone_number=phone_number if method is TwoStepMethod.TEXT_MESSAGE else None,
    )
    account = store_account(
        tx,
        now,
        details,
        pending.password_hash,
        enrolment_fields={key: field for field, key in ENROLMENT_FIELDS.items()},
        agent_code=new_agent_code() if details.affinity_group is AffinityGroup.AGENT else None,
    )
    if totp_step is not None and method is TwoStepMethod.AUTHENTICATOR_APP:
        account = replace(account, totp_last_step=totp_step)
        tx.accounts.save(account)
    return account
