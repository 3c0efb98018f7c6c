"""The taxpayer's commands: ``openmtd link`` (the desktop OAuth flow), ``openmtd status`` and
``openmtd obligations``, over :mod:`openmtd.app.services.desktop` and the rules.

Never a raw ITSA status or reason: ``status`` prints the rules' guidance, ``--json`` carries the
guidance object. Every error the SDK can raise is a message that says what to do next and an
exit status (:mod:`openmtd.cli.taxpayer_errors`), never a traceback.
"""

from __future__ import annotations

import json
import webbrowser
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from openmtd.app.services.desktop import (
    DEFAULT_HMRC,
    DEFAULT_PATH,
    DEFAULT_PORT,
    DEFAULT_WAIT_S,
    DESKTOP_SCOPES,
    Desktop,
    default_config_dir,
    loopback_redirect_uri,
)
from openmtd.app.services.position import (
    guidance_from,
    read_obligations,
    read_previous_crystallised,
    read_statuses,
)
from openmtd.app.settings import SettingsError, hmrc_environment
from openmtd.cli.help import PlainHelpCommand
from openmtd.cli.taxpayer_errors import Problem, explain, sign_up_hint
from openmtd.rules.clock import Clock
from openmtd.rules.guidance import LATE_SUBMISSION_PENALTY, Guidance
from openmtd.rules.identifiers import Nino
from openmtd.rules.tax_year import TaxYear
from openmtd.sdk import LoopbackReceiver, Machine

_out = Console(highlight=False, soft_wrap=True)
_err = Console(stderr=True, highlight=False, soft_wrap=True)


@dataclass
class Seams:
    """What the tests replace (hidden from the commands' options): the HTTP transport to HMRC,
    the clock, the browser, the keyring and the machine's facts."""

    transport: httpx.BaseTransport | None = None
    clock: Clock | None = None
    open_browser: Callable[[str], object] = field(default=webbrowser.open)
    use_keyring: bool = True
    machine: Machine | None = None


SEAMS = Seams()

ConfigDir = Annotated[
    Path | None,
    typer.Option(
        "--config-dir",
        metavar="DIRECTORY",
        help="Where the link, its tokens (encrypted) and the device id are kept. Default: "
        "$XDG_CONFIG_HOME/openmtd or ~/.config/openmtd.",
        show_default=False,
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _desktop(config_dir: Path | None) -> Desktop:
    return Desktop(
        (config_dir or default_config_dir()).expanduser(),
        use_keyring=SEAMS.use_keyring,
        transport=SEAMS.transport,
        clock=SEAMS.clock,
        machine=SEAMS.machine,
    )


def _fail(problem: Problem) -> typer.Exit:
    _err.print(f"[bold]{escape(problem.title)}[/bold]")
    for line in problem.lines:
        _err.print(escape(line))
    return typer.Exit(problem.exit_code)


@contextmanager
def _explained() -> Iterator[None]:
    """Every refusal the commands can meet, as a message and an exit status."""
    try:
        yield
    except typer.Exit:
        raise
    except Exception as error:
        raise _fail(explain(error)) from None


def _today(desktop: Desktop) -> date:
    return desktop.today()


# --- openmtd link -------------------------------------------------------------------------------
def link(
    hmrc: Annotated[
        str | None,
        typer.Option(
            "--hmrc",
            metavar="sandbox|production|URL",
            help=f"Which HMRC: its sandbox, production, or an emulator's URL. Default: the "
            f"last link's, else the local emulator ({DEFAULT_HMRC}).",
            show_default=False,
        ),
    ] = None,
    client_id: Annotated[
        str | None,
        typer.Option(
            "--client-id",
            metavar="ID",
            envvar="OPENMTD_CLIENT_ID",
            show_envvar=False,
            help="Your application's client id at HMRC. Default: $OPENMTD_CLIENT_ID, else "
            "the last link's.",
        ),
    ] = None,
    client_secret: Annotated[
        str | None,
        typer.Option(
            "--client-secret",
            metavar="SECRET",
            envvar="OPENMTD_CLIENT_SECRET",
            show_envvar=False,
            help="Its client secret. Default: $OPENMTD_CLIENT_SECRET, else the last link's.",
        ),
    ] = None,
    nino: Annotated[
        str | None,
        typer.Option(
            "--nino",
            metavar="NINO",
            help="Your National Insurance number, like QQ 12 34 56 C. Default: the last link's.",
        ),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(
            "--port",
            metavar="PORT",
            min=1,
            max=65535,
            help=f"The port of the redirect URI http://localhost:PORT/ registered for your "
            f"application at HMRC. Default: the last link's, else {DEFAULT_PORT}.",
            show_default=False,
        ),
    ] = None,
    path: Annotated[
        str | None,
        typer.Option(
            "--path",
            metavar="PATH",
            help="The redirect URI's path, if the one registered is not '/'.",
            show_default=False,
        ),
    ] = None,
    wait: Annotated[
        float,
        typer.Option(
            "--wait", metavar="SECONDS", min=1, help="How long to wait for HMRC's sign-in."
        ),
    ] = DEFAULT_WAIT_S,
    no_browser: Annotated[
        bool,
        typer.Option("--no-browser", help="Only print the sign-in address (a headless machine)."),
    ] = False,
    config_dir: ConfigDir = None,
) -> None:
    """Link openmtd on this computer to your HMRC records.

    Opens HMRC's sign-in in your browser; once you grant authority, HMRC sends the browser back
    to http://localhost:PORT/ (a receiver openmtd runs only until then). The tokens are kept
    encrypted in the config dir.
    """
    desktop = _desktop(config_dir)
    saved = desktop.saved_link()
    with _explained():
        which = hmrc or (saved.hmrc if saved else DEFAULT_HMRC)
        environment = hmrc_environment(which)
        same_hmrc = saved is not None and saved.hmrc == which
        client_id = client_id or (saved.client_id if saved and same_hmrc else None)
        client_secret = client_secret or (saved.client_secret if saved and same_hmrc else None)
        if not client_id or not client_secret:
            raise _fail(
                Problem(
                    "openmtd needs your application's credentials",
                    [
                        "Give the client id and secret HMRC's Developer Hub shows for your "
                        "application (for the local emulator, the demo software `openmtd up` "
                        "prints): --client-id and --client-secret, or $OPENMTD_CLIENT_ID and "
                        "$OPENMTD_CLIENT_SECRET.",
                    ],
                    2,
                )
            )
        typed = nino or (saved.nino if saved else None)
        if not typed:
            raise _fail(
                Problem(
                    "openmtd needs your National Insurance number",
                    ["Give it with --nino, like --nino 'QQ 12 34 56 C'."],
                    2,
                )
            )
        the_nino = Nino.parse(typed).value
        if port is None and path is None and saved is not None and same_hmrc:
            redirect = saved.redirect_uri
        else:
            redirect = loopback_redirect_uri(port or DEFAULT_PORT, path or DEFAULT_PATH)
        chosen_port, chosen_path = _port_and_path(redirect)
        oauth = desktop.oauth(environment, client_id, client_secret)
        _out.print(
            f"Linking to HMRC ({escape(environment.name)}) for {Nino(the_nino).display}.\n"
            f"Your application must have the redirect URI {escape(redirect)} registered at "
            "HMRC (HMRC matches it exactly; change it with --port and --path)."
        )
        with LoopbackReceiver(port=chosen_port, path=chosen_path) as receiver:
            request = oauth.authorization_url(DESKTOP_SCOPES, redirect_uri=receiver.redirect_uri)
            _out.print(f"\nSign in to HMRC at this address if no browser opens:\n{request.url}\n")
            if not no_browser:
                SEAMS.open_browser(request.url)
            with _err.status("Waiting for you to finish signing in to HMRC..."):
                code = receiver.wait(request, timeout=wait)
        with _err.status("Finishing the link with HMRC..."):
            outcome = desktop.finish_link(
                oauth, code, request, hmrc=which, client_secret=client_secret, nino=the_nino
            )
    _out.print(f"Linked: openmtd can now read your HMRC records for {Nino(the_nino).display}.")
    _out.print(f"Kept in {escape(str(desktop.directory))} (the tokens encrypted).")
    if not outcome.signed_up:
        _out.print("")
        for line in sign_up_hint(environment, the_nino):
            _out.print(escape(line))
    elif outcome.check_error is not None:
        problem = explain(outcome.check_error)
        _out.print(f"\nHMRC did not answer a first check: {escape(problem.title)}")
        _out.print("`openmtd status` tries again.")
    _out.print("\nNext: openmtd status, then openmtd obligations.")


def _port_and_path(redirect: str) -> tuple[int, str]:
    parts = httpx.URL(redirect)
    if parts.scheme != "http" or parts.host != "localhost" or parts.port is None:
        raise SettingsError(f"the redirect URI must be http://localhost:PORT/..., not {redirect}")
    return parts.port, parts.path or "/"


# --- openmtd status ----------------------------------------------------------------------------
def status(
    tax_year: Annotated[
        str | None,
        typer.Option(
            "--tax-year",
            metavar="YEAR",
            help="Read as if in this tax year, like 2026-27 (its previous and next too). "
            "Default: this tax year.",
            show_default=False,
        ),
    ] = None,
    as_json: AsJson = False,
    config_dir: ConfigDir = None,
) -> None:
    """What Making Tax Digital for Income Tax means for you: last, this and next tax year.

    Plain words from HMRC's records: whether you must use it, what to send and by when, and
    whether you can opt out or sign up in HMRC online services.
    """
    desktop = _desktop(config_dir)
    with _explained():
        year = TaxYear.parse(tax_year) if tax_year is not None else None
        today = _today(desktop)
        if year is not None and not year.contains(today):
            today = year.start if year.start > today else year.end
        the_link = desktop.read_link()
        with _err.status("Reading your records at HMRC..."), desktop.client(the_link) as client:
            answer, signed_up = read_statuses(client, the_link.nino, today)
            crystallised = signed_up and read_previous_crystallised(client, the_link.nino, today)
    shown = guidance_from(answer, signed_up, today, previous_crystallised=crystallised)
    if as_json:
        body = {"nino": the_link.nino, "guidance": shown.to_dict()}
        typer.echo(json.dumps(body, indent=2))
        return
    print_guidance(_out, shown)
    if not signed_up:
        for line in sign_up_hint(the_link.environment, the_link.nino):
            _out.print(escape(line))


def print_guidance(console: Console, guidance: Guidance) -> None:
    """The guidance in words: the headline, what to do, each year, the deadlines ahead."""
    console.print(f"[bold]{escape(guidance.headline)}[/bold]")
    for line in guidance.what_to_do:
        console.print(f"  • {escape(line)}")
    if guidance.years:
        console.print("\n[bold]Year by year[/bold]")
        for summary in guidance.years:
            console.print(f"  {escape(summary.label)}: {escape(summary.summary)}")
    if guidance.deadlines:
        console.print("\n[bold]Coming up[/bold]")
        for deadline in guidance.deadlines:
            mark = " (penalty points if late)" if deadline.penalty_points else ""
            console.print(f"  {deadline.due:%d %b %Y}  {escape(deadline.what)}{mark}")
    if guidance.penalty_warning:
        console.print(f"\n{escape(guidance.penalty_warning)}")
    console.print(f"\n{escape(guidance.next_step)}")


# --- openmtd obligations -----------------------------------------------------------------------
def obligations(as_json: AsJson = False, config_dir: ConfigDir = None) -> None:
    """This tax year's quarterly updates and final declaration: due dates, open, fulfilled or
    late, and which can bring penalty points."""
    desktop = _desktop(config_dir)
    with _explained():
        today = _today(desktop)
        the_link = desktop.read_link()
        with _err.status("Reading your obligations at HMRC..."), desktop.client(the_link) as client:
            answer, signed_up = read_statuses(client, the_link.nino, today)
            # Not signed up: HMRC holds no obligations; say how to sign up, not "none held".
            rows = read_obligations(client, the_link.nino, today, answer) if signed_up else ()
    year = TaxYear.containing(today)
    if as_json:
        body: dict[str, Any] = {
            "nino": the_link.nino,
            "taxYear": str(year),
            "today": today.isoformat(),
            "obligations": [row.to_dict() for row in rows],
        }
        typer.echo(json.dumps(body, indent=2))
        return
    if not signed_up:
        for line in sign_up_hint(the_link.environment, the_link.nino):
            _out.print(escape(line))
        return
    if not rows:
        _out.print(f"HMRC holds no quarterly updates or final declaration for {year.label()}.")
        return
    table = Table(title=f"Your obligations for {year.label()}")
    table.add_column("What", no_wrap=True)
    for heading in ("Period", "Due", "State", "Penalty points if late"):
        table.add_column(heading)
    for row in rows:
        table.add_row(
            escape(row.what),
            f"{row.start:%d %b %Y} to {row.end:%d %b %Y}",
            f"{row.due:%d %b %Y}",
            row.state_text,
            "yes" if row.penalty_bearing else "no",
        )
    _out.print(table)
    if any(row.penalty_bearing for row in rows):
        _out.print(
            "A late penalty-bearing submission brings a penalty point; once points reach the "
            f"threshold, each late one costs {LATE_SUBMISSION_PENALTY}."
        )


#: Each command and its line in ``openmtd --help`` (at most 60 characters: never cut at 80).
COMMANDS: dict[str, tuple[Callable[..., None], str]] = {
    "link": (link, "Link openmtd on this computer to your HMRC records."),
    "status": (status, "What MTD for Income Tax means for you, year by year."),
    "obligations": (obligations, "This tax year's updates and final declaration."),
}


def register(app: typer.Typer) -> None:
    """Add ``link``, ``status`` and ``obligations`` to the top-level ``openmtd`` command."""
    for name, (command, short_help) in COMMANDS.items():
        app.command(name=name, cls=PlainHelpCommand, short_help=short_help)(command)
