"""Routes: HMRC's Test Fraud Prevention Headers API v1.0."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from openmtd.emulator.apis import fraud_headers
from openmtd.emulator.web.api import call

router = APIRouter(include_in_schema=False)


@router.get("/test/fraud-prevention-headers/validate")
def validate(request: Request) -> Response:
    return call(request, fraud_headers.VALIDATE, fraud_headers.validate)


@router.get("/test/fraud-prevention-headers/{api}/validation-feedback")
def feedback(request: Request, api: str) -> Response:
    method = request.query_params.get("connectionMethod")
    return call(
        request, fraud_headers.FEEDBACK, lambda ctx: fraud_headers.feedback(ctx, api, method)
    )
