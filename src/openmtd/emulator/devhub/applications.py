"""Developer Hub applications: credentials, redirect URIs, subscriptions and limits.

HMRC's rules (wire facts §2.6, §2.7): up to 5 redirect URIs (https, or http://localhost:PORT;
no fragment; no IP host; or one of the two out-of-band URNs), up to 5 client secrets at once
(shown once, stored hashed), a subscription per API, a rate limit (3 requests per second by
default) and a grant length (547 days, "18 months", by default).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final

from openmtd.emulator.oauth.redirect_uris import InvalidRedirectUriError, validate_redirect_uris
from openmtd.emulator.security import hashes_match, new_client_id, new_client_secret, token_hash
from openmtd.emulator.storage import Application, NewApplication, Transaction

#: The APIs the emulator serves, by the names the control API uses.
EMULATED_APIS: Final = (
    "self-assessment-individual-details",
    "business-details",
    "obligations",
    "self-assessment-test-support",
    "create-test-user",
    "agent-authorisation",
    "agent-authorisation-test-support",
    "test-fraud-prevention-headers",
)
MAX_CLIENT_SECRETS: Final = 5
DEFAULT_RATE_LIMIT: Final = 3
DEFAULT_GRANT_LENGTH_DAYS: Final = 547
#: HMRC's GrantLength values in days (APPDOM ``GrantLength.scala``); 0 means four hours.
GRANT_LENGTHS_DAYS: Final = (0, 1, 30, 90, 180, 365, 547, 1095, 1825, 3650, 36500)
MAX_RATE_LIMIT: Final = 10_000


class ApplicationError(ValueError):
    """An application setting that cannot be accepted; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class CreatedApplication:
    """A new application and its first client secret, which is shown only this once."""

    application: Application
    client_secret: str


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ApplicationError("name", "Enter an application name")
    if len(name) > 100:
        raise ApplicationError("name", "The application name must be 100 characters or fewer")
    return name


def _check_redirect_uris(uris: Sequence[str]) -> tuple[str, ...]:
    try:
        return validate_redirect_uris(list(uris))
    except InvalidRedirectUriError as error:
        raise ApplicationError("redirectUris", str(error)) from None


def _check_apis(apis: Iterable[str] | None) -> frozenset[str]:
    if apis is None:
        return frozenset(EMULATED_APIS)
    chosen = frozenset(apis)
    unknown = sorted(chosen - set(EMULATED_APIS))
    if unknown:
        raise ApplicationError(
            "apis",
            f"Unknown API {', '.join(unknown)}; choose from {', '.join(EMULATED_APIS)}",
        )
    return chosen


def _check_limits(rate_limit: int, grant_length_days: int) -> None:
    if not 1 <= rate_limit <= MAX_RATE_LIMIT:
        raise ApplicationError(
            "rateLimitPerSecond", f"The rate limit must be between 1 and {MAX_RATE_LIMIT}"
        )
    if grant_length_days not in GRANT_LENGTHS_DAYS:
        raise ApplicationError(
            "grantLengthDays",
            "The grant length must be one of HMRC's: "
            + ", ".join(str(days) for days in GRANT_LENGTHS_DAYS)
            + " days",
        )


def create_application(
    tx: Transaction,
    now: datetime,
    *,
    name: str,
    redirect_uris: Sequence[str],
    apis: Iterable[str] | None = None,
    rate_limit_per_second: int = DEFAULT_RATE_LIMIT,
    grant_length_days: int = DEFAULT_GRANT_LENGTH_DAYS,
) -> CreatedApplication:
    """Register an application; raises :class:`ApplicationError` for a bad setting."""
    checked_name = _check_name(name)
    uris = _check_redirect_uris(redirect_uris)
    subscriptions = _check_apis(apis)
    _check_limits(rate_limit_per_second, grant_length_days)
    secret = new_client_secret()
    application = tx.applications.add(
        NewApplication(
            client_id=new_client_id(),
            name=checked_name,
            redirect_uris=uris,
            apis=subscriptions,
            rate_limit_per_second=rate_limit_per_second,
            grant_length_days=grant_length_days,
            created_at=now,
            secret_hash=token_hash(secret),
            secret_hint=secret[-4:],
        )
    )
    return CreatedApplication(application, secret)


def update_application(
    tx: Transaction,
    application: Application,
    *,
    name: str | None = None,
    redirect_uris: Sequence[str] | None = None,
    apis: Iterable[str] | None = None,
    rate_limit_per_second: int | None = None,
    grant_length_days: int | None = None,
) -> Application:
    """Change an application's settings; unchanged ones stay as they are."""
    updated = replace(
        application,
        name=_check_name(name) if name is not None else application.name,
        redirect_uris=(
            _check_redirect_uris(redirect_uris)
            if redirect_uris is not None
            else application.redirect_uris
        ),
        apis=_check_apis(apis) if apis is not None else application.apis,
        rate_limit_per_second=(
            rate_limit_per_second
            if rate_limit_per_second is not None
            else application.rate_limit_per_second
        ),
        grant_length_days=(
            grant_length_days if grant_length_days is not None else application.grant_length_days
        ),
    )
    _check_limits(updated.rate_limit_per_second, updated.grant_length_days)
    tx.applications.update(updated)
    return updated


def add_client_secret(tx: Transaction, application: Application, now: datetime) -> str:
    """Make another client secret (at most five at once); returns it, shown only once."""
    if len(application.secrets) >= MAX_CLIENT_SECRETS:
        raise ApplicationError(
            "clientSecrets",
            f"An application can have at most {MAX_CLIENT_SECRETS} client secrets: "
            "delete one first",
        )
    secret = new_client_secret()
    tx.applications.add_secret(application.id, token_hash(secret), secret[-4:], now)
    return secret


def delete_client_secret(tx: Transaction, application: Application, secret_id: int) -> None:
    """Delete a client secret; the last one cannot be deleted."""
    if len(application.secrets) <= 1:
        raise ApplicationError("clientSecrets", "An application needs at least one client secret")
    if not tx.applications.delete_secret(application.id, secret_id):
        raise ApplicationError("clientSecrets", "That client secret does not exist")


def authenticate_client(tx: Transaction, client_id: str, client_secret: str) -> Application | None:
    """The application whose client_id and one of whose secrets match, or None."""
    application = tx.applications.get_by_client_id(client_id)
    if application is None:
        return None
    matched = False
    for secret in application.secrets:
        # Check every secret, so timing does not say which one matched.
        matched = hashes_match(secret.secret_hash, client_secret) or matched
    return application if matched else None
