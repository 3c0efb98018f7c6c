"""How ``--help`` writes a command's arguments: the way Click always has.

Typer tags each argument with its Python type (``KIND <str>``) and writes a required one in
braces in the usage line (``{KIND}``), which reads as if it were a choice or took another value.
:class:`PlainHelpCommand` writes ``Usage: ... KIND [TAX_YEAR]`` and lists each argument by its
metavar alone. Options need nothing: each has a metavar, and flags show none.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperCommand


def _name(param: TyperArgument) -> str:
    return param.metavar or (param.name or "").upper()


class PlainHelpCommand(TyperCommand):
    """A command whose help names its arguments by metavar, ``[OPTIONAL]`` ones in brackets."""

    # Click's context and formatter types live in Typer's private copy of Click: Any, not that.
    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = _name(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments: list[tuple[str, str]] = []
        options: list[tuple[str, str]] = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if isinstance(param, TyperArgument):
                arguments.append((_name(param), record[1]))
            else:
                options.append(record)
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)
