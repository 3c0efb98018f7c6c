"""The SDK's public API is exactly its pinned ``__all__``: every name is importable from
``openmtd.sdk``, documented, and nothing else public is added by accident."""

from __future__ import annotations

import openmtd.sdk as sdk

# Pinned: adding or removing a public name is a decision, made here.
EXPORTS = {
    # the clients, the APIs' models and the errors
    "PRODUCTION",
    "SANDBOX",
    "Caller",
    "CallerKind",
    "Environment",
    "FraudHeaderSource",
    "RateLimiter",
    "API_VERSIONS",
    "AgentNotPermitted",
    "AgentTestUser",
    "AgentType",
    "Api",
    "AsyncClient",
    "Business",
    "BusinessDetails",
    "BusinessList",
    "Checkpoint",
    "CheckpointList",
    "Client",
    "Conflict",
    "CreatedRequest",
    "FeedbackRequest",
    "FieldError",
    "FinalDeclarationObligation",
    "FinalDeclarationObligations",
    "Forbidden",
    "HeaderFeedback",
    "HeaderIssue",
    "HeaderValidation",
    "HmrcApiError",
    "IncomeAndExpenditureObligations",
    "IndividualTestUser",
    "InsufficientScope",
    "InvalidCredentials",
    "InvalidRequest",
    "Invitation",
    "InvitationStatus",
    "ItsaStatus",
    "ItsaStatusDetail",
    "ItsaStatusResponse",
    "ItsaStatusYear",
    "KnownFact",
    "LatencyDetails",
    "NotAuthorised",
    "NotFound",
    "NotSignedUp",
    "NotSubscribed",
    "ObligationPeriod",
    "ObligationStatus",
    "OpenMtdError",
    "OrganisationTestUser",
    "QuarterlyTypeChoice",
    "RetryPolicy",
    "SandboxBusiness",
    "SandboxItsaStatus",
    "SandboxItsaStatusDetail",
    "SandboxUserService",
    "ServerError",
    "SourceObligations",
    "StatusReason",
    "Throttled",
    "TransportError",
    "TypeOfBusiness",
    "UserType",
    "ValidationCode",
    "ValidationFeedback",
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
    "BulkItsaStatus",
    "BulkItsaStatusSync",
    "BulkProgress",
    "ClientStatus",
    "RateLimit",
    "bulk_itsa_status",
    "bulk_itsa_status_sync",
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
