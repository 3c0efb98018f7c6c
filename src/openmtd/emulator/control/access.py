"""Who may drive the control API: never another site, and only with the token when one is set.

The control API can empty the world (``POST /emulator/reset``) and register software, so a web
page the tester happens to open must not be able to call it from their browser. A browser
sends ``Origin`` on every cross-origin POST and ``Sec-Fetch-Site`` on every request, and can
send a cross-site POST without a CORS preflight only as a form or ``text/plain``; so, in this
order (openmtd's choices, docs/emulator.md):

1. an ``Origin`` that is not the emulator's own origin (the scheme, host and port the request
   was sent to), ``Origin: null`` included, or ``Sec-Fetch-Site: cross-site`` → 403
   ``CROSS_SITE_REQUEST``;
2. when a control token is set (``OPENMTD_EMULATOR_CONTROL_TOKEN``), anything but
   ``Authorization: Bearer <token>`` → 401 ``MISSING_CONTROL_TOKEN`` or
   ``INVALID_CONTROL_TOKEN`` (the published OpenAPI document stays readable without it);
3. with no control token, a server listening on a loopback address answers only requests
   addressed to a loopback name (``localhost``, ``127.0.0.1``, ``[::1]``) → 403
   ``CONTROL_HOST_NOT_ALLOWED``: a page on another site that rebinds its own name to
   127.0.0.1 (DNS rebinding) sends its own name as ``Host`` and its own ``Origin``, which step
   1 cannot tell from the emulator's;
4. a write (``POST``, ``PUT``, ``PATCH``, ``DELETE``) whose ``Content-Type`` is not
   ``application/json`` (a ``charset`` other than UTF-8 included) → 415
   ``UNSUPPORTED_MEDIA_TYPE``. A request with no ``Content-Type`` at all is read as JSON: a
   browser cannot send one across sites without an ``Origin`` (step 1), and ``curl -X POST``
   sends none for a body-less reset.
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from openmtd.emulator.control.errors import ControlError

CROSS_SITE_REQUEST: Final = "CROSS_SITE_REQUEST"
MISSING_CONTROL_TOKEN: Final = "MISSING_CONTROL_TOKEN"
INVALID_CONTROL_TOKEN: Final = "INVALID_CONTROL_TOKEN"
UNSUPPORTED_MEDIA_TYPE: Final = "UNSUPPORTED_MEDIA_TYPE"
CONTROL_HOST_NOT_ALLOWED: Final = "CONTROL_HOST_NOT_ALLOWED"
HOST_MESSAGE: Final = (
    "Without a control token the control API answers only at a loopback address "
    "(localhost, 127.0.0.1 or [::1]): set OPENMTD_EMULATOR_CONTROL_TOKEN to reach it by "
    "another name"
)

CROSS_SITE_MESSAGE: Final = (
    "The control API does not accept requests from other sites: call it from your tests, "
    "not from a web page"
)
MISSING_TOKEN_MESSAGE: Final = (
    "This emulator's control API is locked with a token: send Authorization: Bearer "
    "followed by the value of OPENMTD_EMULATOR_CONTROL_TOKEN"
)
INVALID_TOKEN_MESSAGE: Final = "The control token is not correct"
MEDIA_TYPE_MESSAGE: Final = "Send the request body as JSON, with Content-Type: application/json"
#: RFC 6750 §3: a 401 names the scheme it wants.
WWW_AUTHENTICATE: Final = {"WWW-Authenticate": 'Bearer realm="openmtd emulator control"'}

WRITES: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Readable without the control token (it describes the API; it changes nothing).
OPEN_PATHS: Final = frozenset({"/emulator/openapi.json"})
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class ControlCall:
    """What the guard looks at in a request to ``/emulator/*`` (headers as sent, or None)."""

    method: str
    path: str
    scheme: str
    host: str | None
    #: The server received the request on a loopback address (127.0.0.0/8, ::1).
    on_loopback: bool = False
    origin: str | None = None
    fetch_site: str | None = None
    content_type: str | None = None
    authorization: str | None = None


def _origin(scheme: str, netloc: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) with the default port filled in; None when it cannot be read."""
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname or scheme not in _DEFAULT_PORTS:
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def _sent_from_elsewhere(call: ControlCall) -> bool:
    if call.fetch_site is not None and call.fetch_site.strip().lower() == "cross-site":
        return True
    if call.origin is None:
        return False
    scheme, separator, netloc = call.origin.strip().partition("://")
    theirs = _origin(scheme.lower(), netloc) if separator and "/" not in netloc else None
    ours = _origin(call.scheme, call.host) if call.host else None
    return theirs is None or theirs != ours


def is_loopback_name(host: str) -> bool:
    """Whether a host (a name or an address, without a port) can only mean this machine."""
    name = host.strip().strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _host_name(host: str | None) -> str:
    parts = _origin("http", host) if host else None
    return parts[1] if parts else ""


def _token_refusal(call: ControlCall, token: str) -> ControlError | None:
    scheme, _, presented = (call.authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        return ControlError(
            401,
            {"code": MISSING_CONTROL_TOKEN, "message": MISSING_TOKEN_MESSAGE},
            headers=WWW_AUTHENTICATE,
        )
    # Compared as bytes, in constant time (compare_digest refuses non-ASCII str).
    if not hmac.compare_digest(presented.strip().encode(), token.encode()):
        return ControlError(
            401,
            {"code": INVALID_CONTROL_TOKEN, "message": INVALID_TOKEN_MESSAGE},
            headers=WWW_AUTHENTICATE,
        )
    return None


def _is_json(content_type: str) -> bool:
    media_type, *parameters = content_type.split(";")
    if media_type.strip().lower() != "application/json":
        return False
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() != "utf-8":
            return False
    return True


def refusal(call: ControlCall, token: str | None) -> ControlError | None:
    """Why the control API refuses ``call`` (see the module docstring), or None."""
    if _sent_from_elsewhere(call):
        return ControlError.of(403, CROSS_SITE_REQUEST, CROSS_SITE_MESSAGE)
    if token and call.path not in OPEN_PATHS:
        refused = _token_refusal(call, token)
        if refused is not None:
            return refused
    if not token and call.on_loopback and not is_loopback_name(_host_name(call.host)):
        return ControlError.of(403, CONTROL_HOST_NOT_ALLOWED, HOST_MESSAGE)
    if call.method in WRITES and call.content_type is not None and not _is_json(call.content_type):
        return ControlError.of(415, UNSUPPORTED_MEDIA_TYPE, MEDIA_TYPE_MESSAGE)
    return None
