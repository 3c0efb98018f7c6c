"""``openmtd fph check``: build the fraud prevention headers on this machine and have them
judged, by HMRC's Test Fraud Prevention Headers API or (``--local``) by the SDK's own validator.

The API (wire facts §3.3) is sandbox only: ``--environment sandbox`` or an emulator's URL
(default the local emulator, http://127.0.0.1:8100). The SDK's Client calls it with an
application token from ``/oauth/token`` (client_credentials), so it needs the application's
client id and secret: ``--client-id``/``--client-secret`` or ``$OPENMTD_CLIENT_ID``/
``$OPENMTD_CLIENT_SECRET``.

What only the application knows (screens, window size, user ids; for a web app the browser's
request) comes from options; what is not given is left out, never made up, and the validator
says so. Exit status: 0 no error (warnings may remain), 1 the headers have errors, 2 the check
could not be made (bad option, no credentials, HMRC or the network refused); never a traceback.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Final, NoReturn

import httpx
import typer
from rich.console import Console
from rich.markup import escape

from openmtd import __version__
from openmtd.cli.help import PlainHelpCommand
from openmtd.sdk import (
    ApplicationAuth,
    Client,
    HmrcApiError,
    OAuthClient,
    OAuthError,
    OpenMtdError,
    TransportError,
)
from openmtd.sdk._environment import EMULATOR_DEFAULT_URL, SANDBOX, Environment
from openmtd.sdk._fraud_headers import (
    BatchProcessDirect,
    DesktopAppDirect,
    DeviceIdFile,
    Screen,
    Vendor,
    WebAppViaServer,
    WebRequest,
    WindowSize,
    validate_fraud_headers,
)
from openmtd.sdk._fraud_headers._report import FraudHeaderReport
from openmtd.sdk._seams import FraudHeaderSource

app = typer.Typer(
    help="Fraud prevention headers: build them here and have them checked.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

_out = Console(highlight=False, soft_wrap=True)
_err = Console(stderr=True, highlight=False, soft_wrap=True)

VALIDATE_PATH: Final = "/test/fraud-prevention-headers/validate"
TIMEOUT_S: Final = 30.0
_SIZE: Final = re.compile(r"([0-9]{1,6})x([0-9]{1,6})")
_SCREEN: Final = re.compile(
    r"([0-9]{1,6})x([0-9]{1,6})(?:@([0-9]{1,3}(?:\.[0-9]{1,4})?))?(?::([0-9]{1,3}))?"
)
_OFFSET: Final = re.compile(r"(?:UTC)?([+-])([0-9]{2}):([0-9]{2})")


class Method(StrEnum):
    """The connection methods the SDK builds headers for."""

    DESKTOP_APP_DIRECT = "DESKTOP_APP_DIRECT"
    WEB_APP_VIA_SERVER = "WEB_APP_VIA_SERVER"
    BATCH_PROCESS_DIRECT = "BATCH_PROCESS_DIRECT"


class CheckError(Exception):
    """The check could not be made; the message says why."""


def _default_device_id_file() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "openmtd" / "device-id"


def _fail(message: str) -> NoReturn:
    _err.print(f"error: {escape(message)}")
    raise typer.Exit(2)


def _pairs(values: list[str], option: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        name, equals, text = value.partition("=")
        if not equals or not name or not text:
            raise typer.BadParameter(f"expected NAME=VALUE, not {value!r}", param_hint=option)
        pairs[name] = text
    return pairs


def _screen(value: str) -> Screen:
    match = _SCREEN.fullmatch(value)
    if match is None or not int(match[1]) or not int(match[2]):
        raise typer.BadParameter(
            f"expected WIDTHxHEIGHT[@SCALING][:COLOUR_DEPTH], e.g. 1920x1080@1.25:24, "
            f"not {value!r}",
            param_hint="--screen",
        )
    return Screen(
        int(match[1]),
        int(match[2]),
        float(match[3]) if match[3] else None,
        int(match[4]) if match[4] else None,
    )


def _window(value: str | None) -> WindowSize | None:
    if value is None:
        return None
    match = _SIZE.fullmatch(value)
    if match is None or not int(match[1]) or not int(match[2]):
        raise typer.BadParameter(
            f"expected WIDTHxHEIGHT, e.g. 1280x720, not {value!r}", param_hint="--window"
        )
    return WindowSize(int(match[1]), int(match[2]))


def _offset(value: str | None) -> timedelta | None:
    if value is None:
        return None
    match = _OFFSET.fullmatch(value)
    if match is None:
        raise typer.BadParameter(
            f"expected UTC±hh:mm, e.g. UTC+01:00, not {value!r}", param_hint="--utc-offset"
        )
    minutes = int(match[2]) * 60 + int(match[3])
    return timedelta(minutes=-minutes if match[1] == "-" else minutes)


def _environment(value: str) -> Environment:
    if value.lower() == "sandbox":
        return SANDBOX
    if value.lower() == "production":
        raise typer.BadParameter(
            "the Test Fraud Prevention Headers API is sandbox only: use sandbox, an emulator's "
            "URL, or --local",
            param_hint="--environment",
        )
    try:
        return Environment.emulator(value)
    except ValueError as error:
        raise typer.BadParameter(
            f"expected sandbox or an http(s) URL such as {EMULATOR_DEFAULT_URL}, not {value!r} "
            f"({error})",
            param_hint="--environment",
        ) from None


class _Sent:
    """The headers built once, so that what is printed is exactly what the client sent."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        self.headers = dict(headers)

    def headers_for(self, method: str, url: str) -> Mapping[str, str]:
        return self.headers


def fetch_report(
    environment: Environment,
    client_id: str,
    client_secret: str,
    headers: Mapping[str, str],
    *,
    transport: httpx.BaseTransport | None = None,
) -> FraudHeaderReport:
    """HMRC's verdict on ``headers``: the SDK's client, signed with an application token
    (client_credentials), calls the validate endpoint once (no retries: it is a check)."""
    oauth = OAuthClient(environment, client_id, client_secret, timeout=TIMEOUT_S)
    try:
        with Client(
            environment,
            auth=ApplicationAuth(oauth),
            fraud_headers=_Sent(headers),
            transport=transport,
            timeout=TIMEOUT_S,
            retries=0,
        ) as client:
            validation = client.test_fraud_headers.validate()
    except OAuthError as error:
        raise CheckError(f"the token endpoint refused: {error}") from None
    except HmrcApiError as error:
        raise CheckError(
            f"{VALIDATE_PATH} answered {error.status} {error.code}: {error.message}"
        ) from None
    except TransportError as error:
        raise CheckError(f"no answer from {environment.api_base_url}: {error}") from None
    except OpenMtdError as error:  # anything else the SDK refuses, e.g. a body of no shape
        raise CheckError(f"{VALIDATE_PATH}: {error}") from None
    return FraudHeaderReport.from_body(validation.model_dump(mode="json", by_alias=True))


def _render(report: FraudHeaderReport, headers: dict[str, str], method: Method, by: str) -> None:
    _out.print(f"Fraud prevention headers for {method.value}, checked by {escape(by)}")
    _out.print(f"{report.code}: {escape(report.message)}")
    for title, mark, issues in (
        ("Errors", "✗", report.errors),
        ("Warnings", "!", report.warnings),
    ):
        if not issues:
            continue
        _out.print(f"\n{title} ({len(issues)})")
        for issue in issues:
            _out.print(
                f"  {mark} {escape(', '.join(issue.headers) or '(request)')}: "
                f"{escape(issue.code)}: {escape(issue.message)}"
            )
    _out.print("\nHeaders sent")
    width = max((len(name) for name in headers), default=0)
    for name, value in headers.items():
        _out.print(f"  {escape(name.ljust(width))}  {escape(value)}")


@app.command(
    cls=PlainHelpCommand, short_help="Build and check this machine's fraud prevention headers."
)
def check(
    connection_method: Annotated[
        Method,
        typer.Option(
            "--connection-method",
            "-m",
            case_sensitive=False,
            metavar="METHOD",
            help="DESKTOP_APP_DIRECT, WEB_APP_VIA_SERVER or BATCH_PROCESS_DIRECT.",
        ),
    ] = Method.DESKTOP_APP_DIRECT,
    environment: Annotated[
        str,
        typer.Option(
            "--environment",
            "-e",
            metavar="sandbox|URL",
            help="HMRC's sandbox, or an emulator's URL.",
        ),
    ] = EMULATOR_DEFAULT_URL,
    client_id: Annotated[
        str | None,
        typer.Option(
            "--client-id",
            metavar="ID",
            envvar="OPENMTD_CLIENT_ID",
            help="The application's client id. Default: $OPENMTD_CLIENT_ID.",
            show_envvar=False,
        ),
    ] = None,
    client_secret: Annotated[
        str | None,
        typer.Option(
            "--client-secret",
            metavar="SECRET",
            envvar="OPENMTD_CLIENT_SECRET",
            help="The application's client secret. Default: $OPENMTD_CLIENT_SECRET.",
            show_envvar=False,
        ),
    ] = None,
    local: Annotated[
        bool,
        typer.Option("--local", help="Check with the SDK's own validator only (no network)."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    product_name: Annotated[
        str, typer.Option("--product-name", metavar="NAME", help="Gov-Vendor-Product-Name.")
    ] = "openmtd",
    software: Annotated[
        list[str] | None,
        typer.Option(
            "--software",
            metavar="NAME=VERSION",
            help="Gov-Vendor-Version pairs (repeatable). Default: openmtd and its version.",
        ),
    ] = None,
    license_key: Annotated[
        list[str] | None,
        typer.Option(
            "--license",
            metavar="NAME=KEY",
            help="A licence key (repeatable); sent SHA-256 hashed in Gov-Vendor-License-IDs.",
        ),
    ] = None,
    user_id: Annotated[
        list[str] | None,
        typer.Option(
            "--user-id",
            metavar="KEY=VALUE",
            help="Your software's own user id for Gov-Client-User-IDs (repeatable).",
        ),
    ] = None,
    device_id_file: Annotated[
        Path | None,
        typer.Option(
            "--device-id-file",
            metavar="PATH",
            help="Where this device's id is kept (created once). "
            "Default: $XDG_DATA_HOME/openmtd/device-id or ~/.local/share/openmtd/device-id.",
            show_default=False,
        ),
    ] = None,
    screen: Annotated[
        list[str] | None,
        typer.Option(
            "--screen",
            metavar="WxH[@SCALE][:DEPTH]",
            help="A screen, e.g. 1920x1080@1.25:24 (repeatable). Your app reads these from "
            "its UI toolkit; without one, Gov-Client-Screens is left out.",
        ),
    ] = None,
    window: Annotated[
        str | None,
        typer.Option("--window", metavar="WxH", help="The window (web: viewport) size."),
    ] = None,
    public_ip: Annotated[
        str | None,
        typer.Option("--public-ip", metavar="IP", help="Web: the browser's public IP."),
    ] = None,
    public_port: Annotated[
        int | None,
        typer.Option("--public-port", metavar="PORT", help="Web: the browser's source port."),
    ] = None,
    vendor_public_ip: Annotated[
        str | None,
        typer.Option("--vendor-public-ip", metavar="IP", help="Web: your server's public IP."),
    ] = None,
    browser_user_agent: Annotated[
        str | None,
        typer.Option("--browser-user-agent", metavar="TEXT", help="Web: navigator.userAgent."),
    ] = None,
    browser_device_id: Annotated[
        str | None,
        typer.Option("--browser-device-id", metavar="UUID", help="Web: the browser's id cookie."),
    ] = None,
    utc_offset: Annotated[
        str | None,
        typer.Option("--utc-offset", metavar="UTC±hh:mm", help="Web: the browser's time zone."),
    ] = None,
) -> None:
    """Build this machine's fraud prevention headers and print a validator's verdict.

    Errors and warnings, then each header as it was sent. Exit status 0: no error; 1: the
    headers have errors; 2: the check could not be made.
    """
    env = None if local else _environment(environment)
    versions = _pairs(software or [], "--software") or {"openmtd": __version__}
    vendor = Vendor(product_name or "openmtd", versions, _pairs(license_key or [], "--license"))
    user_ids = _pairs(user_id or [], "--user-id")
    screens = [_screen(value) for value in screen or []]
    size = _window(window)
    source: FraudHeaderSource
    try:
        if connection_method is Method.WEB_APP_VIA_SERVER:
            request = WebRequest(
                public_ip=public_ip,
                public_port=public_port,
                device_id=browser_device_id,
                js_user_agent=browser_user_agent,
                screens=screens,
                window_size=size,
                utc_offset=_offset(utc_offset),
                user_ids=user_ids,
            )
            source = WebAppViaServer(vendor, vendor_public_ip=vendor_public_ip).for_request(request)
        else:
            device = DeviceIdFile(device_id_file or _default_device_id_file())
            if connection_method is Method.DESKTOP_APP_DIRECT:
                source = DesktopAppDirect(
                    vendor, device_id=device, screens=screens, window_size=size, user_ids=user_ids
                )
            else:
                source = BatchProcessDirect(vendor, device_id=device, user_ids=user_ids)
        headers = dict(source.headers_for("GET", VALIDATE_PATH))
    except ValueError as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"cannot keep the device id: {error}")

    if env is None:
        by = "the local validator (openmtd.rules)"
        report = validate_fraud_headers(connection_method.value, headers)
    else:
        if not client_id or not client_secret:
            _fail(
                "the Test Fraud Prevention Headers API needs the application's credentials: "
                "--client-id and --client-secret, or $OPENMTD_CLIENT_ID and "
                "$OPENMTD_CLIENT_SECRET (or check offline with --local)"
            )
        by = f"{env.api_base_url}{VALIDATE_PATH}"
        try:
            report = fetch_report(env, client_id, client_secret, headers)
        except CheckError as error:
            _fail(str(error))

    if as_json:
        body = {
            "connectionMethod": connection_method.value,
            "checkedBy": "local" if env is None else by,
            "result": report.to_json(),
            "headers": headers,
        }
        typer.echo(json.dumps(body, indent=2, ensure_ascii=False))
    else:
        _render(report, headers, connection_method, by)
    raise typer.Exit(0 if report.valid else 1)
