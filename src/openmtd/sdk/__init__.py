"""The typed Python client for HMRC's MTD ITSA APIs (real HMRC or the emulator).

May import :mod:`openmtd.rules` value types; never :mod:`openmtd.emulator` or :mod:`openmtd.app`.
"""

from openmtd.sdk._fraud_headers import (
    BatchProcessDirect,
    DesktopAppDirect,
    DeviceIdFile,
    FactorType,
    ForwardedHop,
    FraudHeaderIssue,
    FraudHeaderReport,
    FraudHeaderSettings,
    LocalMachine,
    Machine,
    MultiFactor,
    Screen,
    Vendor,
    WebAppViaServer,
    WebRequest,
    WindowSize,
    validate_fraud_headers,
)

__all__: list[str] = [
    # fraud prevention headers
    "BatchProcessDirect",
    "DesktopAppDirect",
    "DeviceIdFile",
    "FactorType",
    "ForwardedHop",
    "FraudHeaderIssue",
    "FraudHeaderReport",
    "FraudHeaderSettings",
    "LocalMachine",
    "Machine",
    "MultiFactor",
    "Screen",
    "Vendor",
    "WebAppViaServer",
    "WebRequest",
    "WindowSize",
    "validate_fraud_headers",
]
