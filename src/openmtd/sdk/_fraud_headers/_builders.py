"""The header builders, one per connection method the SDK supports (spec v3.3, §3.1 for which
headers each sends, §3.2 for their formats). Each is a :class:`~openmtd.sdk.FraudHeaderSource`:
the client asks it for the headers of every API call, just before sending.

- :class:`DesktopAppDirect`: an application installed on the user's device calling HMRC itself.
- :class:`BatchProcessDirect`: unattended software (no screen, no sign-in prompt) calling HMRC.
- :class:`WebAppViaServer`: a web application whose server calls HMRC for a browser's request;
  most values come from that request (:class:`WebRequest`).

A header whose value cannot be known is left out, never filled with a placeholder.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import ClassVar, Final

from openmtd.sdk._fraud_headers._device_id import DeviceIdFile
from openmtd.sdk._fraud_headers._encoding import (
    encode,
    encode_key_values,
    encode_list,
    format_timestamp,
)
from openmtd.sdk._fraud_headers._inputs import (
    ForwardedHop,
    FraudHeaderSettings,
    MultiFactor,
    Provider,
    Screen,
    Vendor,
    WebRequest,
    WindowSize,
    ip_text,
    is_uuid,
    resolve,
)
from openmtd.sdk._fraud_headers._machine import LocalMachine, Machine, format_utc_offset

__all__ = ["BatchProcessDirect", "DesktopAppDirect", "WebAppViaServer"]

CONNECTION_METHOD: Final = "Gov-Client-Connection-Method"
DEVICE_ID: Final = "Gov-Client-Device-ID"
LOCAL_IPS: Final = "Gov-Client-Local-IPs"
LOCAL_IPS_TIMESTAMP: Final = "Gov-Client-Local-IPs-Timestamp"
MAC_ADDRESSES: Final = "Gov-Client-MAC-Addresses"
MULTI_FACTOR: Final = "Gov-Client-Multi-Factor"
PUBLIC_IP: Final = "Gov-Client-Public-IP"
PUBLIC_IP_TIMESTAMP: Final = "Gov-Client-Public-IP-Timestamp"
PUBLIC_PORT: Final = "Gov-Client-Public-Port"
SCREENS: Final = "Gov-Client-Screens"
TIMEZONE: Final = "Gov-Client-Timezone"
USER_AGENT: Final = "Gov-Client-User-Agent"
BROWSER_JS_USER_AGENT: Final = "Gov-Client-Browser-JS-User-Agent"
USER_IDS: Final = "Gov-Client-User-IDs"
WINDOW_SIZE: Final = "Gov-Client-Window-Size"
VENDOR_FORWARDED: Final = "Gov-Vendor-Forwarded"
VENDOR_LICENSE_IDS: Final = "Gov-Vendor-License-IDs"
VENDOR_PRODUCT_NAME: Final = "Gov-Vendor-Product-Name"
VENDOR_PUBLIC_IP: Final = "Gov-Vendor-Public-IP"
VENDOR_VERSION: Final = "Gov-Vendor-Version"

_USER_AGENT_KEYS: Final = ("os-family", "os-version", "device-manufacturer", "device-model")
_OS_KEYS: Final = frozenset({"os-family", "os-version"})
_DEVICE_KEYS: Final = frozenset({"device-manufacturer", "device-model"})

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class _Headers:
    """Collects one request's headers, keeping only those with a value."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def put(self, name: str, value: str | None) -> None:
        if value:
            self.values[name] = value


def _vendor_headers(headers: _Headers, vendor: Vendor, settings: FraudHeaderSettings) -> None:
    headers.put(VENDOR_PRODUCT_NAME, vendor.product_name_header())
    headers.put(VENDOR_VERSION, vendor.version_header())
    if settings.license_ids:
        headers.put(VENDOR_LICENSE_IDS, vendor.license_header())


def _screens(screens: Sequence[Screen]) -> str | None:
    return encode_list((screen.encoded() for screen in screens), encoded=True)


def _factors(factors: Sequence[MultiFactor]) -> str | None:
    return encode_list((factor.encoded() for factor in factors), encoded=True)


def _window(window: WindowSize | None) -> str | None:
    return window.encoded() if window is not None else None


class _DeviceBuilder:
    """What DESKTOP_APP_DIRECT and BATCH_PROCESS_DIRECT share: the device's own facts."""

    connection_method: ClassVar[str]

    def __init__(
        self,
        vendor: Vendor,
        *,
        device_id: DeviceIdFile | str | None,
        user_ids: Provider[Mapping[str, str]],
        settings: FraudHeaderSettings,
        machine: Machine | None,
        clock: Clock | None,
    ) -> None:
        self.vendor = vendor
        self.device_id = DeviceIdFile(device_id) if isinstance(device_id, str) else device_id
        self.user_ids = user_ids
        self.settings = settings
        self.machine: Machine = machine if machine is not None else LocalMachine()
        self.clock: Clock = clock or _utc_now

    def headers_for(self, method: str, url: str) -> Mapping[str, str]:
        """The headers for one API call, collected now (§3.2: just before each request)."""
        headers = _Headers()
        headers.put(CONNECTION_METHOD, self.connection_method)
        self._device(headers)
        self._extra(headers)
        _vendor_headers(headers, self.vendor, self.settings)
        return headers.values

    def _device(self, headers: _Headers) -> None:
        settings, machine = self.settings, self.machine
        if settings.device_id and self.device_id is not None:
            headers.put(DEVICE_ID, self.device_id.get())
        if settings.local_ips:
            ips = encode_list(machine.local_ips())
            if ips:
                headers.put(LOCAL_IPS, ips)
                headers.put(LOCAL_IPS_TIMESTAMP, format_timestamp(self.clock()))
        if settings.mac_addresses:
            headers.put(MAC_ADDRESSES, encode_list(machine.mac_addresses()))
        if settings.timezone:
            offset = machine.utc_offset()
            headers.put(TIMEZONE, format_utc_offset(offset) if offset is not None else None)
        agent = machine.user_agent()
        allowed = (_OS_KEYS if settings.operating_system else frozenset()) | (
            _DEVICE_KEYS if settings.device_model else frozenset()
        )
        headers.put(
            USER_AGENT,
            encode_key_values((key, agent.get(key)) for key in _USER_AGENT_KEYS if key in allowed),
        )
        os_user = machine.os_user() if settings.os_user else None
        own = resolve(self.user_ids)
        headers.put(
            USER_IDS,
            encode_key_values([("os", os_user), *((k, v) for k, v in own.items() if k != "os")]),
        )

    def _extra(self, headers: _Headers) -> None:
        """What a connection method adds to the device's facts."""


class DesktopAppDirect(_DeviceBuilder):
    """DESKTOP_APP_DIRECT: software installed on the user's computer that calls HMRC directly.

    The machine gives its IPs, MAC addresses, time zone, OS user and model; the application
    gives what only it knows, each as a value or a function called for every request:

    - ``device_id``: the :class:`DeviceIdFile` (or its path) that keeps this install's UUID;
    - ``screens`` and ``window_size``: from the UI toolkit (never guessed: none, no header);
    - ``multi_factor``: the second factors the user passed to sign in to the software;
    - ``user_ids``: the software's own ids for the user (``{"my-app": "alice123"}``).
    """

    connection_method: ClassVar[str] = "DESKTOP_APP_DIRECT"

    def __init__(
        self,
        vendor: Vendor,
        *,
        device_id: DeviceIdFile | str | None,
        screens: Provider[Sequence[Screen]] = (),
        window_size: Provider[WindowSize | None] = None,
        multi_factor: Provider[Sequence[MultiFactor]] = (),
        user_ids: Provider[Mapping[str, str]] = {},  # noqa: B006 - never mutated
        settings: FraudHeaderSettings = FraudHeaderSettings(),  # noqa: B008 - frozen
        machine: Machine | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(
            vendor,
            device_id=device_id,
            user_ids=user_ids,
            settings=settings,
            machine=machine,
            clock=clock,
        )
        self.screens = screens
        self.window_size = window_size
        self.multi_factor = multi_factor

    def _extra(self, headers: _Headers) -> None:
        if self.settings.screens:
            headers.put(SCREENS, _screens(resolve(self.screens)))
        if self.settings.window_size:
            headers.put(WINDOW_SIZE, _window(resolve(self.window_size)))
        if self.settings.multi_factor:
            headers.put(MULTI_FACTOR, _factors(resolve(self.multi_factor)))


class BatchProcessDirect(_DeviceBuilder):
    """BATCH_PROCESS_DIRECT: software with no user at a screen (a scheduled job, a service)
    calling HMRC directly. It sends the machine's facts and no screens, window or second factor.
    ``device_id`` keeps the machine's UUID; ``user_ids`` names the software's own user, if any.
    """

    connection_method: ClassVar[str] = "BATCH_PROCESS_DIRECT"

    def __init__(
        self,
        vendor: Vendor,
        *,
        device_id: DeviceIdFile | str | None,
        user_ids: Provider[Mapping[str, str]] = {},  # noqa: B006 - never mutated
        settings: FraudHeaderSettings = FraudHeaderSettings(),  # noqa: B008 - frozen
        machine: Machine | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(
            vendor,
            device_id=device_id,
            user_ids=user_ids,
            settings=settings,
            machine=machine,
            clock=clock,
        )


class WebAppViaServer:
    """WEB_APP_VIA_SERVER: a web application whose server calls HMRC for a user's browser.

    Almost every value describes the browser, so it comes from the incoming request, as a
    :class:`WebRequest` made in the handler. Give it for the calls made while handling it::

        fph = WebAppViaServer(vendor, vendor_public_ip="203.0.113.6")
        client = Client(SANDBOX, fraud_headers=fph, ...)

        with fph.serving(WebRequest(public_ip=..., public_port=..., device_id=..., ...)):
            client.itsa_status(...)     # sent with this browser's headers

    or bind one source per request with :meth:`for_request`. ``vendor_public_ip`` is the public
    address of your server (or the load balancer) the browser connected to.
    """

    connection_method: ClassVar[str] = "WEB_APP_VIA_SERVER"

    def __init__(
        self,
        vendor: Vendor,
        *,
        vendor_public_ip: str | None,
        settings: FraudHeaderSettings = FraudHeaderSettings(),  # noqa: B008 - frozen
    ) -> None:
        self.vendor = vendor
        self.vendor_public_ip = ip_text(vendor_public_ip)
        if vendor_public_ip and self.vendor_public_ip is None:
            raise ValueError(f"vendor_public_ip is not an IP address: {vendor_public_ip!r}")
        self.settings = settings
        self._current: ContextVar[WebRequest | None] = ContextVar(
            f"openmtd-web-request-{id(self)}", default=None
        )

    @contextlib.contextmanager
    def serving(self, request: WebRequest) -> Iterator[WebRequest]:
        """Use ``request`` for the API calls made inside the ``with`` block (this thread or
        task only: each request handler sees its own)."""
        token = self._current.set(request)
        try:
            yield request
        finally:
            self._current.reset(token)

    def for_request(self, request: WebRequest) -> _BoundWebHeaders:
        """A header source for one incoming request."""
        return _BoundWebHeaders(self, request)

    def headers_for(self, method: str, url: str) -> Mapping[str, str]:
        """The headers for the current request (inside :meth:`serving`)."""
        request = self._current.get()
        if request is None:
            raise LookupError(
                "WebAppViaServer needs the incoming request: call HMRC inside "
                "`with headers.serving(WebRequest(...)):` or use headers.for_request(...)"
            )
        return self.build(request)

    def build(self, request: WebRequest) -> Mapping[str, str]:
        """The headers that ``request`` gives."""
        settings = self.settings
        headers = _Headers()
        headers.put(CONNECTION_METHOD, self.connection_method)
        if settings.device_id and is_uuid(request.device_id):
            headers.put(DEVICE_ID, (request.device_id or "").lower())
        if settings.browser_user_agent and request.js_user_agent:
            headers.put(BROWSER_JS_USER_AGENT, _ascii_text(request.js_user_agent))
        if settings.multi_factor:
            headers.put(MULTI_FACTOR, _factors(request.multi_factor))
        public_ip = ip_text(request.public_ip) if settings.public_ip else None
        if public_ip is not None:
            headers.put(PUBLIC_IP, public_ip)
            headers.put(PUBLIC_IP_TIMESTAMP, format_timestamp(request.seen_at))
            port = request.public_port
            if port is not None and 1 <= port <= 65535:
                headers.put(PUBLIC_PORT, str(port))
        if settings.screens:
            headers.put(SCREENS, _screens(request.screens))
        if settings.timezone and request.utc_offset is not None:
            headers.put(TIMEZONE, format_utc_offset(request.utc_offset))
        headers.put(USER_IDS, encode_key_values(request.user_ids.items()))
        if settings.window_size:
            headers.put(WINDOW_SIZE, _window(request.window_size))
        headers.put(VENDOR_FORWARDED, self._forwarded(request, public_ip))
        headers.put(VENDOR_PUBLIC_IP, self.vendor_public_ip)
        _vendor_headers(headers, self.vendor, settings)
        return headers.values

    def _forwarded(self, request: WebRequest, public_ip: str | None) -> str | None:
        hops = request.forwarded
        if hops is None:
            if self.vendor_public_ip is None or public_ip is None:
                return None
            hops = [ForwardedHop(by=self.vendor_public_ip, for_=public_ip)]
        return encode_list((hop.encoded() for hop in hops), encoded=True)


class _BoundWebHeaders:
    """WEB_APP_VIA_SERVER headers for one incoming request (:meth:`WebAppViaServer.for_request`)."""

    def __init__(self, builder: WebAppViaServer, request: WebRequest) -> None:
        self.builder = builder
        self.request = request

    def headers_for(self, method: str, url: str) -> Mapping[str, str]:
        return self.builder.build(self.request)


def _ascii_text(text: str) -> str | None:
    """navigator.userAgent as sent, percent-encoding only what is not printable US-ASCII."""
    out = "".join(ch if " " <= ch <= "~" else encode(ch) for ch in text).strip()
    return out or None
