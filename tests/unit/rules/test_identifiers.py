"""Tests for openmtd.rules.identifiers.

The oracles here are written independently of the module: HMRC's NINO regex copied from
hmrc-wire-facts.md §1.2, the UTR and modulus-23 rules written out step by step, a bit-by-bit
CRC-10, and known-good values HMRC itself publishes (the Create Test User examples, the
agent-client-relationships test vector ``ABERULMHCKKW3``, the business rules' ``TARN0000001``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import string
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmtd.rules.errors import OPENMTD_CODES, WIRE_MESSAGES, InvalidIdentifierError
from openmtd.rules.identifiers import (
    INVITATION_ID_ALPHABET,
    INVITATION_ID_PREFIXES,
    Arn,
    InvitationId,
    MtdItId,
    Nino,
    Postcode,
    SaUtr,
    _invitation_body,
    postcodes_match,
)

ALL_TYPES: list[Any] = [Nino, SaUtr, Arn, MtdItId, Postcode, InvitationId]

# --- independent oracles -----------------------------------------------------------------------

#: HMRC's NINO regex and excluded prefixes, as written in hmrc-wire-facts.md §1.2.
HMRC_NINO = re.compile(
    r"^([ACEHJLMOPRSWXY][A-CEGHJ-NPR-TW-Z]|B[A-CEHJ-NPR-TW-Z]|G[ACEGHJ-NPR-TW-Z]|"
    r"[KT][A-CEGHJ-MPR-TW-Z]|N[A-CEGHJL-NPR-SW-Z]|Z[A-CEGHJ-NPR-TW-Y])[0-9]{6}[A-D ]?$"
)
EXCLUDED_PREFIXES = ["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"]


def hmrc_accepts_nino(text: str) -> bool:
    return not any(text.startswith(p) for p in EXCLUDED_PREFIXES) and bool(HMRC_NINO.match(text))


ALL_PAIRS = [a + b for a in string.ascii_uppercase for b in string.ascii_uppercase]
VALID_PREFIXES = [pair for pair in ALL_PAIRS if hmrc_accepts_nino(pair + "123456A")]


def utr_check_digit(nine: str) -> str:
    """The HMRC SA UTR rule, written out: weights 6,7,8,9,10,5,4,3,2, remainder mod 11."""
    weights = [6, 7, 8, 9, 10, 5, 4, 3, 2]
    remainder = sum(w * int(d) for w, d in zip(weights, nine, strict=True)) % 11
    return "21987654321"[remainder]


def mod23_letter(body: str) -> str:
    """HMRC's Modulus23Check, written out: letters count as A=33 ... Z=58."""
    weights = [9, 10, 11, 12, 13, 8, 7, 6, 5, 4, 3, 2, 1]
    values = [string.ascii_uppercase.index(c) + 10 + 23 if c.isalpha() else int(c) for c in body]
    total = sum(w * v for w, v in zip(weights, values, strict=False))
    return "ABCDEFGHXJKLMNYPQRSTZVW"[total % 23]


def crc10_bitwise(data: bytes) -> int:
    """CRC-10 (poly 0x233, init 0, MSB first), one bit at a time, no table."""
    crc = 0
    for byte in data:
        for i in range(7, -1, -1):
            top = ((crc >> 9) & 1) ^ ((byte >> i) & 1)
            crc = ((crc << 1) & 0x3FF) ^ (0x233 if top else 0)
    return crc


def invitation_id_oracle(prefix: str, arn: str, client_id: str, service: str, millis: int) -> str:
    digest = hashlib.sha256(f"{arn}.{client_id},{service}-{millis}".encode()).digest()
    # LSB-first bits of each byte in turn are the bits of the bytes read as a little-endian int.
    number = int.from_bytes(digest[:7], "little")
    head = prefix + "".join(INVITATION_ID_ALPHABET[(number >> (5 * i)) & 31] for i in range(10))
    crc = crc10_bitwise(head.encode())
    return head + INVITATION_ID_ALPHABET[crc & 31] + INVITATION_ID_ALPHABET[crc >> 5]


def assert_refused(kind: Any, text: str, code: str, *fragments: str) -> InvalidIdentifierError:
    with pytest.raises(InvalidIdentifierError) as caught:
        kind.parse(text)
    error = caught.value
    assert error.code == code
    for fragment in fragments:
        assert fragment in error.message
    assert not kind.is_valid(text)
    return error


# --- strategies --------------------------------------------------------------------------------

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


def digit_strings(size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=size, max_size=size)


valid_ninos = st.builds(
    lambda prefix, number, suffix: prefix + number + suffix,
    st.sampled_from(VALID_PREFIXES),
    digit_strings(6),
    st.sampled_from(["", "A", "B", "C", "D"]),
)
whitespace = st.text(alphabet=" \t\n\r\u00a0\u2003", max_size=2)


@st.composite
def messy(draw: st.DrawFn, text: str) -> str:
    """``text`` with random case and whitespace between and around characters."""
    out = draw(whitespace)
    for char in text:
        out += (char.lower() if draw(st.booleans()) else char) + draw(whitespace)
    return out


valid_utrs = digit_strings(9).map(lambda n: utr_check_digit(n) + n)
valid_arns = digit_strings(7).map(lambda n: mod23_letter("ARN" + n) + "ARN" + n)
valid_mtditids = st.text(alphabet=string.ascii_uppercase + string.digits, min_size=1, max_size=15)
letters = st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=1)
valid_postcodes = st.builds(
    lambda a, b, c, d, e: f"{a}{b}{c} {d}{e}",
    st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=2),
    st.text(alphabet=string.digits, min_size=1, max_size=2),
    st.sampled_from(["", *string.ascii_uppercase]),
    digits,
    st.text(alphabet=string.ascii_uppercase, min_size=2, max_size=2),
)
invitation_args = st.tuples(
    st.sampled_from(INVITATION_ID_ALPHABET),
    valid_arns,
    st.text(max_size=20),
    st.sampled_from(["HMRC-MTD-IT", "HMRC-MTD-IT-SUPP"]),
    st.integers(min_value=0, max_value=2**45),
)
valid_invitation_ids = invitation_args.map(lambda a: invitation_id_oracle(*a))

VALID: dict[Any, st.SearchStrategy[str]] = {
    Nino: valid_ninos,
    SaUtr: valid_utrs,
    Arn: valid_arns,
    MtdItId: valid_mtditids,
    Postcode: valid_postcodes,
    InvitationId: valid_invitation_ids,
}


# --- shared behaviour --------------------------------------------------------------------------


class TestSharedBehaviour:
    @pytest.mark.parametrize(
        ("kind", "code"),
        [
            (Nino, "FORMAT_NINO"),
            (SaUtr, "FORMAT_UTR"),
            (Arn, "FORMAT_ARN"),
            (MtdItId, "FORMAT_MTDITID"),
            (Postcode, "POSTCODE_FORMAT_INVALID"),
            (InvitationId, "FORMAT_INVITATION_ID"),
        ],
    )
    def test_codes_are_hmrcs_or_declared_as_ours(self, kind: Any, code: str) -> None:
        assert kind.code == code
        assert code in WIRE_MESSAGES or code in OPENMTD_CODES

    @pytest.mark.parametrize("kind", ALL_TYPES)
    def test_empty_input_asks_for_a_value(self, kind: Any) -> None:
        error = assert_refused(kind, "", kind.code, "Enter ")
        assert error.wire_message == WIRE_MESSAGES.get(kind.code, error.message)

    @pytest.mark.parametrize("kind", ALL_TYPES)
    def test_whitespace_only_input_is_empty(self, kind: Any) -> None:
        assert_refused(kind, "  \t ", kind.code, "Enter ")

    def test_value_types_are_frozen_hashable_and_print_their_value(self) -> None:
        nino = Nino.parse("ab 12 34 56 c")

        assert str(nino) == "AB123456C"
        assert {nino, Nino("AB123456C")} == {nino}
        with pytest.raises(dataclasses.FrozenInstanceError):
            nino.value = "AB123456D"  # type: ignore[misc]

    def test_values_of_different_types_are_never_equal(self) -> None:
        mtditid: object = MtdItId("AB123456C")
        assert mtditid != Nino("AB123456C")

    def test_values_sort_by_canonical_text(self) -> None:
        assert sorted([Nino("CE123456A"), Nino("AB123456C")]) == [
            Nino("AB123456C"),
            Nino("CE123456A"),
        ]

    @pytest.mark.parametrize(
        ("kind", "text"),
        [
            (Nino, "ab123456c"),
            (Nino, "AB 12 34 56 C"),
            (Nino, "AB123456 "),
            (SaUtr, "10000 57161"),
            (SaUtr, "1000057161K"),
            (Arn, "tarn0000001"),
            (MtdItId, "xjit00000328268"),
            (Postcode, "SW1A2AA"),
            (Postcode, "sw1a 2aa"),
            (InvitationId, "aberulmhckkw3"),
        ],
    )
    def test_constructor_takes_only_canonical_text(self, kind: Any, text: str) -> None:
        with pytest.raises(InvalidIdentifierError) as caught:
            kind(text)
        assert caught.value.code == kind.code

    @pytest.mark.parametrize("kind", ALL_TYPES)
    @given(data=st.data())
    def test_parse_is_idempotent_on_valid_values(self, kind: Any, data: st.DataObject) -> None:
        parsed = kind.parse(data.draw(VALID[kind]))
        assert kind.parse(str(parsed)) == parsed
        assert kind(parsed.value) == parsed

    @pytest.mark.parametrize("kind", ALL_TYPES)
    @given(text=st.text(max_size=20))
    def test_any_text_either_parses_idempotently_or_fails_with_the_types_code(
        self, kind: Any, text: str
    ) -> None:
        if kind.is_valid(text):
            parsed = kind.parse(text)
            assert kind.parse(str(parsed)) == parsed
        else:
            with pytest.raises(InvalidIdentifierError) as caught:
                kind.parse(text)
            assert caught.value.code == kind.code
            assert caught.value.message


# --- NINO --------------------------------------------------------------------------------------


class TestNino:
    @pytest.mark.parametrize(
        ("text", "value"),
        [
            ("AB123456C", "AB123456C"),
            ("ab123456c", "AB123456C"),
            ("AB 12 34 56 C", "AB123456C"),
            ("  ab 12\t34\n56 c ", "AB123456C"),
            ("AB123456", "AB123456"),  # the suffix is optional in HMRC's regex
            ("ab 12 34 56", "AB123456"),
            ("AB123456A", "AB123456A"),
            ("AB123456B", "AB123456B"),
            ("AB123456D", "AB123456D"),
            ("PE938808A", "PE938808A"),  # Create Test User's example
        ],
    )
    def test_accepts_hmrcs_format_with_spaces_and_lower_case(self, text: str, value: str) -> None:
        assert Nino.parse(text) == Nino(value)
        assert Nino.is_valid(text)

    def test_validity_of_every_two_letter_prefix_matches_hmrcs_check(self) -> None:
        for pair in ALL_PAIRS:
            assert Nino.is_valid(pair + "123456C") == hmrc_accepts_nino(pair + "123456C"), pair

    @pytest.mark.parametrize("prefix", EXCLUDED_PREFIXES)
    def test_refuses_each_excluded_prefix(self, prefix: str) -> None:
        assert_refused(Nino, prefix + "123456A", "FORMAT_NINO", f"never starts with {prefix}.")

    @pytest.mark.parametrize("letter", list("DFIQUV"))
    def test_refuses_each_disallowed_first_letter(self, letter: str) -> None:
        assert_refused(
            Nino, letter + "A123456A", "FORMAT_NINO", f"never starts with the letter {letter}."
        )

    @pytest.mark.parametrize(
        "prefix",
        # A letter no first letter may be followed by, for each group in HMRC's regex ...
        [
            *(first + "D" for first in "ACEHJLMOPRSWXY"),
            *("A" + second for second in "DFIOQUV"),
            # ... and the letters only some groups refuse.
            "BG",
            "GB",
            "KN",
            "TN",
            "NK",
            "NT",
            "ZZ",
            "BO",
            "GQ",
            "KV",
            "TI",
            "NF",
            "ZO",
        ],
    )
    def test_refuses_disallowed_second_letters(self, prefix: str) -> None:
        assert_refused(Nino, prefix + "123456A", "FORMAT_NINO", f"never starts with {prefix}.")

    @pytest.mark.parametrize("suffix", ["E", "M", "Z"])
    def test_refuses_a_suffix_other_than_a_to_d(self, suffix: str) -> None:
        assert_refused(
            Nino, "AB123456" + suffix, "FORMAT_NINO", f"A, B, C or D, not {suffix}.", "AB 12"
        )

    @pytest.mark.parametrize(
        "text",
        [
            "AB12345C",  # 5 numbers
            "AB1234567C",  # 7 numbers
            "A1234567C",  # 1 letter
            "AB123456CD",  # 2 suffix letters
            "12345678",
            "AB-12-34-56-C",  # hyphens are not forgiven
            "AB\uff11\uff12\uff13\uff14\uff15\uff16C",  # full-width digits
            "a\u017f123456a",  # long s would upper-case to S
        ],
    )
    def test_refuses_the_wrong_shape(self, text: str) -> None:
        assert_refused(Nino, text, "FORMAT_NINO", "2 letters, 6 numbers", "AB 12 34 56 C")

    def test_errors_carry_hmrcs_wire_message_and_do_not_echo_the_number(self) -> None:
        error = assert_refused(Nino, "AB123456E", "FORMAT_NINO")
        assert error.wire_message == "The NINO format is invalid"
        assert "AB123456" not in error.message

    def test_display_spaces_the_number_as_hmrc_prints_it(self) -> None:
        assert Nino("AB123456C").display == "AB 12 34 56 C"
        assert Nino("AB123456").display == "AB 12 34 56"

    def test_without_suffix_drops_the_final_letter(self) -> None:
        assert Nino("AB123456C").without_suffix == "AB123456"
        assert Nino("AB123456").without_suffix == "AB123456"

    @given(nino=valid_ninos, data=st.data())
    def test_random_spacing_and_casing_normalise_to_one_value(
        self, nino: str, data: st.DataObject
    ) -> None:
        assert Nino.parse(data.draw(messy(nino))) == Nino(nino)

    @given(nino=valid_ninos)
    def test_display_parses_back(self, nino: str) -> None:
        assert Nino.parse(Nino(nino).display) == Nino(nino)


class TestNinoParseWire:
    @pytest.mark.parametrize(
        ("text", "value"),
        [("AB123456C", "AB123456C"), ("AB123456", "AB123456"), ("AB123456 ", "AB123456")],
    )
    def test_accepts_what_hmrc_accepts(self, text: str, value: str) -> None:
        assert Nino.parse_wire(text) == Nino(value)

    @pytest.mark.parametrize(
        "text",
        [
            "aa123456a",  # HMRC does not upper-case
            "ab123456c",
            "AB 12 34 56 C",  # nor remove spaces
            " AB123456C",
            "AB123456C ",
            "AB123456  ",
            "BG123456A",
            "AB123456E",
            "",
        ],
    )
    def test_refuses_what_hmrc_refuses(self, text: str) -> None:
        with pytest.raises(InvalidIdentifierError) as caught:
            Nino.parse_wire(text)
        assert caught.value.code == "FORMAT_NINO"
        assert caught.value.wire_message == "The NINO format is invalid"
        assert "no spaces" in caught.value.message

    @given(text=st.text(alphabet="ABCDGKNTZ 0123456789ab", max_size=10))
    def test_agrees_with_hmrcs_check_on_any_text(self, text: str) -> None:
        if hmrc_accepts_nino(text):
            assert Nino.parse_wire(text).value == text.removesuffix(" ")
        else:
            with pytest.raises(InvalidIdentifierError):
                Nino.parse_wire(text)


# --- SA UTR ------------------------------------------------------------------------------------

#: Worked by hand from the rule in utr_check_digit (weighted sum, remainder, lookup).
KNOWN_UTRS = [
    # nine digits, weighted sum, remainder, full UTR
    ("000057161", 109, 10, "1000057161"),  # Create Test User's example saUtr
    ("234567890", 264, 0, "2234567890"),  # hmrc/reference-checker README's example
    ("111111111", 54, 10, "1111111111"),
    ("000000000", 0, 0, "2000000000"),
    ("987654321", 310, 2, "9987654321"),
]


class TestSaUtr:
    @pytest.mark.parametrize(("nine", "total", "remainder", "utr"), KNOWN_UTRS)
    def test_known_good_values(self, nine: str, total: int, remainder: int, utr: str) -> None:
        weights = [6, 7, 8, 9, 10, 5, 4, 3, 2]
        assert sum(w * int(d) for w, d in zip(weights, nine, strict=True)) == total
        assert total % 11 == remainder
        assert SaUtr.check_digit(nine) == utr[0]
        assert SaUtr.generate(nine) == SaUtr(utr)
        assert SaUtr.parse(utr).value == utr

    @pytest.mark.parametrize(
        "text",
        [
            "2234567890",
            "22345 67890",
            "2234567890K",
            "2234567890k",
            "K2234567890",
            "k 22345 67890",
            " 22345\t67890 K ",
        ],
    )
    def test_accepts_spaces_and_a_k_at_either_end(self, text: str) -> None:
        assert SaUtr.parse(text) == SaUtr("2234567890")

    @pytest.mark.parametrize(
        "text",
        [
            "123456789",  # 9 digits
            "22345678901",  # 11 digits
            "2234567890123",  # the 13-digit form
            "K2234567890K",  # only one K is forgiven
            "2234567890KK",
            "22345-67890",
            "\uff12234567890",  # full-width digit
            "223456789O",  # letter O for zero
        ],
    )
    def test_refuses_the_wrong_shape(self, text: str) -> None:
        assert_refused(SaUtr, text, "FORMAT_UTR", "10 numbers", "12345 67890")

    @pytest.mark.parametrize("text", ["1234567890", "3234567890", "2234567809", "1000057163"])
    def test_refuses_a_wrong_check_digit(self, text: str) -> None:
        error = assert_refused(SaUtr, text, "FORMAT_UTR", "does not match")
        assert error.wire_message == error.message

    @pytest.mark.parametrize("bad", ["", "12345678", "1234567890", "12345678a", "\uff11" * 9])
    def test_check_digit_needs_exactly_nine_digits(self, bad: str) -> None:
        with pytest.raises(InvalidIdentifierError) as caught:
            SaUtr.check_digit(bad)
        assert caught.value.code == "FORMAT_UTR"
        with pytest.raises(InvalidIdentifierError):
            SaUtr.generate(bad)

    @given(nine=digit_strings(9))
    def test_generate_matches_the_rule_and_parses(self, nine: str) -> None:
        utr = SaUtr.generate(nine)
        assert utr.value == utr_check_digit(nine) + nine
        assert SaUtr.parse(str(utr)) == utr

    @given(utr=valid_utrs, position=st.integers(min_value=1, max_value=9), digit=digits)
    def test_a_single_changed_digit_is_caught(self, utr: str, position: int, digit: str) -> None:
        changed = utr[:position] + digit + utr[position + 1 :]
        assert SaUtr.is_valid(changed) == (utr_check_digit(changed[1:]) == changed[0])


# --- ARN ---------------------------------------------------------------------------------------


class TestArn:
    @pytest.mark.parametrize(
        ("text", "value"),
        [
            ("TARN0000001", "TARN0000001"),  # business rules' example
            ("NARN0396245", "NARN0396245"),  # Create Test User's example
            ("tarn0000001", "TARN0000001"),
            ("TARN-000-0001", "TARN0000001"),
            (" t arn 000 0001 ", "TARN0000001"),
        ],
    )
    def test_accepts_valid_arns_with_spaces_hyphens_and_lower_case(
        self, text: str, value: str
    ) -> None:
        assert Arn.parse(text) == Arn(value)

    def test_tarn0000001_check_letter_worked_by_hand(self) -> None:
        # A=10+23, R=27+23, N=23+23; weights 9, 10, 11, then 4 for the final 1.
        total = 9 * 33 + 10 * 50 + 11 * 46 + 4 * 1
        assert total == 1307
        assert total % 23 == 19
        assert "ABCDEFGHXJKLMNYPQRSTZVW"[19] == "T"
        assert Arn.generate("0000001") == Arn("TARN0000001")

    def test_the_documentations_illustrative_arn_fails_the_check(self) -> None:
        assert_refused(Arn, "AARN9999999", "FORMAT_ARN", "first letter does not match")
        assert Arn.generate("9999999") == Arn("EARN9999999")

    @pytest.mark.parametrize(
        "text",
        ["TARN000001", "TARN00000001", "TARX0000001", "1ARN0000001", "TTARN0000001", "TARN00O0001"],
    )
    def test_refuses_the_wrong_shape(self, text: str) -> None:
        assert_refused(Arn, text, "FORMAT_ARN", "a letter, then ARN, then 7 numbers")

    @pytest.mark.parametrize("bad", ["", "000001", "00000001", "000000a"])
    def test_generate_needs_exactly_seven_digits(self, bad: str) -> None:
        with pytest.raises(InvalidIdentifierError) as caught:
            Arn.generate(bad)
        assert caught.value.code == "FORMAT_ARN"

    @given(seven=digit_strings(7))
    def test_generate_matches_the_rule_and_parses(self, seven: str) -> None:
        arn = Arn.generate(seven)
        assert arn.value == mod23_letter("ARN" + seven) + "ARN" + seven
        assert Arn.parse(str(arn)) == arn

    @given(arn=valid_arns, letter=letters)
    def test_any_other_first_letter_is_refused(self, arn: str, letter: str) -> None:
        assert Arn.is_valid(letter + arn[1:]) == (letter == arn[0])


# --- MTDITID -----------------------------------------------------------------------------------


class TestMtdItId:
    @pytest.mark.parametrize(
        ("text", "value"),
        [
            ("XJIT00000328268", "XJIT00000328268"),
            ("xjit 0000 0328 268", "XJIT00000328268"),
            ("XAIT00000000000", "XAIT00000000000"),  # HMRC fixture; not a correct check letter
            ("A", "A"),
            ("123456789012345", "123456789012345"),
        ],
    )
    def test_accepts_hmrcs_lenient_format(self, text: str, value: str) -> None:
        assert MtdItId.parse(text) == MtdItId(value)

    @pytest.mark.parametrize(
        "text", ["1234567890123456", "XJIT-0000032826", "XJIT_00000328268", "\u00c4B1"]
    )
    def test_refuses_the_wrong_shape(self, text: str) -> None:
        assert_refused(MtdItId, text, "FORMAT_MTDITID", "up to 15 letters and numbers")

    def test_generated_example_worked_by_hand(self) -> None:
        # I=18+23, T=29+23, then the digits 00000328268 against weights 11..1.
        total = 9 * 41 + 10 * 52 + 6 * 3 + 5 * 2 + 4 * 8 + 3 * 2 + 2 * 6 + 1 * 8
        assert total == 975
        assert "ABCDEFGHXJKLMNYPQRSTZVW"[total % 23] == "J"
        assert MtdItId.generate("00000328268") == MtdItId("XJIT00000328268")

    @pytest.mark.parametrize(
        ("value", "generated"),
        [
            ("XJIT00000328268", True),
            ("XPIT00000000000", True),
            ("XAIT00000000000", False),  # wrong check letter
            ("XKIT00000328268", False),
            ("YJIT00000328268", False),  # not X
            ("XJIT0000032826", False),  # 10 digits
            ("XJAB00000328268", False),  # not IT
            ("X", False),
        ],
    )
    def test_is_generated_form(self, value: str, generated: bool) -> None:
        assert MtdItId(value).is_generated_form is generated

    @pytest.mark.parametrize("bad", ["", "0000032826", "000003282680", "0000032826a"])
    def test_generate_needs_exactly_eleven_digits(self, bad: str) -> None:
        with pytest.raises(InvalidIdentifierError) as caught:
            MtdItId.generate(bad)
        assert caught.value.code == "FORMAT_MTDITID"

    @given(eleven=digit_strings(11))
    def test_generate_matches_the_rule_and_parses(self, eleven: str) -> None:
        generated = MtdItId.generate(eleven)
        assert generated.value == "X" + mod23_letter("IT" + eleven) + "IT" + eleven
        assert MtdItId.parse(str(generated)) == generated
        assert generated.is_generated_form


# --- Postcode ----------------------------------------------------------------------------------


class TestPostcode:
    @pytest.mark.parametrize(
        ("text", "value"),
        [
            ("SW1A 2AA", "SW1A 2AA"),
            ("SW1A2AA", "SW1A 2AA"),
            ("sw1a 2aa", "SW1A 2AA"),
            (" s w 1 a 2 a a ", "SW1A 2AA"),
            ("TS1 1PA", "TS1 1PA"),  # Create Test User's example address
            ("A11 1AA", "A11 1AA"),
            ("AA11 1AA", "AA11 1AA"),
            ("A1 1AA", "A1 1AA"),
            ("EC1A 1BB", "EC1A 1BB"),
            ("m1\t1ae", "M1 1AE"),
        ],
    )
    def test_accepts_postcodes_with_or_without_space_in_any_case(
        self, text: str, value: str
    ) -> None:
        postcode = Postcode.parse(text)
        assert postcode == Postcode(value)
        assert postcode.compact == value.replace(" ", "")

    @pytest.mark.parametrize(
        "text",
        [
            "SW1A",  # outward code only
            "2AA",  # inward code only
            "ABC",
            "A1AA",
            "AAA1 1AA",  # 3 letters
            "A123 1AA",  # 3 numbers
            "11 1AA",
            "AA1 1A",
            "AA1 11A",
            "AA1A1 1AA",
            "SW1A-2AA",
            "SW1A\u00a02AA",  # HMRC strips only ASCII whitespace
        ],
    )
    def test_refuses_bad_shapes(self, text: str) -> None:
        error = assert_refused(Postcode, text, "POSTCODE_FORMAT_INVALID", "SW1A 2AA")
        assert error.wire_message == WIRE_MESSAGES["POSTCODE_FORMAT_INVALID"]

    @given(postcode=valid_postcodes)
    def test_compact_form_parses_back(self, postcode: str) -> None:
        assert Postcode.parse(Postcode(postcode).compact) == Postcode(postcode)


class TestPostcodesMatch:
    @pytest.mark.parametrize(
        ("supplied", "on_record"),
        [
            ("TS1 1PA", "TS1 1PA"),
            ("ts11pa", "TS1 1PA"),
            ("TS1 1PA", "ts1  1pa"),
            ("TS11PA", "TS1\t1PA"),
        ],
    )
    def test_matches_as_hmrc_does(self, supplied: str, on_record: str) -> None:
        assert postcodes_match(supplied, on_record)

    @pytest.mark.parametrize(
        ("supplied", "on_record"),
        [
            ("TS1 1PA", "TS1 1PB"),
            ("AB12 3CD", "B12 3CD"),
            ("B12 3CD", "AB12 3CD"),  # equality, not HMRC's reported containment
            ("TS1 1PA", ""),
            ("SW1A 2AA", "SW1A"),
        ],
    )
    def test_different_postcodes_do_not_match(self, supplied: str, on_record: str) -> None:
        assert not postcodes_match(supplied, on_record)

    @pytest.mark.parametrize("supplied", ["", "TS1", "not a postcode"])
    def test_a_malformed_supplied_postcode_is_a_format_error(self, supplied: str) -> None:
        with pytest.raises(InvalidIdentifierError) as caught:
            postcodes_match(supplied, "TS1 1PA")
        assert caught.value.code == "POSTCODE_FORMAT_INVALID"

    @given(postcode=valid_postcodes, data=st.data())
    def test_a_postcode_matches_itself_however_written(
        self, postcode: str, data: st.DataObject
    ) -> None:
        ascii_spaces = st.text(alphabet=" \t", max_size=2)
        written = "".join(
            (c.lower() if data.draw(st.booleans()) else c) + data.draw(ascii_spaces)
            for c in postcode
        )
        assert postcodes_match(written, postcode)
        assert postcodes_match(postcode, written)


# --- Invitation ID -----------------------------------------------------------------------------


class TestInvitationId:
    def test_alphabet_and_itsa_prefixes(self) -> None:
        assert len(INVITATION_ID_ALPHABET) == len(set(INVITATION_ID_ALPHABET)) == 32
        assert not set("IQV0") & set(INVITATION_ID_ALPHABET)
        assert INVITATION_ID_PREFIXES == {"HMRC-MTD-IT": "A", "HMRC-MTD-IT-SUPP": "L"}

    def test_hmrcs_own_test_vector(self) -> None:
        # agent-client-relationships InvitationIdSpec: create("myAgency", "clientId", "service",
        # 2001-01-01T00:00Z)('A') starts ABERULMHCKK, and ABERULMHCKKW3 is valid.
        assert _invitation_body("myAgency.clientId,service-978307200000") == "BERULMHCKK"
        assert invitation_id_oracle("A", "myAgency", "clientId", "service", 978307200000) == (
            "ABERULMHCKKW3"
        )
        assert InvitationId.parse("ABERULMHCKKW3").value == "ABERULMHCKKW3"

    @pytest.mark.parametrize("text", ["aberulmhckkw3", " ABERU LMHCK KW3 ", "ABERULMHCKKW3\n"])
    def test_accepts_spaces_and_lower_case(self, text: str) -> None:
        assert InvitationId.parse(text) == InvitationId("ABERULMHCKKW3")

    @pytest.mark.parametrize(
        "text",
        [
            "ABERULMHCKKW3A",  # 14 characters
            "ABERULMHCKKW",  # 12
            "ABERUL!HCKKW3",
            "ABERULMHCKKI3",  # I is not in the alphabet
            "ABERULMHCKK03",  # nor is 0
            "ABERULMHCKK-W3",
        ],
    )
    def test_refuses_the_wrong_shape(self, text: str) -> None:
        assert_refused(InvitationId, text, "FORMAT_INVITATION_ID", "13 letters and numbers")

    @pytest.mark.parametrize("text", ["ABERULMHCKKW4", "ABERULMHCKK3W", "BBERULMHCKKW3"])
    def test_refuses_a_wrong_checksum(self, text: str) -> None:
        assert_refused(InvitationId, text, "FORMAT_INVITATION_ID", "last 2 characters")

    def test_create_for_itsa_main_and_supporting(self) -> None:
        arn = Arn("TARN0000001")
        main = InvitationId.create("A", arn, "XJIT00000328268", "HMRC-MTD-IT", 1767225600000)
        supp = InvitationId.create("L", arn, "XJIT00000328268", "HMRC-MTD-IT-SUPP", 1767225600000)

        assert main.prefix == "A"
        assert main.service == "HMRC-MTD-IT"
        assert supp.prefix == "L"
        assert supp.service == "HMRC-MTD-IT-SUPP"
        assert main.value == invitation_id_oracle(
            "A", "TARN0000001", "XJIT00000328268", "HMRC-MTD-IT", 1767225600000
        )

    def test_other_services_prefixes_parse_but_are_not_itsa(self) -> None:
        vat = InvitationId.create("C", Arn("TARN0000001"), "101747696", "HMRC-MTD-VAT", 0)
        assert InvitationId.parse(str(vat)).service is None

    def test_any_changed_argument_gives_a_different_id(self) -> None:
        arn, other_arn = Arn("TARN0000001"), Arn("NARN0396245")
        base = ("A", arn, "AB123456C", "HMRC-MTD-IT", 978307200000)
        variants = [
            base,
            ("A", other_arn, *base[2:]),
            ("A", arn, "AB123456D", *base[3:]),
            ("A", arn, "AB123456C", "HMRC-MTD-IT-SUPP", base[4]),
            (*base[:4], 978307200001),
            ("L", *base[1:]),
        ]
        ids = {InvitationId.create(*v) for v in variants}
        assert len(ids) == len(variants)

    @pytest.mark.parametrize("prefix", ["", "AA", "I", "0", "a"])
    def test_create_needs_one_prefix_character_from_the_alphabet(self, prefix: str) -> None:
        with pytest.raises(InvalidIdentifierError) as caught:
            InvitationId.create(prefix, Arn("TARN0000001"), "AB123456C", "HMRC-MTD-IT", 0)
        assert caught.value.code == "FORMAT_INVITATION_ID"

    @given(args=invitation_args)
    def test_create_matches_the_oracle_and_parses(
        self, args: tuple[str, str, str, str, int]
    ) -> None:
        prefix, arn, client_id, service, millis = args
        created = InvitationId.create(prefix, Arn(arn), client_id, service, millis)
        assert created.value == invitation_id_oracle(prefix, arn, client_id, service, millis)
        assert InvitationId.parse(str(created)) == created

    @given(text=st.text(alphabet=INVITATION_ID_ALPHABET, min_size=11, max_size=11))
    def test_crc10_table_matches_bitwise_crc(self, text: str) -> None:
        crc = crc10_bitwise(text.encode())
        checksum = INVITATION_ID_ALPHABET[crc & 31] + INVITATION_ID_ALPHABET[crc >> 5]
        assert InvitationId.is_valid(text + checksum)
