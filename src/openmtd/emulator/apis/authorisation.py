"""Who may call an MTD API endpoint for a customer: the NINO check, the MTDITID lookup and the
enrolment / delegated-auth predicate, exactly as Retrieve ITSA Status runs them
(:func:`openmtd.emulator.apis.itsa_status.look_up_client` and
:func:`~openmtd.emulator.apis.itsa_status.may_see`, wire facts §1.3 and §1.4), with the
endpoint's own :class:`~openmtd.rules.agents.Operation` deciding whether a supporting agent
may (:func:`openmtd.rules.agents.agent_may`).

Business Details and Obligations call :func:`authorise` once per endpoint, so the question
"who may call what" can be answered elsewhere later by swapping this one call.
"""

from __future__ import annotations

from openmtd.emulator.apis import itsa_status
from openmtd.emulator.apis.itsa_status import Client
from openmtd.emulator.platform.errors import ApiError
from openmtd.emulator.platform.gateway import CallContext
from openmtd.rules.agents import Operation


def authorise(ctx: CallContext, nino: str, operation: Operation) -> Client:
    """The customer the path's NINO names, once the caller may act for them.

    Raises:
        ApiError: 400 ``FORMAT_NINO``; 403 ``CLIENT_OR_AGENT_NOT_AUTHORISED`` (no such
            customer, or a caller who may not); 403 ``CLIENT_NOT_MTD_ENROLLED`` (no active
            ``HMRC-MTD-IT``).
    """
    client = itsa_status.look_up_client(ctx.tx, nino)
    if not itsa_status.may_see(ctx.tx, ctx.account, client, operation):
        raise ApiError.of(itsa_status.CLIENT_OR_AGENT_NOT_AUTHORISED)
    return client
