"""openmtd.webkit.wire: the one JSON-body decoder and the text rule every edge shares."""

from __future__ import annotations

from decimal import Decimal

import pytest

from openmtd.webkit.wire import (
    MAX_DEPTH,
    MAX_INTEGER_DIGITS,
    MAX_JSON_STRING,
    BodyError,
    decode_json,
    text_problem,
)

BODY = "The request body"
TOO_MANY_DIGITS = "must be a whole number of at most 18 digits"
QUOTED = "enclosed in double quotes at"
SURROGATE = "is not valid Unicode (it holds an unpaired surrogate)"


def test_ordinary_json_decodes_as_json_does() -> None:
    raw = b'{"name": "Ida \\u00e9", "n": -17, "x": 1.5, "ok": [true, null]}'
    assert decode_json(raw) == {"name": "Ida é", "n": -17, "x": 1.5, "ok": [True, None]}
    assert decode_json(b'{"x": 1.10}', exact_fractions=True) == {"x": Decimal("1.10")}


@pytest.mark.parametrize(
    ("raw", "message", "path"),
    [
        (b'{"n": ' + b"9" * (MAX_INTEGER_DIGITS + 1) + b"}", f"n {TOO_MANY_DIGITS}", "/n"),
        (b'{"n": -' + b"9" * 5000 + b"}", f"n {TOO_MANY_DIGITS}", "/n"),
        (b'{"x": 1e999}', "x must be a finite number", "/x"),
        (b'{"x": [NaN]}', "x[0] must be a finite number", "/x/0"),
        (b'{"x": -Infinity}', "x must be a finite number", "/x"),
        (b'{"x": 1.' + b"0" * 100 + b"}", "x must be a number of at most 64 characters", "/x"),
        (b'{"a": {"b": "\\ud800"}}', f"a.b {SURROGATE}", "/a/b"),
        (b'{"a": "\\udc00x"}', f"a {SURROGATE}", "/a"),
        (b'{"a": "x\\u0000"}', "a contains a control character", "/a"),
        (b'{"a": "line\\nbreak"}', "a contains a control character", "/a"),
        (b'{"a": "\\u0085"}', "a contains a control character", "/a"),
        (b'{"a/b~": "\\u0007"}', "a/b~ contains a control character", "/a~1b~0"),
        (b'{"\\u0000": 1}', "A member name in the request body contains a control character", ""),
        (b'"' + b"x" * (MAX_JSON_STRING + 1) + b'"', f"{BODY} is longer than 65536 characters", ""),
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), None, "/0" * MAX_DEPTH),
        (b"\xff", f"{BODY} is not valid JSON: it is not UTF-8", ""),
        (b"{", f"{BODY} is not valid JSON: Expecting property name {QUOTED} line 1 column 2", ""),
        (b"[" * 100_000, f"{BODY} is nested more than {MAX_DEPTH} deep", ""),
    ],
)  # fmt: skip
def test_what_is_refused_and_where(raw: bytes, message: str | None, path: str) -> None:
    with pytest.raises(BodyError) as refused:
        decode_json(raw)
    if message is not None:
        assert refused.value.message == message
    assert refused.value.path == path


def test_a_surrogate_pair_is_one_character_and_accepted() -> None:
    assert decode_json(b'"\\ud83d\\ude00"') == "\U0001f600"


def test_an_integer_of_18_digits_is_accepted() -> None:
    assert decode_json(b"-" + b"9" * MAX_INTEGER_DIGITS) == -(10**18 - 1)


@pytest.mark.parametrize(
    ("text", "line_breaks", "problem"),
    [
        ("é and 日本", False, None),
        ("a\tb\r\nc", True, None),
        ("a\tb", False, "contains a control character"),
        ("a\x00b", True, "contains a control character"),
        ("\x7f", True, "contains a control character"),
        ("\ud800", True, "is not valid Unicode (it holds an unpaired surrogate)"),
        ("x" * 11, True, "is longer than 10 characters"),
        ("x" * 10, True, None),
    ],
)
def test_text_problem(text: str, line_breaks: bool, problem: str | None) -> None:
    assert text_problem(text, 10, line_breaks=line_breaks) == problem
