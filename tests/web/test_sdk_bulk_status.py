"""Bulk ITSA status for agents through the SDK's AsyncClient, against the emulator app in
process (no sockets): one request per client with futureYears=true, per-client typed errors
that never stop the batch, progress, the bound on calls in flight, pacing by the client's rate
limiter, cancellation (no request after it), and the sync form."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from openmtd.emulator.storage import AffinityGroup, StoredStatus
from openmtd.rules.itsa_status import ItsaStatus
from openmtd.rules.tax_year import TaxYear
from openmtd.sdk import (
    ApplicationRateLimiter,
    BulkProgress,
    ClientStatus,
    RateLimit,
    bulk_itsa_status,
    bulk_itsa_status_sync,
)
from openmtd.sdk._async_client import AsyncClient
from openmtd.sdk._errors import InvalidRequest, NotAuthorised, NotSignedUp
from support.emulator import EmulatorHarness
from support.mtd_api import AT, make_world, mtd_it
from support.rate_limits import max_in_window
from support.sdk_client import ENVIRONMENT, Bearer

ARN = "TARN0000007"
YEAR = "2026-27"
SIGNED_UP = [f"AA1000{i:02d}A" for i in range(8)]
NOT_SIGNED_UP = "AA200000A"
NOT_A_CLIENT = "AA300000A"


class CountingTransport(httpx.AsyncBaseTransport):
    """The emulator app in process, recording each request (when, which URL) and the most
    under way at once."""

    def __init__(self, app: Any) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self.sent: list[tuple[float, httpx.URL]] = []
        self.in_flight = 0
        self.most_in_flight = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append((time.time(), request.url))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            return await self._inner.handle_async_request(request)
        finally:
            self.in_flight -= 1


@pytest.fixture
def agent_token(emulator: EmulatorHarness) -> str:
    """An agent with a main relationship to every client in SIGNED_UP, each with a status;
    a customer who is not signed up; a signed-up customer who is not the agent's client."""
    world = make_world(emulator)
    agent = world.agent(ARN)
    for index, nino in enumerate([*SIGNED_UP, NOT_A_CLIENT]):
        mtditid = f"XAIT{index + 100:011d}"
        emulator.account(nino=nino, enrolments=(mtd_it(mtditid),), email=f"c{index}@example.com")
        with emulator.services.store.transaction() as tx:
            tx.itsa_statuses.add(
                StoredStatus(nino, YEAR, AT, "MTD Voluntary", "Sign up - no return available")
            )
            if nino != NOT_A_CLIENT:
                tx.relationships.add(ARN, nino, "main", emulator.now(), mtditid)
    emulator.account(nino=NOT_SIGNED_UP, email="nobody@example.com")
    assert agent.affinity_group is AffinityGroup.AGENT
    return world.token(account=agent)


def _client(emulator: EmulatorHarness, token: str, **options: Any) -> AsyncClient:
    return AsyncClient(ENVIRONMENT, auth=Bearer(token), **options)


def _run(coroutine_factory: Callable[[], Any]) -> Any:
    return asyncio.run(coroutine_factory())


def test_every_client_read_once_with_future_years_and_errors_typed(
    emulator: EmulatorHarness, agent_token: str
) -> None:
    transport = CountingTransport(emulator.app)
    ninos = [*SIGNED_UP, NOT_SIGNED_UP, NOT_A_CLIENT, "not-a-nino"]
    seen: list[BulkProgress] = []

    async def main() -> list[ClientStatus]:
        async with _client(emulator, agent_token, transport=transport) as client:
            reader = bulk_itsa_status(
                client, ninos, tax_year=YEAR, max_in_flight=3, progress=seen.append
            )
            async with reader as results:
                return [result async for result in results]

    results = _run(main)
    by_nino = {result.nino: result for result in results}
    assert sorted(by_nino) == sorted(ninos)
    assert len(results) == len(ninos) == len(transport.sent)
    for nino in SIGNED_UP:
        result = by_nino[nino]
        assert result.ok
        assert result.status is not None
        year = result.status.year(YEAR)
        assert year is not None
        assert year.latest is not None
        assert year.latest.status is ItsaStatus.VOLUNTARY
    assert isinstance(by_nino[NOT_SIGNED_UP].error, NotSignedUp)
    assert isinstance(by_nino[NOT_A_CLIENT].error, NotAuthorised)
    assert isinstance(by_nino["not-a-nino"].error, InvalidRequest)
    assert not by_nino[NOT_A_CLIENT].ok
    for _, url in transport.sent:
        assert url.path.endswith(f"/{YEAR}")
        assert parse_qs(url.query.decode()) == {"futureYears": ["true"]}
    assert transport.most_in_flight <= 3
    assert [(p.done, p.total) for p in seen] == [(i, len(ninos)) for i in range(1, 12)]
    assert seen[-1].errors == 3


def test_the_default_year_is_the_current_one_and_ninos_may_be_an_iterator(
    emulator: EmulatorHarness, agent_token: str
) -> None:
    transport = CountingTransport(emulator.app)
    seen: list[BulkProgress] = []

    async def main() -> list[ClientStatus]:
        async with _client(emulator, agent_token, transport=transport) as client:
            reader = bulk_itsa_status(client, iter(SIGNED_UP[:2]), progress=seen.append)
            assert reader.tax_year == str(TaxYear.at(datetime.now(UTC)))
            async with reader as results:
                return [result async for result in results]

    assert len(_run(main)) == 2
    assert seen[-1] == BulkProgress(done=2, total=None, errors=0)


def test_calls_are_paced_by_the_clients_rate_limiter(
    emulator: EmulatorHarness, agent_token: str
) -> None:
    transport = CountingTransport(emulator.app)
    limit = RateLimit(4, margin=0.2)

    async def main() -> int:
        with ApplicationRateLimiter.in_memory(limit) as limiter:
            async with (
                _client(emulator, agent_token, transport=transport, rate_limiter=limiter) as client,
                bulk_itsa_status(client, SIGNED_UP * 2, tax_year=YEAR) as results,
            ):
                return sum([1 async for _ in results])

    assert _run(main) == 16
    assert max_in_window([sent for sent, _ in transport.sent]) <= 4


def test_cancel_stops_every_further_request(emulator: EmulatorHarness, agent_token: str) -> None:
    transport = CountingTransport(emulator.app)
    sent_at_cancel: list[int] = []

    async def main() -> list[ClientStatus]:
        with ApplicationRateLimiter.in_memory(RateLimit(2)) as limiter:
            async with _client(
                emulator, agent_token, transport=transport, rate_limiter=limiter
            ) as client:
                reader = bulk_itsa_status(client, SIGNED_UP * 4, tax_year=YEAR, max_in_flight=4)
                got = []
                async with reader as results:
                    async for result in results:
                        got.append(result)
                        if len(got) == 2:
                            reader.cancel()
                            sent_at_cancel.append(len(transport.sent))
                await asyncio.sleep(1.2)  # time for more than two slots of the limiter
                return got

    got = _run(main)
    assert len(got) == 2
    assert len(transport.sent) == sent_at_cancel[0] < 32


def test_cancelling_the_reading_task_stops_every_further_request(
    emulator: EmulatorHarness, agent_token: str
) -> None:
    transport = CountingTransport(emulator.app)

    async def main() -> tuple[int, int]:
        with ApplicationRateLimiter.in_memory(RateLimit(2)) as limiter:
            async with _client(
                emulator, agent_token, transport=transport, rate_limiter=limiter
            ) as client:
                got = asyncio.Event()

                async def read() -> None:
                    async with bulk_itsa_status(client, SIGNED_UP * 4, tax_year=YEAR) as results:
                        async for _ in results:
                            got.set()

                task = asyncio.create_task(read())
                await got.wait()
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
                at_cancel = len(transport.sent)
                await asyncio.sleep(1.2)
                return at_cancel, len(transport.sent)

    at_cancel, after = _run(main)
    assert at_cancel == after < 32


def test_the_sync_form_streams_and_can_stop_early(
    emulator: EmulatorHarness, agent_token: str
) -> None:
    transport = CountingTransport(emulator.app)
    seen: list[BulkProgress] = []

    def make() -> AsyncClient:
        return _client(emulator, agent_token, transport=transport)

    with bulk_itsa_status_sync(
        make, [*SIGNED_UP, NOT_A_CLIENT], tax_year=YEAR, progress=seen.append
    ) as results:
        everything = list(results)
    assert len(everything) == 9
    assert seen[-1] == BulkProgress(done=9, total=9, errors=1)
    assert len(list(results)) == 0  # finished: it stays finished

    sent_before = len(transport.sent)
    with bulk_itsa_status_sync(make, SIGNED_UP * 4, tax_year=YEAR, max_in_flight=2) as early:
        first = next(early)
        time.sleep(0.3)  # the producer meanwhile fills the queue and waits for room
    assert first.ok
    assert len(transport.sent) - sent_before < 32  # stopped, not read to the end
    assert list(early) == []


def test_the_sync_form_cancels_before_it_starts(emulator: EmulatorHarness) -> None:
    made: list[int] = []

    def make() -> AsyncClient:
        made.append(1)
        return _client(emulator, "unused")

    reader = bulk_itsa_status_sync(make, SIGNED_UP, tax_year=YEAR)
    reader.cancel()
    assert list(reader) == []
    assert made == []


def test_a_failure_that_is_not_hmrcs_answer_is_raised(emulator: EmulatorHarness) -> None:
    class Broken(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            raise RuntimeError("a bug in a transport")

    async def main() -> None:
        async with (
            _client(emulator, "token", transport=Broken()) as client,
            bulk_itsa_status(client, SIGNED_UP, tax_year=YEAR) as results,
        ):
            async for _ in results:
                pass

    with pytest.raises(RuntimeError, match="a bug in a transport"):
        _run(main)

    def make() -> AsyncClient:
        return _client(emulator, "token", transport=Broken())

    with (
        pytest.raises(RuntimeError, match="a bug in a transport"),
        bulk_itsa_status_sync(make, SIGNED_UP, tax_year=YEAR) as results,
    ):
        list(results)


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_a_bad_bound_is_refused(emulator: EmulatorHarness, bad: Any) -> None:
    client = _client(emulator, "token")
    with pytest.raises(ValueError, match="max_in_flight must be a whole number of at least 1"):
        bulk_itsa_status(client, SIGNED_UP, max_in_flight=bad)
    with pytest.raises(ValueError, match="max_in_flight"):
        bulk_itsa_status_sync(lambda: client, SIGNED_UP, max_in_flight=bad)


def test_a_bad_tax_year_is_refused(emulator: EmulatorHarness) -> None:
    client = _client(emulator, "token")
    with pytest.raises(ValueError, match="2026-2027"):
        bulk_itsa_status(client, SIGNED_UP, tax_year="2026-2027")
    assert bulk_itsa_status(client, [], tax_year=TaxYear(2027)).tax_year == "2027-28"
