"""Calling HMRC from a page: an SDK client for the signed-in person, with fraud prevention
headers for this browser (WEB_APP_VIA_SERVER) and every call written to the audit log.

    with hmrc_client(ctx) as client:
        answer = client.itsa_status.retrieve(connection.nino, "2026-27", future_years=True)

The audit rows are written in the page's transaction (``ctx.tx``): a page that handles the
SDK's errors (every route does) keeps them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager

from openmtd import __version__
from openmtd.app.services.hmrc import CallRecord
from openmtd.app.storage import AuditEntry
from openmtd.app.web.context import PageContext
from openmtd.sdk import (
    Client,
    FactorType,
    FraudHeaderSource,
    MultiFactor,
    Vendor,
    WebAppViaServer,
    WebRequest,
)

PRODUCT_NAME = "openmtd"


def _public_ip(host: str | None) -> str | None:
    """The browser's address, if it is a public one (a loopback or private address says
    nothing to HMRC, and the spec asks for the public IP)."""
    if not host:
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    return host if address.is_global else None


def fraud_headers(ctx: PageContext) -> FraudHeaderSource:
    """The headers for calls made while serving this request: what the request tells about
    the browser, the app's own user id, and the second factor passed at sign-in. What cannot
    be known (a browser's screen without script, say) is left out, never invented."""
    user = ctx.require_user()
    session = ctx.session
    client = ctx.request.client
    factors = []
    if session.second_factor_at is not None and session.second_factor_reference:
        factors.append(
            MultiFactor(FactorType.TOTP, session.second_factor_at, session.second_factor_reference)
        )
    request = WebRequest(
        public_ip=_public_ip(client.host if client else None),
        public_port=client.port if client and _public_ip(client.host) else None,
        seen_at=ctx.now,
        device_id=ctx.device_id,
        js_user_agent=None,
        user_ids={PRODUCT_NAME: str(user.id)},
        multi_factor=factors,
    )
    vendor = Vendor(PRODUCT_NAME, {PRODUCT_NAME: __version__})
    source = WebAppViaServer(vendor, vendor_public_ip=ctx.services.settings.vendor_public_ip)
    return source.for_request(request)


@contextmanager
def hmrc_client(ctx: PageContext) -> Iterator[Client]:
    """An SDK client for the signed-in person (see the module docstring)."""
    user = ctx.require_user()
    connection = ctx.tx.connections.get(user.id)
    nino = connection.nino if connection else None

    def record(call: CallRecord) -> None:
        ctx.tx.audit.add(
            AuditEntry(
                at=call.at,
                user_id=user.id,
                nino=nino,
                method=call.method,
                path=call.path,
                status=call.status,
                correlation_id=call.correlation_id,
                outcome=call.outcome,
            )
        )

    with ctx.services.hmrc.client(user.id, record=record, fraud_headers=fraud_headers(ctx)) as c:
        yield c
