"""What the application tells the header builders, because no library can find it out: the
vendor's product, the screens and window the user sees, the software's own multi-factor
sign-in, its user ids, and (for a web app) the incoming request. Plus :class:`FraudHeaderSettings`,
what the builders may collect from the machine.

Every value here is the application's; the builders only encode it (§3.2). Nothing is guessed:
whatever is left as ``None`` or empty makes its header (or key) left out.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final, TypeAlias, TypeVar

from openmtd.sdk._fraud_headers._encoding import encode, encode_key_values, sha256_hex

__all__ = [
    "FactorType",
    "ForwardedHop",
    "FraudHeaderSettings",
    "MultiFactor",
    "Provider",
    "Screen",
    "Vendor",
    "WebRequest",
    "WindowSize",
    "resolve",
]

T = TypeVar("T")
#: A value, or a function giving the current value (called for every request).
Provider: TypeAlias = T | Callable[[], T]

_UUID: Final = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


def resolve(provider: Provider[T]) -> T:
    """The provider's current value."""
    if callable(provider):
        return provider()
    return provider


def is_uuid(text: str | None) -> bool:
    """Whether ``text`` is a (non-nil) UUID, the only thing Gov-Client-Device-ID may hold."""
    return bool(text) and bool(_UUID.fullmatch(text or "")) and set(text or "") != {"0", "-"}


def ip_text(text: str | None) -> str | None:
    """The address in canonical form (IPv6 compressed, no zone), or None if it is none."""
    if not text:
        return None
    try:
        return str(ipaddress.ip_address(text.split("%", 1)[0].strip("[]")))
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class FraudHeaderSettings:
    """What the builders may collect. Every default is True: spec v3.3 requires each of these
    of the connection methods that send them. Turn one off where your users or your privacy
    notice forbid it; its header (or key) is then left out, never faked, and HMRC's validator
    will report it missing (talk to HMRC before you ship that).
    """

    #: Gov-Client-Local-IPs and its timestamp: the machine's own addresses, read locally.
    local_ips: bool = True
    #: Gov-Client-MAC-Addresses: the network interfaces' hardware addresses.
    mac_addresses: bool = True
    #: The ``os`` key of Gov-Client-User-IDs: the user signed in to the operating system.
    os_user: bool = True
    #: Gov-Client-User-Agent's os-family and os-version.
    operating_system: bool = True
    #: Gov-Client-User-Agent's device-manufacturer and device-model.
    device_model: bool = True
    #: Gov-Client-Timezone.
    timezone: bool = True
    #: Gov-Client-Device-ID (from the device id file, or the web request's cookie).
    device_id: bool = True
    #: Gov-Client-Screens (as the application gives them).
    screens: bool = True
    #: Gov-Client-Window-Size (as the application gives it).
    window_size: bool = True
    #: Gov-Client-Multi-Factor (as the application gives it).
    multi_factor: bool = True
    #: Gov-Client-Public-IP, its timestamp and Gov-Client-Public-Port (web: from the request).
    public_ip: bool = True
    #: Gov-Client-Browser-JS-User-Agent (web: as the browser reported it).
    browser_user_agent: bool = True
    #: Gov-Vendor-License-IDs.
    license_ids: bool = True


@dataclass(frozen=True, slots=True)
class Vendor:
    """The software, as Gov-Vendor-Product-Name, -Version and -License-IDs describe it.

    ``versions`` maps each piece of software to its version (``{"my-app": "1.6.0"}``; a web app
    may name its front and back end). ``licenses`` maps software names to the licence keys
    the user holds, in clear: they are sent SHA-256 hashed, never in clear.
    """

    product_name: str
    versions: Mapping[str, str]
    licenses: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.product_name.strip():
            raise ValueError("Vendor.product_name must name the product")
        if not any(name and version for name, version in self.versions.items()):
            raise ValueError("Vendor.versions needs at least one software=version pair")

    def product_name_header(self) -> str:
        return encode(self.product_name)

    def version_header(self) -> str | None:
        return encode_key_values(self.versions.items())

    def license_header(self) -> str | None:
        return encode_key_values(
            (name, sha256_hex(key) if key else None) for name, key in self.licenses.items()
        )


@dataclass(frozen=True, slots=True)
class Screen:
    """One screen as the application's UI toolkit reports it (e.g. Qt's QScreen, Tk's
    winfo_screenwidth): size in pixels, scaling factor and colour depth in bits."""

    width: int
    height: int
    scaling_factor: float | None = None
    colour_depth: int | None = None

    def encoded(self) -> str | None:
        if self.width <= 0 or self.height <= 0:
            return None
        return encode_key_values(
            [
                ("width", str(self.width)),
                ("height", str(self.height)),
                ("scaling-factor", _number(self.scaling_factor)),
                ("colour-depth", str(self.colour_depth) if self.colour_depth else None),
            ]
        )


@dataclass(frozen=True, slots=True)
class WindowSize:
    """The size of the application's window (web: the browser's viewport), in pixels."""

    width: int
    height: int

    def encoded(self) -> str | None:
        if self.width <= 0 or self.height <= 0:
            return None
        return encode_key_values([("width", str(self.width)), ("height", str(self.height))])


class FactorType(StrEnum):
    """The kinds of second factor spec v3.3 names for Gov-Client-Multi-Factor."""

    TOTP = "TOTP"
    AUTH_CODE = "AUTH_CODE"
    OTHER = "OTHER"


@dataclass(frozen=True, slots=True)
class MultiFactor:
    """A second factor the user passed to sign in to *your* software (not to HMRC).

    ``reference`` identifies the factor (the phone number a code went to, the TOTP device's
    id); it is sent SHA-256 hashed. ``at`` is when the user last passed it.
    """

    type: FactorType
    at: datetime
    reference: str

    def encoded(self) -> str | None:
        at = self.at.replace(tzinfo=UTC) if self.at.tzinfo is None else self.at.astimezone(UTC)
        return encode_key_values(
            [
                ("type", FactorType(self.type).value),
                ("timestamp", at.strftime("%Y-%m-%dT%H:%MZ")),
                ("unique-reference", sha256_hex(self.reference) if self.reference else None),
            ]
        )


@dataclass(frozen=True, slots=True)
class ForwardedHop:
    """One TLS-terminating hop over the internet, for Gov-Vendor-Forwarded: the public
    address of the server that terminated it (``by``) and of the sender (``for_``)."""

    by: str
    for_: str

    def encoded(self) -> str | None:
        by, for_ = ip_text(self.by), ip_text(self.for_)
        if by is None or for_ is None:
            return None
        return encode_key_values([("by", by), ("for", for_)])


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class WebRequest:
    """What one incoming request to a web app's server tells about the user's browser
    (WEB_APP_VIA_SERVER). Build one per request, in the handler that calls HMRC.

    - ``public_ip`` / ``public_port``: the browser's address and source port as your server
      (or the load balancer that terminated TLS, from the header it adds) saw them;
      ``seen_at`` is when (default: when this object was made).
    - ``device_id``: the UUID your pages keep in a long-lived cookie for this browser.
    - ``js_user_agent``, ``screens``, ``window_size``, ``utc_offset``: what your pages' script
      read (``navigator.userAgent``, ``window.screen``, ``window.innerWidth``/``innerHeight``,
      and ``-new Date().getTimezoneOffset()`` minutes east of UTC) and sent along.
    - ``user_ids``: your own ids of the signed-in user (``{"my-web-app": "alice123"}``).
    - ``multi_factor``: the second factors the user passed to sign in to your app.
    - ``forwarded``: the TLS hops over the internet; default one hop, from the browser to your
      server's public address.
    """

    public_ip: str | None = None
    public_port: int | None = None
    seen_at: datetime = field(default_factory=_now)
    device_id: str | None = None
    js_user_agent: str | None = None
    screens: Sequence[Screen] = ()
    window_size: WindowSize | None = None
    utc_offset: timedelta | None = None
    user_ids: Mapping[str, str] = field(default_factory=dict)
    multi_factor: Sequence[MultiFactor] = ()
    forwarded: Sequence[ForwardedHop] | None = None


def _number(value: float | None) -> str | None:
    if value is None or value <= 0:
        return None
    return f"{value:.6f}".rstrip("0").rstrip(".")
