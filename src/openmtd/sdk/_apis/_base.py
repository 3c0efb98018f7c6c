"""What an API group needs from its client: a way to make one call (sync or async)."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import Protocol, TypeVar

from openmtd.sdk._request import ApiCall

__all__ = ["AsyncGroup", "AsyncSend", "SyncGroup", "SyncSend", "flag", "scenario_header"]

T = TypeVar("T")


class SyncSend(Protocol):
    def __call__(self, call: ApiCall[T], /) -> T: ...


class AsyncSend(Protocol):
    def __call__(self, call: ApiCall[T], /) -> Awaitable[T]: ...


class SyncGroup:
    """The methods of one API on a :class:`~openmtd.sdk.Client`."""

    def __init__(self, send: SyncSend) -> None:
        self._send = send


class AsyncGroup:
    """The methods of one API on an :class:`~openmtd.sdk.AsyncClient`."""

    def __init__(self, send: AsyncSend) -> None:
        self._send = send


def flag(value: bool) -> str:
    """A boolean query parameter as HMRC parses it (``true``/``false``, lower case)."""
    return "true" if value else "false"


def scenario_header(scenario: str | None) -> Mapping[str, str]:
    """``Gov-Test-Scenario`` (HMRC's sandbox only) when one is asked for."""
    return {"Gov-Test-Scenario": scenario} if scenario else {}
