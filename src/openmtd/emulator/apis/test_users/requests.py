"""Checking a create request's body (the OAS's rules; the module docstring of
:mod:`openmtd.emulator.apis.test_users` says what is refused)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from openmtd.emulator.apis.test_users.catalogue import (
    _LABELS,
    AVAILABLE_SERVICES,
    UserType,
    _bad_request,
)
from openmtd.rules.errors import InvalidIdentifierError
from openmtd.rules.identifiers import Nino
from openmtd.webkit.wire import BodyError, decode_json

# The OAS's rules for the optional request fields.
_EORI: Final = re.compile(r"(?:GB|XI)[0-9]{12,15}|[A-Z]{2}[0-9]{1,15}")
_EXCISE_NUMBER: Final = re.compile(r"[A-Z]{2}[a-zA-Z0-9]{11}")
_TAXPAYER_TYPES: Final = ("Individual", "Partnership")
_MAX_PILLAR2_ID: Final = 64


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
        body = decode_json(raw)
    except BodyError as error:
        # A value refused where it stands is named; any other fault is simply "not JSON".
        raise _bad_request(
            error.message if error.path else "The request body is not valid JSON"
        ) from None
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
