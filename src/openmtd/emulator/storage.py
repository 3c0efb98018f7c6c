"""The emulator's storage seam: the records it keeps and the protocols that keep them.

Services depend only on these protocols; ``adapters/db`` implements them with SQLAlchemy on
SQLite or PostgreSQL, and one contract suite (``tests/contract``) runs against both. Records
are frozen dataclasses, never ORM objects, so nothing outside the adapter can touch a session.

Each service call runs in one :meth:`Store.transaction`: every repository reached through the
yielded :class:`Transaction` shares it, and it commits when the block ends without error.
Only hashes of authorisation codes, tokens, client secrets and browser-session ids are stored.

Used by: ``gateway`` (accounts, two-step, identity), ``devhub`` (applications), ``oauth``
(codes, grants, tokens), ``web`` (browser sessions), ``clock`` (the clock offset).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol


class AffinityGroup(StrEnum):
    """A Government Gateway group's affinity (kept on the group, as HMRC does)."""

    INDIVIDUAL = "Individual"
    ORGANISATION = "Organisation"
    AGENT = "Agent"


class CredentialRole(StrEnum):
    """``User`` is the group's administrator; ``Assistant`` is not."""

    USER = "User"
    ASSISTANT = "Assistant"


class TwoStepMethod(StrEnum):
    """How an account does 2-step verification."""

    AUTHENTICATOR_APP = "totp"
    TEXT_MESSAGE = "sms"


@dataclass(frozen=True, slots=True)
class Enrolment:
    """A principal enrolment held by a group, e.g. ``IR-SA`` with ``UTR=1234567890``."""

    key: str
    identifier_name: str
    identifier_value: str
    state: str = "Activated"


@dataclass(frozen=True, slots=True)
class Address:
    line1: str = ""
    line2: str = ""
    line3: str = ""
    line4: str = ""
    postcode: str = ""
    country_code: str = "GB"


@dataclass(frozen=True, slots=True)
class Group:
    """A Government Gateway group: its affinity and the enrolments it holds."""

    id: int
    group_id: str
    affinity_group: AffinityGroup
    agent_code: str | None = None
    enrolments: tuple[Enrolment, ...] = ()

    def enrolment(self, key: str) -> Enrolment | None:
        return next((e for e in self.enrolments if e.key == key), None)


@dataclass(frozen=True, slots=True)
class NewAccount:
    """What creating a Government Gateway account needs."""

    user_id: str
    password_hash: str
    affinity_group: AffinityGroup
    credential_role: CredentialRole
    confidence_level: int
    first_name: str
    last_name: str
    email: str
    created_at: datetime
    date_of_birth: date | None = None
    address: Address = field(default_factory=Address)
    nino: str | None = None
    enrolments: tuple[Enrolment, ...] = ()
    group_id: str | None = None
    agent_code: str | None = None
    two_step_method: TwoStepMethod | None = None
    totp_secret: str | None = None
    phone_number: str | None = None


@dataclass(frozen=True, slots=True)
class Account:
    """A Government Gateway credential (user ID, password, 2SV) and the group it belongs to.

    Mutable security state (lockouts, 2SV) is changed with :func:`dataclasses.replace` and
    written back with :meth:`AccountRepository.save`.
    """

    id: int
    user_id: str
    password_hash: str
    group: Group
    credential_role: CredentialRole
    confidence_level: int
    first_name: str
    last_name: str
    email: str
    created_at: datetime
    date_of_birth: date | None = None
    address: Address = field(default_factory=Address)
    nino: str | None = None
    two_step_method: TwoStepMethod | None = None
    totp_secret: str | None = None
    totp_last_step: int | None = None
    phone_number: str | None = None
    sms_code_hash: str | None = None
    sms_code_expires_at: datetime | None = None
    failed_password_attempts: int = 0
    password_locked_until: datetime | None = None
    failed_two_step_attempts: int = 0
    two_step_locked_until: datetime | None = None

    @property
    def affinity_group(self) -> AffinityGroup:
        return self.group.affinity_group

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def enrolment(self, key: str) -> Enrolment | None:
        return self.group.enrolment(key)


@dataclass(frozen=True, slots=True)
class ClientSecret:
    id: int
    secret_hash: str
    hint: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NewApplication:
    client_id: str
    name: str
    redirect_uris: tuple[str, ...]
    apis: frozenset[str]
    rate_limit_per_second: int
    grant_length_days: int
    created_at: datetime
    secret_hash: str
    secret_hint: str


@dataclass(frozen=True, slots=True)
class Application:
    """A Developer Hub application."""

    id: int
    client_id: str
    name: str
    redirect_uris: tuple[str, ...]
    apis: frozenset[str]
    rate_limit_per_second: int
    grant_length_days: int
    created_at: datetime
    secrets: tuple[ClientSecret, ...] = ()


@dataclass(frozen=True, slots=True)
class AuthorizationCode:
    """An authorisation code (stored by hash), single-use, ten minutes."""

    code_hash: str
    application_id: int
    account_id: int
    redirect_uri: str
    scopes: tuple[str, ...]
    code_challenge: str | None
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    grant_id: int | None = None


@dataclass(frozen=True, slots=True)
class Grant:
    """Authority a user gave an application, until it expires or is revoked."""

    id: int
    application_id: int
    account_id: int
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class GrantView:
    """A grant with the application's name, for "Manage authorised applications"."""

    grant: Grant
    application_name: str


@dataclass(frozen=True, slots=True)
class AccessToken:
    """An access token (stored by hash). ``grant_id`` is None for client_credentials."""

    token_hash: str
    application_id: int
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime
    grant_id: int | None = None
    account_id: int | None = None
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RefreshToken:
    token_hash: str
    grant_id: int
    access_token_hash: str
    created_at: datetime
    used_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class BrowserSession:
    """A browser's session with the emulator's web pages (stored by id hash)."""

    id_hash: str
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    account_id: int | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TextMessage:
    """A text message delivered to the emulator's pretend phone."""

    phone_number: str
    body: str
    sent_at: datetime


class AccountRepository(Protocol):
    """Government Gateway accounts and groups. Used by ``gateway``, ``oauth``, ``web``."""

    def add(self, account: NewAccount) -> Account:
        """Create the account (and its group, unless ``group_id`` names an existing one)."""
        ...

    def get(self, account_id: int) -> Account | None: ...

    def get_by_user_id(self, user_id: str) -> Account | None: ...

    def save(self, account: Account) -> None:
        """Write back the credential's mutable fields (security state, 2SV, CL)."""
        ...

    def enrolment_owner(self, key: str, identifier_value: str) -> Account | None:
        """The admin account of the group holding an enrolment, if any."""
        ...

    def user_id_taken(self, user_id: str) -> bool: ...

    def find_by_nino(self, nino: str) -> Account | None:
        """The (first) account holding a NINO, if any."""
        ...


class ApplicationRepository(Protocol):
    """Developer Hub applications. Used by ``devhub`` and ``oauth``."""

    def add(self, application: NewApplication) -> Application: ...

    def get_by_client_id(self, client_id: str) -> Application | None: ...

    def get(self, application_id: int) -> Application | None: ...

    def list(self) -> list[Application]: ...

    def update(self, application: Application) -> None:
        """Write back name, redirect URIs, subscriptions, rate limit and grant length."""
        ...

    def add_secret(
        self, application_id: int, secret_hash: str, hint: str, at: datetime
    ) -> None: ...

    def delete_secret(self, application_id: int, secret_id: int) -> bool: ...


class OAuthRepository(Protocol):
    """Codes, grants and tokens. Used by ``oauth`` (grants, token checks, revocation)."""

    def add_code(self, code: AuthorizationCode) -> None: ...

    def get_code(self, code_hash: str) -> AuthorizationCode | None: ...

    def use_code(self, code_hash: str, at: datetime) -> bool:
        """Mark a code used, atomically: False when it was already used."""
        ...

    def link_code_to_grant(self, code_hash: str, grant_id: int) -> None: ...

    def add_grant(
        self,
        application_id: int,
        account_id: int,
        scopes: tuple[str, ...],
        created_at: datetime,
        expires_at: datetime,
    ) -> Grant: ...

    def get_grant(self, grant_id: int) -> Grant | None: ...

    def revoke_grant(self, grant_id: int, at: datetime) -> None:
        """Revoke a grant and every token issued under it."""
        ...

    def grants_for_account(self, account_id: int) -> list[GrantView]:
        """The account's grants that are not revoked, newest first."""
        ...

    def add_access_token(self, token: AccessToken) -> None: ...

    def get_access_token(self, token_hash: str) -> AccessToken | None: ...

    def revoke_access_token(self, token_hash: str, at: datetime) -> None: ...

    def add_refresh_token(self, token: RefreshToken) -> None: ...

    def get_refresh_token(self, token_hash: str) -> RefreshToken | None: ...

    def use_refresh_token(self, token_hash: str, at: datetime) -> bool:
        """Mark a refresh token used, atomically: False when it was already used."""
        ...


class SessionRepository(Protocol):
    """Browser sessions for the web journeys. Used by ``web``."""

    def add(self, session: BrowserSession) -> None: ...

    def get(self, id_hash: str) -> BrowserSession | None: ...

    def save(self, session: BrowserSession) -> None: ...

    def delete(self, id_hash: str) -> None: ...

    def delete_idle(self, before: datetime) -> int: ...


class PhoneRepository(Protocol):
    """The emulator's pretend phone network. Used by ``gateway.two_step`` and ``web``."""

    def send(self, message: TextMessage) -> None: ...

    def messages(self, phone_number: str) -> list[TextMessage]:
        """Messages sent to a number, newest first."""
        ...


class ClockRepository(Protocol):
    """The emulator's clock offset from real time, shared by every worker."""

    def offset_seconds(self) -> float: ...

    def set_offset_seconds(self, offset: float) -> None: ...


@dataclass(frozen=True, slots=True)
class StoredStatus:
    """One ITSA status record HMRC holds for a NINO and tax year (downstream's own data)."""

    nino: str
    tax_year: str
    submitted_on: datetime
    status: str
    status_reason: str
    business_income_2_years_prior: Decimal | None = None
    application_id: int | None = None


@dataclass(frozen=True, slots=True)
class Relationship:
    """An agent's authority for a client's MTD ITSA (main ``HMRC-MTD-IT`` or supporting)."""

    id: int
    arn: str
    client_nino: str
    agent_type: str
    created_at: datetime
    client_mtditid: str | None = None
    ended_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StoredBusiness:
    """A business created through the Self Assessment Test Support API."""

    business_id: str
    nino: str
    application_id: int
    type_of_business: str
    details: Mapping[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A saved copy of a vendor's test data (optionally for one NINO), to restore later."""

    checkpoint_id: str
    application_id: int
    created_at: datetime
    snapshot: Mapping[str, Any]
    nino: str | None = None


@dataclass(frozen=True, slots=True)
class HeaderFeedback:
    """The fraud prevention header check of one API call, kept for validation-feedback."""

    application_id: int
    api: str
    method: str
    path: str
    requested_at: datetime
    connection_method: str | None
    result: Mapping[str, Any]


class ItsaStatusRepository(Protocol):
    """ITSA statuses by NINO and tax year. Used by the ITSA status API and test support."""

    def replace_year(self, nino: str, tax_year: str, records: list[StoredStatus]) -> None:
        """Make ``records`` the whole history of one NINO's tax year."""
        ...

    def add(self, record: StoredStatus) -> None: ...

    def for_nino(self, nino: str) -> list[StoredStatus]:
        """Every record for a NINO, by tax year then submittedOn."""
        ...

    def delete(self, *, application_id: int | None = None, nino: str | None = None) -> int:
        """Delete records (a vendor's, a NINO's, or both filters); returns how many."""
        ...


class RelationshipRepository(Protocol):
    """Agents' relationships with clients. Used by the API authorisation checks."""

    def add(
        self,
        arn: str,
        client_nino: str,
        agent_type: str,
        at: datetime,
        client_mtditid: str | None = None,
    ) -> Relationship: ...

    def active(
        self, *, arn: str | None = None, client_nino: str | None = None
    ) -> list[Relationship]:
        """Relationships not ended, filtered by agent and/or client."""
        ...

    def end(self, relationship_id: int, at: datetime) -> None: ...


class SandboxDataRepository(Protocol):
    """Self Assessment Test Support's businesses and checkpoints, per vendor."""

    def add_business(self, business: StoredBusiness) -> None: ...

    def businesses(
        self, *, application_id: int | None = None, nino: str | None = None
    ) -> list[StoredBusiness]: ...

    def delete_business(self, application_id: int, nino: str, business_id: str) -> bool: ...

    def delete_businesses(self, *, application_id: int, nino: str | None = None) -> int: ...

    def add_checkpoint(self, checkpoint: Checkpoint) -> None: ...

    def checkpoints(self, application_id: int, nino: str | None = None) -> list[Checkpoint]: ...

    def get_checkpoint(self, application_id: int, checkpoint_id: str) -> Checkpoint | None: ...

    def delete_checkpoint(self, application_id: int, checkpoint_id: str) -> bool: ...


class PlatformRepository(Protocol):
    """The API platform's shared state: rate-limit windows and header feedback."""

    def count_request(self, application_id: int, window: int) -> int:
        """Count one request in a one-second window, atomically across workers; returns the
        window's count including this one."""
        ...

    def forget_windows_before(self, window: int) -> None: ...

    def record_feedback(self, feedback: HeaderFeedback) -> None:
        """Keep ``feedback`` as its endpoint's latest (one per application, API, method and
        path template), replacing the one before, atomically across workers."""
        ...

    def feedback(self, application_id: int, api: str) -> list[HeaderFeedback]:
        """The latest feedback for each endpoint (method and path template) of an API."""
        ...


class Transaction(Protocol):
    """One unit of work: every repository, in one database transaction."""

    @property
    def accounts(self) -> AccountRepository: ...

    @property
    def applications(self) -> ApplicationRepository: ...

    @property
    def oauth(self) -> OAuthRepository: ...

    @property
    def sessions(self) -> SessionRepository: ...

    @property
    def phone(self) -> PhoneRepository: ...

    @property
    def clock(self) -> ClockRepository: ...

    @property
    def itsa_statuses(self) -> ItsaStatusRepository: ...

    @property
    def relationships(self) -> RelationshipRepository: ...

    @property
    def sandbox(self) -> SandboxDataRepository: ...

    @property
    def platform(self) -> PlatformRepository: ...


class Store(Protocol):
    """Where the emulator's world lives."""

    def transaction(self) -> AbstractContextManager[Transaction]:
        """A unit of work that commits on success and rolls back on error."""
        ...

    def reset(self) -> None:
        """Empty the world (every table), keeping the schema."""
        ...

    def close(self) -> None: ...
