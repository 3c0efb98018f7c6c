"""Keep the fraud prevention header check of every MTD API call, per application and endpoint,
for ``GET /test/fraud-prevention-headers/{api}/validation-feedback``.

HMRC's Test Fraud Prevention Headers API gives feedback on "the last request made to each
endpoint" (wire facts §3). An endpoint is its method and HMRC's path template
(``GET /individuals/person/itsa-status/{nino}/{taxYear}``), so calls for two NINOs or two tax
years replace one another. *Choice* (UNCONFIRMED): the entry's ``path`` is that template, not
the last concrete path, since the entry stands for the endpoint.
"""

from __future__ import annotations

from openmtd.emulator.platform.gateway import CallContext, Endpoint
from openmtd.emulator.storage import HeaderFeedback
from openmtd.rules.fraud_headers import validate_headers


def record(context: CallContext, endpoint: Endpoint, method: str) -> None:
    """Check the call's headers and keep the verdict as the endpoint's latest; never blocks."""
    if context.application is None:
        return
    verdict = validate_headers(context.headers, now=context.now)
    context.tx.platform.record_feedback(
        HeaderFeedback(
            application_id=context.application.id,
            api=endpoint.api,
            method=method.upper(),
            path=endpoint.path,
            requested_at=context.now,
            connection_method=(
                verdict.connection_method.value if verdict.connection_method else None
            ),
            result=verdict.to_feedback_request(endpoint.path, method, context.now),
        )
    )
