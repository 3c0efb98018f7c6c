"""Validation of a GET /oauth/authorize request, with HMRC's exact errors (wire facts §2.2).

HMRC publishes what each fault returns but not the order it checks them in. openmtd's order,
so that a request with several faults always gets the same, earliest error:

1. ``client_id``: missing or empty (``client_id is required``), repeated or not a known
   application (``client_id is invalid``).
2. ``redirect_uri``: missing or empty (``redirect_uri is required``), repeated or not
   exactly one the application registered (``redirect_uri is invalid``).
3. ``client_secret`` present at all, even empty (``client_secret should NOT be present``).
4. ``response_type``: missing or empty (``response_type is required``), repeated or not
   exactly ``code`` (``unsupported_response_type``).
5. ``scope``: missing or empty (``scope is required``), repeated or not a valid list of known
   scopes (``invalid_scope``).
6. PKCE, in the order of HMRC's table: an empty (or repeated) ``code_challenge``; a
   ``code_challenge_method`` other than ``S256`` (an empty or repeated one included); a
   challenge without a method; a method without a challenge.
7. ``state`` repeated.

Groups 1 and 2 come first because they decide whether the client and its redirect URI can
be trusted at all; until both are known good nothing may be sent to the redirect URI. (HMRC
shows every /oauth/authorize error to the browser as a 400 anyway, never redirecting.)

A parameter given more than once counts as invalid: RFC 6749 §3.1 says request parameters
MUST NOT be included more than once, and picking one of the values would let the browser
and the emulator disagree about which was meant.

Nothing is checked that HMRC does not check: ``state`` may hold any characters, and a
``code_challenge`` need only be non-empty (its form is not checked).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol, TypeAlias, runtime_checkable

from openmtd.emulator.oauth import errors
from openmtd.emulator.oauth.errors import (
    InvalidRequestError,
    InvalidScopeError,
    OAuthError,
    UnsupportedResponseTypeError,
)
from openmtd.emulator.oauth.pkce import S256
from openmtd.emulator.oauth.redirect_uris import is_registered
from openmtd.emulator.oauth.scopes import parse_scope_param

RESPONSE_TYPE_CODE: Final = "code"
"""The only ``response_type`` HMRC accepts."""


@runtime_checkable
class MultiParams(Protocol):
    """Query parameters that can return every value of a name (Starlette, Werkzeug)."""

    def getlist(self, key: Any) -> list[str]:
        """Every value given for ``key``, in order; empty if it was not given."""


ParamSource: TypeAlias = MultiParams | Mapping[str, Sequence[str]]
"""Either a multi-dict, or a mapping from each name to all its values."""


@dataclass(frozen=True)
class AuthorizeRequest:
    """An /oauth/authorize request that passed every check, ready for sign-in and grant.

    Attributes:
        client_id: the application asking for authority.
        redirect_uri: exactly as registered, where the code (or refusal) is sent.
        scopes: the scopes asked for, each once, in the order asked.
        state: sent back unchanged, or None when the client sent none.
        code_challenge: the PKCE challenge, or None without PKCE.
        code_challenge_method: ``S256`` with PKCE, else None.
    """

    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str | None
    code_challenge: str | None
    code_challenge_method: str | None

    @property
    def uses_pkce(self) -> bool:
        """Whether the token request must carry a matching ``code_verifier``."""
        return self.code_challenge is not None


def validate_authorize_request(
    params: ParamSource,
    find_redirect_uris: Callable[[str], Sequence[str] | None],
) -> AuthorizeRequest:
    """Check an /oauth/authorize query the way HMRC does, in openmtd's order (see module).

    Args:
        params: every query parameter with all its values, URL-decoded.
        find_redirect_uris: the redirect URIs registered for a client_id, or None if no
            such application exists.

    Raises:
        OAuthError: the first fault found, with HMRC's exact ``error_description``.
    """
    client_ids = _values(params, "client_id")
    if _absent(client_ids):
        raise InvalidRequestError(errors.CLIENT_ID_REQUIRED)
    if len(client_ids) > 1:
        raise InvalidRequestError(errors.CLIENT_ID_INVALID)
    client_id = client_ids[0]
    registered = find_redirect_uris(client_id)
    if registered is None:
        raise InvalidRequestError(errors.CLIENT_ID_INVALID)

    redirect_uris = _values(params, "redirect_uri")
    if _absent(redirect_uris):
        raise InvalidRequestError(errors.REDIRECT_URI_REQUIRED)
    if len(redirect_uris) > 1 or not is_registered(registered, redirect_uris[0]):
        raise InvalidRequestError(errors.REDIRECT_URI_INVALID)

    if _values(params, "client_secret"):
        raise InvalidRequestError(errors.CLIENT_SECRET_NOT_ALLOWED)

    response_types = _values(params, "response_type")
    if _absent(response_types):
        raise InvalidRequestError(errors.RESPONSE_TYPE_REQUIRED)
    if response_types != (RESPONSE_TYPE_CODE,):
        raise UnsupportedResponseTypeError

    raw_scopes = _values(params, "scope")
    if _absent(raw_scopes):
        raise InvalidRequestError(errors.SCOPE_REQUIRED)
    if len(raw_scopes) > 1:
        raise InvalidScopeError
    scopes = parse_scope_param(raw_scopes[0])

    challenges = _values(params, "code_challenge")
    methods = _values(params, "code_challenge_method")
    if len(challenges) > 1:
        raise InvalidRequestError(errors.CODE_CHALLENGE_INVALID)
    if challenges == ("",):
        raise InvalidRequestError(errors.CODE_CHALLENGE_EMPTY)
    if methods and methods != (S256,):
        raise InvalidRequestError(errors.CODE_CHALLENGE_METHOD_NOT_S256)
    if challenges and not methods:
        raise InvalidRequestError(errors.CODE_CHALLENGE_METHOD_REQUIRED)
    if methods and not challenges:
        raise InvalidRequestError(errors.CODE_CHALLENGE_REQUIRED)

    states = _values(params, "state")
    if len(states) > 1:
        raise InvalidRequestError(errors.STATE_INVALID)

    return AuthorizeRequest(
        client_id=client_id,
        redirect_uri=redirect_uris[0],
        scopes=scopes,
        state=_first(states),
        code_challenge=_first(challenges),
        code_challenge_method=_first(methods),
    )


def authorize_error_body(error: OAuthError) -> dict[str, str]:
    """The JSON body HMRC shows the browser for a refused /oauth/authorize request."""
    return error.body()


def granted_redirect_params(code: str, state: str | None) -> list[tuple[str, str]]:
    """Query parameters for the redirect after the user grants authority: code, then state.

    ``state`` is sent back unchanged when the client sent one (even an empty one).
    """
    params = [("code", code)]
    if state is not None:
        params.append(("state", state))
    return params


def _values(params: ParamSource, name: str) -> tuple[str, ...]:
    if isinstance(params, MultiParams):
        return tuple(params.getlist(name))
    values = params.get(name, ())
    # A plain dict of single strings is a common way to call this; a str is a Sequence[str]
    # of its characters, which is never what is meant.
    if isinstance(values, str):
        return (values,)
    return tuple(values)


def _absent(values: tuple[str, ...]) -> bool:
    # openmtd's choice: an empty value counts as missing ("... is required"), as an HTML form
    # would treat it; HMRC's table only distinguishes missing from invalid.
    return values in ((), ("",))


def _first(values: tuple[str, ...]) -> str | None:
    return values[0] if values else None
