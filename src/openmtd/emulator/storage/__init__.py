"""The emulator's storage seam: the records it keeps and the protocols that keep them.

Services depend only on these protocols; ``adapters/db`` implements them with SQLAlchemy on
SQLite or PostgreSQL, and one contract suite (``tests/contract``) runs against both. Records
are frozen dataclasses, never ORM objects, so nothing outside the adapter can touch a session.

Each service call runs in one :meth:`Store.transaction`: every repository reached through the
yielded :class:`Transaction` shares it, and it commits when the block ends without error.
Only hashes of authorisation codes, tokens, client secrets and browser-session ids are stored.

Used by: ``gateway`` (accounts, two-step, identity), ``devhub`` (applications), ``oauth``
(codes, grants, tokens), ``web`` (browser sessions), ``clock`` (the clock offset),
``agents`` (agent services accounts, authorisation requests, relationships),
``annual_review`` and ``population`` (many customers at once, in bulk).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from openmtd.emulator.storage.accounts import (
    Account,
    AccountRepository,
    Address,
    AffinityGroup,
    CredentialRole,
    Enrolment,
    Group,
    NewAccount,
    PhoneRepository,
    SignInAttemptRepository,
    SignInAttempts,
    TextMessage,
    TwoStepMethod,
)
from openmtd.emulator.storage.agents import (
    AgentRecord,
    AgentRecordRepository,
    InvitationRepository,
    LegacySaClientLink,
    LegacySaRepository,
    StoredInvitation,
)
from openmtd.emulator.storage.annual_review import AnnualReviewRepository
from openmtd.emulator.storage.apis import (
    Caller,
    Checkpoint,
    ClientLookup,
    HeaderFeedback,
    ItsaStatusRepository,
    PlatformRepository,
    Relationship,
    RelationshipRepository,
    SandboxDataRepository,
    StoredBusiness,
    StoredStatus,
)
from openmtd.emulator.storage.oauth import (
    AccessToken,
    Application,
    ApplicationRepository,
    AuthorizationCode,
    ClientSecret,
    Grant,
    GrantView,
    NewApplication,
    OAuthRepository,
    RefreshToken,
)
from openmtd.emulator.storage.obligations import FulfilledUpdate, FulfilledUpdateRepository
from openmtd.emulator.storage.population import PopulationRepository
from openmtd.emulator.storage.sessions import (
    BrowserSession,
    ClockRepository,
    SessionRepository,
)
from openmtd.emulator.storage.sign_up import (
    BusinessDetails,
    BusinessDetailsRepository,
    EligibilityRepository,
    ReturnOnFile,
    ReturnRepository,
    StoredEligibility,
    Subscription,
    SubscriptionRepository,
)


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
    def sign_in_attempts(self) -> SignInAttemptRepository: ...

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

    @property
    def subscriptions(self) -> SubscriptionRepository: ...

    @property
    def business_details(self) -> BusinessDetailsRepository: ...

    @property
    def eligibility(self) -> EligibilityRepository: ...

    @property
    def returns(self) -> ReturnRepository: ...

    @property
    def agent_records(self) -> AgentRecordRepository: ...

    @property
    def invitations(self) -> InvitationRepository: ...

    @property
    def legacy_sa(self) -> LegacySaRepository: ...

    @property
    def annual_review(self) -> AnnualReviewRepository: ...

    @property
    def population(self) -> PopulationRepository: ...

    @property
    def fulfilled_updates(self) -> FulfilledUpdateRepository: ...

    def commit(self) -> None:
        """Commit what was done so far; what follows runs in a new transaction (the API edge
        keeps a call's rate-limit window before its handler runs)."""
        ...


class Store(Protocol):
    """Where the emulator's world lives."""

    def transaction(self) -> AbstractContextManager[Transaction]:
        """A unit of work that commits on success and rolls back on error."""
        ...

    def reset(self) -> None:
        """Empty the world (every table), keeping the schema."""
        ...

    def close(self) -> None: ...


__all__ = [
    "AccessToken",
    "Account",
    "AccountRepository",
    "Address",
    "AffinityGroup",
    "AgentRecord",
    "AgentRecordRepository",
    "AnnualReviewRepository",
    "Application",
    "ApplicationRepository",
    "AuthorizationCode",
    "BrowserSession",
    "BusinessDetails",
    "BusinessDetailsRepository",
    "Caller",
    "Checkpoint",
    "ClientLookup",
    "ClientSecret",
    "ClockRepository",
    "CredentialRole",
    "EligibilityRepository",
    "Enrolment",
    "FulfilledUpdate",
    "FulfilledUpdateRepository",
    "Grant",
    "GrantView",
    "Group",
    "HeaderFeedback",
    "InvitationRepository",
    "ItsaStatusRepository",
    "LegacySaClientLink",
    "LegacySaRepository",
    "NewAccount",
    "NewApplication",
    "OAuthRepository",
    "PhoneRepository",
    "PlatformRepository",
    "PopulationRepository",
    "RefreshToken",
    "Relationship",
    "RelationshipRepository",
    "ReturnOnFile",
    "ReturnRepository",
    "SandboxDataRepository",
    "SessionRepository",
    "SignInAttemptRepository",
    "SignInAttempts",
    "Store",
    "StoredBusiness",
    "StoredEligibility",
    "StoredInvitation",
    "StoredStatus",
    "Subscription",
    "SubscriptionRepository",
    "TextMessage",
    "Transaction",
    "TwoStepMethod",
]
