"""One API call described as data (:class:`ApiCall`), and the ``httpx.Request`` built from it.

Both clients build every request here, so the sync and async clients cannot send different
headers: the Accept header of the API's version, the User-Agent naming openmtd and its
version, JSON bodies, and the fraud prevention headers (asked for again before each attempt,
so their timestamps are those of the attempt).
"""

from __future__ import annotations

import platform
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import httpx

from openmtd.sdk._caller import CallerKnowledge
from openmtd.sdk._environment import Environment
from openmtd.sdk._errors import HmrcApiError
from openmtd.sdk._seams import FraudHeaderSource
from openmtd.sdk._versions import VERSIONS, Api, accept_header

__all__ = ["Answer", "ApiCall", "build_request", "path", "user_agent"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Answer:
    """A success answer: its status, decoded JSON body (None when empty) and headers."""

    status: int
    body: Any
    headers: httpx.Headers


@dataclass(frozen=True, slots=True)
class ApiCall(Generic[T]):
    """One call: what to send, and how to read the answer into ``T``.

    ``nino`` is the customer the call is about (for error hints). ``authenticated=False`` sends
    no token (Agent Authorisation Test Support is open). ``on_error`` may turn an error answer
    into a result (a relationship check's 404 is ``False``) or raise it. ``learn`` records what
    a success says about the caller.
    """

    api: Api
    method: str
    path: str
    read: Callable[[Answer], T]
    params: Mapping[str, str] = field(default_factory=dict)
    json: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    nino: str | None = None
    authenticated: bool = True
    on_error: Callable[[HmrcApiError], T] | None = None
    learn: Callable[[CallerKnowledge, T], None] | None = None

    @property
    def version(self) -> str:
        return VERSIONS[self.api]


def path(template: str, **values: str) -> str:
    """``template`` with each ``{name}`` replaced by its value, percent-encoded as one segment
    (a NINO with a space or a slash cannot change the path)."""
    return template.format(**{name: quote(value, safe="") for name, value in values.items()})


def _package_version() -> str:
    try:
        return package_version("openmtd")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def user_agent(product: str | None = None) -> str:
    """``[product ]openmtd/<version> httpx/<version> python/<x.y>``."""
    python = ".".join(platform.python_version_tuple()[:2])
    ours = f"openmtd/{_package_version()} httpx/{httpx.__version__} python/{python}"
    return f"{product} {ours}" if product else ours


def build_request(
    call: ApiCall[Any],
    environment: Environment,
    *,
    agent: str,
    fraud_headers: FraudHeaderSource | None,
) -> httpx.Request:
    """The request for one attempt of ``call``."""
    url = httpx.URL(environment.api_url(call.path), params=dict(call.params) or None)
    headers = {"Accept": accept_header(call.version), "User-Agent": agent, **call.headers}
    if fraud_headers is not None:
        # The source gives Gov-* headers only; it cannot override the ones above.
        for name, value in fraud_headers.headers_for(call.method, str(url)).items():
            if name.lower() not in ("accept", "user-agent", "authorization"):
                headers[name] = value
    if call.json is None:
        return httpx.Request(call.method, url, headers=headers)
    return httpx.Request(call.method, url, headers=headers, json=call.json)
