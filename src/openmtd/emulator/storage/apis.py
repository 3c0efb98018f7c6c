"""The API platform's data: ITSA statuses, agents' relationships, Self Assessment Test Support's
businesses and checkpoints, rate-limit windows and fraud-header feedback."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from openmtd.emulator.storage.accounts import Account, Enrolment
from openmtd.emulator.storage.oauth import AccessToken, Application


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
    """An agent's authority for a client's MTD ITSA (main ``HMRC-MTD-IT`` or supporting).

    ``invitation_id`` is the authorisation request it came from; ``sa_agent_reference`` the
    legacy Self Assessment link it was copied from (business rules §2.3), so a link is copied
    once; ``ended_by`` is ``Agent``, ``Client`` or ``HMRC`` once it has ended.
    """

    id: int
    arn: str
    client_nino: str
    agent_type: str
    created_at: datetime
    client_mtditid: str | None = None
    ended_at: datetime | None = None
    ended_by: str | None = None
    invitation_id: str | None = None
    sa_agent_reference: str | None = None


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


@dataclass(frozen=True, slots=True)
class ClientLookup:
    """A customer as the MTD APIs' authorisation reads them, in one read: the NINO as held,
    the first enrolment of the asked-for key in their group (None: none), and one agency's
    active relationships with them, oldest first (none asked for: empty)."""

    nino: str
    enrolment: Enrolment | None
    relationships: tuple[Relationship, ...] = ()


class RelationshipRepository(Protocol):
    """Agents' relationships with clients. Used by the API authorisation checks and
    ``emulator.agents`` (which makes and ends them)."""

    def add(
        self,
        arn: str,
        client_nino: str,
        agent_type: str,
        at: datetime,
        client_mtditid: str | None = None,
        *,
        invitation_id: str | None = None,
        sa_agent_reference: str | None = None,
    ) -> Relationship: ...

    def active(
        self, *, arn: str | None = None, client_nino: str | None = None
    ) -> list[Relationship]:
        """Relationships not ended, filtered by agent and/or client."""
        ...

    def every(
        self, *, arn: str | None = None, client_nino: str | None = None
    ) -> list[Relationship]:
        """Relationships ended or not, filtered by agent and/or client, oldest first."""
        ...

    def end(self, relationship_id: int, at: datetime, ended_by: str | None = None) -> None: ...

    def client_lookup(self, nino: str, enrolment_key: str, arn: str | None) -> ClientLookup | None:
        """The (first) account holding ``nino``, its group's first ``enrolment_key`` enrolment
        and ``arn``'s active relationships with it (none when ``arn`` is None), in one
        statement; None when no account holds the NINO."""
        ...


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


@dataclass(frozen=True, slots=True)
class Caller:
    """Who presents an access token, as the API platform checks it on every call.

    ``application`` is the token's application without its client secrets (``secrets`` is
    empty: the platform never needs them); ``account`` is None for a client_credentials token.
    ``clock_offset_seconds`` is the emulator's clock offset, read in the same statement so a
    call needs no read of its own for the clock (and every worker still sees a change at once).
    """

    token: AccessToken
    application: Application
    account: Account | None
    clock_offset_seconds: float


class PlatformRepository(Protocol):
    """The API platform's shared state: the caller, rate-limit windows and header feedback."""

    def caller(self, token_hash: str) -> Caller | None:
        """The access token with this hash, with its application, its account (group and
        enrolments) and the clock offset, in one read; None for an unknown token. Expiry and
        revocation are left to the platform to judge."""
        ...

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
