"""Where the SDK talks to: HMRC production, HMRC's sandbox, or an emulator.

HMRC splits each environment over two hosts (wire facts §0): the API host serves the APIs and
``/oauth/token``; the browser ("www") host serves ``/oauth/authorize``, the page a person signs
in on. The emulator serves both from one address.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["EMULATOR_DEFAULT_URL", "PRODUCTION", "SANDBOX", "Environment"]

EMULATOR_DEFAULT_URL = "http://127.0.0.1:8100"


@dataclass(frozen=True, slots=True)
class Environment:
    """The two base URLs of one environment, without a trailing slash.

    Example::

        env = Environment.emulator("http://127.0.0.1:8100")
        env.api_url("/oauth/token")  # 'http://127.0.0.1:8100/oauth/token'
    """

    name: str
    api_base_url: str
    auth_base_url: str
    is_test: bool

    def __post_init__(self) -> None:
        for field, value in (
            ("api_base_url", self.api_base_url),
            ("auth_base_url", self.auth_base_url),
        ):
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"{field} must be an absolute http(s) URL, not {value!r}")
            if value.endswith("/") or parts.query or parts.fragment:
                raise ValueError(f"{field} must have no trailing slash, query or fragment")

    @classmethod
    def emulator(cls, url: str = EMULATOR_DEFAULT_URL) -> Environment:
        """An openmtd emulator (or any HMRC look-alike) at ``url``: one host for both roles."""
        base = url.rstrip("/")
        return cls(name="emulator", api_base_url=base, auth_base_url=base, is_test=True)

    def api_url(self, path: str) -> str:
        """The absolute URL of an API path (``/individuals/...``, ``/oauth/token``)."""
        return self.api_base_url + _path(path)

    def auth_url(self, path: str) -> str:
        """The absolute URL of a browser path (``/oauth/authorize``)."""
        return self.auth_base_url + _path(path)


def _path(path: str) -> str:
    if not path.startswith("/"):
        raise ValueError(f"a path starts with '/', not {path!r}")
    return path


PRODUCTION = Environment(
    name="production",
    api_base_url="https://api.service.hmrc.gov.uk",
    auth_base_url="https://www.tax.service.gov.uk",
    is_test=False,
)
SANDBOX = Environment(
    name="sandbox",
    api_base_url="https://test-api.service.hmrc.gov.uk",
    auth_base_url="https://test-www.tax.service.gov.uk",
    is_test=True,
)
