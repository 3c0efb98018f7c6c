"""Posted forms, read once at the edge: every page's form and ``/oauth/token``'s.

:func:`read_form` parses ``application/x-www-form-urlencoded`` and ``multipart/form-data``
bodies with Starlette (a file part or more than :data:`MAX_FIELDS` fields refuses the whole
form) and keeps only text values that :func:`openmtd.webkit.wire.text_problem` accepts: at
most :data:`MAX_FIELD_LENGTH` characters, no NUL or other control character (a textarea's
tabs and line breaks excepted; percent-encoded bytes that are not UTF-8 arrive as U+FFFD). A
refused value is left out, and its field is named in :attr:`Form.refused`, so the page answers
with its own message: an empty user ID, password or code is a wrong one (and counted where
attempts are counted), a missing CSRF token is a form that has expired. A form that cannot be
parsed at all is read as an empty one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

from openmtd.webkit.wire import text_problem

#: Fields a form may have: the largest page form (create an account) has about twenty.
MAX_FIELDS: Final = 100
#: Characters a field may hold: five redirect URIs in the Developer Hub's textarea fit easily.
MAX_FIELD_LENGTH: Final = 16_384
#: What a page says against a field whose value was refused.
REFUSED_MESSAGE: Final = (
    f"This must not contain control characters or be longer than {MAX_FIELD_LENGTH:,} characters"
)


@dataclass(frozen=True, slots=True)
class Form:
    """A posted form's acceptable values, in the order sent, and the fields refused."""

    pairs: tuple[tuple[str, str], ...] = ()
    refused: frozenset[str] = field(default_factory=frozenset)

    def get(self, name: str, default: str = "") -> str:
        """The field's last value (a repeated field counts as its last), or ``default``."""
        return next((value for key, value in reversed(self.pairs) if key == name), default)

    def getlist(self, name: str) -> list[str]:
        """Every value of a repeated field (ticked checkboxes), in order."""
        return [value for key, value in self.pairs if key == name]

    def single(self) -> dict[str, str]:
        """The form as one value per field (the last of any repeats)."""
        return dict(self.pairs)

    def multi(self) -> dict[str, list[str]]:
        """The form as every value of each field, in order."""
        values: dict[str, list[str]] = {}
        for key, value in self.pairs:
            values.setdefault(key, []).append(value)
        return values


def clean(items: list[tuple[str, object]]) -> Form:
    """Keep the acceptable text values of parsed form items; name the fields refused."""
    pairs: list[tuple[str, str]] = []
    refused: set[str] = set()
    for name, value in items:
        if text_problem(name, MAX_FIELD_LENGTH):
            continue
        if not isinstance(value, str) or text_problem(value, MAX_FIELD_LENGTH, line_breaks=True):
            refused.add(name)
            continue
        pairs.append((name, value))
    return Form(tuple(pairs), frozenset(refused))


async def read_form(request: Request) -> Form:
    """The request's form, parsed and bounded (see the module docstring)."""
    try:
        form: FormData = await request.form(
            max_files=0, max_fields=MAX_FIELDS, max_part_size=MAX_FIELD_LENGTH * 4
        )
    except (HTTPException, ValueError):
        # Starlette's 400 for a malformed or over-long form, or the multipart parser's own
        # error: nothing in it can be trusted, so nothing of it is used.
        return Form()
    try:
        return clean(list(form.multi_items()))
    finally:
        await form.close()
