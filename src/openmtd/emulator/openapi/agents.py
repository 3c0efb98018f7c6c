"""The emulator's OpenAPI document: the control API's agent facts
(``POST /emulator/people/{nino}/legacy-sa-agents``).
:mod:`~openmtd.emulator.openapi.document` adds these paths; codes and messages come from
:mod:`openmtd.emulator.control.legacy_sa`."""

from __future__ import annotations

from openmtd.emulator.control import (
    FORMAT_VALUE,
    INVALID_REQUEST,
    INVALID_REQUEST_MESSAGE,
    legacy_sa,
    requests,
)
from openmtd.emulator.openapi.common import (
    JSON,
    TAG_CONTROL,
    _array,
    _json_content,
    _object,
    _schema,
    _string,
)
from openmtd.emulator.openapi.control import _control_error, _control_example
from openmtd.emulator.platform import errors


def agent_control_paths() -> dict[str, JSON]:
    """``POST /emulator/people/{nino}/legacy-sa-agents``."""
    request = _object(
        {
            "saAgentReference": _string(
                "The agent's legacy Self Assessment reference (IR-SA-AGENT): 6 letters or digits.",
                pattern="^[A-Za-z0-9]{6}$",
            ),
            "ended": {
                "type": "boolean",
                "default": False,
                "description": "The link has ceased (CESA's agentCeasedDate): never copied.",
            },
        },
        ["saAgentReference"],
    )
    link = _object(
        {
            "nino": _string(),
            "saAgentReference": _string(),
            "ended": {"type": "boolean"},
            "copiedTo": _array(
                _string(), "ARNs that became the person's main agent by this link now."
            ),
        },
        ["nino", "saAgentReference", "ended", "copiedTo"],
    )
    _, not_found_code, not_found_message = errors.MATCHING_RESOURCE_NOT_FOUND
    return {
        "/emulator/people/{nino}/legacy-sa-agents": {
            "post": {
                "tags": [TAG_CONTROL],
                "summary": "Add a legacy Self Assessment agent link",
                "description": "A person's Self Assessment agent in HMRC's legacy records, "
                "which 'copy existing Self Assessment authorisations' reads; copied at once "
                "as a main relationship when due.",
                "operationId": "controlAddLegacySaAgent",
                "parameters": [
                    {
                        "name": "nino",
                        "in": "path",
                        "required": True,
                        "description": "A National Insurance number (HMRC's rule).",
                        "schema": _string(),
                    }
                ],
                "requestBody": {"required": True, "content": _json_content(request)},
                "responses": {
                    "201": {"description": "The link", "content": _json_content(link)},
                    "400": _control_error(
                        "The NINO or the body is refused",
                        {
                            requests.FORMAT_NINO: _control_example(
                                requests.FORMAT_NINO, requests.NINO_MESSAGE
                            ),
                            FORMAT_VALUE: _control_example(
                                INVALID_REQUEST,
                                INVALID_REQUEST_MESSAGE,
                                (FORMAT_VALUE, legacy_sa.REFERENCE_MESSAGE, "/saAgentReference"),
                            ),
                        },
                    ),
                    "404": {
                        "description": "A path with a control character in it (refused before "
                        "routing)",
                        "content": _json_content(
                            _schema("Error"),
                            {
                                not_found_code: {
                                    "value": {
                                        "code": not_found_code,
                                        "message": not_found_message,
                                    }
                                }
                            },
                        ),
                    },
                },
            }
        }
    }
