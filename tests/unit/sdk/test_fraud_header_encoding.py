"""The builders' encoding (§3 "Encoding"), against the validator's own decoding: any text,
separators ('=', '&', ','), '%', non-ASCII and unpaired surrogates included, is percent-encoded
so that it reads back as itself (a lone surrogate as U+FFFD) and never crashes or breaks the
structure around it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from openmtd.rules.fraud_headers import validate_headers
from openmtd.rules.fraud_headers.encoding import TOKEN, decode, items, key_values
from openmtd.rules.fraud_headers.results import Findings
from openmtd.sdk._fraud_headers import DesktopAppDirect, Vendor
from openmtd.sdk._fraud_headers._encoding import (
    clean_text,
    encode,
    encode_key_values,
    encode_list,
    format_timestamp,
    sha256_hex,
)
from openmtd.sdk._fraud_headers._machine import format_mac, format_utc_offset
from support.fraud_headers import FixedMachine

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
_SURROGATE = st.integers(0xD800, 0xDFFF).map(chr)
#: Text heavy in what breaks encoders: separators, '%', spaces, non-ASCII, lone surrogates.
AWKWARD = st.lists(
    st.characters() | _SURROGATE | st.sampled_from(["=", "&", ",", "%", "%41", " ", "é", "😀"]),
    max_size=24,
).map("".join)
NON_EMPTY = AWKWARD.filter(lambda text: text != "")


@given(AWKWARD)
def test_encoded_text_reads_back_as_itself(text: str) -> None:
    encoded = encode(text)
    assert TOKEN.fullmatch(encoded)
    assert encoded.isascii()
    assert not {"=", "&", ",", " "} & set(encoded)
    assert decode(encoded) == clean_text(text)


@given(st.lists(st.tuples(NON_EMPTY, NON_EMPTY), min_size=1, max_size=5))
def test_key_values_read_back(pairs: list[tuple[str, str]]) -> None:
    encoded = encode_key_values(pairs)
    assert encoded is not None
    findings = Findings()
    parsed = key_values(encoded, findings)
    expected: dict[str, str] = {}
    for key, value in pairs:
        expected.setdefault(clean_text(key), clean_text(value))
    assert parsed == expected


@given(st.lists(NON_EMPTY, min_size=1, max_size=6))
def test_lists_read_back(values: list[str]) -> None:
    encoded = encode_list(values)
    assert encoded is not None
    findings = Findings()
    raw = items(encoded, findings, "item")
    assert not findings.errors
    assert [decode(item) for item in raw] == [clean_text(value) for value in values]


def test_empty_things_are_left_out() -> None:
    assert encode_key_values([("a", ""), ("", "b"), ("c", None)]) is None
    assert encode_key_values([("a", ""), ("d", "e")]) == "d=e"
    assert encode_list(["", None]) is None
    assert encode_list(["x", "", "y,z"]) == "x,y%2Cz"
    assert encode_list(["a=b&c=d", "e=f"], encoded=True) == "a=b&c=d,e=f"


@given(AWKWARD, NON_EMPTY, NON_EMPTY, NON_EMPTY)
def test_awkward_application_values_never_break_a_header(
    product: str, software: str, version: str, user: str
) -> None:
    """Whatever the application names things, the headers are well formed: the validator
    finds no error in the product name, version or user ids (only a warning, at most)."""
    if not product.strip():
        product = "x" + product
    builder = DesktopAppDirect(
        Vendor(product, {software: version}, {software: user}),
        device_id=None,
        user_ids={"my-app": user},
        machine=FixedMachine(),
        clock=lambda: NOW,
    )
    headers = builder.headers_for("GET", "/x")
    assert all(value.isascii() and value.isprintable() for value in headers.values())
    verdict = validate_headers(headers, now=NOW)
    judged = {"gov-vendor-product-name", "gov-vendor-version", "gov-client-user-ids"}
    judged.add("gov-vendor-license-ids")
    for issue in verdict.errors:
        assert not set(issue.headers) & judged, issue


def test_a_surrogate_pair_in_two_code_points_is_joined() -> None:
    assert clean_text("\ud83d\ude00") == "😀"
    assert clean_text("a\ud83db") == "a\ufffdb"
    assert encode("\ud83d") == "%EF%BF%BD"
    assert sha256_hex("\ud83d") == sha256_hex("\ufffd")


def test_timestamps_always_have_milliseconds() -> None:
    assert format_timestamp(datetime(2020, 9, 21, 14, 30, 5)) == "2020-09-21T14:30:05.000Z"
    moment = datetime(2020, 9, 21, 15, 30, 5, 123999, tzinfo=timezone(timedelta(hours=1)))
    assert format_timestamp(moment) == "2020-09-21T14:30:05.123Z"


def test_offsets_and_macs() -> None:
    assert format_utc_offset(timedelta(0)) == "UTC+00:00"
    assert format_utc_offset(timedelta(hours=5, minutes=30)) == "UTC+05:30"
    assert format_utc_offset(timedelta(hours=-9, minutes=-30)) == "UTC-09:30"
    assert format_utc_offset(timedelta(hours=-1, seconds=-15)) == "UTC-01:00"
    assert format_mac(0xEA431A5D2145) == "ea:43:1a:5d:21:45"
    assert format_mac(0x12) == "00:00:00:00:00:12"
