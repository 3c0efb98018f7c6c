"""The identifiers MTD ITSA passes around, as value types that are valid by construction.

Each type holds its canonical text in ``value`` (``str()`` gives it back) and refuses to exist
in any other form, so code that holds a :class:`Nino` never has to ask whether it is well formed.
``parse`` forgives what people type (spaces, lower case, the ``K`` on a UTR) and then applies
HMRC's own check; a bad value raises :class:`~openmtd.rules.errors.InvalidIdentifierError`
carrying HMRC's wire code (ours where HMRC has none, see ``OPENMTD_CODES``) and a message that
says what to fix. Messages never repeat the value itself: these are personal identifiers and
error messages end up in logs.

Where HMRC publishes a check (a check digit, a check letter, a checksum), it is applied exactly
as HMRC's own code applies it, so an identifier this module accepts is one HMRC accepts:

* NINO: the Self Assessment Individual Details API's ``ResolveNino`` (hmrc-wire-facts.md §1.2).
* SA UTR: HMRC's modulus-11 check (``hmrc/domain`` ``Modulus11Check``, ``hmrc/reference-checker``
  ``SelfAssessmentReferenceChecker``): weights 6, 7, 8, 9, 10, 5, 4, 3, 2 over digits 2-10, the
  sum modulo 11 indexing ``"21987654321"``.
* ARN and generated MTDITIDs: HMRC's modulus-23 check letter (``hmrc/domain``
  ``Modulus23Check``, used by ``agent-client-relationships`` ``Arn.isValid`` and by the Create
  Test User service's ``MtdItIdGenerator``).
* Invitation IDs: ``agent-client-relationships`` ``InvitationId`` (SHA-256 body, CRC-10 checksum).
"""

from __future__ import annotations

import hashlib
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar, Final, Self

from openmtd.rules.errors import InvalidIdentifierError

__all__ = [
    "INVITATION_ID_ALPHABET",
    "INVITATION_ID_PREFIXES",
    "Arn",
    "InvitationId",
    "MtdItId",
    "Nino",
    "Postcode",
    "SaUtr",
    "postcodes_match",
]

# Only ASCII letters are case-folded: str.upper() would turn "ſ" into "S" and "ı" into "I",
# letting look-alike characters through as valid identifiers.
_ASCII_UPPER: Final = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _ascii_upper(text: str) -> str:
    return text.translate(_ASCII_UPPER)


def _without_whitespace(text: str) -> str:
    return "".join(text.split())


def _is_digits(text: str, count: int) -> bool:
    # str.isdigit() accepts "²" and Arabic-Indic digits; identifiers are ASCII only.
    return len(text) == count and all("0" <= char <= "9" for char in text)


@dataclass(frozen=True, slots=True, order=True)
class _Identifier(ABC):
    """What every identifier shares: a canonical ``value``, ``parse`` and ``is_valid``."""

    value: str

    #: The wire code raised for a malformed value of this type.
    code: ClassVar[str]

    def __post_init__(self) -> None:
        # Validating here, not only in parse(), keeps every instance canonical, including those
        # built directly from stored data.
        problem = self._problem(self.value)
        if problem is not None:
            raise InvalidIdentifierError(self.code, problem)

    @staticmethod
    @abstractmethod
    def _problem(value: str) -> str | None:
        """What is wrong with ``value`` as canonical text, for a person to fix, or ``None``."""

    @staticmethod
    @abstractmethod
    def _normalise(text: str) -> str:
        """Turn what a person typed into the canonical form (which may still be invalid)."""

    @classmethod
    def parse(cls, text: str) -> Self:
        """Read what a person typed or pasted, forgiving spacing and case.

        Raises:
            InvalidIdentifierError: with this type's :attr:`code` when the value is malformed.
        """
        return cls(cls._normalise(text))

    @classmethod
    def is_valid(cls, text: str) -> bool:
        """Whether :meth:`parse` would accept ``text``."""
        try:
            cls.parse(text)
        except InvalidIdentifierError:
            return False
        return True

    def __str__(self) -> str:
        return self.value


# --- National Insurance number ----------------------------------------------------------------

# HMRC's regex and excluded prefixes, character for character (SAID ResolveNino.scala). The
# excluded prefixes are all rejected by the regex too; HMRC checks both and so do we.
_NINO_PREFIX_PATTERN: Final = (
    "[ACEHJLMOPRSWXY][A-CEGHJ-NPR-TW-Z]|B[A-CEHJ-NPR-TW-Z]|G[ACEGHJ-NPR-TW-Z]|"
    "[KT][A-CEGHJ-MPR-TW-Z]|N[A-CEGHJL-NPR-SW-Z]|Z[A-CEGHJ-NPR-TW-Y]"
)
_NINO_WIRE: Final = re.compile(f"^({_NINO_PREFIX_PATTERN})[0-9]{{6}}[A-D ]?$")
_NINO_EXCLUDED_PREFIXES: Final = ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ")
# The prefix group on its own, to tell a person which part of a bad number is wrong.
_NINO_PREFIX: Final = re.compile(f"(?:{_NINO_PREFIX_PATTERN})")
_NINO_FIRST_LETTERS: Final = frozenset("ABCEGHJKLMNOPRSTWXYZ")
# Canonical form: HMRC's shape without the space HMRC's regex allows in place of the suffix.
_NINO_SHAPE: Final = re.compile(r"[A-Z]{2}[0-9]{6}[A-Z]?")
_NINO_EXAMPLE: Final = "AB 12 34 56 C"


def _hmrc_accepts_nino(text: str) -> bool:
    return not text.startswith(_NINO_EXCLUDED_PREFIXES) and _NINO_WIRE.fullmatch(text) is not None


@dataclass(frozen=True, slots=True, order=True)
class Nino(_Identifier):
    """A National Insurance number, canonically upper case with no spaces (``AB123456C``).

    The final letter is optional, as it is in HMRC's own check; ``AB123456`` and ``AB123456C``
    are different values here (compare :attr:`without_suffix` to match them).

    >>> Nino.parse("ab 12 34 56 c")
    Nino(value='AB123456C')
    >>> Nino.parse("AB123456C").display
    'AB 12 34 56 C'
    """

    code: ClassVar[str] = "FORMAT_NINO"

    @staticmethod
    def _normalise(text: str) -> str:
        return _ascii_upper(_without_whitespace(text))

    @staticmethod
    def _problem(value: str) -> str | None:
        if _NINO_SHAPE.fullmatch(value) and _hmrc_accepts_nino(value):
            return None
        if not value:
            return f"Enter a National Insurance number, like {_NINO_EXAMPLE}."
        if not _NINO_SHAPE.fullmatch(value):
            return (
                "Enter a National Insurance number in the right format: 2 letters, 6 numbers, "
                f"then A, B, C or D, like {_NINO_EXAMPLE}."
            )
        if value[0] not in _NINO_FIRST_LETTERS:
            return (
                f"A National Insurance number never starts with the letter {value[0]}. "
                f"Check the number and enter it like {_NINO_EXAMPLE}."
            )
        prefix = value[:2]
        if prefix in _NINO_EXCLUDED_PREFIXES or not _NINO_PREFIX.fullmatch(prefix):
            return (
                f"A National Insurance number never starts with {prefix}. "
                f"Check the first 2 letters and enter it like {_NINO_EXAMPLE}."
            )
        # Shape, first letter and prefix are right, so only the final letter can be wrong.
        return (
            "The last letter of a National Insurance number is A, B, C or D, "
            f"not {value[8]}. Check the number and enter it like {_NINO_EXAMPLE}."
        )

    @classmethod
    def parse_wire(cls, text: str) -> Nino:
        """Apply HMRC's check to a NINO exactly as it arrived on the wire (a URL path segment).

        Nothing is normalised first, so ``aa123456a`` fails here as it does at HMRC. HMRC's
        regex allows a space in place of the final letter; such a value is accepted and the
        space dropped from the canonical value.

        Raises:
            InvalidIdentifierError: ``FORMAT_NINO`` whenever HMRC would return it.
        """
        if not _hmrc_accepts_nino(text):
            raise InvalidIdentifierError(
                cls.code,
                "HMRC accepts a National Insurance number only as 2 capital letters, 6 numbers "
                "and an optional A, B, C or D, with no spaces, like QQ123456C.",
            )
        return cls(text.removesuffix(" "))

    @property
    def display(self) -> str:
        """The spaced form HMRC prints on letters and pages: ``AB 12 34 56 C``."""
        v = self.value
        return " ".join(part for part in (v[:2], v[2:4], v[4:6], v[6:8], v[8:]) if part)

    @property
    def without_suffix(self) -> str:
        """The first 8 characters; HMRC's agent services match clients on these."""
        return self.value[:8]


# --- Self Assessment UTR ----------------------------------------------------------------------

_UTR_WEIGHTS: Final = (6, 7, 8, 9, 10, 5, 4, 3, 2)
_UTR_CHECK_DIGITS: Final = "21987654321"
_UTR_EXAMPLE: Final = "12345 67890"


def _utr_check_digit(nine_digits: str) -> str:
    total = sum(w * int(d) for w, d in zip(_UTR_WEIGHTS, nine_digits, strict=True))
    return _UTR_CHECK_DIGITS[total % 11]


@dataclass(frozen=True, slots=True, order=True)
class SaUtr(_Identifier):
    """A Self Assessment Unique Taxpayer Reference: 10 digits, the first a check digit.

    People copy UTRs from letters as ``12345 67890`` and sometimes with a ``K``; :meth:`parse`
    accepts a ``K`` at either end, as HMRC's ``SelfAssessmentReferenceChecker`` does.

    >>> SaUtr.parse("22345 67890K")
    SaUtr(value='2234567890')
    >>> SaUtr.generate("000057161")
    SaUtr(value='1000057161')
    """

    code: ClassVar[str] = "FORMAT_UTR"

    @staticmethod
    def _normalise(text: str) -> str:
        compact = _ascii_upper(_without_whitespace(text))
        if compact.startswith("K"):
            return compact[1:]
        return compact.removesuffix("K")

    @staticmethod
    def _problem(value: str) -> str | None:
        if not value:
            return f"Enter a Unique Taxpayer Reference (UTR), like {_UTR_EXAMPLE}."
        if not _is_digits(value, 10):
            return (
                "Enter a Self Assessment Unique Taxpayer Reference (UTR) in the right format: "
                f"10 numbers, like {_UTR_EXAMPLE}. You can find it on letters about Self "
                "Assessment."
            )
        if _utr_check_digit(value[1:]) != value[0]:
            return (
                "This is not a real Unique Taxpayer Reference (UTR): its first number does not "
                "match the other 9. Check for a mistyped or swapped number."
            )
        return None

    @staticmethod
    def check_digit(nine_digits: str) -> str:
        """HMRC's modulus-11 check digit for the last 9 digits of a UTR.

        Raises:
            InvalidIdentifierError: ``FORMAT_UTR`` unless given exactly 9 digits.
        """
        if not _is_digits(nine_digits, 9):
            raise InvalidIdentifierError(
                SaUtr.code, "A UTR check digit is worked out from exactly 9 numbers."
            )
        return _utr_check_digit(nine_digits)

    @classmethod
    def generate(cls, nine_digits: str) -> SaUtr:
        """The UTR ending in ``nine_digits``, as HMRC's test-user service makes them."""
        return cls(cls.check_digit(nine_digits) + nine_digits)


# --- Modulus-23 check letter (ARN, MTDITID) ---------------------------------------------------

_MOD23_LETTERS: Final = "ABCDEFGHXJKLMNYPQRSTZVW"
_MOD23_WEIGHTS: Final = (9, 10, 11, 12, 13, 8, 7, 6, 5, 4, 3, 2, 1)


def _mod23_check_letter(body: str) -> str:
    """HMRC's check letter for ``body`` (upper-case letters and digits).

    A letter counts as its base-36 value plus 23 (``A`` is 33, ``Z`` is 58), a digit as itself.
    Weights pair with characters from the left; a body shorter than 13 uses the first weights.
    """
    total = sum(
        weight * (int(char, 36) + 23 if char.isalpha() else int(char))
        for weight, char in zip(_MOD23_WEIGHTS, body, strict=False)
    )
    return _MOD23_LETTERS[total % 23]


# --- Agent reference number -------------------------------------------------------------------

_ARN_SHAPE: Final = re.compile(r"[A-Z]ARN[0-9]{7}")
_ARN_EXAMPLE: Final = "TARN0000001"


@dataclass(frozen=True, slots=True, order=True)
class Arn(_Identifier):
    """An agent reference number: a check letter, ``ARN`` and 7 digits (``TARN0000001``).

    HMRC's documentation also shows ``AARN9999999``; its check letter is wrong (it would be
    ``E``), so it is refused here, as HMRC's ``Arn.isValid`` refuses it.

    >>> Arn.parse("tarn-000-0001")
    Arn(value='TARN0000001')
    """

    code: ClassVar[str] = "FORMAT_ARN"

    @staticmethod
    def _normalise(text: str) -> str:
        return _ascii_upper(_without_whitespace(text).replace("-", ""))

    @staticmethod
    def _problem(value: str) -> str | None:
        if not value:
            return f"Enter an agent reference number (ARN), like {_ARN_EXAMPLE}."
        if not _ARN_SHAPE.fullmatch(value):
            return (
                "Enter an agent reference number (ARN) in the right format: a letter, then ARN, "
                f"then 7 numbers, like {_ARN_EXAMPLE}."
            )
        if _mod23_check_letter(value[1:]) != value[0]:
            return (
                "This is not a real agent reference number (ARN): its first letter does not "
                "match the numbers. Check it against your agent services account."
            )
        return None

    @classmethod
    def generate(cls, seven_digits: str) -> Arn:
        """The ARN for ``seven_digits``, check letter included.

        Raises:
            InvalidIdentifierError: ``FORMAT_ARN`` unless given exactly 7 digits.
        """
        if not _is_digits(seven_digits, 7):
            raise InvalidIdentifierError(cls.code, "An ARN is generated from exactly 7 numbers.")
        body = "ARN" + seven_digits
        return cls(_mod23_check_letter(body) + body)


# --- MTD Income Tax ID ------------------------------------------------------------------------

_MTDITID_SHAPE: Final = re.compile(r"[0-9A-Z]{1,15}")
_MTDITID_GENERATED: Final = re.compile(r"X[A-Z]IT[0-9]{11}")
_MTDITID_EXAMPLE: Final = "XJIT00000328268"


@dataclass(frozen=True, slots=True, order=True)
class MtdItId(_Identifier):
    """The MTD Income Tax ID (``mtdbsa``) HMRC gives a customer at sign-up.

    HMRC's validators accept up to 15 letters and numbers and nothing stricter is confirmed for
    production, so :meth:`parse` accepts exactly that (upper-cased). Identifiers HMRC's sandbox
    generates have the stricter form ``X`` + check letter + ``IT`` + 11 digits; see
    :attr:`is_generated_form`.

    >>> MtdItId.generate("00000328268")
    MtdItId(value='XJIT00000328268')
    """

    code: ClassVar[str] = "FORMAT_MTDITID"

    @staticmethod
    def _normalise(text: str) -> str:
        return _ascii_upper(_without_whitespace(text))

    @staticmethod
    def _problem(value: str) -> str | None:
        if not value:
            return f"Enter an MTD Income Tax ID, like {_MTDITID_EXAMPLE}."
        if not _MTDITID_SHAPE.fullmatch(value):
            return (
                "Enter an MTD Income Tax ID in the right format: up to 15 letters and numbers, "
                f"like {_MTDITID_EXAMPLE}."
            )
        return None

    @classmethod
    def generate(cls, eleven_digits: str) -> MtdItId:
        """The MTDITID for ``eleven_digits`` in the form HMRC's test-user service generates.

        Raises:
            InvalidIdentifierError: ``FORMAT_MTDITID`` unless given exactly 11 digits.
        """
        if not _is_digits(eleven_digits, 11):
            raise InvalidIdentifierError(
                cls.code, "An MTD Income Tax ID is generated from exactly 11 numbers."
            )
        body = "IT" + eleven_digits
        return cls("X" + _mod23_check_letter(body) + body)

    @property
    def is_generated_form(self) -> bool:
        """Whether this is ``X`` + a correct check letter + ``IT`` + 11 digits.

        HMRC's own fixtures include values such as ``XAIT00000000000`` whose letter is not the
        check letter, so a ``False`` here does not make the value invalid.
        """
        return (
            _MTDITID_GENERATED.fullmatch(self.value) is not None
            and _mod23_check_letter(self.value[2:]) == self.value[1]
        )


# --- Postcode ---------------------------------------------------------------------------------

# HMRC's known-fact check (agent-client-relationships KnowFactsCheckService) removes Java's
# "\s" (ASCII space, tab, newline, vertical tab, form feed, carriage return), upper-cases and
# then matches this on the compact form.
_POSTCODE_SPACES: Final = re.compile(r"[ \t\n\x0b\f\r]")
_POSTCODE_CANONICAL: Final = re.compile(r"[A-Z]{1,2}[0-9]{1,2}[A-Z]? [0-9][A-Z]{2}")
_POSTCODE_EXAMPLE: Final = "SW1A 2AA"


def _compact_postcode(text: str) -> str:
    return _ascii_upper(_POSTCODE_SPACES.sub("", text))


@dataclass(frozen=True, slots=True, order=True)
class Postcode(_Identifier):
    """A UK postcode in the shape HMRC checks known facts against, written ``AA1 1AA``.

    This checks the shape only (as HMRC does), not that the postcode exists.

    >>> Postcode.parse("sw1a2aa")
    Postcode(value='SW1A 2AA')
    """

    code: ClassVar[str] = "POSTCODE_FORMAT_INVALID"

    @staticmethod
    def _normalise(text: str) -> str:
        compact = _compact_postcode(text)
        # The inward code is always the last 3 characters, however long the outward code is.
        if len(compact) > 3:
            return f"{compact[:-3]} {compact[-3:]}"
        return compact

    @staticmethod
    def _problem(value: str) -> str | None:
        if not value:
            return f"Enter a postcode, like {_POSTCODE_EXAMPLE}."
        if not _POSTCODE_CANONICAL.fullmatch(value):
            return (
                f"Enter a real UK postcode, like {_POSTCODE_EXAMPLE}: 1 or 2 letters, 1 or 2 "
                "numbers, sometimes a letter, then a number and 2 letters."
            )
        return None

    @property
    def compact(self) -> str:
        """The postcode without its space (``SW1A2AA``), as HMRC compares postcodes."""
        return self.value.replace(" ", "")


def postcodes_match(supplied: str, on_record: str) -> bool:
    """Whether an agent's ``supplied`` postcode passes HMRC's known-fact check.

    Whitespace is stripped from both and case is ignored, then the two must be equal
    (business rules §2.4). HMRC's own service is reported to accept a supplied postcode that
    is merely contained in the one on record (``B12 3CD`` against ``AB12 3CD``); openmtd does
    not reproduce that leniency, because it would let a wrong known fact pass. See
    docs/rules.md.

    Raises:
        InvalidIdentifierError: ``POSTCODE_FORMAT_INVALID`` when ``supplied`` is malformed,
            which HMRC reports before comparing.
    """
    return Postcode.parse(supplied).compact == _compact_postcode(on_record)


# --- Invitation (authorisation request) ID ----------------------------------------------------

#: The 32 characters HMRC's invitation IDs are written in (no I, Q, V or 0).
INVITATION_ID_ALPHABET: Final = "ABCDEFGHJKLMNOPRSTUWXYZ123456789"

#: The first character of an invitation ID for each ITSA service (ACR ``Service.scala``).
INVITATION_ID_PREFIXES: Final[dict[str, str]] = {"HMRC-MTD-IT": "A", "HMRC-MTD-IT-SUPP": "L"}

_INVITATION_ID_SHAPE: Final = re.compile(f"[{INVITATION_ID_ALPHABET}]{{13}}")
_INVITATION_ID_EXAMPLE: Final = "ABERULMHCKKW3"


def _crc10_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte << 2
        for _ in range(8):
            crc = (crc << 1) ^ 0x233 if crc & 0x200 else crc << 1
        table.append(crc & 0x3FF)
    return tuple(table)


# CRC-10, polynomial 0x233, initial value 0, no reflection, no final XOR.
_CRC10_TABLE: Final = _crc10_table()


def _crc10(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc = (_CRC10_TABLE[((crc >> 2) ^ byte) & 0xFF] ^ (crc << 8)) & 0x3FF
    return crc


def _invitation_checksum(first_eleven: str) -> str:
    crc = _crc10(first_eleven.encode("ascii"))
    # Low 5 bits first, then high 5 bits, each as one character of the alphabet.
    return INVITATION_ID_ALPHABET[crc & 0x1F] + INVITATION_ID_ALPHABET[crc >> 5]


def _invitation_body(seed: str) -> str:
    digest = hashlib.sha256(seed.encode("utf-8")).digest()[:7]
    # The first 7 bytes' bits, least significant bit of each byte first, read as 5-bit numbers
    # (again least significant bit first); the first 10 become characters.
    bits = [(byte >> position) & 1 for byte in digest for position in range(8)]
    numbers = (
        sum(bit << power for power, bit in enumerate(bits[start : start + 5]))
        for start in range(0, 50, 5)
    )
    return "".join(INVITATION_ID_ALPHABET[number] for number in numbers)


@dataclass(frozen=True, slots=True, order=True)
class InvitationId(_Identifier):
    """The ID of an agent's authorisation request ("invitation"), e.g. ``ABERULMHCKKW3``.

    13 characters of :data:`INVITATION_ID_ALPHABET`: a service prefix, 10 characters derived
    from a SHA-256 hash, and a 2-character CRC-10 checksum of the first 11. :meth:`parse`
    accepts any prefix, as HMRC's ``InvitationId.isValid`` does; :attr:`service` says whether
    it is an ITSA one.
    """

    code: ClassVar[str] = "FORMAT_INVITATION_ID"

    @staticmethod
    def _normalise(text: str) -> str:
        return _ascii_upper(_without_whitespace(text))

    @staticmethod
    def _problem(value: str) -> str | None:
        if not value:
            return f"Enter the authorisation request ID, like {_INVITATION_ID_EXAMPLE}."
        if not _INVITATION_ID_SHAPE.fullmatch(value):
            return (
                "Enter the authorisation request ID in the right format: 13 letters and "
                f"numbers, never I, Q, V or 0, like {_INVITATION_ID_EXAMPLE}."
            )
        if _invitation_checksum(value[:11]) != value[11:]:
            return (
                "This is not a real authorisation request ID: its last 2 characters do not "
                "match the rest. Check it was copied in full and without mistakes."
            )
        return None

    @classmethod
    def create(
        cls, prefix: str, arn: Arn, client_id: str, service: str, epoch_millis: int
    ) -> InvitationId:
        """The ID HMRC gives a request created at ``epoch_millis`` (ms since 1970, UTC).

        HMRC hashes ``"{arn}.{client_id},{service}-{epoch_millis}"`` with SHA-256, where
        ``client_id`` is the client's enrolment identifier (the MTDITID, or the NINO for a
        client not yet signed up) and ``service`` the service ID, e.g. ``HMRC-MTD-IT``.

        Raises:
            InvalidIdentifierError: ``FORMAT_INVITATION_ID`` when ``prefix`` is not one
                character of :data:`INVITATION_ID_ALPHABET`.
        """
        if len(prefix) != 1 or prefix not in INVITATION_ID_ALPHABET:
            raise InvalidIdentifierError(
                cls.code,
                "An authorisation request ID starts with one character from "
                f"{INVITATION_ID_ALPHABET}.",
            )
        head = prefix + _invitation_body(f"{arn}.{client_id},{service}-{epoch_millis}")
        return cls(head + _invitation_checksum(head))

    @property
    def prefix(self) -> str:
        """The first character, which names the service."""
        return self.value[0]

    @property
    def service(self) -> str | None:
        """``HMRC-MTD-IT`` or ``HMRC-MTD-IT-SUPP`` for an ITSA request, else ``None``."""
        for service, prefix in INVITATION_ID_PREFIXES.items():
            if prefix == self.prefix:
                return service
        return None
