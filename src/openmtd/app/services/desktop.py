"""openmtd on the person's own computer: the ``openmtd link``, ``status`` and ``obligations``
commands' side of HMRC, built from :mod:`openmtd.sdk` only.

Everything lives in one folder, the config dir (:func:`default_config_dir`:
``$XDG_CONFIG_HOME/openmtd`` or ``~/.config/openmtd``, made with mode 0700):

- ``link.json`` (0600): which HMRC, the application's client id and secret, the NINO and the
  redirect URI of the last ``openmtd link`` (:class:`DesktopLink`);
- ``tokens.json`` (0600): the grant's tokens in the SDK's :class:`~openmtd.sdk.EncryptedFileStore`,
  its key in the OS keyring when one is usable, else in ``tokens.json.key`` (0600);
- ``device-id`` (0600): this device's id for Gov-Client-Device-ID, made once and kept.

Why the client secret sits in a 0600 file and not the encrypted store: the store holds token
sets only, and a desktop application's secret is shipped with the software anyway (HMRC treats
an installed application as unable to keep one); it is needed for every token refresh. Give
``--client-secret`` or ``$OPENMTD_CLIENT_SECRET`` to use another without keeping it.

Fraud prevention headers are DESKTOP_APP_DIRECT (this machine's facts from the SDK's
:class:`~openmtd.sdk.LocalMachine`; Gov-Client-User-IDs is the OS user, as there is no openmtd
account on the desktop); no Gov-Client-Multi-Factor is sent, because the commands have no
second factor of their own.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

import httpx

from openmtd import __version__
from openmtd.app.settings import DEFAULT_EMULATOR_URL, hmrc_environment
from openmtd.rules.clock import Clock, SystemClock, uk_today
from openmtd.rules.tax_year import TaxYear
from openmtd.sdk import (
    AuthorizationRequest,
    Caller,
    Client,
    DesktopAppDirect,
    DeviceIdFile,
    EncryptedFileStore,
    Environment,
    LocalMachine,
    Machine,
    NotAuthorised,
    NotFound,
    NotSignedUp,
    OAuthClient,
    OpenMtdError,
    ReauthorisationRequired,
    UserAuth,
    Vendor,
)

#: The HMRC ``openmtd link`` talks to unless told otherwise: the local emulator of `openmtd up`.
DEFAULT_HMRC: Final = DEFAULT_EMULATOR_URL
#: The loopback port of the redirect URI ``http://localhost:8765/`` (openmtd's choice; HMRC
#: matches redirect URIs exactly, so the one registered must name the same port and path).
DEFAULT_PORT: Final = 8765
DEFAULT_PATH: Final = "/"
#: How long ``openmtd link`` waits for the person to finish HMRC's sign-in (openmtd's choice:
#: an identity check can take a while; HMRC's code itself lives 10 minutes).
DEFAULT_WAIT_S: Final = 600.0
#: The scopes the desktop grant asks for (the same as the web app's individual connection).
DESKTOP_SCOPES: Final = ("read:self-assessment", "write:self-assessment")
#: The token store's key for the one grant kept on this computer.
STORE_KEY: Final = "default"
PRODUCT_NAME: Final = "openmtd"

LINK_FILE: Final = "link.json"
TOKENS_FILE: Final = "tokens.json"
DEVICE_ID_FILE: Final = "device-id"
_VERSION: Final = 1


def default_config_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/openmtd``, else ``~/.config/openmtd``."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CONFIG_HOME") or ""
    # The XDG spec: a relative value is invalid and is ignored.
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / "openmtd"


def loopback_redirect_uri(port: int, path: str = DEFAULT_PATH) -> str:
    """The redirect URI the SDK's loopback receiver answers on (register it at HMRC)."""
    return f"http://localhost:{port}{path}"


class NotLinked(Exception):  # noqa: N818 (named for what the person is told)
    """No ``openmtd link`` has been made in this config dir (or it was undone)."""


class LinkFileError(Exception):
    """The link file exists but cannot be read or written; the message says why."""


@dataclass(frozen=True, slots=True)
class DesktopLink:
    """What ``openmtd link`` keeps besides the tokens (never a token)."""

    hmrc: str
    client_id: str
    client_secret: str = field(repr=False)
    nino: str
    redirect_uri: str
    linked_at: datetime

    @property
    def environment(self) -> Environment:
        """The HMRC of this link (``sandbox``, ``production`` or an emulator's URL)."""
        return hmrc_environment(self.hmrc)

    def to_json(self) -> dict[str, Any]:
        return {
            "v": _VERSION,
            "hmrc": self.hmrc,
            "clientId": self.client_id,
            "clientSecret": self.client_secret,
            "nino": self.nino,
            "redirectUri": self.redirect_uri,
            "linkedAt": self.linked_at.isoformat(),
        }

    @classmethod
    def from_json(cls, value: object) -> DesktopLink:
        if not isinstance(value, dict) or value.get("v") != _VERSION:
            raise ValueError("not an openmtd link file of this version")
        linked_at = datetime.fromisoformat(str(value["linkedAt"]))
        texts = {name: value[name] for name in ("hmrc", "clientId", "clientSecret", "nino")}
        if not all(isinstance(text, str) and text for text in texts.values()):
            raise ValueError("a field is missing or empty")
        return cls(
            hmrc=str(value["hmrc"]),
            client_id=str(value["clientId"]),
            client_secret=str(value["clientSecret"]),
            nino=str(value["nino"]),
            redirect_uri=str(value["redirectUri"]),
            linked_at=linked_at,
        )


@dataclass(frozen=True, slots=True)
class LinkOutcome:
    """What a finished link found with its one check call: whether HMRC holds an MTD sign-up
    for the NINO, and the error of a check that could not be made (the link is kept)."""

    link: DesktopLink
    signed_up: bool
    check_error: OpenMtdError | None = None


class Desktop:
    """The config dir and the SDK objects built from it.

    ``transport`` carries every HTTP call to HMRC (tests pass the in-process emulator);
    ``clock`` is the SDK's clock (token expiry) and today's date; ``machine`` the fraud
    headers' source of this machine's facts.
    """

    def __init__(
        self,
        directory: Path,
        *,
        use_keyring: bool = True,
        transport: httpx.BaseTransport | None = None,
        clock: Clock | None = None,
        machine: Machine | None = None,
    ) -> None:
        self.directory = directory
        self.use_keyring = use_keyring
        self.transport = transport
        self.clock: Clock = clock or SystemClock()
        self.machine: Machine = machine or LocalMachine()
        self._tokens: EncryptedFileStore | None = None

    def __repr__(self) -> str:
        return f"Desktop({str(self.directory)!r})"

    @property
    def link_path(self) -> Path:
        return self.directory / LINK_FILE

    @property
    def tokens_path(self) -> Path:
        return self.directory / TOKENS_FILE

    def ensure_directory(self) -> None:
        """Make the config dir (0700) if it does not exist yet."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)

    # --- the link file ---------------------------------------------------------------------
    def read_link(self) -> DesktopLink:
        """The kept link; :class:`NotLinked` when there is none, :class:`LinkFileError` when
        it cannot be read."""
        try:
            text = self.link_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise NotLinked(str(self.directory)) from None
        except OSError as error:
            raise LinkFileError(f"cannot read {self.link_path}: {error.strerror}") from None
        try:
            return DesktopLink.from_json(json.loads(text))
        except (ValueError, KeyError, TypeError) as error:
            raise LinkFileError(
                f"{self.link_path} is not a link openmtd can read ({error})"
            ) from None

    def saved_link(self) -> DesktopLink | None:
        """The kept link, or None when there is none or it cannot be read (for defaults)."""
        try:
            return self.read_link()
        except (NotLinked, LinkFileError):
            return None

    def save_link(self, link: DesktopLink) -> None:
        """Write the link file atomically with mode 0600 (it holds the client secret)."""
        self.ensure_directory()
        data = json.dumps(link.to_json(), indent=2).encode()
        handle, temporary = tempfile.mkstemp(prefix=".link-", dir=self.directory)
        try:
            os.fchmod(handle, 0o600)
            os.write(handle, data)
            os.fsync(handle)
            os.close(handle)
            os.replace(temporary, self.link_path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.close(handle)
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    def forget(self) -> None:
        """Delete the link and its tokens (a link HMRC refused for this NINO)."""
        self.tokens.delete(STORE_KEY)
        self.link_path.unlink(missing_ok=True)

    # --- the SDK objects --------------------------------------------------------------------
    @property
    def tokens(self) -> EncryptedFileStore:
        """The encrypted token store in the config dir."""
        if self._tokens is None:
            self.ensure_directory()
            self._tokens = EncryptedFileStore(self.tokens_path, use_keyring=self.use_keyring)
        return self._tokens

    def oauth(
        self,
        environment: Environment,
        client_id: str,
        client_secret: str,
        redirect_uri: str | None = None,
    ) -> OAuthClient:
        return OAuthClient(
            environment, client_id, client_secret, redirect_uri=redirect_uri, clock=self.clock
        )

    def fraud_headers(self) -> DesktopAppDirect:
        """DESKTOP_APP_DIRECT headers with this device's kept id (no screens or window: a
        terminal has none; no multi-factor: none was passed)."""
        self.ensure_directory()
        return DesktopAppDirect(
            Vendor(PRODUCT_NAME, {PRODUCT_NAME: __version__}),
            device_id=DeviceIdFile(self.directory / DEVICE_ID_FILE),
            machine=self.machine,
        )

    def http(self) -> httpx.Client:
        """An httpx client to HMRC for the code exchange (made outside a :class:`Client`)."""
        return httpx.Client(transport=self.transport, timeout=30.0)

    def client(self, link: DesktopLink, *, client_secret: str | None = None) -> Client:
        """An SDK client acting with the kept grant (refreshed under the store's lock)."""
        oauth = self.oauth(link.environment, link.client_id, client_secret or link.client_secret)
        return Client(
            link.environment,
            auth=UserAuth(self.tokens, STORE_KEY, oauth, clock=self.clock),
            fraud_headers=self.fraud_headers(),
            transport=self.transport,
            user_agent=f"openmtd-cli/{__version__}",
            caller=Caller.individual(link.nino),
        )

    def today(self) -> date:
        """Today's date in the UK (the clock's)."""
        return uk_today(self.clock)

    # --- the link ---------------------------------------------------------------------------
    def finish_link(
        self,
        oauth: OAuthClient,
        code: str,
        request: AuthorizationRequest,
        *,
        hmrc: str,
        client_secret: str,
        nino: str,
    ) -> LinkOutcome:
        """Exchange the code, keep the tokens and the link, and make one check call.

        Raises the exchange's error (nothing kept), or :class:`~openmtd.sdk.NotAuthorised` /
        :class:`~openmtd.sdk.ReauthorisationRequired` from the check (the grant is someone
        else's, or already refused: tokens and link forgotten). Any other error of the check
        is returned in the outcome with the link kept.
        """
        with self.http() as http:
            granted = oauth.exchange_code(code, request, http=http)
        self.tokens.save(STORE_KEY, granted)
        link = DesktopLink(
            hmrc=hmrc,
            client_id=oauth.client_id,
            client_secret=client_secret,
            nino=nino,
            redirect_uri=request.redirect_uri,
            linked_at=self.clock.now(),
        )
        self.save_link(link)
        try:
            with self.client(link) as client:
                client.itsa_status.retrieve(nino, str(TaxYear.at(self.clock.now())))
        except NotFound:
            pass  # signed up, with no status for this year yet
        except (NotAuthorised, ReauthorisationRequired):
            self.forget()
            raise
        except NotSignedUp:
            return LinkOutcome(link, signed_up=False)
        except OpenMtdError as error:
            return LinkOutcome(link, signed_up=True, check_error=error)
        return LinkOutcome(link, signed_up=True)
