"""The typed Python client for HMRC's MTD ITSA APIs (real HMRC or the emulator).

May import :mod:`openmtd.rules` value types; never :mod:`openmtd.emulator` or :mod:`openmtd.app`.
"""

from openmtd.sdk._auth import ApplicationAuth, UserAuth
from openmtd.sdk._errors import OAuthError, ReauthorisationReason, ReauthorisationRequired
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
from openmtd.sdk._loopback import LoopbackReceiver, LoopbackTimeout
from openmtd.sdk._oauth import (
    ApplicationToken,
    AuthorizationDenied,
    AuthorizationRequest,
    OAuthClient,
    StateMismatch,
    parse_callback,
)
from openmtd.sdk._rate_limit import ApplicationRateLimiter, RateLimit
from openmtd.sdk._seams import TokenStore
from openmtd.sdk._stores import EncryptedFileStore, SqlTokenStore
from openmtd.sdk._stores._codec import TokenStoreError
from openmtd.sdk._tokens import DEFAULT_GRANT_LENGTH, TokenSet

__all__: list[str] = [
    "DEFAULT_GRANT_LENGTH",
    "ApplicationAuth",
    "ApplicationRateLimiter",
    "ApplicationToken",
    "AuthorizationDenied",
    "AuthorizationRequest",
    "BatchProcessDirect",
    "DesktopAppDirect",
    "DeviceIdFile",
    "EncryptedFileStore",
    "FactorType",
    "ForwardedHop",
    "FraudHeaderIssue",
    "FraudHeaderReport",
    "FraudHeaderSettings",
    "LocalMachine",
    "LoopbackReceiver",
    "LoopbackTimeout",
    "Machine",
    "MultiFactor",
    "OAuthClient",
    "OAuthError",
    "RateLimit",
    "ReauthorisationReason",
    "ReauthorisationRequired",
    "Screen",
    "SqlTokenStore",
    "StateMismatch",
    "TokenSet",
    "TokenStore",
    "TokenStoreError",
    "UserAuth",
    "Vendor",
    "WebAppViaServer",
    "WebRequest",
    "WindowSize",
    "parse_callback",
    "validate_fraud_headers",
]
