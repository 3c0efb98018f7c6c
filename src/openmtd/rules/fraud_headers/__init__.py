"""HMRC's fraud prevention headers, specification v3.3: who must send what, and the verdict.

Pure (standard library only), so the Test Fraud Prevention Headers API and the recording of
every MTD call share it. Facts: wire facts §3 (3.1 the table of required headers, 3.2 the
formats, 3.3 the validator's response shapes).

:func:`validate_headers` takes the headers as received (names in any case) and returns a
:class:`Validation`: an overall code and message, HMRC's ``errors`` / ``warnings`` items
(``{code, message, headers}``) and a result per header for the validation-feedback shape.

The modules follow the specification's seams:

- ``spec``: the connection methods, the table of required headers, HMRC's codes and texts,
  and :data:`RULES`, every rule the specification states, each with its source. Only these
  can make headers ``INVALID_HEADERS``.
- ``choices``: :data:`CHOICES`, openmtd's own checks where HMRC is silent, each at most a
  warning and switchable in one place; and the thresholds they use.
- ``encoding``: reading percent-encoded lists and key-value structures (§3 "Encoding").
- ``checks``: one check per header (§3.2).
- ``context``: what a check is given (the connection method, the clock) and the span of clock
  readings its verdict holds for; the bounded store of such verdicts.
- ``validator``: the verdict on a request, and the cross-header check. A header's verdict is
  reused for the same value (bounded LRUs): always where its check does not read the clock,
  and while the clock is in the span it holds for where it does.
- ``results``: the verdict's shapes (HMRC's) and the findings collector.

docs/emulator.md, "Fraud prevention headers", lists every rule and choice.
"""

from openmtd.rules.fraud_headers.choices import (
    CHOICES,
    FUTURE_TOLERANCE,
    MAX_FINDINGS_PER_HEADER,
    MAX_TIMESTAMP_AGE,
    MAX_VALUE_LENGTH,
    Choice,
)
from openmtd.rules.fraud_headers.results import (
    CrossCheck,
    Finding,
    HeaderResult,
    Issue,
    Validation,
    format_timestamp,
)
from openmtd.rules.fraud_headers.spec import (
    BROWSER_DO_NOT_TRACK,
    BROWSER_JS_USER_AGENT,
    BROWSER_PLUGINS,
    CONNECTION_METHOD,
    DEVICE_ID,
    EMPTY_HEADER,
    HEADERS,
    INVALID_HEADER,
    INVALID_HEADERS,
    LICENSE_IDS_EMPTY,
    LICENSE_IDS_MISSING,
    LOCAL_IPS,
    LOCAL_IPS_TIMESTAMP,
    MAC_ADDRESSES,
    MESSAGES,
    MISSING_HEADER,
    MULTI_FACTOR,
    MULTI_FACTOR_EMPTY,
    MULTI_FACTOR_MISSING,
    NO_HEADERS,
    NO_LONGER_REQUIRED,
    POTENTIALLY_INVALID_HEADER,
    POTENTIALLY_INVALID_HEADERS,
    PRIVATE_NETWORK_MISSING,
    PUBLIC_IP,
    PUBLIC_IP_TIMESTAMP,
    PUBLIC_PORT,
    REQUIRED_HEADERS,
    RULES,
    SCREENS,
    SPEC_VERSION,
    TEST_SCENARIO,
    TEST_SCENARIO_HEADER,
    TIMEZONE,
    UNEXPECTED_HEADER,
    USER_AGENT,
    USER_IDS,
    VALID_HEADER,
    VALID_HEADERS,
    VENDOR_FORWARDED,
    VENDOR_LICENSE_IDS,
    VENDOR_PRODUCT_NAME,
    VENDOR_PUBLIC_IP,
    VENDOR_VERSION,
    WINDOW_SIZE,
    ConnectionMethod,
    Rule,
    Severity,
)
from openmtd.rules.fraud_headers.validator import (
    forget_verdicts,
    is_fraud_prevention_header,
    validate_headers,
)

__all__ = [
    "BROWSER_DO_NOT_TRACK",
    "BROWSER_JS_USER_AGENT",
    "BROWSER_PLUGINS",
    "CHOICES",
    "CONNECTION_METHOD",
    "DEVICE_ID",
    "EMPTY_HEADER",
    "FUTURE_TOLERANCE",
    "HEADERS",
    "INVALID_HEADER",
    "INVALID_HEADERS",
    "LICENSE_IDS_EMPTY",
    "LICENSE_IDS_MISSING",
    "LOCAL_IPS",
    "LOCAL_IPS_TIMESTAMP",
    "MAC_ADDRESSES",
    "MAX_FINDINGS_PER_HEADER",
    "MAX_TIMESTAMP_AGE",
    "MAX_VALUE_LENGTH",
    "MESSAGES",
    "MISSING_HEADER",
    "MULTI_FACTOR",
    "MULTI_FACTOR_EMPTY",
    "MULTI_FACTOR_MISSING",
    "NO_HEADERS",
    "NO_LONGER_REQUIRED",
    "POTENTIALLY_INVALID_HEADER",
    "POTENTIALLY_INVALID_HEADERS",
    "PRIVATE_NETWORK_MISSING",
    "PUBLIC_IP",
    "PUBLIC_IP_TIMESTAMP",
    "PUBLIC_PORT",
    "REQUIRED_HEADERS",
    "RULES",
    "SCREENS",
    "SPEC_VERSION",
    "TEST_SCENARIO",
    "TEST_SCENARIO_HEADER",
    "TIMEZONE",
    "UNEXPECTED_HEADER",
    "USER_AGENT",
    "USER_IDS",
    "VALID_HEADER",
    "VALID_HEADERS",
    "VENDOR_FORWARDED",
    "VENDOR_LICENSE_IDS",
    "VENDOR_PRODUCT_NAME",
    "VENDOR_PUBLIC_IP",
    "VENDOR_VERSION",
    "WINDOW_SIZE",
    "Choice",
    "ConnectionMethod",
    "CrossCheck",
    "Finding",
    "HeaderResult",
    "Issue",
    "Rule",
    "Severity",
    "Validation",
    "forget_verdicts",
    "format_timestamp",
    "is_fraud_prevention_header",
    "validate_headers",
]
