"""The validator reuses the verdict on a header only where it cannot differ: the checks that
are not listed as reading the clock give the same verdict at any time, a reused verdict is the
one judged afresh, and a timestamp's verdict follows the clock for the same value, to the
microsecond at the edges of its window."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta

import pytest

from openmtd.rules.fraud_headers import choices as own
from openmtd.rules.fraud_headers import spec, validate_headers
from openmtd.rules.fraud_headers import validator as v
from openmtd.rules.fraud_headers.checks import CHECKS, READS_CLOCK
from openmtd.rules.fraud_headers.context import ClockedVerdicts, Context
from openmtd.rules.fraud_headers.results import Findings

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
#: Values that reach every branch a check has on a date: timestamps, near and far.
VALUES = (
    "2026-11-26T09:58:01.250Z",
    "2026-11-26T09%3A58Z",
    "type=TOTP&timestamp=2026-11-26T09%3A58Z&unique-reference=a",
    "type=TOTP&timestamp=2030-01-01T00%3A00Z&unique-reference=a",
    "81.2.69.161",
    "by=81.2.69.143&for=81.2.69.161",
    "width=1400&height=900",
    "a=1.0&b=2.0",
    "not a value",
)
FULL_SET = {
    "Gov-Client-Connection-Method": "WEB_APP_VIA_SERVER",
    "Gov-Client-Browser-JS-User-Agent": "Mozilla/5.0 (X11; Linux x86_64)",
    "Gov-Client-Device-ID": "0b4f1c9e-6a3d-4c55-9e1f-3a7b2d8c6e10",
    "Gov-Client-Multi-Factor": "type=TOTP&timestamp=2026-11-26T09%3A58Z&unique-reference=r",
    "Gov-Client-Public-IP": "81.2.69.161",
    "Gov-Client-Public-IP-Timestamp": "2026-11-26T09:58:01.250Z",
    "Gov-Client-Public-Port": "23456",
    "Gov-Client-Screens": "width=2560&height=1440&scaling-factor=1.25&colour-depth=24",
    "Gov-Client-Timezone": "UTC+00:00",
    "Gov-Client-User-IDs": "app=user",
    "Gov-Client-Window-Size": "width=1400&height=900",
    "Gov-Vendor-Forwarded": "by=81.2.69.143&for=81.2.69.160",
    "Gov-Vendor-License-IDs": "app=3F2A9C0D7E6B5A4918273645AB01CD23",
    "Gov-Vendor-Product-Name": "openmtd",
    "Gov-Vendor-Public-IP": "81.2.69.143",
    "Gov-Vendor-Version": "app=1.0.0",
}


def _findings(name: str, value: str, now: datetime) -> tuple[object, object]:
    findings = Findings()
    CHECKS[name](value, Context(spec.ConnectionMethod.WEB_APP_VIA_SERVER, now), findings)
    return tuple(findings.errors), tuple(findings.warnings)


@pytest.mark.parametrize("name", sorted(set(CHECKS) - READS_CLOCK))
def test_a_check_not_listed_as_reading_the_clock_is_the_same_at_any_time(name: str) -> None:
    for value in VALUES:
        at = [_findings(name, value, NOW + timedelta(days=days)) for days in (-4000, 0, 4000)]
        assert at[0] == at[1] == at[2], (name, value)


def test_the_clock_readers_are_the_timestamps_and_multi_factor() -> None:
    assert {spec.PUBLIC_IP_TIMESTAMP, spec.LOCAL_IPS_TIMESTAMP, spec.MULTI_FACTOR} == READS_CLOCK


def test_a_reused_verdict_is_the_verdict_judged_afresh() -> None:
    v.forget_verdicts()
    first = validate_headers(FULL_SET, now=NOW)
    again = validate_headers(FULL_SET, now=NOW)
    assert v._reused_header.cache_info().hits > 0
    assert again == first
    assert first.cross_validation  # the first hop's 'for' differs: judged, and kept
    v.forget_verdicts()
    assert validate_headers(FULL_SET, now=NOW) == first


def test_a_timestamps_verdict_follows_the_clock_for_the_same_value() -> None:
    def code(now: datetime) -> str:
        verdict = validate_headers(FULL_SET, now=now)
        (result,) = [r for r in verdict.headers if r.header == spec.PUBLIC_IP_TIMESTAMP]
        return result.code

    assert code(NOW) == spec.VALID_HEADER
    assert code(NOW + timedelta(days=2)) == spec.POTENTIALLY_INVALID_HEADER
    assert code(NOW) == spec.VALID_HEADER


def test_long_values_are_judged_but_not_kept() -> None:
    v._reused_header.cache_clear()
    long_value = "a=" + "b" * 2000
    validate_headers({**FULL_SET, "Gov-Vendor-Version": long_value}, now=NOW)
    kept = v._reused_header.cache_info().currsize
    validate_headers({**FULL_SET, "Gov-Vendor-Version": long_value + "c"}, now=NOW)
    assert v._reused_header.cache_info().currsize == kept


def test_a_clock_reading_verdict_is_reused_only_while_it_holds() -> None:
    ip_at = datetime(2026, 11, 26, 9, 58, 1, 250000, tzinfo=UTC)
    mfa_at = datetime(2026, 11, 26, 9, 58, tzinfo=UTC)
    tick = timedelta(microseconds=1)
    edges = [
        ip_at - timedelta(minutes=5),  # before it, the IP timestamp is in the future
        ip_at + timedelta(hours=24),  # after it, more than 24 hours old
        mfa_at - timedelta(minutes=5),  # before it, the MFA timestamp is in the future
    ]
    nows = [edge + delta for edge in edges for delta in (-tick, timedelta(0), tick)]
    nows += [NOW, NOW - timedelta(days=3), NOW + timedelta(days=3)]
    fresh = {}
    for now in nows:
        v.forget_verdicts()
        fresh[now] = validate_headers(FULL_SET, now=now)
    assert len({verdict.headers for verdict in fresh.values()}) > 2  # the edges do matter
    v.forget_verdicts()
    shuffled = nows * 3
    random.Random(8).shuffle(shuffled)
    for now in shuffled:
        assert validate_headers(FULL_SET, now=now) == fresh[now], now


def test_the_clocked_store_keeps_only_its_size_dropping_the_least_recent() -> None:
    store = ClockedVerdicts(2)
    result = v._header(spec.USER_AGENT, "x", Context(None, NOW), repeated=False)
    for key in ("a", "b", "c"):
        store.put((key, "1", None), result, Context(None, NOW))
    assert store.get(("a", "1", None), NOW) is None
    assert store.get(("c", "1", None), NOW) == result


def test_the_span_of_a_verdict_stops_at_the_ends_of_time() -> None:
    context = Context(None, NOW)
    assert context.ahead(datetime.min.replace(tzinfo=UTC), timedelta(days=1)) is False
    assert context.holds_from == datetime.min.replace(tzinfo=UTC)
    assert context.older(datetime.max.replace(tzinfo=UTC), timedelta(days=1)) is False
    assert context.holds_until == datetime.max.replace(tzinfo=UTC)


def test_an_unexpected_header_with_its_choice_off_adds_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    headers = {**FULL_SET, "Gov-Client-Local-IPs": "10.1.2.3"}  # not a web app's header
    flagged = validate_headers(headers, now=NOW)
    assert any("gov-client-local-ips" in issue.headers for issue in flagged.warnings)
    off = dataclasses.replace(own.UNEXPECTED, severity=spec.Severity.OFF)
    monkeypatch.setattr(own, "UNEXPECTED", off)
    v.forget_verdicts()
    try:
        assert (
            validate_headers(headers, now=NOW).warnings
            == validate_headers(FULL_SET, now=NOW).warnings
        )
    finally:
        monkeypatch.undo()
        v.forget_verdicts()
