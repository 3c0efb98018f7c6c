"""The SDK's OAuth against the emulator app in process (no sockets): the authorization URL
passes the emulator's /oauth/authorize checks, the code exchange with PKCE gives a token set,
and UserAuth / ApplicationAuth as plain httpx auth refresh, retry and refuse as HMRC's rules
say. Sync calls go through ``PortalTransport``, async ones through ``httpx.ASGITransport``."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from openmtd.sdk._auth import ApplicationAuth, UserAuth
from openmtd.sdk._errors import ReauthorisationReason, ReauthorisationRequired
from openmtd.sdk._oauth import OAuthClient, parse_callback
from openmtd.sdk._stores import EncryptedFileStore
from openmtd.sdk._tokens import DEFAULT_GRANT_LENGTH, TokenSet
from support.emulator import EmulatorHarness
from support.mtd_api import NINO, READ, World, make_world
from support.sdk_oauth import BASE_URL, STATUS_ACCEPT, PortalTransport, grant, oauth_client

STATUS = f"/individuals/person/itsa-status/{NINO}/2026-27"
KEY = "ida"


@pytest.fixture
def world(emulator: EmulatorHarness) -> World:
    made = make_world(emulator)
    made.status("2026-27")
    return made


@pytest.fixture
def transport(emulator: EmulatorHarness) -> Iterator[PortalTransport]:
    made = PortalTransport(emulator.app)
    yield made
    made.shutdown()


@pytest.fixture
def oauth(emulator: EmulatorHarness) -> OAuthClient:
    return oauth_client(emulator)


@pytest.fixture
def store(tmp_path: Path) -> EncryptedFileStore:
    return EncryptedFileStore(tmp_path / "tokens.json", use_keyring=False)


def first_tokens(world: World, oauth: OAuthClient, transport: PortalTransport) -> TokenSet:
    request = oauth.authorization_url(READ)
    code = parse_callback(request, grant(world.emulator, request, world.customer))
    with httpx.Client(transport=transport) as http:
        return oauth.exchange_code(code, request, http=http)


def read_status(auth: httpx.Auth, transport: httpx.BaseTransport) -> httpx.Response:
    with httpx.Client(transport=transport, base_url=BASE_URL, auth=auth) as http:
        return http.get(STATUS, headers={"Accept": STATUS_ACCEPT})


def token_calls(transport: PortalTransport) -> int:
    return transport.paths().count("/oauth/token")


def test_the_code_exchange_gives_a_dated_token_set(
    world: World, oauth: OAuthClient, transport: PortalTransport, store: EncryptedFileStore
) -> None:
    tokens = first_tokens(world, oauth, transport)
    now = world.emulator.now()
    assert tokens.scopes == READ
    assert tokens.granted_at == now
    assert tokens.authority_ends_at == now + DEFAULT_GRANT_LENGTH
    assert tokens.expires_at == now + timedelta(hours=4)
    assert tokens.refresh_token
    store.save(KEY, tokens)

    answer = read_status(UserAuth(store, KEY, oauth), transport)
    assert answer.status_code == 200, answer.text
    assert answer.json()["itsaStatuses"][0]["taxYear"] == "2026-27"
    assert token_calls(transport) == 1  # the exchange only: a fresh token is not refreshed


def test_an_expired_token_is_refreshed_once_and_saved(
    world: World, oauth: OAuthClient, transport: PortalTransport, store: EncryptedFileStore
) -> None:
    first = first_tokens(world, oauth, transport)
    store.save(KEY, first)
    world.emulator.advance(4 * 3600 + 1)

    auth = UserAuth(store, KEY, oauth)
    assert read_status(auth, transport).status_code == 200
    assert read_status(auth, transport).status_code == 200
    assert token_calls(transport) == 2  # the exchange and one refresh
    saved = store.load(KEY)
    assert saved is not None
    assert saved.refresh_token != first.refresh_token
    assert saved.granted_at == first.granted_at
    assert saved.authority_ends_at == first.authority_ends_at
    assert saved.expires_at == world.emulator.now() + timedelta(hours=4)


def test_tokens_rotated_elsewhere_after_loading_are_picked_up_after_a_401(
    world: World, oauth: OAuthClient, transport: PortalTransport, tmp_path: Path
) -> None:
    """Another process refreshes just after this one loaded: the 401 for the ended token makes
    this one reload under the lock and retry with the other's tokens, without a refresh."""

    class RacingStore(EncryptedFileStore):
        raced = False

        def load(self, key: str) -> TokenSet | None:
            loaded = super().load(key)
            if loaded is not None and not self.raced:
                self.raced = True
                other = PortalTransport(world.emulator.app)
                with httpx.Client(transport=other) as http:
                    self.save(key, oauth.refresh(loaded, http=http))
                other.shutdown()
            return loaded

    store = RacingStore(tmp_path / "tokens.json", use_keyring=False)
    store.save(KEY, first_tokens(world, oauth, transport))
    answer = read_status(UserAuth(store, KEY, oauth), transport)
    assert answer.status_code == 200, answer.text
    assert token_calls(transport) == 1  # this auth never refreshed
    statuses = [r.url.path for r in transport.sent if r.url.path == STATUS]
    assert len(statuses) == 2  # refused once, then retried with the stored tokens


def test_access_removed_elsewhere_is_access_revoked(
    world: World, oauth: OAuthClient, transport: PortalTransport, store: EncryptedFileStore
) -> None:
    tokens = first_tokens(world, oauth, transport)
    store.save(KEY, tokens)
    with httpx.Client(transport=transport) as http:
        oauth.refresh(tokens, http=http)  # spent by someone who did not save: our token ends
    with pytest.raises(ReauthorisationRequired) as raised:
        read_status(UserAuth(store, KEY, oauth), transport)
    assert raised.value.reason is ReauthorisationReason.ACCESS_REVOKED
    assert raised.value.error == "invalid_grant"


def test_a_spent_refresh_token_is_refresh_refused(
    world: World, oauth: OAuthClient, transport: PortalTransport, store: EncryptedFileStore
) -> None:
    tokens = first_tokens(world, oauth, transport)
    store.save(KEY, tokens)
    with httpx.Client(transport=transport) as http:
        oauth.refresh(tokens, http=http)
    world.emulator.advance(5 * 3600)
    with pytest.raises(ReauthorisationRequired) as raised:
        read_status(UserAuth(store, KEY, oauth), transport)
    assert raised.value.reason is ReauthorisationReason.REFRESH_REFUSED
    assert raised.value.status == 400


def test_an_ended_authority_is_known_without_calling_hmrc(
    world: World, transport: PortalTransport, store: EncryptedFileStore
) -> None:
    oauth = oauth_client(world.emulator, grant_length_days=30)
    oauth.grant_length = timedelta(days=30)
    store.save(KEY, first_tokens(world, oauth, transport))
    auth = UserAuth(store, KEY, oauth)
    assert auth.authority_ends_at() == world.emulator.now() + timedelta(days=30)
    assert not auth.authority_ends_within(timedelta(days=29))
    assert auth.authority_ends_within(timedelta(days=30))

    world.emulator.advance(30 * 86400)
    sent = len(transport.sent)
    with pytest.raises(ReauthorisationRequired) as raised:
        read_status(auth, transport)
    assert raised.value.reason is ReauthorisationReason.AUTHORITY_ENDED
    assert len(transport.sent) == sent  # nothing reached HMRC


def test_nothing_stored_is_no_tokens(
    oauth: OAuthClient, transport: PortalTransport, store: EncryptedFileStore
) -> None:
    with pytest.raises(ReauthorisationRequired) as raised:
        read_status(UserAuth(store, "nobody", oauth), transport)
    assert raised.value.reason is ReauthorisationReason.NO_TOKENS
    assert transport.sent == []


def test_threads_sharing_an_expired_token_refresh_it_once(
    world: World, oauth: OAuthClient, transport: PortalTransport, store: EncryptedFileStore
) -> None:
    store.save(KEY, first_tokens(world, oauth, transport))
    world.emulator.advance(4 * 3600 + 1)
    auth = UserAuth(store, KEY, oauth)
    start = threading.Barrier(6)
    statuses: list[int] = []

    def call() -> None:
        start.wait(timeout=30)
        statuses.append(read_status(auth, transport).status_code)

    threads = [threading.Thread(target=call) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [200] * 6
    assert token_calls(transport) == 2  # the exchange and exactly one refresh


def test_the_async_flow_refreshes_once_for_many_tasks(
    world: World, oauth: OAuthClient, transport: PortalTransport, store: EncryptedFileStore
) -> None:
    first = first_tokens(world, oauth, transport)
    store.save(KEY, first)
    world.emulator.advance(4 * 3600 + 1)
    auth = UserAuth(store, KEY, oauth)
    sent: list[str] = []

    async def record(request: httpx.Request) -> None:
        sent.append(request.url.path)

    async def calls() -> list[int]:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=world.emulator.app),
            base_url=BASE_URL,
            auth=auth,
            event_hooks={"request": [record]},
        ) as http:
            answers = await asyncio.gather(
                *(http.get(STATUS, headers={"Accept": STATUS_ACCEPT}) for _ in range(8))
            )
        return [answer.status_code for answer in answers]

    assert asyncio.run(calls()) == [200] * 8
    assert sent.count("/oauth/token") == 1
    saved = store.load(KEY)
    assert saved is not None
    assert saved.refresh_token != first.refresh_token


def test_application_auth_fetches_one_token_until_it_expires(
    world: World, oauth: OAuthClient, transport: PortalTransport
) -> None:
    auth = ApplicationAuth(oauth)
    with httpx.Client(transport=transport, base_url=BASE_URL, auth=auth) as http:
        for _ in range(2):
            answer = http.post(
                "/create-test-user/individuals",
                headers={"Accept": "application/vnd.hmrc.1.0+json"},
                json={"serviceNames": ["national-insurance"]},
            )
            assert answer.status_code == 201, answer.text
        assert token_calls(transport) == 1
        world.emulator.advance(4 * 3600)
        answer = http.get(
            "/create-test-user/services", headers={"Accept": "application/vnd.hmrc.1.0+json"}
        )
        assert answer.status_code == 200, answer.text
    assert token_calls(transport) == 2
