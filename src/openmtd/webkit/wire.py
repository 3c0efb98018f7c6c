"""What arrives on the wire, decoded and bounded once, before any service sees it.

Two kinds of input have one helper each here (framework-free; the web edge calls them):

- **JSON bodies** (:func:`decode_json`), for every JSON endpoint: strict UTF-8, Python's
  :mod:`json` with hooks that refuse integers of more than :data:`MAX_INTEGER_DIGITS` digits
  (so ``|n| < 10**18``; Python would otherwise spend quadratic time on, or refuse with a
  ``ValueError``, an integer of thousands of digits), non-finite numbers (``NaN``,
  ``Infinity``, ``1e999``) and number literals over :data:`MAX_NUMBER_LENGTH` characters; then
  one walk over the document that refuses nesting deeper than :data:`MAX_DEPTH` and any string
  (value or member name) that :func:`text_problem` refuses.
- **Text** (:func:`text_problem`), for JSON strings, form fields, query parameters and
  paths: unpaired surrogates (``"\\ud800"`` is valid JSON but no valid Unicode: it cannot be
  encoded, stored or hashed), NUL and every other control character (Unicode category Cc;
  form fields may hold line breaks and tabs, as a textarea does), and text longer than its
  limit.

Each refusal says where (a JSON pointer) and why, in words the emulator's error bodies use as
they are. The limits are openmtd's choices (docs/emulator.md): far above anything HMRC's APIs,
the control API or the pages accept, so only hostile or broken input meets them.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

#: Digits an integer may have: every whole number the emulator takes (a rate limit, a grant
#: length, seconds to move the clock) is far below 10**18.
MAX_INTEGER_DIGITS: Final = 18
#: Characters a number literal may have (a fraction or an exponent included).
MAX_NUMBER_LENGTH: Final = 64
#: How deep arrays and objects may nest.
MAX_DEPTH: Final = 32
#: Characters a JSON string may have (a field's own, lower limit is checked by its service).
MAX_JSON_STRING: Final = 65_536

_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINE_BREAKS: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def text_problem(text: str, max_length: int, *, line_breaks: bool = False) -> str | None:
    """Why ``text`` cannot be accepted (a phrase such as ``contains a control character``),
    or None when it can.

    Args:
        text: the decoded text.
        max_length: the most characters it may have.
        line_breaks: allow tab, line feed and carriage return (a textarea's text).
    """
    if len(text) > max_length:
        return f"is longer than {max_length} characters"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return "is not valid Unicode (it holds an unpaired surrogate)"
    if (_CONTROL_BUT_LINE_BREAKS if line_breaks else _CONTROL).search(text):
        return "contains a control character"
    return None


class BodyError(ValueError):
    """A body that is not acceptable JSON: ``message`` says why, ``path`` (a JSON pointer, ``""``
    for the whole document) says where."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path


@dataclass(frozen=True, slots=True)
class _Refused:
    """A number the parser met that the walk turns into a :class:`BodyError` at its path."""

    why: str


def _integer(text: str) -> int | _Refused:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        return _Refused(f"must be a whole number of at most {MAX_INTEGER_DIGITS} digits")
    return int(text)


def _number(exact: bool) -> Callable[[str], float | Decimal | _Refused]:
    def parse(text: str) -> float | Decimal | _Refused:
        if len(text) > MAX_NUMBER_LENGTH:
            return _Refused(f"must be a number of at most {MAX_NUMBER_LENGTH} characters")
        if not math.isfinite(float(text)):
            return _Refused("must be a finite number")
        return Decimal(text) if exact else float(text)

    return parse


def _constant(_name: str) -> _Refused:
    # NaN, Infinity and -Infinity: Python's json reads them, JSON has no such numbers.
    return _Refused("must be a finite number")


def _pointer(location: tuple[int | str, ...]) -> str:
    """A JSON pointer (RFC 6901), e.g. ``/redirectUris/0``."""
    return "".join(
        f"/{part}" if isinstance(part, int) else "/" + part.replace("~", "~0").replace("/", "~1")
        for part in location
    )


def _label(location: tuple[int | str, ...]) -> str:
    """How a message names a place, as the emulator's field errors do: ``redirectUris[0]``."""
    label = ""
    for part in location:
        label += f"[{part}]" if isinstance(part, int) else (f".{part}" if label else part)
    return label or "The request body"


def _check(document: object) -> None:
    """Walk the document (iteratively: no recursion limit to meet) and refuse what it holds."""
    pending: list[tuple[object, tuple[int | str, ...]]] = [(document, ())]
    while pending:
        value, location = pending.pop()
        why: str | None = None
        if isinstance(value, _Refused):
            why = value.why
        elif isinstance(value, str):
            why = text_problem(value, MAX_JSON_STRING)
        elif isinstance(value, dict | list) and len(location) >= MAX_DEPTH:
            why = f"is nested more than {MAX_DEPTH} deep"
        elif isinstance(value, list):
            pending.extend((item, (*location, index)) for index, item in enumerate(value))
        elif isinstance(value, dict):
            for name, item in value.items():
                problem = text_problem(name, MAX_JSON_STRING)
                if problem:
                    where = _label(location) if location else "the request body"
                    raise BodyError(f"A member name in {where} {problem}", _pointer(location))
                pending.append((item, (*location, name)))
        if why:
            raise BodyError(f"{_label(location)} {why}", _pointer(location))


def decode_json(raw: bytes, *, exact_fractions: bool = False) -> object:
    """The JSON document in a request body, decoded and bounded (see the module docstring).

    Args:
        raw: the body as received.
        exact_fractions: numbers with a fraction or exponent as :class:`~decimal.Decimal`
            (money), not ``float``.

    Raises:
        BodyError: the body is not UTF-8, not JSON, or holds something refused above.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyError("The request body is not valid JSON: it is not UTF-8") from None
    try:
        document = json.loads(
            text,
            parse_int=_integer,
            parse_float=_number(exact_fractions),
            parse_constant=_constant,
        )
    except json.JSONDecodeError as error:
        raise BodyError(
            f"The request body is not valid JSON: {error.msg} at line {error.lineno} "
            f"column {error.colno}"
        ) from None
    except RecursionError:
        raise BodyError(f"The request body is nested more than {MAX_DEPTH} deep") from None
    _check(document)
    return document
