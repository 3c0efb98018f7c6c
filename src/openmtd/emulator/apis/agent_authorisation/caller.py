"""Who is calling the Agent Authorisation API, checked before any body is read (HMRC's
``withAuthorisedAsAgent`` then the path's ARN, wire facts §6):

1. the token's person cannot be found (the grant outlived the account) → 401 ``UNAUTHORIZED``;
2. not an Agent account → 403 ``NOT_AN_AGENT``;
3. an Agent without an activated ``HMRC-AS-AGENT`` (no agent services account) → 403
   ``AGENT_NOT_SUBSCRIBED``;
4. the path's ARN is not the token's (compared as sent, any text) → 403
   ``NO_PERMISSION_ON_AGENCY``.
"""

from __future__ import annotations

from openmtd.emulator.agents import services_account
from openmtd.emulator.apis.agent_authorisation import errors
from openmtd.emulator.apis.agent_authorisation.errors import fail
from openmtd.emulator.platform.gateway import CallContext
from openmtd.emulator.storage import AffinityGroup


def agent_arn(ctx: CallContext, path_arn: str) -> str:
    """The calling agency's ARN, once it is the path's.

    Raises:
        ApiError: in the module's order.
    """
    account = ctx.account
    if account is None:
        raise fail(errors.UNAUTHORIZED)
    if account.affinity_group is not AffinityGroup.AGENT:
        raise fail(errors.NOT_AN_AGENT)
    arn = services_account.arn_of(account)
    if arn is None:
        raise fail(errors.AGENT_NOT_SUBSCRIBED)
    if arn != path_arn:
        raise fail(errors.NO_PERMISSION_ON_AGENCY)
    # The agency's details (name, client link) are made on first use, as the pages do.
    services_account.record_for(ctx.tx, arn, account, ctx.now)
    return arn
