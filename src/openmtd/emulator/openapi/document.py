"""The emulator's OpenAPI document assembled: components, paths from every API's part,
and the cached document."""

from __future__ import annotations

import copy
import functools

from openmtd.emulator.oauth.scopes import SCOPES
from openmtd.emulator.openapi.agent_authorisation import (
    TAG_AATS,
    TAG_AGENT_AUTHORISATION,
    aats_paths,
    agent_authorisation_paths,
    agent_authorisation_schemas,
)
from openmtd.emulator.openapi.agents import agent_control_paths
from openmtd.emulator.openapi.annual_review import annual_review_paths, annual_review_schemas
from openmtd.emulator.openapi.business_details import (
    TAG_BUSINESS_DETAILS,
    business_details_paths,
    business_details_schemas,
)
from openmtd.emulator.openapi.common import (
    FRAUD_PREVENTION_HEADERS,
    JSON,
    OPENAPI_VERSION,
    TAG_CONTROL,
    TAG_CTU,
    TAG_FPH,
    TAG_ITSA,
    TAG_OAUTH,
    TAG_SATS,
    _array,
    _object,
    _schema,
    _string,
)
from openmtd.emulator.openapi.control import (
    _control_paths,
    _control_schemas,
)
from openmtd.emulator.openapi.edge import apply_edge_responses, edge_responses
from openmtd.emulator.openapi.fraud_headers import (
    _fph_paths,
    _fph_schemas,
)
from openmtd.emulator.openapi.itsa_status import (
    _itsa_status_schemas,
    _retrieve_itsa_status,
)
from openmtd.emulator.openapi.oauth import (
    _oauth_paths,
    _oauth_schemas,
)
from openmtd.emulator.openapi.obligations import (
    TAG_OBLIGATIONS,
    obligations_paths,
    obligations_schemas,
)
from openmtd.emulator.openapi.sign_up import sign_up_paths, sign_up_schemas
from openmtd.emulator.openapi.test_support import (
    _sats_paths,
    _sats_schemas,
)
from openmtd.emulator.openapi.test_users import (
    _ctu_paths,
    _ctu_schemas,
)
from openmtd.rules.fraud_headers import (
    SPEC_VERSION,
)


# --- the document --------------------------------------------------------------------------
def _fraud_header_parameters() -> dict[str, JSON]:
    return {
        name: {
            "name": name,
            "in": "header",
            "required": False,
            "description": "A fraud prevention header (spec "
            f"{SPEC_VERSION}); checked and kept for the Test Fraud Prevention Headers API, "
            "never blocking.",
            "schema": {"type": "string"},
        }
        for name in FRAUD_PREVENTION_HEADERS
    }


def _components() -> JSON:
    error_item = _object(
        {"code": _string(), "message": _string(), "paths": _array(_string())},
        ["code", "message"],
    )
    schemas: JSON = {
        "Error": _object(
            {
                "code": _string("Machine-readable."),
                "message": _string("For people."),
                "paths": _array(_string(), "JSON pointers to the body fields at fault."),
                "errors": _array(_schema("ErrorItem"), "With INVALID_REQUEST: each error."),
            },
            ["code", "message"],
            description="HMRC's error envelope.",
        ),
        "ErrorItem": error_item,
        **_itsa_status_schemas(),
        **business_details_schemas(),
        **obligations_schemas(),
        **agent_authorisation_schemas(),
        **_sats_schemas(),
        **_ctu_schemas(),
        **_fph_schemas(),
        **_oauth_schemas(),
        **_control_schemas(),
        **sign_up_schemas(),
        **annual_review_schemas(),
    }
    scopes = {scope.key: scope.display_name for scope in SCOPES.values()}
    return {
        "schemas": schemas,
        "responses": edge_responses(),
        "parameters": _fraud_header_parameters(),
        "headers": {
            "X-CorrelationId": {
                "description": "A UUID identifying this response.",
                "required": True,
                "schema": _string(format="uuid", minLength=36, maxLength=36),
            },
            "X-Content-Type-Options": {"schema": _string(enum=["nosniff"])},
            "WWW-Authenticate": {
                "description": 'With INVALID_CREDENTIALS: Bearer realm="HMRC API Platform".',
                "schema": _string(),
            },
        },
        "securitySchemes": {
            "userRestricted": {
                "type": "oauth2",
                "description": "A user's access token, from the grant-authority journey.",
                "flows": {
                    "authorizationCode": {
                        "authorizationUrl": "/oauth/authorize",
                        "tokenUrl": "/oauth/token",
                        "scopes": scopes,
                    }
                },
            },
            "applicationRestricted": {
                "type": "oauth2",
                "description": "An application's access token (client_credentials).",
                "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": {}}},
            },
        },
    }


def _build() -> JSON:
    paths: JSON = {
        "/individuals/person/itsa-status/{nino}/{taxYear}": _retrieve_itsa_status(),
        **business_details_paths(),
        **obligations_paths(),
        **agent_authorisation_paths(),
        **aats_paths(),
        **_sats_paths(),
        **_ctu_paths(),
        **_fph_paths(),
        **_oauth_paths(),
        **_control_paths(),
        **agent_control_paths(),
        **sign_up_paths(),
        **annual_review_paths(),
    }
    components = _components()
    apply_edge_responses(paths, components["responses"])
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "openmtd HMRC emulator",
            "version": "1.0",
            "description": "HMRC's Making Tax Digital for Income Tax APIs, OAuth 2.0 and test "
            "support APIs as the emulator serves them, plus its /emulator control API. Every "
            "HMRC API error is HMRC's envelope {code, message, errors?}; OAuth errors are "
            "RFC 6749's {error, error_description}. Every response carries X-CorrelationId "
            "and X-Content-Type-Options: nosniff.",
            "license": {"name": "Apache-2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"},
        },
        "tags": [
            {"name": name}
            for name in (
                TAG_ITSA,
                TAG_BUSINESS_DETAILS,
                TAG_OBLIGATIONS,
                TAG_AGENT_AUTHORISATION,
                TAG_SATS,
                TAG_AATS,
                TAG_CTU,
                TAG_FPH,
                TAG_OAUTH,
                TAG_CONTROL,
            )
        ],
        "paths": paths,
        "components": components,
    }


@functools.cache
def _cached() -> JSON:
    return _build()


def build_document() -> JSON:
    """The emulator's OpenAPI document (a fresh copy: callers may change it)."""
    return copy.deepcopy(_cached())
