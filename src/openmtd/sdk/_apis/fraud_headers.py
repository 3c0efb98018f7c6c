"""Test Fraud Prevention Headers v1.0 (sandbox): HMRC's verdict on the headers the client's
``fraud_headers`` source gives (sent with every call, these included)."""

from __future__ import annotations

from openmtd.sdk._apis._base import AsyncGroup, SyncGroup
from openmtd.sdk._models.fraud_headers import HeaderValidation, ValidationFeedback
from openmtd.sdk._request import ApiCall, path
from openmtd.sdk._response import model_reader
from openmtd.sdk._versions import Api

__all__ = ["AsyncFraudHeadersTestApi", "FraudHeadersTestApi"]


def validate_call() -> ApiCall[HeaderValidation]:
    return ApiCall(
        Api.TEST_FRAUD_PREVENTION_HEADERS,
        "GET",
        "/test/fraud-prevention-headers/validate",
        model_reader(HeaderValidation),
    )


def feedback_call(api: Api | str, connection_method: str | None) -> ApiCall[ValidationFeedback]:
    return ApiCall(
        Api.TEST_FRAUD_PREVENTION_HEADERS,
        "GET",
        path("/test/fraud-prevention-headers/{api}/validation-feedback", api=str(api)),
        model_reader(ValidationFeedback),
        params={"connectionMethod": connection_method} if connection_method else {},
    )


class FraudHeadersTestApi(SyncGroup):
    """Test Fraud Prevention Headers (``client.test_fraud_headers``)."""

    def validate(self) -> HeaderValidation:
        """HMRC's verdict on this request's fraud prevention headers."""
        return self._send(validate_call())

    def feedback(
        self, api: Api | str, *, connection_method: str | None = None
    ) -> ValidationFeedback:
        """The verdict on the latest request to each endpoint of ``api``
        (e.g. ``Api.ITSA_STATUS``)."""
        return self._send(feedback_call(api, connection_method))


class AsyncFraudHeadersTestApi(AsyncGroup):
    """Test Fraud Prevention Headers (``client.test_fraud_headers``), async."""

    async def validate(self) -> HeaderValidation:
        """As :meth:`FraudHeadersTestApi.validate`."""
        return await self._send(validate_call())

    async def feedback(
        self, api: Api | str, *, connection_method: str | None = None
    ) -> ValidationFeedback:
        """As :meth:`FraudHeadersTestApi.feedback`."""
        return await self._send(feedback_call(api, connection_method))
