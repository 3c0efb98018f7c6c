"""Typed settings for the emulator, passed in (never read at import time)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

#: Where `openmtd emulator serve` and `openmtd up` keep their SQLite file by default.
DEFAULT_DATA_DIR: Final = Path("data")


@dataclass(frozen=True, slots=True)
class PasswordHashing:
    """argon2id cost parameters; by default OWASP's recommended minimum for argon2id
    (19 MiB, 2 iterations, 1 lane), about 30 ms a hash on a small machine."""

    time_cost: int = 2
    memory_cost_kib: int = 19456
    parallelism: int = 1


@dataclass(frozen=True, slots=True)
class EmulatorSettings:
    """Everything the emulator needs to start.

    Attributes:
        database_url: SQLAlchemy URL. SQLite by default (a file under ``data_dir``);
            ``postgresql+psycopg://user:pass@host:port/db`` for PostgreSQL.
        control_enabled: serve the ``/emulator/*`` control API (``--no-control`` turns it off).
        secure_cookies: mark cookies ``Secure``; on when the emulator is served over https.
        session_idle_seconds: a browser session ends after this long without a request.
        password_hashing: argon2id costs for Government Gateway passwords.
        log_requests: log one line per request.
        control_token: when set, the control API answers only requests that send
            ``Authorization: Bearer <control_token>`` (``OPENMTD_EMULATOR_CONTROL_TOKEN``);
            unset by default, for a local emulator.
    """

    database_url: str = field(
        default_factory=lambda: f"sqlite:///{DEFAULT_DATA_DIR / 'emulator.sqlite3'}"
    )
    control_enabled: bool = True
    secure_cookies: bool = False
    session_idle_seconds: int = 15 * 60
    password_hashing: PasswordHashing = field(default_factory=PasswordHashing)
    log_requests: bool = True
    control_token: str | None = None

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> EmulatorSettings:
        """Settings from ``OPENMTD_EMULATOR_*`` variables, for the serve command's defaults."""
        env = os.environ if environ is None else environ
        defaults = cls()
        return cls(
            database_url=env.get("OPENMTD_EMULATOR_DATABASE_URL", defaults.database_url),
            control_enabled=env.get("OPENMTD_EMULATOR_CONTROL", "1") != "0",
            secure_cookies=env.get("OPENMTD_EMULATOR_SECURE_COOKIES", "0") == "1",
            control_token=env.get("OPENMTD_EMULATOR_CONTROL_TOKEN") or None,
        )


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{path}"
