"""Fraud prevention headers (HMRC's specification v3.3) for three connection methods, and the
local validator that judges them by the emulator's rules.

- ``_builders``: :class:`DesktopAppDirect`, :class:`BatchProcessDirect`, :class:`WebAppViaServer`.
- ``_inputs``: what the application gives (vendor, screens, window, second factors, the web
  request) and :class:`FraudHeaderSettings`, what may be collected.
- ``_machine``: what the machine tells about itself; ``_device_id``: the persisted device id.
- ``_encoding``: percent-encoding, key-value structures and lists (§3 "Encoding").
- ``_validate``: :func:`validate_fraud_headers`, the emulator's rules run locally;
  ``_report``: its verdict (and HMRC's, read from the Test Fraud Prevention Headers API).
"""

from openmtd.sdk._fraud_headers._builders import (
    BatchProcessDirect,
    DesktopAppDirect,
    WebAppViaServer,
)
from openmtd.sdk._fraud_headers._device_id import DeviceIdFile
from openmtd.sdk._fraud_headers._inputs import (
    FactorType,
    ForwardedHop,
    FraudHeaderSettings,
    MultiFactor,
    Screen,
    Vendor,
    WebRequest,
    WindowSize,
)
from openmtd.sdk._fraud_headers._machine import LocalMachine, Machine
from openmtd.sdk._fraud_headers._report import FraudHeaderIssue, FraudHeaderReport
from openmtd.sdk._fraud_headers._validate import validate_fraud_headers

__all__ = [
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
