"""Keep the fraud prevention header check of every MTD API call, per application and endpoint,
for ``GET /test/fraud-prevention-headers/{api}/validation-feedback``."""

from __future__ import annotations

from openmtd.emulator.platform.fraud_headers import validate_headers
from openmtd.emulator.platform.gateway import CallContext, Endpoint
from openmtd.emulator.storage import HeaderFeedback


def record(context: CallContext, endpoint: Endpoint, method: str, path: str) -> None:
    """Check the call's headers and keep the verdict; never blocks the call."""
    if context.application is None:
        return
    verdict = validate_headers(context.headers, now=context.now)
    context.tx.platform.record_feedback(
        HeaderFeedback(
            application_id=context.application.id,
            api=endpoint.api,
            method=method.upper(),
            path=path,
            requested_at=context.now,
            connection_method=(
                verdict.connection_method.value if verdict.connection_method else None
            ),
            result=verdict.to_feedback_request(path, method, context.now),
        )
    )
