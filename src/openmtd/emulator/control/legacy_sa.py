"""Control endpoint for a person's legacy Self Assessment agents (HMRC's CESA records, which
"copy existing Self Assessment authorisations" reads, business rules §2.3):

``POST /emulator/people/{nino}/legacy-sa-agents`` with ``{"saAgentReference": "SA1234",
"ended"?: false}`` keeps a link between the person and the agent's legacy reference
(``IR-SA-AGENT``, 6 letters or digits); ``"ended": true`` stands for CESA's
``agentCeasedDate`` (the link is never copied). Sending the same reference again changes
``ended``. When the person is signed up and an agent services account has linked the
reference, the authorisation is copied at once (as a main relationship, once); otherwise when
they sign up or the agent links it. Any well-formed NINO is accepted, as CESA's records need
no Government Gateway account.

Answers 201 ``{"nino", "saAgentReference", "ended", "copiedTo": [ARN]}``. Codes and messages
are openmtd's (HMRC has no control API); the NINO in the path is checked with HMRC's rule.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Final

from openmtd.emulator.agents import relationships
from openmtd.emulator.agents.clients import find_client
from openmtd.emulator.control.errors import FORMAT_VALUE, ControlError, FieldError
from openmtd.emulator.control.requests import _Body, _validate, parse_json, parse_nino
from openmtd.emulator.storage import LegacySaClientLink, Transaction

#: ``IRAgentReference``: 6 letters or digits (business rules §2.3), kept upper case.
SA_AGENT_REFERENCE: Final = re.compile(r"[A-Z0-9]{6}")
REFERENCE_MESSAGE: Final = "saAgentReference must be 6 letters or digits, like SA1234"


class LegacySaAgentRequest(_Body):
    """``POST /emulator/people/{nino}/legacy-sa-agents``."""

    sa_agent_reference: str
    ended: bool = False


def add_legacy_sa_agent(tx: Transaction, now: datetime, nino: str, raw: bytes) -> dict[str, Any]:
    """Keep the link, copy what is now due, and answer its JSON.

    Raises:
        ControlError: 400 ``FORMAT_NINO`` for the path, ``INVALID_REQUEST`` for the body.
    """
    parsed = parse_nino(nino)
    request = _validate(LegacySaAgentRequest, parse_json(raw))
    reference = request.sa_agent_reference.upper()
    if not (reference.isascii() and SA_AGENT_REFERENCE.fullmatch(reference)):
        raise ControlError.invalid(FieldError(FORMAT_VALUE, REFERENCE_MESSAGE, "/saAgentReference"))
    client = find_client(tx, parsed)
    stored_nino = client.nino if client is not None else parsed
    tx.legacy_sa.add_client_link(LegacySaClientLink(stored_nino, reference, request.ended, now))
    copied = relationships.copy_legacy_for_client(tx, stored_nino, now)
    return {
        "nino": stored_nino,
        "saAgentReference": reference,
        "ended": request.ended,
        "copiedTo": [relationship.arn for relationship in copied],
    }
