"""The SDK's public API is exactly its pinned ``__all__``: every name is importable from
``openmtd.sdk``, documented, and nothing else public is added by accident."""

from __future__ import annotations

import openmtd.sdk as sdk

# Pinned: adding or removing a public name is a decision, made here.
EXPORTS = {
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
    # signing in and tokens
    "DEFAULT_GRANT_LENGTH",
    "ApplicationAuth",
    "ApplicationToken",
    "AuthorizationDenied",
    "AuthorizationRequest",
    "EncryptedFileStore",
    "LoopbackReceiver",
    "LoopbackTimeout",
    "OAuthClient",
    "OAuthError",
    "ReauthorisationReason",
    "ReauthorisationRequired",
    "SqlTokenStore",
    "StateMismatch",
    "TokenSet",
    "TokenStore",
    "TokenStoreError",
    "UserAuth",
    "parse_callback",
    # rate limits and bulk reads
    "ApplicationRateLimiter",
    "RateLimit",
}


def test_all_is_pinned() -> None:
    assert set(sdk.__all__) == EXPORTS
    assert len(sdk.__all__) == len(EXPORTS)


def test_every_name_is_there_and_documented() -> None:
    for name in sdk.__all__:
        value = getattr(sdk, name)
        assert value.__doc__, f"openmtd.sdk.{name} has no docstring"


def test_no_other_public_module_attribute() -> None:
    public = {name for name in vars(sdk) if not name.startswith("_")}
    assert public == EXPORTS
