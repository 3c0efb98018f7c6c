"""The emulator's OpenAPI document: the answers given before any operation runs, whatever the
path, as reusable responses (``components/responses``) applied to the operations they can
answer:

- the control API's guard (:mod:`openmtd.emulator.control.access`) on every ``/emulator/*``
  operation: 403 ``CROSS_SITE_REQUEST`` / ``CONTROL_HOST_NOT_ALLOWED``, 401
  ``MISSING_CONTROL_TOKEN`` / ``INVALID_CONTROL_TOKEN`` (not on the document itself, which is
  readable without the token) and, on writes, 415 ``UNSUPPORTED_MEDIA_TYPE``;
- 413 ``REQUEST_TOO_LARGE`` on every write, with the limit of the path's kind of endpoint
  (``web/limits.py``; RFC 6749's shape on the OAuth endpoints);
- 503 ``SERVER_ERROR`` while the database is unreachable (``web/outage.py``; RFC 6749's
  ``temporarily_unavailable`` on the OAuth endpoints), on every operation but the document;
- 408 from the server when a client sends too slowly (``web/server.py``), on every operation.

An operation that already answers a status for its own reasons (``POST /emulator/oauth/grant``'s
401 and 403) gets the guard's examples merged into its own response. HMRC's operations carry
their headers in place (as every one of their responses in this document does), so they get a
copy of the response rather than a ``$ref``.
"""

from __future__ import annotations

import copy
from typing import Final

from openmtd.emulator.control import access
from openmtd.emulator.openapi.common import JSON, PATH, _api_headers, _json_content, _ref, _schema
from openmtd.emulator.openapi.control import _control_example
from openmtd.emulator.platform import errors
from openmtd.emulator.web import limits, outage, server

CONTROL_PREFIX: Final = "/emulator/"
OAUTH_PREFIX: Final = "/oauth/"
WRITES: Final = frozenset(method.lower() for method in access.WRITES)

#: The reusable responses' names.
CONTROL_TOKEN_REFUSED: Final = "ControlTokenRefused"
CONTROL_ACCESS_REFUSED: Final = "ControlAccessRefused"
CONTROL_UNSUPPORTED_MEDIA_TYPE: Final = "ControlUnsupportedMediaType"
CONTROL_TOO_LARGE: Final = "ControlRequestTooLarge"
API_TOO_LARGE: Final = "ApiRequestTooLarge"
OAUTH_TOO_LARGE: Final = "OAuthRequestTooLarge"
CONTROL_UNAVAILABLE: Final = "ControlServiceUnavailable"
API_UNAVAILABLE: Final = "ApiServiceUnavailable"
OAUTH_UNAVAILABLE: Final = "OAuthServiceUnavailable"
REQUEST_TIMEOUT: Final = "RequestTimeout"

#: HMRC's 503 envelope (wire facts §0), as ``web/outage.py`` answers it.
_SERVER_ERROR: Final = {"code": errors.SERVER_ERROR[1], "message": errors.SERVER_ERROR[2]}
_RETRY_AFTER: Final = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "string", "enum": list(outage.RETRY_AFTER.values())},
    }
}


def _example(body: dict[str, str]) -> JSON:
    return {"value": dict(body)}


def _too_large(description: str, schema: JSON, body: dict[str, str]) -> JSON:
    return {
        "description": description,
        "headers": {"Connection": {"schema": {"type": "string", "enum": ["close"]}}},
        "content": _json_content(schema, {limits.REQUEST_TOO_LARGE: _example(body)}),
    }


def _unavailable(schema: JSON, name: str, body: dict[str, str]) -> JSON:
    return {
        "description": "The database cannot be reached right now: try again shortly",
        "headers": dict(_RETRY_AFTER),
        "content": _json_content(schema, {name: _example(body)}),
    }


def edge_responses() -> dict[str, JSON]:
    """The reusable responses (``components/responses``)."""
    control_limit = limits.body_limit(CONTROL_PREFIX)
    oauth_limit = limits.body_limit(OAUTH_PREFIX)
    api_too_large = _too_large(
        f"The body is larger than {limits.DEFAULT_BODY_LIMIT} bytes",
        _schema("Error"),
        limits.too_large_envelope(limits.DEFAULT_BODY_LIMIT),
    )
    api_too_large["headers"].update(_api_headers())
    api_unavailable = _unavailable(_schema("Error"), errors.SERVER_ERROR[1], _SERVER_ERROR)
    api_unavailable["headers"].update(_api_headers())
    return {
        CONTROL_TOKEN_REFUSED: {
            "description": "A control token is set and the request does not carry it "
            "(Authorization: Bearer <OPENMTD_EMULATOR_CONTROL_TOKEN>)",
            "headers": {
                "WWW-Authenticate": {
                    "schema": {
                        "type": "string",
                        "enum": [access.WWW_AUTHENTICATE["WWW-Authenticate"]],
                    }
                }
            },
            "content": _json_content(
                _schema("ControlError"),
                {
                    access.MISSING_CONTROL_TOKEN: _control_example(
                        access.MISSING_CONTROL_TOKEN, access.MISSING_TOKEN_MESSAGE
                    ),
                    access.INVALID_CONTROL_TOKEN: _control_example(
                        access.INVALID_CONTROL_TOKEN, access.INVALID_TOKEN_MESSAGE
                    ),
                },
            ),
        },
        CONTROL_ACCESS_REFUSED: {
            "description": "Sent from another site, or (without a control token) addressed "
            "to a name that is not a loopback one",
            "content": _json_content(
                _schema("ControlError"),
                {
                    access.CROSS_SITE_REQUEST: _control_example(
                        access.CROSS_SITE_REQUEST, access.CROSS_SITE_MESSAGE
                    ),
                    access.CONTROL_HOST_NOT_ALLOWED: _control_example(
                        access.CONTROL_HOST_NOT_ALLOWED, access.HOST_MESSAGE
                    ),
                },
            ),
        },
        CONTROL_UNSUPPORTED_MEDIA_TYPE: {
            "description": "The body is not sent as application/json (UTF-8)",
            "content": _json_content(
                _schema("ControlError"),
                {
                    access.UNSUPPORTED_MEDIA_TYPE: _control_example(
                        access.UNSUPPORTED_MEDIA_TYPE, access.MEDIA_TYPE_MESSAGE
                    )
                },
            ),
        },
        CONTROL_TOO_LARGE: _too_large(
            f"The body is larger than {control_limit} bytes",
            _schema("ControlError"),
            limits.too_large_envelope(control_limit),
        ),
        OAUTH_TOO_LARGE: _too_large(
            f"The body is larger than {oauth_limit} bytes",
            _schema("OAuthError"),
            limits.too_large_oauth(oauth_limit),
        ),
        API_TOO_LARGE: api_too_large,
        CONTROL_UNAVAILABLE: _unavailable(
            _schema("ControlError"), errors.SERVER_ERROR[1], _SERVER_ERROR
        ),
        OAUTH_UNAVAILABLE: _unavailable(
            _schema("OAuthError"),
            outage.OAUTH_UNAVAILABLE["error"],
            outage.OAUTH_UNAVAILABLE,
        ),
        API_UNAVAILABLE: api_unavailable,
        REQUEST_TIMEOUT: {
            "description": f"The request's head did not arrive within {server.HEAD_TIMEOUT_S:g} "
            f"seconds, or its body within {server.BODY_TIMEOUT_S:g}; the connection is closed",
            "headers": {"Connection": {"schema": {"type": "string", "enum": ["close"]}}},
            "content": {
                "text/plain": {
                    "schema": {"type": "string", "enum": [server.TIMEOUT_TEXT]},
                }
            },
        },
    }


def _merge(own: JSON, extra: JSON) -> None:
    """Add ``extra``'s examples (and what it means) to an operation's own response."""
    own["description"] = f"{own['description']}; or: {extra['description']}"
    examples = own["content"]["application/json"].setdefault("examples", {})
    examples.update(copy.deepcopy(extra["content"]["application/json"]["examples"]))
    if "headers" in extra:
        own.setdefault("headers", {}).update(copy.deepcopy(extra["headers"]))


def _answers(path: str, method: str, operation: JSON) -> dict[str, str]:
    """The reusable responses ``operation`` can give, by status."""
    write = method in WRITES or "requestBody" in operation
    answers = {"408": REQUEST_TIMEOUT}
    if path.startswith(CONTROL_PREFIX):
        answers["403"] = CONTROL_ACCESS_REFUSED
        if path not in access.OPEN_PATHS:
            answers["401"] = CONTROL_TOKEN_REFUSED
        if write:
            answers["413"] = CONTROL_TOO_LARGE
            answers["415"] = CONTROL_UNSUPPORTED_MEDIA_TYPE
        if path != PATH:
            answers["503"] = CONTROL_UNAVAILABLE
    elif path.startswith(OAUTH_PREFIX):
        if write:
            answers["413"] = OAUTH_TOO_LARGE
        answers["503"] = OAUTH_UNAVAILABLE
    else:
        if write:
            answers["413"] = API_TOO_LARGE
        answers["503"] = API_UNAVAILABLE
    return answers


def apply_edge_responses(paths: JSON, components: dict[str, JSON]) -> None:
    """Add the edge's answers to every operation in ``paths`` (in place); ``components`` are
    :func:`edge_responses`."""
    for path, item in paths.items():
        for method, operation in item.items():
            responses: JSON = operation["responses"]
            api = not path.startswith((CONTROL_PREFIX, OAUTH_PREFIX))
            for status, name in _answers(path, method, operation).items():
                if status in responses:
                    _merge(responses[status], components[name])
                elif api:
                    responses[status] = copy.deepcopy(components[name])
                else:
                    responses[status] = _ref("responses", name)
            operation["responses"] = dict(sorted(responses.items()))
