"""The local validator: the same rules as the emulator's (and so as near HMRC's as openmtd
knows them), from :mod:`openmtd.rules.fraud_headers`, without a network call. This layer
holds no copy of the rules: it translates their verdict into the SDK's report.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from openmtd.rules import fraud_headers as rules
from openmtd.sdk._fraud_headers._report import FraudHeaderIssue, FraudHeaderReport

__all__ = ["validate_fraud_headers"]

_METHOD_HEADER = "gov-client-connection-method"


def validate_fraud_headers(
    connection_method: str, headers: Mapping[str, str], *, now: datetime | None = None
) -> FraudHeaderReport:
    """Judge ``headers`` as HMRC's Test Fraud Prevention Headers API would for
    ``connection_method`` (e.g. ``"DESKTOP_APP_DIRECT"``), by spec v3.3's rules.

    ``headers`` may leave Gov-Client-Connection-Method out (it is then the one named); if they
    hold a different one, that is a ValueError, as is a method that is not one of HMRC's.
    ``now`` is the clock the timestamps are judged by (default: now).
    """
    method = rules.ConnectionMethod(connection_method)
    sent = {str(name).lower(): value for name, value in headers.items()}.get(_METHOD_HEADER)
    if sent is not None and sent != method.value:
        raise ValueError(
            f"the headers' Gov-Client-Connection-Method is {sent!r}, not {method.value!r}"
        )
    judged = dict(headers) if sent is not None else {**headers, _METHOD_HEADER: method.value}
    verdict = rules.validate_headers(judged, now=now or datetime.now(UTC))
    return FraudHeaderReport(
        code=verdict.code,
        message=verdict.message,
        errors=tuple(FraudHeaderIssue(i.code, i.message, tuple(i.headers)) for i in verdict.errors),
        warnings=tuple(
            FraudHeaderIssue(i.code, i.message, tuple(i.headers)) for i in verdict.warnings
        ),
        spec_version=rules.SPEC_VERSION,
    )
