"""The Agent Authorisation API's request bodies, read and checked in HMRC's order.

A body is JSON with ``service`` (a string, or the legacy one-item array), ``clientType``
(not in the relationship check), ``clientIdType``, ``clientId``, ``knownFact`` (not in
de-authorise) and an optional ``agentType`` (wire facts §6). Then, as HMRC's service checks
them (``ValidateClientAccessDataService``, the order openmtd follows; UNCONFIRMED in the
reference, docs/emulator.md):

1. not JSON, or a field missing or not a string → 400 ``BAD_REQUEST``;
2. ``service`` neither ``MTD-IT`` nor ``MTD-VAT`` → 400 ``SERVICE_NOT_SUPPORTED``;
3. ``agentType`` neither ``main`` nor ``supporting`` → 400 ``AGENT_TYPE_NOT_SUPPORTED``
   (left out or null: ``main``); with ``MTD-VAT`` any ``agentType`` → 400 ``BAD_REQUEST``;
4. ``clientType`` not one the service takes (``personal``; VAT also ``business``) → 400
   ``CLIENT_TYPE_NOT_SUPPORTED``;
5. ``clientId`` not the service's identifier: 400 ``CLIENT_ID_DOES_NOT_MATCH_SERVICE`` when it
   is the other service's (a VRN for MTD-IT, a NINO for MTD-VAT), else
   ``CLIENT_ID_FORMAT_INVALID``;
6. ``knownFact``: HMRC's postcode pattern (OAS ``KnownFactPostcode``) → 400
   ``POSTCODE_FORMAT_INVALID``; a VAT registration date (``YYYY-MM-DD``) → 400
   ``VAT_REG_DATE_FORMAT_INVALID``.

``clientIdType`` must be a string; its value is not checked (as HMRC's service does not).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from openmtd.emulator.apis.agent_authorisation import errors
from openmtd.emulator.apis.agent_authorisation.errors import fail
from openmtd.rules.agents import AgentType
from openmtd.rules.errors import RuleError
from openmtd.rules.identifiers import Nino

MTD_IT: Final = "MTD-IT"
MTD_VAT: Final = "MTD-VAT"
PERSONAL: Final = "personal"
BUSINESS: Final = "business"
_CLIENT_TYPES: Final = {MTD_IT: (PERSONAL,), MTD_VAT: (PERSONAL, BUSINESS)}

#: HMRC's patterns (the OAS's ``KnownFactPostcode`` and ``ClientIdVAT``).
POSTCODE: Final = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?\s?[0-9][A-Z]{2}$|BFPO\s?[0-9]{1,5}$")
VRN: Final = re.compile(r"[0-9]{1,9}")
_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True, slots=True)
class ClientAccess:
    """A checked body: the service, the client, the known fact and the agent's role."""

    service: str
    client_id: str
    known_fact: str | None
    agent_type: AgentType | None
    """None for MTD-VAT (roles are MTD-IT's)."""

    @property
    def itsa(self) -> bool:
        return self.service == MTD_IT


def _body(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise fail(errors.BAD_REQUEST) from None
    if not isinstance(body, dict):
        raise fail(errors.BAD_REQUEST)
    return body


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise fail(errors.BAD_REQUEST)
    return value


def _service(body: dict[str, Any]) -> str:
    value = body.get("service")
    # The legacy form: an array of one service (HMRC reads its first).
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return str(value[0])
    if isinstance(value, str):
        return value
    raise fail(errors.BAD_REQUEST)


def _is_nino(text: str) -> bool:
    try:
        Nino.parse(text)
    except RuleError:
        return False
    return True


def _is_vat_date(text: str) -> bool:
    if not _DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def client_access(raw: bytes, *, client_type: bool = True, known_fact: bool = True) -> ClientAccess:
    """The body of a create (both flags), a relationship check (no ``clientType``) or a
    de-authorise (no ``knownFact``), checked in the order of the module.

    Raises:
        ApiError: the first fault.
    """
    body = _body(raw)
    service = _service(body)
    given_type = _text(body, "clientType") if client_type else None
    _text(body, "clientIdType")
    client_id = _text(body, "clientId")
    fact = _text(body, "knownFact") if known_fact else None
    agent_type = body.get("agentType")
    if agent_type is not None and not isinstance(agent_type, str):
        raise fail(errors.BAD_REQUEST)
    if service not in _CLIENT_TYPES:
        raise fail(errors.SERVICE_NOT_SUPPORTED)
    role: AgentType | None = None
    if service == MTD_IT:
        try:
            role = AgentType.parse(agent_type)
        except RuleError:
            raise fail(errors.AGENT_TYPE_NOT_SUPPORTED) from None
    elif agent_type is not None:
        raise fail(errors.BAD_REQUEST)
    if given_type is not None and given_type not in _CLIENT_TYPES[service]:
        raise fail(errors.CLIENT_TYPE_NOT_SUPPORTED)
    valid = _is_nino(client_id) if service == MTD_IT else bool(VRN.fullmatch(client_id))
    if not valid:
        other = bool(VRN.fullmatch(client_id)) if service == MTD_IT else _is_nino(client_id)
        raise fail(
            errors.CLIENT_ID_DOES_NOT_MATCH_SERVICE if other else errors.CLIENT_ID_FORMAT_INVALID
        )
    if fact is not None:
        if service == MTD_IT and not POSTCODE.fullmatch(fact):
            raise fail(errors.POSTCODE_FORMAT_INVALID)
        if service == MTD_VAT and not _is_vat_date(fact):
            raise fail(errors.VAT_REG_DATE_FORMAT_INVALID)
    return ClientAccess(service, client_id, fact, role)
