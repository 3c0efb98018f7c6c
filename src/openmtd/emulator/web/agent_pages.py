"""What the agent services pages share: their paths, the check every agent page makes first
(signed in, an Agent, with an agent services account), and the agency's name for a page.

Agent pages send a person who is not signed in to sign in and then to the agent services
account's home (:data:`HOME`, one of the sign-in's safe targets), whichever page they asked
for: a session value never becomes a redirect to an arbitrary page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from starlette.responses import Response

from openmtd.emulator.agents import services_account
from openmtd.emulator.storage import Account, AffinityGroup, AgentRecord
from openmtd.emulator.web.context import PageContext
from openmtd.emulator.web.render import message, redirect
from openmtd.emulator.web.routes.gateway import AFTER_SIGN_IN
from openmtd.webkit.forms import REFUSED_MESSAGE, Form

HOME: Final = "/agent-services-account"
CREATE: Final = "/agent-services-account/create"
CREATED: Final = "/agent-services-account/created"
COPY_SA: Final = "/agent-services-account/copy-self-assessment-authorisations"
NEW_REQUEST: Final = "/agent-services-account/authorisation-request"
REQUESTS: Final = "/agent-services-account/authorisation-requests"
CLIENTS: Final = "/agent-services-account/clients"
SIGN_UP_CLIENT: Final = "/agent-services-account/sign-up-client"


@dataclass(frozen=True, slots=True)
class Agent:
    """The signed-in agent: their account, ARN and the agency's details."""

    account: Account
    arn: str
    record: AgentRecord


def sign_in_first(ctx: PageContext, target: str = HOME) -> Response:
    ctx.set(AFTER_SIGN_IN, target)
    return redirect(ctx, "/gg/sign-in")


def not_an_agent(ctx: PageContext) -> Response:
    return message(
        ctx,
        "This service is for agents",
        "You are signed in with a Government Gateway account that is not an agent's. Sign "
        "out and sign in with your agent services account's user ID.",
        status_code=403,
        link=("/", "Go to the emulator's home page"),
    )


def agent_account(ctx: PageContext) -> Account | Response:
    """The signed-in Agent's account; else the page that says why not."""
    account = ctx.account
    if account is None:
        return sign_in_first(ctx)
    if account.affinity_group is not AffinityGroup.AGENT:
        return not_an_agent(ctx)
    return account


def signed_in_agent(ctx: PageContext) -> Agent | Response:
    """The signed-in agent with an agent services account; else sign-in, a refusal, or the
    page that creates the account."""
    account = agent_account(ctx)
    if isinstance(account, Response):
        return account
    arn = services_account.arn_of(account)
    if arn is None:
        return redirect(ctx, CREATE)
    return Agent(account, arn, services_account.record_for(ctx.tx, arn, account, ctx.now))


def agency_name(ctx: PageContext, arn: str) -> str:
    """An agency's name for a page: its details' name, or its ARN when it has none yet."""
    record = ctx.tx.agent_records.get(arn)
    return record.agency_name if record is not None else arn


def refused_fields(form: Form, fields: tuple[str, ...]) -> dict[str, str]:
    """The page's message against each of ``fields`` whose value the form reader refused."""
    return {name: REFUSED_MESSAGE for name in fields if name in form.refused}
