"""The verdict on one request's fraud prevention headers: which headers the connection method
needs (wire facts §3.1), each judged by its check (``checks``), then across headers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Final

from openmtd.rules.fraud_headers import choices as own
from openmtd.rules.fraud_headers import spec
from openmtd.rules.fraud_headers.checks import CHECKS, EXPECTED, READS_CLOCK
from openmtd.rules.fraud_headers.context import ClockedVerdicts, Context
from openmtd.rules.fraud_headers.encoding import (
    PRINTABLE_ASCII,
    ip_or_text,
    key_values,
    parse_ip,
    placeholder,
    show,
)
from openmtd.rules.fraud_headers.results import (
    CrossCheck,
    Finding,
    Findings,
    HeaderResult,
    Issue,
    Validation,
    as_utc,
)
from openmtd.rules.fraud_headers.spec import ConnectionMethod

_METHOD_NAMES: Final = ", ".join(spec.COLUMNS)
_KNOWN: Final = frozenset(CHECKS) | spec.RETIRED
#: How many judged headers (and header orders, and cross-checks) are kept for reuse, the
#: longest value and the most names kept: bounded LRUs (a few MB at most, whatever is sent),
#: far more than the distinct values of one emulator's clients. Longer ones are judged afresh.
_REUSED_HEADERS: Final = 2048
_REUSED_LENGTH: Final = 1024
_REUSED_NAMES: Final = 64
#: The clock given to the checks of reused headers, which never read it (checks.READS_CLOCK).
_NO_CLOCK: Final = datetime(1970, 1, 1, tzinfo=UTC)
_TITLE: Final = {
    spec.VENDOR_PUBLIC_IP: "Gov-Vendor-Public-IP",
    spec.PUBLIC_IP: "Gov-Client-Public-IP",
}


_FRAUD_PREFIXES: Final = ("gov-client-", "gov-vendor-")


def is_fraud_prevention_header(name: str) -> bool:
    """Whether a header name (any case) is a Gov-Client-* or Gov-Vendor-* header."""
    return name.lower().startswith(_FRAUD_PREFIXES)


def validate_headers(headers: Mapping[str, str], *, now: datetime) -> Validation:
    """Judge the fraud prevention headers of one request against spec v3.3.

    ``headers`` are the request's headers as received; names are case-insensitive and
    headers other than Gov-Client-*, Gov-Vendor-* and Gov-Test-Scenario are ignored.
    ``now`` is the receiver's clock (a naive datetime is taken to be UTC). Never raises.
    """
    now = as_utc(now)
    received, repeated = _normalise(headers)
    scenario = received.pop(spec.TEST_SCENARIO, None)
    fraud = received
    if not fraud:
        return _no_headers(scenario)

    method = _method_of(fraud.get(spec.CONNECTION_METHOD))
    context = Context(method=method, now=now)
    results: list[HeaderResult] = []
    sent = frozenset(fraud)
    order = _reused_order if len(sent) <= _REUSED_NAMES else _names_in_order
    for name in order(sent, method):
        value = fraud.get(name)
        if name in repeated or (value and len(value) > _REUSED_LENGTH):
            results.append(_header(name, value, context, repeated=name in repeated))
        elif name in READS_CLOCK:
            results.append(_clocked_header(name, value, method, now))
        else:
            results.append(_reused_header(name, value, method))
    if scenario is not None:
        results.append(HeaderResult(spec.TEST_SCENARIO, scenario, spec.TEST_SCENARIO_HEADER))

    hop = (
        fraud.get(spec.VENDOR_FORWARDED),
        fraud.get(spec.VENDOR_PUBLIC_IP),
        fraud.get(spec.PUBLIC_IP),
    )
    short = all(value is None or len(value) <= _REUSED_LENGTH for value in hop)
    cross = (_reused_cross if short else _cross_validation)(*hop)
    errors = _group(
        [(result.header, finding) for result in results for finding in result.errors]
        + [(name, finding) for check in cross for finding in check.errors for name in check.headers]
    )
    warnings = _group(
        [(result.header, finding) for result in results for finding in result.warnings]
        + [
            (name, finding)
            for check in cross
            for finding in check.warnings
            for name in check.headers
        ]
    )
    if errors:
        code = spec.INVALID_HEADERS
    elif warnings:
        code = spec.POTENTIALLY_INVALID_HEADERS
    else:
        code = spec.VALID_HEADERS
    return Validation(
        code=code,
        message=spec.MESSAGES[code],
        connection_method=method,
        errors=errors,
        warnings=warnings,
        headers=tuple(results),
        cross_validation=cross,
    )


def _normalise(headers: Mapping[str, str]) -> tuple[dict[str, str], set[str]]:
    """The Gov-Client-*, Gov-Vendor-* and Gov-Test-Scenario headers (the others are not
    judged), names lower-cased and values trimmed; and the names sent twice with different
    values."""
    received: dict[str, str] = {}
    repeated: set[str] = set()
    for raw_name in headers:
        name = str(raw_name).lower()
        if not name.startswith(_FRAUD_PREFIXES) and name != spec.TEST_SCENARIO:
            continue
        value = str(headers[raw_name]).strip(" \t")
        if name in received and received[name] != value:
            repeated.add(name)
        received.setdefault(name, value)
    return received, repeated


def _header(name: str, value: str | None, context: Context, *, repeated: bool) -> HeaderResult:
    """The verdict on one header (``value`` None: not sent)."""
    method = context.method
    if name == spec.CONNECTION_METHOD:
        findings = _connection_method(value)[1]
    elif method is not None and value is None:
        findings = _missing(name)
    elif _is_expected(name, method):
        findings = _judge(name, value or "", context)
    else:
        findings = Findings()
        findings.add(own.UNEXPECTED, _unexpected(name, method), spec.UNEXPECTED_HEADER)
        result = findings.result(name, value, missing=False)
        if findings.warnings:
            return HeaderResult(name, value, spec.UNEXPECTED_HEADER, (), result.warnings)
        return result
    if repeated:
        findings.add(
            own.REPEATED,
            "Sent more than once with different values; the first was judged. Send this "
            "header once.",
        )
    return findings.result(name, value, missing=value is None)


@lru_cache(maxsize=_REUSED_HEADERS)
def _reused_header(name: str, value: str | None, method: ConnectionMethod | None) -> HeaderResult:
    """:func:`_header` for a header whose check does not read the clock: a pure function of
    the name, the value and the connection method, so it is kept for the next call (clients
    send the same values call after call) in a bounded LRU (see :data:`_REUSED_HEADERS`)."""
    return _header(name, value, Context(method=method, now=_NO_CLOCK), repeated=False)


_CLOCKED: Final = ClockedVerdicts(_REUSED_HEADERS)


def _clocked_header(
    name: str, value: str | None, method: ConnectionMethod | None, now: datetime
) -> HeaderResult:
    """:func:`_header` for a header whose check reads the clock: reused while the clock is in
    the span its comparisons hold for, judged afresh (and kept) otherwise."""
    key = (name, value, method)
    kept = _CLOCKED.get(key, now)
    if kept is not None:
        return kept
    context = Context(method=method, now=now)
    result = _header(name, value, context, repeated=False)
    _CLOCKED.put(key, result, context)
    return result


def forget_verdicts() -> None:
    """Drop every kept verdict, so the next call judges afresh: for after a choice's severity
    has been changed at run time (choices are read when a header is judged, not when it is
    reused)."""
    _reused_header.cache_clear()
    _reused_order.cache_clear()
    _reused_cross.cache_clear()
    _CLOCKED.clear()


def _method_of(value: str | None) -> ConnectionMethod | None:
    return ConnectionMethod(value) if value in spec.COLUMNS else None


def _no_headers(scenario: str | None) -> Validation:
    findings = Findings()
    findings.add(
        spec.REQUIRED,
        "No fraud prevention headers were sent. Send the headers your connection method "
        "needs, starting with Gov-Client-Connection-Method.",
        spec.MISSING_HEADER,
    )
    results = [findings.result(spec.CONNECTION_METHOD, None, missing=True)]
    if scenario is not None:
        results.append(HeaderResult(spec.TEST_SCENARIO, scenario, spec.TEST_SCENARIO_HEADER))
    return Validation(
        code=spec.NO_HEADERS,
        message=spec.MESSAGES[spec.NO_HEADERS],
        connection_method=None,
        errors=_group([(spec.CONNECTION_METHOD, finding) for finding in findings.errors]),
        headers=tuple(results),
    )


def _connection_method(value: str | None) -> tuple[ConnectionMethod | None, Findings]:
    findings = Findings()
    consequence = "Without it, no other header can be checked for presence."
    if value is None:
        findings.add(
            spec.METHOD,
            f"Header missing. Expected one of {_METHOD_NAMES}. {consequence}",
            spec.MISSING_HEADER,
        )
        return None, findings
    if value in spec.COLUMNS:
        return ConnectionMethod(value), findings
    if value == "":
        findings.add(
            spec.METHOD,
            f"Value is empty. Expected one of {_METHOD_NAMES}. {consequence}",
            spec.EMPTY_HEADER,
        )
    else:
        findings.add(
            spec.METHOD,
            f"{show(value)} is not a connection method. Expected one of {_METHOD_NAMES}, "
            f"exactly as written. Without a valid connection method, no other header can be "
            f"checked for presence.",
        )
    return None, findings


def _names_in_order(sent: frozenset[str], method: ConnectionMethod | None) -> tuple[str, ...]:
    """The headers to judge, in the specification's order (then any others by name)."""
    wanted = set(sent) | {spec.CONNECTION_METHOD}
    if method is not None:
        wanted |= spec.REQUIRED_HEADERS[method]
    known = [name for name in (*spec.HEADERS, *sorted(spec.RETIRED)) if name in wanted]
    return (*known, *sorted(wanted - set(known)))


#: :func:`_names_in_order` kept for reuse (for at most :data:`_REUSED_NAMES` names).
_reused_order: Final = lru_cache(maxsize=_REUSED_HEADERS)(_names_in_order)


def _is_expected(name: str, method: ConnectionMethod | None) -> bool:
    if method is None:
        return name in _KNOWN
    return name in spec.REQUIRED_HEADERS[method] or name in spec.NO_LONGER_REQUIRED.get(method, ())


def _unexpected(name: str, method: ConnectionMethod | None) -> str:
    if method is not None and name in _KNOWN:
        return (
            f"Not required for {method}. Stop sending it, or check that "
            f"Gov-Client-Connection-Method is right."
        )
    return f"Not a header of fraud prevention specification v{spec.SPEC_VERSION}. Check the name."


def _missing(name: str) -> Findings:
    findings = Findings()
    if name == spec.MULTI_FACTOR:
        findings.add(spec.MULTI_FACTOR_ABSENT, spec.MULTI_FACTOR_MISSING, spec.MISSING_HEADER)
    elif name == spec.VENDOR_LICENSE_IDS:
        findings.add(own.LICENSE_IDS_OPTIONAL, spec.LICENSE_IDS_MISSING, spec.MISSING_HEADER)
    elif name in (spec.PUBLIC_IP, spec.PUBLIC_PORT):
        findings.add(spec.REQUIRED, spec.PRIVATE_NETWORK_MISSING, spec.MISSING_HEADER)
    else:
        findings.add(
            spec.REQUIRED, f"Header missing. Expected {EXPECTED[name]}.", spec.MISSING_HEADER
        )
    return findings


def _judge(name: str, value: str, context: Context) -> Findings:
    findings = Findings()
    if name in spec.RETIRED:  # no longer required, so no longer judged
        return findings
    if value == "":
        if name == spec.MULTI_FACTOR:
            findings.add(spec.MULTI_FACTOR_ABSENT, spec.MULTI_FACTOR_EMPTY, spec.EMPTY_HEADER)
        elif name == spec.VENDOR_LICENSE_IDS:
            findings.add(own.LICENSE_IDS_OPTIONAL, spec.LICENSE_IDS_EMPTY, spec.EMPTY_HEADER)
        elif name in (spec.PUBLIC_IP, spec.PUBLIC_PORT):
            findings.add(
                spec.EMPTY,
                "Value is empty. If the connection between client and server is over a private "
                "network, contact HMRC, then leave the header out.",
                spec.EMPTY_HEADER,
            )
        else:
            findings.add(
                spec.EMPTY, f"Value is empty. Expected {EXPECTED[name]}.", spec.EMPTY_HEADER
            )
        return findings
    if len(value) > own.MAX_VALUE_LENGTH:
        findings.add(
            own.TOO_LONG,
            f"Value is {len(value)} characters long, too long to check. Real values are far "
            f"shorter than {own.MAX_VALUE_LENGTH} characters.",
        )
        return findings
    if not PRINTABLE_ASCII.fullmatch(value):
        findings.add(
            spec.US_ASCII,
            "Contains characters outside printable US-ASCII. Percent-encode them (RFC 3986).",
        )
        return findings
    if value.lower() in spec.PLACEHOLDERS:
        findings.add(spec.PLACEHOLDER, placeholder(value))
        return findings
    CHECKS[name](value, context, findings)
    return findings


def _group(items: list[tuple[str, Finding]]) -> tuple[Issue, ...]:
    """HMRC's items: one per (code, message), naming every header it applies to."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for name, finding in items:
        names = grouped.setdefault((finding.code, finding.message), [])
        if name not in names:
            names.append(name)
    return tuple(Issue(code, message, tuple(names)) for (code, message), names in grouped.items())


def _cross_validation(
    forwarded: str | None, vendor_ip: str | None, public_ip: str | None
) -> tuple[CrossCheck, ...]:
    """Gov-Vendor-Forwarded's first hop is by=Gov-Vendor-Public-IP&for=Gov-Client-Public-IP.

    A pure function of the three values (no clock): :data:`_reused_cross` keeps it as
    :func:`_reused_header` keeps a header's verdict."""
    if not forwarded or len(forwarded) > own.MAX_VALUE_LENGTH:
        return ()
    hop = key_values(forwarded.split(",", 1)[0], Findings())
    if hop is None:
        return ()
    checks: list[CrossCheck] = []
    for key, name, other in (
        ("by", spec.VENDOR_PUBLIC_IP, vendor_ip),
        ("for", spec.PUBLIC_IP, public_ip),
    ):
        if other is None or key not in hop:
            continue
        hop_ip, other_ip = parse_ip(hop[key]), parse_ip(ip_or_text(other))
        if hop_ip is not None and other_ip is not None and hop_ip != other_ip:
            findings = Findings()
            findings.add(
                spec.FIRST_HOP,
                f"The first hop's '{key}' ({show(hop[key])}) differs from {_TITLE[name]} "
                f"({show(other)}). They must name the same address.",
            )
            checks.append(
                CrossCheck(
                    headers=(spec.VENDOR_FORWARDED, name),
                    code=spec.INVALID_HEADER
                    if findings.errors
                    else spec.POTENTIALLY_INVALID_HEADER,
                    errors=tuple(findings.errors),
                    warnings=tuple(findings.warnings),
                )
            )
    return tuple(checks)


#: :func:`_cross_validation` kept for reuse (for values of at most :data:`_REUSED_LENGTH`).
_reused_cross: Final = lru_cache(maxsize=_REUSED_HEADERS)(_cross_validation)
