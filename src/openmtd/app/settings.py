"""Typed settings for the app, passed in (never read at import time)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Final

from cryptography.fernet import Fernet

from openmtd.sdk import PRODUCTION, SANDBOX, Environment, RateLimit

#: Where `openmtd up` and `openmtd app serve` keep the app's SQLite file by default.
DEFAULT_DATA_DIR: Final = Path("data")
#: The emulator `openmtd up` starts, and the app's HMRC by default.
DEFAULT_EMULATOR_URL: Final = "http://127.0.0.1:8100"
#: The app's own port under `openmtd up`.
DEFAULT_APP_PORT: Final = 8700


class SettingsError(ValueError):
    """Settings that cannot be used (a placeholder secret outside dev mode, a bad key)."""


def _whole_number(name: str, value: str) -> int:
    text = value.strip()
    if not (text.isascii() and text.isdigit() and len(text) < 10):
        raise SettingsError(f"{name} must be a whole number, not {value!r}")
    return int(text)


def _port(value: str) -> int:
    """A TCP port from a variable, or a :class:`SettingsError` saying what was wrong."""
    port = _whole_number("OPENMTD_APP_SMTP_PORT", value)
    if not 0 < port < 65536:
        raise SettingsError(f"OPENMTD_APP_SMTP_PORT must be a port from 1 to 65535, not {value!r}")
    return port


def hmrc_environment(value: str) -> Environment:
    """``sandbox``, ``production`` or an emulator's base URL (``http://127.0.0.1:8100``)."""
    if value == "sandbox":
        return SANDBOX
    if value == "production":
        return PRODUCTION
    if value.startswith(("http://", "https://")):
        return Environment.emulator(value.rstrip("/"))
    raise SettingsError(f"HMRC must be 'sandbox', 'production' or an emulator's URL, not {value!r}")


@dataclass(frozen=True, slots=True)
class PasswordHashing:
    """argon2id costs: OWASP's recommended minimum by default (19 MiB, 2 iterations)."""

    time_cost: int = 2
    memory_cost_kib: int = 19456
    parallelism: int = 1


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where reminder emails go when SMTP is configured (otherwise: the outbox page)."""

    host: str
    port: int = 587
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True
    sender: str = "openmtd <noreply@localhost>"

    #: The sender when none is configured.
    DEFAULT_SENDER: ClassVar[str] = "openmtd <noreply@localhost>"


@dataclass(frozen=True, slots=True)
class AppSettings:
    """Everything the app needs to start.

    Attributes:
        database_url: SQLAlchemy URL; SQLite under ``data/`` by default, PostgreSQL by URL.
        hmrc: which HMRC the app talks to (:func:`hmrc_environment`): the local emulator by
            default, HMRC's sandbox or production with the vendor's own credentials.
        client_id, client_secret: the app's credentials at that HMRC (Developer Hub).
        public_url: the app's own base URL as the browser sees it; the OAuth redirect URI is
            ``{public_url}/connect/callback`` and must be registered at HMRC exactly.
        token_keys: Fernet keys for HMRC tokens at rest, the one to encrypt with first (older
            ones still decrypt: rotation).
        secure_cookies: mark cookies ``Secure`` (on whenever the app is served over https).
        session_idle_seconds: a session ends after this long without a request.
        dev_mode: allows generated secrets (a local `openmtd up`); off, missing secrets are an
            error, never a silent placeholder.
        smtp: email settings; None keeps emails in the app's outbox page.
        vendor_public_ip: the public IP address browsers reach the app's server at, for the
            Gov-Vendor-Public-IP fraud prevention header (left out when unknown).
        rate_limit_per_second: the app's HMRC rate limit (HMRC's default for an application
            is 3 a second); each process paces its calls to stay under it, across every user
            it serves.
    """

    database_url: str = field(
        default_factory=lambda: f"sqlite:///{DEFAULT_DATA_DIR / 'app.sqlite3'}"
    )
    hmrc: Environment = field(default_factory=lambda: Environment.emulator(DEFAULT_EMULATOR_URL))
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    # localhost, not 127.0.0.1: HMRC allows a plain-http redirect URI only for localhost.
    public_url: str = f"http://localhost:{DEFAULT_APP_PORT}"
    token_keys: tuple[str, ...] = field(default=(), repr=False)
    secure_cookies: bool = False
    session_idle_seconds: int = 30 * 60
    password_hashing: PasswordHashing = field(default_factory=PasswordHashing)
    dev_mode: bool = False
    smtp: SmtpSettings | None = None
    log_requests: bool = True
    vendor_public_ip: str | None = None
    # HMRC's default limit for an application, as the SDK's RateLimit has it.
    rate_limit_per_second: int = field(default_factory=lambda: RateLimit().requests_per_second)

    def __post_init__(self) -> None:
        try:
            RateLimit(requests_per_second=self.rate_limit_per_second)
        except ValueError:
            raise SettingsError(
                "OPENMTD_APP_RATE_LIMIT must be a whole number of requests a second from 1 to "
                f"1000, not {self.rate_limit_per_second!r}"
            ) from None
        for key in self.token_keys:
            try:
                Fernet(key)
            except ValueError:
                raise SettingsError(
                    "each token key must be a Fernet key (openmtd app keygen makes one)"
                ) from None
        if not self.dev_mode and not self.token_keys:
            raise SettingsError(
                "OPENMTD_APP_TOKEN_KEYS is not set: HMRC tokens are kept encrypted with it "
                "(openmtd app keygen makes one); --dev generates one for a local trial"
            )

    @property
    def redirect_uri(self) -> str:
        """The OAuth redirect URI to register at HMRC for this app."""
        return f"{self.public_url.rstrip('/')}/connect/callback"

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, **overrides: object
    ) -> AppSettings:
        """Settings from ``OPENMTD_APP_*`` variables (keys comma-separated), then ``overrides``."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        if url := env.get("OPENMTD_APP_DATABASE_URL"):
            values["database_url"] = url
        if hmrc := env.get("OPENMTD_APP_HMRC"):
            values["hmrc"] = hmrc_environment(hmrc)
        values["client_id"] = env.get("OPENMTD_APP_CLIENT_ID", "")
        values["client_secret"] = env.get("OPENMTD_APP_CLIENT_SECRET", "")
        if public := env.get("OPENMTD_APP_PUBLIC_URL"):
            values["public_url"] = public
        keys = env.get("OPENMTD_APP_TOKEN_KEYS", "")
        values["token_keys"] = tuple(key.strip() for key in keys.split(",") if key.strip())
        values["secure_cookies"] = env.get("OPENMTD_APP_SECURE_COOKIES", "0") == "1"
        values["vendor_public_ip"] = env.get("OPENMTD_APP_VENDOR_PUBLIC_IP") or None
        if rate := env.get("OPENMTD_APP_RATE_LIMIT"):
            values["rate_limit_per_second"] = _whole_number("OPENMTD_APP_RATE_LIMIT", rate)
        if host := env.get("OPENMTD_APP_SMTP_HOST"):
            values["smtp"] = SmtpSettings(
                host=host,
                port=_port(env.get("OPENMTD_APP_SMTP_PORT", "587")),
                username=env.get("OPENMTD_APP_SMTP_USERNAME") or None,
                password=env.get("OPENMTD_APP_SMTP_PASSWORD") or None,
                starttls=env.get("OPENMTD_APP_SMTP_STARTTLS", "1") != "0",
                sender=env.get("OPENMTD_APP_SMTP_SENDER", SmtpSettings.DEFAULT_SENDER),
            )
        values.update(overrides)
        if values.get("dev_mode") and not values["token_keys"]:
            values["token_keys"] = (Fernet.generate_key().decode(),)
        return cls(**values)  # type: ignore[arg-type]
